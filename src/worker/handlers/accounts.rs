//! Local accounts: the sign-in's second step (the second factor, or the password changed at
//! first use), the unlock of a session opened with a second factor, the user's own password
//! and TOTP enrolment, and the administrators' screen (list, create, change, export).

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::auth::account_admin::{self, AccountChange};
use crate::auth::totp::{TotpSecret, now_unix_s};
use crate::auth::{credentials, local};
use crate::domain::{Right, Role};
use crate::export;
use crate::store::audit::{AuditAction, AuditObject};
use crate::worker::accounts::{self, AccountId};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, login as logins};

pub(super) async fn login_second_factor(
    ctx: &Arc<Context>,
    login: String,
    password: Zeroizing<String>,
    code: Zeroizing<String>,
) -> Result<(), WorkerError> {
    logins::sign_in_local(ctx, "signed in (second factor)", move |store| {
        Ok(credentials::login(
            store,
            &login,
            &password,
            &code,
            now_unix_s(),
        )?)
    })
    .await
}

pub(super) async fn change_expired_password(
    ctx: &Arc<Context>,
    login: String,
    password: Zeroizing<String>,
    new_password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = ctx
        .with_store(move |store| {
            Ok(credentials::change_expired_password(
                store,
                &login,
                &password,
                &new_password,
            )?)
        })
        .await?;
    logins::open_local(ctx, session).await
}

/// Unlocks a session opened with a password and a second factor: both again.
pub(super) async fn unlock_with_second_factor(
    ctx: &Arc<Context>,
    password: Zeroizing<String>,
    code: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = accounts::local_session(ctx)?;
    let login = session.login.clone();
    ctx.with_store(move |store| {
        let account = local::check_password(store, &login, &password)?;
        credentials::verify(store, &account, &password, &code, now_unix_s())?;
        Ok(())
    })
    .await?;
    logins::unlocked(ctx, &session, "second-factor").await
}

pub(super) async fn change_password(
    ctx: &Arc<Context>,
    current: Zeroizing<String>,
    new_password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = accounts::local_session(ctx)?;
    ctx.with_store(move |store| {
        Ok(credentials::change_password(
            store,
            session.account_id,
            &current,
            &new_password,
        )?)
    })
    .await?;
    accounts::refresh_cached_account(ctx, session.account_id);
    ctx.emit(Event::PasswordChanged).await;
    Ok(())
}

/// A new TOTP secret for the signed-in local account, shown until a first code confirms it.
pub(super) async fn start_enrolment(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let session = accounts::local_session(ctx)?;
    let secret = TotpSecret::generate();
    let event = Event::EnrolmentStarted {
        secret: secret.to_base32(),
        uri: secret.otpauth_uri(&session.login),
    };
    accounts::hold_enrolment(ctx, session.account_id, secret);
    ctx.emit(event).await;
    Ok(())
}

pub(super) async fn confirm_enrolment(
    ctx: &Arc<Context>,
    password: Zeroizing<String>,
    code: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = accounts::local_session(ctx)?;
    let secret = accounts::held_enrolment(ctx, session.account_id)?;
    let account = session.account_id;
    let codes = ctx
        .with_store(move |store| {
            Ok(credentials::confirm_enrolment(
                store,
                account,
                &password,
                &secret,
                &code,
                now_unix_s(),
            )?)
        })
        .await?;
    let session = accounts::enrolled(ctx, session);
    accounts::refresh_cached_account(ctx, account);
    ctx.emit(Event::SecondFactorEnrolled {
        recovery_codes: codes,
        session,
    })
    .await;
    Ok(())
}

/// The accounts, for the administration screen.
pub(super) async fn list(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::ManageAccounts)?;
    accounts::send_rows(ctx).await
}

pub(super) async fn create(
    ctx: &Arc<Context>,
    login: String,
    display_name: String,
    role: Role,
) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    let shown = login.trim().to_owned();
    let (_, temporary) = ctx
        .with_store(move |store| {
            Ok(account_admin::create(
                store,
                &admin,
                &login,
                &display_name,
                role,
            )?)
        })
        .await?;
    ctx.emit(Event::TemporaryPassword {
        login: shown,
        password: temporary,
    })
    .await;
    accounts::send_rows(ctx).await
}

pub(super) async fn change(
    ctx: &Arc<Context>,
    account: AccountId,
    change: AccountChange,
) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    let (login, temporary) = ctx
        .with_store(move |store| {
            let temporary = account_admin::change(store, &admin, account, &change)?;
            let login = crate::store::accounts::by_id(store, account)?
                .map(|a| a.login)
                .unwrap_or_default();
            Ok((login, temporary))
        })
        .await?;
    if let Some(password) = temporary {
        ctx.emit(Event::TemporaryPassword { login, password }).await;
    }
    accounts::send_rows(ctx).await
}

/// The accounts list as a CSV file for review (DSR SC.SSI/IAM.94).
pub(super) async fn export(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    let data_dir = ctx.config.data_dir.clone();
    let path = ctx
        .with_store(move |store| {
            let all = crate::store::accounts::list(store)?;
            let csv = account_admin::export_csv(&all, chrono::Utc::now());
            let name = format!("comptes-{}.csv", export::file::timestamp_for_name());
            let path = export::file::write_private(
                &export::file::exports_dir(&data_dir),
                &name,
                csv.as_bytes(),
            )
            .map_err(|e| WorkerError::Store(e.into()))?;
            crate::store::audit::record(
                store,
                &admin,
                AuditAction::AccountsExported,
                AuditObject::Accounts(all.len()),
                "",
            )?;
            Ok(path)
        })
        .await?;
    ctx.emit(Event::AccountsExported { path }).await;
    Ok(())
}
