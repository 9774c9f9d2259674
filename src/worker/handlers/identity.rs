//! External logins: an OpenID provider in the system browser (PKCE, loopback redirect), CIBA
//! with its countdown, the activity choice, the first-login link or account creation. Where
//! they end (session opened, unlocked or switched) is `worker::login`.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::external;
use crate::auth::oidc;
use crate::store::audit::AuditAction;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{CancelToken, Event, LinkChoice, TaskId, login as logins};

/// How long the browser flow waits for the provider's redirect.
const BROWSER_WAIT: Duration = Duration::from_secs(300);

/// Runs a cancellable login task, traces its start and failure, and reports its end.
async fn login_task<F>(
    ctx: &Arc<Context>,
    task: TaskId,
    provider_id: &str,
    flow: &str,
    run: impl FnOnce(CancelToken) -> F,
) -> Result<(), WorkerError>
where
    F: Future<Output = Result<(), WorkerError>>,
{
    let token = ctx.start_task(task);
    logins::trace_attempt(
        ctx,
        AuditAction::LoginStarted,
        format!("{flow}:{provider_id}"),
    )
    .await?;
    let result = run(token.clone()).await;
    ctx.end_task(task);
    let cancelled = token.is_cancelled();
    ctx.emit(Event::TaskFinished { task, cancelled }).await;
    match result {
        Err(_) if cancelled => Ok(()),
        Err(e) => {
            logins::trace_attempt(
                ctx,
                AuditAction::LoginFailed,
                format!("{flow}:{provider_id}:{}", e.message_id()),
            )
            .await?;
            Err(e)
        }
        Ok(()) => Ok(()),
    }
}

pub(super) async fn provider_login(
    ctx: &Arc<Context>,
    task: TaskId,
    provider_id: String,
) -> Result<(), WorkerError> {
    let label = provider_id.clone();
    login_task(ctx, task, &label, "browser", |token| async move {
        let provider = logins::provider(ctx, &provider_id).await?;
        let listener = oidc::LoopbackListener::bind("/callback").await?;
        let request = provider.authorization_request(&listener.redirect_uri());
        ctx.emit(Event::OpenInBrowser {
            url: request.url.clone(),
        })
        .await;
        ctx.emit(Event::BrowserWaiting { task }).await;
        let code = listener
            .wait_for_code(&request.state, token.flag(), BROWSER_WAIT)
            .await?;
        let tokens = provider.exchange_code(&request, &code).await?;
        logins::provider_identified(ctx, provider, tokens).await
    })
    .await
}

pub(super) async fn ciba_login(
    ctx: &Arc<Context>,
    task: TaskId,
    provider_id: String,
    national_id: String,
) -> Result<(), WorkerError> {
    let label = provider_id.clone();
    login_task(ctx, task, &label, "ciba", |token| async move {
        let provider = logins::provider(ctx, &provider_id).await?;
        let binding_message = oidc::binding_message();
        let request = provider
            .ciba_start(national_id.trim(), &binding_message)
            .await?;
        let expires_in_s = u64::try_from(
            (request.expires_at - chrono::Utc::now())
                .num_seconds()
                .max(0),
        )
        .unwrap_or(0);
        ctx.emit(Event::CibaStarted {
            task,
            binding_message,
            expires_in_s,
        })
        .await;
        let worker = Arc::clone(ctx);
        let mut on_wait = move |seconds_left: u64| {
            worker.emit_now(Event::CibaCountdown { task, seconds_left });
        };
        let tokens = oidc::ciba_wait(&provider, request, token.flag(), &mut on_wait).await?;
        logins::provider_identified(ctx, provider, tokens).await
    })
    .await
}

pub(super) async fn choose_activity(ctx: &Arc<Context>, index: usize) -> Result<(), WorkerError> {
    logins::choose_activity(ctx, index).await
}

pub(super) async fn complete_link(
    ctx: &Arc<Context>,
    choice: LinkChoice,
) -> Result<(), WorkerError> {
    let identity = ctx
        .with_login(|s| s.pending_identity())
        .ok_or(WorkerError::NoPendingLogin)?;
    let session = match choice {
        LinkChoice::Password { login, password } => {
            ctx.with_store(move |store| {
                Ok(external::link_with_password(
                    store, &identity, &login, &password,
                )?)
            })
            .await?
        }
        LinkChoice::AskAdministrator { login } => {
            ctx.with_store(move |store| Ok(external::request_link(store, &identity, &login)?))
                .await?;
            ctx.with_login(|s| s.forget_pending());
            ctx.emit(Event::LinkRequested).await;
            return Ok(());
        }
        LinkChoice::CreateAccount => {
            ctx.with_store(move |store| Ok(external::create_account_for(store, &identity)?))
                .await?
        }
    };
    logins::linked(ctx, session).await
}

pub(super) async fn abandon_login(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    logins::abandon(ctx).await;
    Ok(())
}
