//! Parser tests beyond the fixtures: segment separators, charsets, broken headers, limits,
//! continuation lines, hostile input (never a panic), and the write/parse round trip over
//! generated values (any delimiters, any charset, text full of delimiters and controls).

use super::fixture_tests::read_everything;
use super::test_support::{Rng, all_fixtures};
use super::writer::{FieldValue, SegmentValue, to_values, write_message};
use super::{Charset, DecodingNote, Delimiters, HeaderProblem, Hl7Error, Limits, Message, parse};

const ADT: &str = "MSH|^~\\&|GAM|CHU|DPI|CHU|20240306||ADT^A01^ADT_A01|42|P|2.5\r\
                   PID|1||123^^^CHU&1.2.3&ISO^PI~279035121518989^^^ASIP&1.2.250.1.213.1.4.10&ISO^INS||\
                   DUPONT^Jean\\T\\Marie^^^^^L\r\
                   PV1|1|I\r";

#[test]
fn cr_lf_crlf_and_mixed_separators_read_the_same() {
    let reference = to_values(&parse(ADT.as_bytes()).unwrap());
    assert_eq!(reference.len(), 3);
    let variants = [
        ADT.replace('\r', "\n"),
        ADT.replace('\r', "\r\n"),
        ADT.replacen('\r', "\n", 1).replacen('\r', "\r\n", 1),
        format!("\u{FEFF}\r\n \n{}\n\n\r\n", ADT.replace('\r', "\n\n")),
        ADT.trim_end().to_owned(),
    ];
    for text in variants {
        let m = parse(text.as_bytes()).unwrap();
        assert_eq!(to_values(&m), reference, "{text:?}");
    }
    let m = parse(ADT.as_bytes()).unwrap();
    assert_eq!(
        m.segment("PID").unwrap().field(5).component(2).text(),
        "Jean&Marie"
    );
}

#[test]
fn continuation_lines_stay_in_their_field() {
    let text = "MSH|^~\\&|PFI\rOBX|1|ED|||^text^XML^Base64^QUJD\nREVG\r\nR0g=||||||F\rNTE|1\r";
    let m = parse(text.as_bytes()).unwrap();
    assert_eq!(m.segment_count(), 3);
    let obx = m.segment("OBX").unwrap();
    assert_eq!(obx.field(5).component(5).raw(), "QUJD\nREVG\r\nR0g=");
    assert_eq!(obx.field(11).text(), "F");
    // A line that looks like a segment starts one, even a bare id.
    let m = parse(b"MSH|^~\\&\nZZ9\nabc|d\nNTE").unwrap();
    let names: Vec<_> = m.all_segments().map(|s| s.name()).collect();
    assert_eq!(names, ["MSH", "ZZ9", "NTE"]);
    assert_eq!(m.segment("ZZ9").unwrap().raw(), "ZZ9\nabc|d");
}

#[test]
fn latin1_latin9_and_undeclared_8bit_input() {
    let latin1 = b"MSH|^~\\&|A|||||||||||||||8859/1\rPID|||||R\xE9ault^J\xE9r\xF4me\\XE9\\\r";
    let m = parse(latin1).unwrap();
    assert_eq!(m.charset(), Charset::Latin1);
    assert_eq!(m.decoding_note(), None);
    let name = m.segment("PID").unwrap().field(5);
    assert_eq!(name.component(1).text(), "Réault");
    assert_eq!(name.component(2).text(), "Jérômeé");

    let latin9 = b"MSH|^~\\&|A|||||||||||||||8859/15\rNTE|||\xA4 \xBD\r";
    let m = parse(latin9).unwrap();
    assert_eq!(m.segment("NTE").unwrap().field(3).text(), "€ œ");

    let undeclared = b"MSH|^~\\&|A\rNTE|||\xE9t\xE9\r";
    let m = parse(undeclared).unwrap();
    assert_eq!(m.charset(), Charset::Undeclared);
    assert_eq!(m.decoding_note(), Some(DecodingNote::UndeclaredWindows1252));
    assert_eq!(m.segment("NTE").unwrap().field(3).text(), "été");

    let broken_utf8 = b"MSH|^~\\&|A|||||||||||||||UNICODE UTF-8\rNTE|||\xC3\xA9t\xE9\r";
    let m = parse(broken_utf8).unwrap();
    assert_eq!(m.decoding_note(), Some(DecodingNote::RepairedUtf8));
    assert_eq!(m.segment("NTE").unwrap().field(3).text(), "été");

    let unknown = b"MSH|^~\\&|A|||||||||||||||ISO IR87\r";
    assert_eq!(parse(unknown).err(), Some(Hl7Error::UnsupportedCharset));
}

