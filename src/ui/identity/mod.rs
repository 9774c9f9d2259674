//! The identity panel of a folder (identity vigilance, RNIV), opened from the patient banner:
//! "Rechercher l'INS" (the workers ask INSi; a spinner meanwhile) → the returned traits beside
//! the folder's, field by field (`comparison`) → "Accepter l'identité INS" or "Refuser";
//! "Pièce d'identité vérifiée" with one button per high-trust document; "Doute sur
//! l'identité"; the open alerts of the vigilance list about this patient; the history
//! (`history`). The state lives here and changes through the `on_…` methods; the window is
//! drawn by `panel`.

mod comparison;
mod history;
mod panel;

pub use panel::{banner_buttons_ui, identity_panel_ui};

use crate::domain::PatientId;
use crate::worker::{
    AlertRow, IdentityHistoryEntry, InsComparison, InsSearchOutcome, Operation, Request,
    UserMessage,
};

/// What the last search said, when it found no identity to decide on.
#[derive(Debug, Clone, PartialEq, Eq)]
enum SearchNote {
    NotFound {
        calls: u32,
    },
    Several {
        calls: u32,
    },
    Failed {
        message: UserMessage,
        args: Vec<(&'static str, String)>,
    },
}

/// The identity panel's state, one per folder on screen (no `Debug`: it holds names).
#[derive(Default)]
pub struct IdentityPanel {
    open: bool,
    /// An INSi search is running.
    searching: bool,
    /// The identity INSi returned, waiting for a decision.
    comparison: Option<Box<InsComparison>>,
    note: Option<SearchNote>,
    /// A decision is on its way to the workers.
    deciding: bool,
    /// What the last decision did (a Fluent id).
    notice: Option<&'static str>,
    /// Why the last decision failed.
    failure: Option<UserMessage>,
    history: Vec<IdentityHistoryEntry>,
    /// The open alerts of the vigilance list naming this patient.
    alerts: Vec<AlertRow>,
}

impl IdentityPanel {
    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn is_searching(&self) -> bool {
        self.searching
    }

    /// Opens the panel: its history and the patient's alerts are asked for.
    #[must_use]
    pub fn open(&mut self, patient: PatientId) -> Vec<Request> {
        self.open = true;
        vec![
            Request::IdentityHistory { patient },
            Request::IdentityAlerts,
        ]
    }

    /// Opens the panel and starts an INSi search.
    #[must_use]
    pub fn search(&mut self, patient: PatientId) -> Vec<Request> {
        let mut requests = if self.open {
            Vec::new()
        } else {
            self.open(patient)
        };
        self.searching = true;
        self.comparison = None;
        self.note = None;
        self.notice = None;
        self.failure = None;
        requests.insert(0, Request::SearchIns { patient });
        requests
    }

    pub fn close(&mut self) {
        self.open = false;
    }

    /// A decision was sent: buttons wait for its answer.
    fn deciding(&mut self) {
        self.deciding = true;
        self.notice = None;
        self.failure = None;
    }

    /// `Event::InsSearched`.
    pub fn on_ins_searched(&mut self, outcome: InsSearchOutcome) {
        self.searching = false;
        self.open = true;
        match outcome {
            InsSearchOutcome::Found(c) => {
                self.comparison = Some(c);
                self.note = None;
            }
            InsSearchOutcome::NotFound { calls } => {
                self.note = Some(SearchNote::NotFound { calls });
            }
            InsSearchOutcome::Several { calls } => {
                self.note = Some(SearchNote::Several { calls });
            }
            InsSearchOutcome::Failed { message, args } => {
                self.note = Some(SearchNote::Failed { message, args });
            }
        }
    }

    /// `Event::IdentityUpdated`: the history as it is now, what the decision did. A decision
    /// on INSi's identity ends it.
    pub fn on_updated(&mut self, history: Vec<IdentityHistoryEntry>, notice: Option<&'static str>) {
        self.open = true;
        self.history = history;
        if notice.is_some() {
            self.deciding = false;
            self.notice = notice;
            self.comparison = None;
        }
    }

    /// `Event::IdentityAlerts`: keeps those naming `patient`.
    pub fn on_alerts(&mut self, patient: PatientId, rows: &[AlertRow]) {
        self.alerts = rows
            .iter()
            .filter(|a| {
                [&a.patient, &a.other]
                    .into_iter()
                    .flatten()
                    .any(|(p, _)| *p == patient)
            })
            .cloned()
            .collect();
    }

    /// A request of the panel failed; true when it was one.
    pub fn on_failed(&mut self, operation: Operation, message: &UserMessage) -> bool {
        match operation {
            Operation::SearchIns => {
                self.searching = false;
                self.note = Some(SearchNote::Failed {
                    message: message.clone(),
                    args: Vec::new(),
                });
                true
            }
            Operation::AcceptIns
            | Operation::RefuseIns
            | Operation::CheckIdentityDocument
            | Operation::DoubtIdentity => {
                self.deciding = false;
                self.failure = Some(message.clone());
                true
            }
            Operation::IdentityHistory => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests;
