//! Local sign-in, the first administrator, sign-out (with the provider logout), and the
//! lock: tracing a lock the UI applied, unlocking a password session.

use std::sync::{Arc, PoisonError};

use zeroize::Zeroizing;

use super::trace;
use crate::auth::{self, LoginMethod};
use crate::domain::Role;
use crate::store::accounts;
use crate::store::audit::AuditAction;
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};

pub(super) async fn login_handler(
    ctx: &Arc<Context>,
    login: String,
    password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = ctx
        .with_store(move |store| Ok(auth::local::login(store, &login, &password)?))
        .await?;
    tracing::info!(account = session.account_id.0, "signed in");
    if ctx.session().is_some() {
        end_session(ctx).await?;
    }
    *ctx.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(session.clone());
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
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
    *ctx.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(session.clone());
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
}

pub(super) async fn logout(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    end_session(ctx).await?;
    ctx.emit(Event::LoggedOut).await;
    Ok(())
}

/// Ends the current session: traced, provider tokens dropped and logged out at the provider.
pub(super) async fn end_session(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let previous = ctx
        .session
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    super::identity::provider_logout(ctx).await;
    if let Some(s) = previous {
        ctx.with_store(move |store| {
            trace(
                store,
                &s.login,
                AuditAction::Logout,
                "account",
                s.account_id.0.to_string(),
            )
        })
        .await?;
    }
    Ok(())
}

/// The UI hid everything: remember it (a card or provider login now unlocks) and trace it.
pub(super) async fn lock(
    ctx: &Arc<Context>,
    reason: auth::lock::LockReason,
) -> Result<(), WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    ctx.with_identity(|s| s.locked = true);
    ctx.with_store(move |store| {
        crate::store::audit::append(
            store,
            &crate::store::audit::AuditEntry {
                actor: &session.login,
                action: AuditAction::SessionLocked,
                object_kind: "account",
                object_id: session.account_id.0.to_string(),
                detail: reason.code().to_owned(),
            },
        )?;
        Ok(())
    })
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
    let account = session.account_id;
    ctx.with_store(move |store| {
        // A wrong password counts as a failed login (and locks the account after five).
        auth::local::login(store, &login, &password)?;
        trace(
            store,
            &login,
            AuditAction::SessionUnlocked,
            "account",
            account.0.to_string(),
        )
    })
    .await?;
    ctx.with_identity(|s| s.locked = false);
    ctx.emit(Event::Unlocked).await;
    Ok(())
}
