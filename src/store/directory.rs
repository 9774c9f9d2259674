//! The local directory of MSSanté mailboxes: an import fills a copy of the tables, made from
//! the live schema (the catalogue: `sqlite_master` / `LIKE` + `pg_indexes`), in batches, then
//! swaps it in one short transaction — readers see the old directory until the swap and never
//! a half-filled one; a cancelled or failed import drops the copy. Entries the FHIR API
//! confirmed keep their date and `listeRouge` across imports (matched by mailbox and person).
//! Searching is `directory_search`.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::db::{Backend, Param, Row, params};
use super::{Store, StoreError, parse_utc, utc_text};
use crate::annuaire::normalize::{fold, street_type_label};
use crate::domain::directory::{DirectoryEntry, DirectorySource, FIELD_COUNT};

pub use super::directory_search::search;

/// The columns written and read, in order (`id` first).
pub(super) const COLUMNS: &str = "id, kind, mailbox, person_id_type, person_id, national_id, \
     structure_id_type, structure_id, service, civility, family_name, given_name, \
     category_code, category_label, profession_code, profession_label, specialty_code, \
     specialty_label, dematerialisation, organisation, trade_name, addr_complement, \
     addr_distribution, street_number, street_number_complement, street_type, street_label, \
     locality, routing_line, postal_code, department, country, unlisted, confirmed_at, \
     family_key, given_key, city_key, search_key";
const COLUMN_COUNT: usize = 38;
/// Rows per multi-row INSERT (38 parameters each, within both backends' limits).
const BATCH_ROWS: usize = 200;
/// Rows per committed transaction while filling the copy (SQLite: bounds the WAL).
const COMMIT_ROWS: usize = 50_000;
/// How long an import's claim holds without being renewed (at each commit).
const LEASE_MINUTES: i64 = 5;

/// What the last import left.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportInfo {
    pub imported_at: DateTime<Utc>,
    pub source: String,
    pub entries: u64,
    pub skipped: u64,
}

/// The search keys of an entry.
struct Keys {
    family: String,
    given: String,
    city: String,
    words: String,
}

fn keys(e: &DirectoryEntry) -> Keys {
    let a = &e.address;
    let local_part = e.mailbox.split('@').next().unwrap_or_default();
    let parts = [
        e.family_name.as_str(),
        e.given_name.as_str(),
        local_part,
        e.profession_label.as_str(),
        e.specialty_label.as_str(),
        e.organisation.as_str(),
        e.trade_name.as_str(),
        e.service.as_str(),
        a.complement.as_str(),
        a.street_number.as_str(),
        street_type_label(&a.street_type),
        a.street_label.as_str(),
        a.locality.as_str(),
        a.postal_code.as_str(),
        a.city(),
    ];
    let mut words = String::with_capacity(160);
    for p in parts {
        let f = fold(p);
        if !f.is_empty() {
            if !words.is_empty() {
                words.push(' ');
            }
            words.push_str(&f);
        }
    }
    Keys {
        family: fold(&e.family_name),
        given: fold(&e.given_name),
        city: fold(a.city()),
        words,
    }
}

/// An import in progress: rows go to the copy; nothing is visible before [`Import::finish`].
pub struct Import<'s> {
    store: &'s mut Store,
    /// Confirmations of the live directory, by (mailbox, person id): date and `listeRouge`.
    confirmed: HashMap<(String, String), (Option<String>, bool)>,
    /// The live directory's FHIR-only entries, carried over when the extract lacks them.
    api_only: Vec<DirectoryEntry>,
    pending: Vec<(DirectoryEntry, Keys)>,
    next_id: i64,
    since_commit: usize,
    index_sql: Vec<String>,
    /// Swapped in: nothing to drop.
    finished: bool,
    /// This import's name in the lock.
    holder: String,
}

fn lease_end() -> String {
    utc_text(Utc::now() + chrono::Duration::minutes(LEASE_MINUTES))
}

