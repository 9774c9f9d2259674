//! Latency figures: nearest-rank percentiles of a set of samples, milliseconds as the benches
//! print them, and the rows of the Markdown tables of `docs/benchmarks.md`.

use std::time::Duration;

/// Percentiles of a set of latencies.
pub struct Summary {
    pub count: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

/// The nearest-rank `p`-th percentile of `sorted` (sorted ascending, not empty): the p99 of
/// 100 samples is the 99th smallest, the p50 of 10 the 5th, the p100 the largest.
pub fn percentile(sorted: &[Duration], p: usize) -> Duration {
    assert!(!sorted.is_empty(), "no samples");
    sorted[(sorted.len() * p).div_ceil(100).clamp(1, sorted.len()) - 1]
}

/// p50, p99 and max of `samples` (any order, not empty).
pub fn summarize(mut samples: Vec<Duration>) -> Summary {
    samples.sort();
    Summary {
        count: samples.len(),
        p50: percentile(&samples, 50),
        p99: percentile(&samples, 99),
        max: percentile(&samples, 100),
    }
}

/// `d` in milliseconds.
pub fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `d` in milliseconds with three significant figures or so: "0.84 ms", "49.3 ms".
pub fn ms(d: Duration) -> String {
    let ms = millis(d);
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// The head of a table of `row`s: what is measured, n, p50, p99, max, then `extra`.
pub fn table_header(first: &str, extra: &str) {
    println!("| {first} | n | p50 | p99 | max | {extra} |");
    println!("|---|---:|---:|---:|---:|---:|");
}

/// One row of a table begun by `table_header`.
pub fn row(what: &str, s: &Summary, extra: &str) {
    println!(
        "| {what} | {} | {} | {} | {} | {extra} |",
        s.count,
        ms(s.p50),
        ms(s.p99),
        ms(s.max)
    );
}
