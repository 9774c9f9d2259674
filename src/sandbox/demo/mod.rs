//! Demo data of the sandbox mode: a deterministic set of fictitious patients (identities with
//! test INS, care episodes, CDA documents from the CI-SIS examples) and a bulk generator for
//! load tests. Nothing here touches the store or the network; the sandbox loads what this
//! module returns.
//!
//! Determinism: the generator uses its own SplitMix64 ([`rng`]), so a seed and a `today`
//! always give the same data. All INS are test (`1.2.250.1.213.1.4.10`) or demo (`.11`)
//! INS-NIR with valid keys, consistent with the birth traits.

mod episodes;
mod fixtures;
mod generate;
pub mod hospital;
mod identity;
mod names;
mod places;
mod retarget;
pub(crate) mod rng;
#[cfg(test)]
mod tests;

use std::fmt;

use chrono::NaiveDateTime;

use crate::domain::{Episode, EpisodeId, EpisodeKind, Patient, PatientId, PatientIdentity};

pub use generate::{DEMO_PATIENT_COUNT, DEMO_SEED, bulk_patients, demo_patients};
pub use places::birthplace_name;
pub use retarget::{has_embedded_pdf, retarget};

/// OID under which the sandbox issues its IPPs (a `2.25` UUID-derived OID, so that it can
/// collide with no registered establishment).
pub const SANDBOX_IPP_OID: &str = "2.25.147690573989494476459272630340973074963.1";

/// OID under which the sandbox hospital numbers the documents it produces (same UUID arc).
pub const SANDBOX_DOCUMENT_OID: &str = "2.25.147690573989494476459272630340973074963.2";

/// Name of the fictitious establishment of the sandbox.
pub const SANDBOX_ESTABLISHMENT_NAME: &str = "Centre hospitalier de démonstration Chevet";

/// FINESS juridique of the fictitious establishment (valid Luhn key).
pub const SANDBOX_FINESS_EJ: &str = "750999005";

/// FINESS géographiques of its sites (valid Luhn keys), in the order of [`SANDBOX_SITE_NAMES`].
pub const SANDBOX_FINESS_GEO: [&str; 4] = ["750999013", "750999021", "920999034", "940999048"];

/// Names of the sites, in the order of [`SANDBOX_FINESS_GEO`].
pub const SANDBOX_SITE_NAMES: [&str; 4] = [
    "Hôpital Chevet — site Bellevue (Paris)",
    "Hôpital Chevet — site des Tilleuls (Paris)",
    "Hôpital Chevet — site du Parc (Hauts-de-Seine)",
    "Hôpital Chevet — site de la Marne (Val-de-Marne)",
];

/// A demo patient: identity, episodes and documents.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoPatient {
    /// The identity; its IPP is 8 digits under [`SANDBOX_IPP_OID`], unique in its set.
    pub identity: PatientIdentity,
    /// Oldest first; at most the last one is open.
    pub episodes: Vec<DemoEpisode>,
    pub documents: Vec<DemoDocument>,
}

impl DemoPatient {
    /// The patient as the domain knows it, with the store's row id.
    pub fn patient(&self, id: PatientId) -> Patient {
        Patient {
            id,
            identity: self.identity.clone(),
        }
    }
}

impl fmt::Debug for DemoPatient {
    /// No identity: status and counts only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DemoPatient({:?}, {} episodes, {} documents)",
            self.identity.status,
            self.episodes.len(),
            self.documents.len()
        )
    }
}

/// A care episode of a demo patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoEpisode {
    pub kind: EpisodeKind,
    pub start: NaiveDateTime,
    /// None while the episode is open.
    pub end: Option<NaiveDateTime>,
    pub unit: String,
    /// One of [`SANDBOX_FINESS_GEO`].
    pub finess_geo: String,
}

impl DemoEpisode {
    /// The episode as the domain knows it, with the store's row ids.
    pub fn episode(&self, id: EpisodeId, patient_id: PatientId) -> Episode {
        Episode {
            id,
            patient_id,
            kind: self.kind,
            start: self.start,
            end: self.end,
            unit: self.unit.clone(),
            finess_geo: self.finess_geo.clone(),
        }
    }
}

/// A CDA document of a demo patient.
#[derive(Clone, PartialEq, Eq)]
pub struct DemoDocument {
    /// The CDA R2 XML, as it would be received.
    pub cda: Vec<u8>,
    /// Index into the patient's `episodes` of the episode it belongs to, if any.
    pub episode_index: Option<usize>,
}

impl fmt::Debug for DemoDocument {
    /// Size only: the content names the patient.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DemoDocument({} bytes, episode {:?})",
            self.cda.len(),
            self.episode_index
        )
    }
}

/// Why a fixture cannot be rewritten for a demo patient. Never carries identity values.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "le document contient un PDF incorporé, qui montrerait l'identité d'une autre personne"
    )]
    EmbeddedPdf,
    #[error("le document n'est pas un ClinicalDocument CDA")]
    NotClinicalDocument,
    #[error("le document doit compter exactement un recordTarget (il en compte {0})")]
    RecordTargetCount(usize),
    #[error("l'identifiant du document (ClinicalDocument/id) est absent ou sans root")]
    MissingDocumentId,
    #[error("un identifiant de document a des attributs mal formés")]
    MalformedId,
    #[error("le suffixe d'identifiant doit être un nombre sans zéro initial")]
    InvalidSuffix,
    #[error("le document n'est pas encodé en UTF-8")]
    NotUtf8,
    #[error("XML mal formé : {0}")]
    Xml(#[from] quick_xml::Error),
    #[error("attribut XML mal formé : {0}")]
    Attribute(#[from] quick_xml::events::attributes::AttrError),
    #[error("écriture du document impossible : {0}")]
    Io(#[from] std::io::Error),
}
