//! The external ways in on the login screen: OpenID providers (browser or CIBA), the CPS
//! card with its PIN, and the steps that may follow — waiting for the browser, the CIBA
//! binding digits with their countdown, the activity choice, the first-login link.

use egui::RichText;
use zeroize::Zeroizing;

use super::{ExternalFlow, LoginState};
use crate::i18n::I18n;
use crate::ui::widgets::labelled_field_ui;
use crate::ui::{Command, ScreenCtx};
use crate::worker::{CardStatus, LinkChoice, PinOutcome, Request};

pub fn providers_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if form.providers.is_empty() {
        ui.label(i18n.tr("login-no-provider"));
        return;
    }
    let mut start = None;
    for provider in &form.providers {
        let label = i18n.tr_args(
            "login-provider-browser",
            &[("provider", provider.label.as_str().into())],
        );
        if ui
            .add_enabled(!form.pending, egui::Button::new(label))
            .clicked()
        {
            start = Some((provider.id.clone(), None));
        }
    }
    if let Some((provider, ciba)) = start.take() {
        commands.push(form.provider_login(provider, ciba));
    }
    let Some(psc) = form.providers.iter().find(|p| p.ciba).map(|p| p.id.clone()) else {
        return;
    };
    ui.add_space(10.0);
    ui.label(RichText::new(i18n.tr("login-ciba-title")).strong());
    ui.label(i18n.tr("login-ciba-help"));
    if form.ciba_national_id.is_empty()
        && let Some(CardStatus::Inserted { national_id, .. }) = &form.card
    {
        form.ciba_national_id.clone_from(national_id);
    }
    let mut submit = false;
    egui::Grid::new("ciba_form").num_columns(2).show(ui, |ui| {
        let field = labelled_field_ui(
            ui,
            &i18n.tr("login-national-id"),
            &mut form.ciba_national_id,
            false,
        );
        submit = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.end_row();
    });
    let ready = !form.pending && !form.ciba_national_id.trim().is_empty();
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("login-ciba-submit")))
        .clicked()
        || (ready && submit)
    {
        let national_id = form.ciba_national_id.trim().to_owned();
        commands.push(form.provider_login(psc, Some(national_id)));
    }
}

pub fn card_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    card_status_ui(ui, i18n, form.card.as_ref());
    if matches!(form.card, Some(CardStatus::Inserted { .. })) {
        pin_entry_ui(ui, i18n, form, commands);
    }
    if form.virtual_card {
        virtual_card_ui(ui, i18n, form.card.as_ref(), commands);
    }
}

/// What the reader shows, in one line.
pub fn card_status_ui(ui: &mut egui::Ui, i18n: &I18n, card: Option<&CardStatus>) {
    match card {
        None | Some(CardStatus::NoService) => {
            ui.label(i18n.tr("card-no-service"));
        }
        Some(CardStatus::NoCard { readers }) if readers.is_empty() => {
            ui.label(i18n.tr("card-no-reader"));
        }
        Some(CardStatus::NoCard { .. } | CardStatus::Removed) => {
            ui.label(i18n.tr("card-insert"));
        }
        Some(CardStatus::Unreadable { message }) => {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(message));
        }
        Some(CardStatus::Inserted {
            holder_name,
            virtual_card,
            ..
        }) => {
            ui.horizontal(|ui| {
                ui.label(RichText::new(holder_name).strong());
                if *virtual_card {
                    ui.label(
                        RichText::new(i18n.tr("card-virtual-badge"))
                            .color(ui.visuals().warn_fg_color),
                    );
                }
            });
        }
    }
}

/// The PIN field with the attempts left; Enter or the button submits.
pub fn pin_entry_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    if let Some(CardStatus::Inserted {
        attempts_left: Some(left),
        ..
    }) = &form.card
    {
        ui.label(i18n.tr_args("card-attempts-left", &[("count", (*left).into())]));
    }
    match form.pin_outcome {
        Some(PinOutcome::Wrong { attempts_left }) => {
            ui.colored_label(
                ui.visuals().error_fg_color,
                i18n.tr_args("card-pin-wrong", &[("count", attempts_left.into())]),
            );
        }
        Some(PinOutcome::Blocked) => {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr("card-pin-blocked"));
            return;
        }
        None => {}
    }
    let mut submit_by_key = false;
    egui::Grid::new("pin_form").num_columns(2).show(ui, |ui| {
        let field = labelled_field_ui(ui, &i18n.tr("card-pin"), &mut form.pin, true);
        if form.pin_focus {
            field.request_focus();
            form.pin_focus = false;
        }
        submit_by_key = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        ui.end_row();
    });
    let ready = !form.pending && form.pin.len() >= 4;
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("card-pin-submit")))
        .clicked()
        || (ready && submit_by_key)
    {
        commands.push(form.submit_pin());
    }
    if form.pending {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(i18n.tr("card-checking"));
        });
    }
}

