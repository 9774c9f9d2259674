//! XML plumbing of the DMP messages: a bounded, namespace-aware reader that turns a SOAP body
//! (or a whole envelope) into a small element tree, the lookup of the payload element inside
//! Envelope/Body/wrappers, and an indenting writer that escapes every value it writes.
//!
//! DMP answers are small (a few KB; a TD0.4 list of thousands of patients stays under a few MB),
//! so a tree is simpler to read than a stream. The reader refuses DOCTYPE, unknown entities,
//! truncated input, more than [`MAX_INPUT_BYTES`], [`MAX_DEPTH`] levels or [`MAX_ELEMENTS`]
//! elements, always with [`DmpError::Malformed`] and never with the content.

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::{QName, ResolveResult};
use quick_xml::reader::NsReader;

use crate::dmp::error::DmpError;

/// Largest response accepted.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;
/// Deepest element nesting accepted (DMP messages stay under 20).
pub const MAX_DEPTH: usize = 64;
/// Most elements accepted in one response.
pub const MAX_ELEMENTS: usize = 500_000;

pub const NS_SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const NS_SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
/// Namespace of the `xml:` prefix; its attributes are stored with namespace `"xml"`.
const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";

/// One attribute, its namespace resolved (`""` when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    pub ns: String,
    pub local: String,
    pub value: String,
}

/// One element of the tree. Children are matched by local name only: the payload's root is
/// checked with its namespace, and nothing inside DMP payloads reuses a local name across
/// namespaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Namespace URI, `""` when unbound.
    pub ns: String,
    pub local: String,
    /// Attributes other than namespace declarations.
    pub attrs: Vec<Attr>,
    pub children: Vec<Element>,
    /// Direct character data (entities resolved, line ends normalised), untrimmed.
    pub text: String,
}

impl Element {
    /// True for `local` in namespace `ns` (or in no namespace: lenient servers).
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && (self.ns == ns || self.ns.is_empty())
    }

    /// First child of this local name.
    pub fn child(&self, local: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.local == local)
    }

    /// Children of this local name, in order.
    pub fn children_named<'a>(&'a self, local: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.local == local)
    }

    /// Follows a path of local names, first match at each step.
    pub fn path(&self, locals: &[&str]) -> Option<&Element> {
        locals.iter().try_fold(self, |e, local| e.child(local))
    }

    /// Value of an attribute without namespace, trimmed; `None` when absent or blank.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attr_ns("", local)
    }

    /// Value of an attribute in namespace `ns`, trimmed; `None` when absent or blank.
    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.ns == ns && a.local == local)
            .map(|a| a.value.trim())
            .filter(|v| !v.is_empty())
    }

    /// Trimmed text; `None` when blank.
    pub fn text(&self) -> Option<&str> {
        Some(self.text.trim()).filter(|t| !t.is_empty())
    }

    /// Trimmed text of the first child of this local name; `None` when absent or blank.
    pub fn child_text(&self, local: &str) -> Option<&str> {
        self.child(local).and_then(Element::text)
    }

    /// True for `xsi:nil="true"`.
    #[cfg(test)]
    pub fn is_nil(&self) -> bool {
        self.attr_ns(NS_XSI, "nil") == Some("true")
    }
}

/// Parses `input` into its root element.
pub fn parse(input: &str) -> Result<Element, DmpError> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(DmpError::malformed("a response of at most 32 MiB"));
    }
    let input = input.strip_prefix('\u{FEFF}').unwrap_or(input);
    let mut reader = NsReader::from_str(input);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|_| DmpError::malformed("well-formed XML"))?;
        let ns = namespace(&ns)?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(DmpError::malformed("a single root element"));
            }
            Event::Start(start) => {
                count += 1;
                if stack.len() >= MAX_DEPTH || count > MAX_ELEMENTS {
                    return Err(DmpError::malformed("XML of reasonable depth and size"));
                }
                stack.push(element(&reader, &start, ns)?);
            }
            Event::Empty(start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(DmpError::malformed("XML of reasonable depth and size"));
                }
                let elem = element(&reader, &start, ns)?;
                attach(&mut stack, &mut root, elem);
            }
            Event::End(_) => {
                let elem = stack.pop().ok_or(DmpError::malformed("well-formed XML"))?;
                attach(&mut stack, &mut root, elem);
            }
            Event::Text(text) => push_text(&mut stack, &text.xml10_content())?,
            Event::CData(data) => push_text(&mut stack, &data.xml10_content())?,
            Event::GeneralRef(reference) => push_text(&mut stack, &resolve(&reference)?)?,
            Event::DocType(_) => return Err(DmpError::malformed("XML without DOCTYPE")),
            Event::Eof if !stack.is_empty() => {
                return Err(DmpError::malformed("a complete response (it is truncated)"));
            }
            Event::Eof => return root.ok_or(DmpError::malformed("an XML element")),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
}

