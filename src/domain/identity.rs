//! Identity status of a patient (RNIV, référentiel national d'identitovigilance) and the
//! events that move it: provisoire, récupérée, validée, qualifiée.
//!
//! Two independent proofs lead to a qualified identity: the INS was retrieved or verified with
//! the INSi teleservice, and the identity was checked against a high-trust document (ID card,
//! passport, residence permit). Only a qualified identity lets the INS be used in exchanges.
//!
//! Also the identity documents a professional may check ([`IdentityDocument`]: the RNIV's
//! high-trust ones, which prove an identity, and the low-trust ones, which do not) and why an
//! identity may be put in doubt ([`DoubtReason`]).

use chrono::NaiveDate;

/// The four RNIV identity statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IdentityStatus {
    /// Neither proof: the identity is declared.
    Provisoire,
    /// INS retrieved or verified with INSi, identity not checked against a document.
    Recuperee,
    /// Identity checked against a high-trust document, INS not retrieved.
    Validee,
    /// Both: the INS may be used and shared.
    Qualifiee,
}

/// What happened to the identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityEvent {
    /// The INSi teleservice returned or confirmed the INS.
    InsRetrieved,
    /// A professional checked a high-trust identity document.
    DocumentChecked,
    /// INSi no longer confirms the INS (or it was found wrong).
    InsInvalidated,
    /// The document used as proof turned out not to be of high trust.
    ProofInvalidated,
    /// Doubtful or fictitious identity: back to provisional.
    Doubt,
}

/// A transition the rules forbid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("transition d'identité impossible : {event:?} depuis le statut {from:?}")]
pub struct TransitionError {
    pub from: IdentityStatus,
    pub event: IdentityEvent,
}

impl IdentityStatus {
    pub const ALL: [Self; 4] = [
        Self::Provisoire,
        Self::Recuperee,
        Self::Validee,
        Self::Qualifiee,
    ];

    /// Stable code stored in the database and used in exchanges (RNIV abbreviations).
    pub fn code(self) -> &'static str {
        match self {
            Self::Provisoire => "PROV",
            Self::Recuperee => "RECUP",
            Self::Validee => "VALI",
            Self::Qualifiee => "QUAL",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Fluent message id of the status label.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Provisoire => "identity-provisoire",
            Self::Recuperee => "identity-recuperee",
            Self::Validee => "identity-validee",
            Self::Qualifiee => "identity-qualifiee",
        }
    }

    /// An INS must be recorded in this status.
    pub fn requires_ins(self) -> bool {
        matches!(self, Self::Recuperee | Self::Qualifiee)
    }

    /// The INS may be used to identify the patient in exchanges (DMP, MSSanté, documents).
    pub fn ins_usable(self) -> bool {
        self == Self::Qualifiee
    }

    /// Applies an event and returns the new status, or why it cannot apply.
    pub fn apply(self, event: IdentityEvent) -> Result<Self, TransitionError> {
        use IdentityEvent as E;
        use IdentityStatus as S;
        let next = match (self, event) {
            (_, E::Doubt) => Some(S::Provisoire),
            (S::Provisoire | S::Recuperee, E::InsRetrieved) => Some(S::Recuperee),
            (S::Validee | S::Qualifiee, E::InsRetrieved) => Some(S::Qualifiee),
            (S::Provisoire | S::Validee, E::DocumentChecked) => Some(S::Validee),
            (S::Recuperee | S::Qualifiee, E::DocumentChecked) => Some(S::Qualifiee),
            (S::Recuperee, E::InsInvalidated) => Some(S::Provisoire),
            (S::Qualifiee, E::InsInvalidated) => Some(S::Validee),
            (S::Validee, E::ProofInvalidated) => Some(S::Provisoire),
            (S::Qualifiee, E::ProofInvalidated) => Some(S::Recuperee),
            (S::Provisoire | S::Validee, E::InsInvalidated)
            | (S::Provisoire | S::Recuperee, E::ProofInvalidated) => None,
        };
        next.ok_or(TransitionError { from: self, event })
    }

    /// True when some event leads from `self` to `to` in one step.
    pub fn can_become(self, to: Self) -> bool {
        [
            IdentityEvent::InsRetrieved,
            IdentityEvent::DocumentChecked,
            IdentityEvent::InsInvalidated,
            IdentityEvent::ProofInvalidated,
            IdentityEvent::Doubt,
        ]
        .into_iter()
        .any(|e| self.apply(e) == Ok(to))
    }
}

