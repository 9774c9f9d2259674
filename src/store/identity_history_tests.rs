//! The identity history on both backends: lines read back as written, newest first; edits
//! and deletions refused; a merge moves the lines to the folder kept.

use chrono::NaiveDate;

use super::*;
use crate::domain::ins::OID_INS_NIR_TEST;
use crate::domain::{BirthTraits, PatientIdentity, Sex};
use crate::store::patients;
use crate::store::testing::each_backend;

fn patient(store: &Store, ipp: &str) -> PatientId {
    patients::insert(
        store,
        &PatientIdentity {
            ipp: ipp.into(),
            ins: None,
            traits: BirthTraits {
                birth_name: "ADRUN".into(),
                birth_first_names: "ZOE".into(),
                birth_date: NaiveDate::from_ymd_opt(1975, 12, 31).expect("date"),
                sex: Sex::Female,
                birthplace_insee: Some("63220".into()),
            },
            used_name: None,
            used_first_name: None,
            status: IdentityStatus::Provisoire,
        },
    )
    .expect("patient")
}

#[test]
fn issue17_lines_come_back_newest_first_with_who_what_and_why() {
    each_backend(|store| {
        let p = patient(&store, "H1");
        let ins = Ins::parse("275126322000146", OID_INS_NIR_TEST).expect("ins");
        let mut accepted = NewEntry::new(
            p,
            "medecin",
            HistoryEvent::InsAccepted,
            IdentityStatus::Provisoire,
            IdentityStatus::Recuperee,
        );
        accepted.insi = Some(("00", 2));
        accepted.ins = Some(&ins);
        accepted.detail = "first-names:case".into();
        record(&store, &accepted).expect("accepted");
        let mut checked = NewEntry::new(
            p,
            "secretaire",
            HistoryEvent::DocumentChecked,
            IdentityStatus::Recuperee,
            IdentityStatus::Qualifiee,
        );
        checked.document = Some(IdentityDocument::Passeport);
        record(&store, &checked).expect("checked");
        let mut doubt = NewEntry::new(
            p,
            "infirmier",
            HistoryEvent::Doubt,
            IdentityStatus::Qualifiee,
            IdentityStatus::Provisoire,
        );
        doubt.reason = Some(DoubtReason::SuspectedFraud);
        record(&store, &doubt).expect("doubt");

        let lines = for_patient(&store, p, 10).expect("history");
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].event, HistoryEvent::Doubt);
        assert_eq!(lines[0].reason, Some(DoubtReason::SuspectedFraud));
        assert_eq!(lines[0].actor, "infirmier");
        assert_eq!(lines[1].document, Some(IdentityDocument::Passeport));
        assert_eq!(
            (lines[1].from, lines[1].to),
            (IdentityStatus::Recuperee, IdentityStatus::Qualifiee)
        );
        let first = &lines[2];
        assert_eq!(first.event, HistoryEvent::InsAccepted);
        assert_eq!(first.insi_result.as_deref(), Some("00"));
        assert_eq!(first.insi_calls, Some(2));
        assert_eq!(first.ins.as_ref(), Some(&ins));
        assert_eq!(first.detail, "first-names:case");
        assert!(!first.at.is_empty());
        assert_eq!(for_patient(&store, p, 1).expect("limit").len(), 1);
        assert!(!format!("{first:?}").contains("275126322000146"));
    });
}

#[test]
fn issue17_the_history_is_append_only_but_a_merge_moves_it() {
    each_backend(|store| {
        let old = patient(&store, "OLD");
        let kept = patient(&store, "KEPT");
        let id = record(
            &store,
            &NewEntry::new(
                old,
                "gam:GAM",
                HistoryEvent::Gam,
                IdentityStatus::Validee,
                IdentityStatus::Provisoire,
            ),
        )
        .expect("line");
        assert!(
            store
                .execute(
                    "UPDATE identity_history SET to_status = 'QUAL' WHERE id = ?1",
                    params![id],
                )
                .is_err(),
            "a line cannot be rewritten"
        );
        assert!(
            store
                .execute("DELETE FROM identity_history WHERE id = ?1", params![id])
                .is_err(),
            "a line cannot be deleted"
        );
        // The folder removed by a merge cannot go while its history points to it…
        assert!(patients::remove_merged(&store, old).is_err());
        // …its lines move to the folder kept, then it can.
        assert_eq!(move_all(&store, old, kept).expect("moved"), 1);
        patients::remove_merged(&store, old).expect("removed");
        let lines = for_patient(&store, kept, 10).expect("history");
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].to, IdentityStatus::Provisoire);
    });
}
