//! Applying what the hospital's intake sends back: the inbox's lists go to its screen, the
//! counts to the navigation's badges, the folder's count of unread received documents to the
//! folder, and the sandbox's simulated messages become a notice with their acknowledgement.

use super::ChevetApp;
use crate::ui::{NoticeLevel, Screen};
use crate::worker::{Event, HospitalScenario, IntakeCounts, Request};

impl ChevetApp {
    /// The intake's events (`apply_event` hands them over).
    pub(super) fn apply_intake_event(&mut self, event: Event) {
        match event {
            Event::Inbox(items) => {
                let requests = self.inbox.on_items(items);
                self.send_all(requests);
            }
            Event::ReceivedDocuments(rows) => self.inbox.on_received(rows),
            Event::IdentityAlerts(rows) => {
                self.on_identity_alerts_for_folder(&rows);
                self.inbox.on_alerts(rows);
            }
            Event::IntakeCounts(counts) => self.on_intake_counts(counts),
            Event::InboxFiled {
                item,
                patient,
                document,
            } => {
                let requests = self.inbox.on_filed(item, patient, document);
                self.send_all(requests);
                if self.screen == Screen::Inbox {
                    self.send(Request::ReceivedDocuments);
                }
            }
            Event::XdmImported(report) => self.inbox.on_xdm_imported(report),
            Event::XdmRefused { reason } => self.inbox.on_xdm_refused(reason),
            Event::HospitalSent { scenario, ack_code } => {
                self.on_hospital_sent(scenario, &ack_code);
            }
            Event::ReceivedBadge { patient, unseen } => {
                if let Some(f) = self.folder.as_mut() {
                    f.on_received_badge(patient, unseen);
                }
            }
            _ => {}
        }
    }

    /// Sends the inbox's requests; its documents only for who may read them.
    fn send_all(&mut self, requests: Vec<Request>) {
        for request in requests {
            if matches!(request, Request::OpenInboxItem { .. }) && !self.rights.read_documents {
                continue;
            }
            self.send(request);
        }
    }

    /// The navigation's badges; when they change with the inbox on screen, its lists are
    /// read again.
    fn on_intake_counts(&mut self, counts: IntakeCounts) {
        let before = std::mem::replace(&mut self.intake_counts, counts);
        if self.screen != Screen::Inbox || self.session.is_none() {
            return;
        }
        if before.inbox != counts.inbox {
            self.send(Request::Inbox);
        }
        if before.alerts != counts.alerts {
            self.send(Request::IdentityAlerts);
        }
    }

    /// The sandbox's GAM or PFI sent a message: the acknowledgement's code, in words; the
    /// inbox's lists are read again (the message may have filed, queued or raised something).
    fn on_hospital_sent(&mut self, scenario: HospitalScenario, ack_code: &str) {
        tracing::debug!(
            ?scenario,
            ack_code,
            "simulated hospital message acknowledged"
        );
        let (id, level) = match ack_code {
            "AA" | "CA" => ("inbox-ack-aa", NoticeLevel::Info),
            "AE" | "CE" => ("inbox-ack-ae", NoticeLevel::Warning),
            "AR" | "CR" => ("inbox-ack-ar", NoticeLevel::Error),
            _ => ("inbox-ack-none", NoticeLevel::Error),
        };
        for other in [
            "inbox-ack-aa",
            "inbox-ack-ae",
            "inbox-ack-ar",
            "inbox-ack-none",
        ] {
            self.notices.retain(|n| n.id != other);
        }
        self.notify(id, level);
        if self.session.is_some() {
            self.send_all(vec![
                Request::Inbox,
                Request::ReceivedDocuments,
                Request::IdentityAlerts,
            ]);
        }
    }

    /// Shows "Réception" and reads its lists.
    pub(super) fn show_inbox(&mut self) {
        self.screen = Screen::Inbox;
        let requests = self.inbox.on_show();
        self.send_all(requests);
    }
}
