//! TD1.3a, consultation of the DMP's administrative data: the `PRPA_IN201307UV02` query with
//! reasonCode `CNSLT_DATA` and its answer read into [`DmpAdminData`] — identity traits, address,
//! legal representatives (`personalRelationship`) and the patient's oppositions to emergency
//! access (`OPPOSITION_BRIS_DE_GLACE`, `OPPOSITION_ACCES_URGENCE`, `1.2.250.1.213.4.1.2.3`).

use super::ack::{Acknowledgement, QueryResponse};
use super::existence::AccessMode;
use super::message::{MessageIds, QueryReason, Sender, write_patient_query};
use super::person::{LegalRepresentative, NationalId, PatientTraits};
use super::registration::{AdministrativeFlag, DmpState, read_with};
use crate::dmp::error::{DmpError, Refusal};
use crate::dmp::soap;
use crate::domain::Ins;
use crate::xml::{Element, Limits};

const CNSLT_DATA: QueryReason = QueryReason {
    code: "CNSLT_DATA",
    display_name: "Consultation des données de gestion de dossier",
};

/// The DMP's administrative data about a patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmpAdminData {
    pub acknowledgement: Acknowledgement,
    pub query_response: Option<QueryResponse>,
    pub patient_ids: Vec<NationalId>,
    pub state: Option<DmpState>,
    /// Not to be displayed in "centre de régulation" mode: use
    /// [`DmpAdminData::traits_for_display`].
    pub traits: Option<PatientTraits>,
    pub legal_representatives: Vec<LegalRepresentative>,
    /// The patient opposed access in bris de glace.
    pub opposition_bris_de_glace: Option<bool>,
    /// The patient opposed access by the regulating physician of a centre 15.
    pub opposition_centre_15: Option<bool>,
    /// Every administrative flag sent, including the two above.
    pub flags: Vec<AdministrativeFlag>,
}

/// The TD1.3a request for `ins`, as SOAP Body content.
pub fn build_consultation(ins: &Ins, sender: &Sender, ids: &MessageIds) -> String {
    write_patient_query(&CNSLT_DATA, ins, sender, ids)
}

/// Reads a TD1.3a answer (SOAP body or envelope).
pub fn parse_consultation(body: &str) -> Result<DmpAdminData, DmpError> {
    read_consultation(soap::parse(body, &Limits::HL7V3)?.root())
}

/// [`parse_consultation`] of an answer already parsed (its envelope, its Body or the payload).
pub fn read_consultation(root: Element<'_>) -> Result<DmpAdminData, DmpError> {
    read_with(root, |message, reg| {
        if let Some(err) = reg.answer_error() {
            return Err(err);
        }
        let legal_representatives = message
            .path(&[
                "controlActProcess",
                "subject",
                "registrationEvent",
                "subject1",
                "patient",
                "patientPerson",
            ])
            .map(|p| {
                p.children_named("personalRelationship")
                    .map(LegalRepresentative::read)
                    .collect()
            })
            .unwrap_or_default();
        Ok(DmpAdminData {
            opposition_bris_de_glace: reg.flag("OPPOSITION_BRIS_DE_GLACE"),
            opposition_centre_15: reg.flag("OPPOSITION_ACCES_URGENCE"),
            acknowledgement: reg.acknowledgement,
            query_response: reg.query_response,
            patient_ids: reg.patient_ids,
            state: reg.state,
            traits: reg.traits,
            legal_representatives,
            flags: reg.flags,
        })
    })
}

impl DmpAdminData {
    /// The traits the UI may show: none in "centre de régulation" mode (RG_0320).
    pub fn traits_for_display(&self, mode: AccessMode) -> Option<&PatientTraits> {
        match mode {
            AccessMode::CentreDeRegulation => None,
            AccessMode::Normal | AccessMode::BrisDeGlace => self.traits.as_ref(),
        }
    }

