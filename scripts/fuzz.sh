#!/usr/bin/env bash
# Fuzzes the CDA parser with libFuzzer (cargo-fuzz, nightly toolchain) for N seconds (default
# 60), starting from the real CI-SIS examples and the hostile corpus. Crashes land in
# fuzz/artifacts/cda_parse/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
corpus=fuzz/corpus/cda_parse
mkdir -p "$corpus"
cp -n ../shared/fixtures/cda/*.xml "$corpus"/ 2>/dev/null || true
cp -n tests/fixtures/hostile/*.xml "$corpus"/ 2>/dev/null || true
cd fuzz
cargo +nightly fuzz run cda_parse "../$corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
