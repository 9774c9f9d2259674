//! Tests of the rules of the PFI message: the MSSanté combinations of the volet, the patient
//! recipient and its INS, what the PFI would refuse, the DMP's document ids.

use super::tests::{INITIAL, built, built_from, dmp_only, names, patient, ps};
use super::*;
use crate::domain::{IdentityStatus, Ins};
use crate::hl7::parse;
use crate::testing::cda_fixture;

#[test]
fn only_the_volets_mssante_combinations_pass() {
    let base = PfiFlags::default();
    let both = PfiFlags {
        to_mss_ps: true,
        to_mss_patient: true,
        to_dmp: true,
        ..base
    };
    let ps_only = PfiFlags {
        to_mss_ps: true,
        invisible_patient: true,
        ..base
    };
    let patient_only = PfiFlags {
        to_mss_patient: true,
        masked_ps: true,
        ..base
    };
    for ok in [base, dmp_only(), both, ps_only, patient_only] {
        assert_eq!(check_flags(&ok), Ok(()), "{ok:?}");
    }
    let refused = [
        PfiFlags {
            masked_ps: true,
            ..both
        },
        PfiFlags {
            secret_connection: true,
            ..both
        },
        PfiFlags {
            invisible_patient: false,
            ..ps_only
        },
        PfiFlags {
            invisible_legal_reps: true,
            ..ps_only
        },
        PfiFlags {
            to_dmp: true,
            ..patient_only
        },
        PfiFlags {
            invisible_patient: true,
            ..patient_only
        },
    ];
    for bad in refused {
        let error = check_flags(&bad).expect_err("refused");
        assert!(matches!(error, PfiMessageError::FlagsNotAllowed(_)));
        assert!(
            error
                .to_string()
                .contains("combinaison de destinataires MSSanté non permise")
        );
        assert!(!error.is_retryable());
    }
    let identity = patient(IdentityStatus::Qualifiee);
    let flags = PfiFlags {
        to_mss_ps: true,
        ..dmp_only()
    };
    let error = built(INITIAL, PfiEvent::New, &identity, flags, vec![ps("a@x.fr")]);
    assert!(matches!(error, Err(PfiMessageError::FlagsNotAllowed(_))));
}

#[test]
fn the_patient_recipient_needs_the_qualified_ins_and_may_be_told_not_to_reply() {
    let identity = patient(IdentityStatus::Qualifiee);
    let me = MssRecipient {
        id: "279035121518989".into(),
        family_name: "PAT-TROIS".into(),
        given_name: "DOMINIQUE".into(),
        address: "279035121518989@patient.mssante.fr".into(),
        kind: RecipientKind::Patient,
    };
    let flags = PfiFlags {
        to_mss_ps: true,
        to_mss_patient: true,
        patient_may_not_reply: true,
        ..dmp_only()
    };
    let recipients = vec![ps("a@x.mssante.fr"), me.clone()];
    let (bytes, _) =
        built(INITIAL, PfiEvent::New, &identity, flags, recipients.clone()).expect("built");
    let m = parse(&bytes).expect("parse");
    let order = names(&m);
    let nte = order.iter().position(|n| n == "NTE").expect("NTE");
    let before = m.segment_at(nte - 1).expect("OBX");
    assert_eq!(before.field(3).component(1).text(), "DESTMSSANTEPAT");
    assert_eq!(m.segment_at(nte).expect("NTE").field(4).raw(), "FIN");
    let rct = m.segments("PRT").nth(2).expect("patient PRT");
    assert_eq!(
        rct.field(5).component(9).subcomponent(2).text(),
        "1.2.250.1.213.1.4.10"
    );
    assert_eq!(rct.field(5).component(13).text(), "INS");
    assert_eq!(rct.field(15).component(4).text(), me.address);

    let validated = patient(IdentityStatus::Validee);
    let no_dmp = PfiFlags {
        to_dmp: false,
        ..flags
    };
    let error = built(INITIAL, PfiEvent::New, &validated, no_dmp, recipients);
    assert_eq!(
        error.err(),
        Some(PfiMessageError::PatientWithoutQualifiedIns)
    );
    let other = MssRecipient {
        id: "184057645108931".into(),
        ..me
    };
    let error = built(
        INITIAL,
        PfiEvent::New,
        &identity,
        flags,
        vec![ps("a@x.fr"), other],
    );
    assert_eq!(error.err(), Some(PfiMessageError::PatientRecipientMismatch));
}

