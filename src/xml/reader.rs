//! The one XML reader of the messages Chevet receives: the toolkit's lexer underneath,
//! namespaces resolved here with a small prefix stack, the result a [`Document`] arena whose
//! names and texts borrow the source.
//!
//! What it refuses, always as an [`XmlError`] with a byte position and never with content:
//! a DOCTYPE (so no entity can be declared: no expansion bomb, no external entity), any
//! entity other than the five predefined ones, invalid character references, undeclared
//! prefixes, mismatched or missing end tags, a second root, and input beyond the [`Limits`]
//! (bytes, depth, element count). It accepts a leading BOM, blank lines before the XML
//! declaration, comments and processing instructions (skipped), and ignores character data
//! outside the root element, as the readers it replaced did (peers' MTOM framing leaves some).

use std::borrow::Cow;

use super::entities::{attribute_value, text_content};
use super::error::{XmlError, XmlProblem};
use super::lexer::{Lexer, RawAttr, Token};
use super::tree::{AttrNode, Document, NONE, NS_NONE, Node};
use super::{NS_XML, NS_XMLNS};

/// What the reader accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Longest text, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of elements that have content (`<a>…</a>`).
    pub max_depth: usize,
    /// Most elements.
    pub max_elements: usize,
}

impl Limits {
    /// DMP HL7v3 and DMP-service answers: a few KB, a TD0.4 list of thousands of patients
    /// stays under a few MB.
    pub const HL7V3: Self = Self {
        max_bytes: 32 * 1024 * 1024,
        max_depth: 64,
        max_elements: 500_000,
    };

    /// XDS messages (a FindDocuments answer for a large record, a retrieve carrying the
    /// document inline) and whole SOAP envelopes.
    pub const XDS: Self = Self {
        max_bytes: 64 * 1024 * 1024,
        max_depth: 128,
        max_elements: 4_000_000,
    };
}

/// Index of the XML namespace in every document's namespace table.
const NS_XML_ID: u32 = 1;

/// A namespace binding in scope.
struct Binding<'s> {
    prefix: &'s str,
    ns: u32,
}

/// An open element and how many bindings were in scope before its own.
struct Open {
    id: u32,
    bindings: usize,
}

struct Builder<'s> {
    doc: Document<'s>,
    bindings: Vec<Binding<'s>>,
    open: Vec<Open>,
    /// Prefixes of the attributes of the start tag being read (scratch).
    prefixes: Vec<&'s str>,
    limits: Limits,
}

/// Parses `text` (already decoded, see [`decode`](super::decode)) into its document.
pub fn parse<'s>(text: &'s str, limits: &Limits) -> Result<Document<'s>, XmlError> {
    if text.len() > limits.max_bytes {
        return Err(XmlError::TooLarge {
            size: text.len(),
            max: limits.max_bytes,
        });
    }
    let unmarked = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let body = unmarked.trim_start_matches([' ', '\t', '\r', '\n']);
    let mut lexer = Lexer::new(body, (text.len() - body.len()) as u64);
    let mut b = Builder {
        doc: Document {
            nodes: Vec::with_capacity(body.len() / 100),
            attrs: Vec::with_capacity(body.len() / 100),
            namespaces: vec![Cow::Borrowed(""), Cow::Borrowed(NS_XML)],
        },
        bindings: Vec::new(),
        open: Vec::new(),
        prefixes: Vec::new(),
        limits: *limits,
    };
    loop {
        let token = lexer.next_token()?;
        let at = lexer.report(lexer.token_start());
        match token {
            Token::Start { name, empty, .. } => {
                if !empty && b.open.len() >= b.limits.max_depth {
                    return Err(XmlError::TooDeep {
                        max: b.limits.max_depth,
                    });
                }
                let before = b.bindings.len();
                let id = b.element(name, &lexer.attrs, at)?;
                if empty {
                    b.bindings.truncate(before);
                } else {
                    b.open.push(Open {
                        id,
                        bindings: before,
                    });
                }
            }
            Token::End => {
                // The lexer matched the end tag with its start: one is open.
                if let Some(open) = b.open.pop() {
                    b.bindings.truncate(open.bindings);
                }
            }
            Token::Text(raw) => b.text(raw, at)?,
            Token::CData(raw) => b.cdata(raw),
            Token::Eof if b.doc.nodes.is_empty() => return Err(XmlError::NoRoot),
            Token::Eof => return Ok(b.doc),
        }
    }
}

