//! Live updates and the record's health in establishment mode: a named thread listens to the
//! shared record's changes (`store::notify`), skips this workstation's own, folds a burst into
//! one change per folder and tells the UI, which refreshes the folder on screen. It also
//! probes the server twice a second: a lost connection or a probe unanswered for 1 s puts the
//! workers in degraded mode at once (`degraded`). It then connects again every second; once
//! it can, it replays what was queued meanwhile and asks the UI to refresh what is open, since
//! changes may have been missed. Stops with the workers' stop flag.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::context::Context;
use super::{Event, degraded};
use crate::domain::PatientId;
use crate::store::notify::{ChangeKind, Listener, RecordChange};

/// How long one wait lasts: also how soon the thread sees the stop flag.
const WAIT: Duration = Duration::from_millis(250);
/// Between two probes of the server, and how long a probe may take: degraded mode starts at
/// most about 1.5 s after the network dies.
const PROBE_EVERY: Duration = Duration::from_millis(500);
const PROBE_TIMEOUT: Duration = Duration::from_secs(1);
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MAX: Duration = Duration::from_secs(5);

/// What changed in one folder, for the UI.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FolderChanges {
    /// Identity or episodes.
    pub folder: bool,
    pub documents: bool,
    /// The DMP information / opposition of an episode.
    pub consent: bool,
}

impl FolderChanges {
    /// Everything (after a reconnection, when changes may have been missed).
    pub const ALL: Self = Self {
        folder: true,
        documents: true,
        consent: true,
    };

    fn add(&mut self, kind: ChangeKind) {
        match kind {
            ChangeKind::Patient | ChangeKind::Episode => self.folder = true,
            ChangeKind::Document => self.documents = true,
            ChangeKind::Consent => self.consent = true,
        }
    }
}

/// One change per folder, this workstation's own writes left out.
fn fold(changes: &[RecordChange], own_backend: i32) -> BTreeMap<PatientId, FolderChanges> {
    let mut folders: BTreeMap<PatientId, FolderChanges> = BTreeMap::new();
    for change in changes.iter().filter(|c| c.by_backend != own_backend) {
        folders.entry(change.patient).or_default().add(change.kind);
    }
    folders
}

/// Starts the listener thread (establishment mode only).
pub(super) fn start(ctx: &Arc<Context>) {
    let Some(target) = ctx.config.shared_record.clone() else {
        return;
    };
    let worker = Arc::clone(ctx);
    let spawned = std::thread::Builder::new()
        .name("chevet-record-listener".into())
        .spawn(move || {
            run(&worker, &target);
            tracing::debug!("live updates stopped");
        });
    if let Err(e) = spawned {
        tracing::error!("live updates not started: {e}");
    }
}

/// Connects, restores the record if it was lost, listens until the connection is lost, and
/// again, until the workers stop.
fn run(worker: &Arc<Context>, target: &crate::store::PgTarget) {
    let stop = worker.stop_flag();
    let mut retry = RETRY_FIRST;
    let mut reconnected = false;
    while !stop.load(Ordering::Relaxed) {
        let mut listener = match Listener::connect(target) {
            Ok(listener) => listener,
            Err(e) => {
                tracing::warn!("live updates: cannot listen ({})", e.message_id());
                if e.is_unreachable() {
                    degraded::enter(worker);
                }
                sleep_unless_stopped(&stop, retry);
                retry = (retry * 2).min(RETRY_MAX);
                continue;
            }
        };
        if !degraded::restore(worker) {
            sleep_unless_stopped(&stop, retry);
            continue;
        }
        retry = RETRY_FIRST;
        if reconnected {
            worker.emit_blocking(Event::RecordChanged {
                patient: None,
                changes: FolderChanges::ALL,
            });
        }
        reconnected = true;
        tracing::debug!("live updates: listening");
        listen(worker, &mut listener, &stop);
        if !stop.load(Ordering::Relaxed) {
            degraded::enter(worker);
        }
    }
}

/// Tells the UI what other workstations change, probing the server, until the connection is
/// lost (or unanswered) or the workers stop.
fn listen(worker: &Arc<Context>, listener: &mut Listener, stop: &AtomicBool) {
    let mut probed = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        if probed.elapsed() >= PROBE_EVERY {
            probed = Instant::now();
            if let Err(e) = listener.is_valid(PROBE_TIMEOUT) {
                tracing::warn!("shared record does not answer ({})", e.message_id());
                return;
            }
        }
        match listener.wait(WAIT) {
            Ok(changes) => {
                for (patient, changes) in fold(&changes, worker.own_backend()) {
                    worker.emit_blocking(Event::RecordChanged {
                        patient: Some(patient),
                        changes,
                    });
                }
            }
            Err(e) => {
                tracing::warn!("live updates: connection lost ({})", e.message_id());
                return;
            }
        }
    }
}

fn sleep_unless_stopped(stop: &AtomicBool, total: Duration) {
    let mut left = total;
    while !left.is_zero() && !stop.load(Ordering::Relaxed) {
        let step = left.min(WAIT);
        std::thread::sleep(step);
        left -= step;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_folds_into_one_change_per_folder_without_our_own() {
        let change = |patient, kind, by_backend| RecordChange {
            patient: PatientId(patient),
            kind,
            by_backend,
        };
        let folded = fold(
            &[
                change(1, ChangeKind::Document, 10),
                change(1, ChangeKind::Consent, 11),
                change(2, ChangeKind::Episode, 11),
                change(3, ChangeKind::Document, 99),
            ],
            99,
        );
        assert_eq!(
            folded.into_iter().collect::<Vec<_>>(),
            [
                (
                    PatientId(1),
                    FolderChanges {
                        folder: false,
                        documents: true,
                        consent: true
                    }
                ),
                (
                    PatientId(2),
                    FolderChanges {
                        folder: true,
                        documents: false,
                        consent: false
                    }
                ),
            ]
        );
    }
}
