//! Acknowledgement tests: the ACK of every agency message reads back with the sender and
//! receiver swapped and the fields the agency's own ACK examples carry; error ACKs carry the
//! volet's codes and French labels in the received charset (folded to ASCII when none).

use super::ack::{
    Ack, AckCode, AckError, AckParams, ApplicationError, ErrorLocation, Hl7Condition,
};
use super::test_support::{all_fixtures, fixture};
use super::{Charset, parse};

const PARAMS: AckParams<'static> = AckParams {
    control_id: "016",
    timestamp: "202106060932",
};

#[test]
fn ack_of_every_agency_message_matches_the_agency_acks() {
    let fixtures = all_fixtures();
    let mut compared = 0;
    for (name, bytes) in &fixtures {
        if name.contains("ack.") {
            continue;
        }
        let received = parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ack = Ack::for_message(&received, AckCode::Accept, &[], &PARAMS);
        let written = ack.to_bytes();
        let m = parse(&written).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (r, a) = (received.msh(), m.msh());
        for (ours, theirs) in [(3, 5), (4, 6), (5, 3), (6, 4), (11, 11), (12, 12), (18, 18)] {
            assert_eq!(
                a.field(ours).raw(),
                r.field(theirs).raw(),
                "{name} MSH-{ours}"
            );
        }
        let kind = m.message_type();
        assert_eq!(kind.code, "ACK");
        assert_eq!(kind.trigger, received.message_type().trigger, "{name}");
        assert_eq!(kind.structure, "ACK");
        assert_eq!(m.control_id(), "016");
        let msa = m.segment("MSA").expect("MSA");
        assert_eq!(msa.field(1).text(), "AA");
        assert_eq!(msa.field(2).text(), received.control_id());
        assert!(m.segment("ERR").is_none());

        // The agency's ACK beside the message, when there is one.
        let dir = name.rsplit_once('/').map_or("", |(dir, _)| dir);
        if let Some((_, agency)) = fixtures
            .iter()
            .find(|(n, _)| n.starts_with(&format!("{dir}/ack.")))
        {
            let agency = parse(agency).expect("agency ack");
            for n in [9, 11, 12, 17, 18] {
                assert_eq!(
                    a.field(n).raw(),
                    agency.msh().field(n).raw(),
                    "{name} MSH-{n}"
                );
            }
            let theirs = agency.segment("MSA").expect("MSA");
            assert_eq!(msa.field(1).raw(), theirs.field(1).raw());
            assert_eq!(msa.field(2).raw(), theirs.field(2).raw());
            compared += 1;
        }
    }
    assert!(compared >= 9, "{compared} compared");
}

#[test]
fn ack_of_a_pam_admission_keeps_its_version_and_processing_id() {
    let bytes = fixture("pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7");
    let received = parse(&bytes).unwrap();
    let ack = Ack::for_message(&received, AckCode::Accept, &[], &PARAMS);
    assert_eq!(
        ack.to_er7(),
        "MSH|^~\\&|DPI|CHU-X|GAM|CHU-X|202106060932||ACK^A01^ACK|016|D|2.5^FRA^2.11|||||FRA|\
         UNICODE UTF-8\rMSA|AA|3975\r"
    );
}

