//! Test helpers of the XDS layer: the real DMP and XDS messages of `../shared/fixtures`
//! (present beside the checkout in development and CI); a structural, order-insensitive view
//! of XML trees to compare built messages with the agency's; a serialiser and an `xmllint`
//! runner for schema validation.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use super::consts::{SS_UNIQUE_ID, ns};
use crate::dmp::soap;
use crate::xml::{self, Element, Limits, escape_attr_into, escape_text_into};

/// Directory of the shared fixtures, with a trailing slash.
pub const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/");

pub fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{path}")).unwrap_or_else(|e| {
        panic!("fixture {path} unreadable ({e}); ../shared must be beside the checkout")
    })
}

pub fn dmp_fixture(name: &str) -> Vec<u8> {
    fixture(&format!("dmp/{name}"))
}

/// The root of a message (kept for the rest of the test process).
pub fn parse(bytes: &[u8]) -> Element<'static> {
    xml::parse_leaked(&soap::decode_text(bytes), &Limits::XDS).expect("well-formed XML")
}

/// The first element `ns`:`name` under `root`.
pub fn find<'a>(root: Element<'a>, ns: &str, name: &str) -> Element<'a> {
    root.find(ns, name)
        .unwrap_or_else(|| panic!("no {name} element"))
}

fn is_object(e: Element<'_>) -> bool {
    e.ns() == ns::RIM
        && matches!(
            e.local(),
            "RegistryPackage" | "ExtrinsicObject" | "Association"
        )
}

fn collect_ids(e: Element<'_>, ids: &mut HashMap<String, String>) {
    if is_object(e)
        && let Some(id) = e.attr("id")
    {
        ids.insert(id.to_owned(), e.local().to_owned());
    }
    for c in e.children() {
        collect_ids(c, ids);
    }
}

/// A canonical rendering for structural comparison: namespace and local name, attributes
/// sorted, ids masked, references to objects of the same message replaced by the referenced
/// element's name, references to the enclosing object dropped (implied by nesting), the
/// SubmissionSet uniqueId (random) masked, text trimmed, children sorted (ebRIM order carries
/// no meaning; the schemas check the order).
pub fn shape(root: Element<'_>) -> String {
    let mut ids = HashMap::new();
    collect_ids(root, &mut ids);
    render(root, None, &ids, 0)
}

fn render(
    e: Element<'_>,
    enclosing: Option<&str>,
    ids: &HashMap<String, String>,
    depth: usize,
) -> String {
    let own = if is_object(e) { e.attr("id") } else { None };
    let enclosing_now = own.or(enclosing);
    let reference = |v: &str| {
        ids.get(v)
            .map_or_else(|| v.to_owned(), |n| format!("->{n}"))
    };
    let mut attrs: Vec<String> = Vec::new();
    for a in e.attrs() {
        let (k, v) = (qualified(a), a.value());
        let rendered = match k.as_str() {
            "id" if e.ns() == ns::XDSB && e.local() == "Document" => reference(v),
            "id" => "#".to_owned(),
            "classifiedObject" | "registryObject" if Some(v) == enclosing => continue,
            "classifiedObject" | "registryObject" | "sourceObject" | "targetObject" => reference(v),
            "value"
                if e.local() == "ExternalIdentifier"
                    && e.attr("identificationScheme") == Some(SS_UNIQUE_ID) =>
            {
                "#uid".to_owned()
            }
            _ => v.to_owned(),
        };
        attrs.push(format!("{k}={rendered:?}"));
    }
    attrs.sort();
    let mut children: Vec<String> = e
        .children()
        .map(|c| render(c, enclosing_now, ids, depth + 1))
        .collect();
    children.sort();
    let indent = "  ".repeat(depth);
    let mut out = format!(
        "{indent}{{{}}}{} {} {:?}\n",
        e.ns(),
        e.local(),
        attrs.join(" "),
        e.text().trim()
    );
    for c in children {
        out.push_str(&c);
    }
    out
}

