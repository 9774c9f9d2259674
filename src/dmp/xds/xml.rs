//! XML plumbing of the XDS layer: a small bounded tree reader over quick-xml's namespace-aware
//! reader (no DTD, predefined entities and character references only, size and depth limits,
//! every problem an [`XdsMessageError`] with a byte position) and an escaping writer for the
//! messages this module builds.

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::error::XdsMessageError;

/// Largest message read (a FindDocuments answer for a large record stays far below).
pub const MAX_BYTES: usize = 64 * 1024 * 1024;
/// Deepest nesting read (SOAP + ebRIM stays around 12).
pub const MAX_DEPTH: usize = 128;

/// An element of a parsed message: namespace URI, local name, attributes (qualified names,
/// namespace declarations left out), child elements and its own character data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    pub text: String,
}

impl Element {
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.name == name && self.ns == ns
    }

    /// Value of an attribute by qualified name (`id`, `xml:lang`).
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements of this local name (any namespace).
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    #[cfg(test)]
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// This element or its first descendant (document order) with this namespace and name.
    pub fn find(&self, ns: &str, name: &str) -> Option<&Element> {
        if self.is(ns, name) {
            return Some(self);
        }
        self.children.iter().find_map(|c| c.find(ns, name))
    }

    /// Every descendant with this namespace and name, without looking inside the matches.
    pub fn find_all<'a>(&'a self, ns: &str, name: &str, out: &mut Vec<&'a Element>) {
        for c in &self.children {
            if c.is(ns, name) {
                out.push(c);
            } else {
                c.find_all(ns, name, out);
            }
        }
    }

    /// Character data, trimmed.
    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }
}

/// Reads a message (UTF-8, optional BOM and leading blanks) into its root element.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, XdsMessageError> {
    if bytes.len() > MAX_BYTES {
        return Err(XdsMessageError::TooLarge {
            size: bytes.len(),
            max: MAX_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| XdsMessageError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text).trim_start();
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let at = reader.buffer_position();
        let Ok((ns, event)) = reader.read_resolved_event() else {
            return Err(XdsMessageError::Malformed {
                position: reader.error_position(),
            });
        };
        match event {
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XdsMessageError::TooDeep { max: MAX_DEPTH });
                }
                stack.push(element(&start, &ns, at)?);
            }
            Event::Empty(start) => {
                let e = element(&start, &ns, at)?;
                attach(&mut stack, &mut root, e, at)?;
            }
            Event::End(_) => {
                let e = stack
                    .pop()
                    .ok_or(XdsMessageError::Malformed { position: at })?;
                attach(&mut stack, &mut root, e, at)?;
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&t.xml_content(XmlVersion::Implicit1_0));
                }
            }
            Event::CData(data) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&data.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_reference(&r, at)?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&resolved);
                }
            }
            Event::DocType(_) => return Err(XdsMessageError::Doctype),
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XdsMessageError::Malformed {
            position: text.len() as u64,
        });
    }
    root.ok_or(XdsMessageError::MissingElement("root"))
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    e: Element,
    at: u64,
) -> Result<(), XdsMessageError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(e),
        None if root.is_none() => *root = Some(e),
        None => return Err(XdsMessageError::Malformed { position: at }),
    }
    Ok(())
}

pub(crate) fn resolve_reference(r: &BytesRef<'_>, at: u64) -> Result<String, XdsMessageError> {
    if r.is_char_ref() {
        return match r.resolve_char_ref() {
            Ok(Some(c)) => Ok(c.to_string()),
            _ => Err(XdsMessageError::Malformed { position: at }),
        };
    }
    resolve_predefined_entity(r)
        .map(str::to_owned)
        .ok_or(XdsMessageError::UnknownEntity { position: at })
}

fn element(
    start: &BytesStart<'_>,
    ns: &ResolveResult<'_>,
    at: u64,
) -> Result<Element, XdsMessageError> {
    let ns = match ns {
        ResolveResult::Bound(n) => n.into_inner().to_owned(),
        ResolveResult::Unbound => String::new(),
        ResolveResult::Unknown(_) => return Err(XdsMessageError::Malformed { position: at }),
    };
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|_| XdsMessageError::Malformed { position: at })?;
        let key = attr.key.into_inner().to_owned();
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|_| XdsMessageError::UnknownEntity { position: at })?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element {
        ns,
        name: start.local_name().into_inner().to_owned(),
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Appends `value` escaped for character data: `& < >` and CR (so it survives end-of-line
/// normalisation); characters XML 1.0 forbids are dropped.
pub(crate) fn escape_text_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            '\t' | '\n' => out.push(c),
            c if forbidden(c) => {}
            c => out.push(c),
        }
    }
}

