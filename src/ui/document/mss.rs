//! The viewer's part of sending by MSSanté: the form opened from the title bar (stored
//! documents), the events it takes (proposals, recipient results, queued, failures) and the
//! document's sends with their receipts.

use super::DocumentState;
use crate::domain::DocumentId;
use crate::domain::directory::DirectoryHit;
use crate::domain::mss::MssSend;
use crate::ui::mss::{MssForm, MssReceipts};
use crate::worker::{Operation, Request};

impl DocumentState {
    /// What to ask once the document is on screen: a stored document's MSSanté sends.
    pub fn on_open_requests(&self) -> Option<Request> {
        self.reference()
            .stored()
            .map(|document| Request::MssSends { document })
    }

    /// Opens the « Envoyer par MSSanté » form (stored documents); the request of its
    /// proposals.
    pub(super) fn open_mss_form(&mut self) -> Option<Request> {
        let document = self.reference().stored()?;
        let (form, request) = MssForm::open(
            document,
            self.loaded.summary.patient_id,
            &self.loaded.summary.meta.title,
        );
        self.mss_form = Some(form);
        Some(request)
    }

    /// `Event::MssProposals`.
    pub fn on_mss_proposals(
        &mut self,
        patient: crate::domain::PatientId,
        treating: Vec<DirectoryHit>,
        patient_mailbox: Option<String>,
    ) {
        if let Some(f) = self.mss_form.as_mut() {
            f.on_proposals(patient, treating, patient_mailbox);
        }
    }

    /// `Event::DirectoryResults` for the form's recipient field.
    pub fn on_recipient_results(&mut self, seq: u64, hits: Vec<DirectoryHit>, online: bool) {
        if let Some(f) = self.mss_form.as_mut() {
            f.on_results(seq, hits, online);
        }
    }

    /// `Event::MssQueued`: the form closes. True when the send was this document's.
    pub fn on_mss_queued(&mut self, document: DocumentId) -> bool {
        let ours = self.reference().stored() == Some(document);
        if ours {
            self.mss_form = None;
        }
        ours
    }

    /// `Event::MssSends`, when about this document.
    pub fn on_mss_sends(&mut self, document: DocumentId, sends: Vec<MssSend>) {
        if self.reference().stored() == Some(document) {
            self.mss_receipts = Some(MssReceipts::new(document, sends));
        }
    }

    /// A request of the MSSanté form failed: it shows why. True when it was the form's.
    pub fn on_mss_failed(&mut self, operation: Operation, message: &'static str) -> bool {
        self.mss_form
            .as_mut()
            .is_some_and(|f| f.on_failed(operation, message))
    }
}
