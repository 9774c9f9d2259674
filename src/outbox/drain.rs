//! Draining the outbox: `concurrency` lanes, each with its own connection, take one due job
//! at a time (exactly one sender gets it), send it by its route and record the outcome. A
//! job whose earlier attempt ended without a clear answer (timeout, reset, 5xx, a sender that
//! died mid-way) is verified first: on the DMP route the DMP is asked by uniqueId (TD3.1b)
//! and a document found there is done, never sent twice; on the gateway route the same
//! message (same MSH-10) goes again and the gateway recognises it. Runs in `chevet serve`
//! (establishment mode) or in the app's workers (single workstation); never on the UI thread.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Notify;

use super::route::{self, Attempt};
use super::settings::OutboxSettings;
use crate::dmp::client::DmpClient;
use crate::store::outbox::{self, Outcome, Taken};
use crate::store::{Store, StoreError};

/// Opens a connection to the record holding the outbox (each lane has its own).
pub type OpenStore = Arc<dyn Fn() -> Result<Store, StoreError> + Send + Sync>;

/// Called after a job changed state (the app refreshes what it shows).
pub type OnChange = Arc<dyn Fn() + Send + Sync>;

/// Everything the lanes share.
pub struct Drainer {
    pub settings: OutboxSettings,
    pub open: OpenStore,
    pub dmp: Option<Arc<DmpClient>>,
    /// This sender's name in `taken_by` (host, process and lane are added).
    pub name: String,
    pub on_change: Option<OnChange>,
    /// Wakes idle lanes at once (a job queued, resumed or retried).
    pub wake: Arc<Notify>,
    /// How long an idle lane sleeps before looking again.
    pub idle: Duration,
}

impl Drainer {
    /// Runs the lanes until `stop` is notified; returns when they all stopped.
    pub async fn run(self: Arc<Self>, stop: Arc<StopFlag>) {
        let mut lanes = Vec::new();
        for lane in 0..self.settings.concurrency.max(1) {
            let me = Arc::clone(&self);
            let stop = Arc::clone(&stop);
            lanes.push(tokio::spawn(async move { me.lane(lane, stop).await }));
        }
        for lane in lanes {
            let _ = lane.await;
        }
    }

    async fn lane(&self, lane: usize, stop: Arc<StopFlag>) {
        let sender = format!("{}#{}-{lane}", self.name, std::process::id());
        let mut store: Option<Store> = None;
        while !stop.is_stopped() {
            match self.once(&mut store, &sender).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "outbox: the record is unavailable");
                    store = None;
                }
            }
            tokio::select! {
                () = self.wake.notified() => {}
                () = tokio::time::sleep(self.idle) => {}
                () = stop.wait() => {}
            }
        }
    }

    /// Takes and sends one job; `Ok(false)` when none was due.
    async fn once(&self, store: &mut Option<Store>, sender: &str) -> Result<bool, StoreError> {
        let taken = {
            let open = Arc::clone(&self.open);
            let lease = chrono::Duration::from_std(self.settings.lease)
                .unwrap_or(chrono::Duration::seconds(600));
            let held = store.take();
            let name = sender.to_owned();
            let (back, taken) = tokio::task::spawn_blocking(move || {
                let mut s = match held {
                    Some(s) => s,
                    None => match open() {
                        Ok(s) => s,
                        Err(e) => return (None, Err(e)),
                    },
                };
                let taken = outbox::take(&mut s, &name, Utc::now(), lease);
                (Some(s), taken)
            })
            .await
            .map_err(|_| StoreError::Corrupt("outbox lane".into()))?;
            *store = back;
            taken?
        };
        let Some(item) = taken else {
            return Ok(false);
        };
        let attempt = self.attempt(store, &item).await;
        let outcome = self.outcome(&item, attempt);
        let id = item.id;
        let name = sender.to_owned();
        let held = store
            .take()
            .ok_or(StoreError::Corrupt("outbox lane".into()))?;
        let (back, done) = tokio::task::spawn_blocking(move || {
            let mut s = held;
            let done = outbox::finish(&mut s, id, &name, &outcome);
            (s, done)
        })
        .await
        .map_err(|_| StoreError::Corrupt("outbox lane".into()))?;
        *store = Some(back);
        done?;
        if let Some(on_change) = &self.on_change {
            on_change();
        }
        Ok(true)
    }

    async fn attempt(&self, store: &mut Option<Store>, item: &Taken) -> Attempt {
        let context = match route::load(store, item).await {
            Ok(c) => c,
            Err(e) => return Attempt::retry_clear(e.to_string()),
        };
        match item.route {
            crate::domain::outbox::OutboxRoute::Dmp => match &self.dmp {
                Some(client) => route::dmp(client, store, item, context).await,
                None => Attempt::Final(route::REASON_NO_DMP.to_owned()),
            },
            crate::domain::outbox::OutboxRoute::Pfi => match self.settings.pfi_address {
                Some(addr) => route::pfi(addr, self.settings.answer_timeout, item).await,
                None => Attempt::Final(route::REASON_NO_PFI.to_owned()),
            },
        }
    }

    /// The attempt as the store records it: retried with back-off, or final past the limit.
    fn outcome(&self, item: &Taken, attempt: Attempt) -> Outcome {
        match attempt {
            Attempt::Delivered { acknowledged } => Outcome::Sent { acknowledged },
            Attempt::Final(reason) => Outcome::Failed {
                reason,
                retry_at: None,
                ambiguous: false,
            },
            Attempt::Retry { reason, ambiguous } => {
                let retry_at = (item.attempts < self.settings.max_attempts).then(|| {
                    Utc::now()
                        + chrono::Duration::from_std(self.settings.backoff(item.attempts))
                            .unwrap_or(chrono::Duration::seconds(60))
                });
                let reason = if retry_at.is_some() {
                    format!("Nouvelle tentative prévue : {reason}")
                } else {
                    format!("Abandonné après {} tentatives : {reason}", item.attempts)
                };
                Outcome::Failed {
                    reason,
                    retry_at,
                    ambiguous,
                }
            }
        }
    }
}

/// A stop flag lanes can wait on.
#[derive(Default)]
pub struct StopFlag {
    stopped: std::sync::atomic::AtomicBool,
    notify: Notify,
}

impl StopFlag {
    pub fn stop(&self) {
        self.stopped
            .store(true, std::sync::atomic::Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped.load(std::sync::atomic::Ordering::SeqCst)
    }

    async fn wait(&self) {
        if !self.is_stopped() {
            self.notify.notified().await;
        }
    }
}
