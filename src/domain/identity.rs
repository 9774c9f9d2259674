//! Identity status of a patient (RNIV, référentiel national d'identitovigilance) and the
//! events that move it: provisoire, récupérée, validée, qualifiée.
//!
//! Two independent proofs lead to a qualified identity: the INS was retrieved or verified with
//! the INSi teleservice, and the identity was checked against a high-trust document (ID card,
//! passport, residence permit). Only a qualified identity lets the INS be used in exchanges.

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

#[cfg(test)]
mod tests {
    use super::IdentityEvent as E;
    use super::IdentityStatus as S;

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
