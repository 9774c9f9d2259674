#!/usr/bin/env bash
# INSi benchmarks (issue 17): prints the machine, then runs `cargo bench --bench insi` — the
# INSi round trip against the sandbox INSi over mutual TLS (p50/p99 on a kept-alive
# connection and with a TLS handshake each time), and the search strategy's calls on each case
# of the sandbox identities. Phases may be named: `scripts/bench-insi.sh strategy`.
# CHEVET_BENCH_INSI_CALLS sets the number of calls (500).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}')"
cargo bench --locked --bench insi -- "$@"
