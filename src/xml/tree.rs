//! The compact tree the reader builds: one [`Document`] holds every element in an arena (a
//! `Vec` of nodes linked by index), every attribute in another, and the namespace URIs met in a
//! small table; names, values and texts borrow the source text unless entities or line ends had
//! to be rewritten. [`Element`] is a copyable handle (document + index) with the lookups the
//! message readers need: children by local name, namespace-checked matches, attributes with or
//! without namespace, text raw or trimmed.
//!
//! `Debug` shows shapes only (names, counts), never a value or a text: a DMP answer holds
//! patients' identities.

use std::borrow::Cow;
use std::fmt;

/// No node (end of a sibling chain, no child yet).
pub(crate) const NONE: u32 = u32::MAX;

/// Index of "no namespace" in the namespace table.
pub(crate) const NS_NONE: u32 = 0;

#[derive(Debug)]
pub(crate) struct Node<'s> {
    pub ns: u32,
    pub local: &'s str,
    pub prefix: &'s str,
    /// Direct character data (see [`Element::text`]).
    pub text: Cow<'s, str>,
    pub attrs_start: u32,
    pub attrs_end: u32,
    pub parent: u32,
    pub first_child: u32,
    pub last_child: u32,
    pub next_sibling: u32,
    /// Byte offset of the start tag in the source.
    pub position: u32,
}

#[derive(Debug)]
pub(crate) struct AttrNode<'s> {
    pub ns: u32,
    pub local: &'s str,
    pub value: Cow<'s, str>,
}

/// A parsed XML document: its elements, attributes and namespace URIs. Built by
/// [`parse`](super::parse); the root is [`Document::root`].
pub struct Document<'s> {
    pub(crate) nodes: Vec<Node<'s>>,
    pub(crate) attrs: Vec<AttrNode<'s>>,
    /// Namespace URIs; index 0 is "no namespace".
    pub(crate) namespaces: Vec<Cow<'s, str>>,
}

impl fmt::Debug for Document<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Document({} elements, {} attributes)",
            self.nodes.len(),
            self.attrs.len()
        )
    }
}

impl<'s> Document<'s> {
    /// The root element.
    pub fn root(&self) -> Element<'_> {
        Element { doc: self, id: 0 }
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Never true for a parsed document (it has a root).
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// An element of a [`Document`]: a cheap, copyable handle.
#[derive(Clone, Copy)]
pub struct Element<'a> {
    doc: &'a Document<'a>,
    id: u32,
}

impl fmt::Debug for Element<'_> {
    /// Namespace and local name only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Element({{{}}}{})", self.ns(), self.local())
    }
}

impl PartialEq for Element<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.doc, other.doc) && self.id == other.id
    }
}

impl Eq for Element<'_> {}

/// One attribute of an element (namespace declarations are not attributes here).
#[derive(Clone, Copy)]
pub struct Attr<'a> {
    doc: &'a Document<'a>,
    id: u32,
}

impl fmt::Debug for Attr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attr({{{}}}{})", self.ns(), self.local())
    }
}

impl<'a> Attr<'a> {
    fn node(&self) -> &'a AttrNode<'a> {
        &self.doc.attrs[self.id as usize]
    }

    /// Namespace URI, `""` when none.
    pub fn ns(&self) -> &'a str {
        &self.doc.namespaces[self.node().ns as usize]
    }

    pub fn local(&self) -> &'a str {
        self.node().local
    }

    /// The value, after attribute-value normalisation (entities resolved, tabs and line ends
    /// read as spaces), not trimmed.
    pub fn value(&self) -> &'a str {
        &self.node().value
    }
}

impl<'a> Element<'a> {
    fn node(&self) -> &'a Node<'a> {
        &self.doc.nodes[self.id as usize]
    }

