//! HL7 v2 intake benchmarks (issue 14), each printing a Markdown table for docs/benchmarks.md:
//! 1. `parse`: every message fixture of `shared/fixtures/hl7v2` × N, parsed and walked down to
//!    every subcomponent (its decoded text read), against python `hl7` and hl7apy doing the
//!    same in the same run (`hl7/peers.py`);
//! 2. `adt`: one 1 KB ADT^A01 on one core: messages per second and the p50 of one parse;
//! 3. `listener`: the real MLLP listener (`hl7::listener::start` with the journal sink) on a
//!    SQLite file, 10 sender threads on loopback, each sending distinct ADTs and waiting for
//!    each ACK: messages committed and acknowledged per second (and on PostgreSQL when
//!    `CHEVET_TEST_PG_URL` is set, e.g. under `scripts/pg-test-cluster.sh run --`);
//! 4. `large`: a 5 MiB MDM (a fixture's base64 OBX-5 made larger) sent and acknowledged: its
//!    latency, and how much the process's peak resident memory grew (VmHWM, reset through
//!    /proc/self/clear_refs just before the send) in a fresh process (this binary re-executed
//!    with `CHEVET_BENCH_HL7_CHILD=large`: a warm allocator would hide the growth);
//! 5. `fault`: 1,000 messages to a listener in another process (this binary re-executed with
//!    `CHEVET_BENCH_HL7_CHILD=listen`) killed with SIGKILL 10 times and restarted; the sender
//!    resends what was not acknowledged; then the journal is checked: every acknowledged
//!    message there exactly once.
//!
//! Run: `./scripts/bench-hl7.sh` (installs the Python peers; the PostgreSQL row with
//! `--pg`), or `cargo bench --bench hl7`. `CHEVET_BENCH_HL7=parse,adt` runs some phases only;
//! `CHEVET_BENCH_HL7_ROUNDS` and `CHEVET_BENCH_HL7_PER_SENDER` shrink the runs.

#![allow(clippy::print_stdout, clippy::print_stderr, clippy::expect_used)] // a benchmark reports on stdout

#[path = "hl7/client.rs"]
mod client;
mod common;
#[path = "hl7/fault.rs"]
mod fault;
#[path = "hl7/listener.rs"]
mod listener;
#[path = "hl7/parse.rs"]
mod parse;

use std::path::{Path, PathBuf};

/// The HL7 v2 fixtures' folder.
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/hl7v2")
}

/// Every message fixture (the agency's ACK examples left out), sorted.
fn fixture_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![fixtures_dir()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if (name.ends_with(".hl7") || name.ends_with(".er7")) && !name.starts_with("ack")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "the HL7 v2 fixtures are missing");
    out
}

/// A fixture as both sides of `parse` get it: CR between segments, no trailing line end.
fn with_cr(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (bytes[i], bytes.get(i + 1)) {
            (b'\r', Some(b'\n')) => {
                out.push(b'\r');
                i += 2;
                continue;
            }
            (b'\n', _) => out.push(b'\r'),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    while out.last() == Some(&b'\r') {
        out.pop();
    }
    out
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| {
            v.parse()
                .expect("a number in the CHEVET_BENCH_HL7_* variable")
        })
        .unwrap_or(default)
}

fn main() {
    match std::env::var(fault::CHILD_ENV).as_deref() {
        Ok("listen") => return fault::listen_child(),
        Ok("large") => return listener::large_mdm_child(),
        _ => {}
    }
    let phases = std::env::var("CHEVET_BENCH_HL7")
        .unwrap_or_else(|_| "parse,adt,listener,large,fault".to_owned());
    let wanted = |phase: &str| phases.split(',').any(|p| p.trim() == phase);
    println!("HL7 v2 intake benchmarks (see docs/benchmarks.md, \"HL7 v2 intake\")\n");
    if wanted("parse") {
        parse::fixtures_against_peers(env_usize("CHEVET_BENCH_HL7_ROUNDS", 200));
    }
    if wanted("adt") {
        parse::one_adt();
    }
    if wanted("listener") {
        listener::throughput(env_usize("CHEVET_BENCH_HL7_PER_SENDER", 500));
    }
    if wanted("large") {
        listener::large_mdm();
    }
    if wanted("fault") {
        fault::run(1000, 10);
    }
}
