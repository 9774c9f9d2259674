//! The `habilitations` service: TD0.3 `setAuthorization` (add or remove the user's own
//! authorization on the patient's DMP, optionally as `MEDECIN_TRAITANT`) and TD1.6
//! `listAuthorizationByPatient` (professionals authorized on, or blocked from, the DMP).
//! The patient is the VIHF's `resource-id`, not part of these bodies.

use chrono::NaiveDateTime;

use super::NS_HABILITATIONS;
use super::message::parse_ts;
use super::services::{ServiceStatus, read_output, write_request};
use crate::dmp::error::{DmpError, WireCode};
use crate::dmp::soap;
use crate::xml::{Element, Limits};

/// `setAuthorization/action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthorizationAction {
    /// `AJOUT`: the patient consented; add the user's authorization.
    Add,
    /// `SUPPRESSION`: remove it.
    Remove,
}

impl AuthorizationAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Add => "AJOUT",
            Self::Remove => "SUPPRESSION",
        }
    }
}

/// The TD0.3 request; `treating_physician` adds `role` `MEDECIN_TRAITANT` (the user becomes, or
/// stops being, the DMP's treating physician).
pub fn build_set_authorization(action: AuthorizationAction, treating_physician: bool) -> String {
    write_request(
        NS_HABILITATIONS,
        "setAuthorization",
        &[
            ("action", Some(action.code())),
            ("role", treating_physician.then_some("MEDECIN_TRAITANT")),
        ],
    )
}

/// Reads the TD0.3 answer. `DMPOk` may come with a context such as "Autorisation déjà présente
/// aucune action effectuée"; use [`ServiceStatus::check`] for the error of other codes.
pub fn parse_set_authorization(body: &str) -> Result<ServiceStatus, DmpError> {
    read_set_authorization(soap::parse(body, &Limits::HL7V3)?.root())
}

/// [`parse_set_authorization`] of an answer already parsed (its envelope, its Body or the payload).
pub fn read_set_authorization(root: Element<'_>) -> Result<ServiceStatus, DmpError> {
    read_output(
        root,
        NS_HABILITATIONS,
        "setAuthorizationResponse",
        |_, s| Ok(s),
    )
}

/// `mode` of a TD1.6 request and of each entry of its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationMode {
    /// `ACTIVE`: authorized.
    Active,
    /// `INTERDITE`: blocked by the patient.
    Forbidden,
    /// `TOUTE`: both (request only).
    All,
    Other(WireCode),
}

impl AuthorizationMode {
    pub fn parse(code: &str) -> Self {
        match code.trim() {
            "ACTIVE" => Self::Active,
            "INTERDITE" => Self::Forbidden,
            "TOUTE" => Self::All,
            other => Self::Other(WireCode::new(other)),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Active => "ACTIVE",
            Self::Forbidden => "INTERDITE",
            Self::All => "TOUTE",
            Self::Other(code) => code.as_str(),
        }
    }
}

/// One professional of a TD1.6 answer (a professional, not the patient: printable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfessionalAuthorization {
    /// `nationalId`, e.g. the idNat_PS `899900063480`.
    pub national_id: String,
    /// `nationalIdType`, e.g. `1.2.250.1.71.4.2.1`.
    pub national_id_type: String,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// `(codeSpeciality, libSpeciality)` pairs, e.g. `("G15_10/SM26", "Médecin - …")`.
    pub specialities: Vec<(String, String)>,
    pub start: Option<NaiveDateTime>,
    pub last_action: Option<NaiveDateTime>,
    pub mode: Option<AuthorizationMode>,
    /// `specificRight`, e.g. `MEDECIN_TRAITANT`.
    pub specific_rights: Vec<WireCode>,
}

/// A TD1.6 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfessionalAuthorizations {
    pub entries: Vec<ProfessionalAuthorization>,
    pub status: ServiceStatus,
}

/// The TD1.6 request.
pub fn build_list_authorizations(mode: &AuthorizationMode) -> String {
    write_request(
        NS_HABILITATIONS,
        "listAuthorizationByPatient",
        &[("mode", Some(mode.code()))],
    )
}

/// Reads a TD1.6 answer. Entries are read even when the status is not `DMPOk`.
pub fn parse_list_authorizations(body: &str) -> Result<ProfessionalAuthorizations, DmpError> {
    read_list_authorizations(soap::parse(body, &Limits::HL7V3)?.root())
}

/// [`parse_list_authorizations`] of an answer already parsed (its envelope, its Body or the payload).
pub fn read_list_authorizations(root: Element<'_>) -> Result<ProfessionalAuthorizations, DmpError> {
    read_output(
        root,
        NS_HABILITATIONS,
        "listAuthorizationByPatientResponse",
        |output, status| {
            Ok(ProfessionalAuthorizations {
                entries: output
                    .children_named("listOfAuthorizationByPatient")
                    .map(read_entry)
                    .collect(),
                status,
            })
        },
    )
}

