//! The settings window: language, theme, where data and logs live and how the database key is
//! kept, the audit-trail check (administrators), and in the sandbox the generation of extra
//! demo patients (a long task with progress and cancel).

use crate::dmp::consult::CountSince;
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
    /// Identity links waiting for approval (administrators), once asked for.
    pub pending_links: Option<Vec<crate::worker::PendingLinkInfo>>,
    /// Where the last extraction was written.
    pub exported: Option<std::path::PathBuf>,
    /// Episode codes for which the DMP's new documents are counted with no click.
    pub dmp_count_kinds: String,
    /// What the DMP's new documents are counted from.
    pub dmp_count_since: CountSince,
    /// The date field of "since a date", as typed.
    pub dmp_since_text: String,
}

impl Default for SettingsState {
    fn default() -> Self {
        Self {
            open: false,
            generate_count: 10_000,
            generation_task: None,
            audit_result: None,
            pending_links: None,
            exported: None,
            dmp_count_kinds: crate::worker::DEFAULT_COUNT_KINDS.to_owned(),
            dmp_count_since: CountSince::default(),
            dmp_since_text: String::new(),
        }
    }
}

/// The reference event of the DMP's new-document count: last visit, last showing of the
/// folder's DMP list, or a date.
fn count_since_ui(
    ui: &mut egui::Ui,
    i18n: &crate::i18n::I18n,
    settings: &mut SettingsState,
    commands: &mut Vec<Command>,
) {
    ui.label(i18n.tr("settings-dmp-count-since"));
    let before = settings.dmp_count_since;
    let mut choice = before;
    ui.horizontal_wrapped(|ui| {
        ui.radio_value(
            &mut choice,
            CountSince::LastVisit,
            i18n.tr("settings-dmp-since-visit"),
        );
        ui.radio_value(
            &mut choice,
            CountSince::ListSeen,
            i18n.tr("settings-dmp-since-seen"),
        );
        let date = chrono::NaiveDate::parse_from_str(settings.dmp_since_text.trim(), "%Y-%m-%d");
        let is_date = matches!(choice, CountSince::Date(_));
        if ui
            .radio(is_date, i18n.tr("settings-dmp-since-date"))
            .clicked()
            && let Ok(d) = date
        {
            choice = CountSince::Date(d);
        }
        let field = ui.add(
            egui::TextEdit::singleline(&mut settings.dmp_since_text)
                .desired_width(100.0)
                .hint_text(i18n.tr("dmp-search-from-hint")),
        );
        if field.changed()
            && let Ok(d) =
                chrono::NaiveDate::parse_from_str(settings.dmp_since_text.trim(), "%Y-%m-%d")
        {
            choice = CountSince::Date(d);
        }
    });
    if choice != before {
        settings.dmp_count_since = choice;
        commands.push(Command::Send(crate::worker::Request::SaveSetting {
            key: crate::dmp::consult::COUNT_SINCE_SETTING.to_owned(),
            value: choice.to_setting(),
        }));
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
                if ui.button(i18n.tr("settings-dmp-traces-export")).clicked() {
                    commands.push(Command::Send(crate::worker::Request::ExportDmpTraces));
                }
                if let Some(path) = &app.settings.exported {
                    ui.label(i18n.tr_args(
                        "settings-dmp-traces-written",
                        &[("path", FluentValue::from(path.display().to_string()))],
                    ));
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
            if role.is_some_and(|r| r.has(Right::ChangeSettings) && r.has(Right::ManageAccounts)) {
                ui.separator();
                ui.heading(i18n.tr("settings-dmp"));
                ui.label(i18n.tr("settings-dmp-count-kinds"));
                ui.horizontal(|ui| {
                    for kind in crate::domain::EpisodeKind::ALL {
                        let codes = &app.settings.dmp_count_kinds;
                        let mut on = codes.split(',').any(|c| c.trim() == kind.code());
                        if ui.checkbox(&mut on, i18n.tr(kind.label_key())).changed() {
                            let value: Vec<&str> = crate::domain::EpisodeKind::ALL
                                .into_iter()
                                .filter(|k| {
                                    if *k == kind {
                                        on
                                    } else {
                                        codes.split(',').any(|c| c.trim() == k.code())
                                    }
                                })
                                .map(|k| k.code())
                                .collect();
                            commands.push(Command::Send(crate::worker::Request::SaveSetting {
                                key: crate::worker::COUNT_KINDS_SETTING.to_owned(),
                                value: value.join(","),
                            }));
                            commands.push(Command::SetDmpCountKinds(value.join(",")));
                        }
                    }
                });
                count_since_ui(ui, i18n, &mut app.settings, commands);
            }
            if role.is_some_and(|r| r.has(Right::ManageAccounts)) {
                ui.separator();
                pending_links_ui(ui, i18n, app.settings.pending_links.as_deref(), commands);
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

/// Administrators: requests to link a Pro Santé Connect, card or provider identity to a
/// local account, to approve or refuse.
fn pending_links_ui(
    ui: &mut egui::Ui,
    i18n: &crate::i18n::I18n,
    rows: Option<&[crate::worker::PendingLinkInfo]>,
    commands: &mut Vec<Command>,
) {
    ui.heading(i18n.tr("settings-links"));
    if ui.button(i18n.tr("settings-links-refresh")).clicked() {
        commands.push(Command::Send(crate::worker::Request::PendingLinks));
    }
    let Some(rows) = rows else {
        return;
    };
    if rows.is_empty() {
        ui.label(i18n.tr("settings-links-none"));
        return;
    }
    egui::Grid::new("pending_links")
        .num_columns(4)
        .show(ui, |ui| {
            for row in rows {
                ui.monospace(&row.account_login);
                ui.label(format!("{} · {}", row.trust_domain, row.national_id));
                ui.label(&row.requested_at);
                ui.horizontal(|ui| {
                    if ui.button(i18n.tr("settings-links-approve")).clicked() {
                        commands.push(Command::Send(crate::worker::Request::DecideLink {
                            id: row.id,
                            approve: true,
                        }));
                    }
                    if ui.button(i18n.tr("settings-links-refuse")).clicked() {
                        commands.push(Command::Send(crate::worker::Request::DecideLink {
                            id: row.id,
                            approve: false,
                        }));
                    }
                });
                ui.end_row();
            }
        });
}
