//! "Sécurité du compte" in the settings window, for a local account: change one's password
//! (the policy shown), and enrol a second factor — the secret as a QR code and as text, a
//! first code and the password to confirm it, then the ten recovery codes, shown once.

use egui::RichText;
use fluent_bundle::FluentValue;
use zeroize::Zeroizing;

use super::qr::qr_code_ui;
use crate::auth::{LoginMethod, Session};
use crate::ui::widgets::labelled_field_ui;
use crate::ui::{Command, ScreenCtx};
use crate::worker::{Operation, Request};

/// A secret shown until its first code confirms it.
struct Enrolment {
    secret: Zeroizing<String>,
    uri: Zeroizing<String>,
}

/// The account security part's state.
#[derive(Default)]
pub struct AccountSecurityState {
    /// The session is a local account's: this part shows.
    local: bool,
    /// The session was opened with a second factor (it is enrolled).
    second_factor: bool,
    current: Zeroizing<String>,
    new_password: Zeroizing<String>,
    confirm: Zeroizing<String>,
    enrolment: Option<Enrolment>,
    enrol_password: Zeroizing<String>,
    enrol_code: Zeroizing<String>,
    /// Shown once, until the user says they kept them.
    recovery_codes: Option<Vec<Zeroizing<String>>>,
    pending: bool,
    /// Fluent id of the last refusal.
    error: Option<&'static str>,
    /// Fluent id of the last success.
    done: Option<&'static str>,
}

impl AccountSecurityState {
    /// A session opened: whether it is a local account's, with a second factor.
    pub fn on_logged_in(&mut self, session: &Session) {
        *self = Self {
            local: matches!(
                session.method,
                LoginMethod::Password | LoginMethod::PasswordSecondFactor
            ),
            second_factor: session.method == LoginMethod::PasswordSecondFactor,
            ..Self::default()
        };
    }

    /// Signed out: nothing stays.
    pub fn on_logged_out(&mut self) {
        *self = Self::default();
    }

    /// `Event::EnrolmentStarted`.
    pub fn on_enrolment_started(&mut self, secret: Zeroizing<String>, uri: Zeroizing<String>) {
        self.pending = false;
        self.error = None;
        self.done = None;
        self.enrolment = Some(Enrolment { secret, uri });
    }

    /// `Event::SecondFactorEnrolled`: the codes to show once; the session is strong now.
    pub fn on_enrolled(&mut self, codes: Vec<Zeroizing<String>>) {
        self.pending = false;
        self.error = None;
        self.enrolment = None;
        self.enrol_password = Zeroizing::default();
        self.enrol_code = Zeroizing::default();
        self.second_factor = true;
        self.recovery_codes = Some(codes);
        self.done = Some("security-enrolled");
    }

    /// `Event::PasswordChanged`.
    pub fn on_password_changed(&mut self) {
        self.pending = false;
        self.error = None;
        self.current = Zeroizing::default();
        self.new_password = Zeroizing::default();
        self.confirm = Zeroizing::default();
        self.done = Some("security-password-changed");
    }

    /// A request of this part failed; `true` when it was one.
    pub fn on_failed(&mut self, operation: Operation, message_id: &'static str) -> bool {
        match operation {
            Operation::ChangePassword => {
                self.current = Zeroizing::default();
                self.new_password = Zeroizing::default();
                self.confirm = Zeroizing::default();
            }
            Operation::ConfirmEnrolment => {
                self.enrol_code = Zeroizing::default();
            }
            Operation::StartEnrolment => {}
            _ => return false,
        }
        self.pending = false;
        self.done = None;
        self.error = Some(message_id);
        true
    }
}

/// The part, in the settings window (local accounts only).
pub fn security_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut AccountSecurityState,
    commands: &mut Vec<Command>,
) {
    if !state.local {
        return;
    }
    let i18n = ctx.i18n;
    egui::CollapsingHeader::new(i18n.tr("security-title"))
        .id_salt("account_security")
        .show(ui, |ui| {
            second_factor_ui(ui, ctx, state, commands);
            ui.separator();
            password_ui(ui, ctx, state, commands);
            if let Some(error) = state.error {
                ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
            }
            if let Some(done) = state.done {
                ui.label(RichText::new(i18n.tr(done)).strong());
            }
        });
}

