//! Tests of the PDF writer, with a small text extractor that reads the PDF as a viewer would:
//! inflate the streams, read the ToUnicode map, decode the strings shown by `Tj` and tell
//! pagination artifacts apart. Also the INS DataMatrix payload and symbol.

use chrono::NaiveDate;

use super::datamatrix::{self, GS, INS_HEADER};
use super::*;
use crate::domain::{BirthTraits, IdentityStatus, Ins, PatientIdentity, Sex};

/// Text of one page: content lines and artifact lines (headers, footers), in stream order.
#[derive(Debug, Default)]
pub(crate) struct PageText {
    pub content: Vec<String>,
    pub artifacts: Vec<String>,
}

fn streams(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(pos) = find(&pdf[at..], b"stream\n") {
        let start = at + pos + 7;
        if pdf[..at + pos].ends_with(b"end") {
            at = start;
            continue;
        }
        let Some(len) = find(&pdf[start..], b"\nendstream") else {
            break;
        };
        let body = &pdf[start..start + len];
        out.push(
            miniz_oxide::inflate::decompress_to_vec_zlib(body).unwrap_or_else(|_| body.to_vec()),
        );
        at = start + len;
    }
    out
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    let digits: Vec<u8> = hex.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|p| u8::from_str_radix(std::str::from_utf8(p).expect("ascii"), 16).expect("hex"))
        .collect()
}

/// Glyph id → text, from a ToUnicode CMap.
fn to_unicode(cmap: &str) -> std::collections::HashMap<u16, String> {
    let mut map = std::collections::HashMap::new();
    let mut in_chars = false;
    for line in cmap.lines() {
        if line.ends_with("beginbfchar") {
            in_chars = true;
        } else if line == "endbfchar" {
            in_chars = false;
        } else if in_chars {
            let parts: Vec<&str> = line.split('>').collect();
            let gid = hex_bytes(parts[0]);
            let uni = hex_bytes(parts[1]);
            let units: Vec<u16> = uni
                .chunks(2)
                .map(|p| u16::from_be_bytes([p[0], p[1]]))
                .collect();
            map.insert(
                u16::from_be_bytes([gid[0], gid[1]]),
                String::from_utf16(&units).expect("utf16"),
            );
        }
    }
    map
}

