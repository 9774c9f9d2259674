//! Local accounts: argon2id password hashes (PHC strings), login with a temporary lock after
//! repeated failures, and the first administrator of a fresh installation. The password step
//! of a sign-in is here: an account with a second factor then needs its code
//! (`auth::second_factor`), an account whose password someone else chose must change it first
//! (`auth::password_policy`). Every attempt is written to the audit trail; no password or hash
//! ever reaches a log.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{Duration, Utc};
use zeroize::Zeroizing;

use crate::domain::Role;
use crate::store::accounts::{self, Account, AccountId};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::{Store, StoreError};

/// Failures in a row before the account is locked.
pub const MAX_FAILED_ATTEMPTS: u32 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 5;
/// Shortest password accepted by [`create_account`], the provisioning path (first administrator,
/// demo accounts); passwords chosen or changed by users follow `auth::password_policy`.
pub const MIN_PASSWORD_CHARS: usize = 8;

/// Why a login or an account creation failed.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("unknown login or wrong password")]
    BadCredentials,
    #[error("account locked after repeated failures")]
    Locked,
    #[error("account disabled")]
    Disabled,
    #[error("password too short")]
    PasswordTooShort,
    #[error("login already taken")]
    LoginTaken,
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("this identity's link to a local account waits for an administrator")]
    LinkPending,
    #[error("the local account belongs to another professional")]
    IdentityMismatch,
    #[error("no role is defined for this profession")]
    NoRoleForProfession,
    #[error("the password is right; the second factor is needed")]
    SecondFactorRequired,
    #[error("wrong or already used second-factor code")]
    SecondFactorInvalid,
    #[error("the second factor cannot be read with this password")]
    SecondFactorUnreadable,
    #[error("the password must be changed before signing in")]
    PasswordChangeRequired,
    #[error("password too short for an administrator")]
    PasswordTooShortAdmin,
    #[error("password too simple")]
    PasswordTooSimple,
    #[error("password contains the login")]
    PasswordContainsLogin,
    #[error("password used recently")]
    PasswordReused,
    #[error("the last administrator cannot lose the role or be disabled")]
    LastAdministrator,
    #[error("no second-factor enrolment in progress")]
    NoEnrolment,
    #[error("unknown account")]
    UnknownAccount,
    #[error("this password does not have to be changed here")]
    ChangeNotDue,
    #[error("a required field is empty")]
    EmptyField,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuthError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Fluent id of the message shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::BadCredentials => "error-login-bad-credentials",
            Self::Locked => "error-login-locked",
            Self::Disabled => "error-login-disabled",
            Self::PasswordTooShort => "error-password-policy-length",
            Self::LoginTaken => "error-login-taken",
            Self::Hash(_) => "error-store-generic",
            Self::LinkPending => "error-link-pending",
            Self::IdentityMismatch => "error-link-mismatch",
            Self::NoRoleForProfession => "error-link-no-role",
            Self::SecondFactorRequired => "login-second-factor-required",
            Self::SecondFactorInvalid => "error-second-factor-invalid",
            Self::SecondFactorUnreadable => "error-second-factor-unreadable",
            Self::PasswordChangeRequired => "login-password-change-required",
            Self::PasswordTooShortAdmin => "error-password-policy-length-admin",
            Self::PasswordTooSimple => "error-password-policy-kinds",
            Self::PasswordContainsLogin => "error-password-policy-login",
            Self::PasswordReused => "error-password-policy-reused",
            Self::LastAdministrator => "error-accounts-last-admin",
            Self::NoEnrolment => "error-second-factor-no-enrolment",
            Self::UnknownAccount => "error-accounts-unknown",
            Self::ChangeNotDue => "error-forbidden",
            Self::EmptyField => "error-accounts-empty-field",
            Self::Store(e) => e.message_id(),
        }
    }
}

/// The signed-in user, as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub account_id: AccountId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// The user's professional identity, when the account has one.
    pub professional: Option<crate::domain::ProfessionalInfo>,
    /// How the user proved who they are.
    pub method: LoginMethod,
    /// The activity (structure) chosen at a Pro Santé Connect login, when there were several.
    pub activity: Option<String>,
}

