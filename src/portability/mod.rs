//! Data portability (DSR PORT/va1.01): a patient's folder or the whole establishment written
//! as a documented, versioned archive (`docs/portability.md`) — a ZIP holding every document as
//! its exact CDA bytes and an index (`index.json`, plus `index.csv` for spreadsheets) of the
//! identities, episodes, consent history, identity-vigilance history and sharing states — and
//! that archive imported back into an empty Chevet, documents byte for byte.
//!
//! `format` (the archive's types and names), `rows` (reading and writing the store's rows),
//! `export` (streaming, private file), `import` (hardened reading, all or nothing).

pub mod export;
pub mod format;
pub mod import;
mod insert;
mod rows;
#[cfg(all(test, feature = "sandbox"))]
mod tests;
#[cfg(all(test, feature = "sandbox"))]
mod tests_hostile;

pub use export::{ExportScope, ExportSummary, export_to, export_to_exports};
pub use format::{FORMAT_NAME, FORMAT_VERSION};
pub use import::{ImportLimits, ImportSummary, import_file};

use crate::store::StoreError;

/// What an export or an import reports as it goes: documents done out of documents known.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// Everything that can go wrong while exporting or importing. No message quotes an identity,
/// a path inside a hostile archive or a document's content.
#[derive(Debug, thiserror::Error)]
pub enum PortabilityError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("file error: {0}")]
    Io(#[from] std::io::Error),
    #[error("no patient has this IPP")]
    PatientNotFound,
    #[error("the store already holds {patients} patients: import needs an empty Chevet")]
    NotEmpty { patients: usize },
    #[error("not a ZIP archive, or a damaged one")]
    NotZip,
    #[error("archive refused: {count} entries (at most {max})")]
    TooManyEntries { count: usize, max: usize },
    #[error("archive refused: two entries have the same name")]
    DuplicateEntry,
    #[error("archive refused: an entry name leaves the archive (traversal or absolute path)")]
    UnsafePath,
    #[error("archive refused: an entry is a symbolic link")]
    Symlink,
    #[error("archive refused: an entry is encrypted")]
    Encrypted,
    #[error("archive refused: an entry uses an unsupported compression")]
    UnsupportedCompression,
    #[error("archive refused: an entry inflates more than {max_ratio} times its size")]
    CompressionRatio { max_ratio: u64 },
    #[error("archive refused: more than {max_bytes} bytes once inflated")]
    TooLarge { max_bytes: u64 },
    #[error("archive refused: no index.json")]
    MissingIndex,
    #[error("archive refused: index.json is not a Chevet export ({0})")]
    BadIndex(&'static str),
    #[error("archive written by a newer format (version {found}; this build reads {supported})")]
    NewerVersion { found: u32, supported: u32 },
    #[error("archive refused: a document named by the index is missing")]
    MissingDocument,
    #[error("archive refused: a document's SHA-256 differs from the index")]
    Checksum,
    #[error("archive refused: a document's size differs from the index")]
    SizeMismatch,
    #[error("archive refused: invalid {0} in the index")]
    InvalidRecord(&'static str),
}

impl PortabilityError {
    /// True when trying again later may succeed (the database was busy, a disk was full).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Io(_) => true,
            _ => false,
        }
    }

    /// Fluent id of the message shown to the user (what happened, what to do).
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Store(e) => e.message_id(),
            Self::Io(_) => "portability-error-io",
            Self::PatientNotFound => "portability-error-patient",
            Self::NotEmpty { .. } => "portability-error-not-empty",
            Self::NewerVersion { .. } => "portability-error-newer",
            Self::MissingIndex | Self::BadIndex(_) => "portability-error-not-export",
            Self::Checksum | Self::SizeMismatch | Self::MissingDocument => {
                "portability-error-checksum"
            }
            Self::InvalidRecord(_) => "portability-error-record",
            Self::NotZip
            | Self::TooManyEntries { .. }
            | Self::DuplicateEntry
            | Self::UnsafePath
            | Self::Symlink
            | Self::Encrypted
            | Self::UnsupportedCompression
            | Self::CompressionRatio { .. }
            | Self::TooLarge { .. } => "portability-error-hostile",
        }
    }
}
