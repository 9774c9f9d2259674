#!/usr/bin/env bash
# Outbox benchmarks and reliability run (issue 15): prints the machine, then runs
# `cargo bench --bench outbox` — documents per second to the sandbox DMP at 200 ms per feeding
# (1, 8, 16 lanes), a 1,000-document history, the app's frame time while it drains, and the
# fault run (1,000 documents, 30 % faults, 50 SIGKILLs, directly and through the sandbox
# gateway). Phases may be named: `scripts/bench-outbox.sh fault`. The fault run's size follows
# CHEVET_BENCH_OUTBOX_DOCUMENTS and CHEVET_BENCH_OUTBOX_KILLS.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}')"
cargo bench --locked --bench outbox -- "$@"
