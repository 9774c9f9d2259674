//! The worker side of Chevet: the one `Request` enum the UI sends, the one `Event` enum the
//! workers send back, and the handle that joins them. All I/O (database, keyring, network,
//! card) runs here, on the tokio runtime that `main.rs` builds; the UI only calls
//! [`WorkerHandle::send`] (never blocks) and drains events each frame.
//!
//! Workers wake the UI through an injected [`Waker`] so that nothing here knows egui.

mod access;
mod accounts;
mod audit;
mod backup;
mod cancel;
mod card_slot;
mod chart_image;
mod context;
mod degraded;
pub mod demo;
mod directory;
mod dmp_cache;
mod dmp_documents;
mod dmp_folder;
mod documents;
mod handlers;
mod identity;
mod identity_compare;
mod identity_decisions;
mod indicators;
mod intake;
mod login;
mod outbox;
mod payloads;
mod portability;
mod record_listener;
mod services;

use std::sync::Arc;

use tokio::sync::mpsc;
use zeroize::Zeroizing;

pub use crate::annuaire::import::ImportProgress;
pub use accounts::{AccountId, AccountRow};
pub use backup::{BackupRow, BackupsInfo};
pub use cancel::{CancelToken, TaskId};
pub use context::{CardConfig, WorkerConfig};
pub use degraded::RecordStatus;
pub use demo::{DemoData, DemoError};
pub use identity::InsSearchOutcome;
pub use identity_compare::{
    Agreement, InsComparison, ReturnedIdentity, TraitComparison, TraitField,
};
pub use identity_decisions::{Decided, VigilanceError};
pub use intake::{AlertRow, HospitalScenario, InboxRow, IntakeCounts, ReceivedRow};
pub use payloads::{
    AttachmentInfo, CardStatus, DirectoryState, DmpFolderStatus, DmpOrigin, IntegrationReport,
    LinkChoice, LoadedDocument, PendingLinkInfo, PinOutcome, ProviderInfo, RecordInfo, StoreInfo,
    UserMessage,
};
pub use record_listener::FolderChanges;
pub use services::{Service, ServiceBoard, ServiceLine, ServiceState};

use crate::auth::Session;
use crate::cda::content::ViewContent;
use crate::domain::directory::{DirectoryHit, DirectoryQuery};
use crate::domain::dmp::{DmpDocument, DmpEntry, DmpFilter, DmpVersionState, PortalPage};
use crate::domain::mss::{MssSend, MssSendRequest};
use crate::domain::outbox::{BatchProgress, OutboxCommand, OutboxFilter, OutboxItem, OutboxItemId};
use crate::domain::{
    DocumentId, DocumentRef, DocumentSummary, Episode, Patient, PatientId, Visibility,
};
pub use crate::store::identity_history::{HistoryEntry as IdentityHistoryEntry, HistoryEvent};
use crate::store::patients::SearchResult;

/// Wakes the UI after an event was queued (in the app: `egui::Context::request_repaint`).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Capacity of the request queue; beyond it the UI is told the workers are busy.
pub const REQUEST_QUEUE: usize = 64;
/// Capacity of the event queue; workers wait when the UI is behind.
pub const EVENT_QUEUE: usize = 256;

/// What the professional chose at validation: send to the DMP or not, and who may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SharingChoice {
    pub send_to_dmp: bool,
    pub visibility: Visibility,
}

impl Default for SharingChoice {
    fn default() -> Self {
        Self {
            send_to_dmp: true,
            visibility: Visibility::default(),
        }
    }
}

