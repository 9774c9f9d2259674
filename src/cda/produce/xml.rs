//! A small indenting XML writer for the produced CDA: elements, attributes and text, with every
//! value escaped by `crate::xml_escape`.

use chrono::{DateTime, FixedOffset};

pub use crate::xml_escape::{escape, escape_into};

/// HL7 TS with seconds and offset: `YYYYMMDDHHMMSS+ZZZZ`.
pub fn ts(t: &DateTime<FixedOffset>) -> String {
    t.format("%Y%m%d%H%M%S%z").to_string()
}

/// Builds an XML document as text.
pub struct Xml {
    out: String,
    stack: Vec<&'static str>,
    /// Depth of the element holding inline (mixed) content: no indentation inside it.
    inline_from: Option<usize>,
}

impl Xml {
    pub fn new() -> Self {
        let mut out = String::with_capacity(16 * 1024);
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        Self {
            out,
            stack: Vec::new(),
            inline_from: None,
        }
    }

    fn indent(&mut self) {
        if self.inline_from.is_none() {
            if !self.out.ends_with('\n') {
                self.out.push('\n');
            }
            for _ in 0..self.stack.len() {
                self.out.push_str("  ");
            }
        }
    }

    fn start(&mut self, name: &'static str, attrs: &[(&str, &str)]) {
        self.indent();
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

    /// Opens `<name attrs>`; close it with [`Xml::close`].
    pub fn open(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start(name, attrs);
        self.out.push('>');
        self.stack.push(name);
        self
    }

    /// Writes `<name attrs/>`.
    pub fn empty(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.start(name, attrs);
        self.out.push_str("/>");
        self
    }

    /// Writes `<name attrs>text</name>`.
    pub fn text_elem(
        &mut self,
        name: &'static str,
        attrs: &[(&str, &str)],
        text: &str,
    ) -> &mut Self {
        self.start(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Opens an element whose content is inline (mixed text and markup, no indentation).
    pub fn open_inline(&mut self, name: &'static str, attrs: &[(&str, &str)]) -> &mut Self {
        self.open(name, attrs);
        if self.inline_from.is_none() {
            self.inline_from = Some(self.stack.len());
        }
        self
    }

    /// Escaped text inside the current element.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_into(&mut self.out, text);
        self
    }

    /// Raw, already-safe text (base64).
    pub fn raw(&mut self, text: &str) -> &mut Self {
        self.out.push_str(text);
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        let depth = self.stack.len();
        if let Some(name) = self.stack.pop() {
            if self.inline_from == Some(depth) {
                self.inline_from = None;
            } else {
                self.indent();
            }
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// Closes every open element and returns the document.
    pub fn finish(mut self) -> String {
        while !self.stack.is_empty() {
            self.close();
        }
        self.out.push('\n');
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_drops_controls() {
        assert_eq!(
            escape("a & b < c > d \" e ' f\u{1}\u{1D}g\té"),
            "a &amp; b &lt; c &gt; d &quot; e &apos; fg\té"
        );
    }

    #[test]
    fn nests_and_escapes_attributes() {
        let mut x = Xml::new();
        x.open("a", &[("k", "v\"<")]);
        x.text_elem("b", &[], "1 & 2");
        x.empty("c", &[("z", "'")]);
        x.open_inline("p", &[]).text("x ").empty("br", &[]);
        x.open("content", &[]).text("y").close();
        x.close();
        let s = x.finish();
        assert!(s.contains(r#"<a k="v&quot;&lt;">"#));
        assert!(s.contains("<b>1 &amp; 2</b>"));
        assert!(s.contains(r#"<c z="&apos;"/>"#));
        assert!(s.contains("<p>x <br/><content>y</content></p>"));
        assert!(s.trim_end().ends_with("</a>"));
    }
}
