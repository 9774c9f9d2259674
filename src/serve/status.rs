//! What the status endpoint reports: the shared record's health (written by the `record` job)
//! and every job's status, gathered into the `/status` JSON. Technical facts only.

use std::sync::{Mutex, PoisonError};

use serde::Serialize;

use super::jobs::{Job, JobState, StatusCell};

/// The shared record as last seen by the `record` job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RecordHealth {
    pub reachable: bool,
    /// Last successful connection or check (UTC, ISO 8601).
    pub last_success: Option<String>,
    /// Last failure, without secrets (the password is never part of a store error).
    pub last_error: Option<String>,
    /// The schema version once migrated.
    #[serde(skip)]
    pub schema_version: Option<u32>,
}

/// What the process shares between its jobs and the status endpoint.
pub struct Shared {
    started_at: String,
    record: Mutex<RecordHealth>,
    jobs: Vec<(Job, StatusCell)>,
}

#[derive(Serialize)]
struct JobReport<'a> {
    name: &'static str,
    state: JobState,
    detail: &'a str,
    last_success: Option<&'a str>,
    last_error: Option<&'a str>,
}

#[derive(Serialize)]
struct StatusReport<'a> {
    version: &'static str,
    mode: &'static str,
    schema_version: Option<u32>,
    started_at: &'a str,
    record: &'a RecordHealth,
    jobs: Vec<JobReport<'a>>,
}

impl Shared {
    /// Started now, with these jobs' statuses.
    pub fn new(jobs: Vec<(Job, StatusCell)>) -> Self {
        Self {
            started_at: crate::store::now_text(),
            record: Mutex::new(RecordHealth::default()),
            jobs,
        }
    }

    /// The record's health now.
    pub fn record(&self) -> RecordHealth {
        self.record
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Changes the record's health.
    pub fn update_record(&self, change: impl FnOnce(&mut RecordHealth)) {
        change(&mut self.record.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// `/health`: the shared record answers.
    pub fn is_healthy(&self) -> bool {
        self.record().reachable
    }

    /// `/status`, as JSON.
    pub fn status_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        let record = self.record();
        let statuses: Vec<_> = self
            .jobs
            .iter()
            .map(|(job, cell)| (job.name(), cell.snapshot()))
            .collect();
        let report = StatusReport {
            version: env!("CARGO_PKG_VERSION"),
            mode: "establishment",
            schema_version: record.schema_version,
            started_at: &self.started_at,
            record: &record,
            jobs: statuses
                .iter()
                .map(|(name, s)| JobReport {
                    name,
                    state: s.state,
                    detail: &s.detail,
                    last_success: s.last_success.as_deref(),
                    last_error: s.last_error.as_deref(),
                })
                .collect(),
        };
        let mut body = serde_json::to_vec_pretty(&report)?;
        body.push(b'\n');
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::jobs::Registry;

    #[test]
    fn status_lists_the_record_and_every_job() {
        let shared = Shared::new(Registry::new().statuses());
        assert!(!shared.is_healthy());
        shared.update_record(|r| {
            r.reachable = true;
            r.schema_version = Some(8);
        });
        assert!(shared.is_healthy());
        let v: serde_json::Value =
            serde_json::from_slice(&shared.status_json().expect("json")).expect("parse");
        assert_eq!(v["mode"], "establishment");
        assert_eq!(v["schema_version"], 8);
        assert_eq!(v["record"]["reachable"], true);
        assert!(v["record"]["last_error"].is_null());
        assert!(v["record"].get("schema_version").is_none());
        assert_eq!(v["jobs"][1]["name"], "hl7-listener");
        assert_eq!(v["jobs"][1]["state"], "not configured");
        assert!(v["started_at"].as_str().is_some_and(|s| s.ends_with('Z')));
    }
}
