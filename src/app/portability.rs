//! Applying what the workers say about data portability: progress and results go to the
//! « Export / import » screen; a folder's export, asked from the folder, also gets a notice
//! pointing there (where the file's path shows).

use super::ChevetApp;
use crate::ui::NoticeLevel;
use crate::worker::Event;

impl ChevetApp {
    /// The portability events (`apply_event` hands them over).
    pub(super) fn apply_portability_event(&mut self, event: Event) {
        match event {
            Event::PortabilityProgress { done, total } => {
                self.portability.on_progress(done, total);
            }
            Event::DataExported(summary) => self.on_data_exported(summary),
            Event::DataImported(summary) => {
                self.portability.on_imported(summary);
                self.notify("portability-imported-notice", NoticeLevel::Info);
            }
            _ => {}
        }
    }

    /// An archive was written: the screen shows where; a notice says so from anywhere.
    fn on_data_exported(&mut self, summary: crate::portability::ExportSummary) {
        self.portability.on_exported(summary);
        self.notify("portability-exported-notice", NoticeLevel::Info);
    }
}
