//! What the DMP document requests and events carry: the rows of the folder's DMP list, the
//! documents to integrate, a DMP document open in the viewer, and what integration did.

use std::sync::Arc;

use crate::dmp::consult::DmpDocumentRow;
use crate::domain::DocumentId;

/// One DMP document as the folder lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmpListRow {
    pub row: DmpDocumentRow,
    /// Authored by this establishment (the consultation d'annonce worklist keeps these).
    pub own: bool,
}

/// A DMP document to integrate, with its bytes when the viewer already read them.
#[derive(Clone)]
pub struct DmpToIntegrate {
    pub row: DmpDocumentRow,
    pub raw: Option<Arc<Vec<u8>>>,
}

/// A DMP document open in the viewer (not necessarily integrated).
#[derive(Clone)]
pub struct DmpOrigin {
    pub row: Box<DmpDocumentRow>,
    /// The CDA as read by TD3.2 (attachments and the stylesheet read it from here).
    pub raw: Arc<Vec<u8>>,
    /// The folder's copy, when already integrated.
    pub integrated: Option<DocumentId>,
}

// Sizes only: the bytes are the patient's document.
impl std::fmt::Debug for DmpToIntegrate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmpToIntegrate")
            .field("row", &self.row)
            .field("raw_bytes", &self.raw.as_ref().map(|r| r.len()))
            .finish()
    }
}

impl std::fmt::Debug for DmpOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmpOrigin")
            .field("row", &self.row)
            .field("raw_bytes", &self.raw.len())
            .field("integrated", &self.integrated)
            .finish()
    }
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