fn read_entry(e: Element<'_>) -> ProfessionalAuthorization {
    let text = |local| e.child_text_trim(local).map(str::to_owned);
    let codes = e
        .children_named("codeSpeciality")
        .map(|c| c.text_trim().unwrap_or_default());
    let labels: Vec<&str> = e
        .children_named("libSpeciality")
        .map(|c| c.text_trim().unwrap_or_default())
        .collect();
    ProfessionalAuthorization {
        national_id: text("nationalId").unwrap_or_default(),
        national_id_type: text("nationalIdType").unwrap_or_default(),
        first_name: text("firstName"),
        last_name: text("lastName"),
        specialities: codes
            .enumerate()
            .map(|(i, code)| {
                let label = labels.get(i).copied().unwrap_or_default();
                (code.to_owned(), label.to_owned())
            })
            .collect(),
        start: e.child_text_trim("startOfAuthorization").and_then(parse_ts),
        last_action: e.child_text_trim("lastActionDate").and_then(parse_ts),
        mode: e.child_text_trim("mode").map(AuthorizationMode::parse),
        specific_rights: e
            .children_named("specificRight")
            .filter_map(|e| e.text_trim())
            .map(WireCode::new)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::hl7v3::test_support::{Ignore, body_payload, canonical, fixture, parse};

    const NONE: Ignore<'static> = Ignore {
        volatile: &[],
        nil_elements: false,
    };

    fn same_as_fixture(built: &str, name: &str) {
        let expected = canonical(body_payload(&parse(&fixture(name))), &NONE);
        let ours = canonical(parse(built).root(), &NONE);
        assert_eq!(ours, expected);
    }

    #[test]
    fn set_authorization_request_is_the_agency_example() {
        same_as_fixture(
            &build_set_authorization(AuthorizationAction::Add, false),
            "TD0.3_set_authorization_request.xml",
        );
        let removal = build_set_authorization(AuthorizationAction::Remove, true);
        let doc = parse(&removal);
        let tree = doc.root();
        assert_eq!(tree.child_text_trim("action"), Some("SUPPRESSION"));
        assert_eq!(tree.child_text_trim("role"), Some("MEDECIN_TRAITANT"));
        assert_eq!(tree.ns(), NS_HABILITATIONS);
    }

    #[test]
    fn set_authorization_answer_is_read() {
        let status =
            parse_set_authorization(&fixture("TD0.3_set_authorization_response.xml")).expect("ok");
        assert!(status.is_ok());
        assert_eq!(status.check(), Ok(()));
        assert_eq!(status.status.as_str(), "DMPOk");
        assert_eq!(
            status.context.as_str(),
            "Autorisation déjà présente aucune action effectuée"
        );
    }

    #[test]
    fn list_request_is_the_agency_example() {
        same_as_fixture(
            &build_list_authorizations(&AuthorizationMode::All),
            "TD1.6_authorized_or_blocked_ps_list_request.xml",
        );
    }

    #[test]
    fn list_answer_is_read_field_by_field() {
        let list =
            parse_list_authorizations(&fixture("TD1.6_authorized_or_blocked_ps_list_response.xml"))
                .expect("parses");
        assert!(list.status.is_ok());
        assert!(list.status.context.is_empty());
        assert_eq!(list.entries.len(), 1);
        let e = &list.entries[0];
        assert_eq!(e.national_id, "899900063480");
        assert_eq!(e.national_id_type, "1.2.250.1.71.4.2.1");
        assert_eq!(e.first_name.as_deref(), Some("MAX"));
        assert_eq!(e.last_name.as_deref(), Some("LIBRE"));
        assert_eq!(
            e.specialities,
            [(
                "G15_10/SM26".to_owned(),
                "Médecin - Qualifié en Médecine générale (SM)".to_owned()
            )]
        );
        assert_eq!(
            e.start.map(|t| t.to_string()).as_deref(),
            Some("2021-06-01 13:58:04")
        );
        assert_eq!(
            e.last_action.map(|t| t.to_string()).as_deref(),
            Some("2021-06-01 14:06:06")
        );
        assert_eq!(e.mode, Some(AuthorizationMode::Active));
        assert!(e.specific_rights.is_empty());
    }

    #[test]
    fn blocked_professional_and_rights_are_read() {
        let xml = fixture("TD1.6_authorized_or_blocked_ps_list_response.xml").replace(
            "<ns1:mode>ACTIVE</ns1:mode>",
            "<ns1:mode>INTERDITE</ns1:mode><ns1:specificRight>MEDECIN_TRAITANT</ns1:specificRight>",
        );
        let list = parse_list_authorizations(&xml).expect("parses");
        let e = &list.entries[0];
        assert_eq!(e.mode, Some(AuthorizationMode::Forbidden));
        assert_eq!(e.specific_rights, [WireCode::new("MEDECIN_TRAITANT")]);
    }
}
