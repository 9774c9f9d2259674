//! Low-level streaming reading of a CDA over the XML toolkit's lexer (`crate::xml`): a
//! [`Cursor`] that walks child elements, reads text content, captures raw byte ranges of the
//! source, tracks depth and namespaces (is an element HL7?) and turns every XML problem
//! (DOCTYPE, unknown entity, truncation, bad markup) into a [`CdaError`] with a byte position.
//!
//! A CDA is large and mostly base64 or narrative, so no tree is built: element names and texts
//! borrow the source, attributes are checked once (the toolkit's entity rules, as every other
//! reader) and read again only when asked for.

use std::borrow::Cow;
use std::ops::Range;

use super::error::CdaError;
use crate::xml::{
    Lexer, Token, attribute_value, check_attribute_value, find_attribute, text_content,
};

/// Namespace of CDA R2 elements.
pub(crate) const HL7_NS: &str = "urn:hl7-org:v3";

/// Deepest element nesting accepted (real CDA documents stay far below).
pub(crate) const MAX_DEPTH: usize = 256;

/// An element start (`<x ...>` or `<x .../>`), borrowing the source.
#[derive(Debug, Clone)]
pub(crate) struct Elem<'a> {
    pub local: &'a str,
    /// In the HL7 v3 namespace (or in no namespace at all, for lenient reading).
    pub hl7: bool,
    pub prefix: Option<&'a str>,
    pub empty: bool,
    /// The start tag between `<` and `>` (or `/>`).
    tag: &'a str,
}

impl<'a> Elem<'a> {
    /// True for the HL7 element of this local name.
    pub fn is(&self, local: &str) -> bool {
        self.hl7 && self.local == local
    }

    /// Value of an unprefixed attribute (normalised, entities resolved), trimmed; `None` when
    /// absent or blank.
    pub fn attr(&self, name: &str) -> Option<Cow<'a, str>> {
        // Attributes were checked when the element was read: this cannot fail.
        let value = attribute_value(find_attribute(self.tag, name)?, 0).ok()?;
        match value {
            Cow::Borrowed(v) => Some(Cow::Borrowed(v.trim())),
            Cow::Owned(v) => Some(Cow::Owned(v.trim().to_owned())),
        }
        .filter(|v| !v.is_empty())
    }

    /// Owned value of an attribute.
    pub fn attr_string(&self, name: &str) -> Option<String> {
        self.attr(name).map(Cow::into_owned)
    }
}

/// One step of the walk.
pub(crate) enum Step<'a> {
    Open(Elem<'a>),
    Close,
    /// Character data, line ends not normalised yet. `range` is set when the text is a
    /// verbatim slice of the source (then `text` borrows it: no copy of large payloads).
    Text {
        text: Cow<'a, str>,
        range: Option<Range<usize>>,
    },
    Eof,
}

/// Content of an element read as one block (base64 or plain text payloads).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Content {
    /// Verbatim slice of the source (the common case: one run of text).
    Slice(Range<usize>),
    /// Text rebuilt from several pieces (entity references, CDATA, comments in between).
    Owned(String),
}

/// A namespace prefix in scope and whether it names the HL7 namespace (or none).
struct Binding<'a> {
    prefix: &'a str,
    hl7: bool,
}

pub(crate) struct Cursor<'a> {
    lexer: Lexer<'a>,
    src: &'a str,
    depth: usize,
    /// Deepest nesting accepted.
    max_depth: usize,
    /// Namespace bindings in scope, and how many each open element found on entry.
    bindings: Vec<Binding<'a>>,
    marks: Vec<usize>,
    /// Set while the element handed to a callback is an empty one (`<x/>`).
    in_empty: bool,
    /// Start of the last event read, in the source.
    last_start: usize,
    /// Bytes of the original input dropped before `src` (for error positions).
    offset: u64,
}

impl<'a> Cursor<'a> {
    /// A cursor with the default depth limit (tests).
    #[cfg(test)]
    pub fn new(src: &'a str, offset: usize) -> Self {
        Self::with_max_depth(src, offset, MAX_DEPTH)
    }

    pub fn with_max_depth(src: &'a str, offset: usize, max_depth: usize) -> Self {
        Self {
            lexer: Lexer::new(src, offset as u64),
            src,
            depth: 0,
            max_depth,
            bindings: Vec::new(),
            marks: Vec::new(),
            in_empty: false,
            last_start: 0,
            offset: offset as u64,
        }
    }

    fn position(&self) -> usize {
        self.lexer.position()
    }

    fn report_pos(&self, at: usize) -> u64 {
        self.offset + at as u64
    }

    /// Declares that the element just returned by [`Cursor::next`] is the current one, so that
    /// [`Cursor::each_child`] and [`Cursor::text`] work on it.
    pub fn enter(&mut self, elem: &Elem<'_>) {
        self.in_empty = elem.empty;
    }

