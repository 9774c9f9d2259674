//! The usage counters against the recount (the source of truth), on both backends: the
//! fixture's mixed workload and the load generator's, the state changes counted once, the
//! rebuild.

use super::tests_fixture::*;
use super::*;
use crate::domain::indicators::{Indicator as I, IndicatorFilter};
use crate::store::testing::each_backend;

/// Every row, the sites and the types of `compute` (counters) and `recount` (sources).
fn assert_same(store: &Store, filter: &IndicatorFilter) {
    let counted = compute(store, filter, DEF).unwrap();
    let recounted = recount(store, filter, DEF).unwrap();
    assert_eq!(cells(&counted), cells(&recounted));
    assert_eq!(counted.rows.len(), recounted.rows.len());
    for (a, b) in counted.rows.iter().zip(&recounted.rows) {
        assert_eq!(a.type_label, b.type_label);
    }
    assert_eq!(counted.sites, recounted.sites);
    assert_eq!(counted.types, recounted.types);
}

fn wide() -> IndicatorFilter {
    IndicatorFilter {
        sites: Vec::new(),
        type_codes: Vec::new(),
        from: Month::new(2024, 1).unwrap(),
        to: Month::new(2027, 12).unwrap(),
    }
}

#[test]
fn issue18_the_counters_equal_the_recount_on_the_fixture() {
    each_backend(|mut store| {
        fill(&mut store);
        assert_same(&store, &year());
        assert_same(&store, &wide());
        let filter = IndicatorFilter {
            sites: vec![A.into()],
            type_codes: vec![CR.into()],
            ..year()
        };
        assert_same(&store, &filter);
    });
}

#[cfg(feature = "sandbox")]
#[test]
fn issue18_the_counters_equal_the_recount_on_the_generated_load() {
    each_backend(|store| {
        crate::sandbox::indicators_load::fill(&store, 600, 300, 11).unwrap();
        let today = chrono::Utc::now().date_naive();
        let to = Month::parse_iso(&today.to_string()).unwrap();
        let filter = IndicatorFilter {
            sites: Vec::new(),
            type_codes: Vec::new(),
            from: Month::from_ordinal(to.ordinal() - 30),
            to,
        };
        assert_same(&store, &filter);
        let report = compute(&store, &filter, DEF).unwrap();
        assert!(report.rows.len() > 20, "{}", report.rows.len());
    });
}

/// A job through its states as the outbox writes them, a receipt twice, an inbox decision
/// after the receipt: each event counted once, when it happens.
#[test]
fn issue18_state_changes_are_counted_once() {
    each_backend(|store| {
        let p = patient(&store, "P9");
        let e = episode(&store, p, "2026-01-01T08:00:00", A);
        let d = document(
            &store,
            9,
            (p, Some(e)),
            (CR, "local"),
            "2026-01-10T09:00:00",
        );
        let o = store
            .insert_id(
                "INSERT INTO outbox_item (document_id, patient_id, action, route, state, due_at,
                     document_unique_id, request, author, created_by, created_at, updated_at,
                     channel)
                 VALUES (?1, ?2, 'feed', 'dmp', 'waiting', ?3, 'u', ?4, '{}', 'dr', ?3, ?3,
                     'dmp')",
                params![d, p, "2026-01-10T09:00:00Z", b"r".as_slice()],
            )
            .unwrap();
        let set = |sql: &str, at: &str| {
            store
                .execute(
                    &format!("UPDATE outbox_item SET {sql} WHERE id = ?1"),
                    params![o, at],
                )
                .unwrap();
        };
        set("state = 'sending', updated_at = ?2", "2026-01-11T09:00:00Z");
        assert_eq!(recount(&store, &year(), DEF).unwrap().rows.len(), 1);
        set(
            "state = 'acknowledged', sent_at = ?2, updated_at = ?2",
            "2026-01-11T09:00:00Z",
        );
        assert_same(&store, &year());
        // Received, filed automatically, then a person files an inbox item onto it.
        let r = document(
            &store,
            10,
            (p, Some(e)),
            (LAB, "mss"),
            "2026-02-02T09:00:00",
        );
        received(&store, r, p, "2026-02-02T09:00:00Z", false);
        assert_same(&store, &year());
        let item = store
            .insert_id(
                "INSERT INTO inbox_item (channel, reason, title, raw, traits, sender, recipients,
                     action, received_at, status)
                 VALUES ('mss', '902', 't', ?1, '{}', 's', 'r', 'new', ?2, 'pending')",
                params![b"x".as_slice(), "2026-02-02T09:00:00Z"],
            )
            .unwrap();
        store
            .execute(
                "UPDATE inbox_item SET status = 'filed', patient_id = ?2, document_id = ?3,
                     decided_by = 'dr', decided_at = ?4 WHERE id = ?1",
                params![item, p, r, "2026-02-03T09:00:00Z"],
            )
            .unwrap();
        let report = compute(&store, &year(), DEF).unwrap();
        let total = |i: I| report.rows.iter().map(|r| r.count(i)).sum::<u64>();
        assert_eq!((total(I::ReceivedAuto), total(I::ReceivedManual)), (0, 1));
        assert_same(&store, &year());

        // Refused later, retried, sent again in March: still the one feeding of January.
        set("state = 'failed', updated_at = ?2", "2026-02-01T09:00:00Z");
        set("state = 'waiting', updated_at = ?2", "2026-03-01T09:00:00Z");
        set("state = 'sending', updated_at = ?2", "2026-03-01T09:00:00Z");
        set(
            "state = 'sent', sent_at = ?2, updated_at = ?2",
            "2026-03-01T09:00:00Z",
        );
        let report = compute(&store, &year(), DEF).unwrap();
        let total = |i: I| report.rows.iter().map(|r| r.count(i)).sum::<u64>();
        assert_eq!((total(I::DmpFed), total(I::DmpAcknowledged)), (1, 1));
        assert_eq!(report.rows[0].month, m(1));
        // The recount places the feeding in March, at its last sending: the one place where
        // the counters (first sending) and the recount differ by design.
        let recounted = recount(&store, &year(), DEF).unwrap();
        assert!(
            recounted
                .rows
                .iter()
                .any(|r| r.month == m(3) && r.count(I::DmpFed) == 1)
        );
    });
}

