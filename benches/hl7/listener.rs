//! Listener benches, in this process: the real listener (`hl7::listener::start`) with the
//! journal sink on a store, and blocking senders on loopback. Phase `listener`: 10 senders,
//! each its own connection sending distinct ADTs back to back and waiting for each ACK, on a
//! SQLite (SQLCipher) file, then on PostgreSQL when `CHEVET_TEST_PG_URL` is set. Phase `large`:
//! one 5 MiB MDM at a time, its latency and the growth of the process's peak resident memory.

use std::net::SocketAddr;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use chevet::hl7::listener::{self, ListenerConfig, ListenerHandle, ReceivedMessage};
use chevet::hl7::mllp;
use chevet::intake::JournalSink;
use chevet::intake::sink::record_and_file;
use chevet::store::{DbKey, Store, hl7_journal};

use crate::client::{self, Client};
use crate::common::report;

const SENDERS: usize = 10;
const TIMEOUT: Duration = Duration::from_secs(60);

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("hl7-bench-listener")
        .enable_all()
        .build()
        .expect("runtime")
}

pub fn start(rt: &tokio::runtime::Runtime, sink: Arc<JournalSink>) -> ListenerHandle {
    let loopback: SocketAddr = "127.0.0.1:0".parse().expect("address");
    rt.block_on(listener::start(loopback, ListenerConfig::default(), sink))
        .expect("listener")
}

fn journal_count(sink: &JournalSink) -> u64 {
    let store = sink.store();
    let store = store.lock().expect("store");
    hl7_journal::count(&store).expect("count")
}

/// Phase `listener`: 10 senders × `per_sender` ADTs on each store.
pub fn throughput(per_sender: usize) {
    println!(
        "### Listener: {SENDERS} senders × {per_sender} ADTs, each ACK awaited (AA = committed)\n"
    );
    println!("| store | messages | wall | msg/s | p50 | p99 | max | journal rows |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let dir = tempfile::tempdir().expect("tempdir");
    let sqlite =
        Store::open(&dir.path().join("journal.db"), &DbKey::generate()).expect("SQLite store");
    one_store("SQLite (SQLCipher file, WAL)", vec![sqlite], per_sender);
    if let Some(target) = chevet::store::PgTarget::from_test_env() {
        let store = chevet::store::testing::pg_store(&target);
        one_store(
            "PostgreSQL (throwaway cluster, TLS), 1 connection",
            vec![store],
            per_sender,
        );
        // As `chevet serve` runs it: a pool of 4 connections.
        let (store, schema_4) = chevet::store::testing::pg_schema(&target);
        let mut pool = vec![store];
        pool.extend((0..3).map(|_| chevet::store::testing::pg_store_in(&target, &schema_4)));
        one_store(
            "PostgreSQL, 4 connections (as `chevet serve`)",
            pool,
            per_sender,
        );
    }
    println!();
}

fn one_store(name: &str, stores: Vec<Store>, per_sender: usize) {
    let rt = runtime();
    let sink = Arc::new(JournalSink::pooled(stores));
    let handle = start(&rt, Arc::clone(&sink));
    let addr = handle.local_addr();
    let template = Arc::new(client::adt_template());
    // Warm-up: one message per sender's connection, outside the figures.
    let mut warm = Client::connect(addr, TIMEOUT).expect("connect");
    for i in 0..50 {
        let id = format!("W{i:05}");
        let ack = warm
            .exchange(&client::framed_adt(&template, &id), TIMEOUT)
            .expect("ACK");
        assert!(
            client::is_aa_for(&ack, &id),
            "warm-up not acknowledged AA: {}",
            String::from_utf8_lossy(&ack)
        );
    }
    drop(warm);
    let barrier = Arc::new(Barrier::new(SENDERS + 1));
    let senders: Vec<_> = (0..SENDERS)
        .map(|s| {
            let (barrier, template) = (Arc::clone(&barrier), Arc::clone(&template));
            std::thread::Builder::new()
                .name(format!("hl7-bench-sender-{s}"))
                .spawn(move || {
                    let frames: Vec<(String, Vec<u8>)> = (0..per_sender)
                        .map(|i| {
                            let id = format!("S{s:02}M{i:06}");
                            let frame = client::framed_adt(&template, &id);
                            (id, frame)
                        })
                        .collect();
                    let mut client = Client::connect(addr, TIMEOUT).expect("connect");
                    barrier.wait();
                    let mut latencies = Vec::with_capacity(per_sender);
                    for (id, frame) in &frames {
                        let t = Instant::now();
                        let ack = client.exchange(frame, TIMEOUT).expect("ACK");
                        latencies.push(t.elapsed());
                        assert!(
                            client::is_aa_for(&ack, id),
                            "not acknowledged AA: {}",
                            String::from_utf8_lossy(&ack)
                        );
                    }
                    latencies
                })
                .expect("sender")
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let latencies: Vec<Duration> = senders
        .into_iter()
        .flat_map(|s| s.join().expect("sender"))
        .collect();
    let wall = start.elapsed();
    let n = latencies.len();
    let s = report::summarize(latencies);
    println!(
        "| {name} | {n} | {} | {:.0} | {} | {} | {} | {} |",
        report::ms(wall),
        n as f64 / wall.as_secs_f64(),
        report::ms(s.p50),
        report::ms(s.p99),
        report::ms(s.max),
        journal_count(&sink)
    );
    rt.block_on(handle.stop());
}

/// Peak and current resident memory of this process, in KiB (VmHWM, VmRSS).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let read = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("a VmHWM/VmRSS line")
    };
    (read("VmHWM:"), read("VmRSS:"))
}

/// Resets VmHWM to the current resident size (Linux ≥ 4.0).
fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("/proc/self/clear_refs");
}

