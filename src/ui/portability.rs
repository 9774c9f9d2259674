//! The « Export / import » screen (Administration menu, administrators): export the whole
//! establishment as a portability archive, import an archive into an empty Chevet by its path,
//! the progress of either, and what the last one did (the file written, the counts). A
//! folder's own export starts from the folder; its result shows here too.

use egui::RichText;
use fluent_bundle::FluentValue;

use super::widgets::labelled_field_ui;
use super::{Command, ScreenCtx};
use crate::portability::{ExportSummary, ImportSummary};
use crate::worker::{Operation, Request};

/// What the screen waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Busy {
    Export,
    Import,
}

/// The screen's state.
#[derive(Default)]
pub struct PortabilityState {
    import_path: String,
    busy: Option<Busy>,
    /// Documents done out of documents known.
    progress: Option<(usize, usize)>,
    exported: Option<ExportSummary>,
    imported: Option<ImportSummary>,
    /// Fluent id of the last failure.
    error: Option<&'static str>,
}

impl PortabilityState {
    /// `Event::PortabilityProgress`.
    pub fn on_progress(&mut self, done: usize, total: usize) {
        self.progress = Some((done, total));
    }

    /// `Event::DataExported` (from this screen or from a folder).
    pub fn on_exported(&mut self, summary: ExportSummary) {
        self.busy = None;
        self.progress = None;
        self.error = None;
        self.exported = Some(summary);
    }

    /// `Event::DataImported`.
    pub fn on_imported(&mut self, summary: ImportSummary) {
        self.busy = None;
        self.progress = None;
        self.error = None;
        self.import_path.clear();
        self.imported = Some(summary);
    }

    /// A failed export or import: says why; true when it was one.
    pub fn on_failed(&mut self, operation: Operation, message: &'static str) -> bool {
        let ours = matches!(
            operation,
            Operation::ExportFolder | Operation::ExportEstablishment | Operation::ImportArchive
        );
        if ours {
            self.busy = None;
            self.progress = None;
            self.error = Some(message);
        }
        ours
    }

    fn start(&mut self, busy: Busy) {
        self.busy = Some(busy);
        self.progress = None;
        self.error = None;
    }
}

pub fn portability_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut PortabilityState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if !ctx.rights.manage_accounts {
        ui.label(i18n.tr("error-forbidden"));
        return;
    }
    ui.heading(i18n.tr("portability-title"));
    ui.label(RichText::new(i18n.tr("portability-intro")).weak());
    ui.add_space(8.0);
    let idle = state.busy.is_none();
    ui.label(RichText::new(i18n.tr("portability-export-heading")).strong());
    if ui
        .add_enabled(idle, egui::Button::new(i18n.tr("portability-export-all")))
        .on_hover_text(i18n.tr("portability-export-all-help"))
        .clicked()
    {
        state.start(Busy::Export);
        commands.push(Command::Send(Request::ExportEstablishment));
    }
    ui.add_space(8.0);
    ui.label(RichText::new(i18n.tr("portability-import-heading")).strong());
    ui.label(RichText::new(i18n.tr("portability-import-help")).weak());
    ui.horizontal_wrapped(|ui| {
        labelled_field_ui(
            ui,
            &i18n.tr("portability-import-path"),
            &mut state.import_path,
            false,
        );
        let path = state.import_path.trim();
        if ui
            .add_enabled(
                idle && !path.is_empty(),
                egui::Button::new(i18n.tr("portability-import")),
            )
            .clicked()
        {
            commands.push(Command::Send(Request::ImportArchive { path: path.into() }));
            state.start(Busy::Import);
        }
    });
    ui.add_space(8.0);
    outcome_ui(ui, ctx, state);
}

/// The running operation and its progress, or what the last ones did, or why they failed.
fn outcome_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, state: &PortabilityState) {
    let i18n = ctx.i18n;
    if let Some(busy) = state.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr(match busy {
                Busy::Export => "portability-exporting",
                Busy::Import => "portability-importing",
            }));
            if let Some((done, total)) = state.progress {
                let fraction = if total == 0 {
                    1.0
                } else {
                    done as f32 / total as f32
                };
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(200.0)
                        .text(i18n.tr_args(
                            "portability-progress",
                            &[
                                ("done", FluentValue::from(done)),
                                ("total", FluentValue::from(total)),
                            ],
                        )),
                );
            }
        });
    }
    if let Some(error) = state.error {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
    }
    if let Some(s) = &state.exported {
        ui.label(i18n.tr_args(
            "portability-exported",
            &[
                ("patients", FluentValue::from(s.patients)),
                ("documents", FluentValue::from(s.documents)),
                ("size", FluentValue::from(megabytes(s.archive_bytes))),
            ],
        ));
        ui.label(i18n.tr_args(
            "portability-exported-path",
            &[("path", FluentValue::from(s.path.display().to_string()))],
        ));
    }
    if let Some(s) = &state.imported {
        ui.label(i18n.tr_args(
            "portability-imported",
            &[
                ("patients", FluentValue::from(s.patients)),
                ("documents", FluentValue::from(s.documents)),
                ("version", FluentValue::from(s.producer_version.clone())),
            ],
        ));
    }
}

/// A size in MB with one decimal, as text.
fn megabytes(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1_000_000.0)
}
