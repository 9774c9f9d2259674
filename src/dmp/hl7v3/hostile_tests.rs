//! Hostile and broken answers for every parser: truncated at every point, wrong root, DOCTYPE
//! (entity expansion), undeclared prefixes, deep nesting, garbage and random corruption. Each
//! must give `DmpError::Malformed` (or, for corruption, any result) — never a panic.

use super::test_support::fixture;
use super::*;
use crate::dmp::error::DmpError;

type Parser = fn(&str) -> Result<(), DmpError>;

fn parsers() -> [(&'static str, Parser); 5] {
    [
        ("TD0.2_existence_test_response.xml", |b| {
            parse_existence_test(b).map(drop)
        }),
        ("TD0.3_set_authorization_response.xml", |b| {
            parse_set_authorization(b).map(drop)
        }),
        ("TD0.4_authorized_dmp_list_response.xml", |b| {
            parse_patient_list(b).map(drop)
        }),
        ("TD1.3a_consultation_response.xml", |b| {
            parse_consultation(b).map(drop)
        }),
        ("TD1.6_authorized_or_blocked_ps_list_response.xml", |b| {
            parse_list_authorizations(b).map(drop)
        }),
    ]
}

fn assert_malformed(name: &str, what: &str, result: Result<(), DmpError>) {
    assert!(
        matches!(result, Err(DmpError::Malformed { .. })),
        "{name} / {what}: {result:?}"
    );
}

#[test]
fn every_fixture_parses_whole() {
    for (name, parse) in parsers() {
        assert_eq!(parse(&fixture(name)), Ok(()), "{name}");
    }
}

#[test]
fn truncated_answers_are_malformed_at_every_cut() {
    for (name, parse) in parsers() {
        let text = fixture(name);
        let end = text.trim_end().len();
        let cuts = (0..end).filter(|&i| text.is_char_boundary(i));
        for cut in cuts {
            assert_malformed(name, &format!("cut at {cut}"), parse(&text[..cut]));
        }
    }
}

#[test]
fn wrong_roots_are_malformed() {
    let wrong = [
        "<html><body>Service indisponible</body></html>",
        r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body/></soap:Envelope>"#,
        r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Header/></soap:Envelope>"#,
        r#"<PRPA_IN201308UV02 xmlns="urn:autre"/>"#,
        r#"<patientListResponse xmlns="urn:hl7-org:v3"><output><status>DMPOk</status></output></patientListResponse>"#,
    ];
    for (name, parse) in parsers() {
        for body in wrong {
            assert_malformed(name, body, parse(body));
        }
        // Each parser refuses the other transactions' answers.
        for (other, _) in parsers() {
            let same_root = matches!(
                (name, other),
                (a, b) if a == b
                    || (a.starts_with("TD0.2") && b.starts_with("TD1.3a"))
                    || (a.starts_with("TD1.3a") && b.starts_with("TD0.2"))
            );
            if !same_root {
                assert_malformed(name, other, parse(&fixture(other)));
            }
        }
    }
}

#[test]
fn doctype_and_entity_bombs_are_refused() {
    let bomb = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<PRPA_IN201308UV02 xmlns="urn:hl7-org:v3"><acknowledgement typeCode="&lol2;"/></PRPA_IN201308UV02>"#;
    let external = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
    for (name, parse) in parsers() {
        assert_eq!(
            parse(bomb),
            Err(DmpError::malformed("XML without DOCTYPE")),
            "{name}"
        );
        assert_eq!(
            parse(external),
            Err(DmpError::malformed("XML without DOCTYPE")),
            "{name}"
        );
        let with_doctype =
            fixture(name).replacen("<soap:Envelope", "<!DOCTYPE x><soap:Envelope", 1);
        assert_malformed(name, "doctype", parse(&with_doctype));
    }
}

#[test]
fn garbage_nesting_and_prefixes_are_malformed() {
    let deep = format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000));
    let garbage = [
        "",
        "\u{FEFF}",
        "null",
        "{\"status\":\"DMPOk\"}",
        "<",
        "<<<>>>",
        "<a><b></a></b>",
        "<ns1:output>x</ns1:output>",
        "<a>&amp</a>",
        deep.as_str(),
    ];
    for (name, parse) in parsers() {
        for body in garbage {
            assert_malformed(
                name,
                &body.chars().take(30).collect::<String>(),
                parse(body),
            );
        }
    }
}

#[test]
fn random_corruption_never_panics() {
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let noise = [
        '<', '>', '&', '"', '/', '=', ' ', ';', '#', 'x', '\u{0}', 'é',
    ];
    for (name, parse) in parsers() {
        let text: Vec<char> = fixture(name).chars().collect();
        for _ in 0..300 {
            let mut corrupted = text.clone();
            for _ in 0..3 {
                let at = usize::try_from(next() % text.len() as u64).unwrap_or(0);
                let pick = usize::try_from(next() % noise.len() as u64).unwrap_or(0);
                corrupted[at] = noise[pick];
            }
            let body: String = corrupted.into_iter().collect();
            let _ = parse(&body);
        }
    }
}
