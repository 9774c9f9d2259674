//! The typed settings administrators edit (the DMP count: care kinds, reference event), with
//! each validation message beside its field, saved together against the version they were
//! read at; then « Exporter » / « Importer » (a file path typed in). Language and theme stay
//! in the display section, applied at once for anyone.

use std::path::PathBuf;

use fluent_bundle::FluentValue;

use super::super::Command;
use crate::domain::EpisodeKind;
use crate::domain::dmp::CountSince;
use crate::i18n::I18n;
use crate::settings::{SettingIssue, Settings, SettingsRecord, check_date_text, has_errors, paths};
use crate::worker::{Operation, Request, SettingsChange};

/// Which reference event the radio buttons show (the date is typed apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SinceChoice {
    LastVisit,
    ListSeen,
    Date,
}

/// The form: the settings as stored, the draft, and what the workers said of it.
#[derive(Default)]
pub struct TypedSettingsForm {
    /// As stored (with the version a save names).
    stored: SettingsRecord,
    /// Being edited (the date apart, as typed).
    draft: Settings,
    since: Option<SinceChoice>,
    since_text: String,
    /// Issues the workers refused a save or an import with.
    refused: Vec<SettingIssue>,
    saving: bool,
    /// Shown after a save or an import, until the next edit.
    done: Option<&'static str>,
    /// The last save failed (another workstation saved since…): offer to read them again.
    failed: bool,
    import_path: String,
    exported: Option<PathBuf>,
}

impl TypedSettingsForm {
    /// `Event::StoreReady` and `Event::Settings`: the stored settings. A draft being edited
    /// keeps its DMP edits when only the display changed underneath.
    pub fn on_settings(&mut self, record: SettingsRecord, change: SettingsChange) {
        let stored = &self.stored.settings;
        let edited = self.since.is_some()
            && self
                .candidate()
                .map_or(true, |c| c.dmp != stored.dmp || c.legacy != stored.legacy);
        let own = self.saving && change != SettingsChange::Loaded;
        self.stored = record;
        if edited && !own && change == SettingsChange::Saved {
            // Someone changed the language or theme: the draft keeps its edits.
            self.draft.display = self.stored.settings.display;
        } else {
            self.reset_draft();
        }
        self.done = match change {
            SettingsChange::Saved if own => Some("settings-typed-saved"),
            SettingsChange::Imported => Some("settings-typed-imported"),
            _ => self.done,
        };
        self.saving = false;
        self.failed = false;
        self.refused.clear();
    }

    /// `Event::SettingsRefused`.
    pub fn on_refused(&mut self, issues: Vec<SettingIssue>) {
        self.saving = false;
        self.done = None;
        self.refused = issues;
    }

    /// `Event::SettingsExported`.
    pub fn on_exported(&mut self, path: PathBuf) {
        self.exported = Some(path);
    }

    /// A request of this form failed; `true` when it was one.
    pub fn on_failed(&mut self, operation: Operation) -> bool {
        match operation {
            Operation::SaveSettings | Operation::ImportSettings => {
                self.saving = false;
                self.done = None;
                self.failed = operation == Operation::SaveSettings;
                true
            }
            Operation::LoadSettings | Operation::ExportSettings | Operation::SaveDisplay => true,
            _ => false,
        }
    }

    /// Hides what an administrator saw (on sign-out).
    pub fn on_logged_out(&mut self) {
        self.exported = None;
        self.import_path.clear();
        self.refused.clear();
        self.done = None;
        self.reset_draft();
    }

    fn reset_draft(&mut self) {
        self.draft = self.stored.settings.clone();
        let (choice, text) = match self.draft.dmp.count_since {
            CountSince::LastVisit => (SinceChoice::LastVisit, String::new()),
            CountSince::ListSeen => (SinceChoice::ListSeen, String::new()),
            CountSince::Date(d) => (SinceChoice::Date, d.format("%Y-%m-%d").to_string()),
        };
        self.since = Some(choice);
        self.since_text = text;
    }

    /// The draft as settings, or the date field's issue.
    fn candidate(&self) -> Result<Settings, SettingIssue> {
        let mut s = self.draft.clone();
        s.dmp.count_since = match self.since.unwrap_or(SinceChoice::LastVisit) {
            SinceChoice::LastVisit => CountSince::LastVisit,
            SinceChoice::ListSeen => CountSince::ListSeen,
            SinceChoice::Date => CountSince::Date(check_date_text(&self.since_text)?),
        };
        Ok(s)
    }
}

/// The issues of one field, each a line in the error (or warning) colour.
fn issues_ui(ui: &mut egui::Ui, i18n: &I18n, issues: &[SettingIssue], path: &str) {
    for issue in issues.iter().filter(|i| i.path == path) {
        let text = i18n.tr_args(
            issue.message_id,
            &[("field", FluentValue::from(issue.path.as_str()))],
        );
        let colour = if issue.is_error() {
            ui.visuals().error_fg_color
        } else {
            ui.visuals().warn_fg_color
        };
        ui.colored_label(colour, text);
    }
}

/// The installation's settings (administrators), folded until opened: the DMP count, then
/// export and import.
pub fn installation_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    form: &mut TypedSettingsForm,
    commands: &mut Vec<Command>,
) {
    egui::CollapsingHeader::new(i18n.tr("settings-typed-installation"))
        .id_salt("settings_typed_installation")
        .show(ui, |ui| {
            dmp_settings_ui(ui, i18n, form, commands);
            ui.separator();
            transfer_ui(ui, i18n, form, commands);
        });
}

