#!/usr/bin/env bash
# HL7 v2 intake benchmarks (issue 14): installs the Python peers (hl7, hl7apy) when missing,
# prints the machine, then runs `cargo bench --bench hl7` (parse against the peers, one ADT on
# one core, the listener with 10 senders on SQLite, a 5 MiB MDM, the kill -9 fault run) and
# prints its Markdown tables for docs/benchmarks.md. With --pg, the listener phase runs again
# with a throwaway PostgreSQL cluster (scripts/pg-test-cluster.sh, installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
command -v python3 >/dev/null || ensure_apt_packages python3 python3-pip
python3 -c "import hl7, hl7apy" 2>/dev/null \
  || python3 -m pip install --quiet hl7 hl7apy 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages hl7 hl7apy
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}'), $(python3 --version)"
cargo bench --locked --bench hl7
if [ "${1:-}" = --pg ]; then
  CHEVET_BENCH_HL7=listener scripts/pg-test-cluster.sh run -- cargo bench --locked --bench hl7
fi
