//! The settings as the store keeps them: one JSON document in `app_settings` (migration 22),
//! one row, with its format, a version bumped by every write, when and by whom. Saving names
//! the version it was edited from and is refused when another workstation saved since.
//!
//! The first load after the upgrade converts the former key/value rows (`setting`) in one
//! transaction: known keys become typed fields, the other keys are kept in
//! [`Settings::legacy`], and the moved rows are removed. Rows that services still keep there
//! as their own state ([`SERVICE_STATE_KEYS`]: the backup's escrowed key) are no settings: left
//! alone, never exported. Two workstations converting at once insert the same row once
//! (`ON CONFLICT DO NOTHING`) and both read it back.

use chrono::NaiveDate;

use super::SettingsError;
use super::model::{SETTINGS_FORMAT, Settings, Theme, parse_count_since};
use super::validate::{has_errors, paths};
use crate::domain::EpisodeKind;
use crate::i18n::Language;
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::db::params;
use crate::store::{Store, now_text};

/// Former keys, converted once.
pub const LEGACY_LANGUAGE: &str = "ui.language";
pub const LEGACY_DARK: &str = "ui.dark";
pub const LEGACY_COUNT_KINDS: &str = "dmp.count_kinds";
pub const LEGACY_COUNT_SINCE: &str = "dmp.count_since";

/// Keys of the key/value table that services keep as their own state (not settings).
pub const SERVICE_STATE_KEYS: &[&str] = &[crate::backup::escrow::ESCROW_SETTING];

/// The stored settings and their version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsRecord {
    pub settings: Settings,
    /// Bumped by every write; a save names the one it was edited from.
    pub version: i64,
    /// The format of the stored document (above [`SETTINGS_FORMAT`]: a newer Chevet wrote it).
    pub format: u32,
    pub updated_at: String,
    pub updated_by: String,
}

impl Default for SettingsRecord {
    /// The defaults, before any store answered.
    fn default() -> Self {
        Self {
            settings: Settings::default(),
            version: 0,
            format: SETTINGS_FORMAT,
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }
}

/// The settings, converting the former key/value rows on the first call.
pub fn load(store: &mut Store) -> Result<SettingsRecord, SettingsError> {
    if let Some(record) = read(store)? {
        return Ok(record);
    }
    store.in_transaction(|store| {
        let rows: Vec<(String, String)> = store
            .query("SELECT key, value FROM setting ORDER BY key", &[])?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect::<Result<Vec<(String, String)>, crate::store::StoreError>>()?
            .into_iter()
            .filter(|(key, _)| !SERVICE_STATE_KEYS.contains(&key.as_str()))
            .collect();
        let settings = from_legacy(&rows);
        let document = to_document(&settings)?;
        let format = i64::from(SETTINGS_FORMAT);
        store.execute(
            "INSERT INTO app_settings (id, format, version, document, updated_at, updated_by)
             VALUES (1, ?1, 1, ?2, ?3, 'migration')
             ON CONFLICT (id) DO NOTHING",
            params![format, document, now_text()],
        )?;
        for (key, _) in &rows {
            store.execute("DELETE FROM setting WHERE key = ?1", params![key])?;
        }
        Ok::<_, SettingsError>(())
    })?;
    read(store)?.ok_or(SettingsError::Missing)
}

fn read(store: &Store) -> Result<Option<SettingsRecord>, SettingsError> {
    let Some(row) = store.query_opt(
        "SELECT format, version, document, updated_at, updated_by FROM app_settings WHERE id = 1",
        &[],
    )?
    else {
        return Ok(None);
    };
    let format: i64 = row.get(0)?;
    let document: String = row.get(2)?;
    let settings: Settings =
        serde_json::from_str(&document).map_err(|_| SettingsError::Unreadable)?;
    Ok(Some(SettingsRecord {
        settings,
        version: row.get(1)?,
        format: u32::try_from(format).unwrap_or(u32::MAX),
        updated_at: row.get(3)?,
        updated_by: row.get(4)?,
    }))
}

fn to_document(settings: &Settings) -> Result<String, SettingsError> {
    serde_json::to_string(settings).map_err(|_| SettingsError::Unreadable)
}

/// Saves `settings` edited from `expected_version`: refused when they do not validate, when
/// another workstation saved since ([`SettingsError::Stale`]) or when a newer Chevet wrote the
/// stored document. Each changed field is audited.
pub fn save(
    store: &mut Store,
    settings: &Settings,
    expected_version: i64,
    actor: &str,
) -> Result<SettingsRecord, SettingsError> {
    let issues = settings.validate();
    if has_errors(&issues) {
        return Err(SettingsError::Invalid(issues));
    }
    store.in_transaction(|store| {
        let current = load(store)?;
        if current.format > SETTINGS_FORMAT {
            return Err(SettingsError::NewerFormat {
                found: current.format,
                supported: SETTINGS_FORMAT,
            });
        }
        write(store, &current, settings, Some(expected_version), actor)
    })
}

/// Changes the language and theme only (anyone, even before signing in): applied on the
/// stored settings as they are, whatever version the screen showed.
pub fn save_display(
    store: &mut Store,
    display: super::DisplaySettings,
    actor: &str,
) -> Result<SettingsRecord, SettingsError> {
    store.in_transaction(|store| {
        let current = load(store)?;
        let mut settings = current.settings.clone();
        settings.display = display;
        write(store, &current, &settings, None, actor)
    })
}

/// Replaces the stored settings (an import): no version check, every field audited under
/// `action` with `detail`.
pub(super) fn replace(
    store: &mut Store,
    settings: &Settings,
    actor: &str,
) -> Result<SettingsRecord, SettingsError> {
    store.in_transaction(|store| {
        let current = load(store)?;
        write(store, &current, settings, None, actor)
    })
}

/// The write under a version check (`expected`), then one audit entry per changed field.
fn write(
    store: &mut Store,
    current: &SettingsRecord,
    settings: &Settings,
    expected: Option<i64>,
    actor: &str,
) -> Result<SettingsRecord, SettingsError> {
    let expected = expected.unwrap_or(current.version);
    let format = i64::from(SETTINGS_FORMAT.max(current.format));
    let changed = store.execute(
        "UPDATE app_settings SET document = ?1, format = ?2, version = version + 1,
         updated_at = ?3, updated_by = ?4 WHERE id = 1 AND version = ?5",
        params![to_document(settings)?, format, now_text(), actor, expected],
    )?;
    if changed == 0 {
        let now = read(store)?.map_or(0, |r| r.version);
        return Err(SettingsError::Stale {
            expected,
            current: now,
        });
    }
    for (path, value) in changes(&current.settings, settings) {
        audit::record(
            store,
            actor,
            AuditAction::SettingChanged,
            AuditObject::Setting(path),
            value,
        )?;
    }
    read(store)?.ok_or(SettingsError::Missing)
}

/// The fields that differ, with their new value as text (for the audit trail).
pub fn changes(before: &Settings, after: &Settings) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let (b, a) = (&before.display, &after.display);
    if b.language != a.language {
        let code = a.language.map_or("", Language::code);
        out.push((paths::LANGUAGE.to_owned(), code.to_owned()));
    }
    if b.theme != a.theme {
        let theme = if a.theme.is_dark() { "dark" } else { "light" };
        out.push((paths::THEME.to_owned(), theme.to_owned()));
    }
    if before.dmp.count_kinds != after.dmp.count_kinds {
        let kinds: Vec<&str> = after
            .dmp
            .count_kinds
            .iter()
            .map(|k| super::model::kind_name(*k))
            .collect();
        out.push((paths::COUNT_KINDS.to_owned(), kinds.join(",")));
    }
    if before.dmp.count_since != after.dmp.count_since {
        out.push((
            paths::COUNT_SINCE.to_owned(),
            after.dmp.count_since.to_setting(),
        ));
    }
    if before.legacy != after.legacy {
        let keys: Vec<&str> = after.legacy.keys().map(String::as_str).collect();
        out.push((paths::LEGACY.to_owned(), keys.join(",")));
    }
    out
}

