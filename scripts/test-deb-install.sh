#!/usr/bin/env bash
# Installs the Debian package into a fresh Debian root and starts Chevet there: proof that the
# package's declared dependencies are enough on a clean machine.
#
#   scripts/test-deb-install.sh [PACKAGE.deb]
#
# Without an argument it builds the package first (scripts/package-deb.sh, with
# CHEVET_PROFILE=debug unless set: the debug production build, quick to make). Then:
# 1. `debootstrap --variant=minbase bookworm` into a temporary root (nothing cached: 40 to 75 s
#    from the mirror), /proc, /sys, /dev mounted (unmounted on exit);
# 2. `apt-get install ./chevet_*.deb` inside the root, without recommended packages: only the
#    declared Depends are installed;
# 3. every shared library the binary links or opens at run time (dlopen: X11, Wayland, Vulkan,
#    EGL, xkbcommon) resolves in the root, and so do PDFium's; xsltproc is there;
# 4. `chevet --version` answers, without display nor configuration;
# 5. the desktop entry is valid, the icons are in place, the systemd unit chevet-serve is
#    installed and not enabled, the `chevet` system user exists;
# 6. with Xvfb and a software Vulkan driver added to the root (as the package recommends),
#    Chevet starts against a production configuration file until its first frame.
# Skips (exit 0, saying why) only when it cannot run at all: not root, or no debootstrap and no
# apt to install it. Any other failure fails. CHEVET_DEBIAN_MIRROR overrides the mirror.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

