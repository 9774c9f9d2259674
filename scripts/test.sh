#!/usr/bin/env bash
# Runs every check and test of Chevet, after installing what they need on a Debian machine
# (build packages, software Vulkan for the headless UI tests, keyutils for the OS-keyring
# tests, the PDF engine). Idempotent. This is what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
# Test peers: keyutils (OS keyring), xmllint (CDA and XDS schemas), xsltproc (agency
# stylesheet), xmlsec1 and openssl (XML signatures of the VIHF and XAdES).
ensure_apt_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" keyutils libxml2-utils xsltproc xmlsec1 openssl
fetch_pdfium

[ -d ../shared/fixtures ] || { echo "test fixtures expected in ../shared/fixtures" >&2; exit 1; }

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
echo "==> cargo test (OS keyring tests in a fresh keyutils session)"
# Software rendering for the headless UI tests; one UI test at a time keeps lavapipe's memory low.
export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"
CHEVET_REQUIRE_KEYRING=1 keyctl session - cargo test --locked --lib --bins --tests --no-fail-fast
