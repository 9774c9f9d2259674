//! Chevet's HL7 v2 parser against two outside parsers (issue 14, point 7): every file of
//! `../shared/fixtures/hl7v2` (ACKs and `pam-fr-consent/` included), and a few messages written
//! here for what the agency's files lack (escape sequences, other delimiters, CRLF, empty
//! repetitions), is read by python `hl7` and `hl7apy` (`tests/peers/hl7/dump.py`) and by
//! `chevet::hl7::parse`, and compared segment by segment, field by field, leaf by leaf.
//!
//! - python `hl7`: the same tree exactly: segment names, field counts (trailing empty fields
//!   included), repetition, component and subcomponent counts, every leaf's raw text; and, for
//!   leaves holding escape sequences, the decoded text (`Message.unescape` vs `text()`).
//! - `hl7apy`: every leaf it keeps, by position, raw text; and every leaf it does not keep must
//!   be blank in Chevet (it drops blank fields, components and subcomponents).
//!
//! Each difference a peer is known to have is handled where it is compared, with its reason;
//! anything else fails the test. Without python3 or either package the test is skipped with a
//! warning, unless `CHEVET_REQUIRE_HL7_PEER=1` (scripts/test.sh), then it fails.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use chevet::hl7::{Message, Segment, parse};
use serde_json::Value;

/// Repetitions → components → subcomponents → raw text.
type FieldTree = Vec<Vec<Vec<String>>>;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/hl7/dump.py")
}

/// Every message file of the fixtures, ACKs included, sorted.
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/hl7v2");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "hl7" || e == "er7") {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 22, "the HL7 v2 fixtures are missing");
    assert!(
        out.iter()
            .any(|p| p.to_string_lossy().contains("pam-fr-consent"))
    );
    out
}

/// Messages the agency's files do not exercise: the escape sequences (standard, hexadecimal in
/// UTF-8, formatting, highlighting, unknown), empty repetitions, components and
/// subcomponents in a Z segment, other delimiters, CRLF line ends.
const WRITTEN_HERE: [(&str, &str); 2] = [
    (
        "escapes.hl7",
        "MSH|^~\\&|SEND|FAC|RECV|FAC|20261205120000||ADT^A08^ADT_A01|ESC1|P|2.5|||||FRA|\
         UNICODE UTF-8\n\
         PID|1||123^^^CHU&1.2.3&ISO^PI~~456^^^CHU^INS||O\\S\\BRIEN^Zo\\E\\e\\F\\x\\T\\y\\R\\w||\
         19800101|F|||1 rue \\X41\\^^PARIS\n\
         NTE|1||ligne 1\\.br\\ligne 2 \\H\\gras\\N\\ \\XC3A9\\ \\Q\\ fin\n\
         ZFA|A^^b&&c~|||\n",
    ),
    (
        "delimiters.hl7",
        "MSH#$*!%#SEND#FAC#RECV#FAC#20261205120000##ADT$A28$ADT_A05#DLM1#P#2.5\r\n\
         PID#1##9$$$CHU%1.2%ISO$PI*7$$$X$INS##DUPONT!S!DURAND$Anne##19700101#F\r\n\
         ZBE#1$CHU##INSERT#N\r\n",
    ),
];

#[allow(clippy::print_stderr, reason = "the skip message of the test")]
fn peers_available() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import hl7, hl7apy"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CHEVET_REQUIRE_HL7_PEER").as_deref() != Ok("1"),
            "CHEVET_REQUIRE_HL7_PEER=1 but python3 with hl7 and hl7apy is missing \
             (python3 -m pip install hl7 hl7apy)"
        );
        eprintln!(
            "warning: python3 with hl7 and hl7apy missing (python3 -m pip install hl7 hl7apy): \
             test skipped"
        );
    }
    found
}

