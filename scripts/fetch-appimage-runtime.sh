#!/usr/bin/env bash
# Fetches the AppImage type-2 runtime (the small static ELF program put in front of the
# AppImage's squashfs image; AppImage/type2-runtime, MIT licence) into vendor/appimage/, pinned
# to release 20251108 and checked against scripts/appimage-runtime.sha256. The runtime is on
# GitHub's release pages only (no Debian, PyPI, npm or crates.io package carries it): run this
# once where GitHub is reachable, or give a copy obtained otherwise (`--from FILE`, checked the
# same way). The checked runtime is then kept in vendor/appimage/ (commit it: 1 MB, like the
# vendored advisory database) so that scripts/package-appimage.sh builds offline. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNTIME_RELEASE=20251108
case "$(uname -m)" in
  x86_64) arch=x86_64 ;;
  *) echo "fetch-appimage-runtime: no pinned runtime for $(uname -m)" >&2; exit 1 ;;
esac
name=runtime-$arch
dest=vendor/appimage/$name
expected=$(awk -v n="$name" '$2 == n { print $1 }' scripts/appimage-runtime.sha256)
[ -n "$expected" ] || { echo "fetch-appimage-runtime: no checksum for $name in scripts/appimage-runtime.sha256" >&2; exit 1; }

if [ -f "$dest" ] && [ "$(sha256sum "$dest" | cut -d' ' -f1)" = "$expected" ]; then
  echo "==> AppImage runtime ready in $dest"
  exit 0
fi

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if [ "${1:-}" = "--from" ]; then
  cp "${2:?usage: $0 [--from FILE]}" "$tmp"
else
  url=https://github.com/AppImage/type2-runtime/releases/download/$RUNTIME_RELEASE/$name
  echo "==> fetching the AppImage runtime $RUNTIME_RELEASE ($url)"
  curl --fail --location --silent --show-error --retry 2 --connect-timeout 20 --max-time 120 -o "$tmp" "$url" || {
    echo "fetch-appimage-runtime: cannot download $url (GitHub unreachable?); run this where it is, or use --from FILE" >&2
    exit 1
  }
fi
actual=$(sha256sum "$tmp" | cut -d' ' -f1)
if [ "$actual" != "$expected" ]; then
  echo "fetch-appimage-runtime: checksum mismatch for $name: expected $expected, got $actual" >&2
  exit 1
fi
mkdir -p vendor/appimage
install -m 0755 "$tmp" "$dest"
echo "==> AppImage runtime ready in $dest"