/// The strings shown in a content stream, each with its artifact flag.
fn shown_strings(content: &[u8]) -> Vec<(bool, Vec<u8>)> {
    let mut out = Vec::new();
    let mut artifact_depth = 0usize;
    let mut marked = Vec::new();
    let mut last_name = Vec::new();
    let mut pending: Option<Vec<u8>> = None;
    let mut i = 0;
    while i < content.len() {
        match content[i] {
            b'(' => {
                let mut depth = 1;
                let mut s = Vec::new();
                i += 1;
                while i < content.len() && depth > 0 {
                    match content[i] {
                        b'\\' => {
                            i += 1;
                            match content[i] {
                                b'n' => s.push(b'\n'),
                                b'r' => s.push(b'\r'),
                                b't' => s.push(b'\t'),
                                b'b' => s.push(8),
                                b'f' => s.push(12),
                                d @ b'0'..=b'7' => {
                                    let mut v = u32::from(d - b'0');
                                    for _ in 0..2 {
                                        if matches!(content.get(i + 1), Some(b'0'..=b'7')) {
                                            i += 1;
                                            v = v * 8 + u32::from(content[i] - b'0');
                                        }
                                    }
                                    s.push(v as u8);
                                }
                                other => s.push(other),
                            }
                        }
                        b'(' => {
                            depth += 1;
                            s.push(b'(');
                        }
                        b')' => {
                            depth -= 1;
                            if depth > 0 {
                                s.push(b')');
                            }
                        }
                        other => s.push(other),
                    }
                    i += 1;
                }
                pending = Some(s);
            }
            b'<' if content.get(i + 1) != Some(&b'<') => {
                let end = i + content[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .expect("hex end");
                pending = Some(hex_bytes(
                    std::str::from_utf8(&content[i + 1..end]).expect("hex"),
                ));
                i = end + 1;
            }
            b'/' => {
                let end = i
                    + 1
                    + content[i + 1..]
                        .iter()
                        .position(|b| b.is_ascii_whitespace() || b"/[]()<>".contains(b))
                        .unwrap_or(content.len() - i - 1);
                last_name = content[i + 1..end].to_vec();
                i = end;
            }
            c if c.is_ascii_alphabetic() => {
                let end = i + content[i..]
                    .iter()
                    .position(|b| !b.is_ascii_alphanumeric() && *b != b'*')
                    .unwrap_or(content.len() - i);
                match &content[i..end] {
                    b"BMC" => {
                        let is_artifact = last_name == b"Artifact";
                        artifact_depth += usize::from(is_artifact);
                        marked.push(is_artifact);
                    }
                    b"EMC" => artifact_depth -= usize::from(marked.pop() == Some(true)),
                    b"Tj" => out.extend(pending.take().map(|s| (artifact_depth > 0, s))),
                    _ => {}
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// Extracts the text of every page of a PDF written by this module.
pub(crate) fn extract(pdf: &[u8]) -> Vec<PageText> {
    let all = streams(pdf);
    let cmap = all
        .iter()
        .find(|s| find(s, b"begincmap").is_some())
        .map(|s| to_unicode(&String::from_utf8_lossy(s)))
        .expect("ToUnicode CMap");
    all.iter()
        .filter(|s| find(s, b"BT").is_some() && find(s, b"begincmap").is_none())
        .map(|s| {
            let mut page = PageText::default();
            for (artifact, bytes) in shown_strings(s) {
                let text: String = bytes
                    .chunks(2)
                    .map(|g| {
                        cmap.get(&u16::from_be_bytes([g[0], g[1]]))
                            .cloned()
                            .unwrap_or_else(|| "\u{FFFD}".into())
                    })
                    .collect();
                if artifact {
                    page.artifacts.push(text);
                } else {
                    page.content.push(text);
                }
            }
            page
        })
        .collect()
}

/// All content text of a PDF, lines joined by spaces, blanks collapsed.
pub(crate) fn content_text(pdf: &[u8]) -> String {
    let lines: Vec<String> = extract(pdf).into_iter().flat_map(|p| p.content).collect();
    collapse(&lines.join(" "))
}

pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn identity(status: IdentityStatus, oid: &str) -> PatientIdentity {
    PatientIdentity {
        ipp: "IPP-00042".into(),
        ins: Some(Ins::parse("279035121518989", oid).expect("valid INS")),
        traits: BirthTraits {
            birth_name: "PAT-TROIS".into(),
            birth_first_names: "DOMINIQUE MARIE-LOUISE".into(),
            birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("date"),
            sex: Sex::Female,
            birthplace_insee: Some("51215".into()),
        },
        used_name: None,
        used_first_name: None,
        status,
    }
}

fn report(patient: PatientIdentity, paragraphs: usize) -> Report {
    let created = DateTime::parse_from_rfc3339("2024-03-05T14:30:00+01:00").expect("date");
    Report {
        title: "Lettre de liaison à la sortie".into(),
        establishment: vec!["Hôpital Européen".into(), "Cardiologie".into()],
        patient,
        details: vec![("Auteur".into(), "Dr Anne SOIGNÉ".into())],
        sections: vec![
            ReportSection {
                title: "Synthèse médicale du séjour".into(),
                blocks: (0..paragraphs)
                    .map(|i| {
                        Block::Paragraph(format!(
                            "Paragraphe {i} : évolution favorable, à revoir à J+15 ; \
                             fièvre résolue, éléments œdémateux régressifs."
                        ))
                    })
                    .collect(),
            },
            ReportSection {
                title: "Traitements à la sortie".into(),
                blocks: vec![
                    Block::List(vec!["Paracétamol 1 g".into(), "Ramipril 5 mg".into()]),
                    Block::Table {
                        header: vec!["Médicament".into(), "Posologie".into()],
                        rows: (0..paragraphs)
                            .map(|i| vec![format!("Produit {i}"), "1 cp matin et soir".into()])
                            .collect(),
                    },
                ],
            },
        ],
        document_id: "1.2.250.1.999.1^DOC-1".into(),
        author: "Dr Anne SOIGNÉ".into(),
        created,
    }
}

#[test]
fn payload_for_a_known_identity() {
    // Test OID (20 characters, the maximum): no GS after S2.
    let p = identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.10");
    let expected = "IS010000000000000000000000S1279035121518989S21.2.250.1.213.1.4.10\
                    S3DOMINIQUE MARIE-LOUISE\u{1D}S4PAT-TROIS\u{1D}S5FS628-03-1979S751215";
    assert_eq!(
        datamatrix::ins_payload(&p).expect("payload").as_deref(),
        Some(expected)
    );
    // Production NIR OID (19 characters): GS after S2.
    let p = identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.8");
    let payload = datamatrix::ins_payload(&p).expect("ok").expect("payload");
    assert!(payload.starts_with(INS_HEADER));
    assert!(payload.contains(&format!("S21.2.250.1.213.1.4.8{GS}S3")));
}

#[test]
fn payload_rules_for_names_birthplace_and_sex() {
    let mut p = identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.8");
    p.traits.birth_first_names = "Hélène  Zoé".into();
    p.traits.birth_name = "D’Aubigné".into();
    p.traits.birthplace_insee = None;
    let payload = datamatrix::ins_payload(&p).expect("ok").expect("payload");
    assert!(payload.ends_with(&format!("S3HELENE ZOE{GS}S4D'AUBIGNE{GS}S5FS628-03-1979")));
    p.traits.sex = Sex::Unknown;
    assert!(datamatrix::ins_payload(&p).is_err());
}

#[test]
fn no_payload_unless_qualified() {
    for status in [
        IdentityStatus::Provisoire,
        IdentityStatus::Recuperee,
        IdentityStatus::Validee,
    ] {
        let p = identity(status, "1.2.250.1.213.1.4.10");
        assert_eq!(datamatrix::ins_payload(&p), Ok(None), "{status:?}");
    }
}

#[test]
fn symbol_decodes_back_to_the_payload() {
    let p = identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.8");
    let payload = datamatrix::ins_payload(&p).expect("ok").expect("payload");
    let symbol = datamatrix::encode(&payload).expect("symbol");
    assert_eq!(symbol.width, symbol.height, "square symbol");
    let decoded = ::datamatrix::DataMatrix::decode(&symbol.dark, symbol.width).expect("decodes");
    assert_eq!(decoded, payload.as_bytes());
}

#[test]
fn pdf_text_is_extractable_with_accents_and_page_numbers() {
    let pdf = write(&report(
        identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.10"),
        2,
    ))
    .expect("pdf");
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let pages = extract(&pdf);
    assert_eq!(pages.len(), 1);
    let text = content_text(&pdf);
    for expected in [
        "Lettre de liaison à la sortie",
        "Synthèse médicale du séjour",
        "éléments œdémateux régressifs.",
        "Nom de naissance : PAT-TROIS",
        "INS : 2 79 03 51 215 189 89 (INS-NIR de test)",
        "IPP : IPP-00042",
        "INS à scanner",
        "• Paracétamol 1 g",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {text}");
    }
    assert!(pages[0].artifacts.iter().any(|a| a == "Page 1 / 1"));
}

#[test]
fn long_reports_break_pages_and_repeat_table_headers() {
    let report = report(
        identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.10"),
        90,
    );
    let pages = layout(&report).expect("layout");
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let pdf = write(&report).expect("pdf");
    if let Ok(dir) = std::env::var("CHEVET_PRODUCE_DUMP") {
        std::fs::write(format!("{dir}/long.pdf"), &pdf).expect("dump");
    }
    let extracted = extract(&pdf);
    assert_eq!(extracted.len(), pages.len());
    let n = pages.len();
    for (i, page) in extracted.iter().enumerate() {
        assert!(page.artifacts.contains(&format!("Page {} / {n}", i + 1)));
        if i > 0 {
            assert!(page.artifacts[0].starts_with("PAT-TROIS DOMINIQUE MARIE-LOUISE"));
        }
    }
    let headers = extracted
        .iter()
        .filter(|p| p.content.iter().any(|l| l == "Posologie"))
        .count();
    assert!(headers >= 2, "table header repeated after a page break");
    let text = content_text(&pdf);
    for i in 0..90 {
        assert!(text.contains(&format!("Paragraphe {i} :")));
        assert!(text.contains(&format!("Produit {i} 1 cp matin et soir")));
    }
    // Every line fits in the page width.
    let font = font::Font::load().expect("font");
    for page in &pages {
        for item in &page.items {
            if let Item::Text { x, size, text, .. } = item {
                assert!(x + font.width(text, *size) <= layout::PAGE_WIDTH - 49.0);
            }
        }
    }
}

#[test]
fn unqualified_identity_has_no_ins_and_no_datamatrix() {
    let pdf = write(&report(
        identity(IdentityStatus::Recuperee, "1.2.250.1.213.1.4.10"),
        1,
    ))
    .expect("pdf");
    let text = content_text(&pdf);
    assert!(!text.contains("INS à scanner"));
    assert!(!text.contains("INS :"));
    assert!(!text.contains("279035121518989") && !text.contains("2 79 03 51 215 189 89"));
    let pages = layout(&report(
        identity(IdentityStatus::Recuperee, "1.2.250.1.213.1.4.10"),
        1,
    ))
    .expect("layout");
    assert!(
        !pages
            .iter()
            .flat_map(|p| &p.items)
            .any(|i| matches!(i, Item::DataMatrix { .. }))
    );
}

#[test]
fn pdfa_parts_are_present() {
    let pdf = write(&report(
        identity(IdentityStatus::Qualifiee, "1.2.250.1.213.1.4.8"),
        1,
    ))
    .expect("pdf");
    let raw = String::from_utf8_lossy(&pdf);
    for needed in [
        "/OutputIntents",
        "/GTS_PDFA1",
        "/DestOutputProfile",
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "/ID [",
        "/FontFile2",
        "/ToUnicode",
        "/CIDToGIDMap /Identity",
        "/Lang (fr-FR)",
    ] {
        assert!(raw.contains(needed), "missing {needed}");
    }
    assert!(raw.contains("+DejaVuSans"), "subset font name tag");
    assert!(
        pdf.len() < 120_000,
        "subset font keeps the PDF small: {}",
        pdf.len()
    );
}