/// What the UI asks of the workers. Each variant names the function that handles it; every
/// variant but `Cancel` is one [`Operation`].
pub enum Request {
    /// Open (create, migrate, seed demo data when given) the store. `opening::open_store`.
    OpenStore,
    /// Check a local account's password. `session::login` → `auth::local::login`.
    Login {
        login: String,
        password: Zeroizing<String>,
    },
    /// Create the first administrator of an installation without accounts.
    /// `session::create_first_admin` → `auth::local::create_account`.
    CreateFirstAdmin {
        login: String,
        display_name: String,
        password: Zeroizing<String>,
    },
    /// End the session. `session::logout` → `login::end_session`.
    Logout,
    /// Search the patient list. `folder::search_patients` → `store::patients::search`.
    SearchPatients { generation: u64, query: String },
    /// Load a patient folder (identity, episodes, documents), then its DMP in the background.
    /// `folder::open_folder` → `dmp_folder::run`.
    OpenFolder { patient: PatientId },
    /// Another workstation changed the folder on screen: read again what changed (documents;
    /// identity and episodes; the information/opposition with the DMP state it allows).
    /// `folder::refresh_folder` → `dmp_folder::run`.
    RefreshFolder {
        patient: PatientId,
        changes: FolderChanges,
    },
    /// Load a document for the viewer: from the store, or read from the DMP (TD3.2).
    /// `folder::open_document` → `documents::open`.
    OpenDocument { document: DocumentRef },
    /// Render one page of a PDF for the viewer `view`.
    /// `folder::render_pdf_page` → `pdf::PdfEngine::render`.
    RenderPdfPage {
        view: u64,
        pdf: Arc<Vec<u8>>,
        page: usize,
        width_px: u32,
    },
    /// Produce a document from the local form (CDA N3 with its PDF copy, stored as a local
    /// document). `produce::produce_document` → `cda::produce`.
    ProduceDocument {
        patient: PatientId,
        episode: Option<crate::domain::EpisodeId>,
        form: Box<crate::cda::produce::form::ProductionForm>,
        // Whether and how it goes to the DMP (chosen at validation).
        sharing: SharingChoice,
        // A new version of this document: same series, next version, replacing it (in the
        // DMP too, after the job that sent it).
        replaces: Option<DocumentId>,
    },
    /// Decode one embedded content of a document for the viewer.
    /// `folder::open_attachment` → `documents::attachment`.
    OpenAttachment { document: DocumentRef, index: usize },
    /// Show a document through its XSL stylesheet (its own, or the agency's) in the system
    /// browser. `stylesheet::open_with_stylesheet` → `cda::xslt::transform`.
    OpenWithStylesheet { document: DocumentRef },
    /// Read the typed settings again (after a refused stale save).
    /// `settings::load_settings` → `settings::load`.
    LoadSettings,
    /// Save every setting, edited from `expected_version` (right `ChangeSettings`); refused
    /// when another workstation saved since. `settings::save_settings` → `settings::save`.
    SaveSettings {
        settings: Box<crate::settings::Settings>,
        expected_version: i64,
    },
    /// Change the language and theme (anyone, even before signing in).
    /// `settings::save_display` → `settings::save_display`.
    SaveDisplay {
        display: crate::settings::DisplaySettings,
    },
    /// Write the settings to a file in `<data dir>/exports/` (right `ChangeSettings`).
    /// `settings::export_settings` → `settings::export`.
    ExportSettings,
    /// Replace the settings with a file's (right `ChangeSettings`): validated, applied at
    /// once, audited. `settings::import_settings` → `settings::import`.
    ImportSettings { path: std::path::PathBuf },
    /// Add demo patients (sandbox; load tests). Long: progress and cancel.
    /// `admin::generate_patients` → `DemoData::add_patients`.
    GeneratePatients { task: TaskId, count: usize },
    /// Walk the audit chain. `admin::verify_audit` → `store::audit::verify`.
    VerifyAudit,
    /// The service-status board. `admin::service_status` → `services::board`.
    ServiceStatus,
    /// Cancel a long task. `admin::cancel`.
    Cancel { task: TaskId },
    /// Sign in with an OpenID provider in the system browser (PKCE, loopback redirect);
    /// cancellable. `identity::provider_login` → `auth::oidc::Provider::exchange_code`.
    ProviderLogin { task: TaskId, provider: String },
    /// Sign in by CIBA: the professional approves on their e-CPS; cancellable, with a
    /// countdown. `identity::ciba_login` → `auth::oidc::ciba_wait`.
    CibaLogin {
        task: TaskId,
        provider: String,
        national_id: String,
    },
    /// The activity (structure) a professional with several picked.
    /// `identity::choose_activity` → `login::resolve`.
    ChooseActivity { index: usize },
    /// End a first external login: link with a password, ask an administrator, or create
    /// an account. `identity::complete_link` → `auth::external::link_with_password`.
    CompleteLink(LinkChoice),
    /// Drop a pending external login. `identity::abandon_login`.
    AbandonLogin,
    /// The PIN of the inserted card: opens, unlocks or switches the session.
    /// `card::submit_pin` → `card::cps::verify_pin`.
    CardPin { pin: Zeroizing<String> },
    /// Insert or pull the virtual card (sandbox). `card::virtual_card`.
    VirtualCard { inserted: bool },
    /// The UI locked the screen; trace it. `session::lock`.
    Lock {
        reason: crate::auth::lock::LockReason,
    },
    /// Unlock a session opened by password. `session::unlock_with_password`.
    UnlockWithPassword { password: Zeroizing<String> },
    /// Identity links waiting for an administrator. `admin::pending_links`.
    PendingLinks,
    /// Approve or refuse a pending link. `admin::decide_link`.
    DecideLink { id: i64, approve: bool },
    /// Record the patient's information / opposition for an episode, then re-evaluate the
    /// DMP. `dmp::record_consent` → `store::consent::record`.
    RecordConsent {
        patient: PatientId,
        episode: crate::domain::EpisodeId,
        change: crate::domain::ConsentChange,
    },
    /// Ask the DMP again (retry, or count the new documents where it does not run by
    /// itself): badge, authorization, new documents. `dmp::refresh` → `dmp_folder::run`.
    RefreshDmp { patient: PatientId },
    /// Open the DMP web portal in the patient's context in the system browser (a single-use
    /// address, no INS in it). `dmp::open_portal` → `dmp::consult::PortalClient::portal_url`.
    OpenDmpPortal {
        patient: PatientId,
        page: PortalPage,
    },
    /// Write the DPO's CSV extraction of the DMP accesses.
    /// `admin::export_dmp_traces` → `store::audit::with_action`.
    ExportDmpTraces,
    /// Multi-criteria search of the patient's DMP (TD3.1).
    /// `dmp::search` → `dmp_folder::list`.
    SearchDmp {
        patient: PatientId,
        filter: Box<DmpFilter>,
    },
    /// Integrate DMP documents into the folder; progress and cancel; `open`: show the first
    /// one after. `dmp_documents::integrate` → `store::documents::integrate`.
    IntegrateDmp {
        task: TaskId,
        patient: PatientId,
        entries: Vec<DmpEntry>,
        open: bool,
    },
    /// Make a DMP document visible to the patient and/or the legal representatives (TD3.3b).
    /// `dmp_documents::make_visible` → `dmp::consult::DmpConsult::make_visible`.
    MakeDmpVisible {
        patient: PatientId,
        entry: DmpEntry,
        to_patient: bool,
        to_legal_representatives: bool,
    },
    /// The documents waiting to be reconciled, and the counts. `intake::inbox` →
    /// `store::inbox::pending`.
    Inbox,
    /// The documents received in every folder. `intake::received` → `store::received::list`.
    ReceivedDocuments,
    /// The identity-vigilance list. `intake::alerts` → `store::identity_alerts::open`.
    IdentityAlerts,
    /// Show a document of the inbox in the viewer. `intake::open_item` → `documents::open`.
    OpenInboxItem { item: i64 },
    /// File a document of the inbox in a folder. `intake::file_item` →
    /// `intake::reconcile::accept`.
    FileInboxItem { item: i64, patient: PatientId },
    /// Refuse a document of the inbox (kept, marked refused). `intake::refuse_item` →
    /// `intake::reconcile::refuse`.
    RefuseInboxItem { item: i64 },
    /// Close an identity-vigilance alert. `intake::resolve_alert` →
    /// `store::identity_alerts::resolve`.
    ResolveAlert { id: i64 },
    /// Look the folder's INS up with INSi, with its traits (on the workers, never the UI
    /// thread); the comparison comes back for a decision. `vigilance::search_ins` →
    /// `identity::search`.
    SearchIns { patient: PatientId },
    /// Accept the identity INSi returned: its INS, OID and traits stored (récupérée, or
    /// qualifiée after a document). `vigilance::accept_ins` → `identity_decisions::accept_in`.
    AcceptIns {
        patient: PatientId,
        comparison: Box<InsComparison>,
    },
    /// Refuse the identity INSi returned: nothing stored, the refusal traced.
    /// `vigilance::refuse_ins` → `identity_decisions::refuse_in`.
    RefuseIns {
        patient: PatientId,
        comparison: Box<InsComparison>,
    },
    /// An identity document was checked (a high-trust one validates the identity).
    /// `vigilance::check_document` → `identity_decisions::check_document_in`.
    CheckIdentityDocument {
        patient: PatientId,
        document: crate::domain::identity::IdentityDocument,
    },
    /// Put an identity in doubt: back to provisoire. `vigilance::doubt_identity` →
    /// `identity_decisions::doubt_in`.
    DoubtIdentity {
        patient: PatientId,
        reason: crate::domain::identity::DoubtReason,
    },
    /// The identity as it is now and its history (the identity panel).
    /// `vigilance::identity_history` → `identity::show`.
    IdentityHistory { patient: PatientId },
    /// Import an IHE XDM archive into the inbox. `intake::import_xdm` → `xdm::read_archive`.
    ImportXdm { path: std::path::PathBuf },
    /// The sandbox's GAM or PFI sends a message to the workers' listener.
    /// `intake::simulate` → `DemoData::hospital_message`.
    SimulateHospital { scenario: HospitalScenario },
    /// The outbox's jobs a filter keeps (one patient's when given). `outbox::list` →
    /// `store::outbox_read::list`.
    Outbox {
        filter: OutboxFilter,
        patient: Option<PatientId>,
    },
    /// Hold, resume, cancel or retry one job. `outbox::command` → `store::outbox::command`.
    OutboxCommand {
        item: OutboxItemId,
        command: OutboxCommand,
    },
    /// Send older documents of a patient with a qualified INS, in one batch, now (HISTO.03/04;
    /// also a manual re-send of one document). `outbox::send_history` → `outbox::enqueue`.
    SendHistory {
        patient: PatientId,
        documents: Vec<DocumentId>,
    },
    /// Cancel what is left of a batch. `outbox::cancel_batch` → `store::outbox::cancel_batch`.
    CancelBatch { batch: String },
    /// Delete a document Chevet sent from the DMP (after the job that sent it).
    /// `outbox::delete_from_dmp` → `outbox::enqueue`.
    DeleteFromDmp { document: DocumentId },
    /// Search the local directory as the user types; `seq` orders the answers.
    /// `directory::search` → `store::directory_search::search`.
    SearchDirectory {
        target: SearchTarget,
        query: DirectoryQuery,
        seq: u64,
    },
    /// Ask the Annuaire Santé API as well; what it answers confirms and completes the local
    /// directory. `directory::search_online` → `store::directory::merge_confirmed`.
    SearchDirectoryOnline {
        target: SearchTarget,
        query: DirectoryQuery,
        seq: u64,
    },
    /// How many entries, the last import, an import running. `directory::status` →
    /// `store::directory::last_import`.
    DirectoryStatus,
    /// Import a bulk extract (zip or text) in the background with progress; the directory
    /// is replaced at the end, in one transaction. `directory::import` → `annuaire::import::run`.
    ImportDirectory { path: std::path::PathBuf },
    /// Stop the running import: the directory stays as it was. `directory::cancel_import`.
    CancelDirectoryImport,
    /// The recipients to propose for a patient: the treating physician (PAM `ROL`) and the
    /// patient's own mailbox. `mss::proposals` → `store::directory_search::search`.
    MssProposals { patient: PatientId },
    /// Send a document by MSSanté through the gateway. `mss::send` → `outbox::mss::enqueue_send`.
    SendMss(MssSendRequest),
    /// A document's MSSanté sends and their receipts per recipient. `mss::sends` →
    /// `store::mss::sends_of`.
    MssSends { document: DocumentId },
    /// The second step of a local sign-in: the password again with the TOTP code or a recovery
    /// code. `accounts::login_second_factor` → `auth::credentials::login`.
    LoginSecondFactor {
        login: String,
        password: Zeroizing<String>,
        code: Zeroizing<String>,
    },
    /// Change a password someone else chose, at its first use, then sign in.
    /// `accounts::change_expired_password` → `auth::credentials::change_expired_password`.
    ChangeExpiredPassword {
        login: String,
        password: Zeroizing<String>,
        new_password: Zeroizing<String>,
    },
    /// Unlock a session opened with a password and a second factor.
    /// `accounts::unlock_with_second_factor` → `auth::credentials::verify`.
    UnlockWithSecondFactor {
        password: Zeroizing<String>,
        code: Zeroizing<String>,
    },
    /// The signed-in local account changes its password.
    /// `accounts::change_password` → `auth::credentials::change_password`.
    ChangePassword {
        current: Zeroizing<String>,
        new_password: Zeroizing<String>,
    },
    /// Start enrolling a TOTP second factor: a new secret to show.
    /// `accounts::start_enrolment` → `auth::totp::TotpSecret::generate`.
    StartEnrolment,
    /// Confirm the enrolment with the password and a first code.
    /// `accounts::confirm_enrolment` → `auth::credentials::confirm_enrolment`.
    ConfirmEnrolment {
        password: Zeroizing<String>,
        code: Zeroizing<String>,
    },
    /// The backups and whether a backup passphrase is set (administrators).
    /// `handlers::backup::list` → `backup::send_list`.
    Backups,
    /// Back the single workstation's store up now; progress and cancel.
    /// `handlers::backup::create` → `backup::create`.
    CreateBackup { task: TaskId },
    /// Set the backup passphrase (typed twice) that escrows the store's key.
    /// `handlers::backup::set_passphrase` → `backup::set_passphrase`.
    SetBackupPassphrase {
        passphrase: Zeroizing<String>,
        confirmation: Zeroizing<String>,
    },
    /// The local accounts (administrators). `accounts::list` → `store::accounts::list`.
    Accounts,
    /// Create an account with a temporary password (changed at first use).
    /// `accounts::create` → `auth::account_admin::create`.
    CreateAccount {
        login: String,
        display_name: String,
        role: crate::domain::Role,
    },
    /// Change one account (name, role, enabled, lock, password reset, second factor reset).
    /// `accounts::change` → `auth::account_admin::change`.
    ChangeAccount {
        account: AccountId,
        change: crate::auth::account_admin::AccountChange,
    },
    /// Export one patient's folder as a portability archive (administrators).
    /// `handlers::portability::export_folder` → `portability::export_to_exports`.
    ExportFolder { patient: PatientId },
    /// Export every patient as a portability archive (administrators).
    /// `handlers::portability::export_establishment` → `portability::export_to_exports`.
    ExportEstablishment,
    /// Import a portability archive into an empty Chevet (administrators).
    /// `handlers::portability::import_archive` → `portability::import_file`.
    ImportArchive { path: std::path::PathBuf },
    /// Export the accounts list for review (CSV). `accounts::export` →
    /// `auth::account_admin::export_csv`.
    ExportAccounts,
    /// Compute the usage indicators (per FINESS géographique × document type × month) from
    /// the store. `handlers::indicators::compute` → `indicators::compute`.
    ComputeIndicators {
        filter: crate::domain::indicators::IndicatorFilter,
    },
    /// Write the usage indicators as a CSV file for French Excel.
    /// `handlers::indicators::export_csv` → `indicators::export::write`.
    ExportIndicators {
        filter: crate::domain::indicators::IndicatorFilter,
    },
    /// Write a chart's pixels (captured on screen) as a PNG in the exports folder, with the
    /// producer's version. `handlers::charts::save_image` → `chart_image::save`.
    SaveChartImage {
        name: String,
        width: u32,
        height: u32,
        rgba: Vec<u8>,
    },
}