#[test]
fn what_the_pfi_would_refuse_is_refused_here() {
    let identity = patient(IdentityStatus::Qualifiee);
    let none = PfiFlags::default();
    let cases = [
        (none, vec![], PfiMessageError::NoDestination),
        (
            PfiFlags {
                to_mss_ps: true,
                invisible_patient: true,
                ..none
            },
            vec![],
            PfiMessageError::RecipientMissing("professionnel"),
        ),
        (
            dmp_only(),
            vec![ps("a@x.fr")],
            PfiMessageError::UnexpectedRecipient("professionnel"),
        ),
        (
            PfiFlags {
                to_mss_ps: true,
                invisible_patient: true,
                ..none
            },
            vec![ps(" ")],
            PfiMessageError::RecipientIncomplete,
        ),
    ];
    for (flags, recipients, expected) in cases {
        let error = built(INITIAL, PfiEvent::New, &identity, flags, recipients);
        assert_eq!(error.err(), Some(expected));
    }
    let mut other = patient(IdentityStatus::Qualifiee);
    other.ins = Some(Ins::parse("184057645108931", "1.2.250.1.213.1.4.10").expect("ins"));
    let error = built(INITIAL, PfiEvent::New, &other, dmp_only(), vec![]);
    assert_eq!(error.err(), Some(PfiMessageError::InsMismatch));
    let mut no_ins = patient(IdentityStatus::Validee);
    no_ins.ins = None;
    let error = built(INITIAL, PfiEvent::New, &no_ins, dmp_only(), vec![]);
    assert_eq!(error.err(), Some(PfiMessageError::InsMismatch));
    for e in [
        PfiMessageError::InsMismatch,
        PfiMessageError::NoQualifiedIns,
        PfiMessageError::MissingVisitNumber,
        PfiMessageError::MissingSetting("MSH-3"),
    ] {
        assert!(!e.is_retryable());
        assert!(!e.to_string().contains("PAT-TROIS"));
    }
}

#[test]
fn the_dmp_takes_a_full_oid_only() {
    assert_eq!(
        document_id_for_dmp("1.2.250.1.213.4.5.4.402", None).as_deref(),
        Ok("1.2.250.1.213.4.5.4.402")
    );
    assert_eq!(
        document_id_for_dmp("1.2.250.1.213.4.5.4.402", Some("")).as_deref(),
        Ok("1.2.250.1.213.4.5.4.402")
    );
    assert_eq!(
        document_id_for_dmp("1.2.250.2345.3245.13", Some("58132")),
        Err(PfiMessageError::DocumentIdWithExtension)
    );
    for bad in ["", "abc", "1.02.3", "3.1", "1..2", "1"] {
        assert_eq!(
            document_id_for_dmp(bad, None),
            Err(PfiMessageError::DocumentIdNotOid),
            "{bad}"
        );
    }
    assert!(
        PfiMessageError::DocumentIdWithExtension
            .to_string()
            .contains("OID^extension n'est pas supporté par le DMP")
    );
}

#[test]
fn an_id_with_an_extension_goes_to_mssante_but_not_to_the_dmp() {
    let text = String::from_utf8(cda_fixture(INITIAL)).expect("utf-8");
    let with_extension = text.replacen(
        r#"<id root="1.2.250.1.213.4.5.4.402"/>"#,
        r#"<id root="1.2.250.1.213.4.5.4" extension="402"/>"#,
        1,
    );
    assert_ne!(text, with_extension);
    let identity = patient(IdentityStatus::Qualifiee);
    let cda = with_extension.into_bytes();
    let error = built_from(cda.clone(), PfiEvent::New, &identity, dmp_only(), vec![]);
    assert_eq!(error.err(), Some(PfiMessageError::DocumentIdWithExtension));
    let flags = PfiFlags {
        to_mss_ps: true,
        invisible_patient: true,
        ..PfiFlags::default()
    };
    let (bytes, _) =
        built_from(cda, PfiEvent::New, &identity, flags, vec![ps("a@x.fr")]).expect("built");
    let m = parse(&bytes).expect("parse");
    let txa = m.segment("TXA").expect("TXA");
    assert_eq!(txa.field(12).raw(), "402^^1.2.250.1.213.4.5.4^ISO");
}
