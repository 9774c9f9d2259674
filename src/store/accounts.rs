//! Local accounts: login, role, argon2id password hash (computed by `auth::local`), failed
//! attempts and temporary lock, and what the administration screen changes (display name,
//! role, disabled, unlocked) and lists. The password's history, the second factor and the
//! first-use change are in `account_security`.

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
    /// The password was chosen by someone else: it must be changed before anything else.
    pub must_change_password: bool,
    /// A second factor (TOTP) is enrolled.
    pub second_factor: bool,
    /// UTC ISO time of the last successful sign-in.
    pub last_login_at: Option<String>,
    /// UTC ISO time the account was created.
    pub created_at: String,
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

/// The columns [`account_of`] reads, in its order.
const ACCOUNT_COLUMNS: &str = "id, login, display_name, role, password_hash, national_id, active,
    failed_attempts, locked_until, given_name, family_name, title, specialty_code,
    specialty_label, must_change_password,
    CASE WHEN totp_sealed IS NULL THEN 0 ELSE 1 END, last_login_at, created_at";

fn select_one(
    store: &Store,
    condition: &str,
    value: &dyn ToParam,
) -> Result<Option<Account>, StoreError> {
    store
        .query_opt(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM account WHERE {condition} LIMIT 1"),
            &[value.to_param()],
        )?
        .map(|r| account_of(&r))
        .transpose()
}

/// Every account, by login (the administration screen filters them).
pub fn list(store: &Store) -> Result<Vec<Account>, StoreError> {
    store
        .query(
            &format!("SELECT {ACCOUNT_COLUMNS} FROM account ORDER BY lower(login)"),
            &[],
        )?
        .iter()
        .map(account_of)
        .collect()
}

/// An account from the columns of [`ACCOUNT_COLUMNS`].
fn account_of(r: &super::db::Row) -> Result<Account, StoreError> {
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
    Ok(Account {
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
        must_change_password: r.get(14)?,
        second_factor: r.get(15)?,
        last_login_at: r.get(16)?,
        created_at: r.get(17)?,
    })
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

/// Clears failures after a successful login, which becomes the last one.
pub fn record_success(store: &Store, id: AccountId) -> Result<(), StoreError> {
    store.execute(
        "UPDATE account SET failed_attempts = 0, locked_until = NULL, last_login_at = ?2
         WHERE id = ?1",
        params![id.0, now_text()],
    )?;
    Ok(())
}

/// Clears failures and the lock (an administrator unlocked the account).
pub fn unlock(store: &Store, id: AccountId) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET failed_attempts = 0, locked_until = NULL WHERE id = ?1",
        params![id.0],
    )?;
    Ok(())
}

/// Enables or disables an account (a disabled account signs in by no means).
pub fn set_active(store: &Store, id: AccountId, active: bool) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET active = ?2 WHERE id = ?1",
        params![id.0, active],
    )?;
    Ok(())
}

/// Changes an account's role.
pub fn set_role(store: &Store, id: AccountId, role: Role) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET role = ?2 WHERE id = ?1",
        params![id.0, role.code()],
    )?;
    Ok(())
}

/// Changes the name an account is shown with.
pub fn set_display_name(store: &Store, id: AccountId, name: &str) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET display_name = ?2 WHERE id = ?1",
        params![id.0, name],
    )?;
    Ok(())
}

/// How many enabled administrators there are (the last one may not lose the role).
pub fn active_admins(store: &Store) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM account WHERE active = 1 AND role = ?1",
        params![Role::Administrateur.code()],
    )
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
