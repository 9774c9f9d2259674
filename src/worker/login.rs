//! Where every way in ends, whichever handler started it: an identity vouched for by a
//! provider (claims mapped, activity chosen) or proven by a card is resolved to an account
//! (`auth::external`), then opens, unlocks or switches the session; provider tokens are
//! refreshed while the session lasts and revoked at its end. The login state (pending first
//! logins, tokens, discovered providers, lock, the TOTP secret of an enrolment under way)
//! lives here.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use super::Event;
use super::audit;
use super::context::{Context, WorkerError};
use crate::auth::external::{self, ExternalIdentity, Resolution};
use crate::auth::oidc::{self, Provider, ProviderKind, TokenSet};
use crate::auth::{LoginMethod, Session};
use crate::store::audit::{AuditAction, AuditObject};

/// The login state the workers share.
#[derive(Default)]
pub(crate) struct LoginState {
    /// An external login waiting for the activity choice or the link.
    pending: Option<PendingLogin>,
    /// Tokens of the provider that opened the session.
    tokens: Option<ProviderTokens>,
    /// Discovered providers, by id.
    providers: HashMap<String, Arc<Provider>>,
    /// The UI locked the screen.
    locked: bool,
    /// Changes at each sign-in and sign-out, so that an old refresh loop stops.
    generation: u64,
    /// A TOTP secret shown to a local account enrolling, until its first code confirms it.
    enrolment: Option<(
        crate::store::accounts::AccountId,
        crate::auth::totp::TotpSecret,
    )>,
}

impl LoginState {
    pub fn set_locked(&mut self, locked: bool) {
        self.locked = locked;
    }

    /// Forgets the login waiting for a link (an administrator was asked).
    pub fn forget_pending(&mut self) {
        self.pending = None;
    }

    /// The identity of the first login waiting for a link.
    pub fn pending_identity(&self) -> Option<ExternalIdentity> {
        self.pending.as_ref().map(|p| p.identity.clone())
    }

    /// Keeps the secret shown to `account` for its enrolment (replacing any earlier one).
    pub fn set_enrolment(
        &mut self,
        account: crate::store::accounts::AccountId,
        secret: crate::auth::totp::TotpSecret,
    ) {
        self.enrolment = Some((account, secret));
    }

    /// The secret shown to `account`, while its enrolment is under way.
    pub fn enrolment(
        &self,
        account: crate::store::accounts::AccountId,
    ) -> Option<crate::auth::totp::TotpSecret> {
        self.enrolment
            .as_ref()
            .filter(|(a, _)| *a == account)
            .map(|(_, secret)| secret.clone())
    }

    pub fn forget_enrolment(&mut self) {
        self.enrolment = None;
    }
}

/// An external login not finished yet.
pub(super) struct PendingLogin {
    identity: ExternalIdentity,
    activities: Vec<String>,
    activity: Option<String>,
    tokens: Option<ProviderTokens>,
}

struct ProviderTokens {
    provider: Arc<Provider>,
    tokens: TokenSet,
}

/// A configured provider, discovered once.
pub(super) async fn provider(ctx: &Arc<Context>, id: &str) -> Result<Arc<Provider>, WorkerError> {
    if let Some(p) = ctx.with_login(|s| s.providers.get(id).cloned()) {
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
    ctx.with_login(|s| s.providers.insert(id.to_owned(), Arc::clone(&discovered)));
    Ok(discovered)
}

/// Traces a step of a login whose user is not known yet.
pub(super) async fn trace_attempt(
    ctx: &Arc<Context>,
    action: AuditAction,
    detail: String,
) -> Result<(), WorkerError> {
    audit::record(ctx, "anonymous", action, AuditObject::Login, detail).await
}

/// The provider vouched for someone: map the claims, then choose, link or open.
pub(super) async fn provider_identified(
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
        ctx.with_login(|s| s.pending = Some(pending));
        ctx.emit(Event::ChooseActivity { activities }).await;
        return Ok(());
    }
    resolve(ctx, pending).await
}

/// A card proved its PIN and its key: its holder signs in like any external identity.
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

/// The activity (structure) picked among several; then the login goes on.
pub(super) async fn choose_activity(ctx: &Arc<Context>, index: usize) -> Result<(), WorkerError> {
    let mut pending = ctx
        .with_login(|s| s.pending.take())
        .ok_or(WorkerError::NoPendingLogin)?;
    let chosen = pending
        .activities
        .get(index)
        .cloned()
        .ok_or(WorkerError::NoPendingLogin)?;
    pending.activity = Some(chosen);
    resolve(ctx, pending).await
}

async fn resolve(ctx: &Arc<Context>, pending: PendingLogin) -> Result<(), WorkerError> {
    let identity = pending.identity.clone();
    let resolution = ctx
        .with_store(move |store| Ok(external::resolve(store, &identity)?))
        .await?;
    match resolution {
        Resolution::Session(session) => open_session(ctx, *session, pending).await,
        // Linking or creating an account needs the record.
        Resolution::NeedsLink { .. } if ctx.link.is_degraded() => Err(WorkerError::OfflineLogin),
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
            ctx.with_login(|s| s.pending = Some(pending));
            ctx.emit(event).await;
            Ok(())
        }
    }
}

/// The first login was linked (or its account created): open its session.
pub(super) async fn linked(ctx: &Arc<Context>, session: Session) -> Result<(), WorkerError> {
    let pending = ctx
        .with_login(|s| s.pending.take())
        .ok_or(WorkerError::NoPendingLogin)?;
    open_session(ctx, session, pending).await
}