/// Which search field a directory search answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchTarget {
    /// The Annuaire screen.
    Directory,
    /// The recipients of an MSSanté send.
    Recipients,
}

/// What a request was doing: one per request, so a failure is shown where it belongs and
/// fails only what failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    OpenStore,
    Login,
    CreateFirstAdmin,
    Logout,
    SearchPatients,
    OpenFolder,
    RefreshFolder,
    OpenDocument,
    RenderPdfPage,
    ProduceDocument,
    OpenAttachment,
    OpenWithStylesheet,
    LoadSettings,
    SaveSettings,
    SaveDisplay,
    ExportSettings,
    ImportSettings,
    GeneratePatients,
    VerifyAudit,
    ServiceStatus,
    ProviderLogin,
    CibaLogin,
    ChooseActivity,
    CompleteLink,
    AbandonLogin,
    CardPin,
    VirtualCard,
    Lock,
    UnlockWithPassword,
    PendingLinks,
    DecideLink,
    RecordConsent,
    /// The folder's DMP sequence (badge, authorization, count, list), whether asked by
    /// opening the folder, by recording the information, or again by the user.
    RefreshDmp,
    OpenDmpPortal,
    ExportDmpTraces,
    SearchDmp,
    IntegrateDmp,
    MakeDmpVisible,
    Inbox,
    ReceivedDocuments,
    IdentityAlerts,
    OpenInboxItem,
    FileInboxItem,
    RefuseInboxItem,
    ResolveAlert,
    SearchIns,
    AcceptIns,
    RefuseIns,
    CheckIdentityDocument,
    DoubtIdentity,
    IdentityHistory,
    ImportXdm,
    SimulateHospital,
    Outbox,
    OutboxCommand,
    SendHistory,
    CancelBatch,
    DeleteFromDmp,
    SearchDirectory,
    SearchDirectoryOnline,
    DirectoryStatus,
    ImportDirectory,
    MssProposals,
    SendMss,
    MssSends,
    LoginSecondFactor,
    ChangeExpiredPassword,
    UnlockWithSecondFactor,
    ChangePassword,
    StartEnrolment,
    ConfirmEnrolment,
    Backups,
    CreateBackup,
    SetBackupPassphrase,
    Accounts,
    CreateAccount,
    ChangeAccount,
    ExportFolder,
    ExportEstablishment,
    ImportArchive,
    ExportAccounts,
    ComputeIndicators,
    ExportIndicators,
    SaveChartImage,
}

