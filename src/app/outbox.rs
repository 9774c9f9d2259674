//! Applying what the outbox sends back: its lists go to "Envois DMP", a job that changed
//! updates the navigation's badge and has the screens showing it ask again (the outbox's list,
//! the open folder's documents), and a batch's progress goes to the folder it concerns.

use super::ChevetApp;
use crate::domain::PatientId;
use crate::domain::outbox::OutboxFilter;
use crate::ui::Screen;
use crate::ui::folder::FolderState;
use crate::worker::{Event, FolderChanges, Request};

impl ChevetApp {
    /// The outbox's events (`apply_event` hands them over).
    pub(super) fn apply_outbox_event(&mut self, event: Event) {
        match event {
            Event::Outbox { filter, items } => {
                // A list of every unfinished job also counts what needs a person.
                if matches!(filter, OutboxFilter::Pending | OutboxFilter::All) {
                    self.outbox_attention = crate::ui::outbox::attention(&items);
                }
                self.outbox.on_items(filter, items);
            }
            Event::OutboxChanged { patient, attention } => {
                self.on_outbox_changed(patient, attention);
            }
            Event::BatchProgress {
                patient,
                batch,
                progress,
            } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_batch_progress(batch, progress);
                }
            }
            _ => {}
        }
    }

    /// A job changed: the badge takes the new count; "Envois DMP" on screen asks its list
    /// again, and the open folder (when it is `patient`'s, or `patient` is unknown) its
    /// documents, whose sharing column shows the job.
    pub(super) fn on_outbox_changed(&mut self, patient: Option<PatientId>, attention: usize) {
        self.outbox_attention = attention;
        if self.session.is_none() {
            return;
        }
        if self.screen == Screen::Outbox {
            let request = self.outbox.request();
            self.send(request);
        }
        // The document on screen: its MSSanté sends (a receipt may have come back).
        self.refresh_mss_sends();
        let open = self.folder.as_ref().map(FolderState::patient_id);
        if let Some(open) = open
            && patient.is_none_or(|p| p == open)
        {
            self.send(Request::RefreshFolder {
                patient: open,
                changes: FolderChanges {
                    documents: true,
                    ..FolderChanges::default()
                },
            });
        }
    }

    /// Shows "Envois DMP" and reads its list.
    pub(super) fn show_outbox(&mut self) {
        self.screen = Screen::Outbox;
        let request = self.outbox.request();
        self.send(request);
    }
}
