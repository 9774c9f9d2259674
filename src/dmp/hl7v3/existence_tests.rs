//! Tests of TD0.2 against the agency's example request and answer, and of the access rules.

use chrono::NaiveDate;

use super::*;
use crate::dmp::error::Refusal;
use crate::dmp::hl7v3::ack::AckCode;
use crate::dmp::hl7v3::person::NationalIdKind;
use crate::dmp::hl7v3::test_support::{
    Ignore, VOLATILE, body_payload, body_text, canonical, example_ids, example_ins, example_sender,
    fixture, parse,
};
use crate::domain::{InsOid, Sex};

const REQUEST: &str = "TD0.2_existence_test_request.xml";
const RESPONSE: &str = "TD0.2_existence_test_response.xml";

#[test]
fn request_is_structurally_the_agency_example() {
    let built = build_existence_test(&example_ins(), &example_sender(), &example_ids());
    let ignore = Ignore {
        volatile: VOLATILE,
        nil_elements: false,
    };
    let expected = canonical(body_payload(&parse(&fixture(REQUEST))), &ignore);
    let ours = canonical(parse(&built).root(), &ignore);
    assert_eq!(ours, expected);
    assert!(built.contains("extension=\"00000000-0000-4000-8000-000000000001\""));
    assert!(built.contains("<creationTime value=\"20240301093000\"/>"));
}

#[test]
fn answer_is_read_field_by_field() {
    let status = parse_existence_test(&fixture(RESPONSE)).expect("parses");
    assert_eq!(status.acknowledgement.code, AckCode::AA);
    assert!(status.acknowledgement.details.is_empty());
    assert!(
        status
            .acknowledgement
            .acknowledges("1633a409-3d61-4869-aed8-74d92ae20272")
    );
    assert_eq!(status.query_response, Some(QueryResponse::Found));
    assert!(status.exists());
    assert_eq!(status.authorization, Some(AuthorizationStatus::Valid));
    assert_eq!(status.treating_physician, Some(true));
    assert_eq!(status.state, Some(DmpState::Active));
    assert_eq!(status.web_account_open, Some(true));
    assert_eq!(status.linked_to_mon_espace_sante, Some(false));

    assert_eq!(status.patient_ids.len(), 2);
    assert_eq!(status.patient_ids[0].kind(), NationalIdKind::InsC);
    assert_eq!(status.patient_ids[0].extension, "1197854176879056415520");
    assert_eq!(
        status.patient_ids[1].kind(),
        NationalIdKind::Ins(InsOid::TestNir)
    );
    assert_eq!(status.ins(), Some(example_ins()));

    let traits = status.traits.as_ref().expect("traits");
    assert_eq!(traits.names.len(), 1);
    let name = &traits.names[0];
    assert_eq!(name.prefixes, ["M"]);
    assert_eq!(name.given, ["LAURENCE"]);
    assert_eq!(name.used_name(), Some("patb-quatre"));
    assert_eq!(name.birth_name(), None, "only an SP family is given");
    assert_eq!(traits.sex, Some(Sex::Male));
    assert_eq!(traits.birth_date, NaiveDate::from_ymd_opt(1907, 5, 25));
    assert_eq!(traits.telecoms.len(), 2);
    assert_eq!(traits.telecoms[0].value, "mailto:alain@gmail.com");
    assert_eq!(traits.telecoms[0].use_code, None);
    assert_eq!(traits.telecoms[1].use_code.as_deref(), Some("MC"));
    assert_eq!(traits.telecoms[1].value, "tel:0102030405");
    assert!(traits.addresses.is_empty());
    assert_eq!(traits.deceased, None);

    assert_eq!(status.check_access(AccessMode::Normal), Ok(()));
}

#[test]
fn body_text_parses_like_the_envelope() {
    let envelope = parse_existence_test(&fixture(RESPONSE)).expect("envelope");
    let body = parse_existence_test(&body_text(&fixture(RESPONSE))).expect("body");
    assert_eq!(envelope, body);
}