impl Request {
    /// The operation this request is; `None` for `Cancel`, which cannot fail.
    pub fn operation(&self) -> Option<Operation> {
        use Operation as O;
        Some(match self {
            Self::OpenStore => O::OpenStore,
            Self::Login { .. } => O::Login,
            Self::CreateFirstAdmin { .. } => O::CreateFirstAdmin,
            Self::Logout => O::Logout,
            Self::SearchPatients { .. } => O::SearchPatients,
            Self::OpenFolder { .. } => O::OpenFolder,
            Self::RefreshFolder { .. } => O::RefreshFolder,
            Self::OpenDocument { .. } => O::OpenDocument,
            Self::RenderPdfPage { .. } => O::RenderPdfPage,
            Self::ProduceDocument { .. } => O::ProduceDocument,
            Self::OpenAttachment { .. } => O::OpenAttachment,
            Self::OpenWithStylesheet { .. } => O::OpenWithStylesheet,
            Self::LoadSettings => O::LoadSettings,
            Self::SaveSettings { .. } => O::SaveSettings,
            Self::SaveDisplay { .. } => O::SaveDisplay,
            Self::ExportSettings => O::ExportSettings,
            Self::ImportSettings { .. } => O::ImportSettings,
            Self::GeneratePatients { .. } => O::GeneratePatients,
            Self::VerifyAudit => O::VerifyAudit,
            Self::ServiceStatus => O::ServiceStatus,
            Self::Cancel { .. } => return None,
            Self::ProviderLogin { .. } => O::ProviderLogin,
            Self::CibaLogin { .. } => O::CibaLogin,
            Self::ChooseActivity { .. } => O::ChooseActivity,
            Self::CompleteLink(_) => O::CompleteLink,
            Self::AbandonLogin => O::AbandonLogin,
            Self::CardPin { .. } => O::CardPin,
            Self::VirtualCard { .. } => O::VirtualCard,
            Self::Lock { .. } => O::Lock,
            Self::UnlockWithPassword { .. } => O::UnlockWithPassword,
            Self::PendingLinks => O::PendingLinks,
            Self::DecideLink { .. } => O::DecideLink,
            Self::RecordConsent { .. } => O::RecordConsent,
            Self::RefreshDmp { .. } => O::RefreshDmp,
            Self::OpenDmpPortal { .. } => O::OpenDmpPortal,
            Self::ExportDmpTraces => O::ExportDmpTraces,
            Self::SearchDmp { .. } => O::SearchDmp,
            Self::IntegrateDmp { .. } => O::IntegrateDmp,
            Self::MakeDmpVisible { .. } => O::MakeDmpVisible,
            Self::Inbox => O::Inbox,
            Self::ReceivedDocuments => O::ReceivedDocuments,
            Self::IdentityAlerts => O::IdentityAlerts,
            Self::OpenInboxItem { .. } => O::OpenInboxItem,
            Self::FileInboxItem { .. } => O::FileInboxItem,
            Self::RefuseInboxItem { .. } => O::RefuseInboxItem,
            Self::ResolveAlert { .. } => O::ResolveAlert,
            Self::SearchIns { .. } => O::SearchIns,
            Self::AcceptIns { .. } => O::AcceptIns,
            Self::RefuseIns { .. } => O::RefuseIns,
            Self::CheckIdentityDocument { .. } => O::CheckIdentityDocument,
            Self::DoubtIdentity { .. } => O::DoubtIdentity,
            Self::IdentityHistory { .. } => O::IdentityHistory,
            Self::ImportXdm { .. } => O::ImportXdm,
            Self::SimulateHospital { .. } => O::SimulateHospital,
            Self::Outbox { .. } => O::Outbox,
            Self::OutboxCommand { .. } => O::OutboxCommand,
            Self::SendHistory { .. } => O::SendHistory,
            Self::CancelBatch { .. } => O::CancelBatch,
            Self::DeleteFromDmp { .. } => O::DeleteFromDmp,
            Self::SearchDirectory { .. } => O::SearchDirectory,
            Self::SearchDirectoryOnline { .. } => O::SearchDirectoryOnline,
            Self::DirectoryStatus => O::DirectoryStatus,
            Self::ImportDirectory { .. } => O::ImportDirectory,
            Self::CancelDirectoryImport => return None,
            Self::MssProposals { .. } => O::MssProposals,
            Self::SendMss(_) => O::SendMss,
            Self::MssSends { .. } => O::MssSends,
            Self::LoginSecondFactor { .. } => O::LoginSecondFactor,
            Self::ChangeExpiredPassword { .. } => O::ChangeExpiredPassword,
            Self::UnlockWithSecondFactor { .. } => O::UnlockWithSecondFactor,
            Self::ChangePassword { .. } => O::ChangePassword,
            Self::StartEnrolment => O::StartEnrolment,
            Self::ConfirmEnrolment { .. } => O::ConfirmEnrolment,
            Self::Backups => O::Backups,
            Self::CreateBackup { .. } => O::CreateBackup,
            Self::SetBackupPassphrase { .. } => O::SetBackupPassphrase,
            Self::Accounts => O::Accounts,
            Self::CreateAccount { .. } => O::CreateAccount,
            Self::ChangeAccount { .. } => O::ChangeAccount,
            Self::ExportFolder { .. } => O::ExportFolder,
            Self::ExportEstablishment => O::ExportEstablishment,
            Self::ImportArchive { .. } => O::ImportArchive,
            Self::ExportAccounts => O::ExportAccounts,
            Self::ComputeIndicators { .. } => O::ComputeIndicators,
            Self::ExportIndicators { .. } => O::ExportIndicators,
            Self::SaveChartImage { .. } => O::SaveChartImage,
        })
    }
}

