//! Application settings kept in the store as key/value text (language, theme, …).

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

pub fn get(store: &Store, key: &str) -> Result<Option<String>, StoreError> {
    Ok(store
        .conn()
        .query_row("SELECT value FROM setting WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn set(store: &Store, key: &str, value: &str) -> Result<(), StoreError> {
    store.conn().execute(
        "INSERT INTO setting (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// Every setting, for loading at start.
pub fn all(store: &Store) -> Result<Vec<(String, String)>, StoreError> {
    let mut stmt = store
        .conn()
        .prepare("SELECT key, value FROM setting ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}
