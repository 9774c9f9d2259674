//! Key/value text kept for services' own state (the backup's escrowed key). The application's
//! settings are typed (`crate::settings`); the rows they were once kept in here are converted
//! by its first load.

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