/// An identity document shown by the patient. The RNIV's high-trust documents (national
/// identity card, passport, residence permit; for a minor, the family record book or birth
/// certificate) prove an identity; the others are traced but never validate it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdentityDocument {
    /// Carte nationale d'identité (French, or of an EU / EEA country or Switzerland).
    CarteIdentite,
    Passeport,
    /// Titre de séjour (carte de séjour, carte de résident).
    TitreSejour,
    /// Livret de famille or extrait d'acte de naissance: proves a minor's identity only.
    LivretFamille,
    /// Permis de conduire: low trust.
    PermisConduire,
    /// Carte Vitale: low trust (no photograph, no identity proof).
    CarteVitale,
    /// Any other document (student card, invoice…): low trust.
    Autre,
}

impl IdentityDocument {
    pub const ALL: [Self; 7] = [
        Self::CarteIdentite,
        Self::Passeport,
        Self::TitreSejour,
        Self::LivretFamille,
        Self::PermisConduire,
        Self::CarteVitale,
        Self::Autre,
    ];

    /// Stable code stored in the identity history.
    pub fn code(self) -> &'static str {
        match self {
            Self::CarteIdentite => "cni",
            Self::Passeport => "passeport",
            Self::TitreSejour => "titre-sejour",
            Self::LivretFamille => "livret-famille",
            Self::PermisConduire => "permis-conduire",
            Self::CarteVitale => "carte-vitale",
            Self::Autre => "autre",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Fluent message id of the document's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::CarteIdentite => "identity-document-cni",
            Self::Passeport => "identity-document-passeport",
            Self::TitreSejour => "identity-document-titre-sejour",
            Self::LivretFamille => "identity-document-livret-famille",
            Self::PermisConduire => "identity-document-permis-conduire",
            Self::CarteVitale => "identity-document-carte-vitale",
            Self::Autre => "identity-document-autre",
        }
    }

    /// A high-trust document of the RNIV (for the family record book: of a minor).
    pub fn is_high_trust(self) -> bool {
        matches!(
            self,
            Self::CarteIdentite | Self::Passeport | Self::TitreSejour | Self::LivretFamille
        )
    }

    /// Whether checking this document proves the identity of someone born on `birth_date`,
    /// on `today`: a high-trust document, the family record book only under 18.
    pub fn proves_identity(self, birth_date: NaiveDate, today: NaiveDate) -> bool {
        match self {
            Self::LivretFamille => today.years_since(birth_date).is_some_and(|age| age < 18),
            other => other.is_high_trust(),
        }
    }

    /// The documents that may prove the identity of someone born on `birth_date`, in the
    /// order they are offered.
    pub fn proving(birth_date: NaiveDate, today: NaiveDate) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|d| d.proves_identity(birth_date, today))
            .collect()
    }
}

/// Why a professional puts an identity in doubt (it goes back to provisoire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DoubtReason {
    /// The patient, a relative or a document contradicts the recorded traits.
    TraitsContradicted,
    /// The document shown seems forged, or not the patient's.
    DocumentDoubtful,
    /// Identity theft (usurpation) is suspected.
    SuspectedFraud,
    /// Two folders may be the same person (duplicate), or one folder two persons (collision).
    DuplicateOrCollision,
    Other,
}

impl DoubtReason {
    pub const ALL: [Self; 5] = [
        Self::TraitsContradicted,
        Self::DocumentDoubtful,
        Self::SuspectedFraud,
        Self::DuplicateOrCollision,
        Self::Other,
    ];

