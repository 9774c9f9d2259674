//! Above the tabs: "Importer une archive XDM" (a path, or a .zip dropped on the window: the
//! app turns the drop into the same request) with what the last import did, and in the
//! sandbox the simulated hospital's three messages (an admission from the GAM, an MSSanté
//! mail and a document for nobody known, from the messaging gateway).

use egui::RichText;
use fluent_bundle::FluentValue;

use super::{InboxState, InboxTab, XdmOutcome};
use crate::i18n::I18n;
use crate::ui::{Command, ScreenCtx};
use crate::worker::{HospitalScenario, Request};

pub(super) fn tools_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut InboxState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal_wrapped(|ui| {
        let label = ui.label(i18n.tr("inbox-xdm-path"));
        ui.add(
            egui::TextEdit::singleline(&mut state.xdm_path)
                .hint_text(i18n.tr("inbox-xdm-hint"))
                .desired_width(300.0),
        )
        .labelled_by(label.id);
        let path = state.xdm_path.trim();
        let importing = state.xdm == Some(XdmOutcome::Importing);
        if ui
            .add_enabled(
                !path.is_empty() && !importing && ctx.rights.read_documents,
                egui::Button::new(i18n.tr("inbox-xdm-import")),
            )
            .on_hover_text(i18n.tr("inbox-xdm-drop"))
            .clicked()
        {
            commands.push(Command::Send(Request::ImportXdm { path: path.into() }));
            state.xdm = Some(XdmOutcome::Importing);
        }
        ui.label(RichText::new(i18n.tr("inbox-xdm-drop")).weak().small());
    });
    if ctx.sandbox {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(i18n.tr("inbox-simulate")).weak());
            for (scenario, key) in [
                (HospitalScenario::Admission, "inbox-simulate-admission"),
                (HospitalScenario::MssDocument, "inbox-simulate-mss"),
                (
                    HospitalScenario::UnmatchedDocument,
                    "inbox-simulate-unmatched",
                ),
            ] {
                if ui
                    .button(i18n.tr(key))
                    .on_hover_text(i18n.tr("inbox-simulate-help"))
                    .clicked()
                {
                    commands.push(Command::Send(Request::SimulateHospital { scenario }));
                    if scenario == HospitalScenario::MssDocument {
                        state.tab = InboxTab::Received;
                    } else if scenario == HospitalScenario::UnmatchedDocument {
                        state.tab = InboxTab::Reconcile;
                    }
                }
            }
        });
    }
    if let Some(outcome) = &state.xdm {
        outcome_ui(ui, i18n, outcome);
    }
}

/// What the last import did: how many documents wait, the integrity mismatches, the entries
/// left out; or why the archive was refused.
fn outcome_ui(ui: &mut egui::Ui, i18n: &I18n, outcome: &XdmOutcome) {
    match outcome {
        XdmOutcome::Importing => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(i18n.tr("inbox-xdm-importing"));
            });
        }
        XdmOutcome::Imported(report) => {
            ui.horizontal_wrapped(|ui| {
                ui.label(i18n.tr_args(
                    "inbox-xdm-queued",
                    &[("count", FluentValue::from(report.queued))],
                ));
                if report.integrity_mismatches > 0 {
                    ui.label(
                        RichText::new(i18n.tr_args(
                            "inbox-xdm-mismatches",
                            &[("count", FluentValue::from(report.integrity_mismatches))],
                        ))
                        .color(ui.visuals().warn_fg_color)
                        .strong(),
                    );
                }
                if !report.skipped.is_empty() {
                    ui.label(i18n.tr_args(
                        "inbox-xdm-skipped",
                        &[("count", FluentValue::from(report.skipped.len()))],
                    ))
                    .on_hover_text(report.skipped.join("\n"));
                }
            });
        }
        XdmOutcome::Refused(reason) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                i18n.tr_args(
                    "inbox-xdm-refused",
                    &[("reason", FluentValue::from(reason.as_str()))],
                ),
            );
        }
    }
}
