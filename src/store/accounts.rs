//! Local accounts: login, role, argon2id password hash (computed by `auth::local`), failed
//! attempts and temporary lock.

use super::db::{Constraint, ToParam, params};
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
    store.require_record()?;
    let result = store.insert_id(
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
        Ok(id) => Ok(AccountId(id)),
        Err(e) if e.constraint() == Some(Constraint::Unique) => Err(StoreError::Duplicate),
        Err(e) => Err(e),
    }
}

/// Records the professional identity of an account.
pub fn set_professional(
    store: &Store,
    id: AccountId,
    p: &ProfessionalInfo,
) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
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
    select_one(store, "lower(login) = lower(?1)", &login)
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
    value: &dyn ToParam,
) -> Result<Option<Account>, StoreError> {
    let Some(r) = store.query_opt(
        &format!(
            "SELECT id, login, display_name, role, password_hash, national_id, active,
                failed_attempts, locked_until, given_name, family_name, title,
                specialty_code, specialty_label
             FROM account WHERE {condition} LIMIT 1"
        ),
        &[value.to_param()],
    )?
    else {
        return Ok(None);
    };
    let professional = match (
        r.get::<Option<String>>(5)?,
        r.get::<Option<String>>(9)?,
        r.get::<Option<String>>(10)?,
        r.get::<Option<String>>(12)?,
    ) {
        (Some(national_id), Some(given_name), Some(family_name), Some(code)) => {
            Some(ProfessionalInfo {
                national_id,
                given_name,
                family_name,
                title: r.get(11)?,
                specialty_code: code,
                specialty_label: r.get::<Option<String>>(13)?.unwrap_or_default(),
            })
        }
        _ => None,
    };
    let role: String = r.get(3)?;
    Ok(Some(Account {
        id: AccountId(r.get(0)?),
        login: r.get(1)?,
        display_name: r.get(2)?,
        role: Role::from_code(&role).ok_or_else(|| StoreError::Corrupt("role".into()))?,
        password_hash: r.get(4)?,
        national_id: r.get(5)?,
        active: r.get(6)?,
        failed_attempts: r.get(7)?,
        locked_until: r.get(8)?,
        professional,
    }))
}

/// Number of accounts (zero on a fresh production install).
pub fn count(store: &Store) -> Result<usize, StoreError> {
    store.query_value("SELECT count(*) FROM account", &[])
}

/// Records a failed attempt; sets `locked_until` when given.
pub fn record_failure(
    store: &Store,
    id: AccountId,
    locked_until: Option<&str>,
) -> Result<u32, StoreError> {
    store.execute(
        "UPDATE account SET failed_attempts = failed_attempts + 1,
            locked_until = coalesce(?2, locked_until) WHERE id = ?1",
        params![id.0, locked_until],
    )?;
    store.query_value(
        "SELECT failed_attempts FROM account WHERE id = ?1",
        params![id.0],
    )
}

/// Clears failures after a successful login.
pub fn record_success(store: &Store, id: AccountId) -> Result<(), StoreError> {
    store.execute(
        "UPDATE account SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
        params![id.0],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::each_backend;

    #[test]
    fn logins_are_unique_and_found_whatever_their_case_failures_counted() {
        each_backend(|store| {
            let id =
                insert(&store, "Dr.House", "Dr House", Role::Medecin, "h", None).expect("account");
            assert!(matches!(
                insert(&store, "DR.HOUSE", "Other", Role::Medecin, "h", None),
                Err(StoreError::Duplicate)
            ));
            let found = by_login(&store, "dr.house").expect("read").expect("found");
            assert_eq!((found.id, found.login.as_str()), (id, "Dr.House"));
            assert!(found.active && found.professional.is_none());
            assert_eq!(record_failure(&store, id, None).expect("1"), 1);
            assert_eq!(
                record_failure(&store, id, Some("2026-12-05T12:00:00Z")).expect("2"),
                2
            );
            let locked = by_id(&store, id).expect("read").expect("found");
            assert_eq!(locked.locked_until.as_deref(), Some("2026-12-05T12:00:00Z"));
            record_success(&store, id).expect("success");
            let cleared = by_id(&store, id).expect("read").expect("found");
            assert_eq!((cleared.failed_attempts, cleared.locked_until), (0, None));
            assert_eq!(count(&store).expect("count"), 1);
        });
    }
}