const LARGE_SIZE: usize = 5 * 1024 * 1024;

/// A listener on a fresh SQLite file, a connection to it, and the ADT of the MDM's patient
/// exchanged (the connection, the store and the patient set up).
struct LargeBench {
    _dir: tempfile::TempDir,
    rt: tokio::runtime::Runtime,
    handle: ListenerHandle,
    sink: Arc<JournalSink>,
    client: Client,
}

impl LargeBench {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("large.db"), &DbKey::generate()).expect("store");
        let rt = runtime();
        let sink = Arc::new(JournalSink::new(store));
        let handle = start(&rt, Arc::clone(&sink));
        let mut client = Client::connect(handle.local_addr(), TIMEOUT).expect("connect");
        // The MDM's patient (same INS and traits), qualified here so that the document is
        // filed (decision 51: the fixture's VALI would send it to reconciliation).
        let adt = client::with_field(&client::adt_template(), "MSH", 10, "LW0");
        let adt = client::with_field(&adt, "PID", 32, "QUAL");
        let ack = client.exchange(&mllp::encode(&adt), TIMEOUT).expect("ACK");
        assert!(
            client::is_aa_for(&ack, "LW0"),
            "{}",
            String::from_utf8_lossy(&ack)
        );
        Self {
            _dir: dir,
            rt,
            handle,
            sink,
            client,
        }
    }

    /// Sends the MDM with MSH-10 `id`: the ACK latency, the peak RSS growth in bytes and
    /// MSA-1.
    fn send(&mut self, template: &[u8], id: &str) -> (Duration, u64, String) {
        // Built and touched before the reset: the sender's own copy is not counted.
        let frame = mllp::encode(&client::with_control_id(template, id));
        std::thread::sleep(Duration::from_millis(200));
        reset_peak();
        let (_, before) = memory_kib();
        let t = Instant::now();
        let ack = self.client.exchange(&frame, TIMEOUT).expect("ACK");
        let latency = t.elapsed();
        let (peak, _) = memory_kib();
        let code = client::code_for(&ack, id);
        (latency, peak.saturating_sub(before) * 1024, code)
    }

    fn stop(self) {
        drop(self.client);
        self.rt.block_on(self.handle.stop());
    }
}

/// The child of phase `large`: one MDM in a fresh process; prints `LARGE nanos bytes`.
pub fn large_mdm_child() {
    let template = client::large_mdm(LARGE_SIZE);
    let mut bench = LargeBench::new();
    let (latency, growth, code) = bench.send(&template, "LARGE0");
    bench.stop();
    println!("LARGE {} {growth} {code}", latency.as_nanos());
}

