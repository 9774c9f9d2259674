//! A document of the patient's DMP as the screens show it: named by its entry (the DMP's
//! metadata id), with what the list shows read from the DMP's metadata (not the CDA), its
//! visibility flags and whether this establishment authored it. The XDS entry it comes from
//! stays on the worker side. Also the domain form of a DMP search and of what the DMP says of a
//! local copy.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::document::{DocumentMeta, DocumentRef, DocumentSummary, Visibility};
use crate::domain::patient::PatientId;

/// The DMP's id of one version of a document's metadata (XDS entryUUID, `urn:uuid:…`). It
/// changes when the metadata change (e.g. visibility); the document's `unique_id` does not.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DmpEntry(pub String);

impl DmpEntry {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One document of the patient's DMP.
#[derive(Clone, PartialEq, Eq)]
pub struct DmpDocument {
    pub patient: PatientId,
    pub entry: DmpEntry,
    /// The CDA `ClinicalDocument/id` (XDS uniqueId): what tells it is already in the folder.
    pub unique_id: String,
    /// Type, title, dates, author and organisation as the DMP's metadata give them.
    pub meta: DocumentMeta,
    /// When the document was created (the DMP's stand-in for its submission).
    pub created: Option<DateTime<Utc>>,
    pub visibility: Visibility,
    pub archived: bool,
    /// One of its authors belongs to this establishment (the consultation d'annonce worklist
    /// keeps these).
    pub authored_here: bool,
}

impl fmt::Debug for DmpDocument {
    /// Ids and flags only: titles may tell the patient's condition.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DmpDocument")
            .field("entry", &self.entry)
            .field("unique_id", &self.unique_id)
            .field("visibility", &self.visibility)
            .field("archived", &self.archived)
            .field("authored_here", &self.authored_here)
            .finish_non_exhaustive()
    }
}

impl DmpDocument {
    /// How screens and requests name it.
    pub fn reference(&self) -> DocumentRef {
        DocumentRef::Dmp {
            patient: self.patient,
            entry: self.entry.clone(),
        }
    }

    /// Hidden from the patient or from the legal representatives.
    pub fn is_invisible(&self) -> bool {
        self.visibility.invisible_patient || self.visibility.invisible_legal_reps
    }

    /// The document as a row of the folder's list (not in the store).
    pub fn summary(&self) -> DocumentSummary {
        DocumentSummary::from_dmp(
            self.reference(),
            self.patient,
            self.meta.clone(),
            self.visibility,
        )
    }
}

/// A multi-criteria search of the patient's DMP, as the user asks it. `None` and `false` mean
/// "any"; the default is what the folder's list asks: current versions, any visibility.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DmpFilter {
    /// First day of creation, inclusive (local time).
    pub created_from: Option<NaiveDate>,
    /// Last day of creation, inclusive (local time).
    pub created_to: Option<NaiveDate>,
    /// LOINC type code.
    pub type_code: Option<String>,
    /// DMP class code (TRE_A03).
    pub class_code: Option<String>,
    /// National id of an author, or part of their name (case and accents ignored).
    pub author: Option<String>,
    /// Structure id of an author's organisation, or part of its name.
    pub organisation: Option<String>,
    /// Only documents the patient does not see yet.
    pub invisible_to_patient_only: bool,
    /// Archived documents too.
    pub archived: bool,
    /// Replaced versions too.
    pub replaced: bool,
}

/// What the DMP says of a local document that came from it or was sent to it, when that is not
/// "it is the current version".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmpVersionState {
    /// The DMP has a newer version.
    Newer(Box<DmpDocument>),
    /// Replaced in the DMP, but the newer version was not found.
    Superseded,
    /// Deleted from the DMP.
    Deleted,
}