/// Claims the right to import: `Err(Duplicate)` while another import's lease holds.
fn claim(store: &mut Store, holder: &str) -> Result<(), StoreError> {
    // A read first: a running import holds the write lock most of the time (WAL readers
    // never wait for it).
    let now = utc_text(Utc::now());
    let held: i64 = store.query_value(
        "SELECT count(*) FROM directory_import_lock WHERE until >= ?1",
        params![now],
    )?;
    if held > 0 {
        return Err(StoreError::Duplicate);
    }
    store.in_transaction(|s| {
        s.execute(
            "DELETE FROM directory_import_lock WHERE until < ?1",
            params![utc_text(Utc::now())],
        )?;
        s.execute(
            "INSERT INTO directory_import_lock (id, holder, until) VALUES (1, ?1, ?2)",
            params![holder, lease_end()],
        )
        .map_err(|e| match e.constraint() {
            Some(super::db::Constraint::Unique) => StoreError::Duplicate,
            _ => e,
        })?;
        Ok(())
    })
}

fn release(store: &Store, holder: &str) -> Result<(), StoreError> {
    store.execute(
        "DELETE FROM directory_import_lock WHERE holder = ?1",
        params![holder],
    )?;
    Ok(())
}

impl<'s> Import<'s> {
    /// Prepares the copy (dropping one a crashed import left).
    /// `Err(Duplicate)` while another import runs on this store.
    pub fn begin(store: &'s mut Store) -> Result<Self, StoreError> {
        let holder = format!(
            "{}-{}-{:08x}",
            std::process::id(),
            Utc::now().timestamp_millis(),
            rand::random::<u32>()
        );
        claim(store, &holder)?;
        if let Err(e) = drop_copies(store) {
            let _ = release(store, &holder);
            return Err(e);
        }
        let index_sql = create_copies(store)?;
        let mut confirmed = HashMap::new();
        let mut api_only = Vec::new();
        for row in store.query(
            &format!("SELECT {COLUMNS} FROM directory_entry WHERE confirmed_at IS NOT NULL OR unlisted = 1"),
            params![],
        )? {
            let (_, e) = entry_of(row)?;
            let date = match e.source {
                DirectorySource::Api { confirmed_at } => Some(utc_text(confirmed_at)),
                DirectorySource::Extract => None,
            };
            confirmed.insert(
                (e.mailbox.to_ascii_lowercase(), e.person_id.clone()),
                (date, e.unlisted),
            );
            api_only.push(e);
        }
        if store.backend() == Backend::Sqlite {
            // The copy needs no durability before the swap (a crash drops it): no sync while
            // filling it, and a larger cache for its indexes.
            store.execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -65536;")?;
        }
        store.execute_batch(begin_sql(store.backend()))?;
        Ok(Self {
            store,
            confirmed,
            api_only,
            pending: Vec::with_capacity(BATCH_ROWS),
            next_id: 1,
            since_commit: 0,
            index_sql,
            finished: false,
            holder,
        })
    }

    /// Adds one entry to the copy.
    pub fn add(&mut self, mut e: DirectoryEntry) -> Result<(), StoreError> {
        e.mailbox.make_ascii_lowercase();
        let key = (e.mailbox.to_ascii_lowercase(), e.person_id.clone());
        if let Some((date, unlisted)) = self.confirmed.remove(&key) {
            e.unlisted = unlisted;
            if let Some(at) = date.as_deref().and_then(|d| parse_utc(d).ok()) {
                e.source = DirectorySource::Api { confirmed_at: at };
            }
        }
        let k = keys(&e);
        self.pending.push((e, k));
        if self.pending.len() >= BATCH_ROWS {
            self.flush()?;
        }
        Ok(())
    }

    /// Entries written so far.
    pub fn written(&self) -> u64 {
        u64::try_from(self.next_id - 1).unwrap_or(0) + self.pending.len() as u64
    }

