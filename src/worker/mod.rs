//! The worker side of Chevet: the one `Request` enum the UI sends, the one `Event` enum the
//! workers send back, and the handle that joins them. All I/O (database, keyring, network,
//! card) runs here, on the tokio runtime that `main.rs` builds; the UI only calls
//! [`WorkerHandle::send`] (never blocks) and drains events each frame.
//!
//! Workers wake the UI through an injected [`Waker`] so that nothing here knows egui.

mod cancel;
mod context;
mod dmp;
mod handlers;
mod identity;

use std::sync::Arc;

use tokio::sync::mpsc;
use zeroize::Zeroizing;

pub use cancel::{CancelToken, TaskId};
pub use context::{CardConfig, WorkerConfig};
pub use dmp::{DmpListRow, DmpOrigin, DmpToIntegrate, IntegrationReport};
pub use handlers::dmp::{COUNT_KINDS_SETTING, DEFAULT_COUNT_KINDS};
pub use identity::{
    CardStatus, DmpFolderStatus, LinkChoice, PendingLinkInfo, PinOutcome, ProviderInfo,
};

use crate::auth::Session;
use crate::cda::content::{DecodedImage, ViewContent};
use crate::cda::narrative::StructuredDocument;
use crate::domain::{DocumentId, DocumentSummary, Episode, Patient, PatientId};
use crate::store::KeyOrigin;
use crate::store::patients::SearchResult;

/// Wakes the UI after an event was queued (in the app: `egui::Context::request_repaint`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Capacity of the request queue; beyond it the UI is told the workers are busy.
pub const REQUEST_QUEUE: usize = 64;
/// Capacity of the event queue; workers wait when the UI is behind.
pub const EVENT_QUEUE: usize = 256;

