//! Local accounts on the worker side: the rows the administration screen shows (no hash, no
//! secret), the TOTP secret waiting for its first code while a user enrols, and the session
//! made strong once a second factor is proven.

use std::sync::Arc;

use super::Event;
use super::context::{Context, WorkerError};
use crate::auth::totp::TotpSecret;
use crate::auth::{LoginMethod, Session};
use crate::domain::Role;
use crate::store::accounts::Account;
pub use crate::store::accounts::AccountId;

/// An account as the administration screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: AccountId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Locked after failures, until then (UTC ISO); `None` when not locked now.
    pub locked_until: Option<String>,
    pub failed_attempts: u32,
    pub second_factor: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
    /// The account holds a professional identity (national id).
    pub professional: bool,
}

impl AccountRow {
    pub fn of(a: &Account, now_utc: &str) -> Self {
        Self {
            id: a.id,
            login: a.login.clone(),
            display_name: a.display_name.clone(),
            role: a.role,
            active: a.active,
            locked_until: a
                .locked_until
                .clone()
                .filter(|until| until.as_str() > now_utc),
            failed_attempts: a.failed_attempts,
            second_factor: a.second_factor,
            must_change_password: a.must_change_password,
            last_login_at: a.last_login_at.clone(),
            created_at: a.created_at.clone(),
            professional: a.national_id.is_some(),
        }
    }
}

/// The accounts, as rows.
pub(super) async fn rows(ctx: &Arc<Context>) -> Result<Vec<AccountRow>, WorkerError> {
    ctx.with_store(|store| {
        let now = crate::store::now_utc_text();
        Ok(crate::store::accounts::list(store)?
            .iter()
            .map(|a| AccountRow::of(a, &now))
            .collect())
    })
    .await
}

/// Sends the accounts list to the administration screen.
pub(super) async fn send_rows(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let rows = rows(ctx).await?;
    ctx.emit(Event::Accounts(rows)).await;
    Ok(())
}

/// A session of a local account (password, or password and second factor).
pub(super) fn local_session(ctx: &Context) -> Result<Session, WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    match session.method {
        LoginMethod::Password | LoginMethod::PasswordSecondFactor => Ok(session),
        _ => Err(WorkerError::Forbidden),
    }
}

/// Keeps the secret shown to `account` until its first code confirms it.
pub(super) fn hold_enrolment(ctx: &Context, account: AccountId, secret: TotpSecret) {
    ctx.with_login(|s| s.set_enrolment(account, secret));
}

/// The secret shown to `account`, if its enrolment is still under way.
pub(super) fn held_enrolment(ctx: &Context, account: AccountId) -> Result<TotpSecret, WorkerError> {
    ctx.with_login(|s| s.enrolment(account))
        .ok_or(WorkerError::Auth(crate::auth::AuthError::NoEnrolment))
}

/// The enrolment is done: its secret is forgotten and the session counts as strong (its user
/// just proved both factors).
pub(super) fn enrolled(ctx: &Context, mut session: Session) -> Session {
    ctx.with_login(|s| s.forget_enrolment());
    session.method = LoginMethod::PasswordSecondFactor;
    ctx.set_session(Some(session.clone()));
    session
}

/// Establishment mode: the account changed on the record (second factor, password) is copied
/// again into this workstation's cache, so that a sign-in in degraded mode asks what the record
/// would ask.
pub(super) fn refresh_cached_account(ctx: &Arc<Context>, account: AccountId) {
    super::degraded::after_sign_in(ctx, account);
}
