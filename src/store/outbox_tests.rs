//! The outbox's rows on both backends: one sender per job, a crashed sender's job taken again
//! and marked to verify, replacements after their target, a person's commands, business acks.

use chrono::{Duration, NaiveDate, Utc};

use super::*;
use crate::domain::outbox::*;
use crate::domain::{
    BirthTraits, DocumentId, IdentityStatus, Ins, PatientId, PatientIdentity, Provenance, Sex,
    Visibility,
};
use crate::store::documents::{self, NewDocument};
use crate::store::testing::each_backend;
use crate::store::{Store, patients};

fn patient(store: &Store) -> PatientId {
    patients::insert(
        store,
        &PatientIdentity {
            ipp: "IPP-O".into(),
            ins: Some(Ins::parse("279035121518989", "1.2.250.1.213.1.4.8").expect("ins")),
            traits: BirthTraits {
                birth_name: "PAT-TROIS".into(),
                birth_first_names: "DOMINIQUE".into(),
                birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("date"),
                sex: Sex::Female,
                birthplace_insee: None,
            },
            used_name: None,
            used_first_name: None,
            status: IdentityStatus::Qualifiee,
        },
    )
    .expect("patient")
}

fn document(store: &Store, patient: PatientId, n: u32) -> DocumentId {
    let raw = String::from_utf8(crate::testing::cda_fixture(
        "DOC_NON_STRUCTURE_CDA-R2-N1.xml",
    ))
    .expect("utf-8")
    .replacen(
        "<id root=\"1.3.6.1.4.1.19376.1.2.20.12345.1.1\"/>",
        &format!("<id root=\"1.3.6.1.4.1.19376.1.2.20.12345.7.{n}\"/>"),
        1,
    )
    .into_bytes();
    let meta = crate::cda::parse(&raw).expect("cda").meta();
    documents::insert(
        store,
        &NewDocument {
            patient_id: patient,
            episode_id: None,
            meta: &meta,
            provenance: Provenance::Local,
            visibility: Visibility::default(),
            raw: &raw,
        },
    )
    .expect("document")
    .id()
}

fn job(
    store: &Store,
    patient: PatientId,
    document: DocumentId,
    action: OutboxAction,
    depends_on: Option<OutboxItemId>,
) -> OutboxItemId {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let msh10 = format!("M{}-{n}", document.0 * 10 + i64::from(depends_on.is_some()));
    insert(
        store,
        &NewItem {
            document,
            patient,
            action,
            route: OutboxRoute::Pfi,
            state: OutboxState::Waiting,
            due_at: Utc::now() - Duration::seconds(1),
            reason: None,
            document_unique_id: "1.2.3",
            submission_unique_id: None,
            message_id: Some(&msh10),
            target_unique_id: None,
            depends_on,
            request: b"MSH|...",
            author: "{}",
            visibility: Visibility::default(),
            batch: Some("b1"),
            created_by: "medecin",
        },
    )
    .expect("job")
}

fn lease() -> Duration {
    Duration::seconds(60)
}

#[test]
fn a_job_goes_to_one_sender_and_its_outcome_is_kept() {
    each_backend(|mut store| {
        let p = patient(&store);
        let d = document(&store, p, 1);
        let id = job(&store, p, d, OutboxAction::Feed, None);
        let taken = take(&mut store, "a", Utc::now(), lease())
            .expect("take")
            .expect("due");
        assert_eq!((taken.id, taken.attempts, taken.verify), (id, 1, false));
        assert_eq!(taken.request, b"MSH|...");
        assert!(
            take(&mut store, "b", Utc::now(), lease())
                .expect("take")
                .is_none()
        );
        // Another sender's outcome is not recorded.
        assert!(
            !finish(
                &mut store,
                id,
                "b",
                &Outcome::Sent {
                    acknowledged: false
                }
            )
            .expect("b")
        );
        assert!(
            finish(
                &mut store,
                id,
                "a",
                &Outcome::Sent {
                    acknowledged: false
                }
            )
            .expect("a")
        );
        let sharing = sharing_of(&store, d).expect("read").expect("sharing");
        assert_eq!(sharing.state, OutboxState::Sent);
        assert_eq!(batch_progress(&store, "b1").expect("batch").sent, 1);
        assert_eq!(
            documents::summary(&store, d).expect("summary").dmp_share,
            crate::domain::ShareState::Sent
        );
    });
}

