//! Tests of the PFI message: each event built from the CI-SIS fixture documents and parsed back
//! with `crate::hl7::parse`; its structure (segment order, metadata OBX order, PRT `SB`
//! components, ORC-1/OBX-11/MSH-9) compared with the agency's example messages. The helpers
//! serve `pfi_message_rules_tests` too.

use base64::Engine as _;
use chrono::{FixedOffset, NaiveDate, TimeZone as _};

use super::*;
use crate::domain::{BirthTraits, IdentityStatus, Ins, Sex};
use crate::hl7::test_support::fixture;
use crate::hl7::{Message, parse};
use crate::testing::cda_fixture;

pub(super) const INITIAL: &str = "transmission_initiale_cr_imagerie.xml";
pub(super) const REPLACEMENT: &str = "remplacement_cr_imagerie.xml";
pub(super) const LAB: &str = "BIO-CR-BIO_2024.01_TSH_1.xml";

pub(super) fn patient(status: IdentityStatus) -> PatientIdentity {
    PatientIdentity {
        ipp: "IPP101".into(),
        ins: Some(Ins::parse("279035121518989", "1.2.250.1.213.1.4.10").expect("ins")),
        traits: BirthTraits {
            birth_name: "PAT-TROIS".into(),
            birth_first_names: "DOMINIQUE ANNE".into(),
            birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("date"),
            sex: Sex::Female,
            birthplace_insee: Some("63220".into()),
        },
        used_name: Some("MARTIN".into()),
        used_first_name: None,
        status,
    }
}

pub(super) fn author() -> ProfessionalInfo {
    ProfessionalInfo {
        national_id: "801234567866".into(),
        given_name: "Jean".into(),
        family_name: "DUPONT^|&".into(),
        title: None,
        specialty_code: "G15_10/SM44".into(),
        specialty_label: "Radiodiagnostic".into(),
    }
}

pub(super) fn settings() -> PfiSettings {
    PfiSettings {
        sending_application: "CHEVET".into(),
        sending_facility: "CHU-X".into(),
        receiving_application: "PFI".into(),
        receiving_facility: "CHU-X".into(),
        finess_geographique: "300017985".into(),
        structure_name: "Hôpital X".into(),
        lab_as_oru: true,
    }
}

pub(super) fn dmp_only() -> PfiFlags {
    PfiFlags {
        to_dmp: true,
        ..PfiFlags::default()
    }
}

pub(super) fn ps(address: &str) -> MssRecipient {
    MssRecipient {
        id: "801234567897".into(),
        family_name: "HODA".into(),
        given_name: "Adam".into(),
        address: address.into(),
        kind: RecipientKind::Professional,
    }
}

/// Builds `event` for the fixture `name` with `flags` and `recipients`.
pub(super) fn built(
    name: &str,
    event: PfiEvent,
    identity: &PatientIdentity,
    flags: PfiFlags,
    recipients: Vec<MssRecipient>,
) -> Result<(Vec<u8>, Vec<u8>), PfiMessageError> {
    built_from(cda_fixture(name), event, identity, flags, recipients)
}

/// [`built`] from the bytes of a CDA.
pub(super) fn built_from(
    cda: Vec<u8>,
    event: PfiEvent,
    identity: &PatientIdentity,
    flags: PfiFlags,
    recipients: Vec<MssRecipient>,
) -> Result<(Vec<u8>, Vec<u8>), PfiMessageError> {
    let parsed = crate::cda::parse(&cda).expect("cda");
    let author = author();
    let doc = PfiDocument {
        event,
        cda: &cda,
        parsed: &parsed,
        patient: identity,
        ipp: Some("IPP101"),
        ipp_authority_oid: "1.2.250.1.213.4.5.2.4",
        visit: Some(PfiVisit {
            visit_number: Some("000897406".into()),
            patient_class: "I".into(),
            admitted: NaiveDate::from_ymd_opt(2021, 1, 7).and_then(|d| d.and_hms_opt(8, 0, 0)),
            discharged: None,
            nda: Some("405660".into()),
        }),
        author: &author,
        flags,
        recipients,
        mail_body: None,
        replaced_document_id: None,
    };
    let now = FixedOffset::east_opt(3600)
        .expect("offset")
        .with_ymd_and_hms(2026, 3, 1, 10, 30, 0)
        .single()
        .expect("now");
    build(&doc, &settings(), "MSG-42", now).map(|m| (m, cda))
}

pub(super) fn names(m: &Message<'_>) -> Vec<String> {
    m.all_segments().map(|s| s.name().to_owned()).collect()
}

