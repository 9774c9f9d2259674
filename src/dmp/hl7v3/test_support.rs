//! Test helpers: the agency's example messages of `../shared/fixtures/dmp` (present beside the
//! checkout in development and CI), the SOAP Body payload of a fixture, and a canonical text form
//! of an element tree to compare a built message with an example "structurally": same elements,
//! namespaces, attributes and texts, ignoring prefixes, namespace declarations, indentation and
//! the values that change with every message (ids, times).

use chrono::NaiveDate;

use super::message::{MessageIds, Sender};
use crate::dmp::soap;
use crate::domain::Ins;
use crate::xml::{Document, Element, Limits, NS_XSI};

/// Directory of the DMP fixtures, with a trailing slash.
pub const DMP_FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/dmp/");

/// The text of one DMP fixture.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{DMP_FIXTURES}{name}")).unwrap_or_else(|e| {
        panic!("fixture {name} unreadable ({e}); ../shared must be beside the checkout")
    })
}

/// Parses a message (test input: it must be well-formed).
pub fn parse(text: &str) -> Document<'_> {
    soap::parse(text, &Limits::HL7V3).expect("well-formed XML")
}

/// The first element of the SOAP Body of an envelope.
pub fn body_payload<'a>(envelope: &'a Document<'_>) -> Element<'a> {
    let tree = envelope.root();
    assert!(soap::is_soap(&tree, "Envelope"), "not an envelope");
    let body = tree
        .children()
        .find(|c| soap::is_soap(c, "Body"))
        .expect("Body");
    body.first_child().expect("payload")
}

/// The SOAP Body of an envelope, as text (what the transport layer hands to the parsers).
pub fn body_text(envelope: &str) -> String {
    let start = envelope.find(":Body>").expect("Body start") + ":Body>".len();
    let end = envelope.rfind("</").expect("end");
    let end = envelope[..end].rfind("</").expect("Body end");
    envelope[start..end].to_owned()
}

/// What to ignore in a comparison.
pub struct Ignore<'a> {
    /// `(element, attribute)` pairs whose values differ per message.
    pub volatile: &'a [(&'a str, &'a str)],
    /// Leave out `xsi:nil="true"` elements (placeholders without content).
    pub nil_elements: bool,
}

/// Canonical text of `e`: one line per element, attributes sorted, texts trimmed.
pub fn canonical(e: Element<'_>, ignore: &Ignore<'_>) -> String {
    let mut out = String::new();
    write(e, ignore, 0, &mut out);
    out
}

fn write(e: Element<'_>, ignore: &Ignore<'_>, depth: usize, out: &mut String) {
    out.push_str(&"  ".repeat(depth));
    out.push_str(&format!("{{{}}}{}", e.ns(), e.local()));
    let mut attrs: Vec<_> = e.attrs().collect();
    attrs.sort_by(|a, b| (a.ns(), a.local()).cmp(&(b.ns(), b.local())));
    for a in attrs {
        let volatile = ignore
            .volatile
            .iter()
            .any(|(el, at)| *el == e.local() && *at == a.local() && a.ns().is_empty());
        let value = if volatile { "*" } else { a.value() };
        let ns = if a.ns() == NS_XSI { "xsi:" } else { "" };
        out.push_str(&format!(" {ns}{}={value:?}", a.local()));
    }
    if let Some(text) = e.text_trim() {
        out.push_str(&format!(" text={text:?}"));
    }
    out.push('\n');
    for child in e.children() {
        if ignore.nil_elements && child.attr_ns_trim(NS_XSI, "nil") == Some("true") {
            continue;
        }
        write(child, ignore, depth + 1, out);
    }
}

/// The sender of the agency's examples.
pub fn example_sender() -> Sender {
    Sender::new("1.3.6.1.4.1.48364", "LPS GIE-SV")
}

/// Fixed ids and time.
pub fn example_ids() -> MessageIds {
    MessageIds {
        message_id: "00000000-0000-4000-8000-000000000001".into(),
        query_id: "00000000-0000-4000-8000-000000000002".into(),
        creation_time: NaiveDate::from_ymd_opt(2024, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .expect("date"),
    }
}

/// The test INS of the examples (its key is valid).
pub fn example_ins() -> Ins {
    Ins::parse("207058575627097", "1.2.250.1.213.1.4.10").expect("fixture INS is valid")
}

/// What changes with every HL7v3 query.
pub const VOLATILE: &[(&str, &str)] = &[
    ("id", "extension"),
    ("creationTime", "value"),
    ("queryId", "extension"),
];
