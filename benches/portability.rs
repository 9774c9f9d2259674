//! Data portability (issue 18): the whole establishment exported as an archive, then imported
//! into an empty SQLCipher store, with 10,000 documents by default (the demo's folders, each
//! filled with copies of one of its real CDA documents under new ids): the time of each, the
//! archive's size, and a check that the re-imported documents are the same bytes.
//!
//! Run: `cargo bench --bench portability` or `scripts/bench-portability.sh`; the count follows
//! `CHEVET_BENCH_PORTABILITY_DOCUMENTS` (docs/benchmarks.md).

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

use std::time::Instant;

use chevet::domain::{DocumentRef, PatientId};
use chevet::portability::{ExportScope, ImportLimits, export_to, import_file};
use chevet::store::{DbKey, Store, documents};

fn main() {
    let wanted: usize = std::env::var("CHEVET_BENCH_PORTABILITY_DOCUMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut source = Store::open(&dir.path().join("source.db"), &DbKey::generate()).expect("db");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    chevet::sandbox::seed::seed_demo(&mut source, today, &mut |_, _| {}).expect("seed");
    fill(&mut source, wanted);
    let total = documents::count(&source).expect("count");

    let archive = dir.path().join("export.zip");
    let started = Instant::now();
    let exported = export_to(
        &mut source,
        ExportScope::Establishment,
        &archive,
        "bench",
        &mut |_, _| {},
    )
    .expect("export");
    let export_s = started.elapsed().as_secs_f64();

    let mut target = Store::open(&dir.path().join("target.db"), &DbKey::generate()).expect("db");
    let started = Instant::now();
    let imported = import_file(
        &mut target,
        &archive,
        "bench",
        &ImportLimits::DEFAULT,
        &mut |_, _| {},
    )
    .expect("import");
    let import_s = started.elapsed().as_secs_f64();
    assert_eq!(imported.documents, total);
    same_bytes(&source, &target);

    let mb = |b: u64| b as f64 / 1_000_000.0;
    println!("| documents | patients | CDA bytes | archive | export | import |");
    println!("|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {} | {:.1} MB | {:.1} MB | {export_s:.2} s | {import_s:.2} s |",
        exported.documents,
        exported.patients,
        mb(exported.document_bytes),
        mb(exported.archive_bytes),
    );
}

/// Adds copies of each folder's first document until the store holds `wanted` documents.
fn fill(store: &mut Store, wanted: usize) {
    let patients: Vec<(PatientId, chevet::domain::DocumentId)> = store
        .query(
            "SELECT patient_id, min(id) FROM document GROUP BY patient_id ORDER BY patient_id",
            &[],
        )
        .expect("folders")
        .iter()
        .map(|r| {
            (
                PatientId(r.get(0).expect("patient")),
                chevet::domain::DocumentId(r.get(1).expect("document")),
            )
        })
        .collect();
    let missing = wanted.saturating_sub(documents::count(store).expect("count"));
    let share = missing.div_ceil(patients.len().max(1));
    let mut left = missing;
    for (patient, template) in patients {
        let n = share.min(left);
        if n == 0 {
            break;
        }
        chevet::sandbox::seed::bulk_documents(store, patient, template, n).expect("fill");
        left -= n;
    }
}

/// Every document of `target` has the bytes of the document of `source` with its CDA id.
fn same_bytes(source: &Store, target: &Store) {
    let ids: Vec<i64> = target
        .query("SELECT id FROM document", &[])
        .expect("ids")
        .iter()
        .map(|r| r.get(0).expect("id"))
        .collect();
    for id in ids {
        let id = chevet::domain::DocumentId(id);
        let summary = documents::summary(target, id).expect("summary");
        let DocumentRef::Stored(_) = summary.reference else {
            panic!("a stored document");
        };
        let origin = documents::by_cda_id(source, &summary.meta.cda_id)
            .expect("query")
            .expect("same CDA id in the source");
        assert_eq!(
            documents::raw(source, origin).expect("raw"),
            documents::raw(target, id).expect("raw"),
            "byte for byte"
        );
    }
}
