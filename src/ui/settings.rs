//! The settings window: language, theme, where data and logs live and how the database key is
//! kept, the audit-trail check (administrators), and in the sandbox the generation of extra
//! demo patients (a long task with progress and cancel).

use egui::RichText;
use fluent_bundle::FluentValue;

use super::Command;
use crate::app::{ChevetApp, StoreStatus};
use crate::domain::Right;
use crate::i18n::Language;
use crate::store::KeyOrigin;
use crate::worker::TaskId;

/// State of the settings window.
pub struct SettingsState {
    pub open: bool,
    pub generate_count: usize,
    pub generation_task: Option<TaskId>,
    /// Rows walked and whether the chain was intact.
    pub audit_result: Option<(usize, bool)>,
}

impl Default for SettingsState {
    fn default() -> Self {
        Self {
            open: false,
            generate_count: 10_000,
            generation_task: None,
            audit_result: None,
        }
    }
}

pub fn settings_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let mut open = app.settings.open;
    let i18n = &app.i18n;
    egui::Window::new(i18n.tr("settings-title"))
        .id(egui::Id::unique("settings_window"))
        .open(&mut open)
        .resizable(false)
        .default_width(460.0)
        .show(ui.ctx(), |ui| {
            ui.heading(i18n.tr("settings-display"));
            ui.horizontal(|ui| {
                ui.label(i18n.tr("settings-language"));
                for lang in Language::ALL {
                    if ui
                        .selectable_label(i18n.language() == lang, lang.native_name())
                        .clicked()
                        && i18n.language() != lang
                    {
                        commands.push(Command::SetLanguage(lang));
                    }
                }
            });
            let mut dark = app.dark;
            if ui.checkbox(&mut dark, i18n.tr("settings-dark")).changed() {
                commands.push(Command::SetDark(dark));
            }
            ui.separator();
            ui.heading(i18n.tr("settings-storage"));
            ui.label(format!(
                "{} : {}",
                i18n.tr("about-data-dir"),
                app.options.data_dir.display()
            ));
            if let Some(dir) = &app.options.log_dir {
                ui.label(format!(
                    "{} : {}",
                    i18n.tr("settings-log-dir"),
                    dir.display()
                ));
            }
            if let StoreStatus::Ready(info) = &app.store {
                match &info.key_origin {
                    KeyOrigin::Keyring { store } => {
                        ui.label(i18n.tr_args(
                            "settings-key-keyring",
                            &[("store", FluentValue::from(store.as_str()))],
                        ));
                    }
                    KeyOrigin::File { path, .. } => {
                        let text = i18n.tr_args(
                            "settings-key-file",
                            &[("path", FluentValue::from(path.display().to_string()))],
                        );
                        if info.key_origin.is_fallback() {
                            ui.colored_label(ui.visuals().warn_fg_color, text);
                        } else {
                            ui.label(text);
                        }
                    }
                }
            }
            let role = app.session.as_ref().map(|s| s.role);
            if role.is_some_and(|r| r.has(Right::ReadAudit)) {
                ui.separator();
                ui.heading(i18n.tr("settings-audit"));
                if ui.button(i18n.tr("settings-audit-verify")).clicked() {
                    commands.push(Command::VerifyAudit);
                }
                if let Some((rows, intact)) = app.settings.audit_result {
                    let text = i18n.tr_args(
                        if intact {
                            "settings-audit-intact"
                        } else {
                            "settings-audit-broken"
                        },
                        &[("rows", FluentValue::from(rows))],
                    );
                    if intact {
                        ui.label(text);
                    } else {
                        ui.colored_label(ui.visuals().error_fg_color, text);
                    }
                }
            }
            if app.options.sandbox && app.session.is_some() {
                ui.separator();
                ui.heading(i18n.tr("settings-sandbox"));
                ui.label(RichText::new(i18n.tr("settings-sandbox-generate-help")).small());
                ui.horizontal(|ui| {
                    let label = ui.label(i18n.tr("settings-sandbox-count"));
                    ui.add(
                        egui::DragValue::new(&mut app.settings.generate_count)
                            .range(1..=100_000)
                            .speed(100),
                    )
                    .labelled_by(label.id);
                    let running = app.settings.generation_task.is_some();
                    if ui
                        .add_enabled(
                            !running,
                            egui::Button::new(i18n.tr("settings-sandbox-generate")),
                        )
                        .clicked()
                    {
                        commands.push(Command::GeneratePatients(app.settings.generate_count));
                    }
                });
            }
        });
    if !open {
        commands.push(Command::ShowSettings(false));
    }
}