#[test]
fn traits_are_hidden_in_centre_de_regulation_mode_and_never_in_debug() {
    let status = parse_existence_test(&fixture(RESPONSE)).expect("parses");
    assert!(status.traits_for_display(AccessMode::Normal).is_some());
    assert!(status.traits_for_display(AccessMode::BrisDeGlace).is_some());
    assert!(
        status
            .traits_for_display(AccessMode::CentreDeRegulation)
            .is_none()
    );
    let debug = format!("{status:?}");
    for secret in [
        "LAURENCE",
        "patb",
        "207058575627097",
        "1197854176879056415520",
        "alain",
        "0102030405",
        "1907",
    ] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

fn with_authorization(code: &str) -> DmpStatus {
    let xml = fixture(RESPONSE).replace(r#"code="VALIDE""#, &format!(r#"code="{code}""#));
    parse_existence_test(&xml).expect("parses")
}

#[test]
fn access_rules_per_authorization_and_mode() {
    use AccessMode::{BrisDeGlace, CentreDeRegulation, Normal};
    let refused = |r| Err(DmpError::refused(r));
    let cases = [
        ("VALIDE", Normal, Ok(())),
        ("EXPIRE", Normal, refused(Refusal::AuthorizationExpired)),
        ("INTERDIT", Normal, refused(Refusal::BlockedByPatient)),
        ("NON_EXISTE", Normal, refused(Refusal::AuthorizationMissing)),
        ("AUTRE", Normal, refused(Refusal::AuthorizationMissing)),
        ("NON_EXISTE", BrisDeGlace, Ok(())),
        ("EXPIRE", BrisDeGlace, Ok(())),
        ("INTERDIT", BrisDeGlace, refused(Refusal::BlockedByPatient)),
        ("NON_EXISTE", CentreDeRegulation, Ok(())),
        ("INTERDIT", CentreDeRegulation, Ok(())),
    ];
    for (code, mode, expected) in cases {
        let status = with_authorization(code);
        assert_eq!(status.check_access(mode), expected, "{code} {mode:?}");
    }
    let status = with_authorization("NON_EXISTE");
    assert_eq!(status.authorization, Some(AuthorizationStatus::Missing));
}

#[test]
fn no_dmp_and_closed_dmp_are_refusals() {
    let not_found = fixture(RESPONSE).replace(
        r#"<queryResponseCode code="OK"/>"#,
        r#"<queryResponseCode code="NF"/>"#,
    );
    let status = parse_existence_test(&not_found).expect("parses");
    assert!(!status.exists());
    assert_eq!(
        status.check_access(AccessMode::CentreDeRegulation),
        Err(DmpError::refused(Refusal::NoDmp))
    );

    let closed = fixture(RESPONSE).replace(
        r#"<statusCode code="active"/>"#,
        r#"<statusCode code="terminated"/>"#,
    );
    let status = parse_existence_test(&closed).expect("parses");
    assert!(matches!(status.state, Some(DmpState::Closed(_))));
    assert_eq!(
        status.check_access(AccessMode::Normal),
        Err(DmpError::refused(Refusal::DmpClosed))
    );
}

#[test]
fn minimal_not_found_answer_without_patient_parses() {
    let xml = r#"<PRPA_IN201308UV02 xmlns="urn:hl7-org:v3">
        <attentionLine><keyWordText code="AUTORISATION"/><value code="NON_EXISTE"/></attentionLine>
        <acknowledgement typeCode="AA"/>
        <controlActProcess><queryAck><queryResponseCode code="NF"/></queryAck></controlActProcess>
      </PRPA_IN201308UV02>"#;
    let status = parse_existence_test(xml).expect("parses");
    assert_eq!(status.query_response, Some(QueryResponse::NotFound));
    assert!(status.patient_ids.is_empty());
    assert!(status.traits.is_none());
    assert_eq!(status.state, None);
    assert_eq!(status.treating_physician, None);
    assert_eq!(status.authorization, Some(AuthorizationStatus::Missing));
}

#[test]
fn error_acknowledgement_is_kept_and_checked() {
    let xml = fixture(RESPONSE).replace(
        r#"<acknowledgement typeCode="AA">"#,
        r#"<acknowledgement typeCode="AE"><acknowledgementDetail typeCode="E"><code code="DMPAccessDeniedByExcludedPS"/><text>refus</text></acknowledgementDetail>"#,
    );
    let status = parse_existence_test(&xml).expect("parses");
    assert_eq!(status.acknowledgement.code, AckCode::AE);
    assert_eq!(
        status
            .check_access(AccessMode::Normal)
            .err()
            .and_then(|e| e.refusal()),
        Some(Refusal::BlockedByPatient)
    );
}

#[test]
fn wrong_payload_is_malformed() {
    let other = fixture("TD0.3_set_authorization_response.xml");
    assert_eq!(
        parse_existence_test(&other),
        Err(DmpError::malformed("PRPA_IN201308UV02"))
    );
}