/// The DMP count's settings, their issues, « Enregistrer ».
fn dmp_settings_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    form: &mut TypedSettingsForm,
    commands: &mut Vec<Command>,
) {
    if form.since.is_none() {
        form.reset_draft();
    }
    let before = (form.draft.clone(), form.since, form.since_text.clone());
    ui.heading(i18n.tr("settings-dmp"));
    ui.label(i18n.tr("settings-dmp-count-kinds"));
    ui.horizontal_wrapped(|ui| {
        for kind in EpisodeKind::ALL {
            let mut on = form.draft.dmp.count_kinds.contains(&kind);
            if ui.checkbox(&mut on, i18n.tr(kind.label_key())).changed() {
                form.draft.dmp.count_kinds = EpisodeKind::ALL
                    .into_iter()
                    .filter(|k| {
                        if *k == kind {
                            on
                        } else {
                            form.draft.dmp.count_kinds.contains(k)
                        }
                    })
                    .collect();
            }
        }
    });
    let candidate = form.candidate();
    let mut issues = match &candidate {
        Ok(s) => s.validate(),
        Err(issue) => vec![issue.clone()],
    };
    issues.extend(form.refused.iter().cloned());
    issues_ui(ui, i18n, &issues, paths::COUNT_KINDS);

    ui.label(i18n.tr("settings-dmp-count-since"));
    let mut choice = form.since.unwrap_or(SinceChoice::LastVisit);
    ui.horizontal_wrapped(|ui| {
        ui.radio_value(
            &mut choice,
            SinceChoice::LastVisit,
            i18n.tr("settings-dmp-since-visit"),
        );
        ui.radio_value(
            &mut choice,
            SinceChoice::ListSeen,
            i18n.tr("settings-dmp-since-seen"),
        );
        ui.radio_value(
            &mut choice,
            SinceChoice::Date,
            i18n.tr("settings-dmp-since-date"),
        );
    });
    ui.horizontal(|ui| {
        let label = ui.label(i18n.tr("settings-typed-since-date-label"));
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut form.since_text)
                    .desired_width(110.0)
                    .hint_text(i18n.tr("dmp-search-from-hint")),
            )
            .labelled_by(label.id);
        if field.changed() {
            choice = SinceChoice::Date;
        }
    });
    form.since = Some(choice);
    issues_ui(ui, i18n, &issues, paths::COUNT_SINCE);
    for key in form.draft.legacy.keys() {
        issues_ui(ui, i18n, &issues, &format!("{}.{key}", paths::LEGACY));
    }
    if before != (form.draft.clone(), form.since, form.since_text.clone()) {
        form.done = None;
        form.refused.clear();
    }

    let candidate = form.candidate();
    let changed = candidate.as_ref().is_ok_and(|s| *s != form.stored.settings);
    let valid = candidate.as_ref().is_ok_and(|s| !has_errors(&s.validate()));
    ui.horizontal(|ui| {
        let save = egui::Button::new(i18n.tr("settings-typed-save"));
        if ui
            .add_enabled(changed && valid && !form.saving, save)
            .clicked()
            && let Ok(settings) = candidate
        {
            form.saving = true;
            commands.push(Command::Send(Request::SaveSettings {
                settings: Box::new(settings),
                expected_version: form.stored.version,
            }));
        }
        if ui
            .add_enabled(changed, egui::Button::new(i18n.tr("settings-typed-cancel")))
            .clicked()
        {
            form.reset_draft();
        }
        if form.saving {
            ui.spinner();
        }
    });
    if let Some(id) = form.done {
        ui.label(i18n.tr(id));
    }
    if form.failed {
        ui.horizontal_wrapped(|ui| {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                i18n.tr("settings-typed-save-failed"),
            );
            if ui.button(i18n.tr("settings-typed-reload")).clicked() {
                form.failed = false;
                form.since = None;
                commands.push(Command::Send(Request::LoadSettings));
            }
        });
    }
}

/// « Exporter » / « Importer »: the file written, or a path to read.
fn transfer_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    form: &mut TypedSettingsForm,
    commands: &mut Vec<Command>,
) {
    ui.heading(i18n.tr("settings-typed-transfer"));
    if ui.button(i18n.tr("settings-typed-export")).clicked() {
        form.exported = None;
        commands.push(Command::Send(Request::ExportSettings));
    }
    if let Some(path) = &form.exported {
        ui.label(i18n.tr_args(
            "settings-typed-exported",
            &[("path", FluentValue::from(path.display().to_string()))],
        ));
    }
    ui.horizontal(|ui| {
        let label = ui.label(i18n.tr("settings-typed-import-path"));
        ui.add(egui::TextEdit::singleline(&mut form.import_path).desired_width(260.0))
            .labelled_by(label.id);
    });
    let path = form.import_path.trim();
    if ui
        .add_enabled(
            !path.is_empty() && !form.saving,
            egui::Button::new(i18n.tr("settings-typed-import")),
        )
        .clicked()
    {
        form.saving = true;
        form.done = None;
        commands.push(Command::Send(Request::ImportSettings {
            path: PathBuf::from(path),
        }));
    }
    if !form.refused.is_empty() {
        ui.colored_label(
            ui.visuals().error_fg_color,
            i18n.tr("settings-typed-refused"),
        );
    }
}
