//! Tests of the ZAM: write → read for the three kinds, accepted and refused; a ZAM written by
//! hand as in the volet's example (LF separators); the tolerances and the refusals.

use chrono::TimeZone as _;

use super::*;
use crate::hl7::parse;

fn settings() -> PfiSettings {
    PfiSettings {
        sending_application: "CHEVET".into(),
        sending_facility: "CHU-X".into(),
        receiving_application: "PFI".into(),
        receiving_facility: "CHU-X".into(),
        finess_geographique: "300017985".into(),
        structure_name: "Hôpital X".into(),
        lab_as_oru: false,
    }
}

fn now() -> DateTime<FixedOffset> {
    FixedOffset::east_opt(3600)
        .and_then(|o| o.with_ymd_and_hms(2026, 3, 1, 10, 30, 0).single())
        .expect("now")
}

fn zam(kind: ZamKind, ok: bool) -> Zam {
    let refused = |code: &str, label: &str| (!ok).then(|| (code.to_owned(), label.to_owned()));
    let error = match kind {
        ZamKind::DmpReceipt => refused("DMPClosed", "DMP fermé"),
        ZamKind::MssReceipt => refused("550", "Boîte aux lettres inconnue"),
        ZamKind::MssRead => refused("906", "Erreur 'Autre'"),
    };
    Zam {
        kind,
        our_msh10: "CHV00000000000000A1".into(),
        ok,
        recipient: (kind != ZamKind::DmpReceipt).then(|| "adam.hoda@test.mssante.fr".into()),
        error_code: error.as_ref().map(|e| e.0.clone()),
        error_label: error.map(|e| e.1),
        at: Some("20260301103000".into()),
    }
}

#[test]
fn every_kind_reads_back_as_written() {
    for kind in ZamKind::ALL {
        for ok in [true, false] {
            let sent = zam(kind, ok);
            let bytes = write(&sent, &settings(), "Z-1", now());
            let message = parse(&bytes).expect("parse");
            assert!(is_zam(&message));
            assert_eq!(
                message.msh().field(9).raw(),
                format!("ZAM^{}^ZAM_Z01", kind.trigger())
            );
            assert_eq!(message.msh().field(3).raw(), "PFI");
            assert_eq!(message.msh().field(5).raw(), "CHEVET");
            assert_eq!(message.msh().field(21).raw(), "2.1^CISIS_CDA_HL7_V2");
            assert_eq!(read(&message), Ok(sent.clone()), "{kind:?} {ok}");
            let err = message.segment("ERR");
            assert_eq!(err.is_some(), !ok);
            if let Some(err) = err {
                assert_eq!(err.field(3).component(1).text(), "207");
                assert_eq!(err.field(5).component(3).text(), kind.error_system());
            }
        }
    }
    let bytes = write(&zam(ZamKind::DmpReceipt, false), &settings(), "Z-2", now());
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains(
        "OBX|1|CWE|ACK_RECEPTION_DMP^Accusé de réception DMP^AckMetierZAM|CHV00000000000000A1|N^^expandedYes-NoIndicator||||||F\r"
    ));
    assert!(text.contains(
        "ERR|||207^Application error^messageErrorCondition|E|DMPClosed^DMP fermé^DMPERRORCODE\r"
    ));
    let bytes = write(&zam(ZamKind::MssRead, true), &settings(), "Z-3", now());
    let text = String::from_utf8(bytes).expect("utf-8");
    assert!(text.contains(
        "OBX|2|XTN|LECTEUR_MSS^Lecteur du courriel MSSanté^AckMetierZAM||^^X.400^adam.hoda@test.mssante.fr||||||F\r"
    ));
}

#[test]
fn a_hand_written_zam_of_the_volet_is_read() {
    let text = "MSH|^~\\&|PFI|CHU_X|DPI|CHU_X|202310030900||ZAM^Z01^ZAM_Z01|77|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2\n\
        EVN||20231003090000\n\
        OBX|1|CWE|ACK_RECEPTION_DMP^Accusé de réception DMP^AckMetierZAM|12345|N^^expandedYes-NoIndicator||||||F|\n\
        ERR|||207^Application error^messageErrorCondition|E|DMPClosed^DMP fermé^DMPERRORCODE\n";
    let message = parse(text.as_bytes()).expect("parse");
    let read = read(&message).expect("zam");
    assert_eq!(read.kind, ZamKind::DmpReceipt);
    assert_eq!(read.our_msh10, "12345");
    assert!(!read.ok);
    assert_eq!(read.error_code.as_deref(), Some("DMPClosed"));
    assert_eq!(read.error_label.as_deref(), Some("DMP fermé"));
    assert_eq!(read.at.as_deref(), Some("20231003090000"));
    assert_eq!(read.recipient, None);
}

#[test]
fn tolerances_missing_evn_old_spelling_and_no_trigger() {
    let text = "MSH|^~\\&|PFI|CHU_X|DPI|CHU_X|202310030900||ZAM|78|P|2.6\r\
        OBX|1|CWE|ACK_LECTURE^Accusé de lecture^AckMetierZAM|12346|y^^expandedYes-NoIndicator||||||F\r\
        OBX|2|XTN|LECTEUR_MSS^Lecteur^AckMetierZAM|801234567897|^^X.400^lecteur@test.mssante.fr||||||F\r";
    let message = parse(text.as_bytes()).expect("parse");
    let read = read(&message).expect("zam");
    assert_eq!(read.kind, ZamKind::MssRead);
    assert_eq!(read.our_msh10, "12346");
    assert!(read.ok);
    assert_eq!(read.recipient.as_deref(), Some("lecteur@test.mssante.fr"));
    assert_eq!((&read.at, &read.error_code), (&None, &None));
    assert!(!format!("{read:?}").contains("lecteur@"));
}

#[test]
fn unusable_zams_are_refused() {
    let header = "MSH|^~\\&|PFI|CHU_X|DPI|CHU_X|202310030900||ZAM^Z02^ZAM_Z01|79|P|2.6\r";
    let cases = [
        (
            "MSH|^~\\&|PFI|CHU_X|DPI|CHU_X|202310030900||ACK^Z02^ACK|79|P|2.6\rMSA|AA|1\r"
                .to_owned(),
            ZamError::NotZam,
        ),
        (header.to_owned(), ZamError::NoStatus),
        (
            format!("{header}OBX|1|CWE|ACK_RECEPTION_MSS^^AckMetierZAM||Y\r"),
            ZamError::NoReference,
        ),
        (
            format!("{header}OBX|1|CWE|ACK_RECEPTION_MSS^^AckMetierZAM|12|P\r"),
            ZamError::BadStatus,
        ),
        (
            "MSH|^~\\&|PFI|CHU_X|DPI|CHU_X|202310030900||ZAM^Z09|79|P|2.6\rOBX|1|CWE|AUTRE||12|Y\r"
                .to_owned(),
            ZamError::UnknownKind,
        ),
    ];
    for (text, expected) in cases {
        let message = parse(text.as_bytes()).expect("parse");
        let error = read(&message).expect_err("refused");
        assert_eq!(error, expected);
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("ZAM"));
    }
}