    fn at(&self, id: u32) -> Option<Element<'a>> {
        (id != NONE).then_some(Element { doc: self.doc, id })
    }

    /// Namespace URI, `""` when unbound.
    pub fn ns(&self) -> &'a str {
        &self.doc.namespaces[self.node().ns as usize]
    }

    pub fn local(&self) -> &'a str {
        self.node().local
    }

    /// The prefix as written (`""` when none).
    pub fn prefix(&self) -> &'a str {
        self.node().prefix
    }

    /// Byte offset of the start tag in the text that was parsed.
    pub fn position(&self) -> usize {
        self.node().position as usize
    }

    /// True for `local` in namespace `ns`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local() == local && self.ns() == ns
    }

    /// True for `local` in namespace `ns` or in no namespace (lenient servers that leave the
    /// namespace out).
    pub fn is_in_or_unqualified(&self, ns: &str, local: &str) -> bool {
        self.local() == local && (self.node().ns == NS_NONE || self.ns() == ns)
    }

    pub fn parent(&self) -> Option<Element<'a>> {
        self.at(self.node().parent)
    }

    /// Child elements, in document order.
    pub fn children(&self) -> Children<'a> {
        Children {
            doc: self.doc,
            next: self.node().first_child,
        }
    }

    /// First child element.
    pub fn first_child(&self) -> Option<Element<'a>> {
        self.at(self.node().first_child)
    }

    /// First child of this local name (any namespace).
    pub fn child(&self, local: &str) -> Option<Element<'a>> {
        self.children().find(|c| c.local() == local)
    }

    /// Children of this local name (any namespace), in order.
    pub fn children_named<'n>(
        &self,
        local: &'n str,
    ) -> impl Iterator<Item = Element<'a>> + use<'a, 'n> {
        self.children().filter(move |c| c.local() == local)
    }

    /// Follows a path of local names, first match at each step.
    pub fn path(&self, locals: &[&str]) -> Option<Element<'a>> {
        locals.iter().try_fold(*self, |e, local| e.child(local))
    }

    /// This element or its first descendant (document order) with this namespace and name.
    pub fn find(&self, ns: &str, local: &str) -> Option<Element<'a>> {
        self.descendants_or_self().find(|e| e.is(ns, local))
    }

    /// Every descendant with this namespace and name, without looking inside the matches.
    pub fn find_all(&self, ns: &str, local: &str) -> Vec<Element<'a>> {
        let mut out = Vec::new();
        let mut stack = vec![self.node().first_child];
        while let Some(id) = stack.pop() {
            if id == NONE {
                continue;
            }
            let e = Element { doc: self.doc, id };
            stack.push(e.node().next_sibling);
            if e.is(ns, local) {
                out.push(e);
            } else {
                stack.push(e.node().first_child);
            }
        }
        out
    }

    /// This element and all its descendants, in document order.
    pub fn descendants_or_self(&self) -> Descendants<'a> {
        Descendants {
            doc: self.doc,
            top: self.id,
            next: self.id,
        }
    }

    /// Attributes other than namespace declarations, in document order.
    pub fn attrs(&self) -> impl Iterator<Item = Attr<'a>> + use<'a> {
        let doc = self.doc;
        let node = self.node();
        (node.attrs_start..node.attrs_end).map(move |id| Attr { doc, id })
    }

    /// Value of the attribute `local` in no namespace, untrimmed.
    pub fn attr(&self, local: &str) -> Option<&'a str> {
        self.attr_ns("", local)
    }

    /// Value of the attribute `local` in namespace `ns` (`""`: none), untrimmed.
    pub fn attr_ns(&self, ns: &str, local: &str) -> Option<&'a str> {
        self.attrs()
            .find(|a| a.local() == local && a.ns() == ns)
            .map(|a| a.value())
    }

    /// Value of the attribute `local` in no namespace, trimmed; `None` when absent or blank.
    pub fn attr_trim(&self, local: &str) -> Option<&'a str> {
        non_blank(self.attr(local))
    }

    /// [`Element::attr_ns`], trimmed; `None` when absent or blank.
    pub fn attr_ns_trim(&self, ns: &str, local: &str) -> Option<&'a str> {
        non_blank(self.attr_ns(ns, local))
    }

    /// Direct character data (entities resolved, line ends normalised), untrimmed. Runs of
    /// text between child elements are joined; when the whole is blank only its first run is
    /// kept (indentation carries no meaning and is not copied).
    pub fn text(&self) -> &'a str {
        &self.node().text
    }

    /// Trimmed text; `None` when blank.
    pub fn text_trim(&self) -> Option<&'a str> {
        non_blank(Some(self.text()))
    }

    /// Trimmed text of the first child of this local name; `None` when absent or blank.
    pub fn child_text_trim(&self, local: &str) -> Option<&'a str> {
        self.child(local).and_then(|c| c.text_trim())
    }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|v| !v.is_empty())
}

/// Iterator over the child elements of an element.
#[derive(Clone)]
pub struct Children<'a> {
    doc: &'a Document<'a>,
    next: u32,
}

impl<'a> Iterator for Children<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        if self.next == NONE {
            return None;
        }
        let e = Element {
            doc: self.doc,
            id: self.next,
        };
        self.next = e.node().next_sibling;
        Some(e)
    }
}

/// Iterator over an element and its descendants, in document order.
pub struct Descendants<'a> {
    doc: &'a Document<'a>,
    top: u32,
    next: u32,
}

impl<'a> Iterator for Descendants<'a> {
    type Item = Element<'a>;

    fn next(&mut self) -> Option<Element<'a>> {
        if self.next == NONE {
            return None;
        }
        let current = Element {
            doc: self.doc,
            id: self.next,
        };
        let nodes = &self.doc.nodes;
        let mut id = self.next;
        self.next = if nodes[id as usize].first_child != NONE {
            nodes[id as usize].first_child
        } else {
            loop {
                if id == self.top {
                    break NONE;
                }
                let node = &nodes[id as usize];
                if node.next_sibling != NONE {
                    break node.next_sibling;
                }
                id = node.parent;
                if id == NONE {
                    break NONE;
                }
            }
        };
        Some(current)
    }
}
