//! The typed settings of an installation (what was key/value text in the store): the
//! [`Settings`] value and its sections (`model`), what is wrong with one (`validate`: field path
//! and Fluent message), load and save through the store with an optimistic version check and the
//! one-time conversion of the former rows (`record`), the export and import of a JSON file by
//! an administrator (`transfer`). The directory job's API cursor is state, not a setting: it
//! lives apart (`record::api_synced_on`). Documented in docs/configuration.md.

mod model;
mod record;
mod transfer;
mod validate;

#[cfg(test)]
mod tests;

pub use model::{
    DisplaySettings, DmpCountSettings, SETTINGS_FORMAT, Settings, Theme, kind_name,
    parse_count_since,
};
pub use record::{
    SettingsRecord, api_synced_on, changes, from_legacy, load, save, save_display,
    set_api_synced_on,
};
pub use transfer::{MAX_IMPORT_BYTES, SettingsFile, export, from_file_text, import, to_file_text};
pub use validate::{
    SettingIssue, Severity, check_date_text, earliest_count_date, has_errors, paths,
};

use crate::store::StoreError;

/// What can go wrong with the settings.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another workstation (or window) saved since these settings were read.
    #[error("settings changed meanwhile: edited from version {expected}, now {current}")]
    Stale { expected: i64, current: i64 },
    /// The values do not validate (every issue).
    #[error("invalid settings: {} issue(s)", .0.len())]
    Invalid(Vec<SettingIssue>),
    /// Written by a newer Chevet.
    #[error("settings format {found} is newer than {supported}")]
    NewerFormat { found: u32, supported: u32 },
    /// The file is not a settings file (JSON position of the first problem).
    #[error("not a settings file (line {line}, column {column})")]
    Format { line: usize, column: usize },
    /// The file could not be read or written.
    #[error("settings file: {0}")]
    File(std::io::ErrorKind),
    /// The stored document cannot be read or written as JSON.
    #[error("stored settings unreadable")]
    Unreadable,
    /// The settings row vanished under us.
    #[error("stored settings missing")]
    Missing,
}

impl SettingsError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Missing => true,
            Self::Stale { .. }
            | Self::Invalid(_)
            | Self::NewerFormat { .. }
            | Self::Format { .. }
            | Self::File(_)
            | Self::Unreadable => false,
        }
    }

    /// The Fluent id of the French message saying what happened and what to do.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Store(e) => e.message_id(),
            Self::Stale { .. } => "settings-typed-error-stale",
            Self::Invalid(_) => "settings-typed-error-invalid",
            Self::NewerFormat { .. } => "settings-typed-error-newer",
            Self::Format { .. } => "settings-typed-error-format",
            Self::File(_) => "settings-typed-error-file",
            Self::Unreadable | Self::Missing => "settings-typed-error-stored",
        }
    }
}
