//! The window chrome: the top bar (name, sandbox marker, navigation, user, menu) and the
//! status bar (long tasks with progress and cancel, notices).

use egui::RichText;

use super::widgets::sandbox_marker_ui;
use super::{Command, Screen};
use crate::app::{ChevetApp, NoticeLevel};

pub fn top_bar_ui(app: &ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(RichText::new(app.i18n.tr("app-name")).strong());
            if app.options.sandbox {
                sandbox_marker_ui(ui, &app.i18n);
            }
            if let Some(session) = &app.session {
                ui.separator();
                let on_patients = app.screen == Screen::Patients;
                if ui
                    .selectable_label(on_patients, app.i18n.tr("menu-patients"))
                    .clicked()
                {
                    commands.push(Command::Navigate(Screen::Patients));
                }
                if app.folder.is_some()
                    && ui
                        .selectable_label(app.screen == Screen::Folder, app.i18n.tr("menu-folder"))
                        .clicked()
                {
                    commands.push(Command::Navigate(Screen::Folder));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(app.i18n.tr("menu-logout")).clicked() {
                        commands.push(Command::Logout);
                    }
                    if ui
                        .button(app.i18n.tr("menu-lock"))
                        .on_hover_text("Ctrl+L")
                        .clicked()
                    {
                        commands.push(Command::Lock);
                    }
                    if ui.button(app.i18n.tr("menu-about")).clicked() {
                        commands.push(Command::ShowAbout(true));
                    }
                    if ui.button(app.i18n.tr("menu-settings")).clicked() {
                        commands.push(Command::ShowSettings(true));
                    }
                    let who = format!(
                        "{} · {}",
                        session.display_name,
                        app.i18n.tr(session.role.label_key())
                    );
                    // Truncated to the room the navigation leaves; the structure of a PSC
                    // session shows on hover.
                    let label = ui.add(egui::Label::new(who).truncate());
                    if let Some(activity) = &session.activity {
                        label.on_hover_text(activity);
                    }
                });
            } else {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(app.i18n.tr("menu-about")).clicked() {
                        commands.push(Command::ShowAbout(true));
                    }
                });
            }
        });
    });
}

pub fn status_bar_ui(app: &ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    // Sandbox: during a session the virtual card can be pulled like a real one.
    let virtual_card_in = app.session.is_some()
        && matches!(
            app.login.card,
            Some(crate::worker::CardStatus::Inserted {
                virtual_card: true,
                ..
            })
        );
    if app.tasks.is_empty() && app.notices.is_empty() && !virtual_card_in {
        return;
    }
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        if virtual_card_in {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(app.i18n.tr("card-virtual-badge"))
                        .color(ui.visuals().warn_fg_color),
                );
                if ui.button(app.i18n.tr("card-virtual-pull")).clicked() {
                    commands.push(Command::Send(crate::worker::Request::VirtualCard {
                        inserted: false,
                    }));
                }
            });
        }
        for (task, progress) in app.tasks.values() {
            ui.horizontal(|ui| {
                let fraction = if progress.total == 0 {
                    0.0
                } else {
                    progress.done as f32 / progress.total as f32
                };
                ui.label(app.i18n.tr("task-running"));
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(240.0)
                        .text(format!("{} / {}", progress.done, progress.total)),
                );
                if progress.cancellable && ui.button(app.i18n.tr("common-cancel")).clicked() {
                    commands.push(Command::CancelTask(*task));
                }
            });
        }
        for notice in &app.notices {
            ui.horizontal(|ui| {
                if ui.small_button(app.i18n.tr("common-dismiss")).clicked() {
                    commands.push(Command::DismissNotice(notice.id));
                }
                let colour = match notice.level {
                    NoticeLevel::Info => ui.visuals().text_color(),
                    NoticeLevel::Warning => ui.visuals().warn_fg_color,
                    NoticeLevel::Error => ui.visuals().error_fg_color,
                };
                ui.add(
                    egui::Label::new(RichText::new(app.i18n.tr(notice.id)).color(colour)).wrap(),
                );
            });
        }
    });
}
