//! The HL7v3 `acknowledgement` of a DMP answer (`AA` accepted, `AE` error, `AR` rejected, with
//! `acknowledgementDetail` codes such as `DMPFound` or `DMPClosed`) and the `queryAck`'s
//! `queryResponseCode` (`OK`, `NF` = no DMP, `QE`, `AE`).

use std::fmt;

use crate::dmp::error::{DmpError, ServerText, WireCode};
use crate::xml::Element;

/// `acknowledgement/@typeCode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckCode {
    /// Application accept.
    AA,
    /// Application error.
    AE,
    /// Application reject.
    AR,
    /// Commit accept.
    CA,
    CE,
    CR,
    Other(WireCode),
}

impl AckCode {
    pub fn parse(code: &str) -> Self {
        match code.trim() {
            "AA" => Self::AA,
            "AE" => Self::AE,
            "AR" => Self::AR,
            "CA" => Self::CA,
            "CE" => Self::CE,
            "CR" => Self::CR,
            other => Self::Other(WireCode::new(other)),
        }
    }

    /// True for `AA` and `CA`.
    pub fn is_accept(&self) -> bool {
        matches!(self, Self::AA | Self::CA)
    }
}

impl fmt::Display for AckCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AA => f.write_str("AA"),
            Self::AE => f.write_str("AE"),
            Self::AR => f.write_str("AR"),
            Self::CA => f.write_str("CA"),
            Self::CE => f.write_str("CE"),
            Self::CR => f.write_str("CR"),
            Self::Other(code) => code.fmt(f),
        }
    }
}

/// One `acknowledgementDetail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckDetail {
    /// `@typeCode`: `E` error, `W` warning, `I` information.
    pub type_code: Option<WireCode>,
    /// `code/@code`, e.g. `DMPClosed`.
    pub code: Option<WireCode>,
    pub code_system: Option<WireCode>,
    /// `text`, else `code/@displayName`.
    pub text: ServerText,
}

/// The answer's `acknowledgement`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledgement {
    pub code: AckCode,
    /// `targetMessage/id/@extension`: our request's message id.
    pub target_message_id: Option<String>,
    pub details: Vec<AckDetail>,
}

impl Acknowledgement {
    /// True when it acknowledges the request whose message id is `message_id`.
    pub fn acknowledges(&self, message_id: &str) -> bool {
        self.target_message_id.as_deref() == Some(message_id.trim())
    }
}

/// `queryAck/queryResponseCode/@code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryResponse {
    /// `OK`: the DMP exists (data follows).
    Found,
    /// `NF`: no DMP for this patient.
    NotFound,
    /// `QE`: the query's parameters were refused.
    QueryError,
    /// `AE`: the DMP failed.
    ApplicationError,
    Other(WireCode),
}

impl QueryResponse {
    pub fn parse(code: &str) -> Self {
        match code.trim() {
            "OK" => Self::Found,
            "NF" => Self::NotFound,
            "QE" => Self::QueryError,
            "AE" => Self::ApplicationError,
            other => Self::Other(WireCode::new(other)),
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Found => "OK",
            Self::NotFound => "NF",
            Self::QueryError => "QE",
            Self::ApplicationError => "AE",
            Self::Other(code) => code.as_str(),
        }
    }
}

/// Reads the (first) `acknowledgement` of an HL7v3 message; one is required.
pub(crate) fn parse_acknowledgement(message: Element<'_>) -> Result<Acknowledgement, DmpError> {
    let ack = message
        .child("acknowledgement")
        .ok_or(DmpError::malformed("acknowledgement"))?;
    let code = ack
        .attr_trim("typeCode")
        .ok_or(DmpError::malformed("acknowledgement/@typeCode"))?;
    let details = ack
        .children_named("acknowledgementDetail")
        .map(|d| {
            let code = d.child("code");
            let text = d
                .child_text_trim("text")
                .or_else(|| code.and_then(|c| c.attr_trim("displayName")))
                .unwrap_or_default();
            AckDetail {
                type_code: d.attr_trim("typeCode").map(WireCode::new),
                code: code.and_then(|c| c.attr_trim("code")).map(WireCode::new),
                code_system: code
                    .and_then(|c| c.attr_trim("codeSystem"))
                    .map(WireCode::new),
                text: ServerText::new(text),
            }
        })
        .collect();
    Ok(Acknowledgement {
        code: AckCode::parse(code),
        target_message_id: ack
            .path(&["targetMessage", "id"])
            .and_then(|id| id.attr_trim("extension"))
            .map(str::to_owned),
        details,
    })
}

