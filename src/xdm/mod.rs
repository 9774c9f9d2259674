//! IHE XDM (issue 14, point 5): what Chevet reads in an `IHE_XDM.ZIP` received by MSSanté
//! mail, pure (no window, no store). [`read_archive`] takes the archive's bytes and gives, per
//! subset folder of `IHE_XDM/`, the submission set and every document entry of its
//! `METADATA.XML` with the file it names, its declared and actual size and SHA-1, and the
//! patient as the metadata states it.
//!
//! - `archive`: the ZIP layer. Hostile archives are refused before anything is trusted (path
//!   traversal, symbolic links, encrypted or duplicate entries, too many entries) and entries
//!   are inflated under a total budget and a compression-ratio cap (never the declared size).
//! - `metadata`: `METADATA.XML` through the project's XML toolkit: ebRS 3.0
//!   `SubmitObjectsRequest`, the same inside a whole SOAP envelope (DRIMbox), ebRIM 2.1.
//! - `fields`: HL7 v2 values of the metadata (CX patient ids, `sourcePatientInfo`).
//! - `read`: the whole, subset by subset; `error`: [`XdmError`], French, never quoting a
//!   document or a patient.
//!
//! `Debug` of the identity types shows no value. Decisions: `docs/xdm.md`.

mod archive;
mod error;
mod fields;
mod metadata;
mod read;
pub(crate) mod zip_guard;

#[cfg(test)]
mod test_zip;
#[cfg(test)]
mod tests_fixtures;
#[cfg(test)]
mod tests_hostile;

use std::fmt;

pub use error::{MetadataProblem, XdmError};
pub use read::{read_archive, read_archive_file};

/// What an archive may cost before it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct XdmLimits {
    /// Largest archive file read by [`read_archive_file`], in bytes.
    pub max_archive_bytes: u64,
    /// Most entries in the ZIP's central directory (directories and ignored files included).
    pub max_entries: usize,
    /// Most bytes inflated in all, counted while inflating.
    pub max_total_bytes: u64,
    /// Largest `METADATA.XML`, once inflated.
    pub max_metadata_bytes: u64,
    /// Highest inflated/compressed ratio of one entry …
    pub max_ratio: u64,
    /// … checked once the entry has inflated beyond this many bytes.
    pub ratio_after: u64,
}

impl XdmLimits {
    /// An MSSanté mail is at most 25 MB; these leave room for other senders and stay small.
    pub const DEFAULT: Self = Self {
        max_archive_bytes: 100 * 1024 * 1024,
        max_entries: 2_000,
        max_total_bytes: 200 * 1024 * 1024,
        max_metadata_bytes: 16 * 1024 * 1024,
        max_ratio: 100,
        ratio_after: 1024 * 1024,
    };
}

impl Default for XdmLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A read archive: its subsets, in folder-name order.
#[derive(Debug, Clone)]
pub struct XdmArchive {
    pub subsets: Vec<XdmSubset>,
}

impl XdmArchive {
    /// Every document of every subset.
    pub fn documents(&self) -> impl Iterator<Item = &XdmDocument> {
        self.subsets.iter().flat_map(|s| s.documents.iter())
    }
}

/// How a subset's `METADATA.XML` was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataFormat {
    /// `lcm:SubmitObjectsRequest`, ebRS 3.0 (the standard).
    Ebrs30,
    /// A whole ITI-41 SOAP envelope holding the `SubmitObjectsRequest` (DRIMbox).
    SoapEnvelope,
    /// ebRIM/ebRS 2.1 (`LeafRegistryObjectList`, XDS.a era).
    Ebrim21,
}

impl MetadataFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ebrs30 => "ebRS 3.0",
            Self::SoapEnvelope => "ebRS 3.0 (enveloppe SOAP)",
            Self::Ebrim21 => "ebRIM 2.1",
        }
    }
}

/// One folder `IHE_XDM/<folder>/` with its `METADATA.XML`.
#[derive(Debug, Clone)]
pub struct XdmSubset {
    /// The folder's name as written (`SUBSET01`, `SS000001`…).
    pub folder: String,
    pub format: MetadataFormat,
    pub submission_set: XdmSubmissionSet,
    pub documents: Vec<XdmDocument>,
}

