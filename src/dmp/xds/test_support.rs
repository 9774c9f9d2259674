//! Test helpers of the XDS layer: the real DMP and XDS messages of `../shared/fixtures`
//! (present beside the checkout in development and CI); a structural, order-insensitive view
//! of XML trees to compare built messages with the agency's; a serialiser and an `xmllint`
//! runner for schema validation.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;

use super::consts::{SS_UNIQUE_ID, ns};
use super::xml::{self, Element, escape_attr_into, escape_text_into};

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

pub fn parse(bytes: &[u8]) -> Element {
    xml::parse(bytes).expect("well-formed XML")
}

/// The first element `ns`:`name` under `root`.
pub fn find<'a>(root: &'a Element, ns: &str, name: &str) -> &'a Element {
    root.find(ns, name)
        .unwrap_or_else(|| panic!("no {name} element"))
}

fn is_object(e: &Element) -> bool {
    e.ns == ns::RIM
        && matches!(
            e.name.as_str(),
            "RegistryPackage" | "ExtrinsicObject" | "Association"
        )
}

fn collect_ids(e: &Element, ids: &mut HashMap<String, String>) {
    if is_object(e)
        && let Some(id) = e.attr("id")
    {
        ids.insert(id.to_owned(), e.name.clone());
    }
    for c in &e.children {
        collect_ids(c, ids);
    }
}

/// A canonical rendering for structural comparison: namespace and local name, attributes
/// sorted, ids masked, references to objects of the same message replaced by the referenced
/// element's name, references to the enclosing object dropped (implied by nesting), the
/// SubmissionSet uniqueId (random) masked, text trimmed, children sorted (ebRIM order carries
/// no meaning; the schemas check the order).
pub fn shape(root: &Element) -> String {
    let mut ids = HashMap::new();
    collect_ids(root, &mut ids);
    render(root, None, &ids, 0)
}

fn render(
    e: &Element,
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
    for (k, v) in &e.attrs {
        let rendered = match k.as_str() {
            "id" if e.ns == ns::XDSB && e.name == "Document" => reference(v),
            "id" => "#".to_owned(),
            "classifiedObject" | "registryObject" if Some(v.as_str()) == enclosing => continue,
            "classifiedObject" | "registryObject" | "sourceObject" | "targetObject" => reference(v),
            "value"
                if e.name == "ExternalIdentifier"
                    && e.attr("identificationScheme") == Some(SS_UNIQUE_ID) =>
            {
                "#uid".to_owned()
            }
            _ => v.clone(),
        };
        attrs.push(format!("{k}={rendered:?}"));
    }
    attrs.sort();
    let mut children: Vec<String> = e
        .children
        .iter()
        .map(|c| render(c, enclosing_now, ids, depth + 1))
        .collect();
    children.sort();
    let indent = "  ".repeat(depth);
    let mut out = format!(
        "{indent}{{{}}}{} {} {:?}\n",
        e.ns,
        e.name,
        attrs.join(" "),
        e.trimmed_text()
    );
    for c in children {
        out.push_str(&c);
    }
    out
}

/// Panics with the first differing line when two shapes differ.
pub fn assert_same_shape(ours: &Element, theirs: &Element) {
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
pub fn to_xml(e: &Element) -> String {
    let mut out = String::new();
    write(e, &mut out);
    out
}

fn write(e: &Element, out: &mut String) {
    out.push('<');
    out.push_str(&e.name);
    out.push_str(" xmlns=\"");
    escape_attr_into(out, &e.ns);
    out.push('"');
    for (k, v) in &e.attrs {
        out.push(' ');
        out.push_str(k);
        out.push_str("=\"");
        escape_attr_into(out, v);
        out.push('"');
    }
    out.push('>');
    escape_text_into(out, e.trimmed_text());
    for c in &e.children {
        write(c, out);
    }
    out.push_str("</");
    out.push_str(&e.name);
    out.push('>');
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
    let cert = find(&sig, ns::DS, "X509Certificate");
    let b64: String = cert.text.split_whitespace().collect();
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
