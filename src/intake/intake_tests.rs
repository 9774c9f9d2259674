//! Intake of the GAM's messages (IHE PAM-FR) on both backends: patients, stays, movements, the
//! ZFA consent and identity vigilance, read back from the store.

use super::test_support::*;
use crate::hl7::AckCode;
use crate::store::testing::each_backend;
use crate::store::{Store, consent, identity_alerts, patients, stays};

#[test]
fn issue14_the_gam_admits_a_patient_and_records_the_consent_from_zfa() {
    each_backend(|mut store| {
        let dir = fixtures().join("hl7v2/pam-fr-consent");
        let first =
            std::fs::read(dir.join("ConsentementConsultation_NonOppositionAlimentation.er7"))
                .expect("fixture");
        assert_eq!(send(&mut store, &first).0, AckCode::Accept);
        let patient = patients::by_ipp(&store, "000003")
            .expect("read")
            .expect("created");
        assert_eq!(patient.identity.traits.birth_name, "PAT-TROIS");
        assert!(patient.identity.ins.is_some(), "the INS of PID-3 kept");
        let stay = stays::by_visit(&store, "000897406")
            .expect("read")
            .expect("stay");
        assert_eq!(stay.patient, patient.id);
        let now = consent::current(&store, stay.episode)
            .expect("read")
            .expect("recorded");
        assert_eq!(now.recorded_by, "gam:GAM");
        assert!(!now.opposes_feeding && !now.opposes_consultation);
        assert_eq!(
            stays::movement_count(&store, stay.episode).expect("count"),
            1
        );

        // The two other stays of the same patient, with other answers.
        for (file, visit, feeding, consultation) in [
            (
                "NonConsentementConsultation_NonOppositionAlimentation.er7",
                "000197406",
                false,
                true,
            ),
            (
                "NonConsentementConsultation_OppositionAlimentation.er7",
                "000297406",
                true,
                true,
            ),
        ] {
            let raw = std::fs::read(dir.join(file)).expect("fixture");
            assert_eq!(send(&mut store, &raw).0, AckCode::Accept, "{file}");
            let stay = stays::by_visit(&store, visit).expect("read").expect("stay");
            let now = consent::current(&store, stay.episode)
                .expect("read")
                .expect("recorded");
            assert_eq!(
                (now.opposes_feeding, now.opposes_consultation),
                (feeding, consultation),
                "{file}"
            );
        }
        assert_eq!(
            patients::count(&store).expect("count"),
            1,
            "one patient, three stays"
        );
    });
}

#[test]
fn issue14_a_discharge_ends_the_stay_and_a_cancelled_discharge_reopens_it() {
    each_backend(|mut store| {
        let adt = |trigger: &str, control: &str| {
            format!(
                "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^{trigger}|{control}|P|2.5\r\
                 EVN||20260102100000||||20260102100000\r\
                 PID|||77^^^CHU&1&N^PI||DUPONT^JEAN^JEAN^^^^L||19600101|M\r\
                 PV1|1|I|CARDIO^^^CHU&000897406&M||||||||||||||||V77\r"
            )
            .into_bytes()
        };
        assert_eq!(send(&mut store, &adt("A01", "1")).0, AckCode::Accept);
        assert_eq!(send(&mut store, &adt("A03", "2")).0, AckCode::Accept);
        let stay = stays::by_visit(&store, "V77").expect("read").expect("stay");
        assert_eq!(stay.state, stays::StayState::Ended);
        assert!(stay.end.is_some());
        assert_eq!(send(&mut store, &adt("A13", "3")).0, AckCode::Accept);
        let stay = stays::by_visit(&store, "V77").expect("read").expect("stay");
        assert_eq!((stay.state, stay.end), (stays::StayState::InProgress, None));
        assert_eq!(send(&mut store, &adt("A11", "4")).0, AckCode::Accept);
        let stay = stays::by_visit(&store, "V77").expect("read").expect("stay");
        assert_eq!(stay.state, stays::StayState::Cancelled);
    });
}

