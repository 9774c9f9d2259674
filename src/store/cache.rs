//! An establishment workstation's cache: a copy, under the same ids, of each folder opened on
//! this workstation (identity, episodes, the DMP information/opposition history, documents
//! with their contents), taken from the shared record when the folder opens, kept for a
//! configured number of days. When the record is unreachable, the same repository functions
//! read these copies (degraded mode, read-only but for what `replay` queues).

use super::db::{Param, ToParam, Value, params};
use super::replay::OFFLINE_ID_BASE;
use super::{Store, StoreError, now_text};
use crate::domain::PatientId;

/// The columns of a table, as the cache has them (the record has the same ones).
fn columns(cache: &Store, table: &str) -> Result<Vec<String>, StoreError> {
    cache
        .query(&format!("PRAGMA table_info({table})"), &[])?
        .iter()
        .map(|r| r.get::<String>(1))
        .collect()
}

impl ToParam for Value {
    fn to_param(&self) -> Param<'_> {
        match self {
            Self::Null => Param::Null,
            Self::Int(v) => Param::Int(*v),
            Self::Real(v) => Param::Real(*v),
            Self::Text(t) => Param::Text(t),
            Self::Blob(b) => Param::Blob(b),
        }
    }
}

/// Copies the rows `filter` selects in the record into the cache, replacing the cached ones
/// with the same id.
fn copy_rows(
    record: &Store,
    cache: &Store,
    table: &str,
    filter: &str,
    patient: PatientId,
) -> Result<usize, StoreError> {
    let cols = columns(cache, table)?;
    let list = cols.join(", ");
    let rows = record.query(
        &format!("SELECT {list} FROM {table} WHERE {filter}"),
        params![patient.0],
    )?;
    let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = cols
        .iter()
        .filter(|c| c.as_str() != "id")
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({list}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        placeholders.join(", "),
        updates.join(", ")
    );
    for row in &rows {
        let values: Vec<Value> = (0..cols.len())
            .map(|i| row.get::<Value>(i))
            .collect::<Result<_, _>>()?;
        let bound: Vec<Param<'_>> = values.iter().map(ToParam::to_param).collect();
        cache.execute(&sql, &bound)?;
    }
    Ok(rows.len())
}

/// Copies (or refreshes) a folder from the record into the cache. Documents already cached
/// keep their contents (a document's CDA never changes under its id); documents the record
/// no longer has leave the cache. Rows recorded here while degraded and not yet replayed stay;
/// replayed ones give way to the record's copy.
pub fn put_folder(record: &Store, cache: &mut Store, patient: PatientId) -> Result<(), StoreError> {
    let wanted: Vec<i64> = record
        .query(
            "SELECT id FROM document WHERE patient_id = ?1",
            params![patient.0],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    let cached: Vec<i64> = cache
        .query(
            "SELECT id FROM document WHERE patient_id = ?1",
            params![patient.0],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    cache.in_transaction(|cache| {
        copy_rows(record, cache, "patient", "id = ?1", patient)?;
        copy_rows(record, cache, "episode", "patient_id = ?1", patient)?;
        // The record's rows are copied again; rows recorded here while degraded stay until
        // their replay (the record's copy of them then replaces them).
        cache.execute(
            "DELETE FROM dmp_consent
             WHERE episode_id IN (SELECT id FROM episode WHERE patient_id = ?1)
               AND (id < ?2 OR origin_id NOT IN (SELECT origin_id FROM replay_queue))",
            params![patient.0, OFFLINE_ID_BASE],
        )?;
        copy_rows(
            record,
            cache,
            "dmp_consent",
            "episode_id IN (SELECT id FROM episode WHERE patient_id = ?1)",
            patient,
        )?;
        for gone in cached
            .iter()
            .filter(|id| **id < OFFLINE_ID_BASE && !wanted.contains(id))
        {
            cache.execute("DELETE FROM document WHERE id = ?1", params![gone])?;
        }
        for missing in wanted.iter().filter(|id| !cached.contains(id)) {
            copy_one_document(record, cache, *missing)?;
        }
        cache.execute(
            "INSERT INTO cached_folder (patient_id, cached_at) VALUES (?1, ?2)
             ON CONFLICT (patient_id) DO UPDATE SET cached_at = excluded.cached_at",
            params![patient.0, now_text()],
        )?;
        Ok(())
    })
}

fn copy_one_document(record: &Store, cache: &Store, id: i64) -> Result<(), StoreError> {
    let cols = columns(cache, "document")?;
    let list = cols.join(", ");
    let Some(row) = record.query_opt(
        &format!("SELECT {list} FROM document WHERE id = ?1"),
        params![id],
    )?
    else {
        return Ok(());
    };
    let values: Vec<Value> = (0..cols.len())
        .map(|i| row.get::<Value>(i))
        .collect::<Result<_, _>>()?;
    let bound: Vec<Param<'_>> = values.iter().map(ToParam::to_param).collect();
    let placeholders: Vec<String> = (1..=cols.len()).map(|i| format!("?{i}")).collect();
    cache.execute(
        &format!(
            "INSERT INTO document ({list}) VALUES ({}) ON CONFLICT (id) DO NOTHING",
            placeholders.join(", ")
        ),
        &bound,
    )?;
    Ok(())
}

/// When a folder was last copied into the cache (ISO 8601 UTC), if it is there.
pub fn cached_at(cache: &Store, patient: PatientId) -> Result<Option<String>, StoreError> {
    cache
        .query_opt(
            "SELECT cached_at FROM cached_folder WHERE patient_id = ?1",
            params![patient.0],
        )?
        .map(|r| r.get(0))
        .transpose()
}

/// Removes the folders not copied for `days` days; how many left the cache.
pub fn purge(cache: &mut Store, days: u32) -> Result<usize, StoreError> {
    let cutoff = (chrono::Utc::now() - chrono::Duration::days(i64::from(days)))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let old: Vec<i64> = cache
        .query(
            "SELECT patient_id FROM cached_folder WHERE cached_at < ?1",
            params![cutoff],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    cache.in_transaction(|cache| {
        for patient in &old {
            cache.execute(
                "DELETE FROM dmp_consent
                 WHERE episode_id IN (SELECT id FROM episode WHERE patient_id = ?1)",
                params![patient],
            )?;
            cache.execute("DELETE FROM patient WHERE id = ?1", params![patient])?;
            cache.execute(
                "DELETE FROM cached_folder WHERE patient_id = ?1",
                params![patient],
            )?;
        }
        Ok(old.len())
    })
}