/// Phase `large`: a 5 MiB MDM in 3 fresh processes (latency, memory), then 5 more in this
/// process one after the other (latency with everything warm).
pub fn large_mdm() {
    let template = client::large_mdm(LARGE_SIZE);
    chevet::hl7::parse(&template).expect("the large MDM is readable");
    let size = template.len() as f64;
    println!(
        "### One MDM^T02 of {} bytes (base64 OBX-5), SQLite file\n",
        template.len()
    );
    println!("| run | MSA-1 | ACK latency | peak RSS growth | growth / message size |");
    println!("|---|---|---:|---:|---:|");
    let row = |what: &str, (latency, growth, code): (Duration, u64, String)| {
        println!(
            "| {what} | {code} | {} | {:.1} MB | {:.2}× |",
            report::ms(latency),
            growth as f64 / 1e6,
            growth as f64 / size
        );
    };
    for run in 1..=3 {
        let output = std::process::Command::new(std::env::current_exe().expect("this binary"))
            .env(crate::fault::CHILD_ENV, "large")
            .output()
            .expect("child");
        let text = String::from_utf8_lossy(&output.stdout);
        let parsed = text.lines().find_map(|l| {
            let mut parts = l.strip_prefix("LARGE ")?.split(' ');
            let nanos: u64 = parts.next()?.parse().ok()?;
            let growth: u64 = parts.next()?.parse().ok()?;
            Some((
                Duration::from_nanos(nanos),
                growth,
                parts.next()?.to_owned(),
            ))
        });
        row(
            &format!("fresh process {run}"),
            parsed.expect("the child's LARGE line"),
        );
    }
    let mut bench = LargeBench::new();
    for run in 1..=5 {
        let measured = bench.send(&template, &format!("LARGE{run}"));
        row(&format!("same process, message {run}"), measured);
    }
    println!("\njournal rows {}\n", journal_count(&bench.sink));
    bench.stop();
    where_the_time_goes(&template);
}

/// The large MDM's steps without the network, each on a fresh SQLite file (median of 3).
fn where_the_time_goes(template: &[u8]) {
    let median = |step: &dyn Fn(usize) -> Duration| {
        let mut runs: Vec<Duration> = (0..3).map(step).collect();
        runs.sort();
        report::ms(runs[1])
    };
    let fresh = || {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("steps.db"), &DbKey::generate()).expect("db");
        (dir, store)
    };
    let received = |id: &str| {
        let raw = client::with_control_id(template, id);
        ReceivedMessage {
            sending_application: "BENCH".to_owned(),
            sending_facility: "BENCH".to_owned(),
            control_id: id.to_owned(),
            message_type: "MDM^T02^MDM_T02".to_owned(),
            raw: raw.into(),
        }
    };
    let parse = median(&|_| {
        let t = Instant::now();
        crate::parse::parse_and_walk(template);
        t.elapsed()
    });
    let journal = median(&|i| {
        let (_dir, store) = fresh();
        let message = received(&format!("J{i}"));
        let t = Instant::now();
        hl7_journal::record(&store, &journal_incoming(&message)).expect("record");
        t.elapsed()
    });
    let intake = median(&|i| {
        let (_dir, mut store) = fresh();
        let message = received(&format!("I{i}"));
        let t = Instant::now();
        record_and_file(&mut store, &message).expect("record and file");
        t.elapsed()
    });
    println!("Where the time goes (no network, fresh SQLite file, median of 3):\n");
    println!("| step | time |");
    println!("|---|---:|");
    println!("| parse + walk every subcomponent | {parse} |");
    println!("| journal row alone (`hl7_journal::record`) | {journal} |");
    println!(
        "| journal + intake in one transaction (`intake::sink::record_and_file`) | {intake} |"
    );
    println!();
}

fn journal_incoming(message: &ReceivedMessage) -> hl7_journal::Incoming<'_> {
    hl7_journal::Incoming {
        sending_application: &message.sending_application,
        sending_facility: &message.sending_facility,
        control_id: &message.control_id,
        message_type: &message.message_type,
        raw: &message.raw,
        ack_code: "AA",
    }
}
