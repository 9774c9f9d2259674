//! [`Refusal`]: what a DMP, XDS or WS-Security code means for the user, recognised from the
//! confirmed codes exactly and from the words of the others.

use std::fmt;

/// A refusal by the DMP that the user can understand and act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The patient has no DMP.
    NoDmp,
    /// The patient's DMP is closed.
    DmpClosed,
    /// The user has no authorization on this DMP (the patient must consent first).
    AuthorizationMissing,
    /// The user's authorization on this DMP has expired.
    AuthorizationExpired,
    /// The patient has blocked this professional (`INTERDIT`).
    BlockedByPatient,
    /// The patient opposed emergency access (bris de glace).
    OppositionBrisDeGlace,
    /// The patient opposed access by the regulating physician of a centre 15.
    OppositionCentre15,
    DocumentNotFound,
    /// The INS does not identify a patient known to the DMP.
    UnknownPatient,
    /// The VIHF assertion (identity token) was refused.
    VihfRejected,
    /// The search matches more results than the DMP returns.
    TooManyResults,
}

impl Refusal {
    /// Recognises a DMP, XDS or WS-Security code. Confirmed codes are matched exactly; other DMP
    /// codes by the words they contain (the DMP's catalogue was not available, see the module
    /// documentation). `None` when the code says nothing the user can act on.
    pub fn from_code(code: &str) -> Option<Self> {
        let local = code.trim().rsplit(':').next().unwrap_or_default();
        let exact = match local {
            "DMPClosed" => Some(Self::DmpClosed),
            "XDSDocumentUniqueIdError" | "XDSMissingDocument" => Some(Self::DocumentNotFound),
            "XDSTooManyResults" => Some(Self::TooManyResults),
            "XDSUnknownPatientId" => Some(Self::UnknownPatient),
            "InvalidSecurity"
            | "InvalidSecurityToken"
            | "FailedAuthentication"
            | "FailedCheck"
            | "SecurityTokenUnavailable"
            | "MessageExpired"
            | "UnsupportedSecurityToken" => Some(Self::VihfRejected),
            _ => None,
        };
        if exact.is_some() {
            return exact;
        }
        let words: String = local
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        KEYWORDS
            .iter()
            .find(|(needles, _)| needles.iter().any(|n| words.contains(n)))
            .map(|(_, refusal)| *refusal)
    }
}

/// Words of unconfirmed DMP codes, most specific first.
const KEYWORDS: &[(&[&str], Refusal)] = &[
    (&["toomany", "tropde"], Refusal::TooManyResults),
    (&["vihf", "saml", "assertion"], Refusal::VihfRejected),
    (
        &["brisdeglace", "breakglass", "bdg"],
        Refusal::OppositionBrisDeGlace,
    ),
    (
        &["urgence", "centre15", "regulation"],
        Refusal::OppositionCentre15,
    ),
    (&["closed", "ferme"], Refusal::DmpClosed),
    (&["expire"], Refusal::AuthorizationExpired),
    (
        &["interdit", "excluded", "blocked", "bloque"],
        Refusal::BlockedByPatient,
    ),
    (
        &["documentnotfound", "docnotfound", "documentinconnu"],
        Refusal::DocumentNotFound,
    ),
    (
        &[
            "patientnotfound",
            "unknownpatient",
            "insnotfound",
            "nirnotfound",
            "patientinconnu",
        ],
        Refusal::UnknownPatient,
    ),
    (&["dmpnotfound", "dmpinexistant", "nodmp"], Refusal::NoDmp),
    (
        &[
            "authorization",
            "autorisation",
            "accessdenied",
            "notauthorized",
            "unauthorized",
        ],
        Refusal::AuthorizationMissing,
    ),
];

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoDmp => "le patient n'a pas de DMP",
            Self::DmpClosed => "le DMP du patient est fermé",
            Self::AuthorizationMissing => "aucune autorisation d'accès à ce DMP",
            Self::AuthorizationExpired => "l'autorisation d'accès à ce DMP a expiré",
            Self::BlockedByPatient => "le patient a bloqué l'accès de ce professionnel",
            Self::OppositionBrisDeGlace => "le patient s'est opposé à l'accès en bris de glace",
            Self::OppositionCentre15 => "le patient s'est opposé à l'accès par le centre 15",
            Self::DocumentNotFound => "document introuvable dans le DMP",
            Self::UnknownPatient => "l'INS n'identifie aucun patient connu du DMP",
            Self::VihfRejected => "le jeton d'identification (VIHF) a été refusé",
            Self::TooManyResults => "la recherche renvoie trop de résultats",
        })
    }
}
