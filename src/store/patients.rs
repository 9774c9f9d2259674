//! Patients in the store: insert, read, and the search behind the patient list (by name, INS,
//! IPP or birth date).

use super::db::{Backend, Constraint, Param, Row, ToParam, params};
use super::{Store, StoreError, now_text};
use crate::domain::patient::search_key;
use crate::domain::{BirthTraits, IdentityStatus, Ins, Patient, PatientId, PatientIdentity, Sex};
use chrono::NaiveDate;

/// One line of the patient list: enough to recognise the patient, nothing more.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientRow {
    pub id: PatientId,
    pub display_name: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub ipp: String,
    /// Matricule only (15 characters) when the patient has an INS.
    pub ins: Option<String>,
    pub status: IdentityStatus,
}

impl std::fmt::Debug for PatientRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PatientRow({:?})", self.id)
    }
}

/// The result of a search: the rows (up to the limit) and how many matched in all.
#[derive(Debug, Clone, Default)]
pub struct SearchResult {
    pub rows: Vec<PatientRow>,
    pub total: usize,
}

fn names_key(p: &PatientIdentity) -> String {
    let mut text = format!("{} {}", p.traits.birth_name, p.traits.birth_first_names);
    for extra in [&p.used_name, &p.used_first_name].into_iter().flatten() {
        text.push(' ');
        text.push_str(extra);
    }
    format!(" {} ", search_key(&text))
}

/// Inserts a patient; refuses an inconsistent identity or a duplicate IPP / INS.
pub fn insert(store: &Store, p: &PatientIdentity) -> Result<PatientId, StoreError> {
    store.require_record()?;
    let problems = crate::domain::patient::identity_problems(&p.traits, p.ins.as_ref(), p.status);
    if let Some(first) = problems.first() {
        return Err(StoreError::Corrupt(format!("identity: {first:?}")));
    }
    let now = now_text();
    let result = store.insert_id(
        "INSERT INTO patient (ipp, ins_matricule, ins_oid, birth_name, birth_first_names,
            birth_date, sex, birthplace_insee, used_name, used_first_name, identity_status,
            search_key, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
        params![
            p.ipp,
            p.ins.as_ref().map(|i| i.matricule.as_str().to_owned()),
            p.ins.as_ref().map(|i| i.oid.as_str()),
            p.traits.birth_name,
            p.traits.birth_first_names,
            p.traits.birth_date.format("%Y-%m-%d").to_string(),
            p.traits.sex.code(),
            p.traits.birthplace_insee,
            p.used_name,
            p.used_first_name,
            p.status.code(),
            names_key(p),
            now,
        ],
    );
    match result {
        Ok(id) => Ok(PatientId(id)),
        Err(e) if e.constraint() == Some(Constraint::Unique) => Err(StoreError::Duplicate),
        Err(e) => Err(e),
    }
}

const PATIENT_COLUMNS: &str = "id, ipp, ins_matricule, ins_oid, birth_name, birth_first_names,
    birth_date, sex, birthplace_insee, used_name, used_first_name, identity_status";

fn patient_from_row(row: &Row) -> Result<Patient, StoreError> {
    let matricule: Option<String> = row.get(2)?;
    let oid: Option<String> = row.get(3)?;
    let birth_date: String = row.get(6)?;
    let sex: String = row.get(7)?;
    let status: String = row.get(11)?;
    let ins = match (matricule, oid) {
        (Some(m), Some(o)) => {
            Some(Ins::parse(&m, &o).map_err(|_| StoreError::Corrupt("INS".into()))?)
        }
        _ => None,
    };
    Ok(Patient {
        id: PatientId(row.get(0)?),
        identity: PatientIdentity {
            ipp: row.get(1)?,
            ins,
            traits: BirthTraits {
                birth_name: row.get(4)?,
                birth_first_names: row.get(5)?,
                birth_date: NaiveDate::parse_from_str(&birth_date, "%Y-%m-%d")
                    .map_err(|_| StoreError::Corrupt("birth date".into()))?,
                sex: Sex::from_code(&sex).ok_or_else(|| StoreError::Corrupt("sex".into()))?,
                birthplace_insee: row.get(8)?,
            },
            used_name: row.get(9)?,
            used_first_name: row.get(10)?,
            status: IdentityStatus::from_code(&status)
                .ok_or_else(|| StoreError::Corrupt("identity status".into()))?,
        },
    })
}

/// Reads one patient.
pub fn get(store: &Store, id: PatientId) -> Result<Patient, StoreError> {
    let sql = format!("SELECT {PATIENT_COLUMNS} FROM patient WHERE id = ?1");
    patient_from_row(&store.query_one(&sql, params![id.0])?)
}

