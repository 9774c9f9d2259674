//! External logins: an OpenID provider in the system browser (PKCE, loopback redirect), CIBA
//! with its countdown, the activity choice, the first-login link or account creation, token
//! refresh while the session lasts, and the provider logout. Also where every way in (card,
//! provider) ends: `open_session` unlocks, switches user or signs in.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::trace;
use crate::auth::external::{self, ExternalIdentity, Resolution};
use crate::auth::oidc::{self, Provider, ProviderKind, TokenSet};
use crate::auth::{LoginMethod, Session};
use crate::store::audit::AuditAction;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, LinkChoice, TaskId};

/// How long the browser flow waits for the provider's redirect.
const BROWSER_WAIT: Duration = Duration::from_secs(300);

/// Identity state shared by the handlers.
#[derive(Default)]
pub(crate) struct IdentityState {
    /// An external login waiting for the activity choice or the link.
    pending: Option<PendingLogin>,
    /// Tokens of the provider that opened the session.
    tokens: Option<ProviderTokens>,
    /// Discovered providers, by id.
    providers: HashMap<String, Arc<Provider>>,
    /// The UI locked the screen.
    pub locked: bool,
    /// Changes at each sign-in and sign-out, so that an old refresh loop stops.
    generation: u64,
}

struct PendingLogin {
    identity: ExternalIdentity,
    activities: Vec<String>,
    activity: Option<String>,
    tokens: Option<ProviderTokens>,
}

struct ProviderTokens {
    provider: Arc<Provider>,
    tokens: TokenSet,
}

async fn provider(ctx: &Arc<Context>, id: &str) -> Result<Arc<Provider>, WorkerError> {
    if let Some(p) = ctx.with_identity(|s| s.providers.get(id).cloned()) {
        return Ok(p);
    }
    let config = ctx
        .config
        .providers
        .iter()
        .find(|p| p.id == id)
        .cloned()
        .ok_or(WorkerError::NotConfigured("error-oidc-config"))?;
    let discovered = Arc::new(Provider::discover(config).await?);
    ctx.with_identity(|s| s.providers.insert(id.to_owned(), Arc::clone(&discovered)));
    Ok(discovered)
}

/// Traces a step of a login whose user is not known yet.
pub(super) async fn trace_attempt(
    ctx: &Arc<Context>,
    action: AuditAction,
    detail: String,
) -> Result<(), WorkerError> {
    ctx.with_store(move |store| {
        crate::store::audit::append(
            store,
            &crate::store::audit::AuditEntry {
                actor: "anonymous",
                action,
                object_kind: "login",
                object_id: String::new(),
                detail,
            },
        )?;
        Ok(())
    })
    .await
}

/// Runs a cancellable login task, traces its failure, and reports its end.
async fn login_task<F>(
    ctx: &Arc<Context>,
    task: TaskId,
    provider_id: &str,
    flow: &str,
    run: impl FnOnce(crate::worker::CancelToken) -> F,
) -> Result<(), WorkerError>
where
    F: Future<Output = Result<(), WorkerError>>,
{
    let token = ctx.start_task(task);
    trace_attempt(
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
            trace_attempt(
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
        let provider = provider(ctx, &provider_id).await?;
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
        identified(ctx, provider, tokens).await
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
        let provider = provider(ctx, &provider_id).await?;
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
        identified(ctx, provider, tokens).await
    })
    .await
}

/// The provider vouched for someone: map the claims, then choose, link or open.
async fn identified(
    ctx: &Arc<Context>,
    provider: Arc<Provider>,
    tokens: TokenSet,
) -> Result<(), WorkerError> {
    let claims = provider.userinfo_for(&tokens).await?;
    let config = provider.config();
    let (person, trust_domain) = match config.kind {
        ProviderKind::Psc => (
            oidc::psc_identity(&claims)?,
            external::ANS_DOMAIN.to_owned(),
        ),
        ProviderKind::Generic => (oidc::generic_identity(&claims)?, config.id.clone()),
    };
    let first = person.exercices.first();
    let identity = ExternalIdentity {
        trust_domain,
        method: LoginMethod::Provider {
            id: config.id.clone(),
        },
        national_id: person.national_id.clone(),
        given_name: person.given_name.clone(),
        family_name: person.family_name.clone(),
        profession_code: first.map(|e| e.profession_code.clone()),
        category_code: first.and_then(|e| e.category_code.clone()),
        specialty_code: first.and_then(|e| e.savoir_faire_code.clone()),
    };
    let activities: Vec<String> = person
        .exercices
        .iter()
        .flat_map(|e| e.activities.iter())
        .map(|a| {
            a.name
                .clone()
                .or_else(|| a.finess_site.clone())
                .or_else(|| a.structure_id.clone())
                .unwrap_or_default()
        })
        .collect();
    let pending = PendingLogin {
        activity: (activities.len() == 1).then(|| activities[0].clone()),
        identity,
        activities,
        tokens: Some(ProviderTokens { provider, tokens }),
    };
    if pending.activities.len() > 1 {
        let activities = pending.activities.clone();
        ctx.with_identity(|s| s.pending = Some(pending));
        ctx.emit(Event::ChooseActivity { activities }).await;
        return Ok(());
    }
    resolve(ctx, pending).await
}

/// Card logins join here once the PIN and the key were proven.
pub(super) async fn card_identified(
    ctx: &Arc<Context>,
    identity: ExternalIdentity,
) -> Result<(), WorkerError> {
    resolve(
        ctx,
        PendingLogin {
            identity,
            activities: Vec::new(),
            activity: None,
            tokens: None,
        },
    )
    .await
}

