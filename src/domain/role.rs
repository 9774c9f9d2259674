//! Roles of local accounts and the rights each one grants. The matrix lives here, in one
//! table, so that a screen asks `role.has(Right::X)` and never re-derives rights.

/// Role of a user of Chevet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Senior physician (médecin, chirurgien).
    Medecin,
    /// Physician in training: reads and writes, cannot make documents visible to the patient.
    Interne,
    /// Nurse: reads documents of the patients of the unit.
    Infirmier,
    /// Medical secretary / admissions: identities and episodes, no clinical content.
    Secretaire,
    /// IT administrator: accounts, settings, audit and indicators, no clinical content.
    Administrateur,
}

/// Something a role may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Right {
    /// See patient folders and document lists.
    OpenFolder,
    /// Read the content of clinical documents.
    ReadDocuments,
    /// Write and sign documents (CR, lettre de liaison, ordonnance).
    ProduceDocuments,
    /// Consult the DMP (needs the patient's consent, recorded per episode).
    ConsultDmp,
    /// Feed the DMP with documents.
    FeedDmp,
    /// Make a DMP document visible to the patient (consultation d'annonce).
    ChangeDmpVisibility,
    /// Emergency access to the DMP (bris de glace), with a reason.
    BreakGlass,
    /// Create and correct identities, change identity status, manage episodes.
    ManageIdentity,
    /// Identity vigilance at the patient's side (RNIV): look the INS up with INSi and accept
    /// or refuse it, record an identity document checked, put an identity in doubt.
    VerifyIdentity,
    /// Record the patient's information / opposition about the DMP.
    RecordConsent,
    /// Create accounts, change roles.
    ManageAccounts,
    /// Read the audit trail.
    ReadAudit,
    /// Export usage indicators.
    ExportIndicators,
    /// Change application settings.
    ChangeSettings,
}

impl Role {
    pub const ALL: [Self; 5] = [
        Self::Medecin,
        Self::Interne,
        Self::Infirmier,
        Self::Secretaire,
        Self::Administrateur,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Medecin => "medecin",
            Self::Interne => "interne",
            Self::Infirmier => "infirmier",
            Self::Secretaire => "secretaire",
            Self::Administrateur => "admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Medecin => "role-medecin",
            Self::Interne => "role-interne",
            Self::Infirmier => "role-infirmier",
            Self::Secretaire => "role-secretaire",
            Self::Administrateur => "role-admin",
        }
    }

    /// The rights matrix.
    pub fn has(self, right: Right) -> bool {
        use Right as R;
        match self {
            Self::Medecin => !matches!(right, R::ManageAccounts | R::ReadAudit),
            Self::Interne => matches!(
                right,
                R::OpenFolder
                    | R::ReadDocuments
                    | R::ProduceDocuments
                    | R::ConsultDmp
                    | R::FeedDmp
                    | R::BreakGlass
                    | R::RecordConsent
                    | R::ChangeSettings
                    | R::VerifyIdentity
            ),
            Self::Infirmier => matches!(
                right,
                R::OpenFolder
                    | R::ReadDocuments
                    | R::RecordConsent
                    | R::ChangeSettings
                    | R::VerifyIdentity
            ),
            Self::Secretaire => matches!(
                right,
                R::OpenFolder
                    | R::ManageIdentity
                    | R::RecordConsent
                    | R::ChangeSettings
                    | R::VerifyIdentity
            ),
            Self::Administrateur => matches!(
                right,
                R::ManageAccounts
                    | R::ReadAudit
                    | R::ExportIndicators
                    | R::ChangeSettings
                    | R::OpenFolder
            ),
        }
    }

    /// Role given to a professional from the profession code (TRE_G15) of their CPS or
    /// Pro Santé Connect identity: 10 médecin, 60 infirmier; other codes get no clinical role.
    pub fn from_profession_code(code: &str) -> Option<Self> {
        match code {
            "10" => Some(Self::Medecin),
            "60" => Some(Self::Infirmier),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_physicians_change_visibility_and_break_glass() {
        for role in Role::ALL {
            assert_eq!(role.has(Right::ChangeDmpVisibility), role == Role::Medecin);
            assert_eq!(
                role.has(Right::BreakGlass),
                matches!(role, Role::Medecin | Role::Interne)
            );
        }
    }

    #[test]
    fn non_clinical_roles_never_read_documents() {
        assert!(!Role::Secretaire.has(Right::ReadDocuments));
        assert!(!Role::Administrateur.has(Right::ReadDocuments));
        assert!(!Role::Administrateur.has(Right::ConsultDmp));
        assert!(Role::Infirmier.has(Right::ReadDocuments));
    }

    #[test]
    fn accounts_and_audit_are_for_administrators() {
        for role in Role::ALL {
            assert_eq!(
                role.has(Right::ManageAccounts),
                role == Role::Administrateur
            );
            assert_eq!(role.has(Right::ReadAudit), role == Role::Administrateur);
        }
    }

    #[test]
    fn issue17_everyone_who_meets_the_patient_verifies_identities() {
        for role in Role::ALL {
            assert_eq!(
                role.has(Right::VerifyIdentity),
                role != Role::Administrateur,
                "{role:?}"
            );
        }
        // Correcting identities and closing the vigilance list's alerts stay with the
        // physicians and the admission staff.
        assert!(!Role::Infirmier.has(Right::ManageIdentity));
        assert!(Role::Secretaire.has(Right::ManageIdentity));
    }

    #[test]
    fn codes_round_trip_and_profession_mapping() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_profession_code("10"), Some(Role::Medecin));
        assert_eq!(Role::from_profession_code("21"), None);
    }
}