/// OBX-3.1 of every metadata OBX, in order.
pub(super) fn metadata_codes(m: &Message<'_>) -> Vec<String> {
    m.segments("OBX")
        .filter(|o| o.field(3).component(3).text() == "MetaDMPMSS")
        .filter(|o| o.field(2).text() != "ED")
        .map(|o| o.field(3).component(1).text().into_owned())
        .collect()
}

pub(super) fn prt(m: &Message<'_>, role: &str) -> Vec<String> {
    let seg = m
        .segments("PRT")
        .find(|p| p.field(4).component(1).text() == role)
        .expect("PRT");
    [
        seg.field(2).text(),
        seg.field(5).component(9).subcomponent(2).text(),
        seg.field(5).component(9).subcomponent(3).text(),
        seg.field(5).component(13).text(),
        seg.field(8).component(6).subcomponent(2).text(),
        seg.field(8).component(7).text(),
    ]
    .into_iter()
    .map(|s| s.trim().to_owned())
    .collect()
}

#[test]
fn an_initial_mdm_has_the_agency_structure_and_our_values() {
    let identity = patient(IdentityStatus::Qualifiee);
    let flags = PfiFlags {
        to_mss_ps: true,
        invisible_patient: true,
        ..dmp_only()
    };
    let (bytes, cda) = built(
        INITIAL,
        PfiEvent::New,
        &identity,
        flags,
        vec![ps("a@x.mssante.fr")],
    )
    .expect("built");
    assert!(!bytes.contains(&b'\n'));
    let m = parse(&bytes).expect("parse");
    let sample = fixture("trans-doc-cda-v2.1/mdm-initiale/message_MDM_CR_Radio_INIT_N1.er7");
    let sample = parse(&sample).expect("fixture");
    let mut expected = names(&sample);
    expected.pop(); // CORPSMAIL_PS: optional, not sent
    assert_eq!(names(&m), expected);
    let mut sample_meta = metadata_codes(&sample);
    sample_meta.retain(|c| c != "CORPSMAIL_PS");
    assert_eq!(metadata_codes(&m), sample_meta);
    assert_eq!(prt(&m, "SB"), prt(&sample, "SB"));
    assert_eq!(prt(&m, "RCT"), prt(&sample, "RCT"));
    for n in [9, 12, 17, 18, 21] {
        assert_eq!(
            m.msh().field(n).raw(),
            sample.msh().field(n).raw(),
            "MSH-{n}"
        );
    }
    assert_eq!(m.control_id(), "MSG-42");
    let pid = m.segment("PID").expect("PID");
    let ids: Vec<_> = pid
        .field(3)
        .repetitions()
        .map(|r| r.raw().to_owned())
        .collect();
    assert_eq!(
        ids,
        [
            "IPP101^^^CHU-X&1.2.250.1.213.4.5.2.4&ISO^PI",
            "279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS"
        ]
    );
    assert_eq!(
        pid.field(5).raw(),
        "PAT-TROIS^DOMINIQUE^DOMINIQUE ANNE^^^^L~MARTIN^DOMINIQUE^^^^^D"
    );
    assert_eq!((pid.field(7).raw(), pid.field(8).raw()), ("19790328", "F"));
    assert_eq!(pid.field(18).raw(), "405660^^^CHU-X&300017985&M^AN");
    assert_eq!(pid.field(32).raw(), "QUAL");
    let pv1 = m.segment("PV1").expect("PV1");
    assert_eq!(pv1.field(2).raw(), "I");
    assert_eq!(pv1.field(19).component(1).text(), "000897406");
    assert_eq!(pv1.field(44).raw(), "20210107080000");
    assert_eq!(m.segment("ORC").expect("ORC").field(1).raw(), "NW");
    assert_eq!(
        m.segment("OBR").expect("OBR").field(4).raw(),
        "18748-4^CR d'imagerie médicale^LN"
    );
    let txa = m.segment("TXA").expect("TXA");
    for n in [1, 2, 3, 17] {
        assert_eq!(
            txa.field(n).raw(),
            sample.segment("TXA").expect("TXA").field(n).raw()
        );
    }
    assert_eq!(txa.field(12).raw(), "1.2.250.1.213.4.5.4.402");
    assert!(txa.field(13).is_empty());
    let obx = m.segment("OBX").expect("OBX");
    assert_eq!((obx.field(2).raw(), obx.field(11).raw()), ("ED", "F"));
    let value = obx.field(5);
    let shape: Vec<_> = (2..=4)
        .map(|n| value.component(n).text().into_owned())
        .collect();
    assert_eq!(shape, ["text", "XML", "Base64"]);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(value.component(5).text().as_bytes())
        .expect("base64");
    assert_eq!(decoded, cda);
    let sb = m.segments("PRT").next().expect("SB");
    assert_eq!(sb.field(5).component(2).text(), "DUPONT^|&");
    assert_eq!(sb.field(8).component(10).text(), "300017985");
    let meta: Vec<_> = m
        .segments("OBX")
        .skip(1)
        .map(|o| (o.field(1).raw().to_owned(), o.field(5).raw().to_owned()))
        .collect();
    assert_eq!(
        meta[0],
        ("2".to_owned(), "N^^expandedYes-NoIndicator".to_owned())
    );
    assert_eq!(meta[1].1, "Y^^expandedYes-NoIndicator");
    assert_eq!(meta[5].1, "Y^^expandedYes-NoIndicator");
}

