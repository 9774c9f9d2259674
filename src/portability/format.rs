//! The archive format, version 1 (`docs/portability.md`): the ZIP's entry names, `index.json`
//! and its records, `index.csv`. Values are written as the store holds them (codes, ISO 8601
//! texts) so that an import gives back the same rows; the archive's own names carry no
//! identity (documents are named by a hash of their CDA id).

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::export::stamp::Producer;

/// `format` of every index.
pub const FORMAT_NAME: &str = "chevet-export";
/// The version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;
/// The index's entry name.
pub const INDEX_JSON: &str = "index.json";
/// The spreadsheet index's entry name (informative: the import reads `index.json`).
pub const INDEX_CSV: &str = "index.csv";
/// The folder of the CDA files.
pub const DOCUMENTS_DIR: &str = "documents/";

/// `index.json`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub format: String,
    pub format_version: u32,
    pub producer: Producer,
    /// ISO 8601 UTC, seconds.
    pub generated_at: String,
    pub scope: Scope,
    pub patients: Vec<PatientRecord>,
}

/// What an archive holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// One patient's folder.
    Patient,
    /// Every patient of the store.
    Establishment,
}

impl Scope {
    pub fn code(self) -> &'static str {
        match self {
            Self::Patient => "patient",
            Self::Establishment => "establishment",
        }
    }
}

/// The header of `index.json` alone: read first, so that a newer format is refused before its
/// records are interpreted.
#[derive(Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
}

/// One patient: identity, episodes (with their consent history), identity history, documents.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct PatientRecord {
    pub ipp: String,
    pub ins: Option<InsRecord>,
    pub traits: TraitsRecord,
    /// `PROV`, `RECUP`, `VALI` or `QUAL`.
    pub identity_status: String,
    pub treating_physician: Option<TreatingPhysician>,
    pub created_at: String,
    pub updated_at: String,
    pub episodes: Vec<EpisodeRecord>,
    pub identity_history: Vec<HistoryRecord>,
    pub documents: Vec<DocumentRecord>,
}

impl std::fmt::Debug for PatientRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientRecord")
            .field("episodes", &self.episodes.len())
            .field("documents", &self.documents.len())
            .finish_non_exhaustive()
    }
}

/// The INS: matricule (NIR or NIA) and its OID.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct InsRecord {
    pub matricule: String,
    pub oid: String,
}

/// The birth traits and the names in use.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TraitsRecord {
    pub birth_name: String,
    pub birth_first_names: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `M`, `F` or `U`.
    pub sex: String,
    pub birthplace_insee: Option<String>,
    pub used_name: Option<String>,
    pub used_first_name: Option<String>,
}

/// The patient's treating physician as the directory named them.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TreatingPhysician {
    pub id: Option<String>,
    pub name: Option<String>,
}

/// A care episode (a stay when the GAM sent it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeRecord {
    /// This archive's key for the episode (`e<n>`), which documents refer to.
    pub key: String,
    /// `I` (hospitalisation), `O` (consultation), `E` (emergency).
    pub kind: String,
    pub start_at: String,
    pub end_at: Option<String>,
    pub unit: String,
    pub finess_geo: String,
    pub visit_number: Option<String>,
    pub source: String,
    pub state: String,
    /// Every row of the DMP information / opposition history, oldest first.
    pub consent: Vec<ConsentRecord>,
    pub movements: Vec<MovementRecord>,
}

/// One row of `dmp_consent`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// `none`, `not-opposed`, `opposed`.
    pub information: String,
    pub opposes_feeding: bool,
    pub opposes_consultation: bool,
    pub break_glass_reason: Option<String>,
    pub actor: String,
    pub recorded_at: String,
    pub origin_id: Option<String>,
    pub source: String,
    pub stated_on: Option<String>,
}

impl std::fmt::Debug for ConsentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConsentRecord")
            .field("information", &self.information)
            .field("recorded_at", &self.recorded_at)
            .finish_non_exhaustive()
    }
}

/// One movement of a stay.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovementRecord {
    pub movement_id: String,
    pub start_at: String,
    pub trigger: String,
    pub unit: String,
    pub nature: Option<String>,
    pub cancelled: bool,
}

/// One row of `identity_history`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    pub at: String,
    pub actor: String,
    pub event: String,
    pub from_status: String,
    pub to_status: String,
    pub document: Option<String>,
    pub reason: Option<String>,
    pub insi_result: Option<String>,
    pub insi_calls: Option<i64>,
    pub ins_matricule: Option<String>,
    pub ins_oid: Option<String>,
    pub detail: String,
}

/// A document: its metadata, its sharing states and where its CDA file is.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentRecord {
    /// Entry name of the exact CDA bytes.
    pub file: String,
    /// SHA-256 of those bytes, lower-case hex.
    pub sha256: String,
    pub size: u64,
    /// The episode's `key`, if the document belongs to one.
    pub episode: Option<String>,
    pub cda_id: String,
    pub set_id: String,
    pub version_number: i64,
    pub type_code: String,
    pub type_system: String,
    pub type_label: String,
    pub class_code: Option<String>,
    pub title: String,
    pub act_date: Option<String>,
    pub created_date: Option<String>,
    pub author: String,
    pub organisation: String,
    pub confidentiality: String,
    pub body_kind: String,
    pub has_pdf: bool,
    pub replaces: Option<String>,
    /// `local`, `dmp`, `mss`, `xdm`.
    pub provenance: String,
    pub dmp_share: String,
    pub mss_share: String,
    pub invisible_patient: bool,
    pub invisible_legal_reps: bool,
    pub masked_ps: bool,
    pub integrated_at: String,
    pub integrated_by: Option<String>,
    pub integrated_unit: Option<String>,
    pub deleted_at: Option<String>,
}

impl std::fmt::Debug for DocumentRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentRecord")
            .field("file", &self.file)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// The entry name of a document: a hash of its CDA id (unique in a store, stable across
/// exports, and saying nothing of the patient).
pub fn document_file(cda_id: &str) -> String {
    let digest = Sha256::digest(cda_id.as_bytes());
    format!("{DOCUMENTS_DIR}{}.xml", &hex::encode(digest)[..32])
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// `index.csv`'s columns: one line per document, patient named by IPP.
pub const CSV_HEADER: [&str; 16] = [
    "ipp",
    "fichier",
    "sha256",
    "taille",
    "cda_id",
    "set_id",
    "version",
    "type_code",
    "type_libelle",
    "titre",
    "date_acte",
    "auteur",
    "organisation",
    "provenance",
    "partage_dmp",
    "partage_mss",
];

/// One `index.csv` line.
pub fn csv_row(ipp: &str, d: &DocumentRecord) -> [String; 16] {
    [
        ipp.to_owned(),
        d.file.clone(),
        d.sha256.clone(),
        d.size.to_string(),
        d.cda_id.clone(),
        d.set_id.clone(),
        d.version_number.to_string(),
        d.type_code.clone(),
        d.type_label.clone(),
        d.title.clone(),
        d.act_date.clone().unwrap_or_default(),
        d.author.clone(),
        d.organisation.clone(),
        d.provenance.clone(),
        d.dmp_share.clone(),
        d.mss_share.clone(),
    ]
}