#[test]
fn issue18_the_rebuild_recomputes_the_counters_from_the_sources() {
    each_backend(|mut store| {
        fill(&mut store);
        store
            .execute("UPDATE usage_counter SET n = n + 7", params![])
            .unwrap();
        store
            .execute(
                "DELETE FROM usage_counter WHERE indicator = 'dmp_consultations'",
                params![],
            )
            .unwrap();
        assert_ne!(
            cells(&compute(&store, &year(), DEF).unwrap()),
            owned(expected())
        );
        assert!(rebuild(&mut store).unwrap() > 0);
        assert_eq!(
            cells(&compute(&store, &year(), DEF).unwrap()),
            owned(expected())
        );
        assert_same(&store, &wide());
    });
}

/// A store at step 22 holding activity and traces, migrated: step 23 fills the counters from
/// it (the traces of the trail parsed), equal to the recount.
#[test]
fn issue18_the_migration_fills_the_counters_from_the_rows_there() {
    use crate::store::db::Backend;
    use crate::store::migrations::{self, MIGRATIONS};
    crate::store::testing::each_empty_backend(|mut store| {
        let backend = store.backend();
        for step in MIGRATIONS.iter().filter(|m| m.version <= 22) {
            let sql = match backend {
                Backend::Sqlite => step.sqlite,
                Backend::Postgres => step.postgres,
            };
            store.execute_batch(sql).unwrap();
        }
        match backend {
            Backend::Sqlite => store.execute_batch("PRAGMA user_version = 22").unwrap(),
            Backend::Postgres => store
                .execute_batch(
                    "CREATE TABLE schema_version (version BIGINT PRIMARY KEY,
                     name TEXT NOT NULL, applied_at TEXT NOT NULL);
                     INSERT INTO schema_version VALUES (22, 'partial', '')",
                )
                .unwrap(),
        }
        let p = patient(&store, "P1");
        let e = episode(&store, p, "2026-01-01T08:00:00", A);
        let d = document(
            &store,
            1,
            (p, Some(e)),
            (CR, "local"),
            "2026-01-10T09:00:00",
        );
        let o = job(
            &store,
            (d, p),
            ("mss", "pfi", "sent"),
            "2026-01-12T09:00:00Z",
        );
        ack(&store, o, "mss", true, "2026-02-01T10:00:00Z");
        let r = document(&store, 2, (p, None), (LAB, "mss"), "2026-03-02T09:00:00");
        received(&store, r, p, "2026-03-02T09:00:00Z", true);
        // A trace already in the trail (written before the counters existed).
        let t = crate::dmp::consult::DmpTrace {
            at: chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 4, 2, 10, 0, 0).unwrap(),
            professional_id: "810000000001".into(),
            structure_id: "1750000001".into(),
            patient_ref: p.to_string(),
            transaction: crate::dmp::consult::TransactionCode::Td32,
            documents: vec!["doc-1".into()],
            access_mode: crate::dmp::vihf::PurposeOfUse::Normal,
            break_glass_reason: None,
            result: crate::dmp::consult::TraceResult::Ok,
            duration_ms: 5,
        };
        let entry = crate::store::audit::AuditEntry::new(
            "dr",
            crate::store::audit::AuditAction::DmpTransaction,
            crate::store::audit::AuditObject::Patient(p),
        )
        .detail(t.to_csv_row());
        crate::store::audit::append_at(&store, "2026-04-02T10:00:01Z", &entry).unwrap();

        assert_eq!(
            migrations::migrate(&mut store).unwrap(),
            migrations::latest_version()
        );
        assert_same(&store, &year());
        let report = compute(&store, &year(), DEF).unwrap();
        let total = |i: I| report.rows.iter().map(|r| r.count(i)).sum::<u64>();
        assert_eq!(
            [
                total(I::DocumentsProduced),
                total(I::MssSent),
                total(I::MssDelivered),
                total(I::ReceivedManual),
                total(I::DmpConsultations)
            ],
            [1, 1, 1, 1, 1]
        );
    });
}