#[test]
fn replacement_and_deletion_follow_the_agency_examples() {
    let identity = patient(IdentityStatus::Qualifiee);
    let cases = [
        (
            PfiEvent::Replace,
            "trans-doc-cda-v2.1/mdm-remplacement/message_MDM_CR_Radio_RPLC_N1.er7",
        ),
        (
            PfiEvent::Delete,
            "trans-doc-cda-v2.1/mdm-suppression/message_MDM_CR_Radio_DEL_N1.er7",
        ),
    ];
    for (event, path) in cases {
        let (bytes, _) = built(REPLACEMENT, event, &identity, dmp_only(), vec![]).expect("built");
        let m = parse(&bytes).expect("parse");
        let sample = parse(&fixture(path)).expect("fixture").into_owned();
        let field = |m: &Message<'_>, seg: &str, n: usize| {
            m.segment(seg).expect("segment").field(n).raw().to_owned()
        };
        assert_eq!(m.msh().field(9).raw(), sample.msh().field(9).raw());
        assert_eq!(field(&m, "ORC", 1), field(&sample, "ORC", 1));
        assert_eq!(field(&m, "OBX", 11), field(&sample, "OBX", 11));
        assert_eq!(field(&m, "TXA", 12), "1.2.250.1.213.4.5.4.403");
        assert_eq!(field(&m, "TXA", 13), "1.2.250.1.213.4.5.4.402");
        assert!(
            m.segment("OBX")
                .expect("OBX")
                .field(5)
                .component(5)
                .raw()
                .len()
                > 100
        );
        assert_eq!(metadata_codes(&m).len(), 10);
    }
    let error = built(INITIAL, PfiEvent::Replace, &identity, dmp_only(), vec![]);
    assert_eq!(error.err(), Some(PfiMessageError::MissingReplacedId));
}

#[test]
fn a_lab_report_goes_as_an_oru_when_asked() {
    let identity = patient(IdentityStatus::Qualifiee);
    let (bytes, _) = built(LAB, PfiEvent::New, &identity, dmp_only(), vec![]).expect("built");
    let m = parse(&bytes).expect("parse");
    let sample = fixture("trans-doc-cda-v2.1/oru-initiale/message_ORU_CR_Bio_INIT_N3_SEGUR.hl7");
    let sample = parse(&sample).expect("fixture");
    let mut expected = names(&sample);
    expected.retain(|n| n != "PRT");
    expected.pop(); // CORPSMAIL_PS
    let mut ours = names(&m);
    ours.retain(|n| n != "PRT");
    assert_eq!(ours, expected);
    for n in [9, 12, 21] {
        assert_eq!(
            m.msh().field(n).raw(),
            sample.msh().field(n).raw(),
            "MSH-{n}"
        );
    }
    let obx: Vec<_> = m.segments("OBX").collect();
    assert_eq!(obx[0].field(5).component(2).text(), "TEXT");
    assert!(obx[1..].iter().all(|o| o.field(2).raw() == "CE"));
    assert_eq!(prt(&m, "SB"), prt(&sample, "SB"));

    let mut mdm_settings = settings();
    mdm_settings.lab_as_oru = false;
    let cda = cda_fixture(LAB);
    let parsed = crate::cda::parse(&cda).expect("cda");
    let author = author();
    let doc = PfiDocument {
        event: PfiEvent::New,
        cda: &cda,
        parsed: &parsed,
        patient: &identity,
        ipp: None,
        ipp_authority_oid: "",
        visit: None,
        author: &author,
        flags: dmp_only(),
        recipients: vec![],
        mail_body: None,
        replaced_document_id: None,
    };
    assert!(!is_oru(&doc, &mdm_settings));
    let now = chrono::Utc::now().fixed_offset();
    let bytes = build(&doc, &mdm_settings, "1", now).expect("mdm");
    let m = parse(&bytes).expect("parse");
    assert_eq!(m.msh().field(9).raw(), "MDM^T02^MDM_T02");
    assert_eq!(m.segment("PV1").expect("PV1").field(2).raw(), "N");
    assert_eq!(
        m.segment("PID")
            .expect("PID")
            .field(3)
            .repetitions()
            .count(),
        1
    );
}
