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

# PostgreSQL clusters of the test and demo scripts (Debian's layout: /usr/lib/postgresql/N/bin).

# Puts the newest PostgreSQL's programs first on PATH (installing PostgreSQL when missing) and
# prints their folder.
pg_programs() {
  local newest
  newest="$(pg_newest_bin)"
  if [ -z "$newest" ] && ! command -v initdb >/dev/null 2>&1; then
    ensure_apt_packages postgresql >&2
    newest="$(pg_newest_bin)"
  fi
  if [ -n "$newest" ]; then PATH="$newest:$PATH"; fi
  dirname "$(command -v initdb)"
}

# The newest /usr/lib/postgresql/*/bin holding initdb, or nothing.
pg_newest_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; fi
  done | sort -V | tail -n 1
}

# pg_run_as USER FOLDER PROGRAM ARGS…: runs a PostgreSQL program as the server's USER (empty:
# as ourselves), from the cluster's FOLDER (the caller's working directory may be closed to
# that user; initdb refuses root, so as root the server runs as `postgres`).
pg_run_as() {
  local user="$1" dir="$2"
  shift 2
  if [ -n "$user" ]; then
    (cd "$dir" && runuser -u "$user" -- "$@")
  else
    (cd "$dir" && "$@")
  fi
}

# pg_stop USER FOLDER PROGRAMS DATA PID: fast shutdown, waiting for it, then immediate, then
# SIGKILL to the server's PID (when given) if it still runs. Never fails.
pg_stop() {
  local user="$1" dir="$2" bin="$3" data="$4" pid="$5"
  if [ -s "$data/postmaster.pid" ]; then
    pg_run_as "$user" "$dir" "$bin/pg_ctl" stop -D "$data" -m fast -w -t 30 -s >/dev/null 2>&1 \
      || pg_run_as "$user" "$dir" "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 10 -s >/dev/null 2>&1 \
      || true
  fi
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
}

# Supply chain (deny.toml, docs/security.md).

# cargo-deny, pinned: built from crates.io with its own lock file (about 3 minutes on 2 cores).
CARGO_DENY_VERSION=0.20.2

# Installs cargo-deny $CARGO_DENY_VERSION unless that version is already on PATH.
ensure_cargo_deny() {
  if [ "$(cargo deny --version 2>/dev/null)" = "cargo-deny $CARGO_DENY_VERSION" ]; then return 0; fi
  echo "==> installing cargo-deny $CARGO_DENY_VERSION (cargo install --locked)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked --quiet
}

# Where cargo-deny opens its default database under deny.toml's db-path
# (target/advisory-dbs): the last segment of the database's URL and a hash of that URL, as
# cargo-deny names it. A wrong name shows as "failed to get 'FETCH_HEAD' metadata".
ADVISORY_DB_DIR=target/advisory-dbs/advisory-db-3157b0e258782691

# Lays the vendored advisory database (vendor/advisory-db/) out as cargo-deny opens it offline:
# a git repository whose last fetch is the snapshot's date (FETCH_HEAD's time, what cargo-deny
# weighs against maximum-db-staleness), its `crates/` advisories inside. Idempotent: redone
# only when the vendored files changed. Warns when the snapshot is more than 90 days old.
prepare_advisory_db() {
  local root src dest date commit sum age_days
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  src="$root/vendor/advisory-db"
  dest="$root/$ADVISORY_DB_DIR"
  date="$(sed -n 's/^date=//p' "$src/SNAPSHOT")"
  commit="$(sed -n 's/^commit=//p' "$src/SNAPSHOT")"
  if [ -z "$date" ] || [ -z "$commit" ]; then
    echo "vendor/advisory-db/SNAPSHOT is incomplete" >&2
    return 1
  fi
  sum="$(cd "$src" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$dest/.git/FETCH_HEAD" ] || [ "$(cat "$dest/.vendored-sha256" 2>/dev/null)" != "$sum" ]; then
    command -v git >/dev/null || ensure_apt_packages git
    rm -rf "$dest"
    mkdir -p "$dest"
    cp -R "$src/." "$dest/"
    echo "$sum" >"$dest/.vendored-sha256"
    git -C "$dest" init -q
    git -C "$dest" add -A
    GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" git -C "$dest" \
      -c user.name=chevet -c user.email=chevet@localhost.invalid -c commit.gpgsign=false \
      commit -q -m "RustSec advisory database, upstream commit $commit (vendored)"
    printf '%s\t\tvendored snapshot of upstream commit %s\n' "$(git -C "$dest" rev-parse HEAD)" "$commit" \
      >"$dest/.git/FETCH_HEAD"
    touch -d "$date" "$dest/.git/FETCH_HEAD"
  fi
  age_days=$(( ( $(date +%s) - $(date -d "$date" +%s) ) / 86400 ))
  echo "==> advisory database: upstream commit ${commit:0:12} of ${date%%T*} ($age_days days old)"
  if [ "$age_days" -gt 90 ]; then
    echo "WARNING: the vendored advisory database is $age_days days old; refresh it (scripts/update-advisory-db.sh)" >&2
  fi
}

# Production checks (check-production-build.sh, test-deb-install.sh).

# write_check_config FILE DATA_DIR: a production configuration (file key, PC/SC off, a test
# establishment) that starts Chevet on DATA_DIR without any peer.
write_check_config() {
  cat >"$1" <<EOF
mode = "production"
data_dir = "$2"
language = "fr"

[store]
key_storage = "file"

[establishment]
name = "Centre hospitalier de vérification"
finess_geo = "750712184"
ipp_oid = "1.2.250.1.999.1.1"
document_oid = "1.2.250.1.999.1.2"

[auth]
pcsc = false
EOF
}