async fn resolve(ctx: &Arc<Context>, pending: PendingLogin) -> Result<(), WorkerError> {
    let identity = pending.identity.clone();
    let resolution = ctx
        .with_store(move |store| Ok(external::resolve(store, &identity)?))
        .await?;
    match resolution {
        Resolution::Session(session) => open_session(ctx, *session, pending).await,
        Resolution::NeedsLink { suggested_login } => {
            let identity = &pending.identity;
            let event = Event::NeedsLink {
                display_name: format!("{} {}", identity.given_name, identity.family_name),
                // An account already holds this national id: link it, do not duplicate it.
                can_create: suggested_login.is_none()
                    && external::role_for(
                        identity.profession_code.as_deref(),
                        identity.category_code.as_deref(),
                    )
                    .is_some(),
                suggested_login,
            };
            ctx.with_identity(|s| s.pending = Some(pending));
            ctx.emit(event).await;
            Ok(())
        }
    }
}

pub(super) async fn choose_activity(ctx: &Arc<Context>, index: usize) -> Result<(), WorkerError> {
    let mut pending = ctx
        .with_identity(|s| s.pending.take())
        .ok_or(WorkerError::NoPendingLogin)?;
    let chosen = pending
        .activities
        .get(index)
        .cloned()
        .ok_or(WorkerError::NoPendingLogin)?;
    pending.activity = Some(chosen);
    resolve(ctx, pending).await
}

pub(super) async fn complete_link(
    ctx: &Arc<Context>,
    choice: LinkChoice,
) -> Result<(), WorkerError> {
    let identity = ctx
        .with_identity(|s| s.pending.as_ref().map(|p| p.identity.clone()))
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
            ctx.with_identity(|s| s.pending = None);
            ctx.emit(Event::LinkRequested).await;
            return Ok(());
        }
        LinkChoice::CreateAccount => {
            ctx.with_store(move |store| Ok(external::create_account_for(store, &identity)?))
                .await?
        }
    };
    let pending = ctx
        .with_identity(|s| s.pending.take())
        .ok_or(WorkerError::NoPendingLogin)?;
    open_session(ctx, session, pending).await
}

pub(super) async fn abandon_login(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    if let Some(p) = ctx.with_identity(|s| s.pending.take())
        && let Some(t) = p.tokens
        && let Err(e) = t.provider.logout(&t.tokens).await
    {
        tracing::info!("provider logout after an abandoned login failed: {e}");
    }
    Ok(())
}

/// A proven identity with its account: unlocks the locked session of the same account,
/// else ends any other session and opens this one.
async fn open_session(
    ctx: &Arc<Context>,
    mut session: Session,
    pending: PendingLogin,
) -> Result<(), WorkerError> {
    session.activity = pending.activity.clone();
    let current = ctx.session();
    let locked = ctx.with_identity(|s| s.locked);
    if let Some(current) = current.filter(|_| locked) {
        if current.account_id == session.account_id {
            install(ctx, session, pending.tokens).await;
            let login = current.login.clone();
            ctx.with_store(move |store| {
                trace(
                    store,
                    &login,
                    AuditAction::SessionUnlocked,
                    "account",
                    current.account_id.0.to_string(),
                )
            })
            .await?;
            ctx.emit(Event::Unlocked).await;
            return Ok(());
        }
        super::session::end_session(ctx).await?;
    }
    tracing::info!(account = session.account_id.0, "signed in (external)");
    install(ctx, session.clone(), pending.tokens).await;
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
}

/// Makes `session` current, keeps its provider tokens and refreshes them while it lasts.
async fn install(ctx: &Arc<Context>, session: Session, tokens: Option<ProviderTokens>) {
    *ctx.session
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(session);
    let generation = ctx.with_identity(|s| {
        s.locked = false;
        s.generation += 1;
        s.pending = None;
        s.tokens = tokens;
        s.generation
    });
    if ctx.with_identity(|s| s.tokens.is_some()) {
        let worker = Arc::clone(ctx);
        tokio::spawn(async move { refresh_loop(worker, generation).await });
    }
}

/// Refreshes the provider tokens before they expire, until the session changes or the
/// provider stops answering (the local session goes on; only provider calls need tokens).
async fn refresh_loop(ctx: Arc<Context>, generation: u64) {
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let due = ctx.with_identity(|s| {
            if s.generation != generation {
                return None;
            }
            s.tokens.as_ref().map(|t| {
                (
                    Arc::clone(&t.provider),
                    t.tokens.needs_refresh(chrono::Utc::now()),
                )
            })
        });
        let Some((provider, needed)) = due else {
            return;
        };
        if !needed {
            continue;
        }
        let Some(current) = ctx.with_identity(|s| s.tokens.as_ref().map(|t| t.tokens.clone()))
        else {
            return;
        };
        match provider.refresh(&current).await {
            Ok(fresh) => ctx.with_identity(|s| {
                if s.generation == generation
                    && let Some(t) = s.tokens.as_mut()
                {
                    t.tokens = fresh;
                }
            }),
            Err(e) if e.is_retryable() => tracing::info!("token refresh failed, will retry: {e}"),
            Err(e) => {
                tracing::info!("token refresh refused; provider tokens dropped: {e}");
                ctx.with_identity(|s| {
                    if s.generation == generation {
                        s.tokens = None;
                    }
                });
                return;
            }
        }
    }
}

/// Forgets the provider tokens and logs out at the provider (best effort).
pub(super) async fn provider_logout(ctx: &Arc<Context>) {
    let tokens = ctx.with_identity(|s| {
        s.generation += 1;
        s.locked = false;
        s.pending = None;
        s.tokens.take()
    });
    if let Some(t) = tokens
        && let Err(e) = t.provider.logout(&t.tokens).await
    {
        tracing::info!("provider logout failed: {e}");
    }
}