fn namespace(ns: &ResolveResult<'_>) -> Result<String, DmpError> {
    match ns {
        ResolveResult::Bound(ns) => Ok(ns.as_ref().to_owned()),
        ResolveResult::Unbound => Ok(String::new()),
        ResolveResult::Unknown(_) => Err(DmpError::malformed("declared namespace prefixes")),
    }
}

fn element(
    reader: &NsReader<&[u8]>,
    start: &BytesStart<'_>,
    ns: String,
) -> Result<Element, DmpError> {
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|_| DmpError::malformed("well-formed attributes"))?;
        let key = attr.key.into_inner();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (attr_ns, local) = reader.resolver().resolve_attribute(QName(key));
        let attr_ns = match attr_ns {
            ResolveResult::Bound(ns) if ns.as_ref() == NS_XML => "xml".to_owned(),
            ResolveResult::Bound(ns) => ns.as_ref().to_owned(),
            // `xml:lang` and friends: the `xml` prefix is bound by definition.
            ResolveResult::Unknown(p) if p == "xml" => "xml".to_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(_) => {
                return Err(DmpError::malformed("declared namespace prefixes"));
            }
        };
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|_| DmpError::malformed("attribute values with known entities"))?;
        attrs.push(Attr {
            ns: attr_ns,
            local: local.into_inner().to_owned(),
            value: value.into_owned(),
        });
    }
    Ok(Element {
        ns,
        local: start.name().local_name().into_inner().to_owned(),
        attrs,
        ..Element::default()
    })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, elem: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(elem),
        None => *root = Some(elem),
    }
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), DmpError> {
    match stack.last_mut() {
        Some(top) => top.text.push_str(text),
        None if text.trim().is_empty() => {}
        None => return Err(DmpError::malformed("no text outside the root element")),
    }
    Ok(())
}

fn resolve(reference: &BytesRef<'_>) -> Result<String, DmpError> {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            Ok(None) | Err(_) => Err(DmpError::malformed("valid character references")),
        };
    }
    resolve_predefined_entity(reference)
        .map(str::to_owned)
        .ok_or(DmpError::malformed("only the predefined XML entities"))
}

/// The payload `ns:local` of a response: `root` itself, or the first element of its SOAP Body
/// (when `root` is an Envelope or a Body), or a child of that element (a wrapper such as
/// `PRPA_IN201314UV02_Response`). A SOAP Fault in its place becomes the Fault's error.
pub fn payload<'a>(
    root: &'a Element,
    ns: &str,
    local: &str,
    expected: &'static str,
) -> Result<&'a Element, DmpError> {
    let mut node = root;
    if is_soap(node, "Envelope") {
        node = node
            .children
            .iter()
            .find(|c| is_soap(c, "Body"))
            .ok_or(DmpError::malformed("a SOAP Body"))?;
    }
    if is_soap(node, "Body") {
        node = node
            .children
            .first()
            .ok_or(DmpError::malformed("a response in the SOAP Body"))?;
    }
    if is_soap(node, "Fault") {
        return Err(super::fault::fault_error(node));
    }
    if node.is(ns, local) {
        return Ok(node);
    }
    node.children
        .iter()
        .find(|c| c.is(ns, local))
        .ok_or(DmpError::malformed(expected))
}