/// How a session was opened; decides how a locked session is unlocked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginMethod {
    /// Local password.
    Password,
    /// Local password and a second factor (a TOTP code, or a recovery code).
    PasswordSecondFactor,
    /// An OpenID provider of the configuration (Pro Santé Connect, the establishment's IdP).
    Provider { id: String },
    /// A CPS card and its PIN. The session is bound to the card's authentication certificate
    /// (`certificate_sha256`, lower-case hex): only that certificate unlocks it, whatever the
    /// national id or the `serial` (kept for display and traces) say.
    Card {
        serial: String,
        certificate_sha256: String,
    },
}

impl LoginMethod {
    /// Whether the session may reach the DMP and the national health services: Pro Santé
    /// Connect or the establishment's provider, the CPS card, or a password with a second
    /// factor — never a password alone.
    pub fn is_strong(&self) -> bool {
        !matches!(self, Self::Password)
    }
}

/// Hashes a password with argon2id (default parameters: 19 MiB, 2 passes, 1 lane).
pub fn hash_password(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Hash(e.to_string()))
}

pub(crate) fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash of a random password, verified when the login is unknown so that the answer takes
/// as long as for a known login and timing does not reveal which logins exist.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let random = hex::encode(rand::random::<[u8; 16]>());
        hash_password(&random).unwrap_or_default()
    })
}

/// Creates an account with a hashed password, traced in the audit trail.
pub fn create_account(
    store: &mut Store,
    actor: &str,
    login: &str,
    display_name: &str,
    role: Role,
    password: &Zeroizing<String>,
) -> Result<AccountId, AuthError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(AuthError::PasswordTooShort);
    }
    let hash = hash_password(password)?;
    let id = match accounts::insert(store, login.trim(), display_name.trim(), role, &hash, None) {
        Err(StoreError::Duplicate) => return Err(AuthError::LoginTaken),
        other => other?,
    };
    audit::record(
        store,
        actor,
        AuditAction::AccountCreated,
        AuditObject::Account(id.0),
        format!("role={}", role.code()),
    )?;
    Ok(id)
}

/// Checks a login and password; counts failures and locks the account after too many. An
/// account with a second factor answers [`AuthError::SecondFactorRequired`] (then
/// `second_factor::login`), one whose password must be changed
/// [`AuthError::PasswordChangeRequired`] (then `second_factor::change_expired_password`).
pub fn login(
    store: &mut Store,
    login: &str,
    password: &Zeroizing<String>,
) -> Result<Session, AuthError> {
    let account = check_password(store, login, password)?;
    if account.must_change_password {
        return Err(AuthError::PasswordChangeRequired);
    }
    if account.second_factor {
        return Err(AuthError::SecondFactorRequired);
    }
    signed_in(store, account, LoginMethod::Password)
}

/// The password step of every local sign-in: the account, when it exists, is not locked nor
/// disabled, and the password is its own. Failures are counted and traced.
pub(crate) fn check_password(
    store: &mut Store,
    login: &str,
    password: &Zeroizing<String>,
) -> Result<Account, AuthError> {
    let login = login.trim();
    let Some(account) = accounts::by_login(store, login)? else {
        let _ = verify_password(password, decoy_hash());
        audit::record(
            store,
            "anonymous",
            AuditAction::LoginFailed,
            AuditObject::Login,
            "unknown-login",
        )?;
        return Err(AuthError::BadCredentials);
    };
    let now = Utc::now();
    if let Some(until) = account.locked_until.as_deref()
        && until > now.format("%Y-%m-%dT%H:%M:%SZ").to_string().as_str()
    {
        audit::record(
            store,
            &account.login,
            AuditAction::LoginFailed,
            AuditObject::Account(account.id.0),
            "locked",
        )?;
        return Err(AuthError::Locked);
    }
    refuse_disabled(store, &account)?;
    if !verify_password(password, &account.password_hash) {
        return Err(fail(
            store,
            &account,
            AuditAction::LoginFailed,
            "bad-password",
        )?);
    }
    Ok(account)
}

