#!/usr/bin/env bash
# Fuzzes with libFuzzer (cargo-fuzz, nightly toolchain) for N seconds each (default 60): the
# CDA parser, from the real CI-SIS examples and the hostile corpus, then the XML toolkit's tree
# reader (every DMP answer goes through it), from the DMP example messages and the same hostile
# corpus, then the HL7 v2 parser (with the ACK it writes) and the MLLP decoder, from the agency's
# HL7 v2 example messages, then the IHE XDM reader, from the real XDM archives and a
# METADATA.XML (other bytes than a ZIP are read as the METADATA.XML of a built archive), then
# the Annuaire's bulk extract reader, from a generated extract (text rows and a zip).
# Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
rustup toolchain list | grep -q nightly || rustup toolchain install nightly --profile minimal
corpus=fuzz/corpus/cda_parse
mkdir -p "$corpus"
cp -n ../shared/fixtures/cda/*.xml "$corpus"/ 2>/dev/null || true
cp -n tests/fixtures/hostile/*.xml "$corpus"/ 2>/dev/null || true
xml_corpus=fuzz/corpus/xml_parse
mkdir -p "$xml_corpus"
cp -n ../shared/fixtures/dmp/*.xml "$xml_corpus"/ 2>/dev/null || true
cp -n tests/fixtures/hostile/*.xml "$xml_corpus"/ 2>/dev/null || true
hl7_corpus=fuzz/corpus/hl7_parse
mllp_corpus=fuzz/corpus/mllp_decode
mkdir -p "$hl7_corpus" "$mllp_corpus"
while IFS= read -r -d '' f; do
  cp -n "$f" "$hl7_corpus"/ 2>/dev/null || true
  # The MLLP target reads its first byte as the chunk size, then a framed stream.
  [ -e "$mllp_corpus/$(basename "$f")" ] \
    || { printf '\007\013'; cat "$f"; printf '\034\015'; } >"$mllp_corpus/$(basename "$f")"
done < <(find ../shared/fixtures/hl7v2 -type f \( -name '*.hl7' -o -name '*.er7' \) -print0)
xdm_corpus=fuzz/corpus/xdm_read
mkdir -p "$xdm_corpus"
find ../shared/fixtures/xdm -type f -name '*.zip' -exec cp -n {} "$xdm_corpus"/ \; 2>/dev/null || true
cp -n ../shared/fixtures/xdm/drim-m-KA202401/IHE_XDM/SS000001/METADATA.XML "$xdm_corpus"/drim-METADATA.XML 2>/dev/null || true
# The Annuaire's bulk extract: rows of a generated extract (the target adds the header), and a
# zipped one.
annuaire_corpus=fuzz/corpus/annuaire_extract
mkdir -p "$annuaire_corpus"
if [ ! -e "$annuaire_corpus/rows.txt" ]; then
  cargo run --quiet --release -- annuaire generate "$annuaire_corpus/full.txt" --count 40 >/dev/null
  tail -n +2 "$annuaire_corpus/full.txt" >"$annuaire_corpus/rows.txt" && rm "$annuaire_corpus/full.txt"
  cargo run --quiet --release -- annuaire generate "$annuaire_corpus/extract.zip" --count 40 >/dev/null
fi
cd fuzz
cargo +nightly fuzz run cda_parse "../$corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
cargo +nightly fuzz run xml_parse "../$xml_corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
cargo +nightly fuzz run hl7_parse "../$hl7_corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
cargo +nightly fuzz run mllp_decode "../$mllp_corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
cargo +nightly fuzz run xdm_read "../$xdm_corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
cargo +nightly fuzz run annuaire_extract "../$annuaire_corpus" -- -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048
