#!/usr/bin/env bash
# Builds the AppImage of the production build (no sandbox), offline:
# target/appimage/Chevet-<version>-<arch>.AppImage. The AppDir holds AppRun, the desktop entry,
# the icon, usr/bin/chevet and usr/lib/chevet/libpdfium.so, and no graphics library (X11,
# Wayland, Vulkan and EGL come from the host, as for the .deb). The image is made with
# mksquashfs (Debian's squashfs-tools) and prefixed with the pinned AppImage type-2 runtime
# from vendor/appimage/ (scripts/fetch-appimage-runtime.sh puts it there, checked against
# scripts/appimage-runtime.sha256; it is checked again here). No network is used but the
# Debian packages and the pinned PDFium download of the build itself.
#
# Checks: the squashfs image, unpacked, answers `AppRun --version`; the AppImage answers
# `--appimage-extract-and-run --version` (no FUSE needed).
# CHEVET_PROFILE=release (default) or debug, as scripts/package-deb.sh. When the runtime is not
# in vendor/appimage/, fails, unless CHEVET_APPIMAGE_RUNTIME_OPTIONAL=1 (CI): then the image is
# still made and checked, and the AppImage step is skipped with a message.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
# shellcheck source=scripts/package-common.sh
source scripts/package-common.sh

profile=${CHEVET_PROFILE:-release}
out=target/appimage
case "$(uname -m)" in
  x86_64) arch=x86_64 ;;
  *) echo "package-appimage: no pinned AppImage runtime for $(uname -m)" >&2; exit 1 ;;
esac
runtime=vendor/appimage/runtime-$arch

ensure_apt_packages squashfs-tools desktop-file-utils
bin=$(build_production_binary "$profile")
version=$("$bin" --version | awk '{print $2}')

echo "==> AppDir"
appdir=$out/Chevet.AppDir
rm -rf "$appdir"
install -D -m 0755 "$bin" "$appdir/usr/bin/chevet"
install -D -m 0644 vendor/pdfium/libpdfium.so "$appdir/usr/lib/chevet/libpdfium.so"
install -D -m 0644 packaging/icons/chevet.svg "$appdir/usr/share/icons/hicolor/scalable/apps/chevet.svg"
install -D -m 0644 packaging/icons/chevet.png "$appdir/usr/share/icons/hicolor/256x256/apps/chevet.png"
install -D -m 0644 packaging/chevet.desktop "$appdir/usr/share/applications/chevet.desktop"
cp packaging/chevet.desktop "$appdir/chevet.desktop"
cp packaging/icons/chevet.png "$appdir/chevet.png"
ln -s chevet.png "$appdir/.DirIcon"
cat >"$appdir/AppRun" <<'APPRUN'
#!/bin/sh
# Starts Chevet from the mounted (or extracted) AppImage. PDFium is found beside the binary
# (usr/lib/chevet); every graphics library comes from the host.
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/bin/chevet" "$@"
APPRUN
chmod 0755 "$appdir/AppRun"
desktop-file-validate "$appdir/chevet.desktop"

echo "==> squashfs image"
image=$out/chevet.squashfs
rm -f "$image"
# zstd: what the type-2 runtime reads; fixed times and root ownership make it reproducible.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)} \
  mksquashfs "$appdir" "$image" -root-owned -noappend -comp zstd -quiet -no-progress >/dev/null

# The image unpacked answers --version: what the runtime mounts is complete.
check=$(mktemp -d)
trap 'rm -rf "$check"' EXIT
unsquashfs -q -no-progress -d "$check/root" "$image" >/dev/null
got=$("$check/root/AppRun" --version)
[ "$got" = "chevet $version" ] || { echo "package-appimage: AppRun --version printed '$got'" >&2; exit 1; }
if find "$check/root" -name 'lib*.so*' ! -name libpdfium.so | grep -q .; then
  echo "package-appimage: libraries other than PDFium in the image:" >&2
  find "$check/root" -name 'lib*.so*' ! -name libpdfium.so >&2
  exit 1
fi
echo "    $(du -h "$image" | cut -f1) image; unpacked, AppRun --version: $got"

if [ ! -f "$runtime" ]; then
  msg="the AppImage runtime is not in $runtime: run scripts/fetch-appimage-runtime.sh where GitHub is reachable (or with --from FILE), then commit it"
  if [ "${CHEVET_APPIMAGE_RUNTIME_OPTIONAL:-0}" = 1 ]; then
    echo "SKIP package-appimage (AppImage step): $msg"
    exit 0
  fi
  echo "package-appimage: $msg" >&2
  exit 1
fi
expected=$(awk -v n="runtime-$arch" '$2 == n { print $1 }' scripts/appimage-runtime.sha256)
actual=$(sha256sum "$runtime" | cut -d' ' -f1)
if [ -z "$expected" ] || [ "$actual" != "$expected" ]; then
  echo "package-appimage: $runtime does not match scripts/appimage-runtime.sha256 (got $actual)" >&2
  exit 1
fi

echo "==> AppImage"
appimage=$out/Chevet-$version-$arch.AppImage
cat "$runtime" "$image" >"$appimage.part"
chmod 0755 "$appimage.part"
mv "$appimage.part" "$appimage"
rm -f "$image"
got=$(TMPDIR="$check" "./$appimage" --appimage-extract-and-run --version)
[ "$got" = "chevet $version" ] || { echo "package-appimage: the AppImage printed '$got'" >&2; exit 1; }
echo "    $(du -h "$appimage" | cut -f1): $appimage ($got)"
