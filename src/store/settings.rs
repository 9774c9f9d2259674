//! Application settings kept in the store as key/value text (language, theme, …).

use super::db::params;
use super::{Store, StoreError};

pub fn get(store: &Store, key: &str) -> Result<Option<String>, StoreError> {
    store
        .query_opt("SELECT value FROM setting WHERE key = ?1", params![key])?
        .map(|r| r.get(0))
        .transpose()
}

pub fn set(store: &Store, key: &str, value: &str) -> Result<(), StoreError> {
    store.execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Every setting, for loading at start.
pub fn all(store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    store
        .query("SELECT key, value FROM setting ORDER BY key", &[])?
        .iter()
        .map(|r| Ok((r.get(0)?, r.get(1)?)))
        .collect()
}
