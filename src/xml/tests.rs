//! Tests of the reader and the tree: namespaces, entities, text joining, limits and the
//! hostile inputs every message reader must refuse, and the writer's output read back.

use super::*;

fn read(text: &str) -> Result<Document<'_>, XmlError> {
    parse(text, &Limits::HL7V3)
}

#[test]
fn namespaces_attributes_entities_and_text() {
    let src = "\u{feff}  <?xml version=\"1.0\"?>\r\n<a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\" \
               xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><x k=\"1 &amp; 2\r\n\" \
               i:nil=\"true\" xml:lang=\"fr\">t&lt;&#233;<![CDATA[<c>]]></x><a:y/><z xmlns=\"\"/></a:r>";
    let doc = read(src).expect("parse");
    let root = doc.root();
    assert!(root.is("urn:a", "r"));
    assert_eq!(root.prefix(), "a");
    let x = root.child("x").expect("x");
    assert_eq!(x.ns(), "urn:d");
    assert_eq!(x.attr("k"), Some("1 & 2 "));
    assert_eq!(x.attr_trim("k"), Some("1 & 2"));
    assert_eq!(x.attr_ns(NS_XSI, "nil"), Some("true"));
    assert_eq!(x.attr_ns(NS_XML, "lang"), Some("fr"));
    assert_eq!(x.attr("nil"), None);
    assert_eq!(x.text(), "t<é<c>");
    assert!(root.find("urn:a", "y").is_some());
    assert!(root.find("urn:d", "y").is_none());
    let z = root.child("z").expect("z");
    assert_eq!(z.ns(), "");
    assert!(z.is_in_or_unqualified("urn:other", "z"));
    assert!(!x.is_in_or_unqualified("urn:other", "x"));
    assert_eq!(z.parent(), Some(root));
    assert_eq!(root.children().count(), 3);
    assert_eq!(root.descendants_or_self().count(), 4);
}

#[test]
fn text_is_borrowed_joined_and_line_ends_normalised() {
    let src = "<r>\n  <a>one</a>\n  <b>x\r\ny</b>\n  <c>1<i/>2</c>\n</r>";
    let doc = read(src).expect("parse");
    let r = doc.root();
    assert_eq!(r.text_trim(), None);
    assert_eq!(r.text(), "\n  ");
    assert!(matches!(
        doc.nodes[1].text,
        std::borrow::Cow::Borrowed("one")
    ));
    assert_eq!(r.child_text_trim("b"), Some("x\ny"));
    assert_eq!(r.child_text_trim("c"), Some("12"));
    assert_eq!(r.path(&["c", "i"]).map(|i| i.local()), Some("i"));
    let found = r.find_all("", "i");
    assert_eq!(found.len(), 1);
}

#[test]
fn hostile_and_broken_inputs_are_refused() {
    let deep = format!(
        "{}{}",
        "<a>".repeat(Limits::HL7V3.max_depth + 1),
        "</a>".repeat(Limits::HL7V3.max_depth + 1)
    );
    type Expected = fn(&XmlError) -> bool;
    let cases: [(&str, Expected); 16] = [
        ("", |e| *e == XmlError::NoRoot),
        ("   ", |e| *e == XmlError::NoRoot),
        ("<a>", |e| matches!(e, XmlError::Truncated { .. })),
        ("<a><b></a>", |e| matches!(e, XmlError::Malformed { .. })),
        ("<a></a><b/>", |e| {
            matches!(e, XmlError::SeveralRoots { .. })
        }),
        ("text", |e| *e == XmlError::NoRoot),
        ("<a/>&bogus;", |e| {
            matches!(e, XmlError::UnknownEntity { .. })
        }),
        ("<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>", |e| {
            *e == XmlError::Doctype
        }),
        ("<a>&unknown;</a>", |e| {
            matches!(e, XmlError::UnknownEntity { .. })
        }),
        ("<a>&#0;</a>", |e| matches!(e, XmlError::BadCharRef { .. })),
        ("<p:a/>", |e| matches!(e, XmlError::UnboundPrefix { .. })),
        ("<a p:b=\"1\"/>", |e| {
            matches!(e, XmlError::UnboundPrefix { .. })
        }),
        ("<a b=\"&nope;\"/>", |e| {
            matches!(e, XmlError::UnknownEntity { .. })
        }),
        ("<a b=\"1\" b=\"2\"/>", |e| {
            matches!(e, XmlError::Malformed { .. })
        }),
        ("<a xmlns:xml=\"urn:x\"/>", |e| {
            matches!(e, XmlError::Malformed { .. })
        }),
        (deep.as_str(), |e| matches!(e, XmlError::TooDeep { .. })),
    ];
    for (case, expected) in cases {
        match read(case) {
            Err(e) if expected(&e) => {}
            other => panic!(
                "{:?} gave {other:?}",
                case.chars().take(40).collect::<String>()
            ),
        }
    }
}

#[test]
fn text_outside_the_root_is_ignored() {
    // What a sloppy MTOM framing leaves around the envelope: not content, not an error.
    let doc = read("junk <r>x</r>\n----").expect("parse");
    assert_eq!(doc.root().text(), "x");
}

#[test]
fn limits_are_enforced() {
    let limits = Limits {
        max_bytes: 100,
        max_depth: 4,
        max_elements: 10,
    };
    let huge = format!("<a>{}</a>", " ".repeat(100));
    assert_eq!(
        parse(&huge, &limits).map(|d| d.len()),
        Err(XmlError::TooLarge {
            size: 107,
            max: 100
        })
    );
    let many = format!("<a>{}</a>", "<b/>".repeat(10));
    assert_eq!(
        parse(&many, &limits).map(|d| d.len()),
        Err(XmlError::TooManyElements { max: 10 })
    );
    let enough = format!("<a>{}</a>", "<b/>".repeat(9));
    assert_eq!(parse(&enough, &limits).map(|d| d.len()), Ok(10));
}

#[test]
fn errors_and_debug_carry_no_content() {
    let secret = "DUPONT 207058575627097";
    let doc = format!("<r><n a=\"{secret}\">{secret}</n></r>");
    let parsed = read(&doc).expect("parse");
    let shown = format!(
        "{parsed:?} {:?} {:?}",
        parsed.root(),
        parsed.root().children().next()
    );
    assert!(!shown.contains("DUPONT"), "{shown}");
    let err = read(&format!("<r>{secret}&{secret};</r>")).expect_err("entity");
    assert!(!err.to_string().contains("DUPONT"), "{err}");
}

#[test]
fn writer_output_reads_back_with_the_same_values() {
    let mut w = XmlWriter::new();
    w.open(
        "root",
        &[("xmlns", "urn:x"), ("a", "1 < 2 & \"3\"\ttab\nline")],
    );
    w.leaf("t", &[], "<script>&amp;</script>\r\n");
    w.empty("e", &[("v", "'")]);
    w.close();
    let out = w.finish();
    let doc = read(&out).expect("own output parses");
    let root = doc.root();
    assert_eq!(root.ns(), "urn:x");
    assert_eq!(root.attr("a"), Some("1 < 2 & \"3\"\ttab\nline"));
    assert_eq!(
        root.child("t").map(|t| t.text()),
        Some("<script>&amp;</script>\r\n")
    );
    assert_eq!(root.child("e").and_then(|e| e.attr("v")), Some("'"));
}
