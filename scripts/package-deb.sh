#!/usr/bin/env bash
# Builds the Debian package of the production build (no sandbox) with cargo-deb:
# target/debian/chevet_<version>-1_<arch>.deb (or CHEVET_DEB_OUT=DIR). Installs what it needs
# (the build packages, cargo-deb pinned), fetches PDFium, builds Chevet without the `sandbox`
# feature, checks that no sandbox is inside, then packages it (`cargo deb --no-build`; the
# metadata is `[package.metadata.deb]` in Cargo.toml). Prints the package's path last.
#
# CHEVET_PROFILE=release (default) is what is shipped. CHEVET_PROFILE=debug packages the debug
# production build (reusing the test build's dependencies, no 10-minute release build; xz
# level fast): what CI installs into a clean root to check the package, never shipped.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# shellcheck source=scripts/package-common.sh
source scripts/package-common.sh
# Progress on stderr; stdout carries only the package's path.
exec 3>&1 1>&2

# cargo-deb, pinned: built from crates.io with its own lock file (about 2 minutes on 2 cores).
CARGO_DEB_VERSION=3.8.0

profile=${CHEVET_PROFILE:-release}
out=${CHEVET_DEB_OUT:-target/debian}
case "$profile" in
  release) deb_flags=(--profile release) ;;
  # cargo-deb names Cargo's debug profile `dev` (and warns that it is not for releases).
  # Not stripped (stripping 130 MB takes longer than it saves), xz level fast.
  debug) deb_flags=(--profile dev --fast --no-strip) ;;
  *) echo "package-deb: CHEVET_PROFILE must be release or debug, not '$profile'" >&2; exit 2 ;;
esac

ensure_apt_packages dpkg-dev
if [ "$(cargo deb --version 2>/dev/null)" != "cargo-deb $CARGO_DEB_VERSION" ]; then
  echo "==> installing cargo-deb $CARGO_DEB_VERSION (cargo install --locked)"
  cargo install cargo-deb --version "$CARGO_DEB_VERSION" --locked --quiet
fi
build_production_binary "$profile" >/dev/null

echo "==> cargo deb ($profile)"
mkdir -p "$out"
deb=$(cargo deb --locked --no-build --no-dbgsym "${deb_flags[@]}" --output "$out" \
  | tail -n 1)
[ -f "$deb" ] || { echo "package-deb: cargo deb produced no package" >&2; exit 1; }
dpkg-deb --field "$deb" Package Version Depends Recommends
echo "$deb" >&3
