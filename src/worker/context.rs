//! What every handler shares: configuration, the store (behind a mutex, used from blocking
//! threads only), the current session, the login state, the card slot, the DMP service with
//! its caches, the running tasks, the stop flag of blocking workers and the event sender.
//! Built from lower modules only: no handler type lives here.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::mpsc;

use super::card_slot::CardSlot;
use super::demo::{DemoData, DemoError};
use super::dmp_cache::DmpCache;
use super::login::LoginState;
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
    /// Demo data (the sandbox): seeds an empty store, adds patients on request. `None` in
    /// production, where neither happens.
    pub demo: Option<Arc<dyn DemoData>>,
    /// Who this installation is (needed to produce documents).
    pub establishment: Option<crate::domain::Establishment>,
    /// Limits of the CDA parser.
    pub cda_limits: crate::cda::Limits,
    /// How to reach the DMP (the sandbox DMP in sandbox mode); `None` when not configured.
    pub dmp: Option<crate::dmp::setup::DmpEndpoint>,
    /// OpenID providers offered at login (the sandbox PSC and hospital IdP in sandbox mode).
    pub providers: Vec<crate::auth::oidc::ProviderConfig>,
    pub card: CardConfig,
    /// Establishment mode: the shared record (its password already read from the keyring).
    /// `None`: single workstation, the record is the encrypted file in `data_dir`.
    pub shared_record: Option<crate::store::PgTarget>,
    /// Establishment mode: days a folder opened here stays in the workstation's cache.
    pub cache_days: u32,
    /// Single-workstation mode: where and how the workers listen for HL7 v2 over MLLP (the
    /// GAM, the messaging gateway); `None`: no listener (establishment mode runs it in
    /// `chevet serve`).
    pub hl7_listen: Option<(std::net::SocketAddr, crate::hl7::listener::ListenerConfig)>,
    /// How documents are fed to the DMP; the workers drain the outbox in single-workstation
    /// mode (`chevet serve` does in establishment mode). `None`: production does not queue.
    pub outbox: Option<crate::outbox::OutboxSettings>,
    /// The Annuaire Santé FHIR API (the sandbox's by default); `None`: local directory only.
    pub annuaire: Option<crate::annuaire::fhir::AnnuaireSettings>,
    /// The INSi teleservice (the sandbox's by default, `[insi]` in production); `None`: the
    /// INS cannot be looked up.
    pub insi: Option<crate::insi::InsiSettings>,
}

/// Where CPS cards come from.
#[derive(Default)]
pub struct CardConfig {
    /// Watch PC/SC readers.
    pub pcsc: bool,
    /// A virtual card (the sandbox's, clearly labelled) for machines without a reader; it
    /// starts pulled.
    pub virtual_card: Option<Box<dyn crate::card::VirtualCard>>,
    /// The certificate checks (IGC-Santé roots, revocation); `None`: every card is refused.
    pub trust: Option<Arc<crate::card::CardTrust>>,
}