/// Reads one patient to change its identity, in the caller's transaction: on PostgreSQL the
/// row stays locked until the transaction ends, so that an identity decision and a GAM update
/// from another process never overwrite each other (a SQLite transaction already holds the
/// write lock).
pub fn lock(store: &Store, id: PatientId) -> Result<Patient, StoreError> {
    let lock = match store.backend() {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    };
    let sql = format!("SELECT {PATIENT_COLUMNS} FROM patient WHERE id = ?1{lock}");
    patient_from_row(&store.query_one(&sql, params![id.0])?)
}

/// The patient with this IPP.
pub fn by_ipp(store: &Store, ipp: &str) -> Result<Option<Patient>, StoreError> {
    let sql = format!("SELECT {PATIENT_COLUMNS} FROM patient WHERE ipp = ?1");
    store
        .query_opt(&sql, params![ipp])?
        .as_ref()
        .map(patient_from_row)
        .transpose()
}

/// The patient with this INS (matricule and OID).
pub fn by_ins(store: &Store, matricule: &str, oid: &str) -> Result<Option<Patient>, StoreError> {
    let sql =
        format!("SELECT {PATIENT_COLUMNS} FROM patient WHERE ins_matricule = ?1 AND ins_oid = ?2");
    store
        .query_opt(&sql, params![matricule, oid])?
        .as_ref()
        .map(patient_from_row)
        .transpose()
}

/// Rewrites a patient's identity (the GAM's update, a merge's renumbering): same rules as
/// [`insert`].
pub fn update_identity(
    store: &Store,
    id: PatientId,
    p: &PatientIdentity,
) -> Result<(), StoreError> {
    store.require_record()?;
    let problems = crate::domain::patient::identity_problems(&p.traits, p.ins.as_ref(), p.status);
    if let Some(first) = problems.first() {
        return Err(StoreError::Corrupt(format!("identity: {first:?}")));
    }
    let result = store.execute(
        "UPDATE patient SET ipp = ?2, ins_matricule = ?3, ins_oid = ?4, birth_name = ?5,
             birth_first_names = ?6, birth_date = ?7, sex = ?8, birthplace_insee = ?9,
             used_name = ?10, used_first_name = ?11, identity_status = ?12, search_key = ?13,
             updated_at = ?14
         WHERE id = ?1",
        params![
            id.0,
            p.ipp,
            p.ins.as_ref().map(|i| i.matricule.as_str().to_owned()),
            p.ins.as_ref().map(|i| i.oid.as_str()),
            p.traits.birth_name,
            p.traits.birth_first_names,
            p.traits.birth_date.format("%Y-%m-%d").to_string(),
            p.traits.sex.code(),
            p.traits.birthplace_insee,
            p.used_name,
            p.used_first_name,
            p.status.code(),
            names_key(p),
            now_text(),
        ],
    );
    match result {
        Ok(0) => Err(StoreError::NotFound),
        Ok(_) => Ok(()),
        Err(e) if e.constraint() == Some(Constraint::Unique) => Err(StoreError::Duplicate),
        Err(e) => Err(e),
    }
}

/// Removes a patient merged into another (its stays already moved); refused by the database
/// while anything still refers to it.
pub fn remove_merged(store: &Store, id: PatientId) -> Result<(), StoreError> {
    store.execute("DELETE FROM patient WHERE id = ?1", params![id.0])?;
    Ok(())
}

/// How many documents a patient's folder holds.
pub fn document_count(store: &Store, id: PatientId) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM document WHERE patient_id = ?1",
        params![id.0],
    )
}

/// Number of patients.
pub fn count(store: &Store) -> Result<usize, StoreError> {
    store.query_value("SELECT count(*) FROM patient", &[])
}

/// What the search box was understood as.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Query {
    All,
    /// Digits: an IPP or the start of an INS matricule.
    Number(String),
    /// A birth date typed as dd/mm/yyyy.
    BirthDate(NaiveDate),
    /// Words that must each start a word of the names.
    Names(Vec<String>),
}

fn understand(text: &str) -> Query {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Query::All;
    }
    if let Ok(date) = NaiveDate::parse_from_str(trimmed, "%d/%m/%Y") {
        return Query::BirthDate(date);
    }
    let compact: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() >= 3
        && compact
            .chars()
            .all(|c| c.is_ascii_digit() || c == 'A' || c == 'B' || c == 'a' || c == 'b')
        && compact.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return Query::Number(compact.to_ascii_uppercase());
    }
    let words: Vec<String> = search_key(trimmed)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect();
    if words.is_empty() {
        Query::All
    } else {
        Query::Names(words)
    }
}

