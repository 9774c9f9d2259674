//! Parse benches: the fixture set against the Python peers (phase `parse`) and one 1 KB ADT on
//! one core (phase `adt`). "Parse" is `chevet::hl7::parse` plus a walk of every segment (its
//! name read), field, repetition, component and subcomponent, reading each subcomponent's
//! decoded text (`text()`: escapes decoded) and counting the non-empty ones; the peers build
//! their trees and walk them to their leaves the same way (python `hl7` leaves are raw strings,
//! the segment name included; hl7apy's values are read as typed values), so every side reads
//! every value once.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chevet::hl7::Message;

use crate::common::report;

/// Parses `bytes` and reads every subcomponent's text: the non-empty leaves.
pub fn parse_and_walk(bytes: &[u8]) -> usize {
    let message = chevet::hl7::parse(bytes).expect("a readable message");
    walk(&message)
}

fn walk(message: &Message<'_>) -> usize {
    let mut leaves = 0;
    for segment in message.all_segments() {
        leaves += usize::from(!black_box(segment.name()).is_empty());
        for field in segment.fields() {
            for repetition in field.repetitions() {
                for component in repetition.components() {
                    for sub in component.subcomponents() {
                        leaves += usize::from(!black_box(sub.text()).is_empty());
                    }
                }
            }
        }
    }
    leaves
}

/// What one tool did: time for all rounds, messages parsed, leaves of one round.
struct Run {
    tool: String,
    total: Duration,
    messages: usize,
    leaves: usize,
}

impl Run {
    fn per_message(&self) -> Duration {
        self.total / self.messages.max(1) as u32
    }
}

fn peers(rounds: usize, apy_rounds: usize, files: &[impl AsRef<Path>]) -> Vec<Run> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/hl7/peers.py");
    let output = match Command::new("python3")
        .arg(script)
        .arg(rounds.to_string())
        .arg(apy_rounds.to_string())
        .args(files.iter().map(AsRef::as_ref))
        .output()
    {
        Ok(output) if output.status.success() => output,
        Ok(output) => {
            eprintln!(
                "Python peers failed (pip install hl7 hl7apy): {}",
                String::from_utf8_lossy(&output.stderr)
            );
            return Vec::new();
        }
        Err(e) => {
            eprintln!("python3 not run: {e}");
            return Vec::new();
        }
    };
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let tool = parts.next()?.to_owned();
            let secs: f64 = parts.next()?.parse().ok()?;
            let messages = parts.next()?.parse().ok()?;
            let leaves = parts.next()?.parse().ok()?;
            Some(Run {
                tool,
                total: Duration::from_secs_f64(secs),
                messages,
                leaves,
            })
        })
        .collect()
}

/// Phase `parse`: the fixture set × `rounds` (Chevet), × rounds/10 (python `hl7`), × 2
/// (hl7apy), same process tree, same bytes.
pub fn fixtures_against_peers(rounds: usize) {
    let files = crate::fixture_files();
    let messages: Vec<Vec<u8>> = files
        .iter()
        .map(|p| crate::with_cr(&std::fs::read(p).expect("fixture")))
        .collect();
    let bytes: usize = messages.iter().map(Vec::len).sum();
    for m in &messages {
        parse_and_walk(m); // warm-up
    }
    let start = Instant::now();
    let mut leaves = 0;
    for _ in 0..rounds {
        leaves = messages.iter().map(|m| parse_and_walk(m)).sum();
    }
    let ours = Run {
        tool: "Chevet (`chevet::hl7`, Rust)".to_owned(),
        total: start.elapsed(),
        messages: rounds * messages.len(),
        leaves,
    };
    let mut runs = vec![ours];
    runs.extend(peers((rounds / 10).max(1), 2, &files));
    println!(
        "### Parse + walk: {} fixtures ({:.2} MB) per round\n",
        messages.len(),
        bytes as f64 / 1e6
    );
    println!(
        "| tool | rounds | total | per message | per round | leaves per round | Chevet faster by |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let ours_per_message = runs[0].per_message().as_secs_f64();
    for run in &runs {
        let rounds = run.messages / messages.len();
        let per_round = run.total / rounds.max(1) as u32;
        let ratio = run.per_message().as_secs_f64() / ours_per_message;
        println!(
            "| {} | {rounds} | {} | {} | {} | {} | {ratio:.1}× |",
            run.tool,
            report::ms(run.total),
            us(run.per_message()),
            report::ms(per_round),
            run.leaves
        );
    }
    println!();
}

fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1e6)
}

/// Phase `adt`: the 1 KB ADT, one thread: throughput of back-to-back parses, then the p50 of
/// single parses timed one by one; parse alone and parse + walk.
pub fn one_adt() {
    let adt = crate::client::adt_template();
    println!("### One ADT^A01 of {} bytes, one thread\n", adt.len());
    println!("| what | messages | msg/s | p50 | p99 |");
    println!("|---|---:|---:|---:|---:|");
    let parse_only = |b: &[u8]| chevet::hl7::parse(b).expect("ADT").segment_count();
    measure("parse", &adt, &parse_only);
    measure("parse + walk every subcomponent", &adt, &parse_and_walk);
    println!();
}

fn measure(what: &str, adt: &[u8], work: &dyn Fn(&[u8]) -> usize) {
    for _ in 0..10_000 {
        black_box(work(black_box(adt)));
    }
    // Throughput: back to back for about 2 s.
    let (mut n, start) = (0usize, Instant::now());
    while start.elapsed() < Duration::from_secs(2) {
        for _ in 0..1000 {
            black_box(work(black_box(adt)));
        }
        n += 1000;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    // Latency: 200,000 parses, each timed.
    let samples: Vec<Duration> = (0..200_000)
        .map(|_| {
            let t = Instant::now();
            black_box(work(black_box(adt)));
            t.elapsed()
        })
        .collect();
    let s = report::summarize(samples);
    println!(
        "| {what} | {n} | {rate:.0} | {} | {} |",
        us(s.p50),
        us(s.p99)
    );
}
