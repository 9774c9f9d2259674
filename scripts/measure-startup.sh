#!/usr/bin/env bash
# Measures process start to the first frame of the release build, 10 runs under Xvfb
# (software rendering), on an already seeded sandbox data directory. Prints each run and the
# median. Used for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
ensure_apt_packages "${RUNTIME_PACKAGES[@]}" xvfb xauth
cargo build --release --locked
display=:${CHEVET_MEASURE_DISPLAY:-96}
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp &
xvfb=$!
data=$(mktemp -d)
trap 'kill $xvfb 2>/dev/null || true; rm -rf "$data"' EXIT
export DISPLAY=$display XDG_RUNTIME_DIR=$data
sleep 1
target/release/chevet --data-dir "$data/d" --exit-after-first-frame >/dev/null 2>&1 # seeds
runs=()
for _ in $(seq 1 10); do
  ms=$(target/release/chevet --data-dir "$data/d" --exit-after-first-frame 2>/dev/null | sed -n 's/first_frame_ms=//p')
  echo "first frame: $ms ms"
  runs+=("$ms")
done
printf '%s\n' "${runs[@]}" | sort -n | awk '{a[NR]=$1} END {print "median: " (a[int((NR+1)/2)] + a[int(NR/2)+1]) / 2 " ms"}'
