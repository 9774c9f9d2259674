//! The one XML writer: a single set of escaping rules for every value Chevet writes into XML
//! (DMP HL7v3 and XDS messages, SOAP envelopes, the VIHF, produced CDA, PDF metadata, sandbox
//! pages), and [`XmlWriter`], which builds indented or compact markup from names fixed by the
//! code and escaped values.
//!
//! The rules: `&`, `<` and `>` become entities everywhere, and so do both quotes `"` `'` in
//! attribute values (safe whichever quote surrounds them); in attribute values tab, line feed
//! and carriage return become `&#9;` `&#10;` `&#13;` so that attribute-value normalisation
//! does not turn them into spaces; in text they stay literal, except carriage return (`&#13;`,
//! which end-of-line handling would otherwise turn into a line feed), and quotes stay as they
//! are (stored-query values such as `('urn:…')` read as written); characters XML 1.0 forbids
//! (other C0 controls, U+FFFE, U+FFFF) are dropped.
//!
//! Not escapers of this kind, and so not here: the exclusive canonicalisation of XML-DSig
//! (`dmp::xmldsig::c14n`, whose output is normative byte for byte) and RFC 4514 distinguished
//! names (`dmp::xmldsig::cert`, `dmp::xds::x509`).

/// True for characters XML 1.0 does not allow in a document.
fn forbidden(c: char) -> bool {
    ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
}

/// Appends `value` escaped for character data.
pub fn escape_text_into(out: &mut String, value: &str) {
    escape_into_with(out, value, false);
}

/// Appends `value` escaped for an attribute value (single or double quoted).
pub fn escape_attr_into(out: &mut String, value: &str) {
    escape_into_with(out, value, true);
}

fn escape_into_with(out: &mut String, value: &str, attribute: bool) {
    let mut rest = value;
    let special = |c: char| {
        matches!(c, '&' | '<' | '>' | '\r')
            || (attribute && matches!(c, '"' | '\'' | '\t' | '\n'))
            || forbidden(c)
    };
    while let Some(i) = rest.find(special) {
        out.push_str(&rest[..i]);
        let c = rest[i..].chars().next().unwrap_or(' ');
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\'' if attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' if attribute => out.push_str("&#10;"),
            _ => {}
        }
        rest = &rest[i + c.len_utf8()..];
    }
    out.push_str(rest);
}

/// `value` escaped for character data.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_text_into(&mut out, value);
    out
}

/// `value` escaped for an attribute value; also safe as character data (and in HTML).
pub fn escape_attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    escape_attr_into(&mut out, value);
    out
}

/// Builds XML text. Element and attribute names come from the code (trusted); every attribute
/// value and every text is escaped. Indented with two spaces (each element on its own line,
/// closing tags on their own line when the element has children), or compact (signed
/// fragments). Inside an element opened with [`XmlWriter::open_inline`] (mixed content) nothing
/// is indented.
#[derive(Debug)]
pub struct XmlWriter<'n> {
    out: String,
    /// Open elements, and whether each has child elements yet.
    open: Vec<(&'n str, bool)>,
    indent: bool,
    /// Depth of the element holding inline content, if any.
    inline_from: Option<usize>,
}

impl Default for XmlWriter<'_> {
    fn default() -> Self {
        Self::new()
    }
}

impl<'n> XmlWriter<'n> {
    /// An indenting writer.
    pub fn new() -> Self {
        Self {
            out: String::with_capacity(8 * 1024),
            open: Vec::new(),
            indent: true,
            inline_from: None,
        }
    }

    /// A writer without any white space between elements.
    pub fn compact() -> Self {
        Self {
            indent: false,
            ..Self::new()
        }
    }

    /// Starts with `<?xml version="1.0" encoding="UTF-8"?>`.
    pub fn declaration(&mut self) -> &mut Self {
        self.out
            .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        self
    }

