#!/usr/bin/env bash
# Starts Chevet on its embedded sandbox (simulated services, fictitious patients), after
# installing what it needs on a Debian machine: build and window-system packages, the PDF
# engine, and a release build. Idempotent: a second run only starts Chevet.
# Extra arguments go to chevet (e.g. --lang en, --data-dir DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
ensure_apt_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"
fetch_pdfium
cargo build --release --locked
exec target/release/chevet "$@"