/// Drops the login waiting for a link or an activity (logging out of its provider).
pub(super) async fn abandon(ctx: &Arc<Context>) {
    if let Some(p) = ctx.with_login(|s| s.pending.take())
        && let Some(t) = p.tokens
        && let Err(e) = t.provider.logout(&t.tokens).await
    {
        tracing::info!("provider logout after an abandoned login failed: {e}");
    }
}

/// A proven identity with its account: unlocks the locked session of the same account (a card
/// session: the same certificate), else ends any other session and opens this one.
async fn open_session(
    ctx: &Arc<Context>,
    mut session: Session,
    pending: PendingLogin,
) -> Result<(), WorkerError> {
    session.activity = pending.activity.clone();
    let current = ctx.session();
    let locked = ctx.with_login(|s| s.locked);
    if let Some(current) = current.filter(|_| locked) {
        // A card session unlocks only with the certificate that opened it (issue 17): the
        // same account shown by another card gets a new session instead.
        if current.account_id == session.account_id
            && crate::auth::lock::unlocks(&current.method, &session.method)
        {
            install(ctx, session, pending.tokens);
            return unlocked(ctx, &current, "").await;
        }
        end_session(ctx).await?;
    }
    tracing::info!(account = session.account_id.0, "signed in (external)");
    install(ctx, session.clone(), pending.tokens);
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
}

/// The locked `session` is open again: traced (`how`: the proof asked, if not the first one),
/// then the screen unlocks.
pub(super) async fn unlocked(
    ctx: &Arc<Context>,
    session: &Session,
    how: &str,
) -> Result<(), WorkerError> {
    audit::record(
        ctx,
        &session.login,
        AuditAction::SessionUnlocked,
        AuditObject::Account(session.account_id.0),
        how,
    )
    .await?;
    ctx.with_login(|s| s.set_locked(false));
    ctx.emit(Event::Unlocked).await;
    Ok(())
}

/// A local sign-in: `check` proves the credentials against the store (refused while the shared
/// record is unreachable: said as such, `degraded::explain_refusal`), then the session opens;
/// `how` is logged.
pub(super) async fn sign_in_local<F>(
    ctx: &Arc<Context>,
    how: &'static str,
    check: F,
) -> Result<(), WorkerError>
where
    F: FnOnce(&mut crate::store::Store) -> Result<Session, WorkerError> + Send + 'static,
{
    let session = ctx
        .with_store(check)
        .await
        .map_err(|e| super::degraded::explain_refusal(ctx, e))?;
    tracing::info!(account = session.account_id.0, "{how}");
    open_local(ctx, session).await
}

/// Makes a local account's session current (ending any other first).
pub(super) async fn open_local(ctx: &Arc<Context>, session: Session) -> Result<(), WorkerError> {
    if ctx.session().is_some() {
        end_session(ctx).await?;
    }
    install(ctx, session.clone(), None);
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
}

/// Makes `session` current, keeps its provider tokens and refreshes them while it lasts.
/// Another account starts with nothing of the DMP cached by the previous one.
fn install(ctx: &Arc<Context>, session: Session, tokens: Option<ProviderTokens>) {
    super::degraded::after_sign_in(ctx, session.account_id);
    if let Some(previous) = ctx.set_session(Some(session.clone()))
        && previous.account_id != session.account_id
    {
        ctx.dmp_cache.clear();
    }
    let (generation, has_tokens) = ctx.with_login(|s| {
        s.locked = false;
        s.generation += 1;
        s.pending = None;
        s.enrolment = None;
        s.tokens = tokens;
        (s.generation, s.tokens.is_some())
    });
    if has_tokens {
        let worker = Arc::clone(ctx);
        tokio::spawn(async move { refresh_loop(worker, generation).await });
    }
}

/// Refreshes the provider tokens before they expire, until the session changes or the
/// provider stops answering (the local session goes on; only provider calls need tokens).
async fn refresh_loop(ctx: Arc<Context>, generation: u64) {
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        let due = ctx.with_login(|s| {
            if s.generation != generation {
                return None;
            }
            s.tokens.as_ref().map(|t| {
                (
                    Arc::clone(&t.provider),
                    t.tokens.needs_refresh(chrono::Utc::now()),
                    t.tokens.clone(),
                )
            })
        });
        let Some((provider, needed, current)) = due else {
            return;
        };
        if !needed {
            continue;
        }
        match provider.refresh(&current).await {
            Ok(fresh) => ctx.with_login(|s| {
                if s.generation == generation
                    && let Some(t) = s.tokens.as_mut()
                {
                    t.tokens = fresh;
                }
            }),
            Err(e) if e.is_retryable() => tracing::info!("token refresh failed, will retry: {e}"),
            Err(e) => {
                tracing::info!("token refresh refused; provider tokens dropped: {e}");
                ctx.with_login(|s| {
                    if s.generation == generation {
                        s.tokens = None;
                    }
                });
                return;
            }
        }
    }
}

/// Ends the current session: traced, provider tokens dropped and logged out at the provider.
pub(super) async fn end_session(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let previous = ctx.set_session(None);
    ctx.dmp_cache.clear();
    let tokens = ctx.with_login(|s| {
        s.generation += 1;
        s.locked = false;
        s.pending = None;
        s.enrolment = None;
        s.tokens.take()
    });
    if let Some(t) = tokens
        && let Err(e) = t.provider.logout(&t.tokens).await
    {
        tracing::info!("provider logout failed: {e}");
    }
    if let Some(s) = previous {
        audit::record(
            ctx,
            &s.login,
            AuditAction::Logout,
            AuditObject::Account(s.account_id.0),
            "",
        )
        .await?;
    }
    Ok(())
}
