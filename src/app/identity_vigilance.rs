//! Applying the identity panel's events (identity vigilance) to the folder they are about. The
//! vigilance list opens a patient's panel by asking for the folder and its identity together:
//! when the identity comes back first, it waits here for its folder.

use super::ChevetApp;
use crate::domain::{Patient, PatientId};
use crate::ui::folder::FolderState;
use crate::worker::{AlertRow, IdentityHistoryEntry, InsSearchOutcome};

/// An identity whose folder was not on screen yet.
pub(super) struct PendingIdentity {
    patient: Box<Patient>,
    history: Vec<IdentityHistoryEntry>,
}

impl ChevetApp {
    /// `Event::InsSearched`.
    pub(super) fn on_ins_searched(&mut self, patient: PatientId, outcome: InsSearchOutcome) {
        if let Some(f) = self.folder_of(patient) {
            f.on_ins_searched(outcome);
        }
    }

    /// `Event::IdentityUpdated`: the folder's banner and panel; kept for the folder when it
    /// is not on screen yet (opened from the vigilance list). After a decision the patient
    /// list is read again (its status column).
    pub(super) fn on_identity_updated(
        &mut self,
        patient: Box<Patient>,
        history: Vec<IdentityHistoryEntry>,
        notice: Option<&'static str>,
    ) {
        if notice.is_some() {
            let request = self.patients.search_request();
            self.send(request);
        }
        match self.folder_of(patient.id) {
            Some(f) => f.on_identity_updated(*patient, history, notice),
            None => self.pending_identity = Some(PendingIdentity { patient, history }),
        }
    }

    /// `Event::IdentityAlerts`: the folder's panel keeps its patient's.
    pub(super) fn on_identity_alerts_for_folder(&mut self, rows: &[AlertRow]) {
        if let Some(f) = self.folder.as_mut() {
            f.on_identity_alerts(rows);
        }
    }

    /// A folder comes on screen: the same patient's panel stays as it was, and the identity
    /// asked for with it opens its panel.
    pub(super) fn identity_with_folder(&mut self, folder: &mut FolderState) {
        if let Some(previous) = self.folder.as_mut() {
            folder.keep_identity_panel(previous);
        }
        if let Some(p) = self
            .pending_identity
            .take_if(|p| p.patient.id == folder.patient_id())
        {
            folder.on_identity_updated(*p.patient, p.history, None);
        }
    }
}
