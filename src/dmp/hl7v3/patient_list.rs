//! TD0.4 `patientList` on the `patientsSpecific` service: the DMPs the user (or the structure)
//! is authorized on, changed since a date (`startDate` `YYYYMMDDhhmmss`, `dateType`
//! `LASTAUTORIZATION` or `LASTDOC`). Each `patientlistData` gives the patient's national ids,
//! names, birth date, whether the user is the treating physician (`MT`) and the last dates.
//! Entries carry identities: their `Debug` is redacted.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use super::NS_PATIENTS;
use super::message::{format_ts, parse_date, parse_ts};
use super::person::NationalId;
use super::services::{ServiceStatus, parse_xs_bool, read_output, write_request};
use crate::dmp::error::DmpError;
use crate::dmp::soap;
use crate::xml::{Element, Limits};

/// Which date `startDate` applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatientListDate {
    /// `LASTAUTORIZATION` (sic): authorizations given since the date.
    LastAuthorization,
    /// `LASTDOC`: documents added since the date.
    LastDocument,
}

impl PatientListDate {
    pub fn code(self) -> &'static str {
        match self {
            Self::LastAuthorization => "LASTAUTORIZATION",
            Self::LastDocument => "LASTDOC",
        }
    }
}

/// One patient of the list.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientListEntry {
    /// `patientIdentifier` (nationalId + nationalIdType OID): INS-C and INS.
    pub ids: Vec<NationalId>,
    pub last_name: Option<String>,
    pub patronymical_name: Option<String>,
    pub first_name: Option<String>,
    pub civility: Option<String>,
    pub birth_date: Option<NaiveDate>,
    /// `MT`: the user is this DMP's treating physician.
    pub treating_physician: bool,
    /// `message` (meaning unconfirmed).
    pub message: bool,
    pub last_access: Option<NaiveDateTime>,
    pub last_update: Option<NaiveDateTime>,
    pub last_add: Option<NaiveDateTime>,
}

impl fmt::Debug for PatientListEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PatientListEntry({} ids, mt={}, …)",
            self.ids.len(),
            self.treating_physician
        )
    }
}

/// A TD0.4 answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatientList {
    pub entries: Vec<PatientListEntry>,
    pub status: ServiceStatus,
}

/// The TD0.4 request.
pub fn build_patient_list(start: &NaiveDateTime, date_type: PatientListDate) -> String {
    write_request(
        NS_PATIENTS,
        "patientList",
        &[
            ("startDate", Some(&format_ts(start))),
            ("dateType", Some(date_type.code())),
        ],
    )
}

/// Reads a TD0.4 answer. `MT` and `message` are required booleans (schema); an entry without
/// them is malformed.
pub fn parse_patient_list(body: &str) -> Result<PatientList, DmpError> {
    read_patient_list(soap::parse(body, &Limits::HL7V3)?.root())
}

/// [`parse_patient_list`] of an answer already parsed (its envelope, its Body or the payload).
pub fn read_patient_list(root: Element<'_>) -> Result<PatientList, DmpError> {
    read_output(
        root,
        NS_PATIENTS,
        "patientListResponse",
        |output, status| {
            let entries = output
                .children_named("patientlistData")
                .map(read_entry)
                .collect::<Result<_, _>>()?;
            Ok(PatientList { entries, status })
        },
    )
}