/// What the UI asks of the workers. Each variant names the function that handles it.
pub enum Request {
    /// Open (create, migrate, seed in sandbox mode) the store. `handlers::open_store`.
    OpenStore,
    /// Check a local account's password. `handlers::login` → `auth::local::login`.
    Login {
        login: String,
        password: Zeroizing<String>,
    },
    /// Create the first administrator of an installation without accounts.
    /// `handlers::create_first_admin` → `auth::local::create_account`.
    CreateFirstAdmin {
        login: String,
        display_name: String,
        password: Zeroizing<String>,
    },
    /// End the session. `handlers::logout`.
    Logout,
    /// Search the patient list. `handlers::search_patients` → `store::patients::search`.
    SearchPatients { generation: u64, query: String },
    /// Load a patient folder: identity, episodes, documents.
    /// `handlers::open_folder` → `store::{patients, episodes, documents}`.
    OpenFolder { patient: PatientId },
    /// Load a document for the viewer. `handlers::open_document` → `store::documents::raw`,
    /// `cda::parse`.
    OpenDocument { document: DocumentId },
    /// Render one page of a PDF for the viewer `view`.
    /// `handlers::render_pdf_page` → `pdf::PdfEngine::render`.
    RenderPdfPage {
        view: u64,
        pdf: Arc<Vec<u8>>,
        page: usize,
        width_px: u32,
    },
    /// Produce a document from the local form (CDA N3 with its PDF copy, stored as a local
    /// document). `handlers::produce::produce_document` → `cda::produce`.
    ProduceDocument {
        patient: PatientId,
        episode: Option<crate::domain::EpisodeId>,
        form: Box<crate::cda::produce::form::ProductionForm>,
    },
    /// Decode one embedded content of a document for the viewer.
    /// `handlers::folder::open_attachment` → `cda::content::view_content`.
    /// `raw`: the bytes of a DMP document not in the store.
    OpenAttachment {
        document: DocumentId,
        index: usize,
        raw: Option<Arc<Vec<u8>>>,
    },
    /// Show a document through its XSL stylesheet (its own, or the agency's) in the system
    /// browser. `handlers::stylesheet::open_with_stylesheet` → `xsltproc`.
    /// `raw`: the bytes of a DMP document not in the store.
    OpenWithStylesheet {
        document: DocumentId,
        raw: Option<Arc<Vec<u8>>>,
    },
    /// Save one setting. `handlers::save_setting` → `store::settings::set`.
    SaveSetting { key: String, value: String },
    /// Add demo patients to the sandbox (load tests). Long: progress and cancel.
    /// `handlers::generate_patients` → `sandbox::seed::bulk`.
    GeneratePatients { task: TaskId, count: usize },
    /// Walk the audit chain. `handlers::verify_audit` → `store::audit::verify`.
    VerifyAudit,
    /// Cancel a long task. `handlers::cancel`.
    Cancel { task: TaskId },
    /// Sign in with an OpenID provider in the system browser (PKCE, loopback redirect);
    /// cancellable. `handlers::identity::provider_login` → `auth::oidc`.
    ProviderLogin { task: TaskId, provider: String },
    /// Sign in by CIBA: the professional approves on their e-CPS; cancellable, with a
    /// countdown. `handlers::identity::ciba_login` → `auth::oidc::ciba_wait`.
    CibaLogin {
        task: TaskId,
        provider: String,
        national_id: String,
    },
    /// The activity (structure) a professional with several picked.
    /// `handlers::identity::choose_activity`.
    ChooseActivity { index: usize },
    /// End a first external login: link with a password, ask an administrator, or create
    /// an account. `handlers::identity::complete_link` → `auth::external`.
    CompleteLink(LinkChoice),
    /// Drop a pending external login. `handlers::identity::abandon_login`.
    AbandonLogin,
    /// The PIN of the inserted card: opens, unlocks or switches the session.
    /// `handlers::card::submit_pin` → `card::cps`.
    CardPin { pin: Zeroizing<String> },
    /// Insert or pull the sandbox virtual card. `handlers::card::virtual_card`.
    VirtualCard { inserted: bool },
    /// The UI locked the screen; trace it. `handlers::session::lock`.
    Lock {
        reason: crate::auth::lock::LockReason,
    },
    /// Unlock a session opened by password. `handlers::session::unlock_with_password`.
    UnlockWithPassword { password: Zeroizing<String> },
    /// Identity links waiting for an administrator. `handlers::admin::pending_links`.
    PendingLinks,
    /// Approve or refuse a pending link. `handlers::admin::decide_link`.
    DecideLink { id: i64, approve: bool },
    /// Record the patient's information / opposition for an episode, then re-evaluate the
    /// DMP. `handlers::dmp::record_consent` → `store::consent::record`.
    RecordConsent {
        patient: PatientId,
        episode: crate::domain::EpisodeId,
        change: crate::domain::ConsentChange,
    },
    /// Ask the DMP again (retry, or count the new documents where it does not run by
    /// itself): badge, authorization, new documents.
    /// `handlers::dmp::folder_dmp` → `dmp::consult`.
    RefreshDmp { patient: PatientId },
    /// Open the DMP web portal in the patient's context in the system browser.
    /// `handlers::dmp::open_portal` → `dmp::consult::portal_url`.
    OpenDmpPortal {
        patient: PatientId,
        page: crate::dmp::consult::PortalPage,
    },
    /// Write the DPO's CSV extraction of the DMP accesses.
    /// `handlers::admin::export_dmp_traces` → `store::audit::with_action`.
    ExportDmpTraces,
    /// Multi-criteria search of the patient's DMP (TD3.1).
    /// `handlers::dmp_documents::search` → `dmp::consult::search`.
    SearchDmp {
        patient: PatientId,
        criteria: Box<crate::dmp::consult::SearchCriteria>,
    },
    /// Read a DMP document into the viewer (TD3.2).
    /// `handlers::dmp_documents::view` → `dmp::consult::retrieve`.
    ViewDmpDocument {
        patient: PatientId,
        row: Box<crate::dmp::consult::DmpDocumentRow>,
    },
    /// Integrate DMP documents into the folder; progress and cancel; `open`: show the first
    /// one after. `handlers::dmp_documents::integrate` → `store::documents::integrate`.
    IntegrateDmp {
        task: TaskId,
        patient: PatientId,
        documents: Vec<DmpToIntegrate>,
        open: bool,
    },
    /// Make a DMP document visible to the patient and/or the legal representatives (TD3.3b).
    /// `handlers::dmp_documents::make_visible` → `dmp::consult::make_visible`.
    MakeDmpVisible {
        patient: PatientId,
        row: Box<crate::dmp::consult::DmpDocumentRow>,
        to_patient: bool,
        to_legal_representatives: bool,
    },
}

