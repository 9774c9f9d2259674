//! The window chrome: the top bar (name, sandbox marker, navigation, user, menu) and the
//! status bar (long tasks with progress and cancel, notices).

use egui::RichText;

use super::widgets::sandbox_marker_ui;
use super::{Command, Notice, NoticeLevel, Screen, ScreenCtx, TaskProgress};
use crate::auth::Session;
use crate::worker::Request;

/// Where the user is, as the top bar shows it.
pub struct Whereabouts<'a> {
    pub session: Option<&'a Session>,
    pub screen: Screen,
    /// A folder is open (the "Dossier" tab leads back to it).
    pub has_folder: bool,
    /// Documents to reconcile and open identity alerts ("Réception"'s badges).
    pub intake: crate::worker::IntakeCounts,
    /// Outbox jobs held or failed for good ("Envois DMP"'s badge); `None` hides the entry.
    pub outbox_attention: Option<usize>,
}

/// The degraded-mode banner (establishment mode, shared record unreachable since `since`).
pub fn degraded_banner_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, since: &str) {
    let i18n = ctx.i18n;
    let when = super::widgets::local_time_text(since);
    egui::Panel::top("degraded_banner").show(ui, |ui| {
        let text = i18n.tr_args(
            "degraded-banner",
            &[("since", fluent_bundle::FluentValue::from(when))],
        );
        ui.add(
            egui::Label::new(
                RichText::new(text)
                    .strong()
                    .color(ui.visuals().error_fg_color),
            )
            .wrap(),
        );
    });
}

pub fn top_bar_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    at: &Whereabouts<'_>,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    egui::Panel::top("top_bar").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.heading(RichText::new(i18n.tr("app-name")).strong());
            if ctx.sandbox {
                sandbox_marker_ui(ui, i18n);
            }
            if let Some(session) = at.session {
                ui.separator();
                let on_patients = at.screen == Screen::Patients;
                if ui
                    .selectable_label(on_patients, i18n.tr("menu-patients"))
                    .clicked()
                {
                    commands.push(Command::Navigate(Screen::Patients));
                }
                if at.has_folder
                    && ui
                        .selectable_label(at.screen == Screen::Folder, i18n.tr("menu-folder"))
                        .clicked()
                {
                    commands.push(Command::Navigate(Screen::Folder));
                }
                inbox_tab_ui(ui, ctx, at, commands);
                if let Some(attention) = at.outbox_attention {
                    outbox_tab_ui(ui, ctx, at.screen, attention, commands);
                }
                if ctx.rights.open_folder
                    && ui
                        .selectable_label(at.screen == Screen::Directory, i18n.tr("menu-directory"))
                        .on_hover_text(i18n.tr("menu-directory-help"))
                        .clicked()
                {
                    commands.push(Command::Navigate(Screen::Directory));
                }
                admin_menu_ui(ui, ctx, at.screen, commands);
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    // Tighter buttons: the navigation needs the room at 1280 px.
                    ui.spacing_mut().button_padding.x = 6.0;
                    ui.spacing_mut().item_spacing.x = 5.0;
                    if ui.button(i18n.tr("menu-logout")).clicked() {
                        commands.push(Command::Send(Request::Logout));
                    }
                    if ui
                        .button(i18n.tr("menu-lock"))
                        .on_hover_text("Ctrl+L")
                        .clicked()
                    {
                        commands.push(Command::Lock);
                    }
                    if ui.button(i18n.tr("menu-about")).clicked() {
                        commands.push(Command::ShowAbout(true));
                    }
                    if ui.button(i18n.tr("menu-settings")).clicked() {
                        commands.push(Command::ShowSettings(true));
                    }
                    let who = format!(
                        "{} · {}",
                        session.display_name,
                        i18n.tr(session.role.label_key())
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
                    if ui.button(i18n.tr("menu-about")).clicked() {
                        commands.push(Command::ShowAbout(true));
                    }
                });
            }
        });
    });
}

/// "Réception", with a badge for the documents to reconcile and one for the open alerts.
fn inbox_tab_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    at: &Whereabouts<'_>,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if ui
        .selectable_label(at.screen == Screen::Inbox, i18n.tr("menu-inbox"))
        .on_hover_text(i18n.tr("menu-inbox-help"))
        .clicked()
    {
        commands.push(Command::Navigate(Screen::Inbox));
    }
    let badges = [
        (
            at.intake.inbox,
            "menu-inbox-to-reconcile",
            egui::Color32::from_rgb(0xB4, 0x3C, 0x00),
        ),
        (
            at.intake.alerts,
            "menu-inbox-alerts",
            egui::Color32::from_rgb(0xA8, 0x1F, 0x1F),
        ),
    ];
    // The number only (the bar is narrow); what it counts is its name and its tooltip.
    for (count, key, colour) in badges {
        if count > 0 {
            let text = i18n.tr_args(key, &[("count", fluent_bundle::FluentValue::from(count))]);
            let badge = super::widgets::badge_ui(ui, &count.to_string(), colour);
            badge.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text.as_str()));
            if badge
                .on_hover_text(text.as_str())
                .interact(egui::Sense::click())
                .clicked()
            {
                commands.push(Command::Navigate(Screen::Inbox));
            }
        }
    }
}

