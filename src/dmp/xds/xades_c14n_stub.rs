//! **TEMPORARY STUB — to be replaced by `crate::dmp::xmldsig::exc_c14n`.**
//!
//! Exclusive XML canonicalisation without comments (W3C xml-exc-c14n, no InclusiveNamespaces)
//! of a standalone fragment, enough for the fragments `xades.rs` builds (SignedInfo, Manifest,
//! SignedProperties): namespace declarations rendered where visibly used and not already in
//! effect, sorted; attributes sorted by namespace URI then local name; empty elements as
//! start/end pairs; c14n escaping; comments, PIs and the XML declaration dropped; line ends
//! normalised. Not a general implementation (no node-sets, no xml:* inheritance rules).

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::xml::resolve_reference;

/// Why a fragment could not be canonicalised.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot canonicalise: {0}")]
pub struct C14nError(&'static str);

/// A namespace scope: declarations of one element.
type Scope = Vec<(String, String)>;

fn lookup<'a>(scopes: &'a [Scope], prefix: &str) -> Option<&'a str> {
    scopes
        .iter()
        .rev()
        .flat_map(|s| s.iter().rev())
        .find(|(p, _)| p == prefix)
        .map(|(_, uri)| uri.as_str())
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

struct Canon {
    out: String,
    declared: Vec<Scope>,
    rendered: Vec<Scope>,
    names: Vec<String>,
}

impl Canon {
    fn start(&mut self, e: &BytesStart<'_>) -> Result<(), C14nError> {
        let bad = C14nError("malformed attribute");
        let qname = e.name().as_ref().to_owned();
        let mut decls: Scope = Vec::new();
        let mut attrs: Vec<(String, String)> = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|_| bad.clone())?;
            let key = a.key.as_ref().to_owned();
            let value = a
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|_| bad.clone())?
                .into_owned();
            if key == "xmlns" {
                decls.push((String::new(), value));
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                decls.push((p.to_owned(), value));
            } else {
                attrs.push((key, value));
            }
        }
        self.declared.push(decls);
        let prefix_of = |q: &str| q.split_once(':').map_or("", |(p, _)| p).to_owned();
        let mut used = vec![prefix_of(&qname)];
        for (k, _) in &attrs {
            let p = prefix_of(k);
            if !p.is_empty() && p != "xml" && !used.contains(&p) {
                used.push(p);
            }
        }
        let mut render: Scope = Vec::new();
        for p in used {
            let uri = lookup(&self.declared, &p).unwrap_or("");
            if !p.is_empty() && uri.is_empty() {
                return Err(C14nError("undeclared prefix"));
            }
            let in_effect = lookup(&self.rendered, &p).unwrap_or("");
            if uri != in_effect {
                render.push((p, uri.to_owned()));
            }
        }
        render.sort();
        let uri_of = |k: &str| match k.split_once(':') {
            Some(("xml", _)) => "http://www.w3.org/XML/1998/namespace".to_owned(),
            Some((p, _)) => lookup(&self.declared, p).unwrap_or("").to_owned(),
            None => String::new(),
        };
        let local = |k: &str| k.split_once(':').map_or(k, |(_, l)| l).to_owned();
        attrs.sort_by_key(|(k, _)| (uri_of(k), local(k)));

        self.out.push('<');
        self.out.push_str(&qname);
        for (p, uri) in &render {
            self.out
                .push_str(if p.is_empty() { " xmlns" } else { " xmlns:" });
            self.out.push_str(p);
            self.out.push_str("=\"");
            escape_attr(&mut self.out, uri);
            self.out.push('"');
        }
        for (k, v) in &attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_attr(&mut self.out, v);
            self.out.push('"');
        }
        self.out.push('>');
        self.rendered.push(render);
        self.names.push(qname);
        Ok(())
    }

    fn end(&mut self) {
        self.declared.pop();
        self.rendered.pop();
        if let Some(name) = self.names.pop() {
            self.out.push_str("</");
            self.out.push_str(&name);
            self.out.push('>');
        }
    }
}

/// Exclusive canonical form of a standalone XML fragment (one root element).
pub fn exc_c14n(xml: &str) -> Result<String, C14nError> {
    let mut reader = Reader::from_str(xml);
    let mut c = Canon {
        out: String::with_capacity(xml.len()),
        declared: Vec::new(),
        rendered: Vec::new(),
        names: Vec::new(),
    };
    loop {
        let event = reader
            .read_event()
            .map_err(|_| C14nError("not well-formed"))?;
        let inside = !c.names.is_empty();
        match event {
            Event::Start(e) => c.start(&e)?,
            Event::Empty(e) => {
                c.start(&e)?;
                c.end();
            }
            Event::End(_) => c.end(),
            Event::Text(t) if inside => {
                escape_text(&mut c.out, &t.xml_content(XmlVersion::Implicit1_0));
            }
            Event::CData(t) if inside => escape_text(&mut c.out, &t.into_inner()),
            Event::GeneralRef(r) if inside => {
                let text = resolve_reference(&r, 0).map_err(|_| C14nError("unknown entity"))?;
                escape_text(&mut c.out, &text);
            }
            Event::DocType(_) => return Err(C14nError("DOCTYPE")),
            Event::Eof => break,
            _ => {}
        }
    }
    if !c.names.is_empty() {
        return Err(C14nError("truncated"));
    }
    Ok(c.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_form_of_a_fragment() {
        let input = "<?xml version=\"1.0\"?>\r\n<ds:A xmlns:ds=\"urn:ds\" xmlns:unused=\"urn:u\" z=\"1\" b='x&gt;y\"' xmlns:p=\"urn:p\" p:a=\"2\"><!-- c --><ds:B/><C xmlns=\"urn:c\">t&amp;\r\n&#x41;</C><D/></ds:A>";
        let got = exc_c14n(input).expect("c14n");
        assert_eq!(
            got,
            "<ds:A xmlns:ds=\"urn:ds\" xmlns:p=\"urn:p\" b=\"x>y&quot;\" z=\"1\" p:a=\"2\"><ds:B></ds:B><C xmlns=\"urn:c\">t&amp;\nA</C><D></D></ds:A>"
        );
        // Redundant declarations vanish; a default namespace reset is rendered.
        let got = exc_c14n("<A xmlns=\"urn:a\"><B xmlns=\"urn:a\"><C xmlns=\"\"/></B></A>")
            .expect("c14n");
        assert_eq!(got, "<A xmlns=\"urn:a\"><B><C xmlns=\"\"></C></B></A>");
        assert!(exc_c14n("<p:A/>").is_err());
        assert!(exc_c14n("<A>").is_err());
    }
}
