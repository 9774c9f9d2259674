#!/usr/bin/env bash
# Refreshes the vendored RustSec advisory database (vendor/advisory-db/) that `cargo deny`
# reads offline, from a git copy of the upstream repository (`rustsec/advisory-db`): a clone,
# or a bare git directory. Only what cargo-deny reads is kept (the `crates/` advisories), with
# the database's licence files; SNAPSHOT records the upstream commit and its date, which the
# test script checks against `maximum-db-staleness` (deny.toml).
#
#   scripts/update-advisory-db.sh /path/to/advisory-db            # a clone (has .git/)
#   scripts/update-advisory-db.sh /path/to/advisory-db.git        # a bare git directory
#   scripts/update-advisory-db.sh /path/to/advisory-db COMMIT     # a given commit
#
# Then run `scripts/test.sh` (or the cargo-deny step alone, see docs/security.md) and review
# the diff of vendor/advisory-db/ before committing it.
set -euo pipefail
cd "$(dirname "$0")/.."

src="${1:?usage: $0 PATH_TO_ADVISORY_DB_GIT [COMMIT]}"
rev="${2:-HEAD}"
if [ -d "$src/.git" ]; then gitdir="$src/.git"; else gitdir="$src"; fi
git --git-dir="$gitdir" rev-parse --verify --quiet "$rev^{commit}" >/dev/null \
  || { echo "update-advisory-db: $src is no git copy of the advisory database (or has no $rev)" >&2; exit 1; }
git --git-dir="$gitdir" cat-file -e "$rev:crates" 2>/dev/null \
  || { echo "update-advisory-db: $rev has no crates/ folder: not the RustSec advisory database?" >&2; exit 1; }

commit=$(git --git-dir="$gitdir" rev-parse "$rev^{commit}")
date=$(git --git-dir="$gitdir" show -s --format=%cI "$commit")
dest=vendor/advisory-db
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git --git-dir="$gitdir" archive --format=tar "$commit" crates LICENSE.txt LICENSES | tar -x -C "$tmp"
count=$(find "$tmp/crates" -name '*.md' | wc -l)
[ "$count" -gt 100 ] || { echo "update-advisory-db: only $count advisories found" >&2; exit 1; }

mkdir -p "$dest"
rm -rf "$dest/crates" "$dest/LICENSES" "$dest/LICENSE.txt"
cp -R "$tmp/crates" "$tmp/LICENSE.txt" "$tmp/LICENSES" "$dest/"
printf 'commit=%s\ndate=%s\nadvisories=%s\n' "$commit" "$date" "$count" >"$dest/SNAPSHOT"
echo "==> vendor/advisory-db: $count advisories, upstream commit $commit of $date"
echo "    update the snapshot line of vendor/advisory-db/README.md, run the cargo-deny step, review the diff"
