//! The identity panel's window and the banner's buttons that open it. One click per step:
//! "Rechercher l'INS" in the banner, "Accepter l'identité INS" under the comparison, then the
//! document checked — the identity is qualified.

use egui::RichText;
use fluent_bundle::FluentValue;

use super::comparison::comparison_ui;
use super::history::history_ui;
use super::{IdentityPanel, SearchNote};
use crate::domain::identity::{DoubtReason, IdentityDocument};
use crate::domain::{Patient, PatientId};
use crate::i18n::I18n;
use crate::ui::widgets::local_time_text;
use crate::ui::{Command, ScreenCtx};
use crate::worker::{Request, UserMessage};

/// Width of the panel's window, in points.
const PANEL_WIDTH: f32 = 700.0;
/// Where the folder's episodes end (their panel's default width and margins), in points.
const EPISODES_WIDTH: f32 = 276.0;

fn send_all(commands: &mut Vec<Command>, requests: Vec<Request>) {
    commands.extend(requests.into_iter().map(Command::Send));
}

/// After the banner's INS: "Rechercher l'INS" (who verifies identities) and the panel.
pub fn banner_buttons_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    panel: &mut IdentityPanel,
    patient: PatientId,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.separator();
    if ctx.rights.verify_identity {
        let search = ui
            .add_enabled(
                !panel.searching,
                egui::Button::new(i18n.tr("identity-search-ins")),
            )
            .on_hover_text(i18n.tr("identity-search-ins-help"));
        if search.clicked() {
            let requests = panel.search(patient);
            send_all(commands, requests);
        }
    }
    if ui
        .button(i18n.tr("identity-open-panel"))
        .on_hover_text(i18n.tr("identity-open-panel-help"))
        .clicked()
    {
        let requests = panel.open(patient);
        send_all(commands, requests);
    }
}

/// The panel's window, when open.
pub fn identity_panel_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    panel: &mut IdentityPanel,
    patient: &Patient,
    commands: &mut Vec<Command>,
) {
    if !panel.open {
        return;
    }
    let i18n = ctx.i18n;
    let mut open = true;
    egui::Window::new(i18n.tr("identity-panel-title"))
        .id(egui::Id::unique("identity_panel"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(PANEL_WIDTH)
        .min_width(PANEL_WIDTH)
        // Below the banner, right of the episodes, anchored by its left edge (its buttons stay
        // put as its content grows): the banner and the episodes stay in sight.
        .default_pos(egui::pos2(
            ui.max_rect().left() + EPISODES_WIDTH,
            ui.cursor().top() + 8.0,
        ))
        .show(ui.ctx(), |ui| {
            ui.label(
                RichText::new(format!(
                    "{} — {}",
                    patient.display_name(),
                    i18n.tr(patient.identity.status.label_key())
                ))
                .strong(),
            );
            ui.separator();
            insi_ui(ui, ctx, panel, patient.id, commands);
            if ctx.rights.verify_identity {
                ui.separator();
                documents_ui(ui, i18n, panel, patient, commands);
                doubt_ui(ui, i18n, panel, patient.id, commands);
            }
            outcome_ui(ui, i18n, panel);
            alerts_ui(ui, ctx, panel, commands);
            ui.separator();
            history_ui(ui, i18n, &panel.history);
        });
    if !open {
        panel.close();
    }
}

/// The INSi part: the search button, the spinner, the comparison and its decision, or what
/// the search said.
fn insi_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    panel: &mut IdentityPanel,
    patient: PatientId,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.heading(i18n.tr("identity-insi-heading"));
    if panel.searching {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("identity-insi-searching"));
        });
        return;
    }
    if let Some(c) = panel.comparison.clone() {
        comparison_ui(ui, i18n, &c);
        if !c.acceptable() {
            ui.colored_label(
                ui.visuals().error_fg_color,
                i18n.tr("identity-insi-differs"),
            );
        }
        if ctx.rights.verify_identity {
            ui.horizontal(|ui| {
                let accept = ui
                    .add_enabled(
                        c.acceptable() && !panel.deciding,
                        egui::Button::new(i18n.tr("identity-insi-accept")),
                    )
                    .on_hover_text(i18n.tr("identity-insi-accept-help"));
                if accept.clicked() {
                    panel.deciding();
                    commands.push(Command::Send(Request::AcceptIns {
                        patient,
                        comparison: c.clone(),
                    }));
                }
                let refuse = ui
                    .add_enabled(
                        !panel.deciding,
                        egui::Button::new(i18n.tr("identity-insi-refuse")),
                    )
                    .on_hover_text(i18n.tr("identity-insi-refuse-help"));
                if refuse.clicked() {
                    panel.deciding();
                    commands.push(Command::Send(Request::RefuseIns {
                        patient,
                        comparison: c,
                    }));
                }
            });
        }
        return;
    }
    let retry = match &panel.note {
        Some(SearchNote::NotFound { calls }) => {
            warn_ui(ui, &calls_text(i18n, "identity-insi-not-found", *calls));
            true
        }
        Some(SearchNote::Several { calls }) => {
            warn_ui(ui, &calls_text(i18n, "identity-insi-several", *calls));
            true
        }
        Some(SearchNote::Failed { message, args }) => {
            let args: Vec<(&str, FluentValue<'_>)> = args
                .iter()
                .map(|(k, v)| (*k, FluentValue::from(v.as_str())))
                .collect();
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr_args(message.id, &args));
            message.retryable
        }
        None => true,
    };
    if retry && ctx.rights.verify_identity && ui.button(i18n.tr("identity-insi-again")).clicked() {
        let requests = panel.search(patient);
        send_all(commands, requests);
    }
}