#[test]
fn error_ack_carries_the_volet_codes_and_labels() {
    let bytes =
        fixture("lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1_Base64.er7");
    let received = parse(&bytes).unwrap();
    let errors = [AckError::application(
        ApplicationError::UnknownPatient,
        Some(ErrorLocation::field("PID", 1, 3)),
    )];
    let ack = Ack::for_message(&received, AckCode::Error, &errors, &PARAMS);
    let text = ack.to_er7();
    assert!(
        text.ends_with(
            "MSA|AE|015\rERR||PID^1^3|207^Application error^messageErrorCondition|E|\
             902^Identifiant patient inconnu^applicationErrorCode\r"
        ),
        "{text}"
    );
    let syntax = [AckError::message(
        Hl7Condition::UnsupportedVersion,
        Some(ErrorLocation::field("MSH", 1, 12)),
    )];
    let ack = Ack::for_message(&received, AckCode::Error, &syntax, &PARAMS);
    assert!(
        ack.to_er7()
            .ends_with("ERR||MSH^1^12|203^Unsupported version id^messageErrorCondition|E\r")
    );
    // Every application code reads back with its label.
    for code in [
        ApplicationError::NotLatestVersion,
        ApplicationError::AuthorNotAllowed,
        ApplicationError::UnknownPatient,
        ApplicationError::NoIns,
        ApplicationError::InsMismatch,
        ApplicationError::InsIncomplete,
        ApplicationError::Other,
    ] {
        let ack = Ack::for_message(
            &received,
            AckCode::Error,
            &[AckError::application(code, None)],
            &PARAMS,
        );
        let bytes = ack.to_bytes();
        let m = parse(&bytes).unwrap();
        let err = m.segment("ERR").expect("ERR");
        assert!(err.field(2).is_empty());
        assert_eq!(err.field(5).component(1).text(), code.code());
        assert_eq!(err.field(5).component(2).text(), code.label());
        assert!((900..=906).contains(&code.code().parse::<u32>().unwrap()));
    }
}

#[test]
fn labels_follow_the_received_charset() {
    let error = [AckError::application(ApplicationError::InsMismatch, None)];
    // 8859/15: the accents are single bytes.
    let latin9 = b"MSH|^~\\&|PFI|CHU|DPI|CHU|2023||MDM^T02^MDM_T02|7|P|2.6|||||FRA|8859/15\r";
    let received = parse(latin9).unwrap();
    let ack = Ack::for_message(&received, AckCode::Error, &error, &PARAMS);
    assert_eq!(ack.charset, Charset::Latin9);
    let bytes = ack.to_bytes();
    assert!(bytes.windows(3).any(|w| w == b" \xE0 "), "à as one byte");
    let m = parse(&bytes).unwrap();
    assert_eq!(m.msh().field(18).text(), "8859/15");
    let label = m
        .segment("ERR")
        .unwrap()
        .field(5)
        .component(2)
        .text()
        .into_owned();
    assert!(label.contains("exactement à celui stocké"), "{label}");

    // No charset declared: the ACK declares none and stays ASCII.
    let plain = b"MSH|^~\\&|PFI|CHU|DPI|CHU|2023||MDM^T02^MDM_T02|7|P|2.6\r";
    let ack = Ack::for_message(&parse(plain).unwrap(), AckCode::Error, &error, &PARAMS);
    let bytes = ack.to_bytes();
    assert!(bytes.is_ascii());
    let m = parse(&bytes).unwrap();
    assert_eq!(m.charset(), Charset::Undeclared);
    assert_eq!(
        m.segment("ERR").unwrap().field(5).component(2).text(),
        "L'INS transmis ne correspond pas exactement a celui stocke dans la base du consommateur"
    );
}

#[test]
fn custom_delimiters_and_escaped_ids_are_echoed() {
    let received = parse(b"MSH#$%!*#PFI$A#CHU#DPI#CHU#2023##MDM$T10#id!F!1#P#2.6\r").unwrap();
    let ack = Ack::for_message(&received, AckCode::Reject, &[], &PARAMS);
    let text = ack.to_er7();
    assert!(text.starts_with("MSH#$%!*#DPI#CHU#PFI$A#CHU#"), "{text}");
    let m = parse(text.as_bytes()).unwrap();
    let msa = m.segment("MSA").unwrap();
    assert_eq!(msa.field(1).text(), "AR");
    assert_eq!(msa.field(2).text(), "id#1");
    assert_eq!(m.message_type().trigger, "T10");
}

#[test]
fn ack_for_unreadable_bytes() {
    let error = AckError::message(Hl7Condition::SegmentSequence, None);
    let ack = Ack::for_unreadable("CHEVET", "CHU", &error, &PARAMS);
    assert_eq!(
        ack.to_er7(),
        "MSH|^~\\&|CHEVET|CHU|||202106060932||ACK|016|P|2.5|||||FRA\rMSA|AE\r\
         ERR|||100^Segment sequence error^messageErrorCondition|E\r"
    );
}
