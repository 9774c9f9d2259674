//! An establishment workstation's cache: a copy, under the same ids, of each folder opened on
//! this workstation (identity, episodes, the DMP information/opposition history, documents
//! with their contents), taken from the shared record when the folder opens, kept for a
//! configured number of days, and of the accounts that signed in here (with their external
//! identity links), so that they can sign in again while the record is unreachable. When it
//! is, the same repository functions read these copies (degraded mode, read-only but for what
//! `replay` queues).

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

/// Copies the rows `filter` (with `?1` bound to `key`) selects in the record into the cache,
/// replacing the cached ones with the same id.
fn copy_rows(
    record: &Store,
    cache: &Store,
    table: &str,
    filter: &str,
    key: i64,
) -> Result<usize, StoreError> {
    let cols = columns(cache, table)?;
    let list = cols.join(", ");
    let rows = record.query(
        &format!("SELECT {list} FROM {table} WHERE {filter}"),
        params![key],
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
        copy_rows(record, cache, "patient", "id = ?1", patient.0)?;
        copy_rows(record, cache, "episode", "patient_id = ?1", patient.0)?;
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
            patient.0,
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

/// Copies (or refreshes) an account that signed in on this workstation, with its external
/// identity links, so that it can sign in here while the record is unreachable. A cached
/// account of another id under the same login (renamed meanwhile) gives way.
pub fn put_account(
    record: &Store,
    cache: &mut Store,
    account: crate::store::accounts::AccountId,
) -> Result<(), StoreError> {
    cache.in_transaction(|cache| {
        cache.execute(
            "DELETE FROM identity_link WHERE account_id = ?1",
            params![account.0],
        )?;
        if let Some(row) = record.query_opt(
            "SELECT login FROM account WHERE id = ?1",
            params![account.0],
        )? {
            let login: String = row.get(0)?;
            cache.execute(
                "DELETE FROM identity_link WHERE account_id IN
                   (SELECT id FROM account WHERE login = ?1 AND id <> ?2)",
                params![login, account.0],
            )?;
            cache.execute(
                "DELETE FROM account WHERE login = ?1 AND id <> ?2",
                params![login, account.0],
            )?;
        }
        // A national id linked elsewhere meanwhile leaves its old cached link.
        for link in record.query(
            "SELECT trust_domain, national_id FROM identity_link WHERE account_id = ?1",
            params![account.0],
        )? {
            let (domain, national_id): (String, String) = (link.get(0)?, link.get(1)?);
            cache.execute(
                "DELETE FROM identity_link WHERE trust_domain = ?1 AND national_id = ?2",
                params![domain, national_id],
            )?;
        }
        copy_rows(record, cache, "account", "id = ?1", account.0)?;
        copy_rows(record, cache, "identity_link", "account_id = ?1", account.0)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::testing::each_backend;
    use crate::store::{DbKey, accounts, identity_links};

    #[test]
    fn an_account_that_signed_in_here_can_be_found_in_the_cache() {
        each_backend(|record| {
            let dir = tempfile::tempdir().expect("tempdir");
            let mut cache =
                Store::open_cache(&dir.path().join("cache.db"), &DbKey::generate()).expect("cache");
            let id = accounts::insert(&record, "medecin", "Dr M", Role::Medecin, "hash", None)
                .expect("account");
            accounts::insert(&record, "other", "Dr O", Role::Medecin, "hash", None)
                .expect("another");
            identity_links::link(&record, "ans", "810001234567", id, "admin").expect("link");
            assert!(
                accounts::by_login(&cache, "medecin")
                    .expect("read")
                    .is_none()
            );

            put_account(&record, &mut cache, id).expect("copy");
            put_account(&record, &mut cache, id).expect("again, idempotent");
            let cached = accounts::by_login(&cache, "MEDECIN")
                .expect("read")
                .expect("cached");
            assert_eq!((cached.id, cached.password_hash.as_str()), (id, "hash"));
            let link = identity_links::find(&cache, "ans", "810001234567")
                .expect("read")
                .expect("link cached");
            assert_eq!(link.account_id, id);
            // Only the account that signed in here.
            assert!(accounts::by_login(&cache, "other").expect("read").is_none());
            // Counters of a failed attempt made while degraded stay in the cache.
            assert_eq!(
                accounts::record_failure(&cache, id, None).expect("count"),
                1
            );
            assert_eq!(
                accounts::by_login(&record, "medecin")
                    .expect("read")
                    .expect("row")
                    .failed_attempts,
                0
            );
        });
    }
}
