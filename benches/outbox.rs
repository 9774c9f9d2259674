//! The outbox, measured against the sandbox DMP slowed to 200 ms per feeding (over mutual TLS,
//! VIHF signed and checked, XAdES signature built once per document):
//!
//! 1. `throughput`: 200 documents drained with 1, 8 and 16 lanes → documents per second;
//! 2. `history`: a 1,000-document history drained with 8 and 16 lanes → seconds;
//! 3. `frames`: the whole app (egui_kittest, no GPU) with the patient's folder open while its
//!    own workers drain a 1,000-document history → the UI thread's frame time, p50/p95/p99;
//! 4. `fault`: the reliability run — 1,000 documents, 30 % injected faults, 50 SIGKILLs of the
//!    draining process — directly and through the sandbox gateway.
//!
//! Run: `cargo bench --bench outbox [-- phases…]` or `scripts/bench-outbox.sh` (docs/benchmarks.md).
//! This binary is also the draining process of the `fault` phase (started again with
//! `CHEVET_OUTBOX_RUN_CHILD` set).

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chevet::domain::outbox::{OutboxRoute, OutboxState};
use chevet::outbox::{Drainer, StopFlag};
use chevet::sandbox::dmp::faults::FaultPlan;
use chevet::sandbox::outbox_run::{self, RunConfig};
use chevet::store::{DbKey, Store};
use common::app::{frames_while, harness, log_in, open_from_list, runtime, until, worker_config};
use common::report::{millis, percentile};

const LATENCY: &str = "feed=slow:200";
const PAUSE: Duration = Duration::from_millis(2);

fn main() {
    if std::env::var(outbox_run::CHILD_ENV).is_ok() {
        outbox_run::child_main();
        return;
    }
    let phases: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |p: &str| phases.is_empty() || phases.iter().any(|x| x == p);
    let rt = runtime();
    if wants("throughput") {
        for lanes in [1, 8, 16] {
            let (n, secs) = drain(&rt, 200, lanes);
            println!(
                "throughput: {n} documents, {lanes} lanes, DMP at 200 ms: {secs:.2} s, {:.1} documents/s",
                n as f64 / secs
            );
        }
    }
    if wants("history") {
        for lanes in [8, 16] {
            let (n, secs) = drain(&rt, 1_000, lanes);
            println!(
                "history: {n} documents, {lanes} lanes, DMP at 200 ms: {secs:.1} s ({:.1} documents/s)",
                n as f64 / secs
            );
        }
    }
    if wants("frames") {
        frames(&rt);
    }
    if wants("fault") {
        for route in [OutboxRoute::Dmp, OutboxRoute::Pfi] {
            fault(&rt, route);
        }
    }
}

/// Queues `n` documents, then drains them with `lanes` lanes; the seconds it took.
fn drain(rt: &tokio::runtime::Runtime, n: usize, lanes: usize) -> (usize, f64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(
            today,
            Arc::new(FaultPlan::parse(LATENCY).expect("plan")),
        ))
        .expect("sandbox DMP");
    let client = dmp
        .endpoint(Default::default())
        .expect("endpoint")
        .client()
        .expect("client");
    let mut settings = outbox_run::settings(OutboxRoute::Dmp);
    settings.concurrency = lanes;
    settings.answer_timeout = Duration::from_secs(30);
    let path = dir.path().join("record.db");
    let key: [u8; 32] = rand::random();
    outbox_run::prepare(&path, key, n, &settings, &client);
    let open_path = path.clone();
    let drainer = Arc::new(Drainer {
        settings,
        open: Arc::new(move || Store::open(&open_path, &DbKey::from_bytes(key))),
        dmp: Some(Arc::new(client)),
        name: "bench".into(),
        on_change: None,
        wake: Arc::new(tokio::sync::Notify::new()),
        idle: Duration::from_millis(20),
    });
    let store = Store::open(&path, &DbKey::from_bytes(key)).expect("store");
    let stop = Arc::new(StopFlag::default());
    let start = Instant::now();
    let lanes_task = rt.spawn(drainer.run(Arc::clone(&stop)));
    while acknowledged(&store) < n {
        std::thread::sleep(Duration::from_millis(10));
        assert!(
            start.elapsed() < Duration::from_secs(1200),
            "drain too slow"
        );
    }
    let secs = start.elapsed().as_secs_f64();
    stop.stop();
    let _ = rt.block_on(lanes_task);
    (n, secs)
}

