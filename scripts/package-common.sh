#!/usr/bin/env bash
# Shared steps of the package scripts (package-deb.sh, package-appimage.sh): the production
# binary they package. Sourced after scripts/lib.sh, never run.

# build_production_binary PROFILE: builds Chevet without the `sandbox` feature in PROFILE
# (release or debug), checks that no sandbox is inside, and prints the binary's path.
build_production_binary() {
  local profile="$1" flags=(--locked --no-default-features --bin chevet) bin marker
  case "$profile" in
    release) flags+=(--release) ;;
    debug) ;;
    *) echo "CHEVET_PROFILE must be release or debug, not '$profile'" >&2; return 2 ;;
  esac
  command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; return 1; }
  ensure_apt_packages "${BUILD_PACKAGES[@]}" >&2
  fetch_pdfium >&2
  [ -f vendor/pdfium/libpdfium.so ] || { echo "no PDFium for this platform" >&2; return 1; }
  echo "==> building the production binary ($profile, no sandbox)" >&2
  cargo build "${flags[@]}" >&2
  bin="target/$profile/chevet"
  # Another build (the tests, the sandbox) relinks the same file with the sandbox: never
  # package that.
  for marker in "src/sandbox/" "chevet-demo" "SandboxDemo"; do
    if grep -a -q -F "$marker" "$bin"; then
      echo "$bin carries the sandbox ('$marker'): was it rebuilt meanwhile?" >&2
      return 1
    fi
  done
  echo "$bin"
}