#[test]
fn a_sender_that_died_leaves_its_job_to_another_which_verifies_first() {
    each_backend(|mut store| {
        let p = patient(&store);
        let d = document(&store, p, 2);
        let id = job(&store, p, d, OutboxAction::Feed, None);
        let now = Utc::now();
        take(&mut store, "dead", now, Duration::seconds(5))
            .expect("take")
            .expect("due");
        assert!(take(&mut store, "b", now, lease()).expect("take").is_none());
        let again = take(&mut store, "b", now + Duration::seconds(6), lease())
            .expect("take")
            .expect("lease over");
        assert_eq!((again.id, again.attempts, again.verify), (id, 2, true));
        // The dead sender's late outcome does not count.
        assert!(
            !finish(
                &mut store,
                id,
                "dead",
                &Outcome::Sent { acknowledged: true }
            )
            .expect("x")
        );
    });
}

#[test]
fn a_replacement_waits_for_the_job_that_sent_its_target() {
    each_backend(|mut store| {
        let p = patient(&store);
        let d = document(&store, p, 3);
        let first = job(&store, p, d, OutboxAction::Feed, None);
        let second = job(&store, p, d, OutboxAction::Replace, Some(first));
        let a = take(&mut store, "a", Utc::now(), lease())
            .expect("take")
            .expect("first");
        assert_eq!(a.id, first);
        assert!(
            take(&mut store, "b", Utc::now(), lease())
                .expect("take")
                .is_none()
        );
        finish(
            &mut store,
            first,
            "a",
            &Outcome::Sent {
                acknowledged: false,
            },
        )
        .expect("sent");
        let b = take(&mut store, "b", Utc::now(), lease())
            .expect("take")
            .expect("second");
        assert_eq!(b.id, second);
    });
}

#[test]
fn retryable_failures_wait_their_backoff_and_final_ones_wait_for_a_person() {
    each_backend(|mut store| {
        let p = patient(&store);
        let d = document(&store, p, 4);
        let id = job(&store, p, d, OutboxAction::Feed, None);
        take(&mut store, "a", Utc::now(), lease())
            .expect("take")
            .expect("due");
        let later = Utc::now() + Duration::seconds(30);
        finish(
            &mut store,
            id,
            "a",
            &Outcome::Failed {
                reason: "le DMP n'a pas répondu".into(),
                retry_at: Some(later),
                ambiguous: true,
            },
        )
        .expect("failed");
        assert!(
            take(&mut store, "a", Utc::now(), lease())
                .expect("take")
                .is_none()
        );
        let retried = take(&mut store, "a", later + Duration::seconds(1), lease())
            .expect("take")
            .expect("after the backoff");
        assert!(retried.verify, "an ambiguous failure is verified");
        finish(
            &mut store,
            id,
            "a",
            &Outcome::Failed {
                reason: "refusé".into(),
                retry_at: None,
                ambiguous: false,
            },
        )
        .expect("final");
        assert!(
            take(&mut store, "a", later + Duration::hours(9), lease())
                .expect("t")
                .is_none()
        );
        assert_eq!(needing_attention(&store).expect("count"), 1);
        assert!(command(&mut store, id, OutboxCommand::Retry).expect("retry"));
        assert!(
            take(&mut store, "a", Utc::now(), lease())
                .expect("take")
                .is_some()
        );
    });
}