    fn flush(&mut self) -> Result<(), StoreError> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let rows = std::mem::take(&mut self.pending);
        let first_id = self.next_id;
        self.next_id += rows.len() as i64;
        insert_rows(self.store, "directory_entry_next", first_id, &rows)?;
        if self.store.backend() == Backend::Sqlite {
            insert_words(self.store, "directory_fts_next", first_id, &rows)?;
        }
        self.since_commit += rows.len();
        if self.since_commit >= COMMIT_ROWS {
            self.since_commit = 0;
            self.store.execute(
                "UPDATE directory_import_lock SET until = ?2 WHERE holder = ?1",
                params![self.holder, lease_end()],
            )?;
            self.store.execute_batch("COMMIT")?;
            self.store.execute_batch(begin_sql(self.store.backend()))?;
        }
        Ok(())
    }

    /// Carries over the FHIR-only entries, swaps the copy in and records the import.
    pub fn finish(mut self, source: &str, skipped: u64) -> Result<ImportInfo, StoreError> {
        let leftovers: Vec<DirectoryEntry> = std::mem::take(&mut self.api_only)
            .into_iter()
            .filter(|e| {
                self.confirmed
                    .contains_key(&(e.mailbox.to_ascii_lowercase(), e.person_id.clone()))
            })
            .collect();
        for e in leftovers {
            let k = keys(&e);
            self.pending.push((e, k));
        }
        self.flush()?;
        self.store.execute_batch("COMMIT")?;
        let entries = self.written();
        let info = ImportInfo {
            imported_at: Utc::now(),
            source: source.to_owned(),
            entries,
            skipped,
        };
        let index_sql = std::mem::take(&mut self.index_sql);
        let store = &mut *self.store;
        // Indexed before the swap, outside its transaction: the record's other writers never
        // wait for an index to be built.
        for sql in &index_sql {
            store.execute_batch(sql)?;
        }
        if store.backend() == Backend::Sqlite {
            store.execute_batch("PRAGMA synchronous = NORMAL")?;
        }
        let holder = self.holder.clone();
        store.in_transaction(|s| {
            swap(s)?;
            release(s, &holder)?;
            s.execute("DELETE FROM directory_import", params![])?;
            s.execute(
                "INSERT INTO directory_import (id, imported_at, source, entries, skipped) \
                 VALUES (1, ?1, ?2, ?3, ?4)",
                params![
                    utc_text(info.imported_at),
                    info.source,
                    entries as i64,
                    skipped as i64
                ],
            )?;
            Ok::<_, StoreError>(())
        })?;
        if store.backend() == Backend::Postgres {
            super::migrations::grant_workstations(store)?;
        }
        self.finished = true;
        Ok(info)
    }

    /// Stops: the copy is dropped, the live directory untouched.
    pub fn abort(self) {
        // Drop does it.
    }
}

impl Drop for Import<'_> {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        let _ = self.store.execute_batch("ROLLBACK");
        if self.store.backend() == Backend::Sqlite {
            let _ = self.store.execute_batch("PRAGMA synchronous = NORMAL");
        }
        if let Err(e) = drop_copies(self.store) {
            tracing::warn!(error = %e, "directory import: the copy could not be dropped");
        }
        let _ = release(self.store, &self.holder);
    }
}

fn begin_sql(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    }
}

fn drop_copies(store: &Store) -> Result<(), StoreError> {
    store.execute_batch(
        "DROP TABLE IF EXISTS directory_entry_next; DROP TABLE IF EXISTS directory_fts_next;",
    )
}

