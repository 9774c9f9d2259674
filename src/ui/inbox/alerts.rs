//! The "Identitovigilance" tab: the open alerts the intake raised (an INS whose traits differ,
//! an INS already on another folder, a merge of folders that have documents or of an unknown
//! patient, an identity the GAM downgraded), the folders they name (a click opens one),
//! "Vérifier l'identité" (the folder opens on its identity panel, where the conflict is
//! resolved: INSi again, a document, a doubt) and "Marquer comme traité" for who manages
//! identities.

use egui::RichText;

use super::InboxState;
use crate::domain::PatientId;
use crate::ui::widgets::local_time_text;
use crate::ui::{Command, ScreenCtx};
use crate::worker::Request;

pub(super) fn alerts_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &InboxState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if state.alerts.is_empty() {
        ui.label(i18n.tr("inbox-alerts-none"));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("inbox_alerts_scroll")
        .show(ui, |ui| {
            for alert in &state.alerts {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        ui.label(
                            RichText::new(format!("⚠ {}", i18n.tr(alert.kind.label_key())))
                                .color(ui.visuals().warn_fg_color)
                                .strong(),
                        );
                        ui.label(RichText::new(local_time_text(&alert.raised_at)).weak());
                        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                            if ctx.rights.manage_identity
                                && ui.button(i18n.tr("inbox-alert-resolve")).clicked()
                            {
                                commands
                                    .push(Command::Send(Request::ResolveAlert { id: alert.id }));
                            }
                            if let Some((patient, _)) = &alert.patient
                                && ctx.rights.verify_identity
                                && ui
                                    .button(i18n.tr("inbox-alert-verify"))
                                    .on_hover_text(i18n.tr("inbox-alert-verify-help"))
                                    .clicked()
                            {
                                verify_identity(*patient, commands);
                            }
                        });
                    });
                    ui.horizontal_wrapped(|ui| {
                        for (key, named) in [
                            ("inbox-alert-patient", &alert.patient),
                            ("inbox-alert-other", &alert.other),
                        ] {
                            if let Some((patient, name)) = named {
                                ui.label(i18n.tr(key));
                                if ui
                                    .link(name)
                                    .on_hover_text(i18n.tr("inbox-open-folder-help"))
                                    .clicked()
                                {
                                    commands.push(Command::Send(Request::OpenFolder {
                                        patient: *patient,
                                    }));
                                }
                            }
                        }
                    });
                });
            }
        });
}

/// Opens the folder on its identity panel: the folder and its identity are asked together
/// (the app keeps the identity until the folder shows), with the alerts the panel lists.
fn verify_identity(patient: PatientId, commands: &mut Vec<Command>) {
    commands.extend(
        [
            Request::OpenFolder { patient },
            Request::IdentityHistory { patient },
            Request::IdentityAlerts,
        ]
        .into_iter()
        .map(Command::Send),
    );
}