/// The typed settings of the former key/value rows. Known keys with a value understood become
/// fields; anything else is kept, as it was, in `legacy`.
pub fn from_legacy(rows: &[(String, String)]) -> Settings {
    let mut settings = Settings::default();
    for (key, value) in rows {
        let understood = match key.as_str() {
            LEGACY_LANGUAGE => Language::from_code(value.trim())
                .map(|l| settings.display.language = Some(l))
                .is_some(),
            LEGACY_DARK => match value.trim() {
                "true" => {
                    settings.display.theme = Theme::Dark;
                    true
                }
                "false" => {
                    settings.display.theme = Theme::Light;
                    true
                }
                _ => false,
            },
            LEGACY_COUNT_KINDS => legacy_kinds(value)
                .map(|kinds| settings.dmp.count_kinds = kinds)
                .is_some(),
            LEGACY_COUNT_SINCE => parse_count_since(value)
                .map(|since| settings.dmp.count_since = since)
                .is_some(),
            _ => false,
        };
        if !understood {
            settings.legacy.insert(key.clone(), value.clone());
        }
    }
    settings
}

/// `O,E` → the kinds, once each in the screen's order; `None` when a code is unknown.
fn legacy_kinds(value: &str) -> Option<Vec<EpisodeKind>> {
    let mut kinds = Vec::new();
    for code in value.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let kind = EpisodeKind::from_code(code)?;
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    Some(
        EpisodeKind::ALL
            .into_iter()
            .filter(|k| kinds.contains(k))
            .collect(),
    )
}

/// The day the directory job last asked the Annuaire Santé API for changes (state of the job,
/// not a setting: kept in `directory_sync_state`).
pub fn api_synced_on(store: &Store) -> Result<Option<NaiveDate>, SettingsError> {
    let day: Option<String> = store
        .query_opt(
            "SELECT api_synced_on FROM directory_sync_state WHERE id = 1",
            &[],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    Ok(day.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()))
}

/// Records the day of the directory job's last API run.
pub fn set_api_synced_on(store: &Store, day: NaiveDate) -> Result<(), SettingsError> {
    store.execute(
        "INSERT INTO directory_sync_state (id, api_synced_on) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET api_synced_on = excluded.api_synced_on",
        params![day.format("%Y-%m-%d").to_string()],
    )?;
    Ok(())
}