pub(super) struct Context {
    pub config: WorkerConfig,
    store: Mutex<Option<Store>>,
    session: Mutex<Option<Session>>,
    pub tasks: Mutex<HashMap<TaskId, CancelToken>>,
    /// External logins in progress, provider tokens, lock state.
    login: Mutex<LoginState>,
    /// The card in the reader, when any.
    pub card: Mutex<CardSlot>,
    /// The DMP consultation service, when a DMP is configured (the sandbox DMP by default).
    pub dmp: Option<crate::dmp::consult::DmpConsult>,
    /// The DMP web portal's contextual access (a single-use token per opening), when the
    /// DMP configuration names a context address.
    pub dmp_portal: Option<crate::dmp::consult::PortalClient>,
    /// The DMP rows shown and the DMP documents read, bounded.
    pub dmp_cache: DmpCache,
    /// Set when the UI's handle is gone: blocking workers (the PC/SC monitor) stop.
    stop: Arc<AtomicBool>,
    /// Wakes the outbox's lanes (a job queued, resumed, retried); stops them with the workers.
    pub(super) outbox_wake: Arc<tokio::sync::Notify>,
    pub(super) outbox_stop: Arc<crate::outbox::StopFlag>,
    /// The directory's import, when one runs.
    pub(super) directory: super::directory::DirectoryJobs,
    /// The Annuaire Santé API, when configured.
    pub(super) annuaire: Option<Arc<crate::annuaire::fhir::AnnuaireClient>>,
    /// The INSi client, when INSi is configured (`WorkerConfig::insi`).
    pub(super) insi: Option<crate::insi::InsiClient>,
    /// Where the workers' HL7 v2 listener listens, once started.
    hl7_addr: Mutex<Option<std::net::SocketAddr>>,
    /// The shared record's server process serving this workstation (0: none): live updates
    /// skip the changes it made.
    own_backend: AtomicI32,
    /// Establishment mode: the cache, and whether the workers read it (degraded mode).
    pub(super) link: super::degraded::RecordLink,
    /// Whether each service answers (the service-status panel).
    pub(super) services: Mutex<super::services::ServiceBoard>,
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
    Demo(#[from] DemoError),
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
    /// Degraded mode: only accounts that signed in on this workstation can sign in.
    #[error("sign-in refused while the shared record is unreachable")]
    OfflineLogin,
    #[error(transparent)]
    Dmp(#[from] crate::dmp::error::DmpError),
    #[error(transparent)]
    Annuaire(#[from] crate::annuaire::fhir::AnnuaireError),
    #[error(transparent)]
    Insi(#[from] crate::insi::InsiError),
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
    #[error(transparent)]
    Indicators(#[from] crate::indicators::IndicatorsError),
    #[error(transparent)]
    Portability(#[from] crate::portability::PortabilityError),
    #[error(transparent)]
    Settings(#[from] crate::settings::SettingsError),
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
            Self::Demo(_) => "error-sandbox-seed",
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
            Self::OfflineLogin => "error-login-offline",
            Self::Dmp(e) => e.message_id(),
            Self::Annuaire(crate::annuaire::fhir::AnnuaireError::Unauthorized { .. }) => {
                "error-annuaire-key"
            }
            Self::Annuaire(e) if e.is_retryable() => "error-annuaire-unavailable",
            Self::Annuaire(_) => "error-annuaire-refused",
            Self::Insi(e) => e.message_id(),
            Self::Backup(e) => e.message_id(),
            Self::Indicators(e) => e.message_id(),
            Self::Portability(e) => e.message_id(),
            Self::Settings(e) => e.message_id(),
        }
    }

    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Auth(e) => e.is_retryable(),
            Self::Cda(e) => e.is_retryable(),
            Self::Demo(e) => e.retryable,
            Self::Form(e) => e.is_retryable(),
            Self::Produce(e) => e.is_retryable(),
            Self::NotConfigured(_) => false,
            Self::Xslt(e) => e.is_retryable(),
            Self::Content(e) => e.is_retryable(),
            Self::Oidc(e) => e.is_retryable(),
            Self::Card(e) => e.is_retryable(),
            Self::NoPendingLogin => false,
            Self::OfflineLogin => true,
            Self::Dmp(e) => e.is_retryable(),
            Self::Annuaire(e) => e.is_retryable(),
            Self::Insi(e) => e.is_retryable(),
            Self::Backup(e) => e.is_retryable(),
            Self::Indicators(e) => e.is_retryable(),
            Self::Portability(e) => e.is_retryable(),
            Self::Settings(e) => e.is_retryable(),
            Self::NotOpen | Self::NoSession | Self::Forbidden | Self::Join(_) => false,
        }
    }
}

impl Context {
    pub fn new(mut config: WorkerConfig, events: mpsc::Sender<Event>, waker: Waker) -> Arc<Self> {
        let card = CardSlot::new(config.card.virtual_card.take());
        let dmp_portal = config
            .dmp
            .as_ref()
            .and_then(crate::dmp::consult::PortalClient::from_endpoint);
        let dmp = config.dmp.as_ref().and_then(|endpoint| {
            endpoint
                .client()
                .inspect_err(|e| tracing::error!("DMP client unusable: {e}"))
                .ok()
                .map(crate::dmp::consult::DmpConsult::new)
        });
        let services = super::services::initial(&config);
        let annuaire = config.annuaire.clone().and_then(|settings| {
            crate::annuaire::fhir::AnnuaireClient::new(settings)
                .inspect_err(|e| tracing::error!("Annuaire Santé client unusable: {e}"))
                .ok()
                .map(Arc::new)
        });
        let insi = config.insi.as_ref().and_then(|settings| {
            crate::insi::InsiClient::new(settings)
                .inspect_err(|e| tracing::error!("INSi client unusable: {e}"))
                .ok()
        });
        Arc::new(Self {
            insi,
            services,
            config,
            store: Mutex::new(None),
            session: Mutex::new(None),
            tasks: Mutex::new(HashMap::new()),
            login: Mutex::new(LoginState::default()),
            card: Mutex::new(card),
            dmp,
            dmp_portal,
            dmp_cache: DmpCache::default(),
            stop: Arc::new(AtomicBool::new(false)),
            hl7_addr: Mutex::new(None),
            outbox_wake: Arc::new(tokio::sync::Notify::new()),
            outbox_stop: Arc::new(crate::outbox::StopFlag::default()),
            directory: super::directory::DirectoryJobs::default(),
            annuaire,
            own_backend: AtomicI32::new(0),
            link: super::degraded::RecordLink::default(),
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

    /// The flag blocking workers poll: set as soon as the UI's handle is dropped.
    /// The workers' HL7 v2 listener's address, once it listens.
    pub fn hl7_addr(&self) -> Option<std::net::SocketAddr> {
        *self.hl7_addr.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn set_hl7_addr(&self, addr: std::net::SocketAddr) {
        *self.hl7_addr.lock().unwrap_or_else(PoisonError::into_inner) = Some(addr);
    }

    /// The INSi client, or why there is none (`error-insi-not-configured`).
    pub(super) fn insi_client(&self) -> Result<&crate::insi::InsiClient, WorkerError> {
        self.insi
            .as_ref()
            .ok_or(WorkerError::NotConfigured("error-insi-not-configured"))
    }

    /// The UI dropped its handle: long-running tasks end.
    pub fn is_stopping(&self) -> bool {
        self.stop.load(Ordering::Acquire)
    }

    pub fn stop_flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.stop)
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

    /// Remembers which server process serves this workstation on the shared record.
    pub fn set_own_backend(&self, pid: Option<i32>) {
        self.own_backend.store(pid.unwrap_or(0), Ordering::Relaxed);
    }

    /// The server process serving this workstation on the shared record (0: none).
    pub fn own_backend(&self) -> i32 {
        self.own_backend.load(Ordering::Relaxed)
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

    /// Runs `f` on the login state.
    pub fn with_login<T>(&self, f: impl FnOnce(&mut LoginState) -> T) -> T {
        f(&mut self.login.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// Makes `session` the current one (or none).
    pub fn set_session(&self, session: Option<Session>) -> Option<Session> {
        std::mem::replace(
            &mut self.session.lock().unwrap_or_else(PoisonError::into_inner),
            session,
        )
    }

    /// The current session, if its role has `right`.
    pub fn require(&self, right: crate::domain::Right) -> Result<Session, WorkerError> {
        let session = self.session().ok_or(WorkerError::NoSession)?;
        if session.role.has(right) {
            Ok(session)
        } else {
            Err(WorkerError::Forbidden)
        }
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
        tokio::task::spawn_blocking(move || ctx.with_store_blocking(f))
            .await
            .map_err(|e| WorkerError::Join(e.to_string()))?
    }

    /// Runs `f` on this workstation's own store, on a blocking thread: the record of a single
    /// workstation, the cache of an establishment one (what is about this workstation only).
    pub async fn with_local<T, F>(self: &Arc<Self>, f: F) -> Result<T, WorkerError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, WorkerError> + Send + 'static,
    {
        if self.config.shared_record.is_none() {
            return self.with_store(f).await;
        }
        let ctx = Arc::clone(self);
        tokio::task::spawn_blocking(move || ctx.link.with_cache(f))
            .await
            .map_err(|e| WorkerError::Join(e.to_string()))?
    }

    /// Runs `f` with the store, on the calling blocking thread. In establishment mode, `f`
    /// runs on the cache while the record is unreachable (degraded mode), which it enters when
    /// the record's connection cannot be restored or fails under `f`.
    pub fn with_store_blocking<T>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, WorkerError>,
    ) -> Result<T, WorkerError> {
        let degradable = self.config.shared_record.is_some() && self.link.has_cache();
        if degradable && self.link.is_degraded() {
            return self.link.with_cache(f);
        }
        let mut guard = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        let store = guard.as_mut().ok_or(WorkerError::NotOpen)?;
        if store.is_connection_lost() {
            match store.reconnect() {
                Ok(()) => self.set_own_backend(store.backend_pid()),
                Err(e) if degradable && e.is_unreachable() => {
                    drop(guard);
                    super::degraded::enter(self);
                    return self.link.with_cache(f);
                }
                Err(e) => return Err(e.into()),
            }
        }
        let result = f(store);
        if degradable
            && let Err(WorkerError::Store(e)) = &result
            && e.is_unreachable()
        {
            drop(guard);
            super::degraded::enter(self);
        }
        result
    }

    /// Runs `f` with the record itself (never the cache), on the calling blocking thread;
    /// connects to the shared record first when the workstation started without reaching it.
    pub fn with_record_blocking<T>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, WorkerError>,
    ) -> Result<T, WorkerError> {
        let mut guard = self.store.lock().unwrap_or_else(PoisonError::into_inner);
        if guard.is_none()
            && let Some(target) = &self.config.shared_record
        {
            let store = Store::connect_workstation(target)?;
            self.set_own_backend(store.backend_pid());
            *guard = Some(store);
        }
        f(guard.as_mut().ok_or(WorkerError::NotOpen)?)
    }
}

/// Runs CPU-bound work (parsing, decoding) on a blocking thread.
pub(super) async fn blocking<T, F>(f: F) -> Result<T, WorkerError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| WorkerError::Join(e.to_string()))
}
