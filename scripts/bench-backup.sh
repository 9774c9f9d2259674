#!/usr/bin/env bash
# Backup and restore benchmark (issue 18): prints the machine, then runs `cargo bench --bench
# backup` — a SQLCipher store of CHEVET_BENCH_BACKUP_MB MiB (1024 by default) backed up with the
# SQLite backup API and restored into a second data directory (key unwrapped, SHA-256 checked,
# rekeyed, migrated, audit chain walked); a Markdown table of the times. Needs about three times
# the store's size in free space under $TMPDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2}') GiB, rustc $(rustc --version | awk '{print $2}'), disk: $(df -h "${TMPDIR:-/tmp}" | awk 'NR==2 {print $4}') free"
cargo bench --locked --bench backup -- "$@"