    /// Stable code stored in the identity history.
    pub fn code(self) -> &'static str {
        match self {
            Self::TraitsContradicted => "traits-contradicted",
            Self::DocumentDoubtful => "document-doubtful",
            Self::SuspectedFraud => "suspected-fraud",
            Self::DuplicateOrCollision => "duplicate-or-collision",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Fluent message id of the reason.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::TraitsContradicted => "identity-doubt-traits-contradicted",
            Self::DocumentDoubtful => "identity-doubt-document-doubtful",
            Self::SuspectedFraud => "identity-doubt-suspected-fraud",
            Self::DuplicateOrCollision => "identity-doubt-duplicate-or-collision",
            Self::Other => "identity-doubt-other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::IdentityEvent as E;
    use super::IdentityStatus as S;
    use super::{DoubtReason, IdentityDocument as D};
    use chrono::NaiveDate;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn only_high_trust_documents_prove_an_identity() {
        let today = date(2026, 3, 1);
        let adult = date(1980, 1, 1);
        let child = date(2015, 6, 1);
        for d in [D::CarteIdentite, D::Passeport, D::TitreSejour] {
            assert!(d.proves_identity(adult, today), "{d:?}");
            assert!(d.proves_identity(child, today), "{d:?}");
        }
        for d in [D::PermisConduire, D::CarteVitale, D::Autre] {
            assert!(!d.is_high_trust());
            assert!(!d.proves_identity(adult, today), "{d:?}");
        }
        assert!(D::LivretFamille.proves_identity(child, today));
        assert!(!D::LivretFamille.proves_identity(adult, today));
        // The 18th birthday ends it.
        assert!(!D::LivretFamille.proves_identity(date(2008, 3, 1), today));
        assert!(D::LivretFamille.proves_identity(date(2008, 3, 2), today));
        assert_eq!(
            D::proving(adult, today),
            vec![D::CarteIdentite, D::Passeport, D::TitreSejour]
        );
        assert_eq!(D::proving(child, today).len(), 4);
    }

    #[test]
    fn document_and_reason_codes_round_trip() {
        for d in D::ALL {
            assert_eq!(D::from_code(d.code()), Some(d));
        }
        for r in DoubtReason::ALL {
            assert_eq!(DoubtReason::from_code(r.code()), Some(r));
        }
        assert_eq!(D::from_code("CNI"), None);
    }

    #[test]
    fn two_proofs_lead_to_qualified_in_either_order() {
        let a = S::Provisoire
            .apply(E::InsRetrieved)
            .and_then(|s| s.apply(E::DocumentChecked));
        let b = S::Provisoire
            .apply(E::DocumentChecked)
            .and_then(|s| s.apply(E::InsRetrieved));
        assert_eq!(a, Ok(S::Qualifiee));
        assert_eq!(b, Ok(S::Qualifiee));
    }

    #[test]
    fn losing_a_proof_steps_back_to_the_other_one() {
        assert_eq!(S::Qualifiee.apply(E::InsInvalidated), Ok(S::Validee));
        assert_eq!(S::Qualifiee.apply(E::ProofInvalidated), Ok(S::Recuperee));
        assert_eq!(S::Recuperee.apply(E::InsInvalidated), Ok(S::Provisoire));
        assert_eq!(S::Validee.apply(E::ProofInvalidated), Ok(S::Provisoire));
    }

    #[test]
    fn doubt_always_returns_to_provisional() {
        for s in S::ALL {
            assert_eq!(s.apply(E::Doubt), Ok(S::Provisoire));
        }
    }

    #[test]
    fn impossible_transitions_are_refused() {
        assert!(S::Provisoire.apply(E::InsInvalidated).is_err());
        assert!(S::Validee.apply(E::InsInvalidated).is_err());
        assert!(S::Provisoire.apply(E::ProofInvalidated).is_err());
        assert!(S::Recuperee.apply(E::ProofInvalidated).is_err());
        assert!(!S::Provisoire.can_become(S::Qualifiee));
        assert!(S::Recuperee.can_become(S::Qualifiee));
        assert!(S::Qualifiee.can_become(S::Provisoire));
    }

    #[test]
    fn only_qualified_ins_is_usable_and_codes_round_trip() {
        for s in S::ALL {
            assert_eq!(S::from_code(s.code()), Some(s));
            assert_eq!(s.ins_usable(), s == S::Qualifiee);
        }
        assert!(S::Recuperee.requires_ins());
        assert!(!S::Validee.requires_ins());
        assert_eq!(S::from_code("XXX"), None);
    }
}
