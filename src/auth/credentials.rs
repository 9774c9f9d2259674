//! A local account's own credentials: signing in with the second factor after the password
//! (a TOTP code, or one of the recovery codes), the password changed by its user (in the
//! session, or at first use when someone else chose it), and enrolling a second factor. The
//! password policy applies to every new password; the sealed TOTP secret follows the password
//! (opened with the old one, sealed with the new). Each step is traced.

use zeroize::Zeroizing;

use super::local::{self, AuthError, LoginMethod, Session};
use super::password_policy;
use super::second_factor::{self, looks_like_recovery_code, recovery_digest};
use super::totp::TotpSecret;
use crate::store::Store;
use crate::store::account_security;
use crate::store::accounts::{self, Account, AccountId};
use crate::store::audit::{self, AuditAction, AuditObject};

/// Signs in with the password and the second factor typed (`code`: six digits, or a recovery
/// code), at `now_s` (Unix seconds). A wrong code counts as a failed attempt.
pub fn login(
    store: &mut Store,
    login: &str,
    password: &Zeroizing<String>,
    code: &str,
    now_s: u64,
) -> Result<Session, AuthError> {
    let account = local::check_password(store, login, password)?;
    if account.must_change_password {
        return Err(AuthError::PasswordChangeRequired);
    }
    verify(store, &account, password, code, now_s)?;
    local::signed_in(store, account, LoginMethod::PasswordSecondFactor)
}

/// Checks the second factor of an account whose password was just proven; a recovery code is
/// used up. Failures are counted like a wrong password.
pub fn verify(
    store: &mut Store,
    account: &Account,
    password: &str,
    code: &str,
    now_s: u64,
) -> Result<(), AuthError> {
    let Some(stored) = account_security::second_factor(store, account.id)? else {
        return Err(local::fail(
            store,
            account,
            AuditAction::LoginSecondFactorFailed,
            "none-enrolled",
        )?);
    };
    if looks_like_recovery_code(code) {
        let digest = recovery_digest(account.id, code);
        if !account_security::use_recovery_code(store, account.id, &digest)? {
            return Err(local::fail(
                store,
                account,
                AuditAction::LoginSecondFactorFailed,
                "recovery-code",
            )?);
        }
        let left = account_security::recovery_codes_left(store, account.id)?;
        audit::record(
            store,
            &account.login,
            AuditAction::RecoveryCodeUsed,
            AuditObject::Account(account.id.0),
            format!("left={left}"),
        )?;
        return Ok(());
    }
    let secret = second_factor::open(&stored.sealed, password, account.id)?;
    let accepted = match secret.verify(code, now_s, stored.last_step) {
        Some(step) => account_security::take_step(store, account.id, step)?,
        None => false,
    };
    if !accepted {
        return Err(local::fail(
            store,
            account,
            AuditAction::LoginSecondFactorFailed,
            "totp",
        )?);
    }
    Ok(())
}

/// Changes the password of the signed-in account `id`, its current password proven.
pub fn change_password(
    store: &mut Store,
    id: AccountId,
    current: &Zeroizing<String>,
    new: &Zeroizing<String>,
) -> Result<(), AuthError> {
    let account = accounts::by_id(store, id)?.ok_or(AuthError::UnknownAccount)?;
    let account = local::check_password(store, &account.login, current)?;
    replace(store, &account, current, new, "own")
}

/// Changes a password someone else chose, at its first use, then signs in as [`local::login`]
/// does (a second factor may still be asked for).
pub fn change_expired_password(
    store: &mut Store,
    login: &str,
    current: &Zeroizing<String>,
    new: &Zeroizing<String>,
) -> Result<Session, AuthError> {
    let account = local::check_password(store, login, current)?;
    if !account.must_change_password {
        return Err(AuthError::ChangeNotDue);
    }
    replace(store, &account, current, new, "first-use")?;
    local::login(store, login, new)
}

/// The new password against the policy and the history; the second factor sealed again.
fn replace(
    store: &mut Store,
    account: &Account,
    current: &str,
    new: &str,
    why: &str,
) -> Result<(), AuthError> {
    let refused = |store: &mut Store, error: AuthError| -> Result<(), AuthError> {
        audit::record(
            store,
            &account.login,
            AuditAction::PasswordChangeRefused,
            AuditObject::Account(account.id.0),
            error.message_id(),
        )?;
        Err(error)
    };
    if let Err(e) = password_policy::check(new, account.role, &account.login) {
        return refused(store, e);
    }
    let mut remembered = vec![account.password_hash.clone()];
    remembered.extend(
        account_security::password_history(store, account.id)?
            .into_iter()
            .take(password_policy::HISTORY - 1),
    );
    if password_policy::reused(new, &remembered) {
        return refused(store, AuthError::PasswordReused);
    }
    let hash = local::hash_password(new)?;
    let resealed = match account_security::second_factor(store, account.id)? {
        Some(stored) => {
            let secret = second_factor::open(&stored.sealed, current, account.id)?;
            Some(second_factor::seal(&secret, new, account.id)?)
        }
        None => None,
    };
    store.in_transaction(|store| {
        account_security::replace_password(
            store,
            account.id,
            &hash,
            false,
            password_policy::HISTORY - 1,
        )?;
        if let Some(sealed) = &resealed {
            account_security::reseal(store, account.id, sealed)?;
        }
        audit::record(
            store,
            &account.login,
            AuditAction::PasswordChanged,
            AuditObject::Account(account.id.0),
            why,
        )?;
        Ok::<_, AuthError>(())
    })
}

/// Enrols `secret` for the signed-in account `id` once its user typed a first code from it
/// and their password (the key the secret is sealed with); the ten recovery codes, shown once.
pub fn confirm_enrolment(
    store: &mut Store,
    id: AccountId,
    password: &Zeroizing<String>,
    secret: &TotpSecret,
    code: &str,
    now_s: u64,
) -> Result<Vec<Zeroizing<String>>, AuthError> {
    let account = accounts::by_id(store, id)?.ok_or(AuthError::UnknownAccount)?;
    let account = local::check_password(store, &account.login, password)?;
    let step = secret
        .verify(code, now_s, None)
        .ok_or(AuthError::SecondFactorInvalid)?;
    let sealed = second_factor::seal(secret, password, account.id)?;
    let codes = second_factor::new_recovery_codes();
    let digests: Vec<[u8; 32]> = codes
        .iter()
        .map(|c| recovery_digest(account.id, c))
        .collect();
    store.in_transaction(|store| {
        account_security::enrol(store, account.id, &sealed, step, &digests)?;
        audit::record(
            store,
            &account.login,
            AuditAction::SecondFactorEnrolled,
            AuditObject::Account(account.id.0),
            format!("recovery-codes={}", codes.len()),
        )?;
        Ok::<_, AuthError>(())
    })?;
    Ok(codes)
}

#[cfg(test)]
#[path = "credentials_tests.rs"]
mod tests;
