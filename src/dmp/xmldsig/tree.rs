//! The small in-memory XML tree that canonicalisation, signing and verification work on:
//! elements (with their namespace declarations kept apart from their attributes), attributes
//! and text, parsed with quick-xml. Each element remembers its byte span in the source so a
//! signature can be inserted into the original text without re-serialising it.
//!
//! What the parser does with the rest of XML: comments are dropped (canonical XML without
//! comments ignores them), CDATA sections become text, the XML declaration is skipped; a DTD
//! (and so any entity declaration) is refused, and so is a processing instruction inside the
//! root element. Line ends and attribute values are normalised as an XML processor must
//! (`\r\n` → `\n`; tabs and line ends inside attribute values → spaces; character references
//! kept as the character they name). Depth and element count are bounded.
//!
//! Why this is not the XML toolkit's tree (`crate::xml`): canonicalisation and enveloped
//! signing need what a message reader drops — the namespace declarations of each element as
//! written (exclusive c14n renders the visibly utilised ones, with their prefixes), the order
//! of attributes and declarations, and the byte span of every element in the source, so that
//! a signature is inserted into the original text without re-serialising it (a re-serialised
//! assertion would no longer match what was signed elsewhere). The refusals are the same:
//! no DTD, no entity but the predefined ones, bounded depth and size.

use std::collections::BTreeMap;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::XmlDsigError;

/// The namespace bound to the `xml` prefix by definition.
pub(crate) const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

const MAX_DEPTH: usize = 128;
const MAX_ELEMENTS: usize = 100_000;

/// Index of an element in [`Tree::elements`]; elements are stored in document order.
pub(crate) type ElemId = usize;

/// Namespace prefix (`""` = default namespace) → namespace name (`""` = none).
pub(crate) type NsMap = BTreeMap<String, String>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Child {
    Element(ElemId),
    Text(String),
}

/// An attribute that is not a namespace declaration. `prefix` is `""` when unprefixed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Attr {
    pub prefix: String,
    pub local: String,
    pub value: String,
}

impl Attr {
    pub fn qname(&self) -> String {
        qname(&self.prefix, &self.local)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    pub prefix: String,
    pub local: String,
    /// Declarations made on this element: prefix (`""` for `xmlns`) and namespace name.
    pub ns_decls: Vec<(String, String)>,
    pub attrs: Vec<Attr>,
    pub children: Vec<Child>,
    pub parent: Option<ElemId>,
    /// Byte offset of `<`.
    pub start: usize,
    /// Byte offset just after the start tag's `>` (equals `end` for an empty-element tag).
    pub start_tag_end: usize,
    /// Byte offset of the end tag's `<` (equals `end` for an empty-element tag).
    pub end_tag_start: usize,
    /// Byte offset just after the element.
    pub end: usize,
}

impl Element {
    pub fn qname(&self) -> String {
        qname(&self.prefix, &self.local)
    }

    /// Value of the unprefixed attribute `local`.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.prefix.is_empty() && a.local == local)
            .map(|a| a.value.as_str())
    }
}

pub(crate) fn qname(prefix: &str, local: &str) -> String {
    if prefix.is_empty() {
        local.to_owned()
    } else {
        format!("{prefix}:{local}")
    }
}

/// A parsed document: its elements in document order and the root's index.
#[derive(Debug, Clone)]
pub(crate) struct Tree {
    pub elements: Vec<Element>,
    pub root: ElemId,
}

impl Tree {
    /// Parses a whole document.
    pub fn parse(xml: &str) -> Result<Self, XmlDsigError> {
        let mut reader = Reader::from_str(xml);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);