impl std::fmt::Debug for Request {
    /// Names the operation only: requests carry passwords and search text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.operation() {
            Some(operation) => write!(f, "{operation:?}"),
            None => f.write_str("Cancel"),
        }
    }
}

/// What the workers tell the UI. Each variant names the app or screen function that applies
/// it.
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
    /// The shared record changed (another workstation); `patient: None` after the listener
    /// reconnected, when changes may have been missed. `ChevetApp::on_record_changed`.
    RecordChanged {
        patient: Option<PatientId>,
        changes: FolderChanges,
    },
    /// What another workstation changed in a folder, as it is now (`None`: unchanged).
    /// `FolderState::on_refreshed`.
    FolderRefreshed {
        patient: PatientId,
        identity: Option<Box<(Patient, Vec<Episode>)>>,
        documents: Option<Vec<DocumentSummary>>,
    },
    /// The shared record became unreachable, or is back. `ChevetApp::on_record_status`.
    RecordStatus(RecordStatus),
    /// The folder on screen is the cache's copy of this time (degraded mode).
    /// `FolderState::on_cached_copy`.
    FolderCopy {
        patient: PatientId,
        cached_at: String,
    },
    /// A document is loaded. `ChevetApp::on_document`.
    Document(Box<LoadedDocument>),
    /// An embedded content is decoded. `DocumentState::on_attachment`.
    Attachment {
        document: DocumentRef,
        index: usize,
        content: ViewContent,
    },
    /// A PDF page is rendered. `DocumentState::on_pdf_page`.
    PdfPage {
        view: u64,
        page: Box<crate::pdf::RenderedPage>,
    },
    /// A PDF page could not be rendered. `DocumentState::on_pdf_failed`.
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
    /// A file or page for the system browser is ready. `ChevetApp::on_open_in_browser`.
    OpenInBrowser { url: String },
    /// Progress of a long task. `ChevetApp::on_progress`.
    Progress {
        task: TaskId,
        done: usize,
        total: usize,
    },
    /// A long task ended (also when cancelled). `ChevetApp::on_task_finished`.
    TaskFinished { task: TaskId, cancelled: bool },
    /// The typed settings as stored now (loaded, saved, imported): the window applies the
    /// language and theme, the settings screen shows them. `ChevetApp::on_settings`.
    Settings {
        record: Box<crate::settings::SettingsRecord>,
        // Why they were sent: the screen says "saved" or "imported".
        change: SettingsChange,
    },
    /// A save or an import was refused: every issue, shown beside its field.
    /// `SettingsState::on_settings_refused`.
    SettingsRefused {
        issues: Vec<crate::settings::SettingIssue>,
    },
    /// The settings were exported there. `SettingsState::on_settings_exported`.
    SettingsExported { path: std::path::PathBuf },
    /// The audit chain was walked. `SettingsState::on_audit_verified`.
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
    /// The professional has several activities: pick one. `LoginState::on_choose_activity`.
    ChooseActivity { activities: Vec<String> },
    /// First external login: link to a local account or create one.
    /// `LoginState::on_needs_link`.
    NeedsLink {
        display_name: String,
        suggested_login: Option<String>,
        can_create: bool,
    },
    /// The link request waits for an administrator. `LoginState::on_link_requested`.
    LinkRequested,
    /// Card reader state changed. `ChevetApp::on_card`.
    Card(CardStatus),
    /// The PIN was refused. `LoginState::on_pin_refused`.
    PinRefused(PinOutcome),
    /// The locked session is open again. `ChevetApp::on_unlocked`.
    Unlocked,
    /// Link requests for the administrator. `SettingsState::on_pending_links`.
    PendingLinks(Vec<PendingLinkInfo>),
    /// The DMP state of a folder: the open episode's record and what it allows, the badge.
    /// `FolderState::on_dmp_status`.
    DmpFolder {
        patient: PatientId,
        episode: Option<crate::domain::EpisodeId>,
        consent: Option<crate::domain::EpisodeConsent>,
        status: DmpFolderStatus,
    },
    /// An extraction was written there. `SettingsState::on_exported`.
    Exported { path: std::path::PathBuf },
    /// Documents added to the DMP by others since `since` (the last visit; `None`: ever).
    /// `FolderState::on_dmp_new_documents`.
    DmpNewDocuments {
        patient: PatientId,
        count: usize,
        invisible: usize,
        since: Option<chrono::NaiveDate>,
    },
    /// The badge and count just shown are this workstation's last known ones, of `seen_at`
    /// (UTC): the DMP is being asked again. `FolderState::on_dmp_last_known`.
    DmpLastKnown { patient: PatientId, seen_at: String },
    /// Whether each service answers (a service's state changed, or the board was asked for).
    /// `SettingsState::on_services`.
    Services(ServiceBoard),
    /// The DMP's documents matching the folder's search. `FolderState::on_dmp_documents`.
    DmpDocuments {
        patient: PatientId,
        documents: Vec<DmpDocument>,
    },
    /// The DMP list could not be read. `FolderState::on_dmp_documents_failed`.
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
    /// `ChevetApp::on_dmp_visibility_changed`.
    DmpVisibilityChanged {
        patient: PatientId,
        previous: DmpEntry,
        document: Box<DmpDocument>,
        documents: Vec<DocumentSummary>,
    },
    /// The DMP has a newer version of a local document, or deleted it.
    /// `DocumentState::on_dmp_version`.
    DmpVersion {
        document: DocumentId,
        state: DmpVersionState,
    },
    /// The documents waiting to be reconciled. `InboxState::on_items`.
    Inbox(Vec<InboxRow>),
    /// The documents received in every folder. `InboxState::on_received`.
    ReceivedDocuments(Vec<ReceivedRow>),
    /// The open identity-vigilance alerts. `InboxState::on_alerts`.
    IdentityAlerts(Vec<AlertRow>),
    /// What an INSi search came to (the comparison to decide on, none, several, or why it
    /// failed). `ChevetApp::on_ins_searched`.
    InsSearched {
        patient: PatientId,
        outcome: InsSearchOutcome,
    },
    /// The identity as it is now and its history, after a decision (its notice) or when
    /// asked. `ChevetApp::on_identity_updated`.
    IdentityUpdated {
        patient: Box<Patient>,
        history: Vec<IdentityHistoryEntry>,
        notice: Option<&'static str>,
    },
    /// How many documents wait and alerts are open (the navigation's badges).
    /// `ChevetApp::on_intake_counts`.
    IntakeCounts(IntakeCounts),
    /// A document of the inbox was filed. `InboxState::on_filed`.
    InboxFiled {
        item: i64,
        patient: PatientId,
        document: DocumentId,
    },
    /// An XDM archive's documents wait in the inbox. `InboxState::on_xdm_imported`.
    XdmImported(crate::intake::xdm_import::XdmReport),
    /// An XDM archive was refused; `reason` says why (fixed wording, no patient data).
    /// `InboxState::on_xdm_refused`.
    XdmRefused { reason: String },
    /// The sandbox's GAM or PFI sent a message and got this MSA-1.
    /// `ChevetApp::on_hospital_sent`.
    HospitalSent {
        scenario: HospitalScenario,
        ack_code: String,
    },
    /// Received documents of a folder not opened yet. `FolderState::on_received_badge`.
    ReceivedBadge { patient: PatientId, unseen: usize },
    /// The outbox's jobs asked for. `OutboxView::on_items`.
    Outbox {
        filter: OutboxFilter,
        items: Vec<OutboxItem>,
    },
    /// A job changed state (sent, failed, held…): screens showing it ask again; `attention`
    /// counts the held and finally failed jobs (the navigation badge).
    /// `ChevetApp::on_outbox_changed`.
    OutboxChanged {
        patient: Option<PatientId>,
        attention: usize,
    },
    /// Where a "send the history" batch stands. `DocumentListState::on_batch_progress`.
    BatchProgress {
        patient: PatientId,
        batch: String,
        progress: BatchProgress,
    },
    /// Directory entries for a search; stale `seq`s are ignored; `online` when the Annuaire
    /// Santé API answered. `ChevetApp::on_directory_results`.
    DirectoryResults {
        target: SearchTarget,
        seq: u64,
        hits: Vec<DirectoryHit>,
        online: bool,
    },
    /// The directory's state. `ChevetApp::on_directory_status`.
    DirectoryStatus(DirectoryState),
    /// An import goes on. `ChevetApp::on_directory_import_progress`.
    DirectoryImportProgress(ImportProgress),
    /// An import replaced the directory. `ChevetApp::on_directory_imported`.
    DirectoryImported(crate::store::directory::ImportInfo),
    /// The recipients proposed for a patient. `ChevetApp::on_mss_proposals`.
    MssProposals {
        patient: PatientId,
        // The treating physician's entries in the directory (PAM `ROL`), best first.
        treating: Vec<DirectoryHit>,
        // `<INS>@patient.mssante.fr` when the identity is qualified.
        patient_mailbox: Option<String>,
    },
    /// A send was queued. `ChevetApp::on_mss_queued`.
    MssQueued {
        document: DocumentId,
        item: OutboxItemId,
    },
    /// A document's MSSanté sends. `ChevetApp::on_mss_sends`.
    MssSends {
        document: DocumentId,
        sends: Vec<MssSend>,
    },
    /// A TOTP secret to show while enrolling (QR code and text), until a first code confirms
    /// it. `AccountSecurityState::on_enrolment_started`.
    EnrolmentStarted {
        // Base32, as typed into an authenticator application.
        secret: Zeroizing<String>,
        // The `otpauth://` URI the QR code carries.
        uri: Zeroizing<String>,
    },
    /// The second factor is enrolled: the recovery codes, shown once, and the session, now
    /// strong. `ChevetApp::on_second_factor_enrolled`.
    SecondFactorEnrolled {
        recovery_codes: Vec<Zeroizing<String>>,
        session: Session,
    },
    /// The user's password was changed. `AccountSecurityState::on_password_changed`.
    PasswordChanged,
    /// The backups and the backup passphrase's state. `BackupsView::on_backups`.
    Backups(BackupsInfo),
    /// Where a backup stands (pages copied of the total). `BackupsView::on_progress`.
    BackupProgress {
        task: TaskId,
        done: usize,
        total: usize,
    },
    /// A backup was written (its folder's name). `BackupsView::on_created`.
    BackupCreated { name: String },
    /// The backup passphrase was set. `BackupsView::on_passphrase_set`.
    BackupPassphraseSet,
    /// The local accounts, for administrators. `AccountsView::on_accounts`.
    Accounts(Vec<AccountRow>),
    /// An account was created or its password reset: the temporary password to hand over,
    /// shown once. `AccountsView::on_temporary_password`.
    TemporaryPassword {
        login: String,
        password: Zeroizing<String>,
    },
    /// Where an export or an import of a portability archive stands.
    /// `PortabilityState::on_progress`.
    PortabilityProgress { done: usize, total: usize },
    /// A portability archive was written (counts, path). `ChevetApp::on_data_exported`.
    DataExported(crate::portability::ExportSummary),
    /// A portability archive was imported (counts). `PortabilityState::on_imported`.
    DataImported(crate::portability::ImportSummary),
    /// The accounts list was exported there. `AccountsView::on_exported`.
    AccountsExported { path: std::path::PathBuf },
    /// The usage indicators computed. `IndicatorsState::on_report`.
    Indicators(crate::domain::indicators::IndicatorReport),
    /// The usage indicators were written there (CSV). `IndicatorsState::on_exported`.
    IndicatorsExported { path: std::path::PathBuf },
    /// A chart image was written there (PNG). `IndicatorsState::on_chart_saved`.
    ChartImageSaved { path: std::path::PathBuf },
    /// A request failed. `ChevetApp::on_failed`.
    Failed {
        operation: Operation,
        message: UserMessage,
    },
}

