//! The lock screen: nothing of any patient shows. It says why the session locked and offers
//! the way back that fits how the user signed in — the same card and its PIN, the password,
//! or the provider again — and lets another professional take the workstation.

use egui::RichText;
use zeroize::Zeroizing;

use super::Command;
use super::login_external::{card_status_ui, flow_ui, pin_entry_ui, virtual_card_ui};
use super::widgets::labelled_field_ui;
use crate::app::ChevetApp;
use crate::auth::LoginMethod;
use crate::auth::lock::LockReason;
use crate::worker::{CardStatus, Request};

pub fn lock_ui(
    app: &mut ChevetApp,
    reason: LockReason,
    ui: &mut egui::Ui,
    commands: &mut Vec<Command>,
) {
    let Some(session) = app.session.clone() else {
        return;
    };
    ui.vertical_centered(|ui| {
        ui.set_max_width(460.0);
        ui.add_space(32.0);
        ui.heading(app.i18n.tr("lock-title"));
        ui.label(app.i18n.tr(reason.message_id()));
        ui.add_space(6.0);
        ui.label(RichText::new(&session.display_name).strong());
        ui.add_space(12.0);
        match &session.method {
            LoginMethod::Card { .. } => card_unlock_ui(app, ui, commands),
            LoginMethod::Password => password_unlock_ui(app, ui, commands),
            LoginMethod::Provider { .. } if app.login.flow.is_some() => {
                flow_ui(app, ui, commands);
            }
            LoginMethod::Provider { id } => {
                if ui
                    .add_enabled(
                        !app.login.pending,
                        egui::Button::new(app.i18n.tr("lock-reauthenticate")),
                    )
                    .clicked()
                {
                    commands.push(Command::ProviderLogin {
                        provider: id.clone(),
                        ciba_national_id: None,
                    });
                }
            }
        }
        if let Some(error) = app.login.error {
            ui.add_space(6.0);
            ui.colored_label(ui.visuals().error_fg_color, app.i18n.tr(error));
        }
        ui.add_space(18.0);
        if ui.button(app.i18n.tr("lock-switch-user")).clicked() {
            commands.push(Command::Logout);
        }
    });
}

fn card_unlock_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let i18n = &app.i18n;
    let form = &mut app.login;
    if matches!(form.card, Some(CardStatus::Inserted { .. })) {
        card_status_ui(ui, i18n, form.card.as_ref());
        pin_entry_ui(ui, i18n, form, commands);
    } else {
        ui.label(i18n.tr("lock-card-help"));
    }
    if form.virtual_card {
        virtual_card_ui(ui, i18n, form.card.as_ref(), commands);
    }
}

fn password_unlock_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let i18n = &app.i18n;
    let form = &mut app.login;
    let mut submit_by_key = false;
    egui::Grid::new("unlock_form")
        .num_columns(2)
        .show(ui, |ui| {
            let field = labelled_field_ui(ui, &i18n.tr("login-password"), &mut form.password, true);
            if !form.focused_once {
                field.request_focus();
                form.focused_once = true;
            }
            submit_by_key = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.end_row();
        });
    let ready = !form.pending && !form.password.is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("lock-unlock")))
        .clicked()
        || (ready && submit_by_key)
    {
        form.pending = true;
        commands.push(Command::Send(Request::UnlockWithPassword {
            password: Zeroizing::new(form.password.to_string()),
        }));
    }
}