        let mut elements: Vec<Element> = Vec::new();
        let mut stack: Vec<ElemId> = Vec::new();
        let mut root: Option<ElemId> = None;
        loop {
            let before = to_offset(reader.buffer_position());
            let event = reader.read_event().map_err(|e| XmlDsigError::Xml {
                position: to_offset(reader.error_position()),
                reason: e.to_string(),
            })?;
            let after = to_offset(reader.buffer_position());
            match event {
                Event::Start(_) | Event::Empty(_) if root.is_some() && stack.is_empty() => {
                    return Err(XmlDsigError::Refused("more than one root element"));
                }
                Event::Start(start) => {
                    let id = push_element(&mut elements, &stack, &start, before, after)?;
                    root.get_or_insert(id);
                    stack.push(id);
                    if stack.len() > MAX_DEPTH {
                        return Err(XmlDsigError::Refused("elements nested too deeply"));
                    }
                }
                Event::Empty(start) => {
                    let id = push_element(&mut elements, &stack, &start, before, after)?;
                    root.get_or_insert(id);
                    let element = &mut elements[id];
                    element.start_tag_end = after;
                    element.end_tag_start = after;
                    element.end = after;
                }
                Event::End(_) => {
                    let id = stack
                        .pop()
                        .ok_or(XmlDsigError::Refused("end tag without start tag"))?;
                    elements[id].end_tag_start = before;
                    elements[id].end = after;
                }
                Event::Text(text) => {
                    push_text(&mut elements, &stack, &normalize_eol(&text))?;
                }
                Event::CData(cdata) => {
                    push_text(&mut elements, &stack, &normalize_eol(&cdata))?;
                }
                Event::GeneralRef(reference) => {
                    let resolved = resolve_reference(&reference)?;
                    push_text(&mut elements, &stack, &resolved.to_string())?;
                }
                Event::Comment(_) | Event::Decl(_) => {}
                Event::PI(_) => {
                    if !stack.is_empty() {
                        return Err(XmlDsigError::Refused(
                            "processing instruction inside the document element",
                        ));
                    }
                }
                Event::DocType(_) => {
                    return Err(XmlDsigError::Refused("document type declaration"));
                }
                Event::Eof => break,
            }
        }
        if !stack.is_empty() {
            return Err(XmlDsigError::Refused("unclosed element"));
        }
        let root = root.ok_or(XmlDsigError::Refused("no document element"))?;
        Ok(Self { elements, root })
    }

    pub fn get(&self, id: ElemId) -> &Element {
        &self.elements[id]
    }

    /// Namespace name bound to `prefix` at element `id` (`""` = default namespace, which
    /// resolves to `Some("")` when no default namespace is in scope).
    pub fn resolve(&self, id: ElemId, prefix: &str) -> Option<&str> {
        if prefix == "xml" {
            return Some(XML_NS);
        }
        let mut cursor = Some(id);
        while let Some(current) = cursor {
            let element = &self.elements[current];
            if let Some((_, uri)) = element.ns_decls.iter().find(|(p, _)| p == prefix) {
                return Some(uri.as_str());
            }
            cursor = element.parent;
        }
        prefix.is_empty().then_some("")
    }

    /// Namespace name of element `id` (`""` when it is in no namespace).
    pub fn namespace(&self, id: ElemId) -> &str {
        self.resolve(id, &self.elements[id].prefix).unwrap_or("")
    }

    /// True when element `id` has this namespace name and local name.
    pub fn is(&self, id: ElemId, namespace: &str, local: &str) -> bool {
        self.elements[id].local == local && self.namespace(id) == namespace
    }

    /// Every namespace binding in scope at element `id`, inherited ones included.
    pub fn in_scope(&self, id: ElemId) -> NsMap {
        let mut chain = vec![id];
        let mut cursor = self.elements[id].parent;
        while let Some(parent) = cursor {
            chain.push(parent);
            cursor = self.elements[parent].parent;
        }
        let mut map = NsMap::new();
        for element in chain.iter().rev().map(|&e| &self.elements[e]) {
            for (prefix, uri) in &element.ns_decls {
                map.insert(prefix.clone(), uri.clone());
            }
        }
        map
    }

    /// Child elements of `id`, in order.
    pub fn child_elements(&self, id: ElemId) -> impl Iterator<Item = ElemId> + '_ {
        self.elements[id].children.iter().filter_map(|c| match c {
            Child::Element(e) => Some(*e),
            Child::Text(_) => None,
        })
    }

    /// First child element of `id` with this namespace and local name.
    pub fn child(&self, id: ElemId, namespace: &str, local: &str) -> Option<ElemId> {
        self.child_elements(id)
            .find(|&c| self.is(c, namespace, local))
    }

    /// Every child element of `id` with this namespace and local name.
    pub fn children_named<'a>(
        &'a self,
        id: ElemId,
        namespace: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = ElemId> + 'a {
        self.child_elements(id)
            .filter(move |&c| self.is(c, namespace, local))
    }

    /// The text directly inside `id` (text children concatenated, child elements skipped).
    pub fn text(&self, id: ElemId) -> String {
        self.elements[id]
            .children
            .iter()
            .filter_map(|c| match c {
                Child::Text(t) => Some(t.as_str()),
                Child::Element(_) => None,
            })
            .collect()
    }

    /// True when `ancestor` is `id` itself or one of its ancestors.
    pub fn is_ancestor_or_self(&self, ancestor: ElemId, id: ElemId) -> bool {
        let mut cursor = Some(id);
        while let Some(current) = cursor {
            if current == ancestor {
                return true;
            }
            cursor = self.elements[current].parent;
        }
        false
    }

    /// Every element in document order with this namespace and local name.
    pub fn all_named<'a>(
        &'a self,
        namespace: &'a str,
        local: &'a str,
    ) -> impl Iterator<Item = ElemId> + 'a {
        (0..self.elements.len()).filter(move |&e| self.is(e, namespace, local))
    }
}

