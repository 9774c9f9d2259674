//! « Sauvegardes » (Administration, administrators): the backups of the single workstation's
//! store with their age, size and whether they verify; « Sauvegarder maintenant » with its
//! progress and cancel; the backup passphrase (two masked fields, the policy checked as it is
//! typed), with a warning while none is set; how to restore elsewhere (the command to run).

use egui::RichText;
use fluent_bundle::FluentValue;
use zeroize::Zeroizing;

use crate::ui::widgets::labelled_field_ui;
use crate::ui::{Command, ScreenCtx};
use crate::worker::{BackupsInfo, Operation, Request, TaskId};

/// The screen's state.
#[derive(Default)]
pub struct BackupsView {
    info: Option<BackupsInfo>,
    /// The running backup: its task, pages copied, pages in all.
    running: Option<(TaskId, usize, usize)>,
    passphrase: Zeroizing<String>,
    confirmation: Zeroizing<String>,
    passphrase_pending: bool,
    /// Fluent id of the last refusal.
    error: Option<&'static str>,
    /// The last success: its Fluent id and the backup's name (if any).
    done: Option<(&'static str, String)>,
}

impl BackupsView {
    /// The screen shows: its list is asked again.
    pub fn on_shown(&mut self) {
        self.error = None;
    }

    /// `Event::Backups`.
    pub fn on_backups(&mut self, info: BackupsInfo) {
        self.info = Some(info);
        self.running = None;
    }

    /// `Event::BackupProgress`.
    pub fn on_progress(&mut self, task: TaskId, done: usize, total: usize) {
        self.running = Some((task, done, total));
    }

    /// `Event::BackupCreated`.
    pub fn on_created(&mut self, name: String) {
        self.running = None;
        self.error = None;
        self.done = Some(("backup-created", name));
    }

    /// `Event::BackupPassphraseSet`.
    pub fn on_passphrase_set(&mut self) {
        self.passphrase_pending = false;
        self.passphrase = Zeroizing::default();
        self.confirmation = Zeroizing::default();
        self.error = None;
        self.done = Some(("backup-passphrase-set", String::new()));
    }

    /// A request of this screen failed; `true` when it was one.
    pub fn on_failed(&mut self, operation: Operation, message_id: &'static str) -> bool {
        match operation {
            Operation::Backups => {}
            Operation::CreateBackup => self.running = None,
            Operation::SetBackupPassphrase => {
                self.passphrase_pending = false;
                self.confirmation = Zeroizing::default();
            }
            _ => return false,
        }
        self.done = None;
        self.error = Some(message_id);
        true
    }

    /// Signed out: nothing stays.
    pub fn on_logged_out(&mut self) {
        *self = Self::default();
    }
}

/// The screen.
pub fn backups_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut BackupsView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.heading(i18n.tr("backup-title"));
    let Some(info) = state.info.clone() else {
        ui.spinner();
        return;
    };
    if info.establishment {
        ui.label(i18n.tr("backup-establishment"));
        return;
    }
    egui::ScrollArea::vertical().show(ui, |ui| {
        if info.escrow_set_at.is_none() {
            ui.colored_label(ui.visuals().warn_fg_color, i18n.tr("backup-no-escrow"));
        } else if info.escrow_stale {
            ui.colored_label(ui.visuals().warn_fg_color, i18n.tr("backup-escrow-stale"));
        }
        if let Some(error) = state.error {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
        if let Some((id, name)) = &state.done {
            let text = i18n.tr_args(id, &[("name", FluentValue::from(name.as_str()))]);
            ui.label(RichText::new(text).strong());
        }
        ui.add_space(6.0);
        now_ui(ui, ctx, &info, state, commands);
        ui.separator();
        list_ui(ui, ctx, &info);
        ui.separator();
        passphrase_ui(ui, ctx, &info, state, commands);
        ui.separator();
        restore_help_ui(ui, ctx, &info);
    });
}

fn now_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    info: &BackupsInfo,
    state: &mut BackupsView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if let Some((task, done, total)) = state.running {
        let fraction = if total == 0 {
            0.0
        } else {
            done as f32 / total as f32
        };
        ui.horizontal(|ui| {
            ui.add(
                egui::ProgressBar::new(fraction)
                    .show_percentage()
                    .desired_width(320.0),
            )
            .on_hover_text(i18n.tr("backup-running"));
            if ui.button(i18n.tr("backup-cancel")).clicked() {
                commands.push(Command::Send(Request::Cancel { task }));
            }
        });
        ui.label(i18n.tr("backup-running"));
        return;
    }
    let can = info.escrow_set_at.is_some() && !info.escrow_stale;
    let button = ui
        .add_enabled(can, egui::Button::new(i18n.tr("backup-now")))
        .on_disabled_hover_text(i18n.tr("backup-no-escrow"));
    if button.clicked() {
        let task = TaskId::next();
        state.running = Some((task, 0, 0));
        state.error = None;
        state.done = None;
        commands.push(Command::Send(Request::CreateBackup { task }));
    }
    ui.label(RichText::new(i18n.tr("backup-auto-help")).small());
    ui.label(
        RichText::new(i18n.tr_args(
            "backup-where",
            &[("dir", FluentValue::from(info.dir.display().to_string()))],
        ))
        .small(),
    );
}