/// Creates the empty copies from the live schema; returns the live indexes' definitions
/// rewritten for the copy (same columns, names with a new generation suffix), made once the
/// copy is filled.
fn create_copies(store: &Store) -> Result<Vec<String>, StoreError> {
    let generation = format!("_g{}", Utc::now().timestamp_millis());
    let mut live = Vec::new();
    match store.backend() {
        Backend::Sqlite => {
            for mut row in store.query(
                "SELECT type, name, sql FROM sqlite_master \
                 WHERE sql IS NOT NULL AND ((type = 'table' \
                   AND name IN ('directory_entry', 'directory_fts')) \
                   OR (type = 'index' AND tbl_name = 'directory_entry'))",
                params![],
            )? {
                let kind: String = row.take(0)?;
                let name: String = row.take(1)?;
                let sql: String = row.take(2)?;
                if kind == "index" {
                    live.push(sql);
                } else {
                    let copy = sql.replacen(&name, &format!("{name}_next"), 1);
                    store.execute_batch(&copy)?;
                }
            }
        }
        Backend::Postgres => {
            store.execute_batch(
                "CREATE TABLE directory_entry_next \
                 (LIKE directory_entry INCLUDING DEFAULTS INCLUDING CONSTRAINTS)",
            )?;
            for mut row in store.query(
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'directory_entry' \
                   AND schemaname = current_schema() AND indexname NOT LIKE '%pkey%'",
                params![],
            )? {
                live.push(row.take::<String>(0)?);
            }
            live.push(format!(
                "ALTER TABLE directory_entry ADD CONSTRAINT directory_entry_pkey{generation} \
                 PRIMARY KEY (id)"
            ));
        }
    }
    Ok(live.iter().map(|sql| for_copy(sql, &generation)).collect())
}

/// An index (or primary key) definition of the live table, for the copy: its name takes the
/// new generation suffix, its table is the copy.
fn for_copy(sql: &str, generation: &str) -> String {
    let mut words: Vec<String> = sql.split(' ').map(str::to_owned).collect();
    let mut renamed = false;
    for i in 0..words.len() {
        let previous = i.checked_sub(1).map(|j| words[j].to_ascii_uppercase());
        match previous.as_deref() {
            Some("INDEX" | "CONSTRAINT") if !renamed => {
                let base = strip_generation(&words[i]);
                words[i] = format!("{base}{generation}");
                renamed = true;
            }
            Some("ON" | "TABLE") => {
                let table = words[i].clone();
                if let Some(prefix) = table.strip_suffix("directory_entry") {
                    words[i] = format!("{prefix}directory_entry_next");
                }
            }
            _ => {}
        }
    }
    words.join(" ")
}

fn strip_generation(name: &str) -> &str {
    match name.rfind("_g") {
        Some(i) if name[i + 2..].bytes().all(|b| b.is_ascii_digit()) && i + 2 < name.len() => {
            &name[..i]
        }
        _ => name,
    }
}

/// Replaces the live tables by the (indexed) copies, in the caller's transaction.
fn swap(store: &Store) -> Result<(), StoreError> {
    match store.backend() {
        Backend::Sqlite => store.execute_batch(
            "DROP TABLE directory_entry; DROP TABLE directory_fts; \
             ALTER TABLE directory_entry_next RENAME TO directory_entry; \
             ALTER TABLE directory_fts_next RENAME TO directory_fts;",
        ),
        Backend::Postgres => store.execute_batch(
            "DROP TABLE directory_entry; \
             ALTER TABLE directory_entry_next RENAME TO directory_entry;",
        ),
    }
}

fn values_clause(rows: usize, columns: usize, first_param: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 5);
    let mut n = first_param;
    for r in 0..rows {
        if r > 0 {
            sql.push(',');
        }
        sql.push('(');
        for c in 0..columns {
            if c > 0 {
                sql.push(',');
            }
            sql.push('?');
            sql.push_str(&n.to_string());
            n += 1;
        }
        sql.push(')');
    }
    sql
}

fn insert_rows(
    store: &Store,
    table: &str,
    first_id: i64,
    rows: &[(DirectoryEntry, Keys)],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO {table} ({COLUMNS}) VALUES {}",
        values_clause(rows.len(), COLUMN_COUNT, 1)
    );
    let ids: Vec<i64> = (0..rows.len() as i64).map(|i| first_id + i).collect();
    let dates: Vec<Option<String>> = rows
        .iter()
        .map(|(e, _)| match e.source {
            DirectorySource::Api { confirmed_at } => Some(utc_text(confirmed_at)),
            DirectorySource::Extract => None,
        })
        .collect();
    let mut params: Vec<Param<'_>> = Vec::with_capacity(rows.len() * COLUMN_COUNT);
    for (((e, k), id), date) in rows.iter().zip(&ids).zip(&dates) {
        params.push(Param::Int(*id));
        params.extend(e.fields().into_iter().map(Param::Text));
        params.push(Param::Int(i64::from(e.unlisted)));
        params.push(date.as_deref().map_or(Param::Null, Param::Text));
        for text in [&k.family, &k.given, &k.city, &k.words] {
            params.push(Param::Text(text));
        }
    }
    store.execute(&sql, &params)?;
    Ok(())
}

