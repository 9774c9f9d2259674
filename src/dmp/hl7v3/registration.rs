//! What the two `PRPA_IN201308UV02` answers (TD0.2 existence test, TD1.3a consultation) share:
//! acknowledgement, query answer, the patient's ids, the DMP's state (active / closed with date
//! and reason) and the `administrativeObservation` flags (`COMPTE_INTERNET_OUVERT`,
//! `RATTACHEMENT_ENS`, `OPPOSITION_BRIS_DE_GLACE`…).
//!
//! Closing date and reason are read where Mediboard reads them (`registrationEvent/effectiveTime`,
//! `controlActProcess/reasonOf/detectedIssueEvent`); the agency's examples show no closed DMP.

use chrono::NaiveDateTime;

use super::HL7_NS;
use super::ack::{Acknowledgement, QueryResponse, parse_acknowledgement, parse_query_response};
use super::message::parse_ts;
use super::person::{NationalId, PatientTraits, parse_bool};
use crate::dmp::error::{DmpError, ServerText, WireCode};
use crate::dmp::soap;
use crate::xml::Element;

/// Why and when a DMP was closed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Closure {
    pub date: Option<NaiveDateTime>,
    /// e.g. `FERMETURE_DEMANDE_PATIENT` (`1.2.250.1.213.4.1.2.4`).
    pub reason_code: Option<WireCode>,
    /// Free text of the closing reason.
    pub reason_text: ServerText,
}

/// State of the patient's DMP (`patient/statusCode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmpState {
    Active,
    /// `terminated`.
    Closed(Closure),
    Other(WireCode),
}

/// One `subjectOf/administrativeObservation`: a code and its boolean value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdministrativeFlag {
    pub code: WireCode,
    /// `None` when the value is absent or not a boolean.
    pub value: Option<bool>,
}

/// The common part of a `PRPA_IN201308UV02`, read from the message element.
#[derive(Debug, Clone)]
pub(crate) struct Registration {
    pub acknowledgement: Acknowledgement,
    pub query_response: Option<QueryResponse>,
    pub patient_ids: Vec<NationalId>,
    pub state: Option<DmpState>,
    pub traits: Option<PatientTraits>,
    pub flags: Vec<AdministrativeFlag>,
}