/// True for a run of XML white space (space, tab, line ends).
pub(crate) fn is_blank(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

impl<'s> Builder<'s> {
    /// Adds the element of a start tag (its namespace declarations go on the binding stack)
    /// and links it under the open element.
    fn element(
        &mut self,
        qname: &'s str,
        attrs: &[RawAttr<'s>],
        position: u64,
    ) -> Result<u32, XmlError> {
        if self.doc.nodes.len() >= self.limits.max_elements {
            return Err(XmlError::TooManyElements {
                max: self.limits.max_elements,
            });
        }
        let parent = self.open.last().map_or(NONE, |o| o.id);
        if parent == NONE && !self.doc.nodes.is_empty() {
            return Err(XmlError::SeveralRoots { position });
        }
        let attrs_start = self.doc.attrs.len();
        self.prefixes.clear();
        for attr in attrs {
            let value = attribute_value(attr.value, position)?;
            if attr.name == "xmlns" {
                let ns = self.intern(value);
                self.bindings.push(Binding { prefix: "", ns });
            } else if let Some(prefix) = attr.name.strip_prefix("xmlns:") {
                self.declare(prefix, value, position)?;
            } else {
                let (prefix, local) = split(attr.name);
                self.prefixes.push(prefix);
                self.doc.attrs.push(AttrNode {
                    ns: NS_NONE,
                    local,
                    value,
                });
            }
        }
        for (i, prefix) in self.prefixes.iter().enumerate() {
            if !prefix.is_empty() {
                let ns =
                    lookup(&self.bindings, prefix).ok_or(XmlError::UnboundPrefix { position })?;
                self.doc.attrs[attrs_start + i].ns = ns;
            }
        }
        let (prefix, local) = split(qname);
        let ns = lookup(&self.bindings, prefix).ok_or(XmlError::UnboundPrefix { position })?;
        let id = self.doc.nodes.len() as u32;
        self.doc.nodes.push(Node {
            ns,
            local,
            prefix,
            text: Cow::Borrowed(""),
            attrs_start: attrs_start as u32,
            attrs_end: self.doc.attrs.len() as u32,
            parent,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
            position: u32::try_from(position).unwrap_or(u32::MAX),
        });
        if parent != NONE {
            let last = self.doc.nodes[parent as usize].last_child;
            if last == NONE {
                self.doc.nodes[parent as usize].first_child = id;
            } else {
                self.doc.nodes[last as usize].next_sibling = id;
            }
            self.doc.nodes[parent as usize].last_child = id;
        }
        Ok(id)
    }

    /// `xmlns:prefix="uri"`: `xml` may only be bound to its own namespace, `xmlns` never, and
    /// a prefix cannot be bound to nothing.
    fn declare(
        &mut self,
        prefix: &'s str,
        uri: Cow<'s, str>,
        position: u64,
    ) -> Result<(), XmlError> {
        let refused = match prefix {
            "xml" => uri != NS_XML,
            "xmlns" => true,
            _ => uri.is_empty() || uri == NS_XMLNS,
        };
        if refused {
            return Err(XmlError::Malformed {
                position,
                problem: XmlProblem::Namespace,
            });
        }
        let ns = self.intern(uri);
        self.bindings.push(Binding { prefix, ns });
        Ok(())
    }

    /// The index of a namespace URI in the table (added when new). A document declaring
    /// thousands of distinct URIs only gets duplicates, never a quadratic search.
    fn intern(&mut self, uri: Cow<'s, str>) -> u32 {
        if uri.is_empty() {
            return NS_NONE;
        }
        let table = &mut self.doc.namespaces;
        let from = table.len().saturating_sub(64);
        if let Some(i) = table[from..].iter().position(|n| *n == uri) {
            return (from + i) as u32;
        }
        table.push(uri);
        (table.len() - 1) as u32
    }

    /// Character data as written: joined onto the open element's text (whitespace between
    /// child elements is not copied, see [`Element::text`](super::Element::text)); outside
    /// the root only checked.
    fn text(&mut self, raw: &'s str, position: u64) -> Result<(), XmlError> {
        let Some(open) = self.open.last() else {
            text_content(raw, position)?;
            return Ok(());
        };
        let text = &mut self.doc.nodes[open.id as usize].text;
        if text.is_empty() {
            *text = text_content(raw, position)?;
        } else if !(is_blank(raw) && is_blank(text)) {
            text.to_mut().push_str(&text_content(raw, position)?);
        }
        Ok(())
    }

    /// A CDATA section: its text, line ends normalised, joined like any text.
    fn cdata(&mut self, raw: &'s str) {
        let Some(open) = self.open.last() else {
            return;
        };
        let piece = if raw.contains('\r') {
            Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
        } else {
            Cow::Borrowed(raw)
        };
        let text = &mut self.doc.nodes[open.id as usize].text;
        if text.is_empty() {
            *text = piece;
        } else {
            text.to_mut().push_str(&piece);
        }
    }
}

/// The namespace a prefix is bound to (`""`: the default namespace; `None`: undeclared).
fn lookup(bindings: &[Binding<'_>], prefix: &str) -> Option<u32> {
    if let Some(b) = bindings.iter().rev().find(|b| b.prefix == prefix) {
        return Some(b.ns);
    }
    match prefix {
        "" => Some(NS_NONE),
        "xml" => Some(NS_XML_ID),
        _ => None,
    }
}

/// `prefix:local` → (`prefix`, `local`); no colon → (`""`, name).
fn split(qname: &str) -> (&str, &str) {
    qname.split_once(':').unwrap_or(("", qname))
}