    /// Refuses an emergency access the patient opposed; normal access is not concerned.
    pub fn check_emergency_access(&self, mode: AccessMode) -> Result<(), DmpError> {
        match mode {
            AccessMode::BrisDeGlace if self.opposition_bris_de_glace == Some(true) => {
                Err(DmpError::refused(Refusal::OppositionBrisDeGlace))
            }
            AccessMode::CentreDeRegulation if self.opposition_centre_15 == Some(true) => {
                Err(DmpError::refused(Refusal::OppositionCentre15))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::dmp::error::WireCode;
    use crate::dmp::hl7v3::person::NationalIdKind;
    use crate::dmp::hl7v3::test_support::{
        Ignore, VOLATILE, body_payload, canonical, example_ids, example_ins, example_sender,
        fixture, parse,
    };
    use crate::domain::Sex;

    const RESPONSE: &str = "TD1.3a_consultation_response.xml";

    #[test]
    fn request_is_structurally_the_agency_example() {
        let built = build_consultation(&example_ins(), &example_sender(), &example_ids());
        // The example carries extra xsi:nil placeholders (asLocatedEntity, respondTo, overseer…).
        let ignore = Ignore {
            volatile: VOLATILE,
            nil_elements: true,
        };
        let expected = canonical(
            body_payload(&parse(&fixture("TD1.3a_consultation_request.xml"))),
            &ignore,
        );
        let ours = canonical(parse(&built).root(), &ignore);
        assert_eq!(ours, expected);
    }

    #[test]
    fn answer_is_read_field_by_field() {
        let data = parse_consultation(&fixture(RESPONSE)).expect("parses");
        assert!(data.acknowledgement.code.is_accept());
        assert_eq!(data.query_response, Some(QueryResponse::Found));
        assert_eq!(data.state, Some(DmpState::Active));
        assert_eq!(data.opposition_bris_de_glace, Some(false));
        assert_eq!(data.opposition_centre_15, Some(false));
        assert_eq!(data.flags.len(), 2);
        assert_eq!(data.patient_ids.len(), 2);
        assert_eq!(data.patient_ids[0].kind(), NationalIdKind::InsC);
        assert_eq!(data.patient_ids[1].to_ins(), Some(example_ins()));

        let traits = data.traits.as_ref().expect("traits");
        assert_eq!(traits.names[0].given, ["LAURENCE"]);
        assert_eq!(traits.names[0].used_name(), Some("patb-quatre"));
        assert_eq!(traits.sex, Some(Sex::Male));
        assert_eq!(traits.birth_date, NaiveDate::from_ymd_opt(1907, 5, 25));
        assert_eq!(traits.deceased, Some(false));
        assert_eq!(traits.telecoms.len(), 4, "duplicates kept as sent");
        assert_eq!(traits.addresses.len(), 1);
        let addr = &traits.addresses[0];
        assert_eq!(addr.lines, ["1, rue du Chat qui pêche"]);
        assert_eq!(addr.postal_code.as_deref(), Some("75005"));
        assert_eq!(addr.city.as_deref(), Some("Paris"));
        assert_eq!(addr.country, None);
        assert_eq!(traits.birth_place, None, "empty birthPlace/addr");

        assert_eq!(data.legal_representatives.len(), 1);
        let rep = &data.legal_representatives[0];
        assert_eq!(rep.relationship.as_ref().map(WireCode::as_str), Some("FTH"));
        let name = rep.name.as_ref().expect("name");
        assert_eq!(name.prefixes, ["M"]);
        assert_eq!(name.given, ["Jean"]);
        assert_eq!(name.used_name(), Some("REPLEG"));
        assert_eq!(name.birth_name(), Some("REPLEG"), "unqualified family");
        assert_eq!(rep.telecoms.len(), 3);
        assert_eq!(rep.telecoms[0].use_code.as_deref(), Some("HP"));
        assert_eq!(rep.telecoms[2].value, "mailto:replegl@foogentle.com");
        let rep_addr = rep.address.as_ref().expect("address");
        assert_eq!(rep_addr.lines, ["3 rue d Amsterdam", "Residence du Parc"]);
        assert_eq!(rep_addr.city.as_deref(), Some("LILLE"));

        assert!(data.traits_for_display(AccessMode::Normal).is_some());
        assert!(
            data.traits_for_display(AccessMode::CentreDeRegulation)
                .is_none()
        );
        for mode in [
            AccessMode::Normal,
            AccessMode::BrisDeGlace,
            AccessMode::CentreDeRegulation,
        ] {
            assert_eq!(data.check_emergency_access(mode), Ok(()));
        }
        let debug = format!("{data:?}");
        for secret in [
            "REPLEG",
            "Jean",
            "Amsterdam",
            "0601020304",
            "207058575627097",
        ] {
            assert!(!debug.contains(secret), "{secret}");
        }
    }

    #[test]
    fn oppositions_refuse_the_matching_emergency_mode_only() {
        let xml = fixture(RESPONSE).replace(r#"value="false""#, r#"value="true""#);
        let data = parse_consultation(&xml).expect("parses");
        assert_eq!(data.opposition_bris_de_glace, Some(true));
        assert_eq!(data.opposition_centre_15, Some(true));
        assert_eq!(data.check_emergency_access(AccessMode::Normal), Ok(()));
        assert_eq!(
            data.check_emergency_access(AccessMode::BrisDeGlace),
            Err(DmpError::refused(Refusal::OppositionBrisDeGlace))
        );
        assert_eq!(
            data.check_emergency_access(AccessMode::CentreDeRegulation),
            Err(DmpError::refused(Refusal::OppositionCentre15))
        );
    }

    #[test]
    fn error_answer_is_an_error() {
        let xml = fixture(RESPONSE).replace(
            r#"<acknowledgement typeCode="AA">"#,
            r#"<acknowledgement typeCode="AR"><acknowledgementDetail><code code="DMPXYZ"/></acknowledgementDetail>"#,
        );
        assert!(matches!(
            parse_consultation(&xml),
            Err(DmpError::Hl7Ack { .. })
        ));
    }
}
