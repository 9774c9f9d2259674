//! The login screen: the ways in as tabs — Pro Santé Connect or another OpenID provider
//! (`login_external`), the CPS card, a local account — the creation of the first
//! administrator on an installation without accounts, the language choice, and in the
//! sandbox the demo accounts. A local sign-in may take a second step (`local`): the second
//! factor, or the password chosen at first use. [`LoginState`] also carries the lock screen's forms and applies
//! the identity events (providers, CIBA, card, first-login link, unlock).

mod external;
mod local;
mod state;

use egui::RichText;
use zeroize::Zeroizing;

pub use external::{card_status_ui, flow_ui, pin_entry_ui, virtual_card_ui};
pub use local::second_factor_unlock_ui;
pub use state::{DemoLogin, ExternalFlow, LocalStep, LoginState, LoginTab};

use super::widgets::{focus_once, labelled_field_ui};
use super::{Command, ScreenCtx, StoreStatus};
use crate::i18n::Language;
use crate::worker::Request;

pub fn login_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    store: &StoreStatus,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.vertical_centered(|ui| {
        ui.set_max_width(460.0);
        ui.add_space(24.0);
        ui.heading(i18n.tr("login-title"));
        ui.label(i18n.tr("app-tagline"));
        ui.add_space(12.0);
        language_ui(ui, ctx, commands);
        ui.add_space(12.0);
        match store {
            StoreStatus::Opening => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(i18n.tr("login-store-opening"));
                });
            }
            StoreStatus::Failed(id) => {
                ui.colored_label(ui.visuals().error_fg_color, i18n.tr(id));
                ui.label(i18n.tr("login-store-failed-help"));
            }
            StoreStatus::Ready(_) if form.first_admin && !ctx.sandbox => {
                first_admin_ui(ui, ctx, form, commands);
            }
            StoreStatus::Ready(_) if form.flow.is_some() => {
                flow_ui(ui, ctx, form, commands);
            }
            StoreStatus::Ready(_) if form.local_step.is_some() => {
                if let Some(step) = form.local_step {
                    local::local_step_ui(ui, ctx, form, step, commands);
                }
            }
            StoreStatus::Ready(_) => {
                tabs_ui(ui, ctx, form);
                ui.add_space(8.0);
                match form.tab {
                    LoginTab::Provider => {
                        external::providers_ui(ui, ctx, form, commands);
                    }
                    LoginTab::Card => external::card_ui(ui, ctx, form, commands),
                    LoginTab::Password => sign_in_ui(ui, ctx, form, commands),
                }
            }
        }
        if let Some(error) = form.error {
            ui.add_space(6.0);
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
        if !form.demo_accounts.is_empty() {
            ui.add_space(18.0);
            demo_accounts_ui(ui, ctx, &form.demo_accounts);
        }
    });
}

fn tabs_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, form: &mut LoginState) {
    ui.horizontal(|ui| {
        for (tab, key) in [
            (LoginTab::Provider, "login-tab-provider"),
            (LoginTab::Card, "login-tab-card"),
            (LoginTab::Password, "login-tab-password"),
        ] {
            if ui
                .selectable_label(form.tab == tab, ctx.i18n.tr(key))
                .clicked()
            {
                form.tab = tab;
                form.error = None;
            }
        }
    });
}

fn language_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        for lang in Language::ALL {
            if ui
                .selectable_label(ctx.i18n.language() == lang, lang.native_name())
                .clicked()
                && ctx.i18n.language() != lang
            {
                commands.push(Command::SetLanguage(lang));
            }
        }
    });
}

fn sign_in_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    egui::Grid::new("login_form").num_columns(2).show(ui, |ui| {
        let identifier =
            labelled_field_ui(ui, &i18n.tr("login-identifier"), &mut form.login, false);
        focus_once(&identifier, &mut form.focused_once);
        ui.end_row();
        let password = labelled_field_ui(ui, &i18n.tr("login-password"), &mut form.password, true);
        ui.end_row();
        let submit_by_key = password.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.label("");
        let ready = !form.pending && !form.login.trim().is_empty() && !form.password.is_empty();
        let clicked = ui
            .add_enabled(ready, egui::Button::new(i18n.tr("login-submit")))
            .clicked();
        ui.end_row();
        if ready && (clicked || submit_by_key) {
            let request = Request::Login {
                login: form.login.trim().to_owned(),
                password: Zeroizing::new(form.password.to_string()),
            };
            commands.push(form.sign_in(request));
        }
    });
    if form.pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("login-checking"));
        });
    }
}

fn first_admin_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("login-first-admin-title")).strong());
    ui.label(i18n.tr("login-first-admin-help"));
    egui::Grid::new("first_admin_form")
        .num_columns(2)
        .show(ui, |ui| {
            labelled_field_ui(ui, &i18n.tr("login-identifier"), &mut form.login, false);
            ui.end_row();
            labelled_field_ui(
                ui,
                &i18n.tr("login-display-name"),
                &mut form.display_name,
                false,
            );
            ui.end_row();
            labelled_field_ui(ui, &i18n.tr("login-password"), &mut form.password, true);
            ui.end_row();
            labelled_field_ui(
                ui,
                &i18n.tr("login-password-confirm"),
                &mut form.password_confirm,
                true,
            );
            ui.end_row();
        });
    ui.label(RichText::new(i18n.tr("password-policy-help")).small());
    let matching = form.password.as_str() == form.password_confirm.as_str();
    if !matching && !form.password_confirm.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            i18n.tr("login-password-mismatch"),
        );
    }
    // The first administrator's password follows the administrators' policy.
    let policy = crate::auth::password_policy::check(
        &form.password,
        crate::domain::Role::Administrateur,
        &form.login,
    );
    if let (Err(e), false) = (&policy, form.password.is_empty()) {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(e.message_id()));
    }
    let ready = !form.pending
        && matching
        && policy.is_ok()
        && !form.login.trim().is_empty()
        && !form.display_name.trim().is_empty()
        && !form.password.is_empty();
    if ui
        .add_enabled(
            ready,
            egui::Button::new(i18n.tr("login-first-admin-submit")),
        )
        .clicked()
    {
        let request = Request::CreateFirstAdmin {
            login: form.login.trim().to_owned(),
            display_name: form.display_name.trim().to_owned(),
            password: Zeroizing::new(form.password.to_string()),
        };
        commands.push(form.sign_in(request));
    }
}

fn demo_accounts_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, accounts: &[DemoLogin]) {
    let i18n = ctx.i18n;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(i18n.tr("sandbox-accounts-title")).strong());
        ui.label(i18n.tr("sandbox-accounts-help"));
        egui::Grid::new("demo_accounts")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                ui.label(RichText::new(i18n.tr("login-identifier")).small());
                ui.label(RichText::new(i18n.tr("login-password")).small());
                ui.label(RichText::new(i18n.tr("sandbox-accounts-role")).small());
                ui.end_row();
                for (login, password, role) in accounts {
                    ui.monospace(login);
                    ui.monospace(password);
                    ui.label(i18n.tr(role.label_key()));
                    ui.end_row();
                }
            });
        ui.label(RichText::new(i18n.tr("sandbox-psc-help")).small());
    });
}
