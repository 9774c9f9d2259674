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
# pcscd + vsmartcard-vpcd (PC/SC with a virtual reader the card tests plug a virtual CPS
# into), Node.js (the npm oidc-provider OpenID/CIBA peer), postgresql (a throwaway cluster for
# the store tests on the PostgreSQL backend; installed by scripts/pg-test-cluster.sh if missing).
ensure_apt_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" keyutils libxml2-utils xsltproc xmlsec1 openssl \
  pcscd pcsc-tools vsmartcard-vpcd
command -v node >/dev/null || ensure_apt_packages nodejs npm
fetch_pdfium
# Supply chain: cargo-deny (pinned, from crates.io) and the vendored RustSec database laid out
# where it reads it offline.
ensure_cargo_deny
prepare_advisory_db

[ -d ../shared/fixtures ] || { echo "test fixtures expected in ../shared/fixtures" >&2; exit 1; }

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo deny: licences, advisories (vendored database, offline), bans, sources"
cargo fetch --locked --quiet
cargo deny --locked --offline check --hide-inclusion-graph --show-stats
echo "==> cargo clippy"
cargo clippy --locked --all-targets -- -D warnings
echo "==> cargo clippy, production build (no sandbox)"
cargo clippy --locked --no-default-features --bin chevet --lib -- -D warnings
echo "==> production build: no sandbox inside, starts against a configuration file"
./scripts/check-production-build.sh
echo "==> packages: the .deb installed on a fresh Debian root (debootstrap), the AppImage's image"
# The debug production build just made above (no release build in CI); the AppImage step itself
# is skipped, saying so, while the pinned runtime is not vendored (packaging/README.md).
CHEVET_PROFILE=debug ./scripts/test-deb-install.sh
CHEVET_PROFILE=debug CHEVET_APPIMAGE_RUNTIME_OPTIONAL=1 ./scripts/package-appimage.sh
# Test peers, started here and stopped by PID when the script ends.
PEER_PIDS=()
PEER_LOGS="$(mktemp -d)"
stop_peers() {
  # The PostgreSQL cluster is no child of this shell (pg_ctl detaches it; as root it runs as
  # the postgres user): kill + wait cannot stop it. Its own function stops it, waiting for it,
  # takes its PID out of PEER_PIDS and deletes its folder.
  if declare -F pg_test_cluster_stop >/dev/null; then pg_test_cluster_stop; fi
  for pid in "${PEER_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PEER_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$PEER_LOGS"
}
trap stop_peers EXIT

echo "==> pcscd with the vpcd virtual reader (CPS card tests)"
if ! pgrep -x pcscd >/dev/null; then
  # The daemon itself is the background job (as root), or sudo, which passes the signal on:
  # never a shell wrapper, whose PID would leave pcscd — and vpcd's one card port — running
  # after the tests, for a later run to share.
  if [ "$(id -u)" -eq 0 ]; then
    pcscd --foreground >"$PEER_LOGS/pcscd.log" 2>&1 &
  else
    sudo pcscd --foreground >"$PEER_LOGS/pcscd.log" 2>&1 &
  fi
  PEER_PIDS+=("$!")
fi
for _ in $(seq 1 50); do [ -S /run/pcscd/pcscd.comm ] && break; sleep 0.1; done
[ -S /run/pcscd/pcscd.comm ] || { cat "$PEER_LOGS/pcscd.log" >&2; echo "pcscd did not start" >&2; exit 1; }
export CHEVET_REQUIRE_PCSC=1

echo "==> OpenID/CIBA peer (npm oidc-provider, tests/peers/oidc)"
npm ci --prefix tests/peers/oidc --no-audit --no-fund --loglevel=error
node tests/peers/oidc/psc-peer.mjs 0 >"$PEER_LOGS/oidc.log" 2>&1 &
PEER_PIDS+=("$!")
for _ in $(seq 1 100); do
  grep -q '^READY ' "$PEER_LOGS/oidc.log" && break
  sleep 0.1
done
CHEVET_OIDC_PEER_URL="$(awk '/^READY /{print $2; exit}' "$PEER_LOGS/oidc.log")"
[ -n "$CHEVET_OIDC_PEER_URL" ] || { cat "$PEER_LOGS/oidc.log" >&2; echo "OpenID peer did not start" >&2; exit 1; }
export CHEVET_OIDC_PEER_URL CHEVET_REQUIRE_OIDC_PEER=1

echo "==> HL7 v2 peers (python hl7: mllp_send drives the MLLP listener; hl7apy)"
command -v python3 >/dev/null || ensure_apt_packages python3 python3-pip
python3 -c "import hl7, hl7apy" 2>/dev/null \
  || python3 -m pip install --quiet hl7 hl7apy 2>/dev/null \
  || python3 -m pip install --quiet --break-system-packages hl7 hl7apy
command -v mllp_send >/dev/null || { echo "mllp_send (python hl7) not on PATH" >&2; exit 1; }
export CHEVET_REQUIRE_HL7_PEER=1

echo "==> PostgreSQL throwaway cluster (store tests on both backends)"
# Exports CHEVET_TEST_PG_URL, CHEVET_TEST_PG_CA, CHEVET_REQUIRE_PG=1; the server's PID joins PEER_PIDS.
# shellcheck source=scripts/pg-test-cluster.sh
source scripts/pg-test-cluster.sh

echo "==> cargo test (OS keyring tests in a fresh keyutils session)"
# Software rendering for the headless UI tests; one UI test at a time keeps lavapipe's memory low.
export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"
CHEVET_REQUIRE_KEYRING=1 keyctl session - cargo test --locked --lib --bins --tests --no-fail-fast

echo "==> the UI flows again, each workstation on a shared PostgreSQL record (establishment mode)"
# Same screens and workers; every app's record is a seeded schema of the throwaway cluster,
# reached with the workstations' least-privilege role (tests/integration/support.rs).
CHEVET_TEST_RECORD=shared CHEVET_REQUIRE_KEYRING=1 keyctl session - \
  cargo test --locked --test integration --no-fail-fast -- \
  ui_flow:: dmp_folder:: dmp_documents:: identity_flow:: psc_login:: card_peer::
