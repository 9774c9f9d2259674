//! What a VIHF says, as Chevet fills it in: [`VihfRequest`] and its parts (authentication
//! mode, authentication context, coded roles, purpose of use, confidentiality, software
//! identification, validity window), with the agency's codes. `Debug` never shows the
//! user's name, identifiers, the Issuer DN or the patient's INS.

use std::fmt;

use chrono::{DateTime, Utc};

use super::{OID_PROFESSION, OID_PURPOSE_OF_USE, OID_SAVOIR_FAIRE, VihfError};
use crate::domain::Ins;

/// `Authentification_mode`: how the user reached the DMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMode {
    /// CPS card: TLS and VIHF signature by the card.
    Directe,
    /// Establishment certificates; no consultation outside AIR.
    Indirecte,
    /// "Authentification indirecte renforcée" (AIR).
    IndirecteRenforcee,
}

impl AuthMode {
    pub const ALL: [Self; 3] = [Self::Directe, Self::Indirecte, Self::IndirecteRenforcee];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Directe => "DIRECTE",
            Self::Indirecte => "INDIRECTE",
            Self::IndirecteRenforcee => "INDIRECTE_RENFORCEE",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == value.trim())
    }

    /// The authentication context written by default: the card in direct mode, the local
    /// password login otherwise (the agency kit's choice; automated senders use
    /// [`AuthnContext::Unspecified`]).
    pub fn default_authn_context(self) -> AuthnContext {
        match self {
            Self::Directe => AuthnContext::SmartcardPki,
            Self::Indirecte | Self::IndirecteRenforcee => AuthnContext::Password,
        }
    }
}

/// `AuthnContextClassRef`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AuthnContext {
    SmartcardPki,
    Password,
    Unspecified,
    /// Any other class reference, kept as read.
    Other(String),
}

const AC_PREFIX: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:";

impl AuthnContext {
    pub fn uri(&self) -> String {
        match self {
            Self::SmartcardPki => format!("{AC_PREFIX}SmartcardPKI"),
            Self::Password => format!("{AC_PREFIX}Password"),
            Self::Unspecified => format!("{AC_PREFIX}unspecified"),
            Self::Other(uri) => uri.clone(),
        }
    }

    pub fn from_uri(uri: &str) -> Self {
        match uri.strip_prefix(AC_PREFIX) {
            Some("SmartcardPKI") => Self::SmartcardPki,
            Some("Password") => Self::Password,
            Some("unspecified") => Self::Unspecified,
            _ => Self::Other(uri.to_owned()),
        }
    }
}

/// An HL7 CE value (`Role`, `PurposeOfUse`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coded {
    pub code: String,
    pub code_system: String,
    pub code_system_name: Option<String>,
    pub display_name: Option<String>,
}

impl Coded {
    /// A profession of TRE_G15 (`10` médecin, `21` pharmacien, `60` infirmier…).
    pub fn profession(code: &str, display_name: &str) -> Self {
        Self::new(code, OID_PROFESSION, display_name)
    }

    /// A savoir-faire (specialty, `SM26`…), required after the profession for médecins and
    /// pharmaciens.
    pub fn savoir_faire(code: &str, display_name: &str) -> Self {
        Self::new(code, OID_SAVOIR_FAIRE, display_name)
    }

    fn new(code: &str, code_system: &str, display_name: &str) -> Self {
        Self {
            code: code.to_owned(),
            code_system: code_system.to_owned(),
            code_system_name: None,
            display_name: (!display_name.is_empty()).then(|| display_name.to_owned()),
        }
    }
}

/// PurposeOfUse (TRE_R248 "mode d'accès").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PurposeOfUse {
    Normal,
    /// Emergency access without the patient's prior authorisation.
    BrisDeGlace,
    /// Regulating physician of the SAMU (centre 15).
    Centre15,
}

impl PurposeOfUse {
    pub const ALL: [Self; 3] = [Self::Normal, Self::BrisDeGlace, Self::Centre15];

    pub fn code(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::BrisDeGlace => "bris_de_glace",
            Self::Centre15 => "centre_15",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code.trim())
    }

    /// The CE written in the VIHF. "Accès normal" is the samples' label; the two others are
    /// ours (the official TRE_R248 labels were not available).
    pub fn coded(self) -> Coded {
        let display = match self {
            Self::Normal => "Accès normal",
            Self::BrisDeGlace => "Accès en mode bris de glace",
            Self::Centre15 => "Accès en mode centre de régulation",
        };
        Coded {
            code: self.code().to_owned(),
            code_system: OID_PURPOSE_OF_USE.to_owned(),
            code_system_name: Some("mode acces VIHF 2.0".to_owned()),
            display_name: Some(display.to_owned()),
        }
    }
}

/// The patient confidentiality code a VIHF may carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Confidentiality {
    /// A minor's "connexion secrète": hidden from the legal representatives.
    InvisibleRepresentantsLegaux,
}

impl Confidentiality {
    pub fn value(self) -> &'static str {
        match self {
            Self::InvisibleRepresentantsLegaux => {
                "INVISIBLE_REPRESENTANTS_LEGAUX^1.2.250.1.213.1.1.4.13"
            }
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        (value.trim() == Self::InvisibleRepresentantsLegaux.value())
            .then_some(Self::InvisibleRepresentantsLegaux)
    }
}

