//! Tests on every real message of `shared/fixtures/hl7v2` (the agency's examples, see its
//! SOURCES.md): each parses, survives a write/parse round trip, and the values the intake
//! will read (MSH-9/10, PID-3 with the INS and its OID, PID-5, ZFA, the ED OBX-5 with the CDA
//! in base64, PRT) are where the volets say.

use std::borrow::Cow;

use super::test_support::{all_fixtures, decode_base64, fixture};
use super::writer::{to_values, write_message};
use super::{Charset, Message, parse};

const PAM: &str = "pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7";
const LPS_B64: &str =
    "lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1_Base64.er7";
const ORU: &str = "trans-doc-cda-v2.1/oru-initiale/message_ORU_CR_Bio_INIT_N3_SEGUR.hl7";

fn with_message(path: &str, check: impl FnOnce(&Message<'_>)) {
    let bytes = fixture(path);
    let message = parse(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
    check(&message);
}

/// Every segment, field, repetition, component and subcomponent, read as text.
pub(super) fn read_everything(message: &Message<'_>) -> usize {
    let mut leaves = 0;
    for segment in message.all_segments() {
        for field in segment.fields() {
            for rep in field.repetitions() {
                for component in rep.components() {
                    for sub in component.subcomponents() {
                        leaves += sub.text().len().min(1);
                    }
                }
            }
        }
    }
    leaves
}

#[test]
fn every_fixture_parses_and_round_trips() {
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 22, "{} fixtures", fixtures.len());
    assert!(
        fixtures
            .iter()
            .any(|(name, _)| name.starts_with("pam-fr-consent/"))
    );
    for (name, bytes) in &fixtures {
        let message = parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(message.msh().name(), "MSH", "{name}");
        assert_eq!(message.charset(), Charset::Utf8, "{name}");
        assert_eq!(message.decoding_note(), None, "{name}");
        assert!(!message.control_id().is_empty(), "{name}");
        let kind = message.message_type();
        assert!(
            ["ADT", "MDM", "ORU", "ACK"].contains(&kind.code.as_ref()),
            "{name}"
        );
        assert!(read_everything(&message) > 10, "{name}");
        // Written again (CR between segments) and read back: the same values.
        let values = to_values(&message);
        let written = write_message(&values, &message.delimiters());
        let again = parse(written.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(to_values(&again), values, "{name}");
        assert_eq!(again.segment_count(), message.segment_count(), "{name}");
    }
}

#[test]
fn pam_admission_header_identity_and_consent() {
    with_message(PAM, |m| {
        let kind = m.message_type();
        assert_eq!((kind.code.as_ref(), kind.trigger.as_ref()), ("ADT", "A01"));
        assert_eq!(kind.structure, "ADT_A01");
        assert_eq!(m.control_id(), "3975");
        assert_eq!(m.version(), "2.5");
        assert_eq!(m.msh().field(12).component(3).text(), "2.11");
        assert_eq!(m.msh().field(11).text(), "D");
        assert_eq!(m.msh().field(21).component(2).text(), "IHE_FRANCE-2.11-PAM");
        // Blank lines at the end are not segments.
        assert_eq!(m.segment_count(), 11);

        let pid = m.segment("PID").expect("PID");
        let ids = pid.field(3);
        assert_eq!(ids.repetitions().count(), 2);
        let ipp = ids.repetition(0);
        assert_eq!(ipp.component(1).text(), "000003");
        assert_eq!(ipp.component(4).subcomponent(2).text(), "000897406");
        assert_eq!(ipp.component(5).text(), "PI");
        let ins = ids.repetition(1);
        assert_eq!(ins.component(1).text(), "279035121518989");
        assert_eq!(
            ins.component(4).subcomponent(1).text(),
            "ASIP-SANTE-INS-NIR"
        );
        assert_eq!(
            ins.component(4).subcomponent(2).text(),
            "1.2.250.1.213.1.4.10"
        );
        assert_eq!(ins.component(4).subcomponent(3).text(), "ISO");
        assert_eq!(ins.component(5).text(), "INS");
        assert_eq!(ins.component(7).text(), "20101207");

        let name = pid.field(5);
        assert_eq!(name.component(1).text(), "PAT-TROIS");
        assert_eq!(name.component(2).text(), "DOMINIQUE");
        assert_eq!(name.component(3).text(), "DOMINIQUE");
        assert_eq!(name.component(7).text(), "L");
        assert_eq!(
            (pid.field(7).text(), pid.field(8).text()),
            ("19790328".into(), "F".into())
        );
        assert_eq!(pid.field(11).repetition(1).component(9).text(), "63220");
        assert_eq!(pid.field(18).component(5).text(), "AN");
        assert_eq!(pid.field(32).text(), "VALI");

        let pv1 = m.segment("PV1").expect("PV1");
        assert_eq!(pv1.field(2).text(), "I");
        assert_eq!(pv1.field(7).component(2).text(), "Réault");
        assert_eq!(pv1.field(19).component(1).text(), "000897406");
        assert_eq!(pv1.field(19).component(5).text(), "VN");

        let zbe = m.segment("ZBE").expect("ZBE");
        assert_eq!(zbe.field(1).component(1).text(), "312");
        assert_eq!(zbe.field(4).text(), "INSERT");
        assert_eq!(zbe.field(7).component(10).text(), "6268");
        assert_eq!(zbe.field(9).text(), "HMS");

        let zfa = m.segment("ZFA").expect("ZFA");
        assert_eq!(zfa.field(1).text(), "ACTIF");
        assert_eq!(zfa.field(2).text(), "20240306111154");
        assert!(zfa.field(4).is_empty());
        assert_eq!(zfa.field(10).text(), "20240306111154");
        assert_eq!(zfa.field(12).text(), "20240306111154");

        let zfd = m.segment("ZFD").expect("ZFD");
        assert_eq!(
            (zfd.field(5).text(), zfd.field(6).text()),
            ("INSI".into(), "20211201".into())
        );
    });
}

#[test]
fn zfa_consent_codes_of_the_three_variants() {
    let cases = [
        (
            "ConsentementConsultation_NonOppositionAlimentation.er7",
            "INO",
            "IC",
        ),
        (
            "NonConsentementConsultation_NonOppositionAlimentation.er7",
            "INO",
            "INC",
        ),
        (
            "NonConsentementConsultation_OppositionAlimentation.er7",
            "IO",
            "INC",
        ),
    ];
    for (file, feeding, consultation) in cases {
        with_message(&format!("pam-fr-consent/{file}"), |m| {
            let zfa = m.segment("ZFA").expect("ZFA");
            assert_eq!(zfa.field(9).text(), feeding, "{file}");
            assert_eq!(zfa.field(11).text(), consultation, "{file}");
        });
    }
}

#[test]
fn lps_mdm_document_is_read_without_copy() {
    with_message(LPS_B64, |m| {
        let kind = m.message_type();
        assert_eq!((kind.code.as_ref(), kind.trigger.as_ref()), ("MDM", "T02"));
        assert_eq!(m.control_id(), "015");
        assert_eq!(m.version(), "2.6");
        let profile = m.msh().field(21);
        assert_eq!(profile.component(1).text(), "1.1");
        assert_eq!(profile.component(2).text(), "CISIS_CDA_HL7_LPS");

        let obx: Vec<_> = m.segments("OBX").collect();
        assert_eq!(obx.len(), 6);
        let document = obx[0];
        assert_eq!(document.field(2).text(), "ED");
        assert_eq!(document.field(3).component(1).text(), "18748-4");
        let ed = document.field(5);
        assert_eq!(ed.component(2).text(), "text");
        assert_eq!(ed.component(3).text(), "XML");
        assert_eq!(ed.component(4).text(), "Base64");
        let data = ed.component(5).text();
        assert!(matches!(data, Cow::Borrowed(_)), "the payload is borrowed");
        assert!(data.len() > 300_000);
        let cda = decode_base64(&data).expect("base64 (unpadded) decodes");
        let head = String::from_utf8_lossy(&cda[..cda.len().min(2000)]).into_owned();
        assert!(
            head.contains("ClinicalDocument"),
            "{}",
            &head[..200.min(head.len())]
        );
        assert_eq!(document.field(11).text(), "F");

        // The mail: Message-ID/subject in OBX-3, body in OBX-5.
        let mail = obx[1];
        assert_eq!(mail.field(3).component(1).text(), "1");
        assert!(
            mail.field(3)
                .component(2)
                .text()
                .starts_with("XDM/1.0/DDM+")
        );
        let body = decode_base64(&mail.field(5).component(5).text()).expect("mail body");
        assert_eq!(body, b"Corps du courriel");

        // Flags: code in OBX-3.1, MetaDMPMSS in OBX-3.3, Y/N in OBX-5.1.
        let flags: Vec<(String, String)> = obx[2..]
            .iter()
            .map(|s| {
                assert_eq!(s.field(3).component(3).text(), "MetaDMPMSS");
                (
                    s.field(3).component(1).text().into_owned(),
                    s.field(5).component(1).text().into_owned(),
                )
            })
            .collect();
        assert_eq!(flags[0], ("MASQUE_PS".to_owned(), "N".to_owned()));
        assert_eq!(flags[1], ("INVISIBLE_PATIENT".to_owned(), "Y".to_owned()));

        let prt: Vec<_> = m.segments("PRT").collect();
        let roles: Vec<_> = prt.iter().map(|p| p.field(4).component(1).text()).collect();
        assert_eq!(roles, ["SB", "RCT", "REPLY"]);
        let address = prt[0].field(15);
        assert_eq!(address.component(3).text(), "X.400");
        assert!(address.component(4).text().ends_with(".mssante.fr"));
        assert_eq!(prt[1].field(8).component(7).text(), "UF");

        let txa = m.segment("TXA").expect("TXA");
        assert!(
            txa.field(12)
                .component(1)
                .text()
                .starts_with("1.2.250.1.71.4.2.2.")
        );
    });
}

#[test]
fn oru_carries_an_n3_cda_and_a_corrupt_mail_body() {
    with_message(ORU, |m| {
        let kind = m.message_type();
        assert_eq!(
            (kind.code.as_ref(), kind.structure.as_ref()),
            ("ORU", "ORU_R01")
        );
        assert_eq!(m.version(), "2.5");
        let obx: Vec<_> = m.segments("OBX").collect();
        assert_eq!(obx.len(), 12);
        assert_eq!(obx[0].field(5).component(2).text(), "TEXT");
        let cda = decode_base64(&obx[0].field(5).component(5).text()).expect("CDA");
        assert!(String::from_utf8_lossy(&cda[..500]).contains("<?xml"));
        assert_eq!(obx[11].field(3).component(1).text(), "CORPSMAIL_PS");
        assert!(decode_base64(&obx[11].field(5).component(5).text()).is_err());
        assert_eq!(m.segments("PRT").count(), 4);
    });
}

#[test]
fn replacement_names_the_replaced_document() {
    let path = "trans-doc-cda-v2.1/mdm-remplacement/message_MDM_CR_Radio_RPLC_N1.er7";
    with_message(path, |m| {
        assert_eq!(m.message_type().trigger, "T10");
        assert_eq!(m.segment("ORC").expect("ORC").field(1).text(), "RO");
        let txa = m.segment("TXA").expect("TXA");
        assert!(txa.field(12).text().ends_with(".71024000082"));
        assert!(txa.field(13).text().ends_with(".71024000081"));
        assert_eq!(m.segment("OBX").expect("OBX").field(11).text(), "C");
    });
}

#[test]
fn agency_acks_read_as_acks() {
    for (name, bytes) in all_fixtures() {
        if !name.contains("ack.") {
            continue;
        }
        let m = parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(m.message_type().code, "ACK", "{name}");
        let msa = m.segment("MSA").expect("MSA");
        assert_eq!(msa.field(1).text(), "AA", "{name}");
        assert_eq!(msa.field(2).text(), "015", "{name}");
    }
}
