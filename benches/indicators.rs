//! Usage indicators (issue 18): `indicators::compute` over generated activity —
//! `sandbox::indicators_load::fill`: 1,000,000 documents (their DMP feeding, MSSanté sends and
//! receipts, received documents) and 100,000 DMP traces over 24 months and three sites — on a
//! SQLCipher file and, when the test cluster is given (`CHEVET_TEST_PG_URL`,
//! `CHEVET_TEST_PG_CA`: `scripts/pg-test-cluster.sh run -- …`), on PostgreSQL. Each backend:
//! the fill's time, then `compute` for the last 12 months and for the whole 24, cold (first
//! call on a new connection: SQLite's page cache empty, the operating system's not) and warm
//! (median and max of `CHEVET_BENCH_RUNS` calls). Goal: ≤ 1 s.
//!
//! Run: `scripts/bench-indicators.sh`. Sizes: `CHEVET_BENCH_INDICATOR_DOCUMENTS`,
//! `CHEVET_BENCH_INDICATOR_TRACES` (small ones for a debug run). `CHEVET_BENCH_INDICATOR_PLAIN`
//! (a file path) also fills an unencrypted SQLite file there and measures it: what the
//! encryption costs, and a file the sqlite3 shell opens (`.timer on`, `EXPLAIN QUERY PLAN`).

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

mod common;

use std::time::{Duration, Instant};

use chevet::domain::indicators::{IndicatorFilter, Month};
use chevet::indicators;
use chevet::sandbox::indicators_load;
use chevet::store::testing::{in_schema, pg_schema};
use chevet::store::{DbKey, PgTarget, Store};
use chrono::Datelike as _;
use common::report::ms;

const SEED: u64 = 0x4348_4556_4554_0018;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().expect("a number in the CHEVET_BENCH_* variable"))
        .unwrap_or(default)
}

/// The last `months` months up to this one.
fn last(months: u32) -> IndicatorFilter {
    let today = chrono::Utc::now().date_naive();
    let to = Month::new(today.year(), today.month()).expect("month");
    let from = Month::from_ordinal(to.ordinal() - i64::from(months) + 1);
    IndicatorFilter {
        sites: Vec::new(),
        type_codes: Vec::new(),
        from,
        to,
    }
}

struct Sizes {
    documents: usize,
    traces: usize,
    runs: usize,
}

/// One table row per period: cold, then the warm median and max.
fn measure(backend: &str, fill: Duration, sizes: &Sizes, mut connect: impl FnMut() -> Store) {
    for (label, filter) in [("12 months", last(12)), ("24 months", last(24))] {
        let store = connect();
        let started = Instant::now();
        let report = indicators::compute(&store, &filter, "750712184").expect("compute");
        let cold = started.elapsed();
        let mut warm: Vec<Duration> = (0..sizes.runs)
            .map(|_| {
                let started = Instant::now();
                indicators::compute(&store, &filter, "750712184").expect("compute");
                started.elapsed()
            })
            .collect();
        warm.sort();
        let total: u64 = report
            .rows
            .iter()
            .map(|r| r.counts.iter().sum::<u64>())
            .sum();
        println!(
            "| {backend} | {} | {} | {label} | {} | {} | {} | {} | {} | {total} |",
            sizes.documents,
            sizes.traces,
            ms(fill),
            ms(cold),
            ms(warm[warm.len() / 2]),
            ms(*warm.last().expect("runs")),
            report.rows.len(),
        );
    }
}

fn main() {
    let sizes = Sizes {
        documents: env_usize("CHEVET_BENCH_INDICATOR_DOCUMENTS", 1_000_000),
        traces: env_usize("CHEVET_BENCH_INDICATOR_TRACES", 100_000),
        runs: env_usize("CHEVET_BENCH_RUNS", 5).max(1),
    };
    println!(
        "| backend | documents | DMP traces | period | fill | compute cold | warm p50 | warm max | rows | events counted |"
    );
    println!("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");

    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("chevet.db");
    let key = DbKey::generate();
    let store = Store::open(&path, &key).expect("SQLCipher store");
    let started = Instant::now();
    indicators_load::fill(&store, sizes.documents, sizes.traces, SEED).expect("fill");
    let fill = started.elapsed();
    drop(store);
    measure("SQLCipher", fill, &sizes, || {
        Store::open(&path, &key).expect("reopen")
    });

    // A plain SQLite copy (no encryption) for the sqlite3 shell's `.timer` and query plans.
    if let Ok(plain) = std::env::var("CHEVET_BENCH_INDICATOR_PLAIN") {
        let open = || {
            let conn = rusqlite::Connection::open(&plain).expect("plain SQLite file");
            let mut store = Store::from_sqlite_unmigrated(conn);
            chevet::store::migrations::migrate(&mut store).expect("migrate");
            store
        };
        let store = open();
        let started = Instant::now();
        indicators_load::fill(&store, sizes.documents, sizes.traces, SEED).expect("fill");
        let fill = started.elapsed();
        drop(store);
        measure("SQLite (plain)", fill, &sizes, open);
    }

    match PgTarget::from_test_env() {
        Some(target) => {
            let (store, schema) = pg_schema(&target);
            let started = Instant::now();
            indicators_load::fill(&store, sizes.documents, sizes.traces, SEED).expect("fill");
            store.execute_batch("ANALYZE").expect("analyze");
            let fill = started.elapsed();
            drop(store);
            let target = in_schema(&target, &schema);
            measure("PostgreSQL", fill, &sizes, || {
                Store::connect(&target).expect("connect")
            });
        }
        None => println!(
            "\n(PostgreSQL skipped: no CHEVET_TEST_PG_URL — scripts/pg-test-cluster.sh run -- scripts/bench-indicators.sh)"
        ),
    }
}
