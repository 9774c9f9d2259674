//! What an administrator does to local accounts (DSR SC.SSI/IE.31–33, IAM.83/91/94): create one
//! with a temporary password (changed at its first use), change its display name or role,
//! disable or enable it, lift a lock, give it a new temporary password (the second factor,
//! sealed under the forgotten password, goes with it), remove its second factor, and export
//! the list for review. The last enabled administrator keeps the role; nobody disables
//! themself. Every change is traced with the administrator's login; the caller checks the
//! right (`ManageAccounts`).

use zeroize::Zeroizing;

use super::local::{self, AuthError};
use super::password_policy;
use crate::domain::Role;
use crate::export::csv::CsvWriter;
use crate::store::Store;
use crate::store::StoreError;
use crate::store::account_security;
use crate::store::accounts::{self, Account, AccountId};
use crate::store::audit::{self, AuditAction, AuditObject};

/// What an administrator changes on one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange {
    DisplayName(String),
    Role(Role),
    /// Enable (`true`) or disable.
    Active(bool),
    /// Lift the lock after failures.
    Unlock,
    /// A new temporary password, to change at first use; the second factor goes.
    ResetPassword,
    /// Remove the second factor (lost phone); the user enrols again.
    ResetSecondFactor,
}

/// Creates an account with a temporary password, returned once (shown to the administrator).
pub fn create(
    store: &mut Store,
    admin: &str,
    login: &str,
    display_name: &str,
    role: Role,
) -> Result<(AccountId, Zeroizing<String>), AuthError> {
    let (login, display_name) = (login.trim(), display_name.trim());
    if login.is_empty() || display_name.is_empty() {
        return Err(AuthError::EmptyField);
    }
    let temporary = password_policy::temporary_password();
    let hash = local::hash_password(&temporary)?;
    let id = store.in_transaction(|store| {
        let id = match accounts::insert(store, login, display_name, role, &hash, None) {
            Err(StoreError::Duplicate) => return Err(AuthError::LoginTaken),
            other => other?,
        };
        account_security::replace_password(store, id, &hash, true, 0)?;
        audit::record(
            store,
            admin,
            AuditAction::AccountCreated,
            AuditObject::Account(id.0),
            format!("role={};temporary-password", role.code()),
        )?;
        Ok(id)
    })?;
    Ok((id, temporary))
}

/// Applies one change; for a password reset, the temporary password (shown once).
pub fn change(
    store: &mut Store,
    admin: &str,
    id: AccountId,
    change: &AccountChange,
) -> Result<Option<Zeroizing<String>>, AuthError> {
    let account = accounts::by_id(store, id)?.ok_or(AuthError::UnknownAccount)?;
    store.in_transaction(|store| {
        let object = AuditObject::Account(id.0);
        let (action, detail, temporary) = match change {
            AccountChange::DisplayName(name) => {
                let name = name.trim();
                if name.is_empty() {
                    return Err(AuthError::EmptyField);
                }
                accounts::set_display_name(store, id, name)?;
                (AuditAction::AccountUpdated, "display-name".to_owned(), None)
            }
            AccountChange::Role(role) => {
                if account.role == Role::Administrateur && *role != Role::Administrateur {
                    keep_an_administrator(store, &account)?;
                }
                accounts::set_role(store, id, *role)?;
                let detail = format!("from={};to={}", account.role.code(), role.code());
                (AuditAction::AccountRoleChanged, detail, None)
            }
            AccountChange::Active(true) => {
                accounts::set_active(store, id, true)?;
                (AuditAction::AccountEnabled, String::new(), None)
            }
            AccountChange::Active(false) => {
                if account.login.eq_ignore_ascii_case(admin) {
                    return Err(AuthError::LastAdministrator);
                }
                if account.role == Role::Administrateur {
                    keep_an_administrator(store, &account)?;
                }
                accounts::set_active(store, id, false)?;
                (AuditAction::AccountDisabled, String::new(), None)
            }
            AccountChange::Unlock => {
                accounts::unlock(store, id)?;
                (AuditAction::AccountUnlocked, String::new(), None)
            }
            AccountChange::ResetPassword => {
                let temporary = password_policy::temporary_password();
                let hash = local::hash_password(&temporary)?;
                account_security::replace_password(
                    store,
                    id,
                    &hash,
                    true,
                    password_policy::HISTORY - 1,
                )?;
                accounts::unlock(store, id)?;
                let had_factor = account.second_factor;
                account_security::remove_second_factor(store, id)?;
                let detail = format!("second-factor-removed={had_factor}");
                (AuditAction::PasswordReset, detail, Some(temporary))
            }
            AccountChange::ResetSecondFactor => {
                account_security::remove_second_factor(store, id)?;
                (AuditAction::SecondFactorReset, String::new(), None)
            }
        };
        audit::record(store, admin, action, object, detail)?;
        Ok(temporary)
    })
}

/// Refuses to take the role or the access of the last enabled administrator.
fn keep_an_administrator(store: &Store, account: &Account) -> Result<(), AuthError> {
    if account.active && accounts::active_admins(store)? <= 1 {
        return Err(AuthError::LastAdministrator);
    }
    Ok(())
}

/// The accounts list as a CSV file for a French spreadsheet (`export::csv`: BOM, `;`, CRLF,
/// formulas neutralised), its first line naming the producer and version.
pub fn export_csv(accounts: &[Account], at: chrono::DateTime<chrono::Utc>) -> String {
    let mut csv = CsvWriter::new().stamp("comptes", at);
    csv.row(&[
        "Identifiant",
        "Nom affiché",
        "Rôle",
        "Actif",
        "Bloqué jusqu'à (UTC)",
        "Échecs de connexion",
        "Double authentification",
        "Mot de passe à changer",
        "Dernière connexion (UTC)",
        "Créé le (UTC)",
        "Identifiant national",
    ]);
    let yes_no = |b: bool| if b { "oui" } else { "non" }.to_owned();
    for a in accounts {
        csv.row(&[
            a.login.clone(),
            a.display_name.clone(),
            a.role.code().to_owned(),
            yes_no(a.active),
            a.locked_until.clone().unwrap_or_default(),
            a.failed_attempts.to_string(),
            yes_no(a.second_factor),
            yes_no(a.must_change_password),
            a.last_login_at.clone().unwrap_or_default(),
            a.created_at.clone(),
            a.national_id.clone().unwrap_or_default(),
        ]);
    }
    csv.finish()
}

#[cfg(test)]
#[path = "account_admin_tests.rs"]
mod tests;