fn list_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, info: &BackupsInfo) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("backup-list")).strong());
    if info.rows.is_empty() {
        ui.label(i18n.tr("backup-none"));
        return;
    }
    let now = chrono::Utc::now();
    egui::Grid::new("backups_list")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            for id in [
                "backup-col-name",
                "backup-col-date",
                "backup-col-age",
                "backup-col-size",
                "backup-col-verified",
            ] {
                ui.label(RichText::new(i18n.tr(id)).strong());
            }
            ui.end_row();
            for row in &info.rows {
                ui.monospace(&row.name);
                match row.created_at {
                    Some(t) => {
                        let local = t.with_timezone(&chrono::Local);
                        ui.label(local.format("%d/%m/%Y %H:%M").to_string());
                        let days = (now - t).num_days().max(0);
                        ui.label(i18n.tr_args("backup-age", &[("days", FluentValue::from(days))]));
                    }
                    None => {
                        ui.label("—");
                        ui.label("—");
                    }
                }
                let mib = format!("{:.1}", row.size_bytes as f64 / (1024.0 * 1024.0));
                ui.label(i18n.tr_args("backup-size-mib", &[("mib", FluentValue::from(mib))]));
                let (id, color) = match row.verified {
                    Some(true) => ("backup-verified", ui.visuals().text_color()),
                    Some(false) => ("backup-not-verified", ui.visuals().error_fg_color),
                    None => ("backup-unchecked", ui.visuals().weak_text_color()),
                };
                ui.colored_label(color, i18n.tr(id));
                ui.end_row();
            }
        });
}

fn passphrase_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    info: &BackupsInfo,
    state: &mut BackupsView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("backup-passphrase-title")).strong());
    match &info.escrow_set_at {
        Some(at) => ui.label(i18n.tr_args(
            "backup-passphrase-set-at",
            &[("at", FluentValue::from(at.as_str()))],
        )),
        None => ui.label(i18n.tr("backup-passphrase-none")),
    };
    ui.label(RichText::new(i18n.tr("backup-passphrase-help")).small());
    egui::Grid::new("backup_passphrase_form")
        .num_columns(2)
        .show(ui, |ui| {
            labelled_field_ui(
                ui,
                &i18n.tr("backup-passphrase"),
                &mut state.passphrase,
                true,
            );
            ui.end_row();
            labelled_field_ui(
                ui,
                &i18n.tr("backup-passphrase-confirm"),
                &mut state.confirmation,
                true,
            );
            ui.end_row();
        });
    let check = crate::backup::check_passphrase(&state.passphrase, &state.confirmation);
    if !state.passphrase.is_empty() {
        match &check {
            Ok(()) => ui.label(i18n.tr("backup-passphrase-strong")),
            Err(e) if state.confirmation.is_empty() && e.message_id().ends_with("mismatch") => {
                ui.label(i18n.tr("backup-passphrase-confirm-needed"))
            }
            Err(e) => ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(e.message_id())),
        };
    }
    let ready = check.is_ok() && !state.passphrase_pending;
    if ui
        .add_enabled(ready, egui::Button::new(i18n.tr("backup-passphrase-save")))
        .clicked()
    {
        state.passphrase_pending = true;
        state.error = None;
        state.done = None;
        commands.push(Command::Send(Request::SetBackupPassphrase {
            passphrase: std::mem::take(&mut state.passphrase),
            confirmation: std::mem::take(&mut state.confirmation),
        }));
    }
}

fn restore_help_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, info: &BackupsInfo) {
    let i18n = ctx.i18n;
    ui.label(RichText::new(i18n.tr("backup-restore-title")).strong());
    ui.label(i18n.tr("backup-restore-help"));
    let example = info
        .rows
        .first()
        .map(|r| info.dir.join(&r.name).display().to_string())
        .unwrap_or_else(|| {
            info.dir
                .join("chevet-AAAAMMJJ-HHMMSS")
                .display()
                .to_string()
        });
    let command = format!(
        "chevet backup restore {example} --data-dir {}",
        i18n.tr("backup-restore-new-dir")
    );
    ui.add(
        egui::TextEdit::singleline(&mut command.as_str())
            .font(egui::TextStyle::Monospace)
            .desired_width(f32::INFINITY),
    )
    .on_hover_text(i18n.tr("backup-restore-command"));
}