#[test]
fn clear_errors_for_what_is_not_a_message() {
    assert_eq!(parse(b"").err(), Some(Hl7Error::Empty));
    assert_eq!(parse(b" \r\n\t").err(), Some(Hl7Error::Empty));
    assert_eq!(parse(b"\xEF\xBB\xBF").err(), Some(Hl7Error::Empty));
    assert_eq!(parse(b"PID|1||123").err(), Some(Hl7Error::NoHeader));
    assert_eq!(
        parse(b"\x0bMSH|^~\\&|A\x1c\r").err(),
        Some(Hl7Error::NoHeader)
    );
    assert_eq!(
        parse(b"<?xml version='1.0'?>").err(),
        Some(Hl7Error::NoHeader)
    );
    let bad = |problem| Some(Hl7Error::BadHeader { problem });
    assert_eq!(parse(b"MSH").err(), bad(HeaderProblem::TooShort));
    assert_eq!(parse(b"MSH|^~\r").err(), bad(HeaderProblem::EncodingLength));
    assert_eq!(
        parse(b"MSH|^^\\&|").err(),
        bad(HeaderProblem::RepeatedDelimiter)
    );
    let small = Limits {
        max_bytes: 10,
        max_fields: 5,
    };
    assert_eq!(
        Message::parse_with(ADT.as_bytes(), &small).err(),
        Some(Hl7Error::TooLarge {
            size: ADT.len(),
            max: 10
        })
    );
    let few_fields = Limits {
        max_bytes: 1000,
        max_fields: 8,
    };
    assert_eq!(
        Message::parse_with(ADT.as_bytes(), &few_fields).err(),
        Some(Hl7Error::TooManyFields { max: 8 })
    );
}

#[test]
fn positions_outside_the_message_read_empty() {
    let m = parse(ADT.as_bytes()).unwrap();
    let pid = m.segment("PID").unwrap();
    assert_eq!(pid.field(0).text(), "PID");
    assert_eq!(pid.field_count(), 5);
    assert!(pid.field(99).is_empty());
    assert_eq!(pid.field(99).repetitions().count(), 0);
    assert!(pid.field(3).component(0).is_empty());
    assert!(pid.field(3).repetition(7).component(1).is_empty());
    assert!(pid.field(5).component(1).subcomponent(0).is_empty());
    assert_eq!(
        pid.field(3)
            .repetition(1)
            .component(4)
            .subcomponents()
            .count(),
        3
    );
    assert!(m.segment("ZZZ").is_none());
    assert_eq!(m.msh().field(1).text(), "|");
    assert_eq!(m.msh().field(2).raw(), "^~\\&");
    assert_eq!(m.msh().field(2).component(2).text(), "");
    let m = parse(b"MSH|^~\\&|A\rNTE|\"\"|x").unwrap();
    assert!(m.segment("NTE").unwrap().field(1).is_null());
}

#[test]
fn truncation_character_of_v27() {
    let m = parse(b"MSH|^~\\&#|A\rNTE|||long text#|50\\P\\\r").unwrap();
    assert_eq!(m.delimiters().truncation(), Some(b'#'));
    assert_eq!(m.msh().field(2).text(), "^~\\&#");
    let nte = m.segment("NTE").unwrap();
    assert_eq!(nte.field(3).text(), "long text#");
    assert_eq!(nte.field(4).text(), "50#");
}

#[test]
fn big_inputs_stay_linear() {
    // 100,000 segments with LF only: the CR search must not rescan the text for each line.
    let mut text = String::from("MSH|^~\\&|A\n");
    for i in 0..100_000 {
        text.push_str(&format!("NTE|{i}\n"));
    }
    let m = parse(text.as_bytes()).unwrap();
    assert_eq!(m.segment_count(), 100_001);
    assert_eq!(m.segment_at(100_000).unwrap().field(1).text(), "99999");
    // One 8 MB field, then more fields after it.
    let payload = "QUJD".repeat(2 * 1024 * 1024);
    let text = format!("MSH|^~\\&|A\rOBX|1|ED|||^text^XML^Base64^{payload}||||||F\r");
    let m = parse(text.as_bytes()).unwrap();
    let obx = m.segment("OBX").unwrap();
    assert_eq!(obx.field(5).component(5).text().len(), payload.len());
    assert_eq!(obx.field(11).text(), "F");
}

