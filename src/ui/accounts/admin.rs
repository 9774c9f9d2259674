//! The "Comptes" screen for administrators: the filters and the export, the temporary
//! password to hand over, the creation form, the list, and the selected account's actions.

use egui::RichText;
use fluent_bundle::FluentValue;

use super::{AccountsView, Confirm, StateFilter};
use crate::auth::account_admin::AccountChange;
use crate::domain::Role;
use crate::ui::widgets::{labelled_field_ui, local_time_text};
use crate::ui::{Command, ScreenCtx};
use crate::worker::{AccountId, AccountRow, Request};

pub fn accounts_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    view: &mut AccountsView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if !ctx.rights.manage_accounts {
        ui.label(i18n.tr("error-forbidden"));
        return;
    }
    ui.heading(i18n.tr("accounts-title"));
    filters_ui(ui, ctx, view, commands);
    if let Some(error) = view.error {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
    }
    if let Some(path) = &view.exported {
        ui.label(i18n.tr_args(
            "accounts-exported",
            &[("path", FluentValue::from(path.display().to_string()))],
        ));
    }
    temporary_ui(ui, ctx, view);
    ui.separator();
    create_ui(ui, ctx, view, commands);
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("accounts_list")
        .max_height(ui.available_height() * 0.55)
        .show(ui, |ui| list_ui(ui, ctx, view));
    if let Some(row) = view.selected_row().cloned() {
        ui.separator();
        selected_ui(ui, ctx, view, &row, commands);
    }
}

fn filters_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    view: &mut AccountsView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal(|ui| {
        labelled_field_ui(ui, &i18n.tr("accounts-search"), &mut view.search, false);
        role_combo_ui(ui, ctx, "accounts_role_filter", &mut view.role, true);
        egui::ComboBox::from_id_salt("accounts_state_filter")
            .selected_text(i18n.tr(view.state.label_key()))
            .show_ui(ui, |ui| {
                for f in StateFilter::ALL {
                    ui.selectable_value(&mut view.state, f, i18n.tr(f.label_key()));
                }
            })
            .response
            .accessible_name(i18n.tr("accounts-col-state"));
        if ui.button(i18n.tr("accounts-refresh")).clicked() {
            view.on_shown();
            commands.push(Command::Send(Request::Accounts));
        }
        if ui.button(i18n.tr("accounts-export")).clicked() {
            view.pending = true;
            view.exported = None;
            commands.push(Command::Send(Request::ExportAccounts));
        }
        if view.pending {
            ui.spinner();
        }
    });
}

/// A role picker; `any` adds "every role" (`None`).
fn role_combo_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    id: &str,
    role: &mut Option<Role>,
    any: bool,
) {
    let i18n = ctx.i18n;
    let shown = role.map_or_else(|| i18n.tr("accounts-role-any"), |r| i18n.tr(r.label_key()));
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            if any {
                ui.selectable_value(role, None, i18n.tr("accounts-role-any"));
            }
            for r in Role::ALL {
                ui.selectable_value(role, Some(r), i18n.tr(r.label_key()));
            }
        })
        .response
        .accessible_name(i18n.tr("accounts-col-role"));
}

fn temporary_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, view: &mut AccountsView) {
    let i18n = ctx.i18n;
    let Some((login, password)) = &view.temporary else {
        return;
    };
    let mut dismiss = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        // One label, so that a screen reader reads whose password it is with it.
        let text = zeroize::Zeroizing::new(i18n.tr_args(
            "accounts-temporary-password",
            &[
                ("login", FluentValue::from(login.as_str())),
                ("password", FluentValue::from(password.as_str())),
            ],
        ));
        ui.label(RichText::new(text.as_str()).monospace().size(16.0));
        ui.label(i18n.tr("accounts-temporary-password-help"));
        dismiss = ui
            .button(i18n.tr("accounts-temporary-password-hide"))
            .clicked();
    });
    if dismiss {
        view.temporary = None;
    }
}

fn create_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    view: &mut AccountsView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("accounts-create-title")).strong());
    ui.horizontal(|ui| {
        labelled_field_ui(
            ui,
            &i18n.tr("accounts-new-login"),
            &mut view.new_login,
            false,
        );
        labelled_field_ui(ui, &i18n.tr("accounts-new-name"), &mut view.new_name, false);
        role_combo_ui(ui, ctx, "accounts_new_role", &mut view.new_role, false);
        let ready = !view.pending
            && !view.new_login.trim().is_empty()
            && !view.new_name.trim().is_empty()
            && view.new_role.is_some();
        if ui
            .add_enabled(ready, egui::Button::new(i18n.tr("accounts-create")))
            .clicked()
            && let Some(role) = view.new_role
        {
            view.pending = true;
            view.error = None;
            commands.push(Command::Send(Request::CreateAccount {
                login: view.new_login.trim().to_owned(),
                display_name: view.new_name.trim().to_owned(),
                role,
            }));
        }
    });
}

