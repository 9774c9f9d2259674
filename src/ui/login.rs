//! The login screen: the ways in as tabs — Pro Santé Connect or another OpenID provider
//! (`login_external`), the CPS card, a local account — the creation of the first
//! administrator on an installation without accounts, the language choice, and in the
//! sandbox the demo accounts.

use egui::RichText;
use zeroize::Zeroizing;

use super::Command;
use super::widgets::labelled_field_ui;
use crate::app::{ChevetApp, StoreStatus};
use crate::i18n::Language;
use crate::sandbox::seed::DEMO_ACCOUNTS;
use crate::worker::{CardStatus, PinOutcome, ProviderInfo, Request, TaskId};

/// The ways in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoginTab {
    /// Pro Santé Connect and the other OpenID providers.
    #[default]
    Provider,
    Card,
    Password,
}

/// An external login under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalFlow {
    /// The system browser shows the provider's page.
    Browser {
        task: TaskId,
        provider: String,
        /// The browser was opened.
        waiting: bool,
    },
    /// CIBA: approve on the e-CPS.
    Ciba {
        task: TaskId,
        binding_message: Option<String>,
        seconds_left: Option<u64>,
    },
    /// Several activities: pick one.
    ChooseActivity { activities: Vec<String> },
    /// First login: link to a local account or create one.
    Link {
        display_name: String,
        suggested_login: Option<String>,
        can_create: bool,
        /// The administrator was asked.
        requested: bool,
    },
}

/// What the login form holds between frames.
#[derive(Default)]
pub struct LoginState {
    pub tab: LoginTab,
    /// The OpenID providers configured.
    pub providers: Vec<ProviderInfo>,
    /// The sandbox virtual card can be inserted.
    pub virtual_card: bool,
    pub flow: Option<ExternalFlow>,
    /// National id typed for CIBA (prefilled from the card).
    pub ciba_national_id: String,
    pub pin: Zeroizing<String>,
    pub pin_outcome: Option<PinOutcome>,
    /// Give the PIN field the focus at the next frame.
    pub pin_focus: bool,
    /// What the card reader shows.
    pub card: Option<CardStatus>,
    pub login: String,
    pub password: Zeroizing<String>,
    /// First-administrator form.
    pub first_admin: bool,
    pub display_name: String,
    pub password_confirm: Zeroizing<String>,
    /// Fluent id of the last error.
    pub error: Option<&'static str>,
    /// A request is on its way.
    pub pending: bool,
    /// The identifier field already got the keyboard focus once.
    pub focused_once: bool,
}

impl LoginState {
    pub fn clear_secrets(&mut self) {
        self.pin = Zeroizing::new(String::new());
        self.password = Zeroizing::new(String::new());
        self.password_confirm = Zeroizing::new(String::new());
    }
}

pub fn login_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.vertical_centered(|ui| {
        ui.set_max_width(460.0);
        ui.add_space(24.0);
        ui.heading(app.i18n.tr("login-title"));
        ui.label(app.i18n.tr("app-tagline"));
        ui.add_space(12.0);
        language_ui(app, ui, commands);
        ui.add_space(12.0);
        match &app.store {
            StoreStatus::Opening => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(app.i18n.tr("login-store-opening"));
                });
            }
            StoreStatus::Failed(id) => {
                ui.colored_label(ui.visuals().error_fg_color, app.i18n.tr(id));
                ui.label(app.i18n.tr("login-store-failed-help"));
            }
            StoreStatus::Ready(_) if app.login.first_admin && !app.options.sandbox => {
                first_admin_ui(app, ui, commands);
            }
            StoreStatus::Ready(_) if app.login.flow.is_some() => {
                super::login_external::flow_ui(app, ui, commands);
            }
            StoreStatus::Ready(_) => {
                tabs_ui(app, ui);
                ui.add_space(8.0);
                match app.login.tab {
                    LoginTab::Provider => super::login_external::providers_ui(app, ui, commands),
                    LoginTab::Card => super::login_external::card_ui(app, ui, commands),
                    LoginTab::Password => sign_in_ui(app, ui, commands),
                }
            }
        }
        if let Some(error) = app.login.error {
            ui.add_space(6.0);
            ui.colored_label(ui.visuals().error_fg_color, app.i18n.tr(error));
        }
        if app.options.sandbox {
            ui.add_space(18.0);
            demo_accounts_ui(app, ui);
        }
    });
}

fn tabs_ui(app: &mut ChevetApp, ui: &mut egui::Ui) {
    ui.horizontal(|ui| {
        for (tab, key) in [
            (LoginTab::Provider, "login-tab-provider"),
            (LoginTab::Card, "login-tab-card"),
            (LoginTab::Password, "login-tab-password"),
        ] {
            if ui
                .selectable_label(app.login.tab == tab, app.i18n.tr(key))
                .clicked()
            {
                app.login.tab = tab;
                app.login.error = None;
            }
        }
    });
}

fn language_ui(app: &ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    ui.horizontal(|ui| {
        for lang in Language::ALL {
            if ui
                .selectable_label(app.i18n.language() == lang, lang.native_name())
                .clicked()
                && app.i18n.language() != lang
            {
                commands.push(Command::SetLanguage(lang));
            }
        }
    });
}

fn sign_in_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let i18n = &app.i18n;
    let form = &mut app.login;
    egui::Grid::new("login_form").num_columns(2).show(ui, |ui| {
        let identifier =
            labelled_field_ui(ui, &i18n.tr("login-identifier"), &mut form.login, false);
        if !form.focused_once {
            identifier.request_focus();
            form.focused_once = true;
        }
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
            commands.push(Command::SignIn(Request::Login {
                login: form.login.trim().to_owned(),
                password: Zeroizing::new(form.password.to_string()),
            }));
        }
    });
    if form.pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("login-checking"));
        });
    }
}

fn first_admin_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let i18n = &app.i18n;
    let form = &mut app.login;
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
    let matching = form.password.as_str() == form.password_confirm.as_str();
    if !matching && !form.password_confirm.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            i18n.tr("login-password-mismatch"),
        );
    }
    let ready = !form.pending
        && matching
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
        commands.push(Command::SignIn(Request::CreateFirstAdmin {
            login: form.login.trim().to_owned(),
            display_name: form.display_name.trim().to_owned(),
            password: Zeroizing::new(form.password.to_string()),
        }));
    }
}

fn demo_accounts_ui(app: &ChevetApp, ui: &mut egui::Ui) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(app.i18n.tr("sandbox-accounts-title")).strong());
        ui.label(app.i18n.tr("sandbox-accounts-help"));
        egui::Grid::new("demo_accounts")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                ui.label(RichText::new(app.i18n.tr("login-identifier")).small());
                ui.label(RichText::new(app.i18n.tr("login-password")).small());
                ui.label(RichText::new(app.i18n.tr("sandbox-accounts-role")).small());
                ui.end_row();
                for account in DEMO_ACCOUNTS {
                    ui.monospace(account.login);
                    ui.monospace(account.password);
                    ui.label(app.i18n.tr(account.role.label_key()));
                    ui.end_row();
                }
            });
        ui.label(RichText::new(app.i18n.tr("sandbox-psc-help")).small());
    });
}