/// Finds the `PRPA_IN201308UV02` in an answer (its root: an envelope, a Body or the message),
/// and hands the message element to `more` for the parts specific to one transaction.
pub(crate) fn read_with<T>(
    root: Element<'_>,
    more: impl FnOnce(Element<'_>, Registration) -> Result<T, DmpError>,
) -> Result<T, DmpError> {
    let message = soap::payload(root, HL7_NS, "PRPA_IN201308UV02", "PRPA_IN201308UV02")?;
    let registration = read(message)?;
    more(message, registration)
}

fn read(message: Element<'_>) -> Result<Registration, DmpError> {
    let acknowledgement = parse_acknowledgement(message)?;
    let control = message.child("controlActProcess");
    let event = control.and_then(|c| c.path(&["subject", "registrationEvent"]));
    let patient = event.and_then(|e| e.path(&["subject1", "patient"]));
    let patient_ids = patient
        .map(|p| {
            p.children_named("id")
                .filter_map(|id| {
                    Some(NationalId::new(
                        id.attr_trim("root")?,
                        id.attr_trim("extension")?,
                    ))
                })
                .collect()
        })
        .unwrap_or_default();
    let state = patient
        .and_then(|p| p.child("statusCode"))
        .and_then(|s| s.attr_trim("code"))
        .map(|code| match code {
            "active" => DmpState::Active,
            "terminated" => DmpState::Closed(closure(control, event)),
            other => DmpState::Other(WireCode::new(other)),
        });
    let flags = patient
        .map(|p| {
            p.children_named("subjectOf")
                .filter_map(|s| s.child("administrativeObservation"))
                .filter_map(|o| {
                    Some(AdministrativeFlag {
                        code: WireCode::new(o.child("code")?.attr_trim("code")?),
                        value: o
                            .child("value")
                            .and_then(|v| v.attr_trim("value"))
                            .and_then(parse_bool),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Registration {
        acknowledgement,
        query_response: parse_query_response(message),
        patient_ids,
        state,
        traits: patient
            .and_then(|p| p.child("patientPerson"))
            .map(PatientTraits::read),
        flags,
    })
}

fn closure(control: Option<Element<'_>>, event: Option<Element<'_>>) -> Closure {
    let issue = control.and_then(|c| c.path(&["reasonOf", "detectedIssueEvent"]));
    Closure {
        date: event
            .and_then(|e| e.child("effectiveTime"))
            .and_then(|t| {
                t.attr_trim("value")
                    .or_else(|| t.child("low")?.attr_trim("value"))
            })
            .and_then(parse_ts),
        reason_code: issue
            .and_then(|i| i.child("code"))
            .and_then(|c| c.attr_trim("code"))
            .map(WireCode::new),
        reason_text: ServerText::new(
            issue
                .and_then(|i| i.child_text_trim("text"))
                .unwrap_or_default(),
        ),
    }
}

impl Registration {
    /// The value of flag `code`, when sent as a boolean.
    pub fn flag(&self, code: &str) -> Option<bool> {
        self.flags
            .iter()
            .find(|f| f.code.as_str() == code)
            .and_then(|f| f.value)
    }

    /// The error the acknowledgement or the query answer carries: `None` when the DMP answered
    /// (found or not found).
    pub fn answer_error(&self) -> Option<DmpError> {
        if let Some(err) = DmpError::from_hl7_ack(&self.acknowledgement) {
            return Some(err);
        }
        match &self.query_response {
            None | Some(QueryResponse::Found | QueryResponse::NotFound) => None,
            Some(other) => Some(DmpError::from_ack_details(
                self.acknowledgement.code.clone(),
                Some(WireCode::new(other.code())),
                &self.acknowledgement.details,
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::error::Refusal;
    use crate::dmp::hl7v3::test_support::parse;

    const CLOSED: &str = r#"<PRPA_IN201308UV02 xmlns="urn:hl7-org:v3">
      <acknowledgement typeCode="AA"/>
      <controlActProcess classCode="CACT" moodCode="EVN">
        <subject><registrationEvent>
          <effectiveTime value="20240115103000"/>
          <subject1><patient>
            <id root="1.2.250.1.213.1.4.10" extension="207058575627097"/>
            <statusCode code="terminated"/>
            <subjectOf><administrativeObservation><code code="RATTACHEMENT_ENS"/><value value="maybe"/></administrativeObservation></subjectOf>
            <subjectOf><administrativeObservation><value value="true"/></administrativeObservation></subjectOf>
          </patient></subject1>
        </registrationEvent></subject>
        <reasonOf typeCode="RSON"><detectedIssueEvent classCode="ALRT" moodCode="EVN">
          <code code="FERMETURE_DEMANDE_PATIENT" codeSystem="1.2.250.1.213.4.1.2.4"/>
          <text>Sur demande du patient</text>
        </detectedIssueEvent></reasonOf>
        <queryAck><queryResponseCode code="OK"/></queryAck>
      </controlActProcess>
    </PRPA_IN201308UV02>"#;

    #[test]
    fn closed_dmp_gives_date_reason_and_text() {
        let reg = read_with(parse(CLOSED).root(), |_, r| Ok(r)).expect("parses");
        let Some(DmpState::Closed(closure)) = &reg.state else {
            panic!("closed expected");
        };
        assert_eq!(
            closure.date.map(|d| d.to_string()).as_deref(),
            Some("2024-01-15 10:30:00")
        );
        assert_eq!(
            closure.reason_code.as_ref().map(WireCode::as_str),
            Some("FERMETURE_DEMANDE_PATIENT")
        );
        assert_eq!(closure.reason_text.as_str(), "Sur demande du patient");
        assert_eq!(reg.flags.len(), 1, "an observation without code is skipped");
        assert_eq!(reg.flag("RATTACHEMENT_ENS"), None, "not a boolean");
        assert!(reg.answer_error().is_none());
    }

    #[test]
    fn query_error_is_an_error_even_with_aa() {
        let xml = CLOSED.replace(r#"code="OK""#, r#"code="QE""#);
        let reg = read_with(parse(&xml).root(), |_, r| Ok(r)).expect("parses");
        match reg.answer_error() {
            Some(DmpError::Hl7Ack { query_code, .. }) => {
                assert_eq!(query_code.as_ref().map(WireCode::as_str), Some("QE"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_acknowledgement_with_known_code_is_a_refusal() {
        let xml = CLOSED.replace(
            r#"<acknowledgement typeCode="AA"/>"#,
            r#"<acknowledgement typeCode="AE"><acknowledgementDetail typeCode="E"><code code="DMPClosed"/></acknowledgementDetail></acknowledgement>"#,
        );
        let reg = read_with(parse(&xml).root(), |_, r| Ok(r)).expect("parses");
        assert_eq!(
            reg.answer_error().and_then(|e| e.refusal()),
            Some(Refusal::DmpClosed)
        );
    }
}
