//! The listener's sink: a readable message is recorded in the journal and filed by intake
//! **in one transaction**, on a blocking thread (the store is synchronous), one message at a
//! time per store connection (a pool of them for PostgreSQL, [`JournalSink::pooled`]); the
//! listener writes the ACK only once this returned. A message sent
//! again (same MSH-3, MSH-4 and MSH-10) is not filed twice: it gets the answer it got the
//! first time, MSA-1 and ERR codes. A store failure rolls everything back: the sender gets AR
//! and sends again.

use std::sync::{Arc, Mutex, PoisonError};

use super::{Outcome, decode_errors, handle};
use crate::hl7::AckCode;
use crate::hl7::listener::{ReceivedMessage, Sink, SinkError, Verdict};
use crate::store::hl7_journal::{self, Incoming, Recorded};
use crate::store::{Store, StoreError};

/// What runs after each committed message.
type OnFiled = Box<dyn Fn(&Outcome) + Send + Sync>;

/// The store's journal and intake as the listener's sink.
pub struct JournalSink {
    /// One connection (SQLite: one writer anyway), or a pool (PostgreSQL).
    stores: Vec<Arc<Mutex<Store>>>,
    /// The connection the next message tries first.
    next: std::sync::atomic::AtomicUsize,
    /// Called after each commit with the folder intake changed (the app's workers refresh
    /// what is on screen; `chevet serve` has nothing to do, workstations are notified by the
    /// record's triggers).
    on_filed: Option<OnFiled>,
}

impl JournalSink {
    pub fn new(store: Store) -> Self {
        Self::pooled(vec![store])
    }

    /// Messages from several senders committed side by side, one per connection (PostgreSQL;
    /// each message is still one transaction, and a conflict between two of them is an AR
    /// the sender resends). Panics on an empty pool.
    pub fn pooled(stores: Vec<Store>) -> Self {
        assert!(!stores.is_empty(), "a sink needs a store");
        Self {
            stores: stores
                .into_iter()
                .map(|s| Arc::new(Mutex::new(s)))
                .collect(),
            next: std::sync::atomic::AtomicUsize::new(0),
            on_filed: None,
        }
    }

    /// The sink with a callback run after each committed message (never for a duplicate).
    pub fn with_callback(
        store: Store,
        on_filed: impl Fn(&Outcome) + Send + Sync + 'static,
    ) -> Self {
        Self {
            on_filed: Some(Box::new(on_filed)),
            ..Self::new(store)
        }
    }

    /// The (first) store, for the caller's own reads.
    pub fn store(&self) -> Arc<Mutex<Store>> {
        Arc::clone(&self.stores[0])
    }

    /// A free connection if there is one, else the next in turn (its lock then waits).
    fn pick(&self) -> Arc<Mutex<Store>> {
        let start = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let n = self.stores.len();
        let free = (0..n)
            .map(|i| &self.stores[(start + i) % n])
            .find(|s| !matches!(s.try_lock(), Err(std::sync::TryLockError::WouldBlock)));
        Arc::clone(free.unwrap_or(&self.stores[start % n]))
    }
}

/// Journal + intake in one transaction; `None` outcome for a message sent again.
pub fn record_and_file(
    store: &mut Store,
    message: &ReceivedMessage,
) -> Result<(Verdict, Option<Outcome>), StoreError> {
    store.in_transaction(|store| {
        // The row first (its id, the duplicate check), its bytes with the outcome: in one
        // transaction, nobody sees it empty, and a large message is written once.
        let incoming = Incoming {
            sending_application: &message.sending_application,
            sending_facility: &message.sending_facility,
            control_id: &message.control_id,
            message_type: &message.message_type,
            raw: &[],
            ack_code: AckCode::Accept.code(),
        };
        match hl7_journal::record(store, &incoming)? {
            Recorded::New(id) => {
                let outcome = handle(store, id, &message.raw)?;
                hl7_journal::finish_with_raw(
                    store,
                    id,
                    outcome.status,
                    outcome.code.code(),
                    outcome.errors_code().as_deref(),
                    outcome.note,
                    &message.raw,
                )?;
                let verdict = Verdict {
                    code: outcome.code,
                    errors: outcome.errors.clone(),
                };
                Ok((verdict, Some(outcome)))
            }
            Recorded::Duplicate(id, _) => {
                let (code, errors) = hl7_journal::answer(store, id)?;
                let code = match code.as_str() {
                    "AE" => AckCode::Error,
                    "AR" => AckCode::Reject,
                    _ => AckCode::Accept,
                };
                let errors = errors.as_deref().map(decode_errors).unwrap_or_default();
                Ok((Verdict { code, errors }, None))
            }
        }
    })
}

impl Sink for JournalSink {
    async fn accept(&self, message: ReceivedMessage) -> Result<Verdict, SinkError> {
        let store = self.pick();
        let (result, outcome) = tokio::task::spawn_blocking(move || {
            let mut store = store.lock().unwrap_or_else(PoisonError::into_inner);
            let result = record_and_file(&mut store, &message);
            if result.as_ref().is_err_and(|_| store.is_connection_lost()) {
                // The next message finds a fresh connection; this one gets AR.
                if let Err(e) = store.reconnect() {
                    tracing::warn!("hl7 intake: reconnection failed: {e}");
                }
            }
            match result {
                Ok((verdict, outcome)) => (Ok(verdict), outcome),
                Err(e) => (Err(e), None),
            }
        })
        .await
        .map_err(|_| SinkError("the journal's thread stopped".to_owned()))?;
        if let (Some(outcome), Some(callback)) = (&outcome, &self.on_filed) {
            callback(outcome);
        }
        result.map_err(|e| SinkError(format!("journal not written: {e}")))
    }
}