/// The submission set (`RegistryPackage`) of a subset.
#[derive(Debug, Clone, Default)]
pub struct XdmSubmissionSet {
    /// `XDSSubmissionSet.uniqueId`.
    pub unique_id: Option<String>,
    /// `XDSSubmissionSet.sourceId`.
    pub source_id: Option<String>,
    /// `Name`.
    pub title: Option<String>,
    pub author: Option<XdmAuthor>,
    /// `submissionTime` as written (HL7 DTM).
    pub submission_time: Option<String>,
    /// `XDSSubmissionSet.patientId`.
    pub patient_id: Option<XdmPatientId>,
}

/// An author classification: `authorPerson` (XCN) and `authorInstitution` (XON) as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XdmAuthor {
    pub person: Option<String>,
    pub institution: Option<String>,
}

/// A coded value of a classification (`nodeRepresentation`, `codingScheme`, `Name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XdmCode {
    pub code: String,
    pub scheme: Option<String>,
    pub display: Option<String>,
}

/// A patient identifier (HL7 CX `id^^^&OID&ISO`).
#[derive(Clone, PartialEq, Eq)]
pub struct XdmPatientId {
    /// CX.1.
    pub id: String,
    /// CX.4.2, the assigning authority's OID.
    pub authority: Option<String>,
    /// The whole value as written.
    pub raw: String,
}

impl fmt::Debug for XdmPatientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XdmPatientId(*** ^ {:?})", self.authority)
    }
}

/// The patient's traits of a `sourcePatientInfo` slot (PID-3, PID-5, PID-7, PID-8).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SourcePatient {
    /// PID-3, every repetition.
    pub ids: Vec<XdmPatientId>,
    /// PID-5.1 (the `L` name when several are given).
    pub family: Option<String>,
    /// PID-5.2.
    pub given: Option<String>,
    /// PID-7 as written.
    pub birth_date: Option<String>,
    /// PID-8 as written.
    pub sex: Option<String>,
}

impl SourcePatient {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

impl fmt::Debug for SourcePatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SourcePatient({} ids, traits masked)", self.ids.len())
    }
}

/// The PFI's extra `action` slot: the document replaces (`C`) or deletes (`D`) an earlier one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XdmAction {
    Change,
    Delete,
    /// Another value (not shown: only its presence is kept).
    Unrecognised,
}

impl XdmAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Change => "C",
            Self::Delete => "D",
            Self::Unrecognised => "?",
        }
    }
}

/// One document entry (`ExtrinsicObject`) and the file it names.
#[derive(Clone)]
pub struct XdmDocument {
    /// The entry's `id` in the metadata (symbolic, `Document01`).
    pub entry_id: String,
    /// `XDSDocumentEntry.uniqueId`.
    pub unique_id: Option<String>,
    /// `XDSDocumentEntry.patientId`.
    pub patient_id: Option<XdmPatientId>,
    /// `sourcePatientInfo`.
    pub source_patient: SourcePatient,
    /// `Name`.
    pub title: Option<String>,
    pub mime_type: Option<String>,
    pub type_code: Option<XdmCode>,
    pub class_code: Option<XdmCode>,
    /// `creationTime` as written (HL7 DTM).
    pub creation_time: Option<String>,
    /// The `URI` slot as written.
    pub uri: String,
    /// The archive entry it resolved to.
    pub path: String,
    pub content: Vec<u8>,
    /// The `size` slot as written.
    pub declared_size: Option<String>,
    /// The `hash` slot as written (SHA-1, hex).
    pub declared_hash: Option<String>,
    /// SHA-1 of `content`, lower-case hex.
    pub actual_hash: String,
    /// `None` when no size was declared; `Some(false)` also for an unreadable one.
    pub size_matches: Option<bool>,
    /// `None` when no hash was declared; compared without regard to case.
    pub hash_matches: Option<bool>,
    pub action: Option<XdmAction>,
}

impl XdmDocument {
    /// Bytes of the file.
    pub fn actual_size(&self) -> u64 {
        self.content.len() as u64
    }

    /// False when a declared size or hash does not match the file.
    pub fn integrity_ok(&self) -> bool {
        self.size_matches != Some(false) && self.hash_matches != Some(false)
    }
}

impl fmt::Debug for XdmDocument {
    /// Shapes only: no identity, no content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XdmDocument")
            .field("entry_id", &self.entry_id)
            .field("unique_id", &self.unique_id)
            .field("mime_type", &self.mime_type)
            .field("bytes", &self.content.len())
            .field("size_matches", &self.size_matches)
            .field("hash_matches", &self.hash_matches)
            .field("action", &self.action)
            .finish_non_exhaustive()
    }
}