#[test]
fn issue14_an_ins_on_another_patient_and_a_merge_with_documents_go_to_identity_vigilance() {
    each_backend(|mut store| {
        let holder = qualified_patient(&store);
        let adt = format!(
            "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^A28|A1|P|2.5\r\
             PID|||NEW1^^^CHU^PI~{INS}^^^X&{INS_OID}&ISO^INS||PAT-TROIS^DOMINIQUE||19790328|F\r"
        );
        assert_eq!(send(&mut store, adt.as_bytes()).0, AckCode::Accept);
        let created = patients::by_ipp(&store, "NEW1")
            .expect("read")
            .expect("created");
        assert!(
            created.identity.ins.is_none(),
            "the INS stays with its holder"
        );
        let alerts = identity_alerts::open(&store, 10).expect("alerts");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].other, Some(holder));

        // A document in the holder's folder, then a merge of the holder into NEW1: refused.
        assert_eq!(
            send(
                &mut store,
                &mdm("T02", "D1", PID_OK, &cda(1), (V1, ""), SENDER)
            )
            .0,
            AckCode::Accept
        );
        let merge = "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^A40|A2|P|2.5\r\
                     PID|||NEW1^^^CHU^PI||PAT-TROIS^DOMINIQUE||19790328|F\rMRG|IPP-Q^^^CHU^PI\r";
        assert_eq!(send(&mut store, merge.as_bytes()).0, AckCode::Accept);
        assert!(
            patients::by_ipp(&store, "IPP-Q").expect("read").is_some(),
            "nothing merged"
        );
        assert_eq!(identity_alerts::open_count(&store).expect("count"), 2);
    });
}

#[test]
fn issue14_a_transfer_and_its_cancellation_move_the_stay_between_units() {
    each_backend(|mut store| {
        let pv1 = |unit: &str| {
            let mut f = vec![String::new(); 20];
            f[0] = "PV1".into();
            f[1] = "1".into();
            f[2] = "I".into();
            f[3] = format!("{unit}^^^CHU&000897406&M");
            f[19] = "V9".into();
            f.join("|")
        };
        let adt = |trigger: &str, control: &str, unit: &str, zbe: &str| {
            format!(
                "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^{trigger}|{control}|P|2.5\r\
                 EVN||20260102100000\rPID|||9^^^CHU&1&N^PI||MARTIN^PAUL||19700101|M\r{}\r{zbe}\r",
                pv1(unit)
            )
            .into_bytes()
        };
        let zbe = |id: &str, action: &str, unit: &str| {
            format!("ZBE|{id}^CHU|20260102100000||{action}|N||{unit}^^^^^CHU&1&N^UF^^^{unit}||HMS")
        };
        assert_eq!(
            send(
                &mut store,
                &adt("A01", "1", "CARDIO", &zbe("M1", "INSERT", "CARDIO"))
            )
            .0,
            AckCode::Accept
        );
        assert_eq!(
            send(
                &mut store,
                &adt("A02", "2", "NEPHRO", &zbe("M2", "INSERT", "NEPHRO"))
            )
            .0,
            AckCode::Accept
        );
        let stay = stays::by_visit(&store, "V9").expect("read").expect("stay");
        let unit = |store: &Store| {
            crate::store::episodes::for_patient(store, stay.patient).expect("episodes")[0]
                .unit
                .clone()
        };
        assert_eq!(unit(&store), "NEPHRO");
        assert_eq!(
            stays::movement_count(&store, stay.episode).expect("count"),
            2
        );
        // A12: the transfer is cancelled, the stay is back where it was.
        let cancel = adt(
            "A12",
            "3",
            "NEPHRO",
            &zbe("M2", "CANCEL", "NEPHRO").replace("||HMS", "|A02|HMS"),
        );
        assert_eq!(send(&mut store, &cancel).0, AckCode::Accept);
        assert_eq!(unit(&store), "CARDIO");
        assert_eq!(
            stays::movement_count(&store, stay.episode).expect("count"),
            1
        );
        // A08 changes a trait: the identity follows the GAM (not qualified here).
        let update = String::from_utf8(adt("A08", "4", "CARDIO", ""))
            .expect("text")
            .replace("MARTIN^PAUL", "MARTIN^PAUL-HENRI")
            .into_bytes();
        assert_eq!(send(&mut store, &update).0, AckCode::Accept);
        let p = patients::by_ipp(&store, "9")
            .expect("read")
            .expect("patient");
        assert_eq!(p.identity.traits.birth_first_names, "PAUL-HENRI");
    });
}