/// Appends `value` escaped for a double-quoted attribute; tabs and line ends become character
/// references so attribute normalisation keeps them.
pub(crate) fn escape_attr_into(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c if forbidden(c) => {}
            c => out.push(c),
        }
    }
}

fn forbidden(c: char) -> bool {
    (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Builds XML text. Element names come from this module (trusted); every attribute value and
/// every text is escaped. Indented with two spaces, or compact (for signed fragments).
pub(crate) struct Writer {
    out: String,
    /// Open elements, and whether each has child elements yet.
    open: Vec<(&'static str, bool)>,
    indent: bool,
}

impl Writer {
    pub fn new() -> Self {
        Self {
            out: String::with_capacity(8 * 1024),
            open: Vec::new(),
            indent: true,
        }
    }

    pub fn compact() -> Self {
        Self {
            indent: false,
            ..Self::new()
        }
    }

    fn newline(&mut self) {
        if let Some(parent) = self.open.last_mut() {
            parent.1 = true;
        }
        if self.indent && !self.out.is_empty() {
            self.out.push('\n');
            for _ in 0..self.open.len() {
                self.out.push_str("  ");
            }
        }
    }

    fn tag(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attrs {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_attr_into(&mut self.out, value);
            self.out.push('"');
        }
    }

    pub fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.newline();
        self.tag(name, attrs);
        self.out.push('>');
        self.open.push((name, false));
    }

    pub fn empty(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.newline();
        self.tag(name, attrs);
        self.out.push_str("/>");
    }

    /// `<name attrs>text</name>`.
    pub fn leaf(&mut self, name: &'static str, attrs: &[(&str, &str)], text: &str) {
        self.newline();
        self.tag(name, attrs);
        self.out.push('>');
        escape_text_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    pub fn end(&mut self) {
        if let Some((name, had_children)) = self.open.pop() {
            if had_children && self.indent {
                self.out.push('\n');
                for _ in 0..self.open.len() {
                    self.out.push_str("  ");
                }
            }
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
    }

    /// Inserts markup built elsewhere (a signed fragment that must stay byte-identical).
    pub fn raw(&mut self, markup: &str) {
        self.newline();
        self.out.push_str(markup);
    }

    /// The text, every open element closed.
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_namespaces_entities_and_text() {
        let src = "\u{feff}  <?xml version=\"1.0\"?>\r\n<a:r xmlns:a=\"urn:a\" xmlns=\"urn:d\"><x k=\"1 &amp; 2\r\n\">t&lt;&#233;<![CDATA[<c>]]></x><a:y/></a:r>";
        let root = parse(src.as_bytes()).expect("parse");
        assert!(root.is("urn:a", "r"));
        let x = root.child("x").expect("x");
        assert_eq!(x.ns, "urn:d");
        assert_eq!(x.attr("k"), Some("1 & 2 "));
        assert_eq!(x.text, "t<é<c>");
        assert!(root.find("urn:a", "y").is_some());
        assert!(root.find("urn:d", "y").is_none());
    }

    #[test]
    fn refuses_hostile_or_broken_input() {
        let doctype = "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>";
        assert_eq!(parse(doctype.as_bytes()), Err(XdsMessageError::Doctype));
        assert!(matches!(
            parse(b"<r>&e;</r>"),
            Err(XdsMessageError::UnknownEntity { .. })
        ));
        assert!(matches!(
            parse(b"<r><a></b></r>"),
            Err(XdsMessageError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"<r><a>"),
            Err(XdsMessageError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"<p:r/>"),
            Err(XdsMessageError::Malformed { .. })
        ));
        assert_eq!(parse(&[0xff, 0xfe]), Err(XdsMessageError::NotUtf8));
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert_eq!(
            parse(deep.as_bytes()),
            Err(XdsMessageError::TooDeep { max: MAX_DEPTH })
        );
    }

    #[test]
    fn writer_escapes_everything() {
        let mut w = Writer::new();
        w.start("r", &[("a", "x\"<&>\n\u{1}")]);
        w.leaf("t", &[], "a<b & c>\r\u{2}");
        w.empty("e", &[]);
        let out = w.finish();
        assert_eq!(
            out,
            "<r a=\"x&quot;&lt;&amp;&gt;&#xA;\">\n  <t>a&lt;b &amp; c&gt;&#xD;</t>\n  <e/>\n</r>"
        );
        let back = parse(out.as_bytes()).expect("reparse");
        assert_eq!(back.attr("a"), Some("x\"<&>\n"));
        assert_eq!(back.child("t").expect("t").text, "a<b & c>\r");
    }
}