/// The smallest text above every text that starts with `prefix`, in binary order: the prefix
/// with its last character one code point up (`"1859"` → `"185:"`).
fn prefix_end(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    let last = chars.pop()?;
    let next = char::from_u32(u32::from(last) + 1)?;
    chars.push(next);
    Some(chars.into_iter().collect())
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The WHERE clause (empty for no filter) and its arguments for what was typed.
fn filter_for(store: &Store, text: &str) -> (String, Vec<String>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut args: Vec<String> = Vec::new();
    match understand(text) {
        Query::All => {}
        // SQLite's LIKE ignores case and so cannot use its (binary) indexes: the INS prefix
        // is the range [digits, next), which the unique INS index serves. PostgreSQL keeps
        // the LIKE, served by `patient_ins_prefix` whatever the collation (a range would
        // follow the collation's order, in which ':' may sort anywhere).
        Query::Number(n) => match (store.backend(), prefix_end(&n)) {
            (Backend::Sqlite, Some(end)) => {
                args.extend([n.clone(), n.clone(), end]);
                clauses.push(format!(
                    "(ipp = ?{} OR (ins_matricule >= ?{} AND ins_matricule < ?{}))",
                    args.len() - 2,
                    args.len() - 1,
                    args.len()
                ));
            }
            _ => {
                args.push(n.clone());
                args.push(format!("{}%", escape_like(&n)));
                clauses.push(format!(
                    "(ipp = ?{} OR ins_matricule LIKE ?{} ESCAPE '\\')",
                    args.len() - 1,
                    args.len()
                ));
            }
        },
        Query::BirthDate(d) => {
            args.push(d.format("%Y-%m-%d").to_string());
            clauses.push(format!("birth_date = ?{}", args.len()));
        }
        Query::Names(words) => {
            for w in words {
                args.push(format!("% {}%", escape_like(&w)));
                clauses.push(format!("search_key LIKE ?{} ESCAPE '\\'", args.len()));
            }
        }
    }
    let filter = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (filter, args)
}

/// Searches patients; rows are sorted as they are displayed (used name, else birth name, then
/// birth name and first names), at most `limit`.
pub fn search(store: &Store, text: &str, limit: usize) -> Result<SearchResult, StoreError> {
    let (filter, args) = filter_for(store, text);
    let bound: Vec<Param<'_>> = args.iter().map(ToParam::to_param).collect();
    let total: usize =
        store.query_value(&format!("SELECT count(*) FROM patient {filter}"), &bound)?;
    let sql = format!(
        "SELECT {PATIENT_COLUMNS} FROM patient {filter}
         ORDER BY coalesce(used_name, birth_name), birth_name, birth_first_names, birth_date, id
         LIMIT {limit}"
    );
    let mut rows = Vec::new();
    for row in store.query(&sql, &bound)? {
        let p = patient_from_row(&row)?;
        let display_name = p.display_name();
        let id = p.identity;
        rows.push(PatientRow {
            id: p.id,
            display_name,
            birth_date: id.traits.birth_date,
            sex: id.traits.sex,
            ins: id.ins.as_ref().map(|i| i.matricule.as_str().to_owned()),
            ipp: id.ipp,
            status: id.status,
        });
    }
    Ok(SearchResult { rows, total })
}

/// How the database runs the count query of a search, line by line (PostgreSQL's `EXPLAIN
/// ANALYZE`, SQLite's `EXPLAIN QUERY PLAN`): to tell on a site's own data whether a search
/// uses its indexes.
pub fn search_plan(store: &Store, text: &str) -> Result<Vec<String>, StoreError> {
    let (filter, args) = filter_for(store, text);
    let bound: Vec<Param<'_>> = args.iter().map(ToParam::to_param).collect();
    let count = format!("SELECT count(*) FROM patient {filter}");
    let (sql, column) = match store.backend() {
        Backend::Postgres => (format!("EXPLAIN (ANALYZE, COSTS OFF) {count}"), 0),
        Backend::Sqlite => (format!("EXPLAIN QUERY PLAN {count}"), 3),
    };
    store
        .query(&sql, &bound)?
        .iter()
        .map(|r| r.get::<String>(column))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_understood() {
        assert_eq!(understand("  "), Query::All);
        assert_eq!(understand("1 84 05"), Query::Number("18405".into()));
        assert_eq!(
            understand("17/05/1984"),
            Query::BirthDate(NaiveDate::from_ymd_opt(1984, 5, 17).expect("date"))
        );
        assert_eq!(
            understand("hélène d'aub"),
            Query::Names(vec!["HELENE".into(), "D".into(), "AUB".into()])
        );
        assert_eq!(understand("%_"), Query::All);
    }

    #[test]
    fn a_prefix_ends_one_code_point_up() {
        assert_eq!(prefix_end("1859").as_deref(), Some("185:"));
        assert_eq!(prefix_end("2A").as_deref(), Some("2B"));
        assert_eq!(prefix_end(""), None);
    }

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(escape_like("a%b_c\\"), "a\\%b\\_c\\\\");
    }
}
