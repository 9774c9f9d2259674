//! The DMP in the viewer. A document read from the DMP says so, with "integrate into the
//! folder" (Ctrl+I) or "open the folder's copy", its visibility markers and "make visible"
//! (Ctrl+M, confirmed inline). A local document that came from or went to the DMP says when
//! the DMP has a newer version (open and integrate it in one action) or deleted it.

use egui::RichText;
use fluent_bundle::FluentValue;

use super::DocumentState;
use crate::domain::dmp::{DmpDocument, DmpEntry, DmpVersionState};
use crate::domain::{DocumentRef, PatientId};
use crate::i18n::I18n;
use crate::ui::Command;
use crate::ui::widgets::datetime_text;
use crate::worker::{IntegrationReport, Request, TaskId};

impl DocumentState {
    /// `Event::DmpVisibilityChanged`: when the document on screen is that DMP entry, it
    /// follows.
    pub fn on_dmp_visibility_changed(&mut self, previous: &DmpEntry, document: &DmpDocument) {
        let Some(d) = self.loaded.dmp.as_mut() else {
            return;
        };
        if &d.document.entry != previous {
            return;
        }
        self.dmp_pending = false;
        self.confirm_visible = false;
        self.loaded.summary.visibility = document.visibility;
        d.document = document.clone();
    }

    /// `Event::DmpIntegrated` (the integrated copy opens next when asked).
    pub fn on_dmp_integrated(&mut self, report: &IntegrationReport) {
        self.dmp_pending = false;
        if let (Some(d), Some(id)) = (self.loaded.dmp.as_mut(), report.first()) {
            d.integrated = Some(id);
        }
    }
}

fn banner(ui: &mut egui::Ui, warn: bool, add_contents: impl FnOnce(&mut egui::Ui)) {
    let colour = if warn {
        ui.visuals().warn_fg_color
    } else {
        ui.visuals().selection.bg_fill
    };
    egui::Frame::new()
        .fill(colour.gamma_multiply(0.15))
        .inner_margin(6)
        .corner_radius(4)
        .show(ui, |ui| {
            ui.horizontal_wrapped(add_contents);
        });
}

fn integrate_request(patient: PatientId, entry: &DmpEntry) -> Request {
    Request::IntegrateDmp {
        task: TaskId::next(),
        patient,
        entries: vec![entry.clone()],
        open: true,
    }
}

/// The DMP banners of the viewer.
pub fn dmp_banner_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    doc: &mut DocumentState,
    can_change_visibility: bool,
    commands: &mut Vec<Command>,
) {
    if let Some(check) = doc.dmp_check.clone() {
        version_banner_ui(ui, i18n, doc, &check, commands);
    }
    let Some(origin) = doc.loaded.dmp.clone() else {
        return;
    };
    let (integrate_key, visible_key) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::I),
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::M),
        )
    });
    let row = &origin.document;
    let patient = doc.loaded.summary.patient_id;
    banner(ui, false, |ui| {
        ui.label(RichText::new(i18n.tr("doc-dmp-origin")).strong());
        match origin.integrated {
            Some(id) => {
                ui.label(i18n.tr("list-integrated"));
                if ui.button(i18n.tr("doc-dmp-open-copy")).clicked() {
                    commands.push(Command::Send(Request::OpenDocument {
                        document: DocumentRef::Stored(id),
                    }));
                }
            }
            None if doc.dmp_pending => {
                ui.spinner();
            }
            None => {
                let clicked = ui
                    .button(i18n.tr("doc-dmp-integrate"))
                    .on_hover_text(i18n.tr("list-integrate-key"))
                    .clicked();
                if clicked || integrate_key {
                    doc.dmp_pending = true;
                    commands.push(Command::Send(integrate_request(patient, &row.entry)));
                }
            }
        }
        let v = doc.loaded.summary.visibility;
        for (short, long) in crate::ui::document_list::dmp::visibility_markers(v, row.archived) {
            ui.label(
                RichText::new(i18n.tr(short))
                    .color(crate::ui::document_list::dmp::MARKER_COLOUR)
                    .strong(),
            )
            .on_hover_text(i18n.tr(long));
        }
        let invisible = v.invisible_patient || v.invisible_legal_reps;
        if !(invisible && can_change_visibility) || doc.dmp_pending {
            return;
        }
        if doc.confirm_visible {
            ui.label(i18n.tr("dmp-visible-explain"));
            if ui.button(i18n.tr("dmp-visible-confirm")).clicked() {
                doc.dmp_pending = true;
                commands.push(Command::Send(Request::MakeDmpVisible {
                    patient,
                    entry: row.entry.clone(),
                    to_patient: v.invisible_patient,
                    to_legal_representatives: v.invisible_legal_reps,
                }));
            }
            if ui.button(i18n.tr("dmp-visible-cancel")).clicked() {
                doc.confirm_visible = false;
            }
        } else if ui
            .button(i18n.tr("dmp-make-visible"))
            .on_hover_text(i18n.tr("dmp-make-visible-key"))
            .clicked()
            || visible_key
        {
            doc.confirm_visible = true;
        }
    });
}

fn version_banner_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    doc: &mut DocumentState,
    check: &DmpVersionState,
    commands: &mut Vec<Command>,
) {
    let patient = doc.loaded.summary.patient_id;
    banner(ui, true, |ui| match check {
        DmpVersionState::Newer(row) => {
            let date = row
                .created
                .map(|t| datetime_text(t.with_timezone(&chrono::Local).naive_local()))
                .unwrap_or_default();
            ui.label(
                RichText::new(i18n.tr_args("doc-dmp-newer", &[("date", FluentValue::from(date))]))
                    .strong(),
            );
            if doc.dmp_pending {
                ui.spinner();
            } else if ui.button(i18n.tr("doc-dmp-newer-integrate")).clicked() {
                doc.dmp_pending = true;
                commands.push(Command::Send(integrate_request(patient, &row.entry)));
            }
        }
        DmpVersionState::Superseded => {
            ui.label(RichText::new(i18n.tr("doc-dmp-superseded")).strong());
        }
        DmpVersionState::Deleted => {
            ui.label(RichText::new(i18n.tr("doc-dmp-deleted")).strong());
        }
    });
}
