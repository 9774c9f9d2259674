//! The patient's DMP as the screens and the policy see it, free of the wire formats: a DMP
//! document ([`DmpDocument`], named by its entry), the multi-criteria search as a domain filter
//! ([`DmpFilter`], mapped to XDS by `dmp::consult`), the badge beside the identity
//! ([`DmpBadge`]), what the DMP says of a local copy ([`DmpVersionState`]), the portal pages, and
//! the settings of the zero-click count (care kinds, reference event).

mod document;
mod since;

pub use document::{DmpDocument, DmpEntry, DmpFilter, DmpVersionState};
pub use since::CountSince;

/// The badge states of the DSR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DmpBadge {
    /// The patient has no DMP.
    NoDmp,
    /// The patient's DMP is closed.
    Closed,
    /// The professional may consult the DMP in the requested mode.
    Authorized,
    /// The patient blocked this professional.
    BlockedThisProfessional,
    /// The patient opposed the requested emergency access (bris de glace or centre 15).
    PatientOpposed,
    /// No valid individual authorization (none yet, or expired): TD0.3 may set it.
    NotAuthorized,
}

impl DmpBadge {
    /// The code kept in the store (the last known status).
    pub fn code(self) -> &'static str {
        match self {
            Self::NoDmp => "no-dmp",
            Self::Closed => "closed",
            Self::Authorized => "authorized",
            Self::BlockedThisProfessional => "blocked",
            Self::PatientOpposed => "opposed",
            Self::NotAuthorized => "not-authorized",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::NoDmp,
            Self::Closed,
            Self::Authorized,
            Self::BlockedThisProfessional,
            Self::PatientOpposed,
            Self::NotAuthorized,
        ]
        .into_iter()
        .find(|b| b.code() == code)
    }
}

/// Pages of the DMP professional web portal opened in the patient's context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PortalPage {
    /// The patient's record summary.
    Summary,
    /// The list of documents.
    Documents,
    /// The creation of a vaccination note.
    VaccinationNote,
}

impl PortalPage {
    /// The value put in `{page}` (configurable deployments map it in the template).
    pub fn code(self) -> &'static str {
        match self {
            Self::Summary => "synthese",
            Self::Documents => "documents",
            Self::VaccinationNote => "note-vaccination",
        }
    }
}