impl std::fmt::Debug for Request {
    /// Names the variant only: requests carry passwords and search text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::OpenStore => "OpenStore",
            Self::Login { .. } => "Login",
            Self::CreateFirstAdmin { .. } => "CreateFirstAdmin",
            Self::Logout => "Logout",
            Self::SearchPatients { .. } => "SearchPatients",
            Self::OpenFolder { .. } => "OpenFolder",
            Self::OpenDocument { .. } => "OpenDocument",
            Self::RenderPdfPage { .. } => "RenderPdfPage",
            Self::ProduceDocument { .. } => "ProduceDocument",
            Self::OpenWithStylesheet { .. } => "OpenWithStylesheet",
            Self::OpenAttachment { .. } => "OpenAttachment",
            Self::SaveSetting { .. } => "SaveSetting",
            Self::GeneratePatients { .. } => "GeneratePatients",
            Self::VerifyAudit => "VerifyAudit",
            Self::Cancel { .. } => "Cancel",
            Self::ProviderLogin { .. } => "ProviderLogin",
            Self::CibaLogin { .. } => "CibaLogin",
            Self::ChooseActivity { .. } => "ChooseActivity",
            Self::CompleteLink(_) => "CompleteLink",
            Self::AbandonLogin => "AbandonLogin",
            Self::CardPin { .. } => "CardPin",
            Self::VirtualCard { .. } => "VirtualCard",
            Self::Lock { .. } => "Lock",
            Self::UnlockWithPassword { .. } => "UnlockWithPassword",
            Self::PendingLinks => "PendingLinks",
            Self::DecideLink { .. } => "DecideLink",
            Self::RecordConsent { .. } => "RecordConsent",
            Self::RefreshDmp { .. } => "RefreshDmp",
            Self::ExportDmpTraces => "ExportDmpTraces",
            Self::OpenDmpPortal { .. } => "OpenDmpPortal",
            Self::SearchDmp { .. } => "SearchDmp",
            Self::ViewDmpDocument { .. } => "ViewDmpDocument",
            Self::IntegrateDmp { .. } => "IntegrateDmp",
            Self::MakeDmpVisible { .. } => "MakeDmpVisible",
        })
    }
}

/// What a failed request was doing, so the UI shows the error in the right place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    OpenStore,
    Login,
    CreateAccount,
    Search,
    OpenFolder,
    OpenDocument,
    RenderPdf,
    Produce,
    SaveSetting,
    GeneratePatients,
    VerifyAudit,
    /// OpenID provider or CIBA login.
    ProviderLogin,
    /// Card reading, PIN, card login.
    Card,
    /// Linking an external identity, administrators' approvals.
    Link,
    Unlock,
    /// The DMP part of the folder (consent, badge, counts).
    Dmp,
}

/// An error for the user: a Fluent message id (never data) and whether retrying may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    pub id: &'static str,
    pub retryable: bool,
}

/// State of the store once opened.
#[derive(Debug, Clone)]
pub struct StoreInfo {
    pub key_origin: KeyOrigin,
    pub patients: usize,
    pub documents: usize,
    pub accounts: usize,
    pub settings: Vec<(String, String)>,
    /// The OpenID providers configured.
    pub providers: Vec<ProviderInfo>,
    /// The sandbox virtual card can be inserted.
    pub virtual_card: bool,
}

/// An embedded content of a document, as the viewer lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentInfo {
    /// Index in `CdaDocument::attachments`.
    pub index: usize,
    pub media_type: String,
    /// Section title or media id: what the document calls it.
    pub title: String,
    /// Decoded size, estimated from the base64 length.
    pub size_bytes: usize,
}

/// A document ready for the viewer.
#[derive(Clone)]
pub struct LoadedDocument {
    pub summary: DocumentSummary,
    /// What opens first: the PDF (N1 body or N3 PDF copy), else the N1 text or image; `None`
    /// for an N3 without PDF copy (the structured view opens first).
    pub main: Option<ViewContent>,
    /// Why the first content could not be decoded (Fluent id).
    pub main_error: Option<&'static str>,
    /// The structured view of an N3 document.
    pub structured: Option<Arc<StructuredDocument>>,
    /// Images the narratives show inline, by media id.
    pub media_images: Vec<(String, Arc<DecodedImage>)>,
    pub attachments: Vec<AttachmentInfo>,
    /// The current version of the document's chain, when this one is older.
    pub newer: Option<DocumentSummary>,
    /// Read from the DMP (not necessarily integrated): `summary.id` is `NOT_STORED`.
    pub dmp: Option<DmpOrigin>,
}

