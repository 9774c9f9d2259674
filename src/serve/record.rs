//! The `record` job: connects to the shared record as its owner (`Store::connect` migrates
//! under the advisory lock and grants the workstations' role), seeds the sandbox's demo data
//! into an empty record when there are some, then checks every 10 s that the record answers,
//! reconnecting with a capped exponential backoff (1 s → 30 s) when it does not. The `Store`
//! is synchronous and not `Sync`: it lives on this job's thread only.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use super::jobs::{JobState, StatusCell, StopSignal};
use super::status::Shared;
use super::{Control, ServeError};
use crate::store::{PgTarget, Store, StoreError, migrations, patients};
use crate::worker::DemoData;

/// Time between two checks of a connected record.
pub const CHECK_INTERVAL_SECS: u64 = 10;
/// First wait after a failed connection; doubled after each failure…
pub const FIRST_RETRY_SECS: u64 = 1;
/// …up to this.
pub const MAX_RETRY_SECS: u64 = 30;

/// Waits between connection attempts: 1 s, 2 s, 4 s… capped at 30 s.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    next_secs: u64,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            next_secs: FIRST_RETRY_SECS,
        }
    }
}

impl Backoff {
    /// The wait before the next attempt.
    pub fn next_delay(&mut self) -> Duration {
        let secs = self.next_secs;
        self.next_secs = secs.saturating_mul(2).min(MAX_RETRY_SECS);
        Duration::from_secs(secs)
    }
}

/// A store error as logged and shown: the database's code and message, never its detail (a
/// detail may quote a row's values); the password is never part of a store error.
pub fn describe(error: &StoreError) -> String {
    match error {
        StoreError::Postgres(e) => match e.as_db_error() {
            Some(db) => format!(
                "shared database error: {} {}: {}",
                db.severity(),
                db.code().code(),
                db.message()
            ),
            None if e.is_closed() => "shared database error: connection closed".to_owned(),
            None => format!("shared database error: {e}"),
        },
        StoreError::Migration { version, source } => {
            format!("migration {version} failed: {}", describe(source))
        }
        other => other.to_string(),
    }
}

/// True when trying again later may succeed (a migration that failed on a lost connection
/// included).
pub fn is_retryable(error: &StoreError) -> bool {
    match error {
        StoreError::Migration { source, .. } => is_retryable(source),
        other => other.is_retryable(),
    }
}

fn elapsed_ms(since: Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// What the job needs.
pub struct RecordJob {
    pub target: PgTarget,
    /// The sandbox's demo data, seeded once into an empty record.
    pub demo: Option<Box<dyn DemoData>>,
    pub shared: Arc<Shared>,
    pub control: mpsc::Sender<Control>,
}

impl RecordJob {
    /// The job's body, until `stop`.
    pub fn run(mut self, status: StatusCell, stop: StopSignal) {
        let mut backoff = Backoff::default();
        let mut connected_once = false;
        while !stop.is_stopped() {
            status.set(JobState::Running, "connecting");
            let started = Instant::now();
            match Store::connect(&self.target).and_then(|store| {
                let version = migrations::current_version(&store)?;
                Ok((store, version))
            }) {
                Ok((mut store, schema_version)) => {
                    tracing::info!(
                        schema_version,
                        duration_ms = elapsed_ms(started),
                        "shared record connected and migrated"
                    );
                    self.shared.update_record(|r| {
                        r.reachable = true;
                        r.last_success = Some(crate::store::now_text());
                        r.schema_version = Some(schema_version);
                    });
                    status.succeeded();
                    backoff = Backoff::default();
                    if let Some(demo) = self.demo.take() {
                        seed_demo(&mut store, demo.as_ref(), &status);
                    }
                    status.set(
                        JobState::Running,
                        format!("connected, schema {schema_version}"),
                    );
                    if !connected_once {
                        connected_once = true;
                        self.send(Control::Ready { schema_version });
                    }
                    self.check_until_lost(&store, &status, &stop);
                }
                Err(error) => {
                    let text = describe(&error);
                    self.shared.update_record(|r| {
                        r.reachable = false;
                        r.last_error = Some(text.clone());
                    });
                    status.failed(text.clone());
                    if !connected_once && !is_retryable(&error) {
                        tracing::error!(error = %text, "shared record refused this process");
                        status.set(JobState::Failed, text.clone());
                        self.send(Control::Fatal(ServeError::Store {
                            detail: text,
                            retryable: false,
                        }));
                        return;
                    }
                    let delay = backoff.next_delay();
                    tracing::warn!(
                        error = %text,
                        retry_in_secs = delay.as_secs(),
                        "shared record unreachable"
                    );
                    status.set(
                        JobState::Running,
                        format!("unreachable, next attempt in {} s", delay.as_secs()),
                    );
                    if stop.wait(delay) {
                        break;
                    }
                }
            }
        }
        self.shared.update_record(|r| r.reachable = false);
        status.set(JobState::Idle, "stopped");
        tracing::info!("record job stopped");
    }

    /// Checks the record every [`CHECK_INTERVAL_SECS`] until stopped or the check fails.
    fn check_until_lost(&self, store: &Store, status: &StatusCell, stop: &StopSignal) {
        while !stop.wait(Duration::from_secs(CHECK_INTERVAL_SECS)) {
            match store.query_value::<i64>("SELECT 1", &[]) {
                Ok(_) => {
                    self.shared.update_record(|r| {
                        r.reachable = true;
                        r.last_success = Some(crate::store::now_text());
                    });
                    status.succeeded();
                }
                Err(error) => {
                    let text = describe(&error);
                    tracing::warn!(error = %text, "shared record check failed; reconnecting");
                    self.shared.update_record(|r| {
                        r.reachable = false;
                        r.last_error = Some(text.clone());
                    });
                    status.failed(text);
                    return;
                }
            }
        }
    }

    fn send(&self, message: Control) {
        if self.control.try_send(message).is_err() {
            tracing::debug!("supervisor gone; message dropped");
        }
    }
}

/// Seeds the demo data into an empty record (sandbox only); a failure is logged, the record
/// stays usable.
fn seed_demo(store: &mut Store, demo: &dyn DemoData, status: &StatusCell) {
    match patients::count(store) {
        Ok(0) => {}
        Ok(_) => return,
        Err(error) => {
            tracing::warn!(error = %describe(&error), "demo data: patients not counted");
            return;
        }
    }
    status.set(JobState::Running, "seeding the demo data");
    let started = Instant::now();
    let today = chrono::Local::now().date_naive();
    match demo.seed(store, today, &mut |_, _| {}) {
        Ok(seeded) => tracing::info!(
            patients = seeded.patients,
            documents = seeded.documents,
            duration_ms = elapsed_ms(started),
            "demo data seeded"
        ),
        Err(error) => {
            tracing::error!(retryable = error.retryable, "demo data not seeded: {error}");
            status.failed(error.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_thirty_seconds() {
        let mut backoff = Backoff::default();
        let secs: Vec<u64> = (0..8).map(|_| backoff.next_delay().as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30, 30]);
    }

    #[test]
    fn a_migration_failing_on_a_lost_connection_is_retryable() {
        let lost = StoreError::Connect("connection refused".into());
        assert!(is_retryable(&lost));
        let migration = StoreError::Migration {
            version: 3,
            source: Box::new(lost),
        };
        assert!(is_retryable(&migration));
        assert!(describe(&migration).starts_with("migration 3 failed: "));
        assert!(!is_retryable(&StoreError::SchemaTooNew {
            found: 9,
            supported: 8
        }));
    }
}
