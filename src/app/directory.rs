//! Applying what the directory and MSSanté sending send back: search results go to the field
//! that asked (the Annuaire screen's or the MSSanté form's, by `SearchTarget`), the
//! directory's state and an import's progress to the Annuaire screen; proposals, a queued send
//! and a document's sends to the document viewer, which owns the form and the receipts.

use super::ChevetApp;
use crate::domain::directory::DirectoryHit;
use crate::domain::mss::MssSend;
use crate::domain::outbox::OutboxItemId;
use crate::domain::{DocumentId, PatientId};
use crate::store::directory::ImportInfo;
use crate::ui::{NoticeLevel, Screen};
use crate::worker::ImportProgress;
use crate::worker::{DirectoryState, Request, SearchTarget};

impl ChevetApp {
    /// `Event::DirectoryResults`: to the field that asked.
    pub(super) fn on_directory_results(
        &mut self,
        target: SearchTarget,
        seq: u64,
        hits: Vec<DirectoryHit>,
        online: bool,
    ) {
        match target {
            SearchTarget::Directory => self.directory.on_results(seq, hits, online),
            SearchTarget::Recipients => {
                if let Some(d) = self.document.as_mut() {
                    d.on_recipient_results(seq, hits, online);
                }
            }
        }
    }

    /// `Event::DirectoryStatus`.
    pub(super) fn on_directory_status(&mut self, state: DirectoryState) {
        self.directory.on_status(state);
    }

    /// `Event::DirectoryImportProgress`.
    pub(super) fn on_directory_import_progress(&mut self, progress: ImportProgress) {
        self.directory.on_import_progress(progress);
    }

    /// `Event::DirectoryImported`: a notice, and the screen reads the directory again.
    pub(super) fn on_directory_imported(&mut self, info: ImportInfo) {
        let requests = self.directory.on_imported(info.entries, info.skipped);
        self.notify("directory-imported", NoticeLevel::Info);
        if self.session.is_some() {
            for request in requests {
                self.send(request);
            }
        }
    }

    /// `Event::MssProposals`: to the form of the document on screen.
    pub(super) fn on_mss_proposals(
        &mut self,
        patient: PatientId,
        treating: Vec<DirectoryHit>,
        patient_mailbox: Option<String>,
    ) {
        if let Some(d) = self.document.as_mut() {
            d.on_mss_proposals(patient, treating, patient_mailbox);
        }
    }

    /// `Event::MssQueued`: the form closes, a notice says so, and the document's sends are
    /// read again.
    pub(super) fn on_mss_queued(&mut self, document: DocumentId, item: OutboxItemId) {
        tracing::debug!(document = document.0, item = item.0, "MSSanté send queued");
        if let Some(d) = self.document.as_mut() {
            d.on_mss_queued(document);
        }
        self.notify("mss-queued", NoticeLevel::Info);
        self.send(Request::MssSends { document });
    }

    /// `Event::MssSends`: to the viewer when it shows that document.
    pub(super) fn on_mss_sends(&mut self, document: DocumentId, sends: Vec<MssSend>) {
        if let Some(d) = self.document.as_mut() {
            d.on_mss_sends(document, sends);
        }
    }

    /// The stored document on screen reads its MSSanté sends again (a job changed).
    pub(super) fn refresh_mss_sends(&mut self) {
        let request = self
            .document
            .as_ref()
            .filter(|_| matches!(self.screen, Screen::Document))
            .and_then(crate::ui::document::DocumentState::on_open_requests);
        if let Some(request) = request {
            self.send(request);
        }
    }

    /// Shows "Annuaire": its state and, when words were typed before, their results again.
    pub(super) fn show_directory(&mut self) {
        self.screen = Screen::Directory;
        for request in self.directory.on_show() {
            self.send(request);
        }
    }
}
