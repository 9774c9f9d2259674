//! Waiting that the user can cancel: a future raced against a cancel flag looked at every
//! 200 ms (tokio's `select!` needs a feature Chevet does not enable).

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often a cancel flag is looked at.
pub const CANCEL_CHECK: Duration = Duration::from_millis(200);

/// Runs `future` to its end, or returns `None` soon after `cancel` is set.
pub async fn until_cancelled<F: Future>(future: F, cancel: &AtomicBool) -> Option<F::Output> {
    let mut future = std::pin::pin!(future);
    loop {
        if cancel.load(Ordering::SeqCst) {
            return None;
        }
        if let Ok(output) = tokio::time::timeout(CANCEL_CHECK, future.as_mut()).await {
            return Some(output);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn finishes_or_stops_on_cancel() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let cancel = Arc::new(AtomicBool::new(false));
            assert_eq!(until_cancelled(async { 7 }, &cancel).await, Some(7));
            let flag = Arc::clone(&cancel);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(300)).await;
                flag.store(true, Ordering::SeqCst);
            });
            // An hour-long wait that returns at all was stopped by the flag.
            let slow = tokio::time::sleep(Duration::from_secs(3600));
            assert_eq!(until_cancelled(slow, &cancel).await, None);
        });
    }
}
