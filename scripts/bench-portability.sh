#!/usr/bin/env bash
# Data portability benchmark (issue 18): prints the machine, then runs
# `cargo bench --bench portability` — the whole establishment exported as an archive and
# imported into an empty SQLCipher store, 10,000 documents by default
# (CHEVET_BENCH_PORTABILITY_DOCUMENTS): export and import times, the archive's size, as a
# Markdown table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}')"
cargo bench --locked --bench portability -- "$@"