fn list_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, view: &mut AccountsView) {
    let i18n = ctx.i18n;
    if !view.loaded {
        ui.spinner();
        return;
    }
    let mut picked: Option<AccountId> = None;
    egui::Grid::new("accounts_table")
        .num_columns(6)
        .striped(true)
        .show(ui, |ui| {
            for key in [
                "accounts-col-login",
                "accounts-col-name",
                "accounts-col-role",
                "accounts-col-state",
                "accounts-col-second-factor",
                "accounts-col-last-login",
            ] {
                ui.label(RichText::new(i18n.tr(key)).small().strong());
            }
            ui.end_row();
            for row in view.visible() {
                if ui
                    .selectable_label(view.selected == Some(row.id), &row.login)
                    .clicked()
                {
                    picked = Some(row.id);
                }
                ui.label(&row.display_name);
                ui.label(i18n.tr(row.role.label_key()));
                ui.label(i18n.tr(state_key(row)));
                ui.label(i18n.tr(if row.second_factor {
                    "accounts-yes"
                } else {
                    "accounts-no"
                }));
                ui.label(
                    row.last_login_at
                        .as_deref()
                        .map_or_else(|| i18n.tr("accounts-never"), local_time_text),
                );
                ui.end_row();
            }
        });
    if let Some(id) = picked {
        view.selected = Some(id);
        view.confirm = None;
        view.load_selected();
    }
}

fn state_key(row: &AccountRow) -> &'static str {
    match (
        row.active,
        row.locked_until.is_some(),
        row.must_change_password,
    ) {
        (false, _, _) => "accounts-state-disabled",
        (true, true, _) => "accounts-state-locked",
        (true, false, true) => "accounts-state-must-change",
        (true, false, false) => "accounts-state-active",
    }
}

fn selected_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    view: &mut AccountsView,
    row: &AccountRow,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let mut change: Option<AccountChange> = None;
    ui.label(
        RichText::new(i18n.tr_args(
            "accounts-selected",
            &[("login", FluentValue::from(row.login.as_str()))],
        ))
        .strong(),
    );
    ui.horizontal(|ui| {
        labelled_field_ui(
            ui,
            &i18n.tr("accounts-edit-name"),
            &mut view.edit_name,
            false,
        );
        let renamed =
            view.edit_name.trim() != row.display_name && !view.edit_name.trim().is_empty();
        if ui
            .add_enabled(renamed, egui::Button::new(i18n.tr("accounts-save-name")))
            .clicked()
        {
            change = Some(AccountChange::DisplayName(view.edit_name.trim().to_owned()));
        }
    });
    ui.horizontal(|ui| {
        ui.label(i18n.tr("accounts-edit-role"));
        role_combo_ui(ui, ctx, "accounts_edit_role", &mut view.edit_role, false);
        let other = view.edit_role.filter(|r| *r != row.role);
        if ui
            .add_enabled(
                other.is_some(),
                egui::Button::new(i18n.tr("accounts-save-role")),
            )
            .clicked()
        {
            change = other.map(AccountChange::Role);
        }
    });
    ui.horizontal(|ui| {
        if row.active {
            if ui.button(i18n.tr("accounts-disable")).clicked() {
                view.confirm = Some(Confirm::Disable);
            }
        } else if ui.button(i18n.tr("accounts-enable")).clicked() {
            change = Some(AccountChange::Active(true));
        }
        if row.locked_until.is_some() && ui.button(i18n.tr("accounts-unlock")).clicked() {
            change = Some(AccountChange::Unlock);
        }
        if ui.button(i18n.tr("accounts-reset-password")).clicked() {
            view.confirm = Some(Confirm::ResetPassword);
        }
        if row.second_factor && ui.button(i18n.tr("accounts-reset-second-factor")).clicked() {
            view.confirm = Some(Confirm::ResetSecondFactor);
        }
    });
    if let Some(confirm) = view.confirm {
        let (question, wanted) = match confirm {
            Confirm::Disable => ("accounts-confirm-disable", AccountChange::Active(false)),
            Confirm::ResetPassword => (
                "accounts-confirm-reset-password",
                AccountChange::ResetPassword,
            ),
            Confirm::ResetSecondFactor => (
                "accounts-confirm-reset-second-factor",
                AccountChange::ResetSecondFactor,
            ),
        };
        ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(question));
        ui.horizontal(|ui| {
            if ui.button(i18n.tr("accounts-confirm")).clicked() {
                change = Some(wanted);
            }
            if ui.button(i18n.tr("accounts-cancel")).clicked() {
                view.confirm = None;
            }
        });
    }
    if let Some(change) = change {
        view.pending = true;
        view.error = None;
        view.confirm = None;
        commands.push(Command::Send(Request::ChangeAccount {
            account: row.id,
            change,
        }));
    }
}
