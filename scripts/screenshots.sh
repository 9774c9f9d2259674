#!/usr/bin/env bash
# Takes real screenshots of Chevet's main screens in a virtual X display (Xvfb), driving the
# app with the keyboard like a user: login, patient list, patient folder, document. Writes
# docs/screenshots/*.png. Uses a fresh sandbox data directory each time.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

ensure_apt_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" xvfb xauth xdotool imagemagick x11-utils
fetch_pdfium
# CHEVET_SCREENSHOT_BIN=target/debug/chevet reuses a build already made.
bin=${CHEVET_SCREENSHOT_BIN:-target/release/chevet}
[ -n "${CHEVET_SCREENSHOT_BIN:-}" ] || cargo build --release --locked

out=docs/screenshots
mkdir -p "$out"
data=$(mktemp -d)
runtime_dir=$(mktemp -d)
display=:${CHEVET_SCREENSHOT_DISPLAY:-97}
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb_pid=$!
trap 'kill "${app_pid:-}" "$xvfb_pid" 2>/dev/null || true; rm -rf "$data" "$runtime_dir"' EXIT
export DISPLAY=$display XDG_RUNTIME_DIR=$runtime_dir
sleep 1

"$bin" --data-dir "$data" "$@" &
app_pid=$!

wid=""
for _ in $(seq 1 100); do
  wid=$(xdotool search --name "Chevet" 2>/dev/null | head -1 || true)
  [ -n "$wid" ] && break
  sleep 0.2
done
[ -n "$wid" ] || { echo "no Chevet window appeared" >&2; exit 1; }
xdotool windowmove "$wid" 0 0 windowsize "$wid" 1280 800 || true

shot() { sleep "${2:-1.5}"; import -window "$wid" "$out/$1.png"; echo "==> $out/$1.png"; }
keys() { xdotool key --delay 60 "$@"; }
typed() { xdotool type --delay 40 "$1"; }

click() { xdotool mousemove --window "$wid" "$1" "$2" click 1; sleep "${3:-0.5}"; }

# The sandbox seeds its demo data on first start; the login form appears when it is done.
# It opens on Pro Santé Connect (browser or e-CPS).
shot login 6
# No window manager under Xvfb: focus the window, then click so that egui receives the keys.
xdotool windowfocus --sync "$wid" 2>/dev/null || true
# The CPS card tab, with the sandbox virtual card inserted: holder, attempts, PIN.
click 623 202
click 640 342 2
shot login-card 0.5
# Pull it again, then sign in with the local account (identifier field under the tabs).
click 640 430
click 738 202
click 647 242 0.3
typed medecin; keys Tab; typed chevet-demo; keys Return
shot patients 2
typed pat-trois
sleep 1; keys Return
shot folder 2
# Documents are sorted newest first. Row 2 is a lab report N3: its PDF copy shows first.
keys Down Return
shot document 3
cp "$out/document.png" "$out/doc-lab-n3-pdf.png"
# V switches to the structured view of the same report.
keys v
shot doc-lab-n3-structured 2
# Escape goes back to the folder; Home/End and arrows choose a row (newest first).
open_row() {
  keys Escape
  sleep 1
  keys "$@" Return
}
# The oldest entry is the lettre de liaison (N3 without PDF copy: structured view first).
open_row End
shot doc-lettre-liaison 3
# The imaging report of row 4 (its v2; the N3 scanner report of the same day is row 5) is an
# N1 document: its body is a PDF.
open_row Home Down Down Down
shot doc-n1-pdf 3
# The DMP: back to the folder, record "informé et non opposé" (Alt+2, Ctrl+S); PAT-TROIS is in
# hospital, so Ctrl+R asks for the count and the DMP's list. The three newest rows are the
# DMP's own documents (an outside cardiologist's, this hospital's invisible one, another
# hospital's letter).
keys Escape
sleep 1
keys alt+2 ctrl+s
sleep 2
keys ctrl+r
shot folder-dmp 3
# Ctrl+D: the DMP's documents only, the hospital's own marked as integrated.
keys ctrl+d
shot folder-dmp-list 2
keys ctrl+d
# Row 2 is invisible to the patient: Ctrl+M asks to make it visible.
keys Home Down ctrl+m
shot dmp-make-visible 1.5
keys Escape
# A DMP document in the viewer (PDF first), with "Intégrer au dossier".
keys Home Return
shot document-dmp 3
keys Escape
sleep 1
# Ctrl+L locks: the lock screen hides everything.
keys ctrl+l
shot lock 1.5
# The window's screens are done: stop it (the build below wants the CPU).
kill "$app_pid" 2>/dev/null || true
wait "$app_pid" 2>/dev/null || true

# Establishment mode (a shared PostgreSQL record, degraded mode when it is unreachable) needs a
# database and a cut in the network: rather than driving real windows, the UI tests' harness
# renders those screens (tests/integration/screenshots.rs, ignored by the normal test run) on a
# throwaway cluster (installed if missing), in software Vulkan (mesa's lavapipe, among the
# runtime packages above): establishment-folder.png, services.png, degraded.png, and on a single
# workstation inbox.png, received-document.png, outbox.png, annuaire.png, mss-receipts.png,
# identity-insi.png (the sandbox INSi's answer beside the folder), accounts.png and
# totp-enrolment.png.
scripts/pg-test-cluster.sh run -- env CHEVET_SCREENSHOTS_DIR="$PWD/$out" WGPU_BACKEND=vulkan \
  cargo test --locked --test integration -- --ignored screenshots::
echo "screenshots written to $out"