    fn newline(&mut self) {
        if let Some(parent) = self.open.last_mut() {
            parent.1 = true;
        }
        if self.indent && self.inline_from.is_none() && !self.out.is_empty() {
            if !self.out.ends_with('\n') {
                self.out.push('\n');
            }
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

    /// `<name attrs>`; close it with [`XmlWriter::close`].
    pub fn open(&mut self, name: &'n str, attrs: &[(&str, &str)]) -> &mut Self {
        self.newline();
        self.tag(name, attrs);
        self.out.push('>');
        self.open.push((name, false));
        self
    }

    /// Opens an element whose content is inline (mixed text and markup, no indentation).
    pub fn open_inline(&mut self, name: &'n str, attrs: &[(&str, &str)]) -> &mut Self {
        self.open(name, attrs);
        if self.inline_from.is_none() {
            self.inline_from = Some(self.open.len());
        }
        self
    }

    /// `<name attrs/>`.
    pub fn empty(&mut self, name: &'n str, attrs: &[(&str, &str)]) -> &mut Self {
        self.newline();
        self.tag(name, attrs);
        self.out.push_str("/>");
        self
    }

    /// `<name attrs>text</name>`.
    pub fn leaf(&mut self, name: &'n str, attrs: &[(&str, &str)], text: &str) -> &mut Self {
        self.newline();
        self.tag(name, attrs);
        self.out.push('>');
        escape_text_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        self
    }

    /// Escaped text inside the current element.
    pub fn text(&mut self, text: &str) -> &mut Self {
        escape_text_into(&mut self.out, text);
        self
    }

    /// Closes the innermost open element.
    pub fn close(&mut self) -> &mut Self {
        let depth = self.open.len();
        if let Some((name, had_children)) = self.open.pop() {
            if self.inline_from == Some(depth) {
                self.inline_from = None;
            } else if had_children && self.indent && self.inline_from.is_none() {
                self.out.push('\n');
                for _ in 0..self.open.len() {
                    self.out.push_str("  ");
                }
            }
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// Inserts markup built elsewhere on its own line, as is (a signed fragment that must stay
    /// byte-identical).
    pub fn raw(&mut self, markup: &str) -> &mut Self {
        self.newline();
        self.out.push_str(markup);
        self
    }

    /// Appends text that is already safe (base64) inside the current element, as is.
    pub fn raw_text(&mut self, text: &str) -> &mut Self {
        self.out.push_str(text);
        self
    }

    /// The text, every open element closed (a final line end when indenting).
    pub fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.close();
        }
        if self.indent {
            self.out.push('\n');
        }
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_set_for_text_and_attributes() {
        let nasty = "a & b < c > d \" e ' f\u{1}\u{1D}g\th\ni\rj\u{FFFF}é";
        assert_eq!(
            escape_text(nasty),
            "a &amp; b &lt; c &gt; d \" e ' fg\th\ni&#13;jé"
        );
        assert_eq!(
            escape_attr(nasty),
            "a &amp; b &lt; c &gt; d &quot; e &apos; fg&#9;h&#10;i&#13;jé"
        );
        assert_eq!(escape_attr("plain"), "plain");
    }

    #[test]
    fn indents_closes_and_escapes() {
        let mut w = XmlWriter::new();
        w.open("r", &[("a", "x\"<&>\n\u{1}")]);
        w.leaf("t", &[], "a<b & c>\r\u{2}");
        w.empty("e", &[]);
        w.open("p", &[]).close();
        w.open_inline("m", &[]).text("x ").empty("br", &[]);
        w.open("c", &[]).text("y").close();
        let out = w.finish();
        assert_eq!(
            out,
            "<r a=\"x&quot;&lt;&amp;&gt;&#10;\">\n  <t>a&lt;b &amp; c&gt;&#13;</t>\n  <e/>\n  \
             <p></p>\n  <m>x <br/><c>y</c></m>\n</r>\n"
        );
        let mut w = XmlWriter::compact();
        w.declaration().open("a", &[]).leaf("b", &[("k", "v")], "1");
        w.raw("<s/>");
        assert_eq!(
            w.finish(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><a><b k=\"v\">1</b><s/></a>"
        );
    }
}
