//! Exclusive XML Canonicalization 1.0 without comments
//! (`http://www.w3.org/2001/10/xml-exc-c14n#`) of one element subtree of a [`Tree`], with an
//! optional excluded descendant (the enveloped signature) and the `InclusiveNamespaces
//! PrefixList`, plus the escaping rules canonical XML uses for text and attribute values.
//!
//! Namespace rule, as libxml2 (and so xmlsec1) applies it: a binding is written on an element
//! when the element visibly uses its prefix (its own name, or a prefixed attribute) or the
//! prefix is in the PrefixList and bound in scope, and the nearest output ancestor did not
//! already write the same binding. `xmlns=""` is written only to undo a default namespace that
//! an output ancestor wrote. Bindings come first, ordered by prefix (default first); then the
//! attributes, ordered by namespace name (none first) then local name. Empty elements are
//! written as a start and an end tag.

use std::borrow::Cow;
use std::collections::BTreeSet;

use super::tree::{Child, ElemId, NsMap, Tree, XML_NS};

/// Parses a PrefixList attribute: white-space separated prefixes, `#default` meaning the
/// default namespace (returned as `""`).
pub(crate) fn parse_prefix_list(list: &str) -> Vec<String> {
    list.split_ascii_whitespace()
        .map(|token| {
            if token == "#default" {
                String::new()
            } else {
                token.to_owned()
            }
        })
        .collect()
}

/// The canonical form of element `apex` and its descendants, `exclude` (and its subtree) left
/// out. `inclusive` is the parsed PrefixList.
pub(crate) fn canonicalize(
    tree: &Tree,
    apex: ElemId,
    exclude: Option<ElemId>,
    inclusive: &[String],
) -> String {
    let mut out = String::new();
    let mut rendered = NsMap::new();
    rendered.insert(String::new(), String::new());
    let scope = tree.in_scope(apex);
    let context = Context {
        tree,
        exclude,
        inclusive,
    };
    context.element(apex, &scope, &rendered, &mut out);
    out
}

struct Context<'a> {
    tree: &'a Tree,
    exclude: Option<ElemId>,
    inclusive: &'a [String],
}

impl Context<'_> {
    /// Writes element `id`; `scope` is every binding in scope at `id`, `rendered` the
    /// bindings the output ancestors wrote.
    fn element(&self, id: ElemId, scope: &NsMap, rendered: &NsMap, out: &mut String) {
        let element = self.tree.get(id);

        let mut needed: BTreeSet<&str> = BTreeSet::new();
        needed.insert(element.prefix.as_str());
        for attr in &element.attrs {
            if !attr.prefix.is_empty() {
                needed.insert(attr.prefix.as_str());
            }
        }
        for prefix in self.inclusive {
            if prefix.is_empty() || scope.contains_key(prefix) {
                needed.insert(prefix.as_str());
            }
        }

        let mut written: Vec<(&str, &str)> = Vec::new();
        for prefix in needed {
            if prefix == "xml" {
                continue;
            }
            let uri = scope.get(prefix).map_or("", String::as_str);
            if !prefix.is_empty() && uri.is_empty() {
                continue;
            }
            if rendered.get(prefix).map(String::as_str) != Some(uri) {
                written.push((prefix, uri));
            }
        }

        let mut attrs: Vec<(&str, &str, String, &str)> = element
            .attrs
            .iter()
            .map(|a| {
                let uri = if a.prefix.is_empty() {
                    ""
                } else if a.prefix == "xml" {
                    XML_NS
                } else {
                    scope.get(&a.prefix).map_or("", String::as_str)
                };
                (uri, a.local.as_str(), a.qname(), a.value.as_str())
            })
            .collect();
        attrs.sort_by(|x, y| (x.0, x.1).cmp(&(y.0, y.1)));

        let name = element.qname();
        out.push('<');
        out.push_str(&name);
        for (prefix, uri) in &written {
            if prefix.is_empty() {
                out.push_str(" xmlns=\"");
            } else {
                out.push_str(" xmlns:");
                out.push_str(prefix);
                out.push_str("=\"");
            }
            out.push_str(&escape_attribute(uri));
            out.push('"');
        }
        for (_, _, qname, value) in &attrs {
            out.push(' ');
            out.push_str(qname);
            out.push_str("=\"");
            out.push_str(&escape_attribute(value));
            out.push('"');
        }
        out.push('>');

        let rendered: Cow<'_, NsMap> = if written.is_empty() {
            Cow::Borrowed(rendered)
        } else {
            let mut updated = rendered.clone();
            for (prefix, uri) in &written {
                updated.insert((*prefix).to_owned(), (*uri).to_owned());
            }
            Cow::Owned(updated)
        };
        for child in &element.children {
            match child {
                Child::Text(text) => out.push_str(&escape_text(text)),
                Child::Element(child) if Some(*child) == self.exclude => {}
                Child::Element(child) => {
                    let declarations = &self.tree.get(*child).ns_decls;
                    let child_scope: Cow<'_, NsMap> = if declarations.is_empty() {
                        Cow::Borrowed(scope)
                    } else {
                        let mut updated = scope.clone();
                        for (prefix, uri) in declarations {
                            updated.insert(prefix.clone(), uri.clone());
                        }
                        Cow::Owned(updated)
                    };
                    self.element(*child, &child_scope, &rendered, out);
                }
            }
        }
        out.push_str("</");
        out.push_str(&name);
        out.push('>');
    }
}

/// Canonical escaping of a text node: `&`, `<`, `>` and carriage return. Not the XML writer's
/// escaping (`crate::xml::writer`): Exclusive XML Canonicalization 1.0 fixes these bytes (and
/// only these) normatively, and digests depend on them byte for byte.
pub(crate) fn escape_text(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>', '\r']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}

/// Canonical escaping of an attribute value: `&`, `<`, `"`, tab, line feed, carriage return
/// (hexadecimal references, as canonicalisation writes them; see [`escape_text`]).
pub(crate) fn escape_attribute(value: &str) -> Cow<'_, str> {
    if !value.contains(['&', '<', '"', '\t', '\n', '\r']) {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() + 8);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            other => out.push(other),
        }
    }
    Cow::Owned(out)
}