/// Panics with the first differing line when two shapes differ.
pub fn assert_same_shape(ours: Element<'_>, theirs: Element<'_>) {
    let (a, b) = (shape(ours), shape(theirs));
    if a == b {
        return;
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let at = la
        .iter()
        .zip(&lb)
        .position(|(x, y)| x != y)
        .unwrap_or(la.len().min(lb.len()));
    let around = |lines: &[&str]| lines[at.saturating_sub(3)..(at + 3).min(lines.len())].join("\n");
    panic!(
        "shapes differ at line {at}\n--- ours ---\n{}\n--- theirs ---\n{}",
        around(&la),
        around(&lb)
    );
}

/// Serialises an element tree, each element declaring its own default namespace.
pub fn to_xml(e: Element<'_>) -> String {
    let mut out = String::new();
    write(e, &mut out);
    out
}

fn write(e: Element<'_>, out: &mut String) {
    out.push('<');
    out.push_str(e.local());
    out.push_str(" xmlns=\"");
    escape_attr_into(out, e.ns());
    out.push('"');
    for a in e.attrs() {
        out.push(' ');
        out.push_str(&qualified(a));
        if a.ns() == xml::NS_XML {
            // `xml:` needs no declaration.
        } else if !a.ns().is_empty() {
            out.push_str("=\"");
            escape_attr_into(out, a.value());
            out.push_str("\" xmlns:a=\"");
            escape_attr_into(out, a.ns());
            out.push('"');
            continue;
        }
        out.push_str("=\"");
        escape_attr_into(out, a.value());
        out.push('"');
    }
    out.push('>');
    escape_text_into(out, e.text().trim());
    for c in e.children() {
        write(c, out);
    }
    out.push_str("</");
    out.push_str(e.local());
    out.push('>');
}

/// An attribute's name as the tests write it: `local`, `xml:local`, or `a:local` for another
/// namespace (declared as `xmlns:a` by [`to_xml`]).
fn qualified(a: xml::Attr<'_>) -> String {
    match a.ns() {
        "" => a.local().to_owned(),
        xml::NS_XML => format!("xml:{}", a.local()),
        _ => format!("a:{}", a.local()),
    }
}

/// A fresh scratch file path for this test process.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chevet-xds-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

/// Runs `xmllint --noout --schema` on `xml`; `Err` holds xmllint's complaints. Panics with the
/// package to install when xmllint is missing.
pub fn xmllint_validate(xml: &str, schema: &str, name: &str) -> Result<(), String> {
    let file = scratch(name);
    std::fs::write(&file, xml).expect("write scratch file");
    let schema = format!("{FIXTURES}schema/ebrs30-xds/{schema}");
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema", &schema])
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint not runnable ({e}): install the Debian package libxml2-utils")
        });
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `xmllint --exc-c14n` of a standalone document (comments kept: none in our fragments).
pub fn xmllint_exc_c14n(xml: &str, name: &str) -> String {
    let file = scratch(name);
    std::fs::write(&file, xml).expect("write scratch file");
    let out = Command::new("xmllint")
        .arg("--exc-c14n")
        .arg(&file)
        .output()
        .unwrap_or_else(|e| {
            panic!("xmllint not runnable ({e}): install the Debian package libxml2-utils")
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// The professional of the agency's request samples (MAX LIBRE, cabinet, SM26).
pub fn agency_author() -> super::Author {
    super::Author {
        person: Some(super::Xcn::professional("899900063480", "MAX", "LIBRE")),
        institutions: vec![super::Xon::structure("CABINET DR LIBRE", "499900063480001")],
        roles: Vec::new(),
        specialties: vec![super::Code::new(
            "G15_10/SM26",
            super::OID_SPECIALTY,
            "Médecin - Qualifié en Médecine Générale (SM)",
        )],
        telecommunications: Vec::new(),
    }
}

/// The submission context of the agency's samples at `time` (`YYYYMMDDhhmmss`, UTC).
pub fn agency_context(time: &str, title: &str, comments: Option<&str>) -> super::SubmissionContext {
    super::SubmissionContext {
        source_id: "1.2.250.1.999.1.1.7898".into(),
        author: agency_author(),
        content_type: super::content_type("04", "Hospitalisation de jour"),
        time: super::parse_dtm(time).expect("time"),
        title: Some(title.into()),
        comments: comments.map(Into::into),
    }
}

/// The signing certificate of the agency's XAdES sample (DER).
pub fn agency_certificate() -> Vec<u8> {
    use base64::Engine as _;
    let sig = parse(&dmp_fixture("TD2.1_xades_signature.xml"));
    let cert = find(sig, ns::DS, "X509Certificate");
    let b64: String = cert.text().split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .expect("certificate base64")
}

/// A signer whose "signature" is the SHA-256 of the data (structure tests only).
pub struct FakeSigner(pub Vec<u8>);

impl crate::dmp::signer::Signer for FakeSigner {
    fn certificate_der(&self) -> &[u8] {
        &self.0
    }

    fn sign_rsa_sha256(&self, data: &[u8]) -> Result<Vec<u8>, crate::dmp::signer::SignError> {
        use sha2::Digest as _;
        Ok(sha2::Sha256::digest(data).to_vec())
    }
}