skip() { echo "SKIP test-deb-install: $*"; exit 0; }
fail() { echo "test-deb-install: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (debootstrap, chroot, bind mounts)"
if ! command -v debootstrap >/dev/null; then
  command -v apt-get >/dev/null || skip "no debootstrap, and no apt-get to install it"
  ensure_apt_packages debootstrap
fi
ensure_apt_packages desktop-file-utils

suite=bookworm
mirror=${CHEVET_DEBIAN_MIRROR:-http://deb.debian.org/debian}
display=:${CHEVET_DEB_TEST_DISPLAY:-97}

if [ $# -ge 1 ]; then
  deb=$(readlink -f "$1")
else
  deb=$(CHEVET_PROFILE=${CHEVET_PROFILE:-debug} scripts/package-deb.sh | tail -n 1)
fi
[ -f "$deb" ] || fail "no package at '$deb'"
version=$(dpkg-deb --field "$deb" Version)
version=${version%-*}

root=$(mktemp -d "${TMPDIR:-/var/tmp}/chevet-deb-root.XXXXXX")
chmod 0755 "$root" # apt's download user (_apt) must reach the root's cache
xvfb_pid=""
cleanup() {
  local m
  if [ -n "$xvfb_pid" ]; then
    kill "$xvfb_pid" 2>/dev/null || true
    wait "$xvfb_pid" 2>/dev/null || true
  fi
  # Innermost mounts first; never delete the root while anything is still mounted inside
  # (a bind-mounted /dev would be emptied).
  for m in dev/pts dev sys proc; do
    if mountpoint -q "$root/$m"; then umount "$root/$m" 2>/dev/null || umount -l "$root/$m"; fi
  done
  if grep -q -F " $root/" /proc/mounts; then
    echo "test-deb-install: mounts remain under $root; left in place" >&2
  else
    rm -rf "$root"
  fi
}
trap cleanup EXIT
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "==> debootstrap --variant=minbase $suite ($mirror)"
started=$(date +%s)
# One more try after a failed download (the mirror is the only network this test uses), from an
# empty folder, and only when debootstrap left nothing mounted in it.
for attempt in 1 2; do
  if debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$root.debootstrap.log" 2>&1; then
    break
  fi
  tail -n 20 "$root.debootstrap.log" >&2
  if [ "$attempt" = 2 ] || grep -q -F " $root/" /proc/mounts; then
    rm -f "$root.debootstrap.log"
    fail "debootstrap failed"
  fi
  echo "    debootstrap failed; once more" >&2
  find "$root" -mindepth 1 -delete
done
rm -f "$root.debootstrap.log"
echo "    fresh root in $(( $(date +%s) - started )) s: $(du -sh "$root" | cut -f1)"
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"

echo "==> apt-get install ./$(basename "$deb") inside the root (declared dependencies only)"
started=$(date +%s)
cp "$deb" "$root/tmp/"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq --no-install-recommends \
  "/tmp/$(basename "$deb")" >/dev/null
echo "    installed in $(( $(date +%s) - started )) s"

echo "==> every library Chevet links or opens at run time resolves in the root"
# The sonames the binary names (linked ones, and those winit/wgpu/xkbcommon open with dlopen),
# but RenderDoc's, which wgpu opens only when a graphics debugger injected it.
# (Names sit among other strings: keep from the last "lib" on.)
sonames=$(grep -a -o -E 'lib[A-Za-z0-9_+-]+\.so\.[0-9]+' "$root/usr/bin/chevet" \
  | sed -E 's/.*(lib[A-Za-z0-9_+-]*\.so\.[0-9]+)$/\1/' | sort -u | grep -v '^librenderdoc')
[ -n "$sonames" ] || fail "no library name found in the binary"
cache=$(in_root ldconfig -p)
missing=()
for so in $sonames; do
  grep -q -F "$so " <<<"$cache" || missing+=("$so")
done
[ "${#missing[@]}" -eq 0 ] || fail "not installed by the package's dependencies: ${missing[*]}"
echo "    $(wc -w <<<"$sonames") libraries: $(tr '\n' ' ' <<<"$sonames")"
if in_root ldd /usr/lib/chevet/libpdfium.so | grep -q "not found"; then
  fail "PDFium misses libraries: $(in_root ldd /usr/lib/chevet/libpdfium.so | grep 'not found')"
fi
in_root sh -c 'command -v xsltproc' >/dev/null || fail "xsltproc is not installed"

echo "==> chevet --version (no display, no configuration)"
out=$(in_root chevet --version) || fail "chevet --version failed: $out"
[ "$out" = "chevet $version" ] || fail "chevet --version printed '$out', expected 'chevet $version'"
echo "    $out"

echo "==> desktop entry, icons, systemd unit, service user"
desktop-file-validate "$root/usr/share/applications/chevet.desktop" || fail "invalid desktop entry"
for icon in scalable/apps/chevet.svg 256x256/apps/chevet.png; do
  [ -s "$root/usr/share/icons/hicolor/$icon" ] || fail "no icon $icon"
done
[ -f "$root/usr/lib/systemd/system/chevet-serve.service" ] || fail "the systemd unit is not installed"
if find "$root/etc/systemd" -name 'chevet-serve.service' 2>/dev/null | grep -q .; then
  fail "the systemd unit is enabled: $(find "$root/etc/systemd" -name 'chevet-serve.service')"
fi
in_root getent passwd chevet >/dev/null || fail "no 'chevet' system user"
echo "    valid; unit installed, not enabled; user chevet exists"

echo "==> the window's first frame under Xvfb inside the root (software Vulkan, as recommended)"
started=$(date +%s)
in_root env DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes apt-get install -y -qq --no-install-recommends \
  xvfb mesa-vulkan-drivers >/dev/null
echo "    Xvfb and Mesa installed in $(( $(date +%s) - started )) s"
mkdir -p "$root/tmp/check"
write_check_config "$root/tmp/check/chevet.toml" /tmp/check/data
chroot "$root" /usr/bin/Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 1 50); do [ -S "$root/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
[ -S "$root/tmp/.X11-unix/X${display#:}" ] || fail "Xvfb did not start in the root"
out=$(timeout 180 chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
  DISPLAY="$display" XDG_RUNTIME_DIR=/tmp/check WGPU_BACKEND=vulkan \
  chevet --config /tmp/check/chevet.toml --exit-after-first-frame 2>&1) ||
  fail "Chevet did not start in the root (exit $?): $(tail -n 20 <<<"$out")"
grep -q "first_frame_ms=" <<<"$out" || fail "no first frame: $out"
echo "    $(grep -o 'first_frame_ms=[0-9.]*' <<<"$out")"
echo "test-deb-install: $(basename "$deb") installs on a fresh $suite root and starts"
