//! The service-status board: for each service Chevet depends on — the record (local file or
//! shared database), the DMP, Pro Santé Connect, the Annuaire Santé and the hospital's
//! messaging gateway — whether it answers, when it last did, and the last error with its time.
//! The workers note outcomes where they pass (the DMP's traced transactions, the provider
//! logins, degraded mode's entry and return); the UI shows the board in Settings and gets a
//! new one whenever a service's state changes.

use std::sync::{Arc, Mutex, PoisonError};

use super::Event;
use super::context::Context;

/// A service on the board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Record,
    Dmp,
    Psc,
    Directory,
    Gateway,
}

impl Service {
    pub const ALL: [Self; 5] = [
        Self::Record,
        Self::Dmp,
        Self::Psc,
        Self::Directory,
        Self::Gateway,
    ];

    /// Fluent id of the service's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Record => "service-record",
            Self::Dmp => "service-dmp",
            Self::Psc => "service-psc",
            Self::Directory => "service-directory",
            Self::Gateway => "service-gateway",
        }
    }
}

/// Where a service stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServiceState {
    /// Not used yet since the start.
    Unknown,
    Up,
    Failing,
    /// Not configured on this installation (or not part of this version).
    NotConfigured,
}

/// One line of the board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceLine {
    pub service: Service,
    pub state: ServiceState,
    /// UTC, ISO 8601.
    pub last_success: Option<String>,
    /// UTC, ISO 8601, and the Fluent id of the message.
    pub last_error: Option<(String, &'static str)>,
}

/// The board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceBoard {
    pub lines: Vec<ServiceLine>,
}

impl ServiceBoard {
    /// Every service unknown, but those not configured.
    pub fn new(configured: impl Fn(Service) -> bool) -> Self {
        Self {
            lines: Service::ALL
                .into_iter()
                .map(|service| ServiceLine {
                    service,
                    state: if configured(service) {
                        ServiceState::Unknown
                    } else {
                        ServiceState::NotConfigured
                    },
                    last_success: None,
                    last_error: None,
                })
                .collect(),
        }
    }

    /// Notes an outcome; true when the service's state changed.
    fn note(&mut self, service: Service, outcome: Result<(), &'static str>, at: String) -> bool {
        let Some(line) = self.lines.iter_mut().find(|l| l.service == service) else {
            return false;
        };
        let before = line.state;
        match outcome {
            Ok(()) => {
                line.state = ServiceState::Up;
                line.last_success = Some(at);
            }
            Err(message) => {
                line.state = ServiceState::Failing;
                line.last_error = Some((at, message));
            }
        }
        before != line.state
    }
}

/// The board a context starts with.
pub(super) fn initial(config: &super::WorkerConfig) -> Mutex<ServiceBoard> {
    let dmp = config.dmp.is_some();
    let psc = !config.providers.is_empty();
    Mutex::new(ServiceBoard::new(|s| match s {
        Service::Record => true,
        Service::Dmp => dmp,
        Service::Psc => psc,
        // The Annuaire Santé and the gateway arrive with their own flows.
        Service::Directory | Service::Gateway => false,
    }))
}

/// Notes that `service` answered (`Ok`) or failed with this message; tells the UI when its
/// state changed. From any thread (the event is queued without waiting).
pub(super) fn note(ctx: &Arc<Context>, service: Service, outcome: Result<(), &'static str>) {
    let changed = {
        let mut board = ctx.services.lock().unwrap_or_else(PoisonError::into_inner);
        board
            .note(service, outcome, crate::store::now_utc_text())
            .then(|| board.clone())
    };
    if let Some(board) = changed {
        ctx.emit_now(Event::Services(board));
    }
}

/// The board as it is.
pub(super) fn board(ctx: &Context) -> ServiceBoard {
    ctx.services
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_changes_are_reported_times_kept() {
        let mut board = ServiceBoard::new(|s| s != Service::Gateway);
        assert_eq!(board.lines[4].state, ServiceState::NotConfigured);
        assert!(board.note(Service::Dmp, Ok(()), "t1".into()));
        assert!(!board.note(Service::Dmp, Ok(()), "t2".into()));
        assert!(board.note(Service::Dmp, Err("error-dmp-timeout"), "t3".into()));
        let dmp = &board.lines[1];
        assert_eq!(dmp.state, ServiceState::Failing);
        assert_eq!(dmp.last_success.as_deref(), Some("t2"));
        assert_eq!(dmp.last_error, Some(("t3".into(), "error-dmp-timeout")));
    }
}