#[test]
fn hold_resume_and_cancel_apply_only_while_they_mean_something() {
    each_backend(|mut store| {
        let p = patient(&store);
        let d = document(&store, p, 5);
        let id = job(&store, p, d, OutboxAction::Feed, None);
        assert!(command(&mut store, id, OutboxCommand::Hold).expect("hold"));
        assert!(
            take(&mut store, "a", Utc::now(), lease())
                .expect("take")
                .is_none()
        );
        assert!(!command(&mut store, id, OutboxCommand::Hold).expect("held already"));
        assert!(command(&mut store, id, OutboxCommand::Resume).expect("resume"));
        assert!(command(&mut store, id, OutboxCommand::Cancel).expect("cancel"));
        assert!(
            take(&mut store, "a", Utc::now(), lease())
                .expect("take")
                .is_none()
        );
        assert!(!command(&mut store, id, OutboxCommand::Resume).expect("cancelled"));
        let items = list(&store, OutboxFilter::Stopped, Some(p), 10).expect("list");
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].state, OutboxState::Cancelled);
        assert_eq!(items[0].patient_name, "PAT-TROIS DOMINIQUE");
        // A batch's cancel leaves what was sent.
        let other = document(&store, p, 6);
        job(&store, p, other, OutboxAction::Feed, None);
        assert_eq!(cancel_batch(&mut store, "b1").expect("cancel batch"), 1);
    });
}

#[test]
fn business_acks_are_kept_and_a_dmp_refusal_fails_the_job() {
    each_backend(|mut store| {
        let p = patient(&store);
        let (d1, d2) = (document(&store, p, 7), document(&store, p, 8));
        let ok = job(&store, p, d1, OutboxAction::Feed, None);
        let refused = job(&store, p, d2, OutboxAction::Feed, None);
        for _ in 0..2 {
            let t = take(&mut store, "a", Utc::now(), lease())
                .expect("t")
                .expect("due");
            finish(
                &mut store,
                t.id,
                "a",
                &Outcome::Sent {
                    acknowledged: false,
                },
            )
            .expect("sent");
        }
        let ack = |ok| BusinessAck {
            kind: AckKind::DmpReceipt,
            ok,
            recipient: None,
            code: (!ok).then(|| "DMPClosed".to_owned()),
            label: (!ok).then(|| "DMP fermé".to_owned()),
            received_at: Utc::now(),
        };
        let msh10 = |id: OutboxItemId| -> String {
            store
                .query_value(
                    "SELECT message_id FROM outbox_item WHERE id = ?1",
                    crate::store::db::params![id.0],
                )
                .expect("message id")
        };
        let (m1, m2) = (msh10(ok), msh10(refused));
        assert_eq!(
            record_ack(&mut store, &m1, &ack(true), None).expect("a"),
            Some(ok)
        );
        assert_eq!(
            record_ack(&mut store, &m2, &ack(false), Some("Refusé : DMP fermé")).expect("b"),
            Some(refused)
        );
        assert_eq!(
            record_ack(&mut store, "unknown", &ack(true), None).expect("c"),
            None
        );
        let items = list(&store, OutboxFilter::All, Some(p), 10).expect("list");
        let of = |id| items.iter().find(|i| i.id == id).expect("item");
        assert_eq!(of(ok).state, OutboxState::Acknowledged);
        assert_eq!(of(ok).acks.len(), 1);
        assert_eq!(of(refused).state, OutboxState::Failed);
        assert!(of(refused).final_failure);
        assert_eq!(of(refused).reason.as_deref(), Some("Refusé : DMP fermé"));
    });
}

#[test]
fn concurrent_senders_on_the_shared_record_never_take_the_same_job() {
    let Some(target) = crate::store::testing::pg_target() else {
        return;
    };
    let (store, schema) = crate::store::testing::pg_schema(&target);
    let p = patient(&store);
    let d = document(&store, p, 9);
    for _ in 0..40 {
        job(&store, p, d, OutboxAction::Feed, None);
    }
    let taken: Vec<Vec<OutboxItemId>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|n| {
                let target = target.clone();
                let schema = schema.clone();
                scope.spawn(move || {
                    let mut s = crate::store::testing::pg_store_in(&target, &schema);
                    let mut mine = Vec::new();
                    while let Some(t) =
                        take(&mut s, &format!("s{n}"), Utc::now(), lease()).expect("take")
                    {
                        mine.push(t.id);
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("sender"))
            .collect()
    });
    let mut all: Vec<OutboxItemId> = taken.into_iter().flatten().collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!((n, all.len()), (40, 40));
}
