//! Applying what the DMP's integration and visibility changes send back: the viewer and the
//! folder's list follow, and a notice says what happened.

use super::ChevetApp;
use crate::domain::{DocumentSummary, PatientId};
use crate::ui::NoticeLevel;
use crate::worker::IntegrationReport;

impl ChevetApp {
    /// A DMP document's visibility changed: the viewer and the list follow.
    pub(super) fn on_dmp_visibility_changed(
        &mut self,
        patient: PatientId,
        previous: &crate::domain::dmp::DmpEntry,
        document: crate::domain::dmp::DmpDocument,
        documents: Vec<DocumentSummary>,
    ) {
        self.notify("dmp-visible-done", NoticeLevel::Info);
        if let Some(d) = self.document.as_mut() {
            d.on_dmp_visibility_changed(previous, &document);
        }
        if let Some(f) = self.folder_of(patient) {
            f.on_dmp_visibility_changed(previous, document, documents);
        }
    }

    /// Integration done: the list and the viewer follow, the user is told what happened.
    pub(super) fn on_dmp_integrated(
        &mut self,
        patient: PatientId,
        report: &IntegrationReport,
        documents: Vec<DocumentSummary>,
    ) {
        let id = if !report.failed.is_empty() {
            "dmp-integrate-some-failed"
        } else if report.version_taken > 0 {
            "dmp-integrate-version-taken"
        } else if report.integrated.is_empty() && !report.already.is_empty() {
            "dmp-integrate-already"
        } else if report.cancelled {
            "dmp-integrate-cancelled"
        } else {
            "dmp-integrate-done"
        };
        let level = if report.failed.is_empty() && report.version_taken == 0 {
            NoticeLevel::Info
        } else {
            NoticeLevel::Error
        };
        self.notify(id, level);
        if let Some(d) = self.document.as_mut() {
            d.on_dmp_integrated(report);
        }
        if let Some(f) = self.folder_of(patient) {
            f.on_dmp_integrated(documents);
        }
    }
}