fn second_factor_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut AccountSecurityState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("security-second-factor")).strong());
    if let Some(codes) = &state.recovery_codes {
        ui.label(i18n.tr("security-recovery-codes-help"));
        egui::Grid::new("recovery_codes")
            .num_columns(2)
            .show(ui, |ui| {
                for pair in codes.chunks(2) {
                    for code in pair {
                        ui.monospace(code.as_str());
                    }
                    ui.end_row();
                }
            });
        if ui.button(i18n.tr("security-recovery-codes-kept")).clicked() {
            state.recovery_codes = None;
        }
        return;
    }
    let Some(enrolment) = &state.enrolment else {
        ui.label(i18n.tr(if state.second_factor {
            "security-second-factor-on"
        } else {
            "security-second-factor-off"
        }));
        let start = if state.second_factor {
            "security-enrol-again"
        } else {
            "security-enrol-start"
        };
        if ui
            .add_enabled(!state.pending, egui::Button::new(i18n.tr(start)))
            .clicked()
        {
            state.pending = true;
            state.error = None;
            commands.push(Command::Send(Request::StartEnrolment));
        }
        return;
    };
    ui.label(i18n.tr("security-enrol-scan"));
    qr_code_ui(ui, &enrolment.uri, 200.0, &i18n.tr("security-enrol-qr"));
    let grouped: String = enrolment
        .secret
        .chars()
        .collect::<Vec<char>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<String>>()
        .join(" ");
    let shown = Zeroizing::new(i18n.tr_args(
        "security-enrol-secret",
        &[("secret", FluentValue::from(grouped))],
    ));
    ui.label(RichText::new(shown.as_str()).monospace());
    ui.label(i18n.tr("security-enrol-confirm-help"));
    egui::Grid::new("enrol_form").num_columns(2).show(ui, |ui| {
        labelled_field_ui(
            ui,
            &i18n.tr("security-enrol-password"),
            &mut state.enrol_password,
            true,
        );
        ui.end_row();
        labelled_field_ui(
            ui,
            &i18n.tr("security-enrol-code"),
            &mut state.enrol_code,
            false,
        );
        ui.end_row();
    });
    let ready = !state.pending && !state.enrol_password.is_empty() && !state.enrol_code.is_empty();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(ready, egui::Button::new(i18n.tr("security-enrol-confirm")))
            .clicked()
        {
            state.pending = true;
            state.error = None;
            commands.push(Command::Send(Request::ConfirmEnrolment {
                password: std::mem::take(&mut state.enrol_password),
                code: std::mem::take(&mut state.enrol_code),
            }));
        }
        if ui.button(i18n.tr("security-enrol-cancel")).clicked() {
            state.enrolment = None;
            state.enrol_password = Zeroizing::default();
            state.enrol_code = Zeroizing::default();
        }
    });
}

fn password_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut AccountSecurityState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("security-password")).strong());
    ui.label(RichText::new(i18n.tr("password-policy-help")).small());
    egui::Grid::new("own_password_form")
        .num_columns(2)
        .show(ui, |ui| {
            labelled_field_ui(ui, &i18n.tr("password-current"), &mut state.current, true);
            ui.end_row();
            labelled_field_ui(ui, &i18n.tr("password-new"), &mut state.new_password, true);
            ui.end_row();
            labelled_field_ui(
                ui,
                &i18n.tr("password-new-confirm"),
                &mut state.confirm,
                true,
            );
            ui.end_row();
        });
    let matching = state.new_password.as_str() == state.confirm.as_str();
    if !matching && !state.confirm.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            i18n.tr("login-password-mismatch"),
        );
    }
    let ready =
        !state.pending && matching && !state.current.is_empty() && !state.new_password.is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("password-change-submit")))
        .clicked()
    {
        state.pending = true;
        state.error = None;
        state.done = None;
        state.confirm = Zeroizing::default();
        commands.push(Command::Send(Request::ChangePassword {
            current: std::mem::take(&mut state.current),
            new_password: std::mem::take(&mut state.new_password),
        }));
    }
}
