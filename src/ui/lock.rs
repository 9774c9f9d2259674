//! The lock screen: nothing of any patient shows. It says why the session locked and offers
//! the way back that fits how the user signed in — the same card and its PIN, the password,
//! or the provider again — and lets another professional take the workstation.

use egui::RichText;
use zeroize::Zeroizing;

use super::login::{LoginState, card_status_ui, flow_ui, pin_entry_ui, virtual_card_ui};
use super::widgets::{focus_once, labelled_field_ui};
use super::{Command, ScreenCtx};
use crate::auth::lock::LockReason;
use crate::auth::{LoginMethod, Session};
use crate::worker::{CardStatus, Request};

pub fn lock_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    session: &Session,
    reason: LockReason,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.vertical_centered(|ui| {
        ui.set_max_width(460.0);
        ui.add_space(32.0);
        ui.heading(i18n.tr("lock-title"));
        ui.label(i18n.tr(reason.message_id()));
        ui.add_space(6.0);
        ui.label(RichText::new(&session.display_name).strong());
        ui.add_space(12.0);
        match &session.method {
            LoginMethod::Card { .. } => card_unlock_ui(ui, ctx, form, commands),
            LoginMethod::Password => password_unlock_ui(ui, ctx, form, commands),
            LoginMethod::PasswordSecondFactor => {
                super::login::second_factor_unlock_ui(ui, ctx, form, commands);
            }
            LoginMethod::Provider { .. } if form.flow.is_some() => {
                flow_ui(ui, ctx, form, commands);
            }
            LoginMethod::Provider { id } => {
                if ui
                    .add_enabled(
                        !form.pending,
                        egui::Button::new(i18n.tr("lock-reauthenticate")),
                    )
                    .clicked()
                {
                    commands.push(form.provider_login(id.clone(), None));
                }
            }
        }
        if let Some(error) = form.error {
            ui.add_space(6.0);
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
        ui.add_space(18.0);
        if ui.button(i18n.tr("lock-switch-user")).clicked() {
            commands.push(Command::Send(Request::Logout));
        }
    });
}

fn card_unlock_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if matches!(form.card, Some(CardStatus::Inserted { .. })) {
        card_status_ui(ui, i18n, form.card.as_ref());
        pin_entry_ui(ui, i18n, form, commands);
    } else if matches!(form.card, Some(CardStatus::Unreadable { .. })) {
        // A refused card (untrusted chain, revoked, expired) says why; no PIN is asked.
        card_status_ui(ui, i18n, form.card.as_ref());
        ui.label(i18n.tr("lock-card-help"));
    } else {
        ui.label(i18n.tr("lock-card-help"));
    }
    if form.virtual_card {
        virtual_card_ui(ui, i18n, form.card.as_ref(), commands);
    }
}

fn password_unlock_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let mut submit_by_key = false;
    egui::Grid::new("unlock_form")
        .num_columns(2)
        .show(ui, |ui| {
            let field = labelled_field_ui(ui, &i18n.tr("login-password"), &mut form.password, true);
            focus_once(&field, &mut form.focused_once);
            submit_by_key = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.end_row();
        });
    let ready = !form.pending && !form.password.is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("lock-unlock")))
        .clicked()
        || (ready && submit_by_key)
    {
        let request = Request::UnlockWithPassword {
            password: Zeroizing::new(form.password.to_string()),
        };
        commands.push(form.sign_in(request));
    }
}
