//! What every handler shares: configuration, the store (behind a mutex, used from blocking
//! threads only), the current session, the running tasks and the event sender.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use super::{CancelToken, Event, TaskId, Waker};
use crate::auth::Session;
use crate::store::key::{KeyStorage, Keyring};
use crate::store::{Store, StoreError};

/// Where and how the workers keep data.
pub struct WorkerConfig {
    pub data_dir: PathBuf,
    pub key_storage: KeyStorage,
    /// Keyrings to try, most durable first (injected so tests choose).
    pub keyrings: Vec<Keyring>,
    /// Sandbox mode: seed demo data into an empty store.
    pub sandbox: bool,
    /// Who this installation is (needed to produce documents).
    pub establishment: Option<crate::domain::Establishment>,
    /// Limits of the CDA parser.
    pub cda_limits: crate::cda::Limits,
    /// How to reach the DMP (the sandbox DMP in sandbox mode); `None` when not configured.
    pub dmp: Option<crate::dmp::setup::DmpEndpoint>,
    /// OpenID providers offered at login (the sandbox PSC and hospital IdP in sandbox mode).
    pub providers: Vec<crate::auth::oidc::ProviderConfig>,
    pub card: CardConfig,
}

/// Where CPS cards come from.
#[derive(Default)]
pub struct CardConfig {
    /// Watch PC/SC readers.
    pub pcsc: bool,
    /// The sandbox virtual card (clearly labelled), for machines without a reader.
    pub virtual_card: Option<crate::sandbox::card::VirtualCps>,
}

pub(super) struct Context {
    pub config: WorkerConfig,
    store: Mutex<Option<Store>>,
    pub session: Mutex<Option<Session>>,
    pub tasks: Mutex<HashMap<TaskId, CancelToken>>,
    /// External logins in progress, provider tokens, lock state.
    pub identity: Mutex<super::handlers::identity::IdentityState>,
    /// The card in the reader, when any.
    pub card: Mutex<super::handlers::card::CardSlot>,
    /// The DMP consultation service, when a DMP is configured (the sandbox DMP by default).
    pub dmp: Option<crate::dmp::consult::DmpConsult>,
    /// Template of the DMP web portal's contextual URL.
    pub dmp_portal: Option<String>,
    events: mpsc::Sender<Event>,
    waker: Waker,
}