/// Reads `controlActProcess/queryAck/queryResponseCode/@code`, when present.
pub(crate) fn parse_query_response(message: Element<'_>) -> Option<QueryResponse> {
    message
        .path(&["controlActProcess", "queryAck", "queryResponseCode"])
        .and_then(|c| c.attr_trim("code"))
        .map(QueryResponse::parse)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::error::Refusal;
    use crate::dmp::hl7v3::test_support::parse;

    const AE_CLOSED: &str = r#"<PRPA_IN201308UV02 xmlns="urn:hl7-org:v3">
        <acknowledgement typeCode="AE">
          <targetMessage><id root="1.2.3.1.1" extension="abc"/></targetMessage>
          <acknowledgementDetail typeCode="E">
            <code code="DMPClosed" codeSystem="1.2.250.1.213.4.1.2.1" displayName="DMP fermé"/>
            <text>Le DMP du patient 207058575627097 est fermé</text>
          </acknowledgementDetail>
          <acknowledgementDetail typeCode="W"><code code="X"/></acknowledgementDetail>
        </acknowledgement>
        <controlActProcess><queryAck><queryResponseCode code="AE"/></queryAck></controlActProcess>
      </PRPA_IN201308UV02>"#;

    #[test]
    fn error_acknowledgement_is_read_with_its_details() {
        let doc = parse(AE_CLOSED);
        let tree = doc.root();
        let ack = parse_acknowledgement(tree).expect("ack");
        assert_eq!(ack.code, AckCode::AE);
        assert!(!ack.code.is_accept());
        assert!(ack.acknowledges("abc"));
        assert_eq!(ack.details.len(), 2);
        let first = &ack.details[0];
        assert_eq!(first.type_code.as_ref().map(WireCode::as_str), Some("E"));
        assert_eq!(first.code.as_ref().map(WireCode::as_str), Some("DMPClosed"));
        assert!(first.text.as_str().starts_with("Le DMP"));
        assert_eq!(ack.details[1].text.as_str(), "");
        assert_eq!(
            parse_query_response(tree),
            Some(QueryResponse::ApplicationError)
        );

        let err = DmpError::from_hl7_ack(&ack).expect("an error");
        assert_eq!(err.refusal(), Some(Refusal::DmpClosed));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("207058575627097"), "{shown}");
    }

    #[test]
    fn unknown_detail_codes_stay_an_hl7_error_and_accept_is_no_error() {
        let xml = r#"<m xmlns="urn:hl7-org:v3"><acknowledgement typeCode="AR">
            <acknowledgementDetail><code code="SYNTAXE"/><text>schema</text></acknowledgementDetail>
            </acknowledgement></m>"#;
        let ack = parse_acknowledgement(parse(xml).root()).expect("ack");
        match DmpError::from_hl7_ack(&ack) {
            Some(DmpError::Hl7Ack {
                ack_code, details, ..
            }) => {
                assert_eq!(ack_code, AckCode::AR);
                assert_eq!(details.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        let ok = Acknowledgement {
            code: AckCode::AA,
            target_message_id: None,
            details: Vec::new(),
        };
        assert_eq!(DmpError::from_hl7_ack(&ok), None);
    }

    #[test]
    fn missing_acknowledgement_or_type_is_malformed() {
        for xml in ["<m/>", "<m><acknowledgement/></m>"] {
            let doc = parse(xml);
            assert!(matches!(
                parse_acknowledgement(doc.root()),
                Err(DmpError::Malformed { .. })
            ));
        }
    }
}