fn to_offset(position: u64) -> usize {
    usize::try_from(position).unwrap_or(usize::MAX)
}

fn push_element(
    elements: &mut Vec<Element>,
    stack: &[ElemId],
    start: &BytesStart<'_>,
    before: usize,
    after: usize,
) -> Result<ElemId, XmlDsigError> {
    if elements.len() >= MAX_ELEMENTS {
        return Err(XmlDsigError::Refused("too many elements"));
    }
    let (prefix, local) = split_qname(start.name().0)?;
    let mut ns_decls = Vec::new();
    let mut attrs = Vec::new();
    for attribute in start.attributes().with_checks(true) {
        let attribute = attribute.map_err(|e| XmlDsigError::Xml {
            position: before,
            reason: e.to_string(),
        })?;
        let key = attribute.key.0;
        let value = normalize_attribute(&attribute.value)?;
        if key == "xmlns" {
            ns_decls.push((String::new(), value));
        } else if let Some(declared) = key.strip_prefix("xmlns:") {
            if value.is_empty() {
                return Err(XmlDsigError::Refused("empty namespace name for a prefix"));
            }
            ns_decls.push((declared.to_owned(), value));
        } else {
            let (prefix, local) = split_qname(key)?;
            attrs.push(Attr {
                prefix,
                local,
                value,
            });
        }
    }
    let id = elements.len();
    let parent = stack.last().copied();
    elements.push(Element {
        prefix,
        local,
        ns_decls,
        attrs,
        children: Vec::new(),
        parent,
        start: before,
        start_tag_end: after,
        end_tag_start: after,
        end: after,
    });
    if let Some(parent) = parent {
        elements[parent].children.push(Child::Element(id));
    }
    check_prefixes_bound(elements, id)?;
    Ok(id)
}

/// Every prefix used by the new element and its attributes must be declared.
fn check_prefixes_bound(elements: &[Element], id: ElemId) -> Result<(), XmlDsigError> {
    let bound = |prefix: &str| {
        if prefix.is_empty() || prefix == "xml" {
            return true;
        }
        let mut cursor = Some(id);
        while let Some(current) = cursor {
            if elements[current].ns_decls.iter().any(|(p, _)| p == prefix) {
                return true;
            }
            cursor = elements[current].parent;
        }
        false
    };
    let element = &elements[id];
    if !bound(&element.prefix) || element.attrs.iter().any(|a| !bound(&a.prefix)) {
        return Err(XmlDsigError::Refused("undeclared namespace prefix"));
    }
    Ok(())
}

fn split_qname(name: &str) -> Result<(String, String), XmlDsigError> {
    match name.split_once(':') {
        None => Ok((String::new(), name.to_owned())),
        Some((prefix, local)) if !prefix.is_empty() && !local.is_empty() => {
            Ok((prefix.to_owned(), local.to_owned()))
        }
        Some(_) => Err(XmlDsigError::Refused("malformed qualified name")),
    }
}

fn push_text(elements: &mut [Element], stack: &[ElemId], text: &str) -> Result<(), XmlDsigError> {
    let Some(&current) = stack.last() else {
        // Outside the document element only white space may appear.
        if text.chars().all(is_xml_space) {
            return Ok(());
        }
        return Err(XmlDsigError::Refused("text outside the document element"));
    };
    if text.is_empty() {
        return Ok(());
    }
    let children = &mut elements[current].children;
    if let Some(Child::Text(previous)) = children.last_mut() {
        previous.push_str(text);
    } else {
        children.push(Child::Text(text.to_owned()));
    }
    Ok(())
}

pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// XML 1.0 end-of-line handling: `\r\n` and lone `\r` become `\n`.
fn normalize_eol(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            if chars.peek() == Some(&'\n') {
                chars.next();
            }
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// Attribute-value normalisation for CDATA attributes (no DTD): literal white space
/// (`\t`, `\n`, `\r`, `\r\n`) becomes one space each; references are replaced by the
/// character they name, which is kept as is.
fn normalize_attribute(raw: &str) -> Result<String, XmlDsigError> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(c) = rest.chars().next() {
        match c {
            '&' => {
                let end = rest
                    .find(';')
                    .ok_or(XmlDsigError::Refused("unterminated reference"))?;
                out.push(resolve_name(&rest[1..end])?);
                rest = &rest[end + 1..];
                continue;
            }
            '<' => return Err(XmlDsigError::Refused("'<' in an attribute value")),
            '\r' => {
                out.push(' ');
                if rest[1..].starts_with('\n') {
                    rest = &rest[2..];
                    continue;
                }
            }
            '\n' | '\t' => out.push(' '),
            other => out.push(other),
        }
        rest = &rest[c.len_utf8()..];
    }
    Ok(out)
}

fn resolve_reference(reference: &quick_xml::events::BytesRef<'_>) -> Result<char, XmlDsigError> {
    let name: &str = reference;
    resolve_name(name)
}

/// The character named by an entity or character reference (without `&` and `;`).
fn resolve_name(name: &str) -> Result<char, XmlDsigError> {
    let code = if let Some(hex) = name.strip_prefix("#x") {
        u32::from_str_radix(hex, 16).ok()
    } else if let Some(decimal) = name.strip_prefix('#') {
        decimal.parse::<u32>().ok()
    } else {
        return match name {
            "amp" => Ok('&'),
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "quot" => Ok('"'),
            "apos" => Ok('\''),
            _ => Err(XmlDsigError::Refused("undeclared entity reference")),
        };
    };
    code.and_then(char::from_u32)
        .filter(|&c| c != '\0')
        .ok_or(XmlDsigError::Refused("invalid character reference"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_elements_and_namespaces_resolve() {
        let xml = r#"<a:r xmlns:a="urn:a" xmlns="urn:d"><b x="1"/><c>t&amp;u</c></a:r>"#;
        let tree = Tree::parse(xml).unwrap();
        assert_eq!(tree.elements.len(), 3);
        let b = &tree.elements[1];
        assert_eq!(&xml[b.start..b.end], r#"<b x="1"/>"#);
        let c = &tree.elements[2];
        assert_eq!(&xml[c.start..c.end], "<c>t&amp;u</c>");
        assert_eq!(&xml[c.start_tag_end..c.end_tag_start], "t&amp;u");
        assert_eq!(tree.text(2), "t&u");
        assert_eq!(tree.namespace(0), "urn:a");
        assert_eq!(tree.namespace(1), "urn:d");
        assert!(tree.is(2, "urn:d", "c"));
    }

    #[test]
    fn attribute_values_are_normalised() {
        let xml = "<a v=\"x\ty\r\nz&#xA;&#9;&lt;\"/>";
        let tree = Tree::parse(xml).unwrap();
        assert_eq!(tree.elements[0].attr("v"), Some("x y z\n\t<"));
    }

    #[test]
    fn text_line_ends_are_normalised_and_comments_dropped() {
        let tree = Tree::parse("<a>x\r\ny\rz<!-- c --><![CDATA[<&>]]>&#13;</a>").unwrap();
        assert_eq!(tree.text(0), "x\ny\nz<&>\r");
    }

    #[test]
    fn hostile_constructs_are_refused() {
        assert!(Tree::parse("<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>").is_err());
        assert!(Tree::parse("<a>&e;</a>").is_err());
        assert!(Tree::parse("<a><?pi x?></a>").is_err());
        assert!(Tree::parse("<p:a/>").is_err());
        assert!(Tree::parse("<a/><b/>").is_err());
        assert!(Tree::parse("<a>").is_err());
        assert!(Tree::parse("<a x='1' x='2'/>").is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(Tree::parse(&deep).is_err());
    }
}