/// What the workers tell the UI. Each variant names the app function that applies it.
pub enum Event {
    /// The store is open. `ChevetApp::on_store_ready`.
    StoreReady(StoreInfo),
    /// Login accepted. `ChevetApp::on_logged_in`.
    LoggedIn(Session),
    /// The session ended. `ChevetApp::on_logged_out`.
    LoggedOut,
    /// Patients matching a search; stale generations are ignored. `PatientListState::apply`.
    Patients {
        generation: u64,
        result: SearchResult,
    },
    /// A folder is loaded. `ChevetApp::on_folder`.
    Folder {
        patient: Patient,
        episodes: Vec<Episode>,
        documents: Vec<DocumentSummary>,
    },
    /// A document is loaded. `ChevetApp::on_document`.
    Document(Box<LoadedDocument>),
    /// An embedded content is decoded. `DocumentState::apply_attachment`.
    Attachment {
        document: DocumentId,
        index: usize,
        content: ViewContent,
    },
    /// A PDF page is rendered. `PdfView::apply_page`.
    PdfPage {
        view: u64,
        page: Box<crate::pdf::RenderedPage>,
    },
    /// A PDF page could not be rendered. `PdfView::apply_error`.
    PdfFailed {
        view: u64,
        page: usize,
        message: &'static str,
    },
    /// A document was produced and stored. `ChevetApp::on_document_produced`.
    DocumentProduced {
        patient: PatientId,
        document: DocumentId,
    },
    /// A file for the system browser is ready. `ChevetApp::apply_event` (opens the URL).
    OpenInBrowser { url: String },
    /// Progress of a long task. `ChevetApp::on_progress`.
    Progress {
        task: TaskId,
        done: usize,
        total: usize,
    },
    /// A long task ended (also when cancelled). `ChevetApp::on_task_finished`.
    TaskFinished { task: TaskId, cancelled: bool },
    /// The audit chain was walked. `ChevetApp::on_audit_verified`.
    AuditVerified { rows: usize, intact: bool },
    /// The system browser shows the provider's login page; waiting for its redirect.
    /// `LoginState::on_browser_waiting`.
    BrowserWaiting { task: TaskId },
    /// The provider accepted the CIBA request: show the binding message.
    /// `LoginState::on_ciba_started`.
    CibaStarted {
        task: TaskId,
        binding_message: String,
        expires_in_s: u64,
    },
    /// Seconds left before the CIBA request expires. `LoginState::on_ciba_countdown`.
    CibaCountdown { task: TaskId, seconds_left: u64 },
    /// The professional has several activities: pick one. `ChevetApp::on_choose_activity`.
    ChooseActivity { activities: Vec<String> },
    /// First external login: link to a local account or create one. `ChevetApp::on_needs_link`.
    NeedsLink {
        display_name: String,
        suggested_login: Option<String>,
        can_create: bool,
    },
    /// The link request waits for an administrator. `ChevetApp::on_link_requested`.
    LinkRequested,
    /// Card reader state changed. `ChevetApp::on_card`.
    Card(CardStatus),
    /// The PIN was refused. `ChevetApp::on_pin_refused`.
    PinRefused(PinOutcome),
    /// The locked session is open again. `ChevetApp::on_unlocked`.
    Unlocked,
    /// Link requests for the administrator. `SettingsState::pending_links`.
    PendingLinks(Vec<PendingLinkInfo>),
    /// The DMP state of a folder: the open episode's record and what it allows, the badge.
    /// `FolderState::apply_dmp`.
    DmpFolder {
        patient: PatientId,
        episode: Option<crate::domain::EpisodeId>,
        consent: Option<crate::domain::EpisodeConsent>,
        status: DmpFolderStatus,
    },
    /// An extraction was written there. `SettingsState::exported`.
    Exported { path: std::path::PathBuf },
    /// Documents added to the DMP by others since `since` (the last visit; `None`: ever).
    /// `FolderState::apply_new_documents`.
    DmpNewDocuments {
        patient: PatientId,
        count: usize,
        invisible: usize,
        since: Option<chrono::NaiveDate>,
    },
    /// The DMP's documents matching the folder's search. `DocumentListState::set_dmp`.
    DmpDocuments {
        patient: PatientId,
        rows: Vec<DmpListRow>,
    },
    /// The DMP list could not be read. `DocumentListState::dmp_failed`.
    DmpDocumentsFailed {
        patient: PatientId,
        message: UserMessage,
    },
    /// DMP documents were integrated; the folder's documents as they are now.
    /// `ChevetApp::on_dmp_integrated`.
    DmpIntegrated {
        patient: PatientId,
        report: IntegrationReport,
        documents: Vec<DocumentSummary>,
    },
    /// A DMP document's visibility changed (its metadata have a new entry).
    /// `DocumentListState::replace_dmp_row`.
    DmpVisibilityChanged {
        patient: PatientId,
        previous_entry: String,
        row: Box<crate::dmp::consult::DmpDocumentRow>,
        documents: Vec<DocumentSummary>,
    },
    /// The DMP has a newer version of a local document, or deleted it.
    /// `DocumentState::dmp_check`.
    DmpVersion {
        document: DocumentId,
        check: crate::dmp::consult::VersionCheck,
    },
    /// A request failed. `ChevetApp::on_failed`.
    Failed {
        operation: Operation,
        message: UserMessage,
    },
}