#[test]
fn hostile_bytes_never_panic() {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for (name, bytes) in all_fixtures() {
        // Every prefix of the small messages; 8 of each large one (they are 300 KB).
        let step = if bytes.len() > 5_000 {
            bytes.len() / 8
        } else {
            1
        };
        let small = bytes.len() <= 5_000 || name.contains("INIT_N1.er7");
        inputs.extend((0..bytes.len()).step_by(step).map(|i| bytes[..i].to_vec()));
        if small {
            let mut rng = Rng::new(bytes.len() as u64);
            for _ in 0..200 {
                let mut mutated = bytes.clone();
                for _ in 0..1 + rng.below(4) {
                    let at = rng.below(mutated.len());
                    let byte = *rng.pick(b"|^~\\&\r\n\x00\xFF\xC3MX0");
                    match rng.below(3) {
                        0 => mutated[at] = byte,
                        1 => mutated.insert(at, byte),
                        _ => {
                            mutated.remove(at);
                        }
                    }
                }
                inputs.push(mutated);
            }
        }
    }
    let mut rng = Rng::new(7);
    let alphabet = b"MSH|^~\\&#\r\nPID0X.br\xE9\xC3\xA9\x00 ";
    for _ in 0..3_000 {
        let mut bytes = if rng.chance(2) {
            b"MSH".to_vec()
        } else {
            Vec::new()
        };
        bytes.extend((0..rng.below(120)).map(|_| *rng.pick(alphabet)));
        inputs.push(bytes);
    }
    let mut parsed = 0;
    for bytes in &inputs {
        if let Ok(m) = parse(bytes) {
            parsed += 1;
            read_everything(&m);
            let _ = (m.message_type(), m.control_id(), m.version());
            // What was read can be written and read again (the whole large messages are
            // round-tripped in `fixture_tests`).
            if bytes.len() > 20_000 {
                continue;
            }
            let written = write_message(&to_values(&m), &m.delimiters());
            if let Err(e) = parse(written.as_bytes()) {
                panic!("{e}: {:?}\n{written:?}", String::from_utf8_lossy(bytes));
            }
        }
    }
    assert!(parsed > 1_000, "{parsed} of {} parsed", inputs.len());
}

/// Delimiter candidates: none of them appears in an MSH-18 value.
const DELIMITER_POOL: &[u8] = b"|^~\\&#!$%*@+?:;=<>";

fn random_delimiters(rng: &mut Rng) -> Delimiters {
    let mut pool = DELIMITER_POOL.to_vec();
    let mut take = |rng: &mut Rng| pool.remove(rng.below(pool.len()));
    let (f, c, r, e, s) = (take(rng), take(rng), take(rng), take(rng), take(rng));
    let t = rng.chance(3).then(|| take(rng));
    Delimiters::new(f, c, r, e, s, t).unwrap()
}

fn random_text(rng: &mut Rng, charset: Charset) -> String {
    let mut pieces: Vec<&str> = vec![
        "a", "Z", "0", " ", "é", "€", "œ", "\r", "\n", "\r\n", "\t", "\x0B", "\x1C", "\"",
        "\\X41\\", "\\.br\\", "\\F\\",
    ];
    pieces.extend([
        "|", "^", "~", "\\", "&", "#", "!", "$", "%", "*", "@", "+", "?", ":", ";", "=", "<", ">",
    ]);
    if matches!(charset, Charset::Utf8 | Charset::Undeclared) {
        pieces.extend(["漢", "𝄞"]);
    }
    (0..rng.below(8)).map(|_| *rng.pick(&pieces)).collect()
}

fn random_field(rng: &mut Rng, charset: Charset) -> FieldValue {
    let mut tree = Vec::new();
    for _ in 0..rng.below(3) {
        let mut rep = Vec::new();
        for _ in 0..rng.below(4) {
            rep.push(
                (0..rng.below(3))
                    .map(|_| random_text(rng, charset))
                    .collect(),
            );
        }
        tree.push(rep);
    }
    FieldValue::from_parts(tree)
}

/// The values as they must read back: normalised, trailing empty fields dropped.
fn expected(segments: &[SegmentValue]) -> Vec<SegmentValue> {
    segments
        .iter()
        .map(|s| {
            let mut fields: Vec<FieldValue> = s
                .fields
                .iter()
                .cloned()
                .map(FieldValue::normalized)
                .collect();
            while fields.last().is_some_and(FieldValue::is_empty) {
                fields.pop();
            }
            SegmentValue {
                name: s.name.clone(),
                fields,
            }
        })
        .collect()
}

#[test]
fn write_then_parse_gives_the_values_back() {
    let mut rng = Rng::new(2024);
    let charsets = [
        Charset::Undeclared,
        Charset::Utf8,
        Charset::Latin1,
        Charset::Latin9,
    ];
    for round in 0..2_000 {
        let d = random_delimiters(&mut rng);
        let charset = *rng.pick(&charsets);
        let mut msh = SegmentValue::new("MSH")
            .with(1, FieldValue::text(char::from(d.field())))
            .with(2, FieldValue::text(d.encoding_characters()));
        for n in 3..=17 {
            msh.set(n, random_field(&mut rng, charset));
        }
        msh.set(18, FieldValue::text(charset.msh18()));
        let mut segments = vec![msh];
        for _ in 0..rng.below(6) {
            let name = *rng.pick(&["PID", "OBX", "ZFA", "NTE", "PV1"]);
            let mut segment = SegmentValue::new(name);
            for n in 1..=rng.below(9) {
                segment.set(n, random_field(&mut rng, charset));
            }
            segments.push(segment);
        }
        let written = write_message(&segments, &d);
        let bytes = charset.encode(&written).unwrap();
        let m = parse(&bytes).unwrap_or_else(|e| panic!("round {round}: {e}\n{written:?}"));
        assert_eq!(m.delimiters(), d, "round {round}");
        assert_eq!(m.charset(), charset, "round {round}");
        let values = to_values(&m);
        assert_eq!(values, expected(&segments), "round {round}: {written:?}");
        assert_eq!(write_message(&values, &d), written, "round {round}");
    }
}
