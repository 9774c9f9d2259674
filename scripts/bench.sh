#!/usr/bin/env bash
# Runs the benchmarks with their peers installed (Python lxml, poppler's pdftoppm, xsltproc;
# python hl7 and hl7apy; PostgreSQL for the HL7 listener and establishment benches) and prints
# markdown tables for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_apt_packages "${BUILD_PACKAGES[@]}" xsltproc poppler-utils
python3 -c "import lxml" 2>/dev/null || python3 -m pip install --quiet lxml
fetch_pdfium
cargo bench --locked --bench patient_list
cargo bench --locked --bench cda
cargo bench --locked --bench dmp
# HL7 v2 intake (issue 14): parse against python hl7 and hl7apy, the MLLP listener (SQLite, then
# PostgreSQL), a 5 MiB MDM, the kill -9 fault run.
scripts/bench-hl7.sh --pg
# Establishment mode (issue 13): against a throwaway PostgreSQL cluster (installed if missing),
# 100,000 patients and 1,000,000 documents loaded on each run (about 8 minutes on 2 cores).
scripts/pg-test-cluster.sh run -- cargo bench --locked --bench establishment
