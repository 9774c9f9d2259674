//! Folder open, as the app's `open_folder` handler does it on the store: the patient, the
//! episodes, the document list (no bytes) and one audit entry. PostgreSQL with many
//! workstations back to back, then one; SQLite with one user; then many workstations with a
//! think time.

use std::time::{Duration, Instant};

use chevet::domain::PatientId;
use chevet::store::audit::{self, AuditAction, AuditObject};
use chevet::store::documents;
use chevet::store::{PgTarget, Store, episodes, patients};

use crate::common::report::{ms, row, summarize, table_header};
use crate::workstations::on_workstations;
use crate::{Rng, SEED, Scale};

/// Folders each workstation opens in the paced run (a think time of 0–1 s before each).
const PACED_OPENS: usize = 40;

/// What the app's `open_folder` does on the store; the time of the whole and of its audit
/// entry.
pub fn open_folder(store: &mut Store, patient: PatientId) -> (Duration, Duration) {
    let start = Instant::now();
    let p = patients::get(store, patient).expect("patient");
    let eps = episodes::for_patient(store, patient).expect("episodes");
    let docs = documents::for_patient(store, patient).expect("documents");
    std::hint::black_box((p, eps, docs));
    let audit_start = Instant::now();
    audit::record(
        store,
        "medecin",
        AuditAction::OpenFolder,
        AuditObject::Patient(patient.0),
        "",
    )
    .expect("audit");
    (start.elapsed(), audit_start.elapsed())
}

/// For each workstation, the folders it opens.
pub fn folder_plan(scale: &Scale) -> Vec<Vec<PatientId>> {
    let mut rng = Rng(SEED);
    (0..scale.workstations)
        .map(|_| {
            (0..scale.opens_per_workstation)
                .map(|_| PatientId(rng.below(scale.patients) as i64 + 1))
                .collect()
        })
        .collect()
}

fn open_all(store: &mut Store, folders: &[PatientId]) -> Vec<(Duration, Duration)> {
    folders.iter().map(|p| open_folder(store, *p)).collect()
}

/// Folders opened one at a time with a think time between them (uniform 0–1 s).
fn open_paced(store: &mut Store, folders: &[PatientId]) -> Vec<(Duration, Duration)> {
    let mut rng = Rng(SEED ^ folders.first().map_or(0, |p| p.0 as u64));
    folders
        .iter()
        .map(|p| {
            std::thread::sleep(Duration::from_millis(rng.below(1000) as u64));
            open_folder(store, *p)
        })
        .collect()
}

fn report_opens(what: &str, samples: Vec<(Duration, Duration)>, wall: Duration) {
    let rate = samples.len() as f64 / wall.as_secs_f64();
    let (total, audit): (Vec<_>, Vec<_>) = samples.into_iter().unzip();
    let audit = summarize(audit);
    row(
        what,
        &summarize(total),
        &format!(
            "{rate:.0} /s (audit entry: p50 {}, p99 {})",
            ms(audit.p50),
            ms(audit.p99)
        ),
    );
}

/// The folder-open table: PostgreSQL with all the workstations, then one; SQLite; then the
/// workstations with a think time.
pub fn measure(record: &PgTarget, schema: &str, sqlite: &mut Store, scale: &Scale) {
    let plan = folder_plan(scale);
    let all: Vec<PatientId> = plan.iter().flatten().copied().collect();
    println!();
    println!(
        "Folder open (patient + episodes + document list + audit entry), random folders of {} \
         patients / {} documents:",
        scale.patients,
        scale.patients * scale.documents_per_patient
    );
    table_header("backend, workstations", "throughput");
    let (results, wall) = on_workstations(record, schema, &plan, |s, part| open_all(s, part));
    report_opens(
        &format!("PostgreSQL, {} workstations", plan.len()),
        results.into_iter().flatten().collect(),
        wall,
    );
    let (results, wall) = on_workstations(record, schema, std::slice::from_ref(&all), |s, part| {
        open_all(s, part)
    });
    report_opens(
        "PostgreSQL, 1 workstation",
        results.into_iter().flatten().collect(),
        wall,
    );
    let start = Instant::now();
    let samples = open_all(sqlite, &all);
    report_opens("SQLite, 1 user", samples, start.elapsed());
    let paced: Vec<Vec<PatientId>> = plan
        .iter()
        .map(|folders| folders.iter().take(PACED_OPENS).copied().collect())
        .collect();
    let (results, wall) = on_workstations(record, schema, &paced, |s, part| open_paced(s, part));
    report_opens(
        &format!(
            "PostgreSQL, {} workstations, each opening a folder every 0.5 s on average",
            paced.len()
        ),
        results.into_iter().flatten().collect(),
        wall,
    );
}