fn read_entry(e: Element<'_>) -> Result<PatientListEntry, DmpError> {
    let text = |local| e.child_text_trim(local).map(str::to_owned);
    let flag = |local, expected| {
        e.child_text_trim(local)
            .and_then(parse_xs_bool)
            .ok_or(DmpError::malformed(expected))
    };
    Ok(PatientListEntry {
        ids: e
            .children_named("patientIdentifier")
            .filter_map(|id| {
                Some(NationalId::new(
                    id.child_text_trim("nationalIdType")?,
                    id.child_text_trim("nationalId")?,
                ))
            })
            .collect(),
        last_name: text("lastName"),
        patronymical_name: text("patronymicalName"),
        first_name: text("firstName"),
        civility: text("civility"),
        birth_date: e.child_text_trim("dateOfBirth").and_then(parse_date),
        treating_physician: flag("MT", "patientlistData/MT true or false")?,
        message: flag("message", "patientlistData/message true or false")?,
        last_access: e.child_text_trim("lastAccessDate").and_then(parse_ts),
        last_update: e.child_text_trim("lastUpdateDate").and_then(parse_ts),
        last_add: e.child_text_trim("lastAddDate").and_then(parse_ts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::hl7v3::person::NationalIdKind;
    use crate::dmp::hl7v3::test_support::{
        Ignore, body_payload, body_text, canonical, fixture, parse,
    };
    use crate::domain::InsOid;

    const RESPONSE: &str = "TD0.4_authorized_dmp_list_response.xml";

    #[test]
    fn request_is_the_agency_example() {
        let start = NaiveDate::from_ymd_opt(2010, 10, 10)
            .and_then(|d| d.and_hms_opt(20, 20, 10))
            .expect("date");
        let built = build_patient_list(&start, PatientListDate::LastDocument);
        let none = Ignore {
            volatile: &[],
            nil_elements: false,
        };
        let expected = canonical(
            body_payload(&parse(&fixture("TD0.4_authorized_dmp_list_request.xml"))),
            &none,
        );
        assert_eq!(canonical(parse(&built).root(), &none), expected);
        let other = build_patient_list(&start, PatientListDate::LastAuthorization);
        assert!(other.contains("<dateType>LASTAUTORIZATION</dateType>"));
    }

    #[test]
    fn answer_is_read_field_by_field() {
        let list = parse_patient_list(&fixture(RESPONSE)).expect("parses");
        assert!(list.status.is_ok());
        assert_eq!(list.entries.len(), 2);

        let first = &list.entries[0];
        assert_eq!(first.ids.len(), 2);
        assert_eq!(first.ids[0].kind(), NationalIdKind::InsC);
        assert_eq!(first.ids[0].extension, "0740724093302701701806");
        assert_eq!(first.ids[1].kind(), NationalIdKind::Ins(InsOid::TestNir));
        assert_eq!(first.ids[1].extension, "153078987658513");
        assert!(first.ids[1].to_ins().is_some(), "valid key");
        assert_eq!(first.last_name.as_deref(), Some("PAT-TROIS"));
        assert_eq!(first.first_name.as_deref(), Some("DOMINIQUE"));
        assert_eq!(first.patronymical_name, None);
        assert_eq!(first.civility, None);
        assert_eq!(first.birth_date, NaiveDate::from_ymd_opt(1979, 3, 28));
        assert!(!first.treating_physician);
        assert!(!first.message);
        let ts = |t: Option<NaiveDateTime>| t.map(|t| format_ts(&t));
        assert_eq!(ts(first.last_access).as_deref(), Some("20210601094105"));
        assert_eq!(ts(first.last_update).as_deref(), Some("20210525134738"));
        assert_eq!(ts(first.last_add).as_deref(), Some("20210525134735"));

        let second = &list.entries[1];
        assert_eq!(second.ids[1].extension, "207058575627097");
        assert_eq!(second.last_name.as_deref(), Some("patb-quatre"));
        assert_eq!(second.first_name.as_deref(), Some("LAURENCE"));
        assert_eq!(second.birth_date, NaiveDate::from_ymd_opt(1907, 5, 25));
        assert!(second.treating_physician);
        assert_eq!(ts(second.last_access).as_deref(), Some("20210521101631"));

        let debug = format!("{list:?}");
        for secret in ["PAT-TROIS", "DOMINIQUE", "153078987658513", "1979"] {
            assert!(!debug.contains(secret), "{secret}");
        }
    }

    #[test]
    fn body_without_the_envelope_declarations_is_refused_not_misread() {
        // The answer's `ns1` prefix is declared on the Envelope: the transport layer must hand
        // over the whole envelope (or a namespace-complete body).
        assert_eq!(
            parse_patient_list(&body_text(&fixture(RESPONSE))),
            Err(DmpError::malformed("declared namespace prefixes"))
        );
    }

    #[test]
    fn missing_mt_flag_is_malformed_and_error_status_is_kept() {
        let xml = fixture(RESPONSE).replacen("<ns1:MT>false</ns1:MT>", "", 1);
        assert_eq!(
            parse_patient_list(&xml),
            Err(DmpError::malformed("patientlistData/MT true or false"))
        );
        let xml = fixture(RESPONSE).replace(
            "<ns1:status>DMPOk</ns1:status>",
            "<ns1:status>DMPTooManyResult</ns1:status><ns1:context>Trop</ns1:context>",
        );
        let list = parse_patient_list(&xml).expect("parses");
        assert!(!list.status.is_ok());
        assert!(list.status.check().is_err());
    }
}