/// The software that sends (`LPS_*` attributes).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Lps {
    /// `LPS_Nom`.
    pub name: String,
    /// `LPS_Version`.
    pub version: String,
    /// `LPS_ID`: the installation's identifier, optional.
    pub instance_id: Option<String>,
    /// `LPS_ID_HOMOLOGATION_DMP`: the DMP approval number.
    pub homologation: String,
}

/// SAML `Conditions` (no AudienceRestriction in the DMP's use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Conditions {
    pub not_before: Option<DateTime<Utc>>,
    pub not_on_or_after: Option<DateTime<Utc>>,
}

/// Everything a VIHF carries. Times are written to the millisecond.
#[derive(Clone, PartialEq, Eq)]
pub struct VihfRequest {
    /// Assertion `ID`: `_` + a random UUID (see [`VihfRequest::new_id`]).
    pub id: String,
    pub issue_instant: DateTime<Utc>,
    pub authn_instant: DateTime<Utc>,
    /// The signing certificate's subject DN (RFC 2253); `build_signed` takes it from the
    /// certificate.
    pub issuer: String,
    pub mode: AuthMode,
    pub authn_context: AuthnContext,
    /// `AuthnContextDecl` (AIR): how the user authenticated locally, when told.
    pub authn_context_decl: Option<String>,
    /// `NameID`: idNat_PS of the user ("8" + RPPS).
    pub name_id: String,
    /// `subject-id`: the user's display name ("Dr NOM Prénom").
    pub subject_id: Option<String>,
    /// Profession, then savoir-faire for médecins and pharmaciens.
    pub roles: Vec<Coded>,
    /// `Identifiant_Structure`: Struct_IdNat (`1` + FINESS…).
    pub structure_id: String,
    /// `Secteur_Activite` code (`SA01` public hospital…); the OID is appended.
    pub secteur_activite: String,
    /// The patient (resource-id); absent for calls about no patient (list of DMPs).
    pub resource: Option<Ins>,
    /// `Ressource_URN`: `urn:dmp`.
    pub resource_urn: String,
    pub purpose: PurposeOfUse,
    pub confidentiality: Option<Confidentiality>,
    /// `VIHF_Version`: `3.0` in the agency's samples and kit.
    pub vihf_version: String,
    pub lps: Lps,
    pub conditions: Option<Conditions>,
}

impl fmt::Debug for VihfRequest {
    /// Leaves out the names, identifiers, Issuer and INS.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VihfRequest")
            .field("id", &self.id)
            .field("issue_instant", &self.issue_instant)
            .field("mode", &self.mode)
            .field("authn_context", &self.authn_context)
            .field("purpose", &self.purpose)
            .field("confidentiality", &self.confidentiality)
            .field(
                "roles",
                &self.roles.iter().map(|r| &r.code).collect::<Vec<_>>(),
            )
            .field("resource", &self.resource)
            .field("vihf_version", &self.vihf_version)
            .finish_non_exhaustive()
    }
}

impl VihfRequest {
    /// A request issued now with a fresh ID, `urn:dmp`, VIHF 3.0, normal access, the mode's
    /// default authentication context, no roles, no patient and no Issuer yet.
    pub fn new(
        mode: AuthMode,
        name_id: &str,
        structure_id: &str,
        secteur_activite: &str,
        lps: Lps,
    ) -> Self {
        let now = Utc::now();
        let now = DateTime::from_timestamp_millis(now.timestamp_millis()).unwrap_or(now);
        Self {
            id: Self::new_id(),
            issue_instant: now,
            authn_instant: now,
            issuer: String::new(),
            mode,
            authn_context: mode.default_authn_context(),
            authn_context_decl: None,
            name_id: name_id.to_owned(),
            subject_id: None,
            roles: Vec::new(),
            structure_id: structure_id.to_owned(),
            secteur_activite: secteur_activite.to_owned(),
            resource: None,
            resource_urn: "urn:dmp".to_owned(),
            purpose: PurposeOfUse::Normal,
            confidentiality: None,
            vihf_version: "3.0".to_owned(),
            lps,
            conditions: None,
        }
    }

    /// `_` followed by a random (version 4) UUID, like the agency's samples.
    pub fn new_id() -> String {
        let mut bytes: [u8; 16] = rand::random();
        bytes[6] = (bytes[6] & 0x0F) | 0x40;
        bytes[8] = (bytes[8] & 0x3F) | 0x80;
        let hex = hex::encode(bytes);
        format!(
            "_{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// Checks what the DMP requires before anything is signed. Errors name the field only.
    pub fn validate(&self) -> Result<(), VihfError> {
        let id_ok = self
            .id
            .chars()
            .next()
            .is_some_and(|c| c == '_' || c.is_alphabetic())
            && self
                .id
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
        let checks: [(bool, &'static str); 9] = [
            (id_ok, "ID (an XML NCName)"),
            (!self.issuer.trim().is_empty(), "Issuer"),
            (!self.name_id.trim().is_empty(), "NameID"),
            (!self.roles.is_empty(), "role"),
            (
                !self.structure_id.trim().is_empty(),
                "Identifiant_Structure",
            ),
            (!self.secteur_activite.trim().is_empty(), "Secteur_Activite"),
            (!self.resource_urn.trim().is_empty(), "Ressource_URN"),
            (!self.lps.name.trim().is_empty(), "LPS_Nom"),
            (
                !self.lps.homologation.trim().is_empty(),
                "LPS_ID_HOMOLOGATION_DMP",
            ),
        ];
        match checks.iter().find(|(ok, _)| !ok) {
            Some((_, field)) => Err(VihfError::Invalid(field)),
            None => Ok(()),
        }
    }
}
