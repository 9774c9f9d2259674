//! The Annuaire screen's import panel (those who may change settings): the path of a bulk
//! extract (`Extraction_Correspondance_MSSante`, zip or text) typed in, « Importer », then a
//! progress bar with the entries read and « Annuler » while the workers import it; what came
//! of the last import in one line.

use egui::RichText;
use fluent_bundle::FluentValue;

use super::count_text;
use crate::i18n::I18n;
use crate::ui::Command;
use crate::worker::ImportProgress;
use crate::worker::Request;

/// The panel's state.
#[derive(Default)]
pub(super) struct ImportPanel {
    path: String,
    /// The import was asked for and has not reported yet.
    starting: bool,
    running: Option<ImportProgress>,
    /// What came of the last import.
    outcome: Option<Outcome>,
}

enum Outcome {
    Done { entries: u64, skipped: u64 },
    Failed(&'static str),
}

impl ImportPanel {
    fn is_running(&self) -> bool {
        self.starting || self.running.is_some()
    }

    pub(super) fn on_status(&mut self, importing: Option<ImportProgress>) {
        if importing.is_some() || !self.starting {
            self.running = importing;
        }
        if importing.is_some() {
            self.starting = false;
        }
    }

    pub(super) fn on_progress(&mut self, progress: ImportProgress) {
        self.starting = false;
        self.running = Some(progress);
    }

    pub(super) fn on_imported(&mut self, entries: u64, skipped: u64) {
        self.starting = false;
        self.running = None;
        self.outcome = Some(Outcome::Done { entries, skipped });
    }

    /// The import failed or was cancelled; always this panel's.
    pub(super) fn on_failed(&mut self, message: &'static str) -> bool {
        self.starting = false;
        self.running = None;
        self.outcome = Some(Outcome::Failed(message));
        true
    }
}

pub(super) fn import_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    panel: &mut ImportPanel,
    commands: &mut Vec<Command>,
) {
    let mut header = egui::CollapsingHeader::new(i18n.tr("directory-import-title"))
        .id_salt("directory_import")
        .default_open(false);
    if panel.is_running() {
        header = header.open(Some(true));
    }
    header.show(ui, |ui| {
        ui.label(RichText::new(i18n.tr("directory-import-help")).weak());
        ui.horizontal(|ui| {
            let label = ui.label(i18n.tr("directory-import-path"));
            ui.add_enabled(
                !panel.is_running(),
                egui::TextEdit::singleline(&mut panel.path)
                    .id_salt("directory_import_path")
                    .hint_text("/…/Extraction_Correspondance_MSSante.zip")
                    .desired_width(420.0),
            )
            .labelled_by(label.id);
            let ready = !panel.path.trim().is_empty() && !panel.is_running();
            if ui
                .add_enabled(ready, egui::Button::new(i18n.tr("directory-import-start")))
                .clicked()
            {
                panel.starting = true;
                panel.outcome = None;
                commands.push(Command::Send(Request::ImportDirectory {
                    path: std::path::PathBuf::from(panel.path.trim()),
                }));
            }
        });
        if panel.starting && panel.running.is_none() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(i18n.tr("directory-import-starting"));
            });
        }
        if let Some(p) = panel.running {
            ui.horizontal(|ui| {
                let text = i18n.tr_args(
                    "directory-import-progress",
                    &[("entries", FluentValue::from(count_text(p.entries)))],
                );
                ui.add(
                    egui::ProgressBar::new(p.fraction())
                        .desired_width(320.0)
                        .show_percentage(),
                );
                ui.label(text);
                if ui.button(i18n.tr("common-cancel")).clicked() {
                    commands.push(Command::Send(Request::CancelDirectoryImport));
                }
            });
        }
        match &panel.outcome {
            Some(Outcome::Done { entries, skipped }) => {
                ui.label(i18n.tr_args(
                    "directory-import-done",
                    &[
                        ("entries", FluentValue::from(count_text(*entries))),
                        ("skipped", FluentValue::from(*skipped as f64)),
                    ],
                ));
            }
            Some(Outcome::Failed(id)) => {
                ui.colored_label(ui.visuals().error_fg_color, i18n.tr(id));
            }
            None => {}
        }
    });
}
