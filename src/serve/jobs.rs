//! The establishment's jobs and their registry: which jobs exist ([`Job`]), what each is doing
//! ([`JobStatus`], shared with the status endpoint through a [`StatusCell`]), and one stop
//! signal for all of them ([`StopSignal`]). A job that runs gets its own named thread; the
//! others are listed as "not configured" until their issue brings them.

use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;

use super::{Control, ServeError};

/// A job that belongs to the establishment rather than to a workstation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Keeps the shared record migrated and checks that it answers (implemented).
    Record,
    /// MLLP listener the gateway (PFI) and the patient administration (GAM) push HL7 v2 to.
    Hl7Listener,
    /// Drains the feeding outbox towards the DMP.
    DmpOutbox,
    /// Imports the MSSanté bulk extract daily and merges the Annuaire Santé API's changes.
    DirectorySync,
}

impl Job {
    /// Every job, in the order the status lists them.
    pub const ALL: [Self; 4] = [
        Self::Record,
        Self::Hl7Listener,
        Self::DmpOutbox,
        Self::DirectorySync,
    ];

    /// Its name in the logs and the status endpoint.
    pub fn name(self) -> &'static str {
        match self {
            Self::Record => "record",
            Self::Hl7Listener => "hl7-listener",
            Self::DmpOutbox => "dmp-outbox",
            Self::DirectorySync => "directory-sync",
        }
    }

    /// What it does, shown while it is not configured.
    pub fn purpose(self) -> &'static str {
        match self {
            Self::Record => "shared record: migrations and reachability",
            Self::Hl7Listener => "HL7 v2 over MLLP from the PFI and the GAM (set [hl7] listen)",
            Self::DmpOutbox => {
                "feeding the DMP from the outbox (set [outbox] and [dmp] or pfi_address)"
            }
            Self::DirectorySync => {
                "local directory: daily import of the MSSanté extract and API refresh \
                 (set [annuaire] extract or an API key)"
            }
        }
    }

    /// The name of its thread.
    pub fn thread_name(self) -> String {
        format!("chevet-serve-{}", self.name())
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum JobState {
    #[serde(rename = "running")]
    Running,
    #[serde(rename = "idle")]
    Idle,
    #[serde(rename = "not configured")]
    NotConfigured,
    #[serde(rename = "failed")]
    Failed,
}

/// A job's status as the status endpoint shows it. Texts are technical: never patient data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobStatus {
    pub state: JobState,
    pub detail: String,
    /// When it last did its work successfully (UTC, ISO 8601).
    pub last_success: Option<String>,
    /// Its last error, if any.
    pub last_error: Option<String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One job's status, written by the job and read by the status endpoint.
#[derive(Debug, Clone)]
pub struct StatusCell(Arc<Mutex<JobStatus>>);

impl StatusCell {
    fn new(state: JobState, detail: &str) -> Self {
        Self(Arc::new(Mutex::new(JobStatus {
            state,
            detail: detail.to_owned(),
            last_success: None,
            last_error: None,
        })))
    }

    /// A copy of the status now.
    pub fn snapshot(&self) -> JobStatus {
        lock(&self.0).clone()
    }

    /// Sets the state and its detail.
    pub fn set(&self, state: JobState, detail: impl Into<String>) {
        let mut status = lock(&self.0);
        status.state = state;
        status.detail = detail.into();
    }

    /// The work succeeded now.
    pub fn succeeded(&self) {
        lock(&self.0).last_success = Some(crate::store::now_text());
    }

    /// The work failed with `error` (technical text, no patient data).
    pub fn failed(&self, error: impl Into<String>) {
        lock(&self.0).last_error = Some(error.into());
    }
}

/// Tells every job to stop; jobs wait on it instead of sleeping, so they stop at once.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<(Mutex<bool>, Condvar)>);

impl StopSignal {
    /// Asks every job to stop.
    pub fn stop(&self) {
        *lock(&self.0.0) = true;
        self.0.1.notify_all();
    }

    pub fn is_stopped(&self) -> bool {
        *lock(&self.0.0)
    }

    /// Waits `duration` or until stopped; true when stopped.
    pub fn wait(&self, duration: Duration) -> bool {
        let guard = lock(&self.0.0);
        let (guard, _) = self
            .0
            .1
            .wait_timeout_while(guard, duration, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}

struct Entry {
    job: Job,
    status: StatusCell,
    thread: Option<JoinHandle<()>>,
}

/// Every job, its status and its thread.
pub struct Registry {
    entries: Vec<Entry>,
    stop: StopSignal,
    /// Told when a job panics (the process then stops with an error).
    control: Option<mpsc::Sender<Control>>,
}

impl Default for Registry {
    fn default() -> Self {
        Self::new()
    }
}

impl Registry {
    /// Every job, none started ("not configured").
    pub fn new() -> Self {
        Self {
            entries: Job::ALL
                .iter()
                .map(|&job| Entry {
                    job,
                    status: StatusCell::new(JobState::NotConfigured, job.purpose()),
                    thread: None,
                })
                .collect(),
            stop: StopSignal::default(),
            control: None,
        }
    }

    /// Tells `control` when a job panics.
    pub fn reporting_to(mut self, control: mpsc::Sender<Control>) -> Self {
        self.control = Some(control);
        self
    }

    /// The jobs' statuses, in order (for the status endpoint).
    pub fn statuses(&self) -> Vec<(Job, StatusCell)> {
        self.entries
            .iter()
            .map(|e| (e.job, e.status.clone()))
            .collect()
    }

    /// Starts `job` on its own named thread; `body` gets its status cell and the stop signal.
    pub fn start(
        &mut self,
        job: Job,
        body: impl FnOnce(StatusCell, StopSignal) + Send + 'static,
    ) -> Result<(), ServeError> {
        let Some(entry) = self.entries.iter_mut().find(|e| e.job == job) else {
            return Ok(());
        };
        entry.status.set(JobState::Idle, "starting");
        let (status, stop) = (entry.status.clone(), self.stop.clone());
        let control = self.control.clone();
        let thread = std::thread::Builder::new()
            .name(job.thread_name())
            .spawn(move || {
                let run = std::panic::AssertUnwindSafe(|| body(status.clone(), stop));
                if std::panic::catch_unwind(run).is_err() {
                    tracing::error!(job = job.name(), "job panicked");
                    status.set(JobState::Failed, "panicked");
                    if let Some(control) = control {
                        let _ = control
                            .try_send(Control::Fatal(ServeError::Panicked { job: job.name() }));
                    }
                }
            })
            .map_err(|source| ServeError::Spawn {
                job: job.name(),
                source,
            })?;
        entry.thread = Some(thread);
        tracing::info!(job = job.name(), "job started");
        Ok(())
    }

    /// Asks every job to stop.
    pub fn stop(&self) {
        self.stop.stop();
    }

    /// True when no job's thread is still running.
    pub fn all_finished(&self) -> bool {
        self.entries
            .iter()
            .filter_map(|e| e.thread.as_ref())
            .all(JoinHandle::is_finished)
    }

    /// Joins the jobs whose thread has finished; the names of those still running.
    pub fn join_finished(&mut self) -> Vec<&'static str> {
        let mut running = Vec::new();
        for entry in &mut self.entries {
            let Some(thread) = entry.thread.take() else {
                continue;
            };
            if !thread.is_finished() {
                running.push(entry.job.name());
                entry.thread = Some(thread);
            } else if thread.join().is_err() {
                entry.status.set(JobState::Failed, "panicked");
            }
        }
        running
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_to_come_are_listed_as_not_configured() {
        let registry = Registry::new();
        let statuses = registry.statuses();
        let names: Vec<_> = statuses.iter().map(|(job, _)| job.name()).collect();
        assert_eq!(
            names,
            ["record", "hl7-listener", "dmp-outbox", "directory-sync"]
        );
        for (_, status) in statuses {
            assert_eq!(status.snapshot().state, JobState::NotConfigured);
        }
        assert!(registry.all_finished());
    }

    #[test]
    fn a_started_job_stops_on_the_signal_and_is_joined() {
        let mut registry = Registry::new();
        registry
            .start(Job::Record, |status, stop| {
                status.set(JobState::Running, "waiting");
                while !stop.wait(Duration::from_secs(60)) {}
                status.set(JobState::Idle, "stopped");
            })
            .expect("start");
        registry.stop();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !registry.all_finished() {
            assert!(std::time::Instant::now() < deadline, "the job did not stop");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(registry.join_finished().is_empty());
        let (_, record) = &registry.statuses()[0];
        assert_eq!(record.snapshot().state, JobState::Idle);
    }

    #[test]
    fn a_panicking_job_is_failed_and_reported() {
        let (control, mut inbox) = mpsc::channel(4);
        let mut registry = Registry::new().reporting_to(control);
        registry
            .start(Job::Record, |_, _| panic!("test panic"))
            .expect("start");
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !registry.all_finished() {
            assert!(std::time::Instant::now() < deadline, "the job did not end");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(registry.join_finished().is_empty());
        let (_, record) = &registry.statuses()[0];
        assert_eq!(record.snapshot().state, JobState::Failed);
        assert!(matches!(
            inbox.try_recv(),
            Ok(Control::Fatal(ServeError::Panicked { job: "record" }))
        ));
    }

    #[test]
    fn the_states_read_as_documented() {
        let json = serde_json::to_string(&[
            JobState::Running,
            JobState::Idle,
            JobState::NotConfigured,
            JobState::Failed,
        ])
        .expect("json");
        assert_eq!(json, r#"["running","idle","not configured","failed"]"#);
    }
}
