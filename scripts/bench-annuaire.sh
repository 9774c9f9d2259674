#!/usr/bin/env bash
# Local directory benchmarks (issue 16): prints the machine, then runs `cargo bench --bench
# annuaire` — a 1,000,000-row extract in the real format imported into an encrypted store
# (time, peak memory), search as you type over it (name prefixes of 1 to 5 letters, postal
# addresses; p50/p99 per keystroke), and the app's frame time while an import runs. Phases
# may be named: `scripts/bench-annuaire.sh search`. CHEVET_BENCH_ANNUAIRE_ROWS sets the size.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}')"
cargo bench --locked --bench annuaire -- "$@"
