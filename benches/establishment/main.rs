//! Establishment mode (issue 13): the shared PostgreSQL record under many workstations, beside
//! a workstation's own SQLite (SQLCipher) file with one user, on the same data.
//!
//! 1. Data (`load`): 100,000 generated patients (the sandbox's bulk generator: varied names,
//!    birth dates, valid test INS; 1–3 episodes each) and 10 document rows each (1,000,000, a
//!    ~2 KiB CDA-like `raw` each, a patient's documents spread over the table), loaded into a
//!    fresh schema of the cluster given by `CHEVET_TEST_PG_URL` and into a SQLite file, both
//!    migrated as the app migrates them (the search indexes included).
//! 2. Folder open (`folder_open`), as the app's `open_folder` handler does it on the store:
//!    `patients::get`, `episodes::for_patient`, `documents::for_patient` (the list, no bytes)
//!    and one audit entry (`AuditAction::OpenFolder`). PostgreSQL: 50 threads, each its own
//!    connection (a simulated workstation), 200 random folders each, back to back; then 1
//!    workstation; SQLite: one user; the same 10,000 folders in each run. Then 50
//!    workstations again, 40 folders each with a think time of 0–1 s before each.
//! 3. Patient search (`search`: `patients::search`, limit 100) with what people type: a
//!    surname prefix, "surname firstname", an IPP, a birth date dd/mm/yyyy, an INS prefix;
//!    same runs, with the indexes of the migrations (PostgreSQL: pg_trgm GIN on `search_key`,
//!    btree on `birth_date`, `text_pattern_ops` on `ins_matricule`; SQLite: `birth_date`), and
//!    SQLite again with a 128 MiB page cache; the plans of both.
//! 4. A write on workstation A → workstation B has heard it (`store::notify::Listener`) and
//!    read the folder's documents again (`live_updates`): 100 document inserts, 100 consent
//!    records, then 100 document inserts while 50 workstations open folders; then the full
//!    path (`screen`), a document inserted on A → its title on B's screen (a `ChevetApp` in
//!    establishment mode driven by egui_kittest, stepping frames).
//! 5. Last, the same searches on PostgreSQL without the search indexes, dropped in this
//!    bench's schema only (50 workstations, then 1), and their plans: what the indexes bring.
//!
//! Run: `scripts/pg-test-cluster.sh run -- cargo bench --bench establishment` (see
//! docs/benchmarks.md). Smaller runs while developing: `CHEVET_BENCH_PATIENTS=2000`,
//! `CHEVET_BENCH_WORKSTATIONS`, `CHEVET_BENCH_OPENS` (per workstation), `CHEVET_BENCH_SEARCHES`
//! (per workstation), `CHEVET_BENCH_WRITES`, `CHEVET_BENCH_UI=0` (skip the app).
//!
//! This file holds the sizes, the seed and the run order; each phase is its own module, and
//! the percentiles and tables are `common::report`, shared with the other benches.

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

#[path = "../common/mod.rs"]
mod common;
mod folder_open;
mod live_updates;
mod load;
mod screen;
mod search;
mod workstations;

use std::time::{Duration, Instant};

use chevet::sandbox::demo::DemoPatient;
use chevet::store::testing::{in_schema, pg_schema};
use chevet::store::{PgTarget, Store};

/// Seed of the generated patients: same seed, same data.
const SEED: u64 = 0x4348_4556_4554_0013;
/// Longest wait for anything in this bench.
const TIMEOUT: Duration = Duration::from_secs(120);

/// How much to load and measure (environment overrides for quick runs).
struct Scale {
    patients: usize,
    documents_per_patient: usize,
    workstations: usize,
    opens_per_workstation: usize,
    searches_per_workstation: usize,
    writes: usize,
    ui: bool,
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().expect("a number in the CHEVET_BENCH_* variable"))
        .unwrap_or(default)
}

impl Scale {
    fn from_env() -> Self {
        Self {
            patients: env_usize("CHEVET_BENCH_PATIENTS", 100_000),
            documents_per_patient: 10,
            workstations: env_usize("CHEVET_BENCH_WORKSTATIONS", 50),
            opens_per_workstation: env_usize("CHEVET_BENCH_OPENS", 200),
            searches_per_workstation: env_usize("CHEVET_BENCH_SEARCHES", 25),
            writes: env_usize("CHEVET_BENCH_WRITES", 100),
            ui: env_usize("CHEVET_BENCH_UI", 1) != 0,
        }
    }
}

/// SplitMix64: the same random folders and queries on every backend and every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

fn server_facts(admin: &Store) {
    let version: String = admin.query_value("SELECT version()", &[]).expect("version");
    let settings: Vec<String> = [
        "fsync",
        "synchronous_commit",
        "full_page_writes",
        "shared_buffers",
        "work_mem",
        "max_connections",
        "max_parallel_workers_per_gather",
    ]
    .into_iter()
    .map(|name| {
        let value: String = admin
            .query_value(&format!("SELECT current_setting('{name}')"), &[])
            .expect("setting");
        format!("{name}={value}")
    })
    .collect();
    println!("{version}");
    println!("settings: {}", settings.join(", "));
}

fn main() {
    let scale = Scale::from_env();
    let target = PgTarget::from_test_env().expect(
        "CHEVET_TEST_PG_URL / CHEVET_TEST_PG_CA not set: run under \
         `scripts/pg-test-cluster.sh run -- cargo bench --bench establishment`",
    );
    let (mut admin, schema) = pg_schema(&target);
    server_facts(&admin);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let start = Instant::now();
    let people: Vec<DemoPatient> =
        chevet::sandbox::demo::bulk_patients(scale.patients, SEED, today).collect();
    println!(
        "{} patients generated in {:.1} s",
        people.len(),
        start.elapsed().as_secs_f64()
    );
    load::load(&mut admin, &people, &scale).expect("load PostgreSQL");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sqlite = load::sqlite_store(dir.path(), &people, &scale);

    folder_open::measure(&target, &schema, &mut sqlite, &scale);
    search::measure(&target, &schema, &mut sqlite, &people, &scale);
    search::explain(&admin, &people, "PostgreSQL plans");
    search::explain(&sqlite, &people, "SQLite plans");
    live_updates::measure(&target, &schema, &scale);
    if scale.ui {
        screen::measure(&mut admin, &in_schema(&target, &schema), &people, &scale);
    }
    search::measure_without_indexes(&admin, &target, &schema, &people, &scale);

    drop(sqlite);
    admin
        .execute_batch(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("drop the bench's schema");
}
