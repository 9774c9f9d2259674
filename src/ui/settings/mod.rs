//! The settings window: language, theme, where data and logs live and how the database key is
//! kept, the audit-trail check (administrators), and in the sandbox the generation of extra
//! demo patients (a long task with progress and cancel). The typed settings administrators
//! edit, export and import are in `typed`.

mod typed;

pub use typed::TypedSettingsForm;

use egui::RichText;
use fluent_bundle::FluentValue;

use super::{Command, ScreenCtx, StoreStatus};
use crate::i18n::Language;
use crate::store::KeyOrigin;
use crate::worker::{
    Operation, PendingLinkInfo, RecordInfo, Request, ServiceBoard, StoreInfo, TaskId,
};

/// State of the settings window.
pub struct SettingsState {
    open: bool,
    generate_count: usize,
    generation_task: Option<TaskId>,
    /// Rows walked and whether the chain was intact.
    audit_result: Option<(usize, bool)>,
    /// Identity links waiting for approval (administrators), once asked for.
    pending_links: Option<Vec<PendingLinkInfo>>,
    /// Where the last extraction was written.
    exported: Option<std::path::PathBuf>,
    /// The typed settings (administrators): the DMP count, export and import.
    typed: TypedSettingsForm,
    /// The service-status board, once asked for.
    services: Option<ServiceBoard>,
    /// "Sécurité du compte": the user's own password and second factor.
    security: super::accounts::AccountSecurityState,
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
            typed: TypedSettingsForm::default(),
            services: None,
            security: super::accounts::AccountSecurityState::default(),
        }
    }
}

impl SettingsState {
    pub fn is_open(&self) -> bool {
        self.open
    }

    pub fn set_open(&mut self, open: bool) {
        self.open = open;
    }

    /// "Sécurité du compte"'s state.
    pub fn security_mut(&mut self) -> &mut super::accounts::AccountSecurityState {
        &mut self.security
    }

    /// The stored settings this window shows.
    pub fn on_store_ready(&mut self, info: &StoreInfo) {
        self.typed.on_settings(
            (*info.settings).clone(),
            crate::worker::SettingsChange::Loaded,
        );
    }

    /// `Event::Settings` (after the window applied the display).
    pub fn on_settings(
        &mut self,
        record: crate::settings::SettingsRecord,
        change: crate::worker::SettingsChange,
    ) {
        self.typed.on_settings(record, change);
    }

    /// `Event::SettingsRefused`.
    pub fn on_settings_refused(&mut self, issues: Vec<crate::settings::SettingIssue>) {
        self.typed.on_refused(issues);
    }

    /// `Event::SettingsExported`.
    pub fn on_settings_exported(&mut self, path: std::path::PathBuf) {
        self.typed.on_exported(path);
    }

    pub fn on_audit_verified(&mut self, rows: usize, intact: bool) {
        self.audit_result = Some((rows, intact));
    }

    /// `Event::Services`.
    pub fn on_services(&mut self, board: ServiceBoard) {
        self.services = Some(board);
    }

    pub fn on_pending_links(&mut self, rows: Vec<PendingLinkInfo>) {
        self.pending_links = Some(rows);
    }

    pub fn on_exported(&mut self, path: std::path::PathBuf) {
        self.exported = Some(path);
    }

    /// A long task ended; `true` when it was this window's patient generation.
    pub fn on_task_finished(&mut self, task: TaskId) -> bool {
        if self.generation_task == Some(task) {
            self.generation_task = None;
            return true;
        }
        false
    }

    /// A request of this window failed; `true` when it was one.
    pub fn on_failed(&mut self, operation: Operation) -> bool {
        match operation {
            Operation::GeneratePatients => {
                self.generation_task = None;
                true
            }
            Operation::VerifyAudit
            | Operation::ExportDmpTraces
            | Operation::PendingLinks
            | Operation::DecideLink => true,
            other => self.typed.on_failed(other),
        }
    }

    /// Hides what an administrator saw (on sign-out).
    pub fn on_logged_out(&mut self) {
        self.open = false;
        self.pending_links = None;
        self.audit_result = None;
        self.exported = None;
        self.typed.on_logged_out();
        self.security.on_logged_out();
    }
}

