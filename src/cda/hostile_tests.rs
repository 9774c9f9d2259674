//! Tests on hostile or unusual inputs: DOCTYPE and entity bombs, unknown entities, truncation,
//! malformed XML, non-CDA roots, size and depth limits, broken or unpadded base64, legacy
//! encodings, BOM, prefixed namespaces. Error messages are checked to leak no content.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;

use crate::testing::CDA_FIXTURES as FIXTURES;

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .expect("valid date")
}

/// A minimal CDA around a body, with an accented title.
fn minimal(title: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <id root="1.2.3" extension="42"/>
  <code code="11488-4" codeSystem="2.16.840.1.113883.6.1"/>
  <title>{title}</title>
  <effectiveTime value="20240305143000+0100"/>
  <setId root="1.2.3.9"/>
  <versionNumber value="3"/>
  <recordTarget><patientRole><id root="1.2.250.1.213.1.4.8" extension="SECRETINS"/>
    <patient><name><family>SECRETNAME</family></name></patient></patientRole></recordTarget>
  <author><assignedAuthor><id root="1.2.250.1.71.4.2.1" extension="8"/>
    <assignedPerson><name><prefix>Dr</prefix><given>Anne</given><family>SOIGNE</family></name></assignedPerson>
  </assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization><name>CHU</name>
  </representedCustodianOrganization></assignedCustodian></custodian>
  <component>{body}</component>
</ClinicalDocument>"#
    )
}

fn n1(b64: &str) -> String {
    minimal(
        "Compte rendu",
        &format!(
            r#"<nonXMLBody><text mediaType="application/pdf" representation="B64">{b64}</text></nonXMLBody>"#
        ),
    )
}

fn assert_clean_message(err: &CdaError) {
    let msg = err.to_string();
    for secret in ["SECRETNAME", "SECRETINS", "xxe", "lol", "passwd", "Compte"] {
        assert!(!msg.contains(secret), "message leaks content: {msg}");
    }
    assert!(!err.is_retryable());
}

