#!/usr/bin/env bash
# Runs the benchmarks with their peers installed (Python lxml, poppler's pdftoppm, xsltproc;
# PostgreSQL for the establishment bench) and prints markdown tables for docs/benchmarks.md.
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
# Establishment mode (issue 13): against a throwaway PostgreSQL cluster (installed if missing),
# 100,000 patients and 1,000,000 documents loaded on each run (about 8 minutes on 2 cores).
scripts/pg-test-cluster.sh run -- cargo bench --locked --bench establishment