/// Errors of the worker plumbing around a service call.
#[derive(Debug, thiserror::Error)]
pub(super) enum WorkerError {
    #[error("store not open")]
    NotOpen,
    #[error("not signed in")]
    NoSession,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("blocking task failed: {0}")]
    Join(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    #[error(transparent)]
    Cda(#[from] crate::cda::CdaError),
    #[error(transparent)]
    Sandbox(#[from] crate::sandbox::seed::SeedError),
    #[error(transparent)]
    Form(#[from] crate::cda::produce::form::FormError),
    #[error(transparent)]
    Produce(#[from] crate::cda::produce::ProduceError),
    #[error("not configured: {0}")]
    NotConfigured(&'static str),
    #[error(transparent)]
    Xslt(#[from] crate::cda::xslt::XsltError),
    #[error(transparent)]
    Content(#[from] crate::cda::content::ContentError),
    #[error(transparent)]
    Oidc(#[from] crate::auth::oidc::OidcError),
    #[error(transparent)]
    Card(#[from] crate::card::CardError),
    #[error("no external login in progress")]
    NoPendingLogin,
    #[error(transparent)]
    Dmp(#[from] crate::dmp::error::DmpError),
}

impl WorkerError {
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NotOpen => "error-store-not-open",
            Self::NoSession => "error-no-session",
            Self::Forbidden => "error-forbidden",
            Self::Join(_) => "error-internal",
            Self::Store(e) => e.message_id(),
            Self::Auth(e) => e.message_id(),
            Self::Cda(e) => e.message_id(),
            Self::Sandbox(_) => "error-sandbox-seed",
            Self::Form(crate::cda::produce::form::FormError::Empty) => "error-produce-empty",
            Self::Form(_) => "error-internal",
            Self::Produce(crate::cda::produce::ProduceError::Missing { .. }) => {
                "error-produce-missing"
            }
            Self::Produce(_) => "error-produce-invalid",
            Self::NotConfigured(what) => what,
            Self::Xslt(e) => e.message_id(),
            Self::Content(e) => e.message_id(),
            Self::Oidc(e) => e.message_id(),
            Self::Card(e) => e.message_id(),
            Self::NoPendingLogin => "error-login-expired",
            Self::Dmp(e) => e.message_id(),
        }
    }

    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Auth(e) => e.is_retryable(),
            Self::Cda(e) => e.is_retryable(),
            Self::Sandbox(e) => e.is_retryable(),
            Self::Form(e) => e.is_retryable(),
            Self::Produce(e) => e.is_retryable(),
            Self::NotConfigured(_) => false,
            Self::Xslt(e) => e.is_retryable(),
            Self::Content(e) => e.is_retryable(),
            Self::Oidc(e) => e.is_retryable(),
            Self::Card(e) => e.is_retryable(),
            Self::NoPendingLogin => false,
            Self::Dmp(e) => e.is_retryable(),
            Self::NotOpen | Self::NoSession | Self::Forbidden | Self::Join(_) => false,
        }
    }
}

impl Context {
    pub fn new(mut config: WorkerConfig, events: mpsc::Sender<Event>, waker: Waker) -> Arc<Self> {
        let card = super::handlers::card::CardSlot::new(config.card.virtual_card.take());
        let dmp_portal = config.dmp.as_ref().and_then(|e| e.portal_template.clone());
        let dmp = config.dmp.as_ref().and_then(|endpoint| {
            endpoint
                .client()
                .inspect_err(|e| tracing::error!("DMP client unusable: {e}"))
                .ok()
                .map(crate::dmp::consult::DmpConsult::new)
        });
        Arc::new(Self {
            config,
            store: Mutex::new(None),
            session: Mutex::new(None),
            tasks: Mutex::new(HashMap::new()),
            identity: Mutex::new(Default::default()),
            card: Mutex::new(card),
            dmp,
            dmp_portal,
            events,
            waker,
        })
    }

    /// Queues an event and wakes the UI. Waits when the UI is behind (bounded queue).
    pub async fn emit(&self, event: Event) {
        if self.events.send(event).await.is_err() {
            tracing::debug!("UI gone; event dropped");
        }
        (self.waker)();
    }

    /// Resolves once the UI has dropped its end of the event queue (the window closed).
    pub async fn ui_gone(&self) {
        self.events.closed().await;
    }

    /// Queues an event without waiting, dropping it when the UI is behind (countdowns and
    /// other events the next one replaces).
    pub fn emit_now(&self, event: Event) {
        if self.events.try_send(event).is_err() {
            tracing::debug!("event queue full or closed; event dropped");
        }
        (self.waker)();
    }

    /// Same as [`Self::emit`], from a blocking thread (never from an async task).
    pub fn emit_blocking(&self, event: Event) {
        if self.events.blocking_send(event).is_err() {
            tracing::debug!("UI gone; event dropped");
        }
        (self.waker)();
    }

    pub fn set_store(&self, store: Store) {
        *self.store.lock().unwrap_or_else(PoisonError::into_inner) = Some(store);
    }

    /// Registers a cancellable task and returns its token.
    pub fn start_task(&self, task: TaskId) -> CancelToken {
        let token = CancelToken::default();
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(task, token.clone());
        token
    }

    /// Forgets a finished task.
    pub fn end_task(&self, task: TaskId) {
        self.tasks
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&task);
    }

    /// Runs `f` on the identity state.
    pub fn with_identity<T>(
        &self,
        f: impl FnOnce(&mut super::handlers::identity::IdentityState) -> T,
    ) -> T {
        f(&mut self.identity.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn session(&self) -> Option<Session> {
        self.session
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Runs `f` with the store on a blocking thread.
    pub async fn with_store<T, F>(self: &Arc<Self>, f: F) -> Result<T, WorkerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, WorkerError> + Send + 'static,
    {
        let ctx = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut guard = ctx.store.lock().unwrap_or_else(PoisonError::into_inner);
            let store = guard.as_mut().ok_or(WorkerError::NotOpen)?;
            f(store)
        })
        .await
        .map_err(|e| WorkerError::Join(e.to_string()))?
    }
}
