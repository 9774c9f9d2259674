#!/usr/bin/env bash
# Usage-indicator benchmark (issue 18): prints the machine, then runs
# `cargo bench --bench indicators` — `indicators::compute` over 1,000,000 generated documents
# and 100,000 DMP traces (sandbox::indicators_load::fill), cold and warm, on SQLCipher and, when
# the PostgreSQL test cluster is available, on PostgreSQL (run under
# `scripts/pg-test-cluster.sh run -- scripts/bench-indicators.sh`). A Markdown table.
# Smaller runs: CHEVET_BENCH_INDICATOR_DOCUMENTS, CHEVET_BENCH_INDICATOR_TRACES,
# CHEVET_BENCH_RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}')"
cargo bench --locked --bench indicators -- "$@"
