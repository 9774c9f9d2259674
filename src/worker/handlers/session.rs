//! Local sign-in, the first administrator, and sign-out.

use std::sync::{Arc, PoisonError};

use zeroize::Zeroizing;

use super::trace;
use crate::auth;
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
    let previous = ctx
        .session
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
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
    ctx.emit(Event::LoggedOut).await;
    Ok(())
}
