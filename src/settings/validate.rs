//! What is wrong with a [`Settings`] value: one [`SettingIssue`] per problem, naming the field
//! by its path in the document (`dmp.count_since`) and a Fluent message saying what is wrong and
//! what to do. Errors block a save or an import; warnings are shown and let it through.

use chrono::NaiveDate;

use super::model::Settings;
use crate::domain::dmp::CountSince;

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The value cannot be saved.
    Error,
    /// Saved, but worth a look.
    Warning,
}

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingIssue {
    /// The field's path in the settings document: `dmp.count_kinds`, `legacy.<key>`.
    pub path: String,
    /// The Fluent id of the French message (argument `$field`: the path).
    pub message_id: &'static str,
    pub severity: Severity,
}

impl SettingIssue {
    pub fn error(path: impl Into<String>, message_id: &'static str) -> Self {
        Self {
            path: path.into(),
            message_id,
            severity: Severity::Error,
        }
    }

    pub fn warning(path: impl Into<String>, message_id: &'static str) -> Self {
        Self {
            path: path.into(),
            message_id,
            severity: Severity::Warning,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Field paths, shared by the validation, the audit and the screen.
pub mod paths {
    pub const LANGUAGE: &str = "display.language";
    pub const THEME: &str = "display.theme";
    pub const COUNT_KINDS: &str = "dmp.count_kinds";
    pub const COUNT_SINCE: &str = "dmp.count_since";
    pub const LEGACY: &str = "legacy";
}

/// Whether any issue blocks saving.
pub fn has_errors(issues: &[SettingIssue]) -> bool {
    issues.iter().any(SettingIssue::is_error)
}

impl Settings {
    /// Every issue of these settings, today being the local date.
    pub fn validate(&self) -> Vec<SettingIssue> {
        self.validate_on(chrono::Local::now().date_naive())
    }

    /// Every issue, `today` given (tests).
    pub fn validate_on(&self, today: NaiveDate) -> Vec<SettingIssue> {
        let mut issues = Vec::new();
        let kinds = &self.dmp.count_kinds;
        if kinds.is_empty() {
            issues.push(SettingIssue::warning(
                paths::COUNT_KINDS,
                "settings-typed-issue-kinds-empty",
            ));
        }
        if kinds
            .iter()
            .enumerate()
            .any(|(i, k)| kinds[..i].contains(k))
        {
            issues.push(SettingIssue::error(
                paths::COUNT_KINDS,
                "settings-typed-issue-kinds-duplicate",
            ));
        }
        if let CountSince::Date(day) = self.dmp.count_since {
            if day > today {
                issues.push(SettingIssue::error(
                    paths::COUNT_SINCE,
                    "settings-typed-issue-since-future",
                ));
            } else if day < earliest_count_date() {
                issues.push(SettingIssue::error(
                    paths::COUNT_SINCE,
                    "settings-typed-issue-since-too-old",
                ));
            }
        }
        for key in self.legacy.keys() {
            issues.push(SettingIssue::warning(
                format!("{}.{key}", paths::LEGACY),
                "settings-typed-issue-legacy",
            ));
        }
        issues
    }
}

/// The first day a count may start from: the DMP did not exist before (2004 law; a date that
/// old is a typing slip, and would count a whole life of documents as new).
pub fn earliest_count_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2004, 8, 13).unwrap_or(NaiveDate::MIN)
}

/// The text of the count's date field, as typed on the screen: the issue when it is no date.
pub fn check_date_text(text: &str) -> Result<NaiveDate, SettingIssue> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| SettingIssue::error(paths::COUNT_SINCE, "settings-typed-issue-since-format"))
}