impl std::fmt::Debug for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed { operation, message } => {
                write!(f, "Failed({operation:?}, {})", message.id)
            }
            Self::Progress { task, done, total } => {
                write!(f, "Progress({task:?}, {done}/{total})")
            }
            other => f.write_str(match other {
                Self::StoreReady(_) => "StoreReady",
                Self::LoggedIn(_) => "LoggedIn",
                Self::LoggedOut => "LoggedOut",
                Self::Patients { .. } => "Patients",
                Self::Folder { .. } => "Folder",
                Self::Document(_) => "Document",
                Self::PdfPage { .. } => "PdfPage",
                Self::Attachment { .. } => "Attachment",
                Self::DocumentProduced { .. } => "DocumentProduced",
                Self::OpenInBrowser { .. } => "OpenInBrowser",
                Self::PdfFailed { .. } => "PdfFailed",
                Self::TaskFinished { .. } => "TaskFinished",
                Self::AuditVerified { .. } => "AuditVerified",
                Self::BrowserWaiting { .. } => "BrowserWaiting",
                Self::CibaStarted { .. } => "CibaStarted",
                Self::CibaCountdown { .. } => "CibaCountdown",
                Self::ChooseActivity { .. } => "ChooseActivity",
                Self::NeedsLink { .. } => "NeedsLink",
                Self::LinkRequested => "LinkRequested",
                Self::Card(_) => "Card",
                Self::PinRefused(_) => "PinRefused",
                Self::Unlocked => "Unlocked",
                Self::PendingLinks(_) => "PendingLinks",
                Self::DmpFolder { .. } => "DmpFolder",
                Self::DmpNewDocuments { .. } => "DmpNewDocuments",
                Self::Exported { .. } => "Exported",
                Self::DmpDocuments { .. } => "DmpDocuments",
                Self::DmpDocumentsFailed { .. } => "DmpDocumentsFailed",
                Self::DmpIntegrated { .. } => "DmpIntegrated",
                Self::DmpVisibilityChanged { .. } => "DmpVisibilityChanged",
                Self::DmpVersion { .. } => "DmpVersion",
                Self::Failed { .. } | Self::Progress { .. } => "",
            }),
        }
    }
}

/// Why a request could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("the workers are busy")]
    Busy,
    #[error("the workers have stopped")]
    Stopped,
}

/// The UI's end of the worker runtime.
#[derive(Clone)]
pub struct WorkerHandle {
    requests: mpsc::Sender<Request>,
}

impl WorkerHandle {
    /// Queues a request without waiting.
    pub fn send(&self, request: Request) -> Result<(), SendError> {
        self.requests.try_send(request).map_err(|e| match e {
            mpsc::error::TrySendError::Full(r) => {
                tracing::warn!(request = ?r, "request queue full");
                SendError::Busy
            }
            mpsc::error::TrySendError::Closed(_) => SendError::Stopped,
        })
    }
}

/// Starts the dispatcher on `runtime` and returns the UI's ends of both queues.
pub fn start(
    runtime: &tokio::runtime::Handle,
    config: WorkerConfig,
    waker: Waker,
) -> (WorkerHandle, mpsc::Receiver<Event>) {
    let (req_tx, req_rx) = mpsc::channel(REQUEST_QUEUE);
    let (ev_tx, ev_rx) = mpsc::channel(EVENT_QUEUE);
    let ctx = context::Context::new(config, ev_tx, waker);
    runtime.spawn(handlers::dispatch(ctx, req_rx));
    (WorkerHandle { requests: req_tx }, ev_rx)
}
