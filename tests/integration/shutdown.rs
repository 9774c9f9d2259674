//! A failing test fails, it never hangs (issue 12): a UI test that panics while the PC/SC
//! monitor — a blocking worker — runs must end, its runtime shut down and the monitor thread
//! gone, instead of waiting forever for a blocking task nobody told to stop.

use std::time::{Duration, Instant};

use crate::support::{LONG, pcsc_app_on_login, runtime};

/// Threads of this process whose name starts with `prefix` (Linux: `/proc/self/task`).
fn threads_named(prefix: &str) -> usize {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|t| std::fs::read_to_string(t.path().join("comm")).ok())
        .filter(|name| name.trim().starts_with(prefix))
        .count()
}

#[test]
fn issue12_a_ui_test_failing_while_the_card_monitor_runs_ends() {
    // The card tests run PC/SC monitors too: counting monitor threads needs them done.
    let _readers = crate::card_peer::VPCD_PORT_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let (done_tx, done_rx) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("failing-ui-test".into())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(|| {
                let rt = runtime();
                let dir = tempfile::tempdir().expect("tempdir");
                let _h = pcsc_app_on_login(&rt, dir.path());
                // A failing assertion, without the panic message in the test's output.
                std::panic::resume_unwind(Box::new("simulated failure"));
            });
            let _ = done_tx.send(outcome.is_err());
        })
        .expect("thread");
    let failed = done_rx
        .recv_timeout(LONG)
        .expect("the failing test ended instead of hanging");
    assert!(failed, "the simulated failure unwound");
    // The monitor saw the stop flag set when the app's handle was dropped.
    let start = Instant::now();
    while threads_named("chevet-pcsc-mon") > 0 && start.elapsed() < LONG {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        threads_named("chevet-pcsc-mon"),
        0,
        "the PC/SC monitor stopped"
    );
}
