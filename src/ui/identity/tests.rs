//! The identity panel's states: a search asks the workers and shows a spinner, its answer a
//! comparison or a note; a decision waits for its answer, which ends the comparison; failures
//! show where they belong; only this patient's alerts are kept.

use chrono::NaiveDate;

use super::*;
use crate::domain::ins::OID_INS_NIR_TEST;
use crate::domain::{BirthTraits, Ins, Sex};
use crate::store::identity_alerts::AlertKind;
use crate::worker::ReturnedIdentity;

fn comparison() -> Box<InsComparison> {
    let traits = BirthTraits {
        birth_name: "ADRUN".into(),
        birth_first_names: "ZOE".into(),
        birth_date: NaiveDate::from_ymd_opt(1975, 12, 31).expect("date"),
        sex: Sex::Female,
        birthplace_insee: Some("63220".into()),
    };
    Box::new(InsComparison::new(
        ReturnedIdentity {
            ins: Ins::parse("275126322000146", OID_INS_NIR_TEST).expect("ins"),
            earlier_ins: 0,
            traits: traits.clone(),
        },
        traits,
        1,
    ))
}

#[test]
fn issue17_a_search_opens_the_panel_and_its_answer_ends_the_spinner() {
    let patient = PatientId(7);
    let mut panel = IdentityPanel::default();
    let requests = panel.search(patient);
    assert!(matches!(requests[0], Request::SearchIns { patient: p } if p == patient));
    assert!(
        requests
            .iter()
            .any(|r| matches!(r, Request::IdentityHistory { .. }))
    );
    assert!(panel.is_open() && panel.is_searching());
    panel.on_ins_searched(InsSearchOutcome::Found(comparison()));
    assert!(!panel.is_searching());
    assert!(panel.comparison.as_ref().is_some_and(|c| c.acceptable()));
    // A decision: the comparison goes when its answer comes back with a notice.
    panel.deciding();
    panel.on_updated(Vec::new(), Some("identity-now-recuperee"));
    assert!(panel.comparison.is_none() && !panel.deciding);
    assert_eq!(panel.notice, Some("identity-now-recuperee"));
    // A second search from an open panel asks INSi only.
    assert_eq!(panel.search(patient).len(), 1);
}

#[test]
fn issue17_failures_show_in_the_panel_and_only_its_patients_alerts_stay() {
    let patient = PatientId(7);
    let mut panel = IdentityPanel::default();
    let _ = panel.search(patient);
    let message = UserMessage {
        id: "error-insi-busy",
        retryable: true,
    };
    assert!(panel.on_failed(Operation::SearchIns, &message));
    assert!(!panel.is_searching());
    assert!(matches!(panel.note, Some(SearchNote::Failed { .. })));
    panel.deciding();
    assert!(panel.on_failed(Operation::CheckIdentityDocument, &message));
    assert_eq!(
        panel.failure.as_ref().map(|m| m.id),
        Some("error-insi-busy")
    );
    assert!(!panel.on_failed(Operation::OpenDocument, &message));
    let row = |id, p: i64| AlertRow {
        id,
        kind: AlertKind::StatusLoweredByGam,
        patient: Some((PatientId(p), "X".into())),
        other: None,
        raised_at: String::new(),
    };
    panel.on_alerts(patient, &[row(1, 7), row(2, 8)]);
    assert_eq!(panel.alerts.len(), 1);
    assert_eq!(panel.alerts[0].id, 1);
}