pub fn is_soap(e: &Element, local: &str) -> bool {
    e.local == local && (e.ns == NS_SOAP12 || e.ns == NS_SOAP11)
}

pub use crate::xml_escape::escape_into;

/// Builds a message as indented text. Element and attribute names are fixed by the code;
/// every value goes through [`escape_into`].
#[derive(Debug, Default)]
pub struct XmlWriter {
    out: String,
    depth: usize,
}

impl XmlWriter {
    pub fn new() -> Self {
        Self::default()
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    /// `<name attrs>` on its own line.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    /// `</name>` on its own line.
    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// `<name attrs>text</name>`.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.tag(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writer_output_reads_back_with_the_same_values() {
        let mut w = XmlWriter::new();
        w.open("root", &[("xmlns", "urn:x"), ("a", "1 < 2 & \"3\"")]);
        w.text("t", &[], "<script>&amp;</script>");
        w.empty("e", &[("v", "'")]);
        w.close("root");
        let tree = parse(&w.finish()).expect("own output parses");
        assert_eq!(tree.ns, "urn:x");
        assert_eq!(tree.attr("a"), Some("1 < 2 & \"3\""));
        assert_eq!(tree.child_text("t"), Some("<script>&amp;</script>"));
        assert_eq!(tree.child("e").and_then(|e| e.attr("v")), Some("'"));
    }

    #[test]
    fn namespaces_attributes_entities_and_nil_are_resolved() {
        let xml = r#"<?xml version="1.0"?><a:r xmlns:a="urn:a" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
            <a:c i:nil="true" xml:lang="fr">x &amp; y &#233;<![CDATA[<z>]]></a:c><d/></a:r>"#;
        let tree = parse(xml).expect("parses");
        assert!(tree.is("urn:a", "r"));
        let c = tree.child("c").expect("c");
        assert!(c.is_nil());
        assert_eq!(c.attr_ns("xml", "lang"), Some("fr"));
        assert_eq!(c.text(), Some("x & y é<z>"));
        assert_eq!(tree.child("d").map(|d| d.ns.as_str()), Some(""));
    }

    #[test]
    fn hostile_inputs_are_malformed_errors() {
        let deep = format!(
            "{}{}",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        let cases = [
            "",
            "   ",
            "<a>",
            "<a><b></a>",
            "<a></a><b/>",
            "text<a/>",
            "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
            "<a>&unknown;</a>",
            "<a>&#0;</a>",
            "<p:a/>",
            "<a b=\"&nope;\"/>",
            deep.as_str(),
        ];
        for case in cases {
            match parse(case) {
                Err(DmpError::Malformed { .. }) => {}
                other => panic!("{case:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn size_limits_are_enforced() {
        let huge = format!("<a>{}</a>", " ".repeat(MAX_INPUT_BYTES));
        assert_eq!(
            parse(&huge),
            Err(DmpError::malformed("a response of at most 32 MiB"))
        );
        let many = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS));
        assert_eq!(
            parse(&many),
            Err(DmpError::malformed("XML of reasonable depth and size"))
        );
        let enough = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS - 1));
        assert_eq!(
            parse(&enough).map(|a| a.children.len()),
            Ok(MAX_ELEMENTS - 1)
        );
    }

    #[test]
    fn payload_is_found_in_envelope_body_or_wrapper() {
        let env = format!(
            "<s:Envelope xmlns:s=\"{NS_SOAP12}\"><s:Body><w:Wrap xmlns:w=\"urn:w\">\
             <p xmlns=\"urn:p\"/></w:Wrap></s:Body></s:Envelope>"
        );
        let tree = parse(&env).expect("parses");
        assert!(payload(&tree, "urn:p", "p", "p").is_ok());
        assert_eq!(
            payload(&tree, "urn:p", "q", "q element"),
            Err(DmpError::malformed("q element"))
        );
        let empty = parse(&format!("<s:Body xmlns:s=\"{NS_SOAP12}\"/>")).expect("parses");
        assert!(payload(&empty, "urn:p", "p", "p").is_err());
    }
}