/// A sign-in succeeded: failures cleared, the last login set, traced; the session.
pub(crate) fn signed_in(
    store: &mut Store,
    account: Account,
    method: LoginMethod,
) -> Result<Session, AuthError> {
    accounts::record_success(store, account.id)?;
    audit::record(
        store,
        &account.login,
        AuditAction::LoginSucceeded,
        AuditObject::Account(account.id.0),
        crate::auth::external::method_detail(&method),
    )?;
    Ok(Session {
        account_id: account.id,
        login: account.login,
        display_name: account.display_name,
        role: account.role,
        professional: account.professional,
        method,
        activity: None,
    })
}

/// A disabled account signs in by no means; the attempt is traced.
pub(crate) fn refuse_disabled(store: &mut Store, account: &Account) -> Result<(), AuthError> {
    if account.active {
        return Ok(());
    }
    audit::record(
        store,
        &account.login,
        AuditAction::LoginFailed,
        AuditObject::Account(account.id.0),
        "disabled",
    )?;
    Err(AuthError::Disabled)
}

/// Counts a failed attempt (a wrong password or second factor), traced as `action` with
/// `detail`; locks the account at the limit.
pub(crate) fn fail(
    store: &mut Store,
    account: &Account,
    action: AuditAction,
    detail: &str,
) -> Result<AuthError, AuthError> {
    let now = Utc::now();
    let lock = (account.failed_attempts + 1 >= MAX_FAILED_ATTEMPTS).then(|| {
        (now + Duration::minutes(LOCK_MINUTES))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    });
    accounts::record_failure(store, account.id, lock.as_deref())?;
    audit::record(
        store,
        &account.login,
        action,
        AuditObject::Account(account.id.0),
        detail,
    )?;
    if lock.is_some() {
        audit::record(
            store,
            &account.login,
            AuditAction::AccountLocked,
            AuditObject::Account(account.id.0),
            "",
        )?;
        tracing::warn!(
            account = account.id.0,
            "account locked after repeated failures"
        );
        return Ok(AuthError::Locked);
    }
    Ok(match action {
        AuditAction::LoginSecondFactorFailed => AuthError::SecondFactorInvalid,
        _ => AuthError::BadCredentials,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DbKey;

    fn secret(s: &str) -> Zeroizing<String> {
        Zeroizing::new(s.to_owned())
    }

    fn store_with_account() -> Store {
        let mut store = Store::open_in_memory(&DbKey::generate()).expect("store");
        create_account(
            &mut store,
            "system",
            "Dr.House",
            "Dr House",
            Role::Medecin,
            &secret("correct horse"),
        )
        .expect("account");
        store
    }

    #[test]
    fn hash_is_argon2id_phc_and_verifies() {
        let h = hash_password("correct horse").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", decoy_hash()));
    }

    #[test]
    fn login_is_case_insensitive_and_checks_the_password() {
        let mut store = store_with_account();
        let s = login(&mut store, " dr.house ", &secret("correct horse")).expect("login");
        assert_eq!(s.role, Role::Medecin);
        assert!(matches!(
            login(&mut store, "dr.house", &secret("nope")),
            Err(AuthError::BadCredentials)
        ));
        assert!(matches!(
            login(&mut store, "nobody", &secret("nope")),
            Err(AuthError::BadCredentials)
        ));
    }

    #[test]
    fn repeated_failures_lock_the_account_even_for_the_right_password() {
        let mut store = store_with_account();
        for _ in 0..MAX_FAILED_ATTEMPTS - 1 {
            assert!(matches!(
                login(&mut store, "dr.house", &secret("bad")),
                Err(AuthError::BadCredentials)
            ));
        }
        assert!(matches!(
            login(&mut store, "dr.house", &secret("bad")),
            Err(AuthError::Locked)
        ));
        assert!(matches!(
            login(&mut store, "dr.house", &secret("correct horse")),
            Err(AuthError::Locked)
        ));
        assert!(audit::verify(&store).expect("verify").is_intact());
    }

    #[test]
    fn short_passwords_and_taken_logins_are_refused() {
        let mut store = store_with_account();
        assert!(matches!(
            create_account(
                &mut store,
                "system",
                "x",
                "X",
                Role::Interne,
                &secret("short")
            ),
            Err(AuthError::PasswordTooShort)
        ));
        assert!(matches!(
            create_account(
                &mut store,
                "system",
                "DR.HOUSE",
                "X",
                Role::Interne,
                &secret("long enough")
            ),
            Err(AuthError::LoginTaken)
        ));
    }
}
