//! Pure types and rules of the patient record: INS, identity status, patients, care episodes,
//! roles and rights, documents. No I/O, no UI: everything here is unit-tested in place.

pub mod consent;
pub mod directory;
pub mod dmp;
pub mod document;
pub mod episode;
pub mod establishment;
pub mod identity;
pub mod indicators;
pub mod ins;
pub mod mss;
pub mod outbox;
pub mod patient;
pub mod professional;
pub mod role;
pub mod versions;

pub use consent::{
    ConsentChange, ConsultationDecision, EpisodeConsent, FeedingDecision, Information,
    RefusalReason,
};
pub use document::{
    BodyKind, DocumentId, DocumentMeta, DocumentRef, DocumentSort, DocumentSummary, Provenance,
    ShareState, Visibility,
};
pub use episode::{Episode, EpisodeId, EpisodeKind};
pub use establishment::Establishment;
pub use identity::{IdentityEvent, IdentityStatus};
pub use ins::{Ins, InsOid, Matricule};
pub use patient::{BirthTraits, Patient, PatientId, PatientIdentity, Sex};
pub use professional::ProfessionalInfo;
pub use role::{Right, Role};