fn acknowledged(store: &Store) -> usize {
    chevet::store::outbox::counts(store)
        .unwrap_or_default()
        .get(&OutboxState::Acknowledged)
        .copied()
        .unwrap_or(0)
}

/// The app with the folder open while its workers drain a 1,000-document history.
fn frames(rt: &tokio::runtime::Runtime) {
    let dir = tempfile::tempdir().expect("tempdir");
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(
            today,
            Arc::new(FaultPlan::parse(LATENCY).expect("plan")),
        ))
        .expect("sandbox DMP");
    let endpoint = dmp.endpoint(Default::default()).expect("endpoint");
    let client = endpoint.client().expect("client");
    let mut settings = outbox_run::settings(OutboxRoute::Dmp);
    settings.answer_timeout = Duration::from_secs(30);
    let config = chevet::worker::WorkerConfig {
        demo: Some(Arc::new(chevet::sandbox::demo_data::SandboxDemo)),
        outbox: Some(settings.clone()),
        ..worker_config(dir.path(), endpoint)
    };
    let mut h = harness(rt, config, 1_000_000);
    log_in(&mut h, PAUSE, "medecin", "chevet-demo");
    let key =
        chevet::store::key::obtain_key(dir.path(), true, chevet::store::KeyStorage::File, &[])
            .expect("key")
            .0;
    let path = dir.path().join(chevet::store::DB_FILE_NAME);
    let mut store = Store::open(&path, &key).expect("store");
    let patient = outbox_run::open_dmp_patient(&store);
    let name = patient.identity.traits.birth_name.clone();
    open_from_list(&mut h, PAUSE, &patient.identity.ipp, &name);
    until(&mut h, PAUSE, "folder", |h| {
        egui_kittest::kittest::Queryable::query_by_label(h, "Venues").is_some()
    });
    outbox_run::queue_documents(&mut store, &patient, 1_000, &settings, &client, "history");
    let start = Instant::now();
    let times = frames_while(h, || acknowledged(&store) < 1_000);
    let secs = start.elapsed().as_secs_f64();
    println!(
        "frames: folder open while the app's workers drain a 1,000-document history \
         ({} lanes, DMP at 200 ms, {secs:.1} s, {} acknowledged), {} frames: \
         p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        settings.concurrency,
        acknowledged(&store),
        times.len(),
        millis(percentile(&times, 50)),
        millis(percentile(&times, 95)),
        millis(percentile(&times, 99)),
        millis(percentile(&times, 100)),
    );
}

fn spawn(env: &[(String, String)]) -> std::process::Child {
    let mut command =
        std::process::Command::new(std::env::current_exe().expect("this bench binary"));
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    command.spawn().expect("the draining process")
}

fn fault(rt: &tokio::runtime::Runtime, route: OutboxRoute) {
    let dir = tempfile::tempdir().expect("tempdir");
    let plan = Arc::new(FaultPlan::default());
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Arc::clone(&plan)))
        .expect("sandbox DMP");
    let documents = std::env::var("CHEVET_BENCH_OUTBOX_DOCUMENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000);
    let kills = std::env::var("CHEVET_BENCH_OUTBOX_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let config = RunConfig {
        documents,
        kills,
        fault_percent: 30,
        route,
        lanes: 8,
        seed: 1_000,
        limit: Duration::from_secs(1800),
    };
    let r = rt.block_on(outbox_run::run(dir.path(), &config, &dmp, &plan, &spawn));
    let mut reasons: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in &r.failures {
        *reasons.entry(f.as_str()).or_default() += 1;
    }
    println!(
        "fault ({}): {} documents, 30 % faults, {} kills, {:.0} s: {} acknowledged, {} sent \
         without receipt, {} failed for good, registry {} entries, lost {}, duplicated {}, \
         strangers {}, finished {}",
        route.code(),
        r.documents,
        r.kills,
        r.seconds,
        r.acknowledged,
        r.sent,
        r.failures.len(),
        r.registry_entries,
        r.lost,
        r.duplicated,
        r.strangers,
        r.finished
    );
    for (reason, n) in reasons {
        println!("  {n} × {reason}");
    }
}
