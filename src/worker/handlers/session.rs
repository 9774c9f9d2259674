//! Local sign-in, the first administrator, sign-out (with the provider logout), and the lock:
//! tracing a lock the UI applied, unlocking a password session.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::auth::{self, LoginMethod};
use crate::domain::Role;
use crate::store::accounts;
use crate::store::audit::{AuditAction, AuditObject};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, audit, login as logins};

pub(super) async fn login(
    ctx: &Arc<Context>,
    login: String,
    password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    logins::sign_in_local(ctx, "signed in", move |store| {
        Ok(auth::local::login(store, &login, &password)?)
    })
    .await
}

pub(super) async fn create_first_admin(
    ctx: &Arc<Context>,
    login: String,
    display_name: String,
    password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = ctx
        .with_store(move |store| {
            // Only an installation without any account may create one without signing in.
            if accounts::count(store)? > 0 {
                return Err(WorkerError::Forbidden);
            }
            auth::local::create_account(
                store,
                "system",
                &login,
                &display_name,
                Role::Administrateur,
                &password,
            )?;
            Ok(auth::local::login(store, &login, &password)?)
        })
        .await?;
    logins::open_local(ctx, session).await
}

pub(super) async fn logout(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    logins::end_session(ctx).await?;
    ctx.emit(Event::LoggedOut).await;
    Ok(())
}

/// The UI hid everything: remember it (a card or provider login now unlocks) and trace it.
pub(super) async fn lock(
    ctx: &Arc<Context>,
    reason: auth::lock::LockReason,
) -> Result<(), WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    ctx.with_login(|s| s.set_locked(true));
    audit::record(
        ctx,
        &session.login,
        AuditAction::SessionLocked,
        AuditObject::Account(session.account_id.0),
        reason.code(),
    )
    .await
}

/// Unlocks a session opened by password with the same password.
pub(super) async fn unlock_with_password(
    ctx: &Arc<Context>,
    password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    if session.method != LoginMethod::Password {
        return Err(WorkerError::Forbidden);
    }
    let login = session.login.clone();
    ctx.with_store(move |store| {
        // A wrong password counts as a failed login (and locks the account after five).
        auth::local::login(store, &login, &password)?;
        Ok(())
    })
    .await?;
    logins::unlocked(ctx, &session, "").await
}