impl Event {
    /// The variant's name (events carry patient data: nothing else is logged).
    pub fn name(&self) -> &'static str {
        match self {
            Self::StoreReady(_) => "StoreReady",
            Self::LoggedIn(_) => "LoggedIn",
            Self::LoggedOut => "LoggedOut",
            Self::Patients { .. } => "Patients",
            Self::Folder { .. } => "Folder",
            Self::RecordChanged { .. } => "RecordChanged",
            Self::RecordStatus(_) => "RecordStatus",
            Self::FolderCopy { .. } => "FolderCopy",
            Self::FolderRefreshed { .. } => "FolderRefreshed",
            Self::Document(_) => "Document",
            Self::Attachment { .. } => "Attachment",
            Self::PdfPage { .. } => "PdfPage",
            Self::PdfFailed { .. } => "PdfFailed",
            Self::DocumentProduced { .. } => "DocumentProduced",
            Self::OpenInBrowser { .. } => "OpenInBrowser",
            Self::Progress { .. } => "Progress",
            Self::TaskFinished { .. } => "TaskFinished",
            Self::AuditVerified { .. } => "AuditVerified",
            Self::Settings { .. } => "Settings",
            Self::SettingsRefused { .. } => "SettingsRefused",
            Self::SettingsExported { .. } => "SettingsExported",
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
            Self::Exported { .. } => "Exported",
            Self::DmpNewDocuments { .. } => "DmpNewDocuments",
            Self::DmpLastKnown { .. } => "DmpLastKnown",
            Self::Services(_) => "Services",
            Self::DmpDocuments { .. } => "DmpDocuments",
            Self::DmpDocumentsFailed { .. } => "DmpDocumentsFailed",
            Self::DmpIntegrated { .. } => "DmpIntegrated",
            Self::DmpVisibilityChanged { .. } => "DmpVisibilityChanged",
            Self::DmpVersion { .. } => "DmpVersion",
            Self::Inbox(_) => "Inbox",
            Self::ReceivedDocuments(_) => "ReceivedDocuments",
            Self::IdentityAlerts(_) => "IdentityAlerts",
            Self::InsSearched { .. } => "InsSearched",
            Self::IdentityUpdated { .. } => "IdentityUpdated",
            Self::IntakeCounts(_) => "IntakeCounts",
            Self::InboxFiled { .. } => "InboxFiled",
            Self::XdmImported(_) => "XdmImported",
            Self::XdmRefused { .. } => "XdmRefused",
            Self::HospitalSent { .. } => "HospitalSent",
            Self::ReceivedBadge { .. } => "ReceivedBadge",
            Self::Outbox { .. } => "Outbox",
            Self::OutboxChanged { .. } => "OutboxChanged",
            Self::BatchProgress { .. } => "BatchProgress",
            Self::DirectoryResults { .. } => "DirectoryResults",
            Self::DirectoryStatus(_) => "DirectoryStatus",
            Self::DirectoryImportProgress(_) => "DirectoryImportProgress",
            Self::DirectoryImported(_) => "DirectoryImported",
            Self::MssProposals { .. } => "MssProposals",
            Self::MssQueued { .. } => "MssQueued",
            Self::MssSends { .. } => "MssSends",
            Self::EnrolmentStarted { .. } => "EnrolmentStarted",
            Self::SecondFactorEnrolled { .. } => "SecondFactorEnrolled",
            Self::PasswordChanged => "PasswordChanged",
            Self::Backups(_) => "Backups",
            Self::BackupProgress { .. } => "BackupProgress",
            Self::BackupCreated { .. } => "BackupCreated",
            Self::BackupPassphraseSet => "BackupPassphraseSet",
            Self::Accounts(_) => "Accounts",
            Self::TemporaryPassword { .. } => "TemporaryPassword",
            Self::PortabilityProgress { .. } => "PortabilityProgress",
            Self::DataExported(_) => "DataExported",
            Self::DataImported(_) => "DataImported",
            Self::AccountsExported { .. } => "AccountsExported",
            Self::Indicators(_) => "Indicators",
            Self::IndicatorsExported { .. } => "IndicatorsExported",
            Self::ChartImageSaved { .. } => "ChartImageSaved",
            Self::Failed { .. } => "Failed",
        }
    }
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
            other => f.write_str(other.name()),
        }
    }
}

/// Why [`Event::Settings`] was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsChange {
    Loaded,
    Saved,
    Imported,
}

/// Why a request could not be queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("the workers are busy")]
    Busy,
    #[error("the workers have stopped")]
    Stopped,
}

/// The UI's end of the worker runtime. When the last clone is dropped (the window closed, or a
/// test ended, panicking or not), blocking workers are told to stop at once, without waiting
/// for the runtime to run anything: a runtime's shutdown never waits on them for long.
#[derive(Clone)]
pub struct WorkerHandle {
    requests: mpsc::Sender<Request>,
    _stop: Arc<StopOnDrop>,
}

/// Sets the workers' stop flag when dropped.
struct StopOnDrop(
    Arc<std::sync::atomic::AtomicBool>,
    Arc<crate::outbox::StopFlag>,
);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::Release);
        self.1.stop();
    }
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
    let stop = StopOnDrop(ctx.stop_flag(), Arc::clone(&ctx.outbox_stop));
    runtime.spawn(handlers::dispatch(ctx, req_rx));
    (
        WorkerHandle {
            requests: req_tx,
            _stop: Arc::new(stop),
        },
        ev_rx,
    )
}