/// Insert or pull the virtual card (sandbox only).
pub fn virtual_card_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    card: Option<&CardStatus>,
    commands: &mut Vec<Command>,
) {
    ui.add_space(8.0);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.label(RichText::new(i18n.tr("card-virtual-title")).strong());
        ui.label(i18n.tr("card-virtual-help"));
        let inserted = matches!(
            card,
            Some(CardStatus::Inserted {
                virtual_card: true,
                ..
            })
        );
        let (key, insert) = if inserted {
            ("card-virtual-pull", false)
        } else {
            ("card-virtual-insert", true)
        };
        if ui.button(i18n.tr(key)).clicked() {
            commands.push(Command::Send(Request::VirtualCard { inserted: insert }));
        }
    });
}

/// The step of an external login under way.
pub fn flow_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut LoginState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let Some(flow) = form.flow.clone() else {
        return;
    };
    match flow {
        ExternalFlow::Browser { waiting, .. } => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(i18n.tr(if waiting {
                    "login-browser-waiting"
                } else {
                    "login-browser-opening"
                }));
            });
            ui.label(i18n.tr("login-browser-help"));
        }
        ExternalFlow::Ciba {
            binding_message,
            seconds_left,
            ..
        } => match binding_message {
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(i18n.tr("login-ciba-sending"));
                });
            }
            Some(digits) => {
                ui.label(i18n.tr("login-ciba-approve"));
                ui.label(RichText::new(digits).size(64.0).strong().monospace());
                if let Some(left) = seconds_left {
                    ui.label(i18n.tr_args("login-ciba-countdown", &[("seconds", left.into())]));
                }
                if let Some(url) = ctx.sandbox_ecps_url {
                    ui.hyperlink_to(i18n.tr("login-ciba-sandbox-ecps"), url);
                }
            }
        },
        ExternalFlow::ChooseActivity { activities } => {
            ui.label(RichText::new(i18n.tr("login-activity-title")).strong());
            for (index, activity) in activities.iter().enumerate() {
                if ui
                    .add_enabled(!form.pending, egui::Button::new(activity))
                    .clicked()
                {
                    form.pending = true;
                    commands.push(Command::Send(Request::ChooseActivity { index }));
                }
            }
        }
        ExternalFlow::Link {
            display_name,
            suggested_login,
            can_create,
            requested,
        } => link_ui(
            ui,
            i18n,
            form,
            &display_name,
            suggested_login.is_some(),
            can_create,
            requested,
            commands,
        ),
    }
    ui.add_space(8.0);
    if ui.button(i18n.tr("login-cancel")).clicked()
        || ui.input(|i| i.key_pressed(egui::Key::Escape))
    {
        commands.extend(form.cancel_login());
    }
}

#[allow(clippy::too_many_arguments)]
fn link_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    form: &mut LoginState,
    display_name: &str,
    suggested: bool,
    can_create: bool,
    requested: bool,
    commands: &mut Vec<Command>,
) {
    ui.label(
        RichText::new(i18n.tr_args("login-link-title", &[("name", display_name.into())])).strong(),
    );
    if requested {
        ui.label(i18n.tr("login-link-requested"));
        return;
    }
    ui.label(i18n.tr(if suggested {
        "login-link-help-suggested"
    } else {
        "login-link-help"
    }));
    egui::Grid::new("link_form").num_columns(2).show(ui, |ui| {
        labelled_field_ui(ui, &i18n.tr("login-identifier"), &mut form.login, false);
        ui.end_row();
        labelled_field_ui(ui, &i18n.tr("login-password"), &mut form.password, true);
        ui.end_row();
    });
    let has_login = !form.pending && !form.login.trim().is_empty();
    ui.horizontal(|ui| {
        if ui
            .add_enabled(
                has_login && !form.password.is_empty(),
                egui::Button::new(i18n.tr("login-link-submit")),
            )
            .clicked()
        {
            form.pending = true;
            commands.push(Command::Send(Request::CompleteLink(LinkChoice::Password {
                login: form.login.trim().to_owned(),
                password: Zeroizing::new(form.password.to_string()),
            })));
        }
        if ui
            .add_enabled(
                has_login,
                egui::Button::new(i18n.tr("login-link-ask-admin")),
            )
            .clicked()
        {
            form.pending = true;
            commands.push(Command::Send(Request::CompleteLink(
                LinkChoice::AskAdministrator {
                    login: form.login.trim().to_owned(),
                },
            )));
        }
    });
    if can_create {
        ui.add_space(6.0);
        ui.label(i18n.tr("login-link-create-help"));
        if ui
            .add_enabled(
                !form.pending,
                egui::Button::new(i18n.tr("login-link-create")),
            )
            .clicked()
        {
            form.pending = true;
            commands.push(Command::Send(Request::CompleteLink(
                LinkChoice::CreateAccount,
            )));
        }
    } else {
        ui.label(i18n.tr("login-link-no-role"));
    }
}
