//! Export and import of the settings by an administrator: one JSON file (`format`, the
//! producer and its version, when, a stamp line, then the settings) written owner-only in
//! `<data dir>/exports/`. An import reads the header first — a newer format is refused before
//! anything else —, then the settings, validates them (refused with every issue), and replaces
//! the stored ones in one transaction, audited.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use super::SettingsError;
use super::model::{SETTINGS_FORMAT, Settings};
use super::record::{self, SettingsRecord};
use super::validate::has_errors;
use crate::export::stamp::{Producer, producer, stamp_line};
use crate::store::Store;
use crate::store::audit::{self, AuditAction, AuditObject};

/// Files larger than this are not settings.
pub const MAX_IMPORT_BYTES: u64 = 1024 * 1024;

/// What the export stamp says the file holds.
const WHAT: &str = "paramètres";

/// The exported file.
#[derive(Debug, Serialize, Deserialize)]
pub struct SettingsFile {
    pub format: u32,
    pub producer: Producer,
    pub exported_at: String,
    /// `Chevet <version> · paramètres · <UTC time>`.
    pub stamp: String,
    pub settings: Settings,
}

/// Only the header, read before the rest.
#[derive(Deserialize)]
struct Header {
    format: u32,
}

/// The file's text for these settings.
pub fn to_file_text(settings: &Settings, at: DateTime<Utc>) -> Result<String, SettingsError> {
    let file = SettingsFile {
        format: SETTINGS_FORMAT,
        producer: producer(),
        exported_at: at.to_rfc3339_opts(SecondsFormat::Secs, true),
        stamp: stamp_line(WHAT, at),
        settings: settings.clone(),
    };
    serde_json::to_string_pretty(&file).map_err(|_| SettingsError::Unreadable)
}

/// The settings of a file's text, with the producer that wrote it: refused when its format is
/// newer, when it is not a settings file, or when its values do not validate.
pub fn from_file_text(text: &str) -> Result<(Settings, Producer), SettingsError> {
    let header: Header = serde_json::from_str(text).map_err(|e| SettingsError::Format {
        line: e.line(),
        column: e.column(),
    })?;
    if header.format > SETTINGS_FORMAT {
        return Err(SettingsError::NewerFormat {
            found: header.format,
            supported: SETTINGS_FORMAT,
        });
    }
    let file: SettingsFile = serde_json::from_str(text).map_err(|e| SettingsError::Format {
        line: e.line(),
        column: e.column(),
    })?;
    let issues = file.settings.validate();
    if has_errors(&issues) {
        return Err(SettingsError::Invalid(issues));
    }
    Ok((file.settings, file.producer))
}

/// Writes the stored settings to `<data dir>/exports/parametres-<time>.json`; its path.
pub fn export(store: &mut Store, data_dir: &Path, actor: &str) -> Result<PathBuf, SettingsError> {
    let current = record::load(store)?;
    let at = Utc::now();
    let text = to_file_text(&current.settings, at)?;
    let name = format!("parametres-{}.json", at.format("%Y%m%d-%H%M%S"));
    let dir = crate::export::file::exports_dir(data_dir);
    let path = crate::export::file::write_private(&dir, &name, text.as_bytes())
        .map_err(|e| SettingsError::File(e.kind()))?;
    audit::record(
        store,
        actor,
        AuditAction::SettingsExported,
        AuditObject::Setting("*".to_owned()),
        format!("version {}", current.version),
    )?;
    Ok(path)
}

/// Reads `path` and replaces the stored settings with it, in one transaction.
pub fn import(
    store: &mut Store,
    path: &Path,
    actor: &str,
) -> Result<SettingsRecord, SettingsError> {
    let size = std::fs::metadata(path)
        .map_err(|e| SettingsError::File(e.kind()))?
        .len();
    if size > MAX_IMPORT_BYTES {
        return Err(SettingsError::Format { line: 0, column: 0 });
    }
    let text = std::fs::read_to_string(path).map_err(|e| SettingsError::File(e.kind()))?;
    let (settings, from) = from_file_text(&text)?;
    store.in_transaction(|store| {
        let record = record::replace(store, &settings, actor)?;
        audit::record(
            store,
            actor,
            AuditAction::SettingsImported,
            AuditObject::Setting("*".to_owned()),
            format!("{} {}", from.name, from.version),
        )?;
        Ok(record)
    })
}
