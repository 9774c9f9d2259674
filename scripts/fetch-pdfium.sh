#!/usr/bin/env bash
# Fetches PDFium (libpdfium.so) for the PDF viewer. No Debian package ships it; the pypdfium2
# wheel on PyPI does. The wheel version and its SHA-256 are pinned below; the library lands in
# vendor/pdfium/ (git-ignored). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."

PYPDFIUM2_VERSION=5.15.2
WHEEL_SHA256_FILE=scripts/pdfium.sha256
DEST=vendor/pdfium
LIB=$DEST/libpdfium.so

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) PLATFORM=manylinux_2_17_x86_64 ;;
  Linux-aarch64) PLATFORM=manylinux_2_17_aarch64 ;;
  *) echo "fetch-pdfium: no pinned PDFium for $(uname -s)-$(uname -m); the viewer will say so" >&2; exit 0 ;;
esac

expected=$(awk -v p="$PLATFORM" '$2 == p { print $1 }' "$WHEEL_SHA256_FILE")
if [ -f "$LIB" ] && [ -f "$DEST/.wheel-sha256" ] && [ "$(cat "$DEST/.wheel-sha256")" = "$expected" ]; then
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "==> fetching PDFium (pypdfium2 $PYPDFIUM2_VERSION, $PLATFORM)"
python3 -m pip download --quiet --no-deps --only-binary=:all: --platform "$PLATFORM" \
  --python-version 3.11 --dest "$tmp" "pypdfium2==$PYPDFIUM2_VERSION"
wheel=$(ls "$tmp"/pypdfium2-*.whl)
actual=$(sha256sum "$wheel" | cut -d' ' -f1)
if [ -z "$expected" ]; then
  echo "fetch-pdfium: no pinned checksum for $PLATFORM in $WHEEL_SHA256_FILE (got $actual)" >&2
  exit 1
fi
if [ "$actual" != "$expected" ]; then
  echo "fetch-pdfium: checksum mismatch for $(basename "$wheel"): expected $expected, got $actual" >&2
  exit 1
fi
mkdir -p "$DEST"
python3 - "$wheel" "$DEST" <<'PY'
import sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    name = next(n for n in z.namelist() if n.endswith("libpdfium.so"))
    with z.open(name) as src, open(dest + "/libpdfium.so", "wb") as out:
        out.write(src.read())
PY
echo "$expected" > "$DEST/.wheel-sha256"
echo "==> PDFium ready in $LIB"