fn warn_ui(ui: &mut egui::Ui, text: &str) {
    ui.colored_label(ui.visuals().warn_fg_color, text);
}

fn calls_text(i18n: &I18n, id: &str, calls: u32) -> String {
    i18n.tr_args(id, &[("calls", FluentValue::from(calls))])
}

/// "Pièce d'identité vérifiée": one button per document that proves this identity, the
/// low-trust ones in a menu (traced, the status unchanged).
fn documents_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    panel: &mut IdentityPanel,
    patient: &Patient,
    commands: &mut Vec<Command>,
) {
    let today = chrono::Local::now().date_naive();
    let birth = patient.identity.traits.birth_date;
    let mut chosen = None;
    ui.label(RichText::new(i18n.tr("identity-document-heading")).strong())
        .on_hover_text(i18n.tr("identity-document-help"));
    ui.horizontal_wrapped(|ui| {
        for document in IdentityDocument::proving(birth, today) {
            if ui
                .add_enabled(
                    !panel.deciding,
                    egui::Button::new(i18n.tr(document.label_key())),
                )
                .clicked()
            {
                chosen = Some(document);
            }
        }
        ui.add_enabled_ui(!panel.deciding, |ui| {
            ui.menu_button(i18n.tr("identity-document-other"), |ui| {
                ui.label(RichText::new(i18n.tr("identity-document-other-help")).weak());
                for document in IdentityDocument::ALL
                    .into_iter()
                    .filter(|d| !d.proves_identity(birth, today))
                {
                    if ui.button(i18n.tr(document.label_key())).clicked() {
                        chosen = Some(document);
                        ui.close();
                    }
                }
            });
        });
    });
    if let Some(document) = chosen {
        panel.deciding();
        commands.push(Command::Send(Request::CheckIdentityDocument {
            patient: patient.id,
            document,
        }));
    }
}

/// "Doute sur l'identité": the reason chosen puts it back to provisoire.
fn doubt_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    panel: &mut IdentityPanel,
    patient: PatientId,
    commands: &mut Vec<Command>,
) {
    let mut chosen = None;
    ui.add_enabled_ui(!panel.deciding, |ui| {
        ui.menu_button(i18n.tr("identity-doubt"), |ui| {
            ui.label(RichText::new(i18n.tr("identity-doubt-help")).weak());
            for reason in DoubtReason::ALL {
                if ui.button(i18n.tr(reason.label_key())).clicked() {
                    chosen = Some(reason);
                    ui.close();
                }
            }
        });
    });
    if let Some(reason) = chosen {
        panel.deciding();
        commands.push(Command::Send(Request::DoubtIdentity { patient, reason }));
    }
}

/// What the last decision did, or why it failed.
fn outcome_ui(ui: &mut egui::Ui, i18n: &I18n, panel: &IdentityPanel) {
    if panel.deciding {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("identity-deciding"));
        });
    }
    if let Some(notice) = panel.notice {
        ui.label(RichText::new(i18n.tr(notice)).strong());
    }
    if let Some(UserMessage { id, .. }) = &panel.failure {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(id));
    }
}

/// The vigilance list's open alerts about this patient: resolved here once verified.
fn alerts_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    panel: &IdentityPanel,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    for alert in &panel.alerts {
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!(
                    "⚠ {} ({})",
                    i18n.tr(alert.kind.label_key()),
                    local_time_text(&alert.raised_at)
                ))
                .color(ui.visuals().warn_fg_color),
            );
            if ctx.rights.manage_identity && ui.button(i18n.tr("inbox-alert-resolve")).clicked() {
                commands.push(Command::Send(Request::ResolveAlert { id: alert.id }));
            }
        });
    }
}
