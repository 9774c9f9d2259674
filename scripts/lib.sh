#!/usr/bin/env bash
# Shared helpers of the setup scripts: idempotent Debian package installation and the PDF
# engine download. Sourced, never run.

# Runs a command as root (directly when already root, else through sudo).
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs the Debian packages given that are not installed yet; does nothing otherwise.
ensure_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# What the native window needs at run time on Linux (X11/Wayland, Vulkan or GL software
# rendering when no GPU driver exists).
RUNTIME_PACKAGES=(libxkbcommon-x11-0 libxcursor1 libxrandr2 libxi6 libx11-xcb1 libvulkan1
  mesa-vulkan-drivers libegl1 libgl1-mesa-dri libgl1 libwayland-client0 libwayland-egl1)

# What building needs beyond the Rust toolchain (SQLCipher's vendored OpenSSL needs perl + make;
# the PC/SC crate links libpcsclite).
BUILD_PACKAGES=(pkg-config perl make gcc libc6-dev libpcsclite-dev)

# Fetches the pinned PDFium library (from the pypdfium2 wheel) into vendor/pdfium/, checking
# its checksum. Idempotent: does nothing when the library is already there and verified.
fetch_pdfium() {
  "$(dirname "${BASH_SOURCE[0]}")/fetch-pdfium.sh"
}
