//! INSi, measured against the sandbox INSi over mutual TLS (the real client, the real server
//! of `sandbox::insi`, loopback):
//!
//! 1. `round-trip`: one `rechercherInsAvecTraitsIdentite` call (a `00` answer) repeated on a
//!    kept-alive connection (500 calls by default) → p50/p99/max; then calls on a fresh
//!    connection each (TLS handshake with the client certificate included, 100 calls);
//! 2. `strategy`: the search strategy on each case of the sandbox identities table → calls
//!    made, answer, time.
//!
//! Run: `cargo bench --bench insi [-- phases…]` or `scripts/bench-insi.sh`
//! (docs/benchmarks.md). `CHEVET_BENCH_INSI_CALLS` changes the number of calls.

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

mod common;

use std::time::{Duration, Instant};

use chevet::domain::Sex;
use chevet::insi::{InsiClient, InsiQuery, InsiTraits, search, split_first_names};
use chevet::sandbox::insi::{ClientCn, FaultPlan, RunningInsi, start_with};
use common::report::{row, summarize, table_header};

fn calls() -> usize {
    std::env::var("CHEVET_BENCH_INSI_CALLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500)
}

fn traits(
    name: &str,
    first: &str,
    sex: Sex,
    ymd: (i32, u32, u32),
    cog: Option<&str>,
) -> InsiTraits {
    InsiTraits {
        birth_name: name.into(),
        first_names: split_first_names(first),
        sex,
        birth_date: chrono::NaiveDate::from_ymd_opt(ymd.0, ymd.1, ymd.2).expect("date"),
        birthplace_cog: cog.map(str::to_owned),
    }
}

fn main() {
    let phases: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |p: &str| phases.is_empty() || phases.iter().any(|x| x == p);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let running = rt
        .block_on(start_with(FaultPlan::default(), 0))
        .expect("sandbox INSi");
    if wants("round-trip") {
        round_trip(&rt, &running);
    }
    if wants("strategy") {
        strategy(&rt, &running);
    }
}

fn client(running: &RunningInsi) -> InsiClient {
    InsiClient::new(&running.settings(ClientCn::Auto).expect("settings")).expect("client")
}

fn round_trip(rt: &tokio::runtime::Runtime, running: &RunningInsi) {
    let q = InsiQuery::Traits {
        traits: traits("ADRUN", "ZOE", Sex::Female, (1975, 3, 11), None),
    };
    let n = calls();
    let (warm, cold) = rt.block_on(async {
        let c = client(running);
        c.query(&q).await.expect("first call");
        let mut warm = Vec::with_capacity(n);
        for _ in 0..n {
            let start = Instant::now();
            let answer = c.query(&q).await.expect("call");
            warm.push(start.elapsed());
            assert_eq!(answer.code(), "00");
        }
        let mut cold = Vec::with_capacity(n / 5);
        for _ in 0..(n / 5).max(1) {
            let start = Instant::now();
            let c = client(running);
            c.query(&q).await.expect("call");
            cold.push(start.elapsed());
        }
        (warm, cold)
    });
    println!("\nINSi round trip against the sandbox over mutual TLS (answer 00):\n");
    table_header("call", "answer");
    row("kept-alive connection", &summarize(warm), "00");
    row("fresh connection (TLS handshake)", &summarize(cold), "00");
}

fn strategy(rt: &tokio::runtime::Runtime, running: &RunningInsi) {
    use Sex::{Female as F, Male as M};
    let cases = [
        (
            "one match (ADRUN ZOE)",
            traits("ADRUN", "ZOE", F, (1975, 3, 11), Some("63220")),
        ),
        (
            "none (NESSI MICHELANGELO)",
            traits("NESSI", "MICHELANGELO", M, (1960, 1, 1), None),
        ),
        (
            "history (CORSE ANTHONY)",
            traits("CORSE", "ANTHONY", M, (1980, 5, 2), Some("2B020")),
        ),
        (
            "NIA (PROVISOIRE MATRICULE)",
            traits("PROVISOIRE", "MATRICULE", M, (1999, 12, 24), None),
        ),
        (
            "compound first name (ECETINSI PIERRE-ALAIN)",
            traits("ECETINSI", "PIERRE-ALAIN MARIE", M, (1962, 7, 14), None),
        ),
        (
            "second first name alone (HERMANN JEAN GATIEN)",
            traits("HERMANN", "JEAN GATIEN", M, (2001, 2, 28), None),
        ),
        (
            "three first names (TCHITCHI)",
            traits("TCHITCHI", "OLA CATARINA BELLA", F, (1988, 6, 5), None),
        ),
        (
            "several, told apart (HOUILLES + 13055)",
            traits("HOUILLES", "PIERRE JEAN", M, (1971, 9, 30), Some("13055")),
        ),
        (
            "several, no birthplace (HOUILLES)",
            traits("HOUILLES", "PIERRE JEAN", M, (1971, 9, 30), None),
        ),
    ];
    println!("\nThe search strategy on the sandbox identities:\n");
    println!("| case | answer | calls | time |");
    println!("|---|---|---:|---:|");
    let c = client(running);
    for (what, t) in cases {
        let (report, took): (_, Duration) = rt.block_on(async {
            let start = Instant::now();
            let report = search(&c, &t).await.expect("search");
            (report, start.elapsed())
        });
        println!(
            "| {what} | {} | {} | {} |",
            report.answer.code(),
            report.calls,
            common::report::ms(took)
        );
    }
}