/// What `dump.py` printed for each file, in order.
fn dump(paths: &[PathBuf]) -> Vec<Value> {
    let output = Command::new("python3")
        .arg(script())
        .args(paths)
        .output()
        .expect("python3");
    assert!(
        output.status.success(),
        "dump.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let value: Value = serde_json::from_slice(&output.stdout).expect("dump.py's JSON");
    let files = value["files"].as_array().expect("files").clone();
    assert_eq!(files.len(), paths.len(), "one entry per file");
    files
}

/// Chevet's field as python `hl7` splits it: each level at least one part (an empty text is
/// one empty part), MSH-1 and MSH-2 literal.
fn chevet_field(segment: &Segment<'_>, n: usize) -> FieldTree {
    let field = segment.field(n);
    if segment.name() == "MSH" && n <= 2 {
        return vec![vec![vec![field.raw().to_owned()]]];
    }
    let one_empty = || vec![vec![String::new()]];
    if field.is_empty() {
        return vec![one_empty()];
    }
    field
        .repetitions()
        .map(|rep| {
            if rep.is_empty() {
                return one_empty();
            }
            rep.components()
                .map(|c| {
                    if c.is_empty() {
                        vec![String::new()]
                    } else {
                        c.subcomponents().map(|s| s.raw().to_owned()).collect()
                    }
                })
                .collect()
        })
        .collect()
}

/// Whether python `hl7`'s `unescape` and Chevet's `text()` decode every escape sequence of
/// `raw` by the same rule: the delimiters (`\F\ \S\ \T\ \R\ \E\`) and `\Xhh…\` of ASCII bytes.
/// Not the others, on purpose:
/// - formatting (`\.br\`, `\.sp n\`…): python `hl7` renders them with CR, Chevet with line
///   breaks and spaces (docs/hl7.md: `text()` feeds display and identity matching);
/// - `\H\ \N\`: python `hl7` writes `_`, Chevet drops them;
/// - `\Xhh…\` with bytes over 0x7F: python `hl7` makes one character of each byte (Latin-1),
///   Chevet decodes the bytes in the message's charset (`\XC3A9\` is `é` in UTF-8);
/// - an unknown sequence: python `hl7` drops it, Chevet keeps it as written.
///
/// Such leaves are still compared raw.
fn decoded_alike(raw: &str, escape: char) -> bool {
    let mut parts = raw.split(escape);
    parts.next();
    let mut inside = true;
    for part in parts {
        if inside {
            let standard = matches!(part, "F" | "S" | "T" | "R" | "E")
                || part.strip_prefix('X').is_some_and(|hex| {
                    !hex.is_empty()
                        && hex.len() % 2 == 0
                        && hex.chars().all(|c| c.is_ascii_hexdigit())
                        && hex.as_bytes().chunks(2).all(|pair| pair[0] < b'8')
                });
            if !standard {
                return false;
            }
        }
        inside = !inside;
    }
    // After an even number of escape characters every sequence is closed; an odd number
    // leaves one unterminated (Chevet keeps it as written, python `hl7` drops it).
    inside
}

/// A value for a failure message: its first 200 characters (an OBX-5 holds a whole CDA).
fn short(value: &impl std::fmt::Debug) -> String {
    let text = format!("{value:?}");
    match text.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

#[derive(Default)]
struct Tally {
    /// Leaves compared raw, per peer.
    python_hl7: usize,
    hl7apy: usize,
    /// Leaves whose decoded text was compared too, and those compared raw only.
    decoded: usize,
    raw_only: usize,
    /// Differences nobody explained.
    problems: Vec<String>,
}

fn compare_python_hl7(message: &Message<'_>, peer: &Value, tally: &mut Tally, name: &str) {
    let segments = peer["segments"].as_array().expect("segments");
    let ours: Vec<Segment<'_>> = message.all_segments().collect();
    if segments.len() != ours.len() {
        tally.problems.push(format!(
            "{name}: python-hl7 sees {} segments, Chevet {}",
            segments.len(),
            ours.len()
        ));
        return;
    }
    for (index, (theirs, segment)) in segments.iter().zip(&ours).enumerate() {
        let seg_name = theirs["name"].as_str().expect("name");
        if seg_name != segment.name() {
            tally.problems.push(format!(
                "{name}: segment {index} is {seg_name} for python-hl7, {} for Chevet",
                segment.name()
            ));
            continue;
        }
        let fields: Vec<FieldTree> =
            serde_json::from_value(theirs["fields"].clone()).expect("fields");
        // Trailing empty fields are kept by both (python `hl7` splits on every `|`): exact.
        if fields.len() != segment.field_count() {
            tally.problems.push(format!(
                "{name}: {seg_name} (segment {index}) has {} fields for python-hl7, {} for Chevet",
                fields.len(),
                segment.field_count()
            ));
            continue;
        }
        for (n, theirs) in (1..).zip(&fields) {
            let ours = chevet_field(segment, n);
            if &ours != theirs {
                tally.problems.push(format!(
                    "{name}: {seg_name}-{n} (segment {index}): python-hl7 {}, Chevet {}",
                    short(theirs),
                    short(&ours)
                ));
            }
            tally.python_hl7 += ours.iter().flatten().flatten().count();
        }
    }
    let escape = char::from(message.delimiters().escape());
    let decoded: Vec<(usize, usize, usize, usize, usize, String)> =
        serde_json::from_value(peer["decoded"].clone()).expect("decoded");
    for (s, n, r, c, b, text) in decoded {
        let Some(segment) = message.segment_at(s) else {
            continue; // already reported as a segment count difference
        };
        let leaf = segment.field(n).repetition(r).component(c).subcomponent(b);
        if !decoded_alike(leaf.raw(), escape) {
            tally.raw_only += 1;
            continue;
        }
        tally.decoded += 1;
        if leaf.text() != text {
            tally.problems.push(format!(
                "{name}: {}-{n}[{r}].{c}.{b} decoded: python-hl7 {}, Chevet {}",
                segment.name(),
                short(&text),
                short(&leaf.text())
            ));
        }
    }
}

fn compare_hl7apy(message: &Message<'_>, peer: &Value, tally: &mut Tally, name: &str) {
    let segments = peer["segments"].as_array().expect("segments");
    let ours: Vec<Segment<'_>> = message.all_segments().collect();
    if segments.len() != ours.len() {
        tally.problems.push(format!(
            "{name}: hl7apy sees {} segments, Chevet {}",
            segments.len(),
            ours.len()
        ));
        return;
    }
    for (index, (theirs, segment)) in segments.iter().zip(&ours).enumerate() {
        let seg_name = theirs["name"].as_str().expect("name");
        if seg_name != segment.name() {
            tally.problems.push(format!(
                "{name}: segment {index} is {seg_name} for hl7apy, {} for Chevet",
                segment.name()
            ));
            continue;
        }
        let leaves: Vec<(usize, usize, usize, usize, String)> =
            serde_json::from_value(theirs["leaves"].clone()).expect("leaves");
        let mut seen = HashSet::new();
        for (n, r, c, b, raw) in leaves {
            let ours = segment
                .field(n)
                .repetition(r)
                .component(c)
                .subcomponent(b)
                .raw();
            if ours != raw {
                tally.problems.push(format!(
                    "{name}: {seg_name}-{n}[{r}].{c}.{b} (segment {index}): hl7apy {}, \
                     Chevet {}",
                    short(&raw),
                    short(&ours)
                ));
            }
            tally.hl7apy += 1;
            seen.insert((n, r, c, b));
        }
        // hl7apy keeps no blank field, and no blank component or subcomponent of a composite
        // type (`if x.strip()` in its parser): what it left out must be blank here, and
        // everything else must have been seen.
        for n in 1..=segment.field_count() {
            for (r, tree) in chevet_field(segment, n).iter().enumerate() {
                for (c, subs) in (1..).zip(tree) {
                    for (b, raw) in (1..).zip(subs) {
                        if !raw.trim().is_empty() && !seen.contains(&(n, r, c, b)) {
                            tally.problems.push(format!(
                                "{name}: {seg_name}-{n}[{r}].{c}.{b} (segment {index}) = \
                                 {} in Chevet, missing in hl7apy",
                                short(raw)
                            ));
                        }
                    }
                }
            }
        }
    }
}

#[test]
#[allow(clippy::print_stderr, reason = "the counts of the comparison")]
fn issue14_every_fixture_read_alike_by_chevet_python_hl7_and_hl7apy() {
    if !peers_available() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = fixtures();
    for (file, text) in WRITTEN_HERE {
        let path = dir.path().join(file);
        std::fs::write(&path, text).expect("write");
        paths.push(path);
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/hl7v2");
    let mut problems = Vec::new();
    let (mut total_python, mut total_apy) = (0, 0);
    for (path, entry) in paths.iter().zip(dump(&paths)) {
        let name = path
            .strip_prefix(&root)
            .or_else(|_| path.strip_prefix(dir.path()))
            .unwrap_or(path)
            .display()
            .to_string();
        let bytes = std::fs::read(path).expect("file");
        let message = parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            entry.get("error").is_none(),
            "{name}: dump.py could not read it: {}",
            entry["error"]
        );
        let mut tally = Tally::default();
        let mut read_by = 0;
        for peer in ["python-hl7", "hl7apy"] {
            let value = &entry[peer];
            if let Some(error) = value.get("error") {
                eprintln!("hl7_peers: {name}: {peer} could not read it: {error}");
                continue;
            }
            read_by += 1;
            if peer == "python-hl7" {
                compare_python_hl7(&message, value, &mut tally, &name);
            } else {
                compare_hl7apy(&message, value, &mut tally, &name);
                for note in value["notes"].as_array().into_iter().flatten() {
                    eprintln!("hl7_peers: {name}: {}", note.as_str().unwrap_or_default());
                }
            }
        }
        assert!(read_by > 0, "{name}: neither peer could read it");
        eprintln!(
            "hl7_peers: {name}: {} segments; {} values compared with python-hl7 ({} decoded \
             too, {} raw only), {} with hl7apy; {} differences",
            message.segment_count(),
            tally.python_hl7,
            tally.decoded,
            tally.raw_only,
            tally.hl7apy,
            tally.problems.len()
        );
        total_python += tally.python_hl7;
        total_apy += tally.hl7apy;
        problems.extend(tally.problems);
    }
    eprintln!(
        "hl7_peers: {} files; {total_python} values compared with python-hl7, {total_apy} with \
         hl7apy",
        paths.len()
    );
    assert!(
        problems.is_empty(),
        "{} differences:\n{}",
        problems.len(),
        problems.join("\n")
    );
    // Not an empty comparison: the fixtures hold thousands of values.
    assert!(
        total_python > 2000 && total_apy > 1000,
        "too few values compared"
    );
}