/// "Envois DMP", with a badge for the jobs that need a person (held, failed for good).
fn outbox_tab_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    screen: Screen,
    attention: usize,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if ui
        .selectable_label(screen == Screen::Outbox, i18n.tr("menu-outbox"))
        .on_hover_text(i18n.tr("menu-outbox-help"))
        .clicked()
    {
        commands.push(Command::Navigate(Screen::Outbox));
    }
    if attention > 0 {
        let text = i18n.tr_args(
            "menu-outbox-attention",
            &[("count", fluent_bundle::FluentValue::from(attention))],
        );
        let colour = egui::Color32::from_rgb(0xA8, 0x1F, 0x1F);
        let badge = super::widgets::badge_ui(ui, &attention.to_string(), colour);
        badge.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text.as_str()));
        if badge
            .on_hover_text(text.as_str())
            .interact(egui::Sense::click())
            .clicked()
        {
            commands.push(Command::Navigate(Screen::Outbox));
        }
    }
}

/// Long tasks with progress and cancel, notices, and during a session the virtual card's
/// "pull" button (it can be pulled like a real one).
pub fn status_bar_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    tasks: &[TaskProgress],
    notices: &[Notice],
    virtual_card_in: bool,
    commands: &mut Vec<Command>,
) {
    if tasks.is_empty() && notices.is_empty() && !virtual_card_in {
        return;
    }
    let i18n = ctx.i18n;
    egui::Panel::bottom("status_bar").show(ui, |ui| {
        if virtual_card_in {
            ui.horizontal(|ui| {
                ui.label(
                    RichText::new(i18n.tr("card-virtual-badge")).color(ui.visuals().warn_fg_color),
                );
                if ui.button(i18n.tr("card-virtual-pull")).clicked() {
                    commands.push(Command::Send(Request::VirtualCard { inserted: false }));
                }
            });
        }
        for progress in tasks {
            ui.horizontal(|ui| {
                let fraction = if progress.total == 0 {
                    0.0
                } else {
                    progress.done as f32 / progress.total as f32
                };
                ui.label(i18n.tr("task-running"));
                ui.add(
                    egui::ProgressBar::new(fraction)
                        .desired_width(240.0)
                        .text(format!("{} / {}", progress.done, progress.total)),
                );
                if progress.cancellable && ui.button(i18n.tr("common-cancel")).clicked() {
                    commands.push(Command::Send(Request::Cancel {
                        task: progress.task,
                    }));
                }
            });
        }
        for notice in notices {
            ui.horizontal(|ui| {
                if ui.small_button(i18n.tr("common-dismiss")).clicked() {
                    commands.push(Command::DismissNotice(notice.id));
                }
                let colour = match notice.level {
                    NoticeLevel::Info => ui.visuals().text_color(),
                    NoticeLevel::Warning => ui.visuals().warn_fg_color,
                    NoticeLevel::Error => ui.visuals().error_fg_color,
                };
                ui.add(egui::Label::new(RichText::new(i18n.tr(notice.id)).color(colour)).wrap());
            });
        }
    });
}

/// « Administration »: the administrators' screens, in one menu so that the top bar keeps its
/// room. Shown only when the user has at least one of their rights.
fn admin_menu_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    screen: Screen,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let rights = &ctx.rights;
    // (screen, may the user open it, label, hover help)
    let entries = [
        (
            Screen::Accounts,
            rights.manage_accounts,
            "menu-accounts",
            "menu-accounts-help",
        ),
        (
            Screen::Indicators,
            rights.export_indicators,
            "indicators-menu",
            "indicators-menu-help",
        ),
        (
            Screen::Backups,
            rights.manage_accounts,
            "menu-backups",
            "menu-backups-help",
        ),
        (
            Screen::Portability,
            rights.manage_accounts,
            "menu-portability",
            "menu-portability-help",
        ),
    ];
    if !entries.iter().any(|(_, allowed, ..)| *allowed) {
        return;
    }
    let mut title = RichText::new(i18n.tr("menu-admin"));
    if entries.iter().any(|(at, ..)| *at == screen) {
        title = title.strong();
    }
    ui.menu_button(title, |ui| {
        for (target, allowed, label, help) in entries {
            if allowed
                && ui
                    .selectable_label(screen == target, i18n.tr(label))
                    .on_hover_text(i18n.tr(help))
                    .clicked()
            {
                commands.push(Command::Navigate(target));
                ui.close();
            }
        }
    });
}
