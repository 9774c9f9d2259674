//! The local sign-in's second step: the code of the authenticator application (or a recovery
//! code), or the password chosen at first use with the policy shown; and the unlock of a
//! session opened with a second factor (password and code again).

use egui::RichText;
use zeroize::Zeroizing;

use super::state::{LocalStep, LoginState};
use crate::ui::widgets::{focus_once, labelled_field_ui};
use crate::ui::{Command, ScreenCtx};
use crate::worker::Request;

/// The step under way, in place of the login form.
pub(super) fn local_step_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    step: LocalStep,
    commands: &mut Vec<Command>,
) {
    match step {
        LocalStep::SecondFactor { recovery } => second_factor_ui(ui, ctx, form, recovery, commands),
        LocalStep::ChangePassword => change_password_ui(ui, ctx, form, commands),
    }
    ui.add_space(8.0);
    if ui
        .add_enabled(
            !form.pending,
            egui::Button::new(ctx.i18n.tr("login-step-back")),
        )
        .clicked()
    {
        form.cancel_local_step();
    }
}

fn second_factor_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    recovery: bool,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("login-second-factor-title")).strong());
    ui.label(i18n.tr(if recovery {
        "login-recovery-help"
    } else {
        "login-second-factor-help"
    }));
    let label = if recovery {
        "login-recovery-code"
    } else {
        "login-second-factor-code"
    };
    let mut submit_by_key = false;
    egui::Grid::new("second_factor_form")
        .num_columns(2)
        .show(ui, |ui| {
            let field = labelled_field_ui(ui, &i18n.tr(label), &mut form.code, false);
            focus_once(&field, &mut form.focused_once);
            submit_by_key = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.end_row();
        });
    let ready = !form.pending && !form.code.trim().is_empty();
    if ui
        .add_enabled(
            ready,
            egui::Button::new(i18n.tr("login-second-factor-submit")),
        )
        .clicked()
        || (ready && submit_by_key)
    {
        let request = Request::LoginSecondFactor {
            login: form.login.trim().to_owned(),
            password: form.password.clone(),
            code: std::mem::take(&mut form.code),
        };
        commands.push(form.sign_in(request));
    }
    let switch = if recovery {
        "login-use-totp"
    } else {
        "login-use-recovery"
    };
    if ui.link(i18n.tr(switch)).clicked() {
        form.local_step = Some(LocalStep::SecondFactor {
            recovery: !recovery,
        });
        form.code = Zeroizing::new(String::new());
        form.error = None;
        form.focused_once = false;
    }
}

fn change_password_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("login-change-password-title")).strong());
    ui.label(i18n.tr("login-change-password-help"));
    ui.label(RichText::new(i18n.tr("password-policy-help")).small());
    egui::Grid::new("change_password_form")
        .num_columns(2)
        .show(ui, |ui| {
            let field =
                labelled_field_ui(ui, &i18n.tr("password-new"), &mut form.new_password, true);
            focus_once(&field, &mut form.focused_once);
            ui.end_row();
            labelled_field_ui(
                ui,
                &i18n.tr("password-new-confirm"),
                &mut form.password_confirm,
                true,
            );
            ui.end_row();
        });
    let matching = form.new_password.as_str() == form.password_confirm.as_str();
    if !matching && !form.password_confirm.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            i18n.tr("login-password-mismatch"),
        );
    }
    let ready = !form.pending && matching && !form.new_password.is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("password-change-submit")))
        .clicked()
    {
        let request = Request::ChangeExpiredPassword {
            login: form.login.trim().to_owned(),
            password: form.password.clone(),
            new_password: std::mem::take(&mut form.new_password),
        };
        form.password_confirm = Zeroizing::new(String::new());
        commands.push(form.sign_in(request));
    }
}

/// The lock screen of a session opened with a second factor: the password and a code.
pub fn second_factor_unlock_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let mut submit_by_key = false;
    egui::Grid::new("unlock_second_factor_form")
        .num_columns(2)
        .show(ui, |ui| {
            let field = labelled_field_ui(ui, &i18n.tr("login-password"), &mut form.password, true);
            focus_once(&field, &mut form.focused_once);
            ui.end_row();
            let code = labelled_field_ui(
                ui,
                &i18n.tr("login-second-factor-code"),
                &mut form.code,
                false,
            );
            submit_by_key = code.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.end_row();
        });
    let ready = !form.pending && !form.password.is_empty() && !form.code.trim().is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("lock-unlock")))
        .clicked()
        || (ready && submit_by_key)
    {
        let request = Request::UnlockWithSecondFactor {
            password: form.password.clone(),
            code: std::mem::take(&mut form.code),
        };
        commands.push(form.sign_in(request));
    }
}
