//! The VIHF ("vecteur d'identification et d'habilitation formelle"): the SAML 2.0 assertion
//! the DMP requires in the WS-Security header of every call, saying who the user is, for
//! which structure, on which patient and in which access mode. This module builds it
//! ([`build`], [`build_signed`]), reads it back ([`parse`], also the agency's samples), and
//! checks a signed one ([`verify_and_parse`], for the sandbox DMP server).
//!
//! Shapes follow the agency's samples (`shared/fixtures/dmp/VIHF_*.xml`): `saml2:` prefix,
//! Issuer with the X509SubjectName format, enveloped `ds:Signature` right after the Issuer,
//! string values typed `xs:string`, roles and purpose of use as HL7 `CE` elements.
//!
//! Files: `model` (the request and its codes), `build`, `parse`. Signing is `xmldsig`.

mod build;
mod model;
mod parse;

#[cfg(test)]
mod sample_tests;
#[cfg(test)]
mod tests;

pub use build::{build, build_signed};
pub use model::{
    AuthMode, AuthnContext, Coded, Conditions, Confidentiality, Lps, PurposeOfUse, VihfRequest,
};
pub use parse::{
    AttributeValue, ParsedConditions, ParsedVihf, VerifiedVihf, VihfAttribute, parse, parse_bytes,
    verify_and_parse,
};

pub use crate::dmp::xmldsig::SoftwareSigner;
use crate::dmp::xmldsig::XmlDsigError;

/// SAML 2.0 assertion namespace.
pub const NS_SAML2: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// HL7 v3 namespace of the `Role` and `PurposeOfUse` values.
pub const NS_HL7: &str = "urn:hl7-org:v3";
/// Issuer format.
pub const ISSUER_FORMAT: &str = "urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName";

/// Attribute names (`saml2:Attribute Name=`).
pub const ATTR_STRUCTURE: &str = "Identifiant_Structure";
pub const ATTR_SECTEUR: &str = "Secteur_Activite";
pub const ATTR_SUBJECT_ID: &str = "urn:oasis:names:tc:xspa:1.0:subject:subject-id";
pub const ATTR_ROLE: &str = "urn:oasis:names:tc:xacml:2.0:subject:role";
pub const ATTR_VERSION: &str = "VIHF_Version";
/// Open point: the agency's samples spell `Authentification_mode`, its C# kit, DRIMbox and
/// the 2024 HL7v2 guide `Authentification_Mode`; the server's expectation is in the DMPi
/// guide we do not have. We write the samples' spelling and read both.
pub const ATTR_AUTH_MODE: &str = "Authentification_mode";
/// The other spelling, read but never written.
pub const ATTR_AUTH_MODE_ALT: &str = "Authentification_Mode";
pub const ATTR_RESOURCE_ID: &str = "urn:oasis:names:tc:xacml:2.0:resource:resource-id";
pub const ATTR_RESOURCE_URN: &str = "Ressource_URN";
pub const ATTR_PURPOSE: &str = "urn:oasis:names:tc:xspa:1.0:subject:purposeofuse";
pub const ATTR_CONFIDENTIALITY: &str =
    "urn:oasis:names:tc:xspa:1.0:resource:patient:hl7:confidentiality-code";
pub const ATTR_LPS_ID: &str = "LPS_ID";
pub const ATTR_LPS_NOM: &str = "LPS_Nom";
pub const ATTR_LPS_VERSION: &str = "LPS_Version";
pub const ATTR_LPS_HOMOLOGATION: &str = "LPS_ID_HOMOLOGATION_DMP";

/// Code systems.
pub const OID_PROFESSION: &str = "1.2.250.1.71.1.2.7";
pub const OID_SAVOIR_FAIRE: &str = "1.2.250.1.71.4.2.5";
pub const OID_SECTEUR: &str = "1.2.250.1.71.4.2.4";
pub const OID_PURPOSE_OF_USE: &str = "1.2.250.1.213.1.1.4.248";

/// Attributes a VIHF must carry for the sandbox (agency samples, DRIMbox's list without
/// `subject-id`, which the agency's DIRECTE sample lacks; `Authentification_mode` in either
/// spelling).
pub const REQUIRED_ATTRIBUTES: [&str; 9] = [
    ATTR_STRUCTURE,
    ATTR_SECTEUR,
    ATTR_ROLE,
    ATTR_VERSION,
    ATTR_AUTH_MODE,
    ATTR_RESOURCE_URN,
    ATTR_PURPOSE,
    ATTR_LPS_NOM,
    ATTR_LPS_HOMOLOGATION,
];

/// Why a VIHF could not be built, signed, read or trusted. Never carries a value read or
/// written (names, INS, identifiers): only which field or step failed.
#[derive(Debug, thiserror::Error)]
pub enum VihfError {
    #[error("the VIHF is not well-formed XML: {0}")]
    Xml(#[source] XmlDsigError),
    #[error("VIHF signature: {0}")]
    Signature(#[source] XmlDsigError),
    #[error("expected exactly one saml2:Assertion, found {0}")]
    AssertionCount(usize),
    #[error("the VIHF lacks {0}")]
    Missing(&'static str),
    #[error("the VIHF field {0} is invalid")]
    Invalid(&'static str),
}

impl VihfError {
    /// Only a signing device may succeed on a second try.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Signature(e) => e.is_retryable(),
            _ => false,
        }
    }
}
