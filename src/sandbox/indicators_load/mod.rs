//! Activity for the usage indicators, generated: [`fill`] writes documents with their DMP
//! feeding, MSSanté sends and receipts, received documents (a third of them reconciled by hand)
//! and DMP traces over the 24 months up to now and three FINESS géographiques, for the tests,
//! the benchmark and the screen's measurements (multi-row inserts in one transaction, explicit
//! ids). As in a real record, ids grow with time: episodes open one after the other and each
//! document belongs to a recent one, so that what is read together is stored together.
//! [`demo_activity`] gives the demo's own folders a year of history so that the indicator
//! screen has something to show at first start.

mod activity;
mod batch;

use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

pub use activity::demo_activity;
use batch::{Batch, Cell, ROWS, before, next_id, offset, t};

use crate::store::db::{Backend, params};
use crate::store::{Store, StoreError};

/// The sites the generated episodes belong to.
pub const SITES: [&str; 3] = ["750712184", "920000650", "930000831"];
/// Document types: LOINC code and label.
pub const TYPES: [(&str, &str); 6] = [
    ("11488-4", "Compte rendu de consultation"),
    ("34133-9", "Synthèse d'épisode de soins"),
    ("11502-2", "Compte rendu d'examens biologiques"),
    ("18748-4", "Compte rendu d'imagerie médicale"),
    ("57833-6", "Prescription de médicaments"),
    ("60591-5", "Synthèse médicale"),
];
/// Days covered.
const SPAN_DAYS: f64 = 730.0;
/// Documents per generated patient, and per episode.
const DOCUMENTS_PER_PATIENT: usize = 20;
const DOCUMENTS_PER_EPISODE: usize = 10;

/// What the generated rows start from.
struct Ids {
    pub patient: i64,
    pub patients: usize,
    pub episode: i64,
    /// Each episode's patient (index) and start (days before now), oldest first.
    pub episodes: Vec<(usize, f64)>,
    pub document: i64,
    pub item: i64,
}

/// Writes `documents` documents and `dmp_traces` DMP traces of generated activity over the 24
/// months up to now, in one transaction of its own (not inside another); the same `seed`, the
/// same data (but for the dates, relative to now).
pub fn fill(
    store: &Store,
    documents: usize,
    dmp_traces: usize,
    seed: u64,
) -> Result<(), StoreError> {
    store.execute_batch(match store.backend() {
        Backend::Sqlite => "BEGIN IMMEDIATE",
        Backend::Postgres => "BEGIN",
    })?;
    match fill_in(store, documents, dmp_traces, seed) {
        Ok(()) => store.execute_batch("COMMIT")?,
        Err(e) => {
            let _ = store.execute_batch("ROLLBACK");
            return Err(e);
        }
    }
    if store.backend() == Backend::Postgres {
        // Ids were given: the identity columns start after them.
        for table in [
            "patient",
            "episode",
            "document",
            "outbox_item",
            "inbox_item",
        ] {
            store.query(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                        (SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                ),
                params![],
            )?;
        }
    }
    Ok(())
}

