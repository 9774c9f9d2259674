//! What requests and events carry beside domain types: the providers offered on the login
//! screen, the card reader state, the choices of a first external login, the folder's DMP
//! state, a document ready for the viewer, what integrating DMP documents did, the store's
//! state once open, and errors for the user.
//! Professionals' names and national ids appear here (the login screen shows them); patient
//! identities never do, and documents travel decoded for display only (never their CDA bytes).

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::cda::content::{DecodedImage, ViewContent};
use crate::cda::narrative::StructuredDocument;
use crate::domain::dmp::{DmpBadge, DmpDocument};
use crate::domain::{DocumentId, DocumentRef, DocumentSummary};
use crate::store::KeyOrigin;

/// An error for the user: a Fluent message id (never data) and whether retrying may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserMessage {
    pub id: &'static str,
    pub retryable: bool,
}

/// Where the record is.
#[derive(Debug, Clone)]
pub enum RecordInfo {
    /// Single workstation: the encrypted file, and where its key is kept.
    Local(KeyOrigin),
    /// Establishment mode: the shared database (`host:port/database`, no credential).
    Shared { server: String },
}

impl RecordInfo {
    /// True when the local database key had to go to a file (no durable keyring).
    pub fn key_is_fallback(&self) -> bool {
        matches!(self, Self::Local(origin) if origin.is_fallback())
    }
}

/// State of the store once opened.
#[derive(Debug, Clone)]
pub struct StoreInfo {
    pub record: RecordInfo,
    pub patients: usize,
    pub documents: usize,
    /// None when the shared record could not be reached at start (degraded mode).
    pub accounts: Option<usize>,
    /// The typed settings (their defaults when they could not be read).
    pub settings: Box<crate::settings::SettingsRecord>,
    /// The OpenID providers configured.
    pub providers: Vec<ProviderInfo>,
    /// A virtual card (sandbox) can be inserted.
    pub virtual_card: bool,
}

/// An OpenID provider the login screen offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub id: String,
    pub label: String,
    /// Pro Santé Connect (offers CIBA and the e-CPS).
    pub psc: bool,
    /// The provider has a CIBA endpoint configured.
    pub ciba: bool,
}

/// What the card reader shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardStatus {
    /// No PC/SC service (and no sandbox virtual card).
    NoService,
    /// Readers present, no card.
    NoCard { readers: Vec<String> },
    /// A CPS card is in a reader; its holder was read (no PIN yet).
    Inserted {
        serial: String,
        /// SHA-256 of the card's authentication certificate, already checked against the
        /// configured IGC-Santé roots: what tells this card from another one.
        certificate_sha256: String,
        holder_name: String,
        national_id: String,
        /// PIN attempts left, when the card tells.
        attempts_left: Option<u8>,
        /// The sandbox virtual card, not a real one.
        virtual_card: bool,
    },
    /// The card left the reader.
    Removed,
    /// A card that is not a readable CPS card, or whose certificate is refused (untrusted,
    /// expired, revoked): the message says which, and no PIN is asked.
    Unreadable { message: &'static str },
}

/// The PIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    Wrong { attempts_left: u8 },
    Blocked,
}

/// How a first external login ends.
pub enum LinkChoice {
    /// Link to this local account, proven by its password.
    Password {
        login: String,
        password: Zeroizing<String>,
    },
    /// Ask an administrator to link to this account.
    AskAdministrator { login: String },
    /// Create an account whose role follows the profession.
    CreateAccount,
}

/// A link request waiting for an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLinkInfo {
    pub id: i64,
    pub account_login: String,
    pub trust_domain: String,
    pub national_id: String,
    pub requested_at: String,
}

/// What the folder shows about the DMP, beside the identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmpFolderStatus {
    /// The episode's record does not allow consultation: nothing was sent to the DMP.
    NotAllowed(crate::domain::RefusalReason),
    /// No DMP is configured.
    NotConfigured,
    /// The patient has no usable INS (provisional identity…): the DMP cannot be queried.
    NoIns,
    /// The signed-in user has no professional identity (national id) for the VIHF.
    NoProfessional,
    /// TD0.2 is on its way.
    Checking,
    /// The DMP answered.
    Badge {
        badge: DmpBadge,
        break_glass: bool,
        /// Chevet just set the individual authorization (TD0.3).
        authorized_now: bool,
    },
    /// The DMP could not be reached or refused; retry may help.
    Failed(UserMessage),
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

/// A document ready for the viewer: decoded contents, never its CDA bytes.
#[derive(Clone)]
pub struct LoadedDocument {
    /// What it is (`summary.reference` names it in later requests).
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
    /// Read from the DMP (not necessarily integrated).
    pub dmp: Option<DmpOrigin>,
}

impl LoadedDocument {
    pub fn reference(&self) -> &DocumentRef {
        &self.summary.reference
    }
}

/// A DMP document open in the viewer.
#[derive(Debug, Clone)]
pub struct DmpOrigin {
    pub document: DmpDocument,
    /// The folder's copy, when already integrated.
    pub integrated: Option<DocumentId>,
}

/// What integrating DMP documents did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IntegrationReport {
    /// Stored now, in the order asked.
    pub integrated: Vec<DocumentId>,
    /// Already in the folder (same CDA id).
    pub already: Vec<DocumentId>,
    /// Refused: another document already holds this setId + versionNumber.
    pub version_taken: usize,
    /// Not read or not a CDA document (Fluent ids of the reasons).
    pub failed: Vec<&'static str>,
    /// Stopped by the user before the end.
    pub cancelled: bool,
}

impl IntegrationReport {
    /// The folder's copy of the first document asked, whether new or already there.
    pub fn first(&self) -> Option<DocumentId> {
        self.integrated.first().or(self.already.first()).copied()
    }
}

/// The local directory's state (the Annuaire screen's status line).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectoryState {
    pub entries: u64,
    pub last_import: Option<crate::store::directory::ImportInfo>,
    /// An import running on this workstation.
    pub importing: Option<crate::annuaire::import::ImportProgress>,
    /// The Annuaire Santé API is configured (searches may go online).
    pub online: bool,
}
