//! The corpus of hostile and defective CDA files (`tests/fixtures/hostile/`): each one gets the
//! clear error it must produce, or is read correctly; nothing panics, nothing hangs, and no
//! error message repeats document content.

use chevet::cda::{self, CdaError, Limits};

fn corpus(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/hostile/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("corpus file")
}

/// (file, expected Fluent id of the error)
const REFUSED: &[(&str, &str)] = &[
    ("xxe-external-entity.xml", "error-cda-doctype"),
    ("billion-laughs.xml", "error-cda-doctype"),
    ("parameter-entity.xml", "error-cda-doctype"),
    ("unknown-entity.xml", "error-cda-entity"),
    ("mismatched-tags.xml", "error-cda-malformed"),
    ("not-cda.xml", "error-cda-not-cda"),
    ("wrong-namespace.xml", "error-cda-not-cda"),
    ("no-id.xml", "error-cda-missing-id"),
    ("deep-nesting.xml", "error-cda-too-deep"),
    ("empty.xml", "error-cda-not-cda"),
    ("truncated.xml", "error-cda-truncated"),
];

#[test]
fn each_hostile_file_is_refused_with_its_own_clear_error() {
    for (name, expected) in REFUSED {
        let bytes = corpus(name);
        let err = cda::parse(&bytes).expect_err(name);
        assert_eq!(err.message_id(), *expected, "{name}: {err}");
        let text = err.to_string();
        // The message says what to do (French, for the log and the command line)...
        assert!(
            ["signalez", "demandez", "vérifiez", "relancez"]
                .iter()
                .any(|verb| text.contains(verb)),
            "{name}: no advice in {text:?}"
        );
        // ...and never quotes the document.
        for leaked in ["passwd", "lol", "Bonjour", "CR</titre>", "PAT-TROIS"] {
            assert!(!text.contains(leaked), "{name}: message leaks {leaked:?}");
        }
    }
}

#[test]
fn binary_garbage_is_refused_without_panic() {
    let err = cda::parse(&corpus("binary-garbage.xml")).expect_err("garbage");
    assert!(
        matches!(
            err,
            CdaError::Malformed { .. }
                | CdaError::NotCda
                | CdaError::UnsupportedEncoding
                | CdaError::Truncated { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn broken_base64_parses_but_its_content_is_refused_clearly() {
    let doc = cda::parse(&corpus("broken-base64.xml")).expect("header readable");
    let pdf = doc.pdf().expect("a PDF body is declared");
    let err = pdf.decode().expect_err("broken base64");
    assert_eq!(err.message_id(), "error-cda-content");
}

#[test]
fn unpadded_wrapped_base64_is_decoded() {
    let doc = cda::parse(&corpus("unpadded-base64.xml")).expect("parse");
    let bytes = doc.pdf().expect("pdf").decode().expect("lenient decode");
    assert!(bytes.starts_with(b"%PDF-"));
}

#[test]
fn latin1_without_declaration_and_bom_with_whitespace_are_read() {
    let doc = cda::parse(&corpus("latin1-undeclared.xml")).expect("latin-1");
    assert_eq!(
        doc.header().title,
        "Compte rendu d'hospitalisation à domicile"
    );
    let doc = cda::parse(&corpus("bom-and-whitespace.xml")).expect("bom");
    assert_eq!(doc.header().title, "Avec BOM");
}

#[test]
fn limits_are_configurable() {
    let bytes = corpus("deep-nesting.xml");
    let generous = Limits {
        max_depth: 1000,
        ..Limits::default()
    };
    assert!(cda::parse_with(&bytes, &generous).is_ok());
    let small = Limits {
        max_bytes: 100,
        ..Limits::default()
    };
    let err = cda::parse_with(&bytes, &small).expect_err("too large");
    assert_eq!(err.message_id(), "error-cda-too-large");
}

#[test]
fn an_oversized_document_is_refused_before_reading() {
    // 65 MiB of base64 inside a valid envelope: refused on size, not decoded.
    let mut doc = b"<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2\"/><component><nonXMLBody><text mediaType=\"application/pdf\" representation=\"B64\">".to_vec();
    doc.resize(doc.len() + 65 * 1024 * 1024, b'A');
    doc.extend_from_slice(b"</text></nonXMLBody></component></ClinicalDocument>");
    let err = cda::parse(&doc).expect_err("too large");
    assert_eq!(err.message_id(), "error-cda-too-large");
}
