#!/usr/bin/env bash
# Checks the production build (what the Debian package is made from): Chevet built without the
# `sandbox` feature carries no simulator, no demo account and no demo data; it refuses to start
# without a configuration, and starts to its first frame (in a virtual X display) against a
# production configuration file. Debug profile by default (reuses the test build's
# dependencies); CHEVET_PROFILE=release checks the release build. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_apt_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" xvfb xauth
fetch_pdfium

profile=${CHEVET_PROFILE:-debug}
flags=(--locked --no-default-features --bin chevet)
[ "$profile" = release ] && flags+=(--release)
cargo build "${flags[@]}"

work=$(mktemp -d)
display=:${CHEVET_CHECK_DISPLAY:-95}
xvfb_pid=""
cleanup() {
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && wait "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# The binary is copied away: the test build that follows relinks target/*/chevet with the sandbox.
bin="$work/chevet"
cp "target/$profile/chevet" "$bin"

fail() { echo "production build: $*" >&2; exit 1; }

# 1. Nothing of the sandbox inside: no simulator, no demo account, no demo data.
# (Panic locations name source files, so no file of src/sandbox/ may appear either.)
for marker in "src/sandbox/" "chevet-demo" "PAT-TROIS" "SandboxDemo" "Virtual PCD"; do
  if grep -a -q -F "$marker" "$bin"; then
    fail "the binary still carries '$marker'"
  fi
done
echo "production build: no sandbox marker in $(du -h "$bin" | cut -f1) of binary"

# 2. Without a configuration it says what to do and stops.
if out=$("$bin" --data-dir "$work/none" --exit-after-first-frame 2>&1); then
  fail "started without a configuration"
fi
grep -q -- "--config" <<<"$out" || fail "no hint about --config: $out"

# 3. With a production configuration it starts to its first frame.
write_check_config "$work/chevet.toml" "$work/data"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
export DISPLAY=$display XDG_RUNTIME_DIR=$work
export WGPU_BACKEND="${WGPU_BACKEND:-vulkan}"
out=$(timeout 120 "$bin" --config "$work/chevet.toml" --exit-after-first-frame) ||
  fail "did not start against its configuration (exit $?)"
grep -q "first_frame_ms=" <<<"$out" || fail "no first frame: $out"
log=$(cat "$work"/data/logs/chevet*.log)
grep -q "sandbox=false" <<<"$log" || fail "the log does not say production"
echo "production build: started against a configuration file ($out)"
