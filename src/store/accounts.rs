//! Local accounts: login, role, argon2id password hash (computed by `auth::local`), failed
//! attempts and temporary lock.

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError, now_text};
use crate::domain::{ProfessionalInfo, Role};

/// Row id of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccountId(pub i64);

/// An account as read from the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub national_id: Option<String>,
    pub active: bool,
    pub failed_attempts: u32,
    /// UTC ISO time until which logins are refused.
    pub locked_until: Option<String>,
    /// Set for health professionals (signs documents).
    pub professional: Option<ProfessionalInfo>,
}

/// Creates an account.
pub fn insert(
    store: &Store,
    login: &str,
    display_name: &str,
    role: Role,
    password_hash: &str,
    national_id: Option<&str>,
) -> Result<AccountId, StoreError> {
    let result = store.conn().execute(
        "INSERT INTO account (login, display_name, role, password_hash, national_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            login,
            display_name,
            role.code(),
            password_hash,
            national_id,
            now_text()
        ],
    );
    match result {
        Ok(_) => Ok(AccountId(store.conn().last_insert_rowid())),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            Err(StoreError::Duplicate)
        }
        Err(e) => Err(e.into()),
    }
}

/// Records the professional identity of an account.
pub fn set_professional(
    store: &Store,
    id: AccountId,
    p: &ProfessionalInfo,
) -> Result<(), StoreError> {
    store.conn().execute(
        "UPDATE account SET national_id = ?2, given_name = ?3, family_name = ?4, title = ?5,
            specialty_code = ?6, specialty_label = ?7 WHERE id = ?1",
        params![
            id.0,
            p.national_id,
            p.given_name,
            p.family_name,
            p.title,
            p.specialty_code,
            p.specialty_label
        ],
    )?;
    Ok(())
}

/// Finds an account by login (case-insensitive).
pub fn by_login(store: &Store, login: &str) -> Result<Option<Account>, StoreError> {
    select_one(store, "login = ?1", &login)
}

/// Finds an account by row id.
pub fn by_id(store: &Store, id: AccountId) -> Result<Option<Account>, StoreError> {
    select_one(store, "id = ?1", &id.0)
}

/// Finds the account that holds a professional national id, if any.
pub fn by_national_id(store: &Store, national_id: &str) -> Result<Option<Account>, StoreError> {
    select_one(store, "national_id = ?1", &national_id)
}

fn select_one(
    store: &Store,
    condition: &str,
    value: &dyn rusqlite::ToSql,
) -> Result<Option<Account>, StoreError> {
    let row = store
        .conn()
        .query_row(
            &format!(
                "SELECT id, login, display_name, role, password_hash, national_id, active,
                    failed_attempts, locked_until, given_name, family_name, title,
                    specialty_code, specialty_label
                 FROM account WHERE {condition} LIMIT 1"
            ),
            [value],
            |r| {
                let professional = match (
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(12)?,
                ) {
                    (Some(national_id), Some(given_name), Some(family_name), Some(code)) => {
                        Some(ProfessionalInfo {
                            national_id,
                            given_name,
                            family_name,
                            title: r.get(11)?,
                            specialty_code: code,
                            specialty_label: r.get::<_, Option<String>>(13)?.unwrap_or_default(),
                        })
                    }
                    _ => None,
                };
                Ok((
                    AccountId(r.get(0)?),
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, u32>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    professional,
                ))
            },
        )
        .optional()?;
    row.map(
        |(
            id,
            login,
            display_name,
            role,
            password_hash,
            national_id,
            active,
            failed,
            locked,
            professional,
        )| {
            Ok(Account {
                id,
                login,
                display_name,
                role: Role::from_code(&role).ok_or_else(|| StoreError::Corrupt("role".into()))?,
                password_hash,
                national_id,
                active,
                failed_attempts: failed,
                locked_until: locked,
                professional,
            })
        },
    )
    .transpose()
}

/// Number of accounts (zero on a fresh production install).
pub fn count(store: &Store) -> Result<usize, StoreError> {
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM account", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Records a failed attempt; sets `locked_until` when given.
pub fn record_failure(
    store: &Store,
    id: AccountId,
    locked_until: Option<&str>,
) -> Result<u32, StoreError> {
    store.conn().execute(
        "UPDATE account SET failed_attempts = failed_attempts + 1,
            locked_until = coalesce(?2, locked_until) WHERE id = ?1",
        params![id.0, locked_until],
    )?;
    Ok(store.conn().query_row(
        "SELECT failed_attempts FROM account WHERE id = ?1",
        [id.0],
        |r| r.get(0),
    )?)
}

/// Clears failures after a successful login.
pub fn record_success(store: &Store, id: AccountId) -> Result<(), StoreError> {
    store.conn().execute(
        "UPDATE account SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
        [id.0],
    )?;
    Ok(())
}
