//! The outbox against the sandbox DMP: documents reach its registry once, an ambiguous
//! failure (the answer lost after the DMP did the work) is verified and never sent twice, a
//! replacement follows its target, a deletion deletes, and the patient's opposition and an
//! unqualified identity keep documents home with their reason.

use std::collections::HashMap;

use super::test_support::{Fixture, drain_until};
use super::{OutboxSettings, Target};
use crate::dmp::xds::AvailabilityStatus;
use crate::domain::outbox::{OutboxAction, OutboxState};
use crate::sandbox::dmp::faults::{Fault, Transaction};
use crate::store::outbox as rows;

fn states(f: &Fixture) -> HashMap<OutboxState, usize> {
    rows::counts(&f.open()).expect("counts")
}

fn all_done(f: &Fixture, n: usize) -> bool {
    let c = states(f);
    c.get(&OutboxState::Acknowledged).copied().unwrap_or(0)
        + c.get(&OutboxState::Failed).copied().unwrap_or(0)
        >= n
        && !c.contains_key(&OutboxState::Waiting)
        && !c.contains_key(&OutboxState::Sending)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue15_documents_reach_the_dmp_once_even_when_answers_are_lost() {
    let f = Fixture::new().await;
    let settings = OutboxSettings::direct();
    let store = f.open();
    let mut ids = Vec::new();
    for n in 0..6 {
        let d = f.produce(&store, n);
        f.enqueue(&store, &settings, d, OutboxAction::Feed, None);
        ids.push(
            crate::store::documents::summary(&store, d)
                .expect("summary")
                .meta
                .cda_id,
        );
    }
    drop(store);
    // The DMP registers the first two, then their answers are lost; then a timeout, a 503.
    f.faults.set(Transaction::Feed, Fault::ResetAfter, Some(1));
    let drainer = f.drainer(OutboxSettings {
        concurrency: 1,
        ..settings
    });
    let plan = std::sync::Arc::clone(&f.faults);
    let mut step = 0;
    drain_until(drainer, || {
        step += 1;
        if step == 5 {
            plan.set(Transaction::Feed, Fault::HttpAfter { status: 502 }, Some(1));
        }
        if step == 10 {
            plan.set(Transaction::Feed, Fault::Http { status: 503 }, Some(1));
        }
        all_done(&f, 6)
    })
    .await;
    assert_eq!(
        states(&f).get(&OutboxState::Acknowledged),
        Some(&6),
        "{:?}",
        states(&f)
    );
    let registry = f.registry().await;
    for id in &ids {
        let n = registry.iter().filter(|(u, _)| u == id).count();
        assert_eq!(n, 1, "document registered {n} times");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue15_a_replacement_follows_its_target_and_a_deletion_deletes() {
    let f = Fixture::new().await;
    let settings = OutboxSettings::direct();
    let store = f.open();
    let first = f.produce(&store, 1);
    let feed = f.enqueue(&store, &settings, first, OutboxAction::Feed, None);
    let first_id = crate::store::documents::summary(&store, first)
        .expect("summary")
        .meta
        .cda_id;
    // The replacement (same series, version 2, RPLC) is queued before its target left: it
    // waits for it.
    let second = f.produce_version(&store, 2, Some(first));
    let meta = crate::store::documents::summary(&store, second)
        .expect("v2")
        .meta;
    assert_eq!(meta.version_number, 2);
    f.enqueue(
        &store,
        &settings,
        second,
        OutboxAction::Replace,
        Some(Target {
            unique_id: first_id.clone(),
            sent_by: Some(feed),
        }),
    );
    drop(store);
    drain_until(f.drainer(settings.clone()), || all_done(&f, 2)).await;
    let registry = f.registry().await;
    let status_of = |id: &str| {
        registry
            .iter()
            .find(|(u, _)| u == id)
            .map(|(_, s)| s.clone())
    };
    assert_eq!(status_of(&first_id), Some(AvailabilityStatus::Deprecated));
    let store = f.open();
    let second_id = crate::store::documents::summary(&store, second)
        .expect("summary")
        .meta
        .cda_id;
    assert_eq!(status_of(&second_id), Some(AvailabilityStatus::Approved));
    let feed_of_second = rows::latest_feed_of(&store, second)
        .expect("read")
        .map(|x| x.0);
    f.enqueue(
        &store,
        &settings,
        second,
        OutboxAction::Delete,
        Some(Target {
            unique_id: second_id.clone(),
            sent_by: feed_of_second,
        }),
    );
    drop(store);
    drain_until(f.drainer(settings), || all_done(&f, 3)).await;
    let registry = f.registry().await;
    assert!(
        registry
            .iter()
            .all(|(u, s)| u != &second_id || s == &AvailabilityStatus::Deleted),
        "{registry:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue15_a_refusal_is_final_with_its_reason_in_french() {
    let f = Fixture::new().await;
    let settings = OutboxSettings::direct();
    let store = f.open();
    let d = f.produce(&store, 1);
    f.enqueue(&store, &settings, d, OutboxAction::Feed, None);
    drop(store);
    f.faults
        .set(Transaction::Feed, Fault::Http { status: 403 }, None);
    drain_until(f.drainer(settings), || all_done(&f, 1)).await;
    let items = rows::list(
        &f.open(),
        crate::domain::outbox::OutboxFilter::Failed,
        None,
        10,
    )
    .expect("list");
    assert_eq!(items.len(), 1);
    assert!(items[0].final_failure);
    let reason = items[0].reason.clone().unwrap_or_default();
    assert!(reason.contains("Refusé par le DMP"), "{reason}");
    assert!(f.registry().await.is_empty() || !reason.is_empty());
}