pub fn settings_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    settings: &mut SettingsState,
    store: &StoreStatus,
    commands: &mut Vec<Command>,
) {
    let mut open = settings.open;
    let i18n = ctx.i18n;
    let rights = ctx.rights;
    egui::Window::new(i18n.tr("settings-title"))
        .id(egui::Id::unique("settings_window"))
        .open(&mut open)
        .resizable(false)
        .default_width(460.0)
        .show(ui.ctx(), |ui| {
            super::services::services_ui(ui, i18n, settings.services.as_ref(), commands);
            ui.separator();
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
            let mut dark = ctx.dark;
            if ui.checkbox(&mut dark, i18n.tr("settings-dark")).changed() {
                commands.push(Command::SetDark(dark));
            }
            if rights.change_settings && rights.manage_accounts {
                typed::installation_ui(ui, i18n, &mut settings.typed, commands);
            }
            super::accounts::security_ui(ui, ctx, &mut settings.security, commands);
            ui.separator();
            ui.heading(i18n.tr("settings-storage"));
            ui.label(format!(
                "{} : {}",
                i18n.tr("about-data-dir"),
                ctx.data_dir.display()
            ));
            if let Some(dir) = ctx.log_dir {
                ui.label(format!(
                    "{} : {}",
                    i18n.tr("settings-log-dir"),
                    dir.display()
                ));
            }
            if let StoreStatus::Ready(info) = store {
                match &info.record {
                    RecordInfo::Shared { server } => {
                        ui.label(i18n.tr_args(
                            "settings-record-shared",
                            &[("server", FluentValue::from(server.as_str()))],
                        ));
                    }
                    RecordInfo::Local(KeyOrigin::Keyring { store }) => {
                        ui.label(i18n.tr_args(
                            "settings-key-keyring",
                            &[("store", FluentValue::from(store.as_str()))],
                        ));
                    }
                    RecordInfo::Local(KeyOrigin::File { path, .. }) => {
                        let text = i18n.tr_args(
                            "settings-key-file",
                            &[("path", FluentValue::from(path.display().to_string()))],
                        );
                        if info.record.key_is_fallback() {
                            ui.colored_label(ui.visuals().warn_fg_color, text);
                        } else {
                            ui.label(text);
                        }
                    }
                }
            }
            if rights.read_audit {
                ui.separator();
                ui.heading(i18n.tr("settings-audit"));
                if ui.button(i18n.tr("settings-audit-verify")).clicked() {
                    settings.audit_result = None;
                    commands.push(Command::Send(Request::VerifyAudit));
                }
                if ui.button(i18n.tr("settings-dmp-traces-export")).clicked() {
                    commands.push(Command::Send(Request::ExportDmpTraces));
                }
                if let Some(path) = &settings.exported {
                    ui.label(i18n.tr_args(
                        "settings-dmp-traces-written",
                        &[("path", FluentValue::from(path.display().to_string()))],
                    ));
                }
                if let Some((rows, intact)) = settings.audit_result {
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
            if rights.manage_accounts {
                ui.separator();
                pending_links_ui(ui, i18n, settings.pending_links.as_deref(), commands);
            }
            if ctx.sandbox && rights.signed_in {
                ui.separator();
                ui.heading(i18n.tr("settings-sandbox"));
                ui.label(RichText::new(i18n.tr("settings-sandbox-generate-help")).small());
                ui.horizontal(|ui| {
                    let label = ui.label(i18n.tr("settings-sandbox-count"));
                    ui.add(
                        egui::DragValue::new(&mut settings.generate_count)
                            .range(1..=100_000)
                            .speed(100),
                    )
                    .labelled_by(label.id);
                    let running = settings.generation_task.is_some();
                    if ui
                        .add_enabled(
                            !running,
                            egui::Button::new(i18n.tr("settings-sandbox-generate")),
                        )
                        .clicked()
                    {
                        let task = TaskId::next();
                        settings.generation_task = Some(task);
                        commands.push(Command::Send(Request::GeneratePatients {
                            task,
                            count: settings.generate_count,
                        }));
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
    rows: Option<&[PendingLinkInfo]>,
    commands: &mut Vec<Command>,
) {
    ui.heading(i18n.tr("settings-links"));
    if ui.button(i18n.tr("settings-links-refresh")).clicked() {
        commands.push(Command::Send(Request::PendingLinks));
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
                        commands.push(Command::Send(Request::DecideLink {
                            id: row.id,
                            approve: true,
                        }));
                    }
                    if ui.button(i18n.tr("settings-links-refuse")).clicked() {
                        commands.push(Command::Send(Request::DecideLink {
                            id: row.id,
                            approve: false,
                        }));
                    }
                });
                ui.end_row();
            }
        });
}