fn fill_in(
    store: &Store,
    documents: usize,
    dmp_traces: usize,
    seed: u64,
) -> Result<(), StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let end = chrono::Utc::now();
    let patients = documents.div_ceil(DOCUMENTS_PER_PATIENT).max(10);
    let mut ids = Ids {
        patient: next_id(store, "patient")?,
        patients,
        episode: next_id(store, "episode")?,
        episodes: Vec::new(),
        document: next_id(store, "document")?,
        item: next_id(store, "outbox_item")?,
    };
    let mut rows = Batch::new(
        "patient",
        "id, ipp, birth_name, birth_first_names, birth_date, sex, identity_status, search_key, \
         created_at, updated_at",
    );
    let created = before(end, SPAN_DAYS + 60.0);
    for p in 0..patients {
        let id = ids.patient + offset(p);
        let row = vec![
            Cell::Int(id),
            t(format!("IND{seed:x}-{id}")),
            t("INDICATEURS"),
            t("CHARGE"),
            t("1970-01-01"),
            t("F"),
            t("PROV"),
            t("indicateurs charge"),
            t(&created),
            t(&created),
        ];
        rows.push(store, row)?;
    }
    rows.flush(store)?;

    // Episodes one after the other from a month before the span to now, on the three sites
    // (the first one busier).
    let count = documents.div_ceil(DOCUMENTS_PER_EPISODE).max(20);
    let mut rows = Batch::new(
        "episode",
        "id, patient_id, kind, start_at, unit, finess_geo",
    );
    #[allow(clippy::cast_precision_loss)]
    for e in 0..count {
        let ago = (SPAN_DAYS + 30.0) * (1.0 - e as f64 / count as f64);
        let patient = rng.random_range(0..patients);
        let site = SITES[[0, 0, 1, 2][rng.random_range(0..4)]];
        ids.episodes.push((patient, ago));
        let row = vec![
            Cell::Int(ids.episode + offset(e)),
            Cell::Int(ids.patient + offset(patient)),
            t("O"),
            t(before(end, ago)),
            t("UF-IND"),
            t(site),
        ];
        rows.push(store, row)?;
    }
    rows.flush(store)?;

    activity::documents(store, &mut rng, &mut ids, (end, SPAN_DAYS), documents, seed)?;
    activity::traces(
        store,
        &mut rng,
        &ids,
        (end, SPAN_DAYS),
        (documents, dmp_traces),
        seed,
    )
}

/// Keeps `ROWS` rows per INSERT across tables that refer to one another: the parents first.
fn flush_all(store: &Store, batches: &mut [&mut Batch], force: bool) -> Result<(), StoreError> {
    if force || batches.first().is_some_and(|b| b.rows.len() >= ROWS) {
        for b in batches.iter_mut() {
            b.flush(store)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::indicators::{Indicator, IndicatorFilter, Month};
    use crate::store::testing::each_backend;

    #[test]
    fn issue18_the_load_is_counted_whole_on_both_backends() {
        each_backend(|store| {
            fill(&store, 400, 120, 7).unwrap();
            let today = chrono::Utc::now().date_naive();
            let to = Month::new(
                chrono::Datelike::year(&today),
                chrono::Datelike::month(&today),
            )
            .unwrap();
            let filter = IndicatorFilter {
                sites: Vec::new(),
                type_codes: Vec::new(),
                from: Month::from_ordinal(to.ordinal() - 25),
                to,
            };
            let report = crate::indicators::compute(&store, &filter, "000000000").unwrap();
            let total = |i: Indicator| report.rows.iter().map(|r| r.count(i)).sum::<u64>();
            // Every document is produced here or received, on one of the three sites.
            assert_eq!(
                total(Indicator::DocumentsProduced) + total(Indicator::Received),
                400
            );
            assert_eq!(
                total(Indicator::ReceivedAuto) + total(Indicator::ReceivedManual),
                total(Indicator::Received)
            );
            assert!(total(Indicator::DmpAcknowledged) <= total(Indicator::DmpFed));
            assert!(total(Indicator::MssSent) > 0 && total(Indicator::DmpFed) > 0);
            let dmp = total(Indicator::DmpConsultations)
                + total(Indicator::DmpBreakGlass)
                + total(Indicator::VisibilityChanges);
            assert!(dmp > 60 && dmp <= 120, "{dmp}");
            // On the three sites, or the establishment's for what no episode places.
            for row in &report.rows {
                let site = row.finess_geo.as_str();
                assert!(SITES.contains(&site) || site == "000000000", "{site}");
            }
            // The trail written with its own times still verifies.
            assert!(crate::store::audit::verify(&store).unwrap().is_intact());
            // A second fill goes on from the ids the first left.
            fill(&store, 10, 0, 8).unwrap();
        });
    }
}