#[test]
fn doctype_with_external_entity_is_refused() {
    let doc = r#"<?xml version="1.0"?>
<!DOCTYPE ClinicalDocument [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<ClinicalDocument xmlns="urn:hl7-org:v3"><id root="1.2"/><title>&xxe;</title></ClinicalDocument>"#;
    let err = parse(doc.as_bytes()).expect_err("refused");
    assert_eq!(err, CdaError::Doctype);
    assert_clean_message(&err);
}

#[test]
fn billion_laughs_is_refused() {
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_owned()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str(
        "]>\n<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>&lol9;</title></ClinicalDocument>",
    );
    let err = parse(doc.as_bytes()).expect_err("refused");
    assert_eq!(err, CdaError::Doctype);
    assert_clean_message(&err);
}

#[test]
fn unknown_entity_without_doctype_is_an_error() {
    let doc = minimal("&xxe;", "");
    let err = parse(doc.as_bytes()).expect_err("refused");
    assert!(matches!(err, CdaError::UnknownEntity { .. }), "{err:?}");
    assert_clean_message(&err);
    let in_attr = minimal("t", "").replace("root=\"1.2.3\"", "root=\"&lol;\"");
    assert!(matches!(
        parse(in_attr.as_bytes()),
        Err(CdaError::UnknownEntity { .. })
    ));
}

#[test]
fn truncated_files_are_errors_not_panics() {
    let full = std::fs::read(format!("{FIXTURES}BIO-CR-BIO_2024.01_TSH_1.xml")).expect("fixture");
    for cut in [
        10,
        100,
        1_000,
        5_000,
        full.len() / 2,
        full.len() - 30,
        full.len() - 3,
    ] {
        let err = parse(&full[..cut]).expect_err("truncated");
        assert!(
            matches!(err, CdaError::Truncated { .. }),
            "cut {cut}: {err:?}"
        );
        assert_clean_message(&err);
    }
    let n1 = std::fs::read(format!("{FIXTURES}DOC_NON_STRUCTURE_CDA-R2-N1.xml")).expect("fixture");
    let err = parse(&n1[..n1.len() / 2]).expect_err("truncated in base64");
    assert!(matches!(err, CdaError::Truncated { .. }));
}

#[test]
fn malformed_xml_reports_a_position() {
    let doc = minimal("<b>SECRETNAME</i>", "");
    let err = parse(doc.as_bytes()).expect_err("malformed");
    match &err {
        CdaError::Malformed { position, reason } => {
            assert!(*position > 0);
            assert_eq!(*reason, XmlProblem::MismatchedEndTag);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_clean_message(&err);
    assert!(parse(b"\0\x01\x02garbage").is_err());
    assert!(parse(b"").is_err());
}

#[test]
fn non_cda_roots_are_refused() {
    for doc in [
        "<?xml version=\"1.0\"?><html><body><p>x</p></body></html>",
        "<ClinicalDocument xmlns=\"urn:other\"><id root=\"1\"/></ClinicalDocument>",
        "just text",
    ] {
        assert_eq!(
            parse(doc.as_bytes()).expect_err(doc),
            CdaError::NotCda,
            "{doc}"
        );
    }
    let no_id = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><title>t</title></ClinicalDocument>";
    assert_eq!(
        parse(no_id.as_bytes()).expect_err("no id"),
        CdaError::MissingId
    );
}

#[test]
fn oversized_documents_are_refused() {
    let big = vec![b' '; MAX_DOCUMENT_SIZE + 1];
    assert!(matches!(parse(&big), Err(CdaError::TooLarge { .. })));
}

#[test]
fn broken_base64_parses_but_refuses_to_decode() {
    let doc = parse(n1("JVBERi0x\n$$$$\nLjQ=").as_bytes()).expect("metadata still readable");
    assert!(doc.meta().has_pdf);
    let err = doc.pdf().expect("pdf").decode().expect_err("broken");
    assert!(matches!(err, CdaError::Base64 { .. }), "{err:?}");
    assert_clean_message(&err);
    let short = parse(n1("JVBERi0xL").as_bytes()).expect("parses");
    assert!(matches!(
        short.pdf().expect("pdf").decode(),
        Err(CdaError::Base64 {
            problem: Base64Problem::ImpossibleLength
        })
    ));
}

#[test]
fn unpadded_wrapped_base64_decodes() {
    let doc = parse(n1("\n  JVBERi0x\n  LjcK\n  JSVFT0Y\n").as_bytes()).expect("parses");
    let bytes = doc.pdf().expect("pdf").decode().expect("decodes");
    assert_eq!(bytes, b"%PDF-1.7\n%%EOF");
    let meta = doc.meta();
    assert_eq!(meta.body, BodyKind::Pdf);
    assert_eq!(meta.cda_id, "1.2.3^42");
    assert_eq!(meta.set_id, "1.2.3.9");
    assert_eq!(meta.version_number, 3);
    assert_eq!(meta.author, "Anne SOIGNE");
    assert_eq!(
        meta.organisation, "CHU",
        "custodian when the author has none"
    );
    assert_eq!(meta.type_label, "Compte rendu", "title when no displayName");
    assert_eq!(meta.act_date, Some(dt(2024, 3, 5, 14, 30, 0)));
}

#[test]
fn iso_8859_1_document_with_accented_title() {
    let text = minimal(
        "Compte rendu d'échographie",
        "<nonXMLBody><text mediaType=\"text/plain\">Résultat : normal</text></nonXMLBody>",
    )
    .replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
    let latin1: Vec<u8> = text
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("latin-1 char"))
        .collect();
    assert!(std::str::from_utf8(&latin1).is_err(), "really not UTF-8");
    let doc = parse(&latin1).expect("parses");
    assert_eq!(doc.meta().title, "Compte rendu d'échographie");
    assert_eq!(doc.meta().body, BodyKind::Text);
    let body = doc.non_xml_body().expect("text body");
    assert_eq!(body.decode().expect("text"), "Résultat : normal".as_bytes());

    let after_decl = latin1
        .iter()
        .position(|&b| b == b'\n')
        .expect("declaration line")
        + 1;
    let undeclared = &latin1[after_decl..];
    assert_eq!(
        parse(undeclared).expect("fallback").meta().title,
        "Compte rendu d'échographie"
    );
}

#[test]
fn bom_and_leading_whitespace_are_accepted() {
    let mut bytes = b"\xEF\xBB\xBF \r\n\t ".to_vec();
    bytes.extend_from_slice(n1("JVBERi0xLjQ=").as_bytes());
    let doc = parse(&bytes).expect("parses");
    assert_eq!(doc.meta().cda_id, "1.2.3^42");
}

#[test]
fn prefixed_namespace_and_other_namespaces() {
    let doc = r#"<x:wrapper xmlns:x="urn:x"><c:ClinicalDocument xmlns:c="urn:hl7-org:v3" xmlns:o="urn:o">
        <c:id root="9.9"/><o:title>not this</o:title><c:title>Titre &amp; co</c:title>
        <c:component><c:structuredBody><c:component><c:section><c:title>S</c:title>
        <c:text><c:paragraph>p</c:paragraph></c:text></c:section></c:component></c:structuredBody></c:component>
        </c:ClinicalDocument></x:wrapper>"#;
    let doc = parse(doc.as_bytes()).expect("parses");
    assert_eq!(doc.meta().title, "Titre & co");
    assert_eq!(doc.meta().set_id, "9.9", "setId falls back to the id");
    assert_eq!(doc.meta().version_number, 1);
    let s = &doc.sections()[0];
    assert_eq!(s.narrative_xml(), Some("<c:paragraph>p</c:paragraph>"));
    assert_eq!(s.narrative_prefix(), Some("c"));
    assert!(
        !format!("{doc:?}").contains("9.9"),
        "Debug shows no identifiers"
    );
}

#[test]
fn deep_nesting_is_bounded_without_stack_overflow() {
    let nested = |n: usize| {
        let open = "<component><section><title>s</title>".repeat(n);
        let close = "</section></component>".repeat(n);
        let body = format!("<structuredBody>{open}{close}</structuredBody>");
        minimal("t", &body)
    };
    let doc = parse(nested(120).as_bytes()).expect("deep but allowed");
    let mut depth = 0;
    let mut level = doc.sections();
    while let Some(s) = level.first() {
        depth += 1;
        level = &s.sections;
    }
    assert_eq!(depth, 120);
    let deep_entry = format!(
        "<structuredBody><component><section><entry>{}{}</entry></section></component></structuredBody>",
        "<organizer>".repeat(240),
        "</organizer>".repeat(240)
    );
    assert!(parse(minimal("t", &deep_entry).as_bytes()).is_ok());
    assert_eq!(
        parse(nested(200).as_bytes()).expect_err("too deep"),
        CdaError::TooDeep {
            max: reader::MAX_DEPTH
        }
    );
}