    /// Reads the next event.
    pub fn next(&mut self) -> Result<Step<'a>, CdaError> {
        self.last_start = self.position();
        Ok(match self.lexer.next_token()? {
            Token::Start { name, tag, empty } => {
                if !empty {
                    if self.depth >= self.max_depth {
                        return Err(CdaError::TooDeep {
                            max: self.max_depth,
                        });
                    }
                    self.depth += 1;
                    self.marks.push(self.bindings.len());
                }
                let mark = self.bindings.len();
                let elem = self.elem(name, tag, empty)?;
                if empty {
                    self.bindings.truncate(mark);
                }
                Step::Open(elem)
            }
            Token::End => {
                self.depth = self.depth.saturating_sub(1);
                if let Some(mark) = self.marks.pop() {
                    self.bindings.truncate(mark);
                }
                Step::Close
            }
            Token::Text(raw) if raw.contains('&') => Step::Text {
                text: text_content(raw, self.report_pos(self.last_start))?,
                range: None,
            },
            Token::Text(raw) => Step::Text {
                text: Cow::Borrowed(raw),
                range: Some(self.last_start..self.last_start + raw.len()),
            },
            Token::CData(raw) => Step::Text {
                text: Cow::Borrowed(raw),
                range: None,
            },
            Token::Eof => Step::Eof,
        })
    }

    /// The element of a start tag: attribute values checked (entities), namespace
    /// declarations put in scope, the name resolved to "HL7 or not".
    fn elem(&mut self, qname: &'a str, tag: &'a str, empty: bool) -> Result<Elem<'a>, CdaError> {
        let position = self.report_pos(self.last_start);
        for attr in &self.lexer.attrs {
            check_attribute_value(attr.value, position)?;
            if attr.name == "xmlns" {
                self.bindings.push(Binding {
                    prefix: "",
                    hl7: attr.value.is_empty() || attr.value == HL7_NS,
                });
            } else if let Some(prefix) = attr.name.strip_prefix("xmlns:") {
                self.bindings.push(Binding {
                    prefix,
                    hl7: attr.value == HL7_NS,
                });
            }
        }
        let (prefix, local) = match qname.split_once(':') {
            Some((p, l)) => (Some(p), l),
            None => (None, qname),
        };
        let key = prefix.unwrap_or("");
        let hl7 = match self.bindings.iter().rev().find(|b| b.prefix == key) {
            Some(b) => b.hl7,
            // No default namespace: lenient reading takes it as HL7; an undeclared prefix is
            // another namespace.
            None => prefix.is_none(),
        };
        Ok(Elem {
            local,
            hl7,
            prefix,
            empty,
            tag,
        })
    }

    /// Calls `f` for each child element of the current element, then leaves the cursor after
    /// the current element's end. Whatever `f` leaves unread in a child is skipped.
    pub fn each_child(
        &mut self,
        mut f: impl FnMut(&mut Self, &Elem<'a>) -> Result<(), CdaError>,
    ) -> Result<(), CdaError> {
        if std::mem::take(&mut self.in_empty) {
            return Ok(());
        }
        let level = self.depth;
        loop {
            match self.next()? {
                Step::Open(elem) => {
                    self.in_empty = elem.empty;
                    f(self, &elem)?;
                    self.in_empty = false;
                    self.skip_to(level)?;
                }
                Step::Close => return Ok(()),
                Step::Eof => return Err(self.truncated()),
                Step::Text { .. } => {}
            }
        }
    }

    fn truncated(&self) -> CdaError {
        CdaError::Truncated {
            position: self.report_pos(self.src.len()),
        }
    }

    fn skip_to(&mut self, level: usize) -> Result<(), CdaError> {
        while self.depth > level {
            if let Step::Eof = self.next()? {
                return Err(self.truncated());
            }
        }
        Ok(())
    }

    /// All the text inside the current element (descendants included), up to its end.
    pub fn text(&mut self) -> Result<String, CdaError> {
        let mut out = String::new();
        if std::mem::take(&mut self.in_empty) {
            return Ok(out);
        }
        let level = self.depth;
        loop {
            match self.next()? {
                Step::Text { text, .. } => out.push_str(&text),
                Step::Close if self.depth < level => return Ok(normalize_eol(out)),
                Step::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// The raw markup between the current element's start and end tags, as a source range.
    pub fn raw_inner(&mut self) -> Result<Range<usize>, CdaError> {
        let start = self.position();
        if std::mem::take(&mut self.in_empty) {
            return Ok(start..start);
        }
        let level = self.depth;
        loop {
            match self.next()? {
                Step::Close if self.depth < level => return Ok(start..self.last_start),
                Step::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
    }

    /// The direct character content of the current element (child elements are skipped and
    /// reported to `on_child`, e.g. a `<reference>`), as a source range when it is one verbatim
    /// run of text.
    pub fn content(
        &mut self,
        mut on_child: impl FnMut(&Elem<'a>),
    ) -> Result<Option<Content>, CdaError> {
        if std::mem::take(&mut self.in_empty) {
            return Ok(None);
        }
        let level = self.depth;
        let mut pieces: Vec<(Cow<'a, str>, Option<Range<usize>>)> = Vec::new();
        loop {
            let depth_before = self.depth;
            match self.next()? {
                Step::Text { text, range } if depth_before == level => pieces.push((text, range)),
                Step::Open(elem) if depth_before == level => on_child(&elem),
                Step::Close if self.depth < level => break,
                Step::Eof => return Err(self.truncated()),
                _ => {}
            }
        }
        Ok(match pieces.as_slice() {
            [] => None,
            [(_, Some(range))] => Some(Content::Slice(range.clone())),
            _ => Some(Content::Owned(normalize_eol(
                pieces.into_iter().map(|(text, _)| text).collect(),
            ))),
        })
    }
}

/// XML end-of-line handling: `\r\n` and lone `\r` become `\n`.
fn normalize_eol(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor_at_root(src: &str) -> (Cursor<'_>, Elem<'_>) {
        let mut c = Cursor::new(src, 0);
        loop {
            match c.next().expect("event") {
                Step::Open(e) => {
                    c.enter(&e);
                    return (c, e);
                }
                Step::Eof => panic!("no root"),
                _ => {}
            }
        }
    }

    #[test]
    fn walks_children_and_text() {
        let src = r#"<r xmlns="urn:hl7-org:v3" xmlns:o="urn:other"><a k="v &amp; w"/><o:b>x</o:b><c>1 &lt; 2 &#233;<![CDATA[<z>]]><i>!</i></c></r>"#;
        let (mut c, root) = cursor_at_root(src);
        assert!(root.is("r"));
        let mut seen = Vec::new();
        c.each_child(|c, e| {
            seen.push((e.local.to_owned(), e.hl7, e.attr_string("k")));
            if e.is("c") {
                assert_eq!(c.text()?, "1 < 2 é<z>!");
            }
            Ok(())
        })
        .expect("walk");
        assert_eq!(
            seen,
            [
                ("a".to_owned(), true, Some("v & w".to_owned())),
                ("b".to_owned(), false, None),
                ("c".to_owned(), true, None),
            ]
        );
        assert!(matches!(c.next(), Ok(Step::Eof)));
    }

    #[test]
    fn raw_inner_and_content_ranges() {
        let src =
            "<r><t a='1'><p>x</p> y</t><v>QUJD\n RA==<reference value='u'/></v><w>A&amp;B</w></r>";
        let (mut c, _) = cursor_at_root(src);
        let mut raw = String::new();
        let mut contents = Vec::new();
        let mut refs = Vec::new();
        c.each_child(|c, e| {
            match e.local {
                "t" => raw = src[c.raw_inner()?].to_owned(),
                _ => contents.push(c.content(|child| refs.push(child.attr_string("value")))?),
            }
            Ok(())
        })
        .expect("walk");
        assert_eq!(raw, "<p>x</p> y");
        let at = src.find("QUJD").expect("payload");
        assert_eq!(contents[0], Some(Content::Slice(at..at + 10)));
        assert_eq!(&src[at..at + 10], "QUJD\n RA==");
        assert_eq!(contents[1], Some(Content::Owned("A&B".into())));
        assert_eq!(refs, [Some("u".to_owned())]);
    }

    #[test]
    fn errors_are_reported_not_panicked() {
        let (mut c, _) = cursor_at_root("<r><a>&bogus;</a></r>");
        let err = c.each_child(|c, _| c.text().map(drop)).expect_err("entity");
        assert!(matches!(err, CdaError::UnknownEntity { .. }));

        let (mut c, _) = cursor_at_root("<r><a b='&bogus;'/></r>");
        assert!(matches!(
            c.each_child(|_, _| Ok(())),
            Err(CdaError::UnknownEntity { .. })
        ));

        let (mut c, _) = cursor_at_root("<r><a></b></r>");
        assert!(matches!(
            c.each_child(|_, _| Ok(())),
            Err(CdaError::Malformed { .. })
        ));

        let (mut c, _) = cursor_at_root("<r><a>text");
        assert!(matches!(
            c.each_child(|_, _| Ok(())),
            Err(CdaError::Truncated { .. })
        ));

        let deep = "<a>".repeat(MAX_DEPTH + 2);
        let mut c = Cursor::new(&deep, 0);
        let err = loop {
            match c.next() {
                Ok(Step::Eof) => panic!("should refuse"),
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert_eq!(err, CdaError::TooDeep { max: MAX_DEPTH });
    }
}