fn insert_words(
    store: &Store,
    table: &str,
    first_id: i64,
    rows: &[(DirectoryEntry, Keys)],
) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO {table} (rowid, search_key) VALUES {}",
        values_clause(rows.len(), 2, 1)
    );
    let ids: Vec<i64> = (0..rows.len() as i64).map(|i| first_id + i).collect();
    let mut params: Vec<Param<'_>> = Vec::with_capacity(rows.len() * 2);
    for ((_, k), id) in rows.iter().zip(&ids) {
        params.push(Param::Int(*id));
        params.push(Param::Text(&k.words));
    }
    store.execute(&sql, &params)?;
    Ok(())
}

/// An entry read back (`COLUMNS` order): its id and the entry.
pub(super) fn entry_of(mut row: Row) -> Result<(i64, DirectoryEntry), StoreError> {
    let id: i64 = row.take(0)?;
    let mut fields: [String; FIELD_COUNT] = Default::default();
    for (i, field) in fields.iter_mut().enumerate() {
        *field = row.take(i + 1)?;
    }
    let mut e = DirectoryEntry::from_fields(fields).unwrap_or_default();
    e.unlisted = row.take::<i64>(32)? != 0;
    if let Some(at) = row.take::<Option<String>>(33)? {
        e.source = DirectorySource::Api {
            confirmed_at: parse_utc(&at)?,
        };
    }
    Ok((id, e))
}

/// The last import, if any.
pub fn last_import(store: &Store) -> Result<Option<ImportInfo>, StoreError> {
    let Some(mut row) = store.query_opt(
        "SELECT imported_at, source, entries, skipped FROM directory_import WHERE id = 1",
        params![],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(ImportInfo {
        imported_at: parse_utc(&row.take::<String>(0)?)?,
        source: row.take(1)?,
        entries: u64::try_from(row.take::<i64>(2)?).unwrap_or(0),
        skipped: u64::try_from(row.take::<i64>(3)?).unwrap_or(0),
    }))
}

/// How many entries the directory holds.
pub fn count(store: &Store) -> Result<u64, StoreError> {
    let n: i64 = store.query_value("SELECT count(*) FROM directory_entry", params![])?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Records what the FHIR API answered: an entry already known gets its confirmation date and
/// `listeRouge`; a new one is added. Returns how many were added.
pub fn merge_confirmed(store: &mut Store, entries: &[DirectoryEntry]) -> Result<usize, StoreError> {
    store.in_transaction(|s| {
        let mut added = 0;
        for e in entries {
            let at = match e.source {
                DirectorySource::Api { confirmed_at } => confirmed_at,
                DirectorySource::Extract => Utc::now(),
            };
            let updated = s.execute(
                "UPDATE directory_entry SET confirmed_at = ?1, unlisted = ?2 \
                 WHERE mailbox = ?3 AND person_id = ?4",
                params![
                    utc_text(at),
                    e.unlisted,
                    e.mailbox.to_ascii_lowercase(),
                    e.person_id
                ],
            )?;
            if updated > 0 {
                continue;
            }
            let id: i64 = s.query_value(
                "SELECT COALESCE(max(id), 0) + 1 FROM directory_entry",
                params![],
            )?;
            let mut e = e.clone();
            e.mailbox.make_ascii_lowercase();
            e.source = DirectorySource::Api { confirmed_at: at };
            let k = keys(&e);
            let rows = [(e, k)];
            insert_rows(s, "directory_entry", id, &rows)?;
            if s.backend() == Backend::Sqlite {
                insert_words(s, "directory_fts", id, &rows)?;
            }
            added += 1;
        }
        Ok(added)
    })
}

#[cfg(test)]
#[path = "directory_tests.rs"]
mod tests;
