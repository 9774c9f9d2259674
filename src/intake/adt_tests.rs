//! Identity vigilance in what the GAM sends, on both backends: an identity whose INS came
//! from INSi keeps its INSi traits against the GAM's spelling, but a strict trait changed or a
//! lower status sent is applied as a downgrade (the INS kept, no longer usable), traced in the
//! history, with an alert in the vigilance list.

use super::super::test_support::{INS, INS_OID, qualified_patient, send};
use crate::domain::IdentityStatus;
use crate::hl7::AckCode;
use crate::store::identity_alerts::{self, AlertKind};
use crate::store::identity_history::{self, HistoryEvent};
use crate::store::patients;
use crate::store::testing::each_backend;

/// An A31 for IPP-Q with PID-3 (extra identifiers), PID-5, PID-7, PID-8 and PID-32.
fn a31(control: &str, ids: &str, name: &str, birth: &str, sex: &str, status: &str) -> Vec<u8> {
    let mut pid = vec![String::new(); 33];
    pid[0] = "PID".into();
    pid[3] = format!("IPP-Q^^^CHU^PI{ids}");
    pid[5] = name.into();
    pid[7] = birth.into();
    pid[8] = sex.into();
    pid[32] = status.into();
    format!(
        "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^A31|{control}|P|2.5\r{}\r",
        pid.join("|")
    )
    .into_bytes()
}

fn with_ins() -> String {
    format!("~{INS}^^^X&{INS_OID}&ISO^INS")
}

#[test]
fn issue17_the_gam_spelling_or_silence_keeps_a_qualified_identity() {
    each_backend(|mut store| {
        let p = qualified_patient(&store);
        let before = patients::get(&store, p).expect("p");
        // Another spelling, no INS, no status: nothing of the identity changes.
        let raw = a31("S1", "", "Pat-Trois^Dominique^^^^^L", "19790328", "F", "");
        assert_eq!(send(&mut store, &raw).0, AckCode::Accept);
        assert_eq!(patients::get(&store, p).expect("p"), before);
        assert_eq!(identity_alerts::open_count(&store).expect("n"), 0);
        assert!(
            identity_history::for_patient(&store, p, 5)
                .expect("h")
                .is_empty()
        );
    });
}

#[test]
fn issue17_a_strict_trait_changed_by_the_gam_downgrades_and_raises_an_alert() {
    each_backend(|mut store| {
        let p = qualified_patient(&store);
        let raw = a31(
            "T1",
            &with_ins(),
            "PAT-TROIS^DOMINIQUE^^^^^L",
            "19790329",
            "F",
            "QUAL",
        );
        assert_eq!(send(&mut store, &raw).0, AckCode::Accept);
        let now = patients::get(&store, p).expect("p").identity;
        assert_eq!(now.status, IdentityStatus::Provisoire);
        assert_eq!(now.traits.birth_date.to_string(), "1979-03-29");
        assert!(now.ins.is_some(), "the INS is kept…");
        assert!(!now.status.ins_usable(), "…but not usable");
        let alerts = identity_alerts::open(&store, 10).expect("alerts");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].kind, AlertKind::TraitsChangedByGam);
        assert_eq!(alerts[0].patient, Some(p));
        let line = &identity_history::for_patient(&store, p, 5).expect("h")[0];
        assert_eq!(line.event, HistoryEvent::Gam);
        assert_eq!(line.actor, "gam:GAM");
        assert_eq!(
            (line.from, line.to),
            (IdentityStatus::Qualifiee, IdentityStatus::Provisoire)
        );
        assert_eq!(line.detail, "traits:birth-date");
    });
}

#[test]
fn issue17_a_lower_status_from_the_gam_is_applied_with_an_alert() {
    each_backend(|mut store| {
        let p = qualified_patient(&store);
        let raw = a31(
            "L1",
            "",
            "PAT-TROIS^DOMINIQUE^^^^^L",
            "19790328",
            "F",
            "VALI",
        );
        assert_eq!(send(&mut store, &raw).0, AckCode::Accept);
        let now = patients::get(&store, p).expect("p").identity;
        assert_eq!(now.status, IdentityStatus::Validee);
        assert!(now.ins.is_some() && !now.status.ins_usable());
        let alerts = identity_alerts::open(&store, 10).expect("alerts");
        assert_eq!(alerts[0].kind, AlertKind::StatusLoweredByGam);
        let line = &identity_history::for_patient(&store, p, 5).expect("h")[0];
        assert_eq!(line.detail, "status:VALI");
        assert_eq!(line.to, IdentityStatus::Validee);
        // The same message again changes nothing more and raises nothing more.
        let again = a31(
            "L2",
            "",
            "PAT-TROIS^DOMINIQUE^^^^^L",
            "19790328",
            "F",
            "VALI",
        );
        assert_eq!(send(&mut store, &again).0, AckCode::Accept);
        assert_eq!(identity_alerts::open_count(&store).expect("n"), 1);
        assert!(patients::get(&store, p).expect("p").identity.ins.is_some());
    });
}
