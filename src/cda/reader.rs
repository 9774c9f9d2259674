//! Low-level streaming XML helpers over quick-xml's namespace-aware reader: a [`Cursor`] that
//! walks child elements, reads text content, captures raw byte ranges of the source, tracks depth
//! and turns every XML problem (DOCTYPE, unknown entity, truncation, bad markup) into a
//! [`CdaError`] with a byte position.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use super::error::{self, CdaError};

/// Namespace of CDA R2 elements.
pub(crate) const HL7_NS: &str = "urn:hl7-org:v3";

/// Deepest element nesting accepted (real CDA documents stay far below).
pub(crate) const MAX_DEPTH: usize = 256;

/// An element start (`<x ...>` or `<x .../>`), with its attributes already unescaped.
#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub local: String,
    /// In the HL7 v3 namespace (or in no namespace at all, for lenient reading).
    pub hl7: bool,
    pub prefix: Option<String>,
    pub empty: bool,
    attrs: Vec<(String, String)>,
}

impl Elem {
    /// True for the HL7 element of this local name.
    pub fn is(&self, local: &str) -> bool {
        self.hl7 && self.local == local
    }

    /// Value of an unprefixed attribute, trimmed; `None` when absent or blank.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }

    /// Owned value of an attribute.
    pub fn attr_string(&self, name: &str) -> Option<String> {
        self.attr(name).map(str::to_owned)
    }
}

/// One step of the walk.
pub(crate) enum Step<'a> {
    Open(Elem),
    Close,
    /// Character data, line ends not normalised yet. `range` is set when the text is a
    /// verbatim slice of the source (then `text` borrows it: no copy of large payloads).
    Text {
        text: Cow<'a, str>,
        range: Option<Range<usize>>,
    },
    Other,
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

pub(crate) struct Cursor<'a> {
    reader: NsReader<&'a [u8]>,
    src: &'a str,
    depth: usize,
    /// Deepest nesting accepted.
    max_depth: usize,
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
            reader: NsReader::from_str(src),
            src,
            depth: 0,
            max_depth,
            in_empty: false,
            last_start: 0,
            offset: offset as u64,
        }
    }

    fn position(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(self.src.len())
    }

    fn report_pos(&self, at: usize) -> u64 {
        self.offset + at as u64
    }

    fn xml_error(&self, err: &quick_xml::Error) -> CdaError {
        let at = usize::try_from(self.reader.error_position()).unwrap_or(self.src.len());
        error::from_xml(err, self.report_pos(at))
    }

    /// Declares that the element just returned by [`Cursor::next`] is the current one, so that
    /// [`Cursor::each_child`] and [`Cursor::text`] work on it.
    pub fn enter(&mut self, elem: &Elem) {
        self.in_empty = elem.empty;
    }

    /// Reads the next event.
    pub fn next(&mut self) -> Result<Step<'a>, CdaError> {
        self.last_start = self.position();
        let (ns, event) = match self.reader.read_resolved_event() {
            Ok((ns, event)) => (namespace_kind(&ns), event),
            Err(e) => return Err(self.xml_error(&e)),
        };
        Ok(match event {
            Event::Start(start) => {
                if self.depth >= self.max_depth {
                    return Err(CdaError::TooDeep {
                        max: self.max_depth,
                    });
                }
                self.depth += 1;
                Step::Open(self.elem(&start, ns, false)?)
            }
            Event::Empty(start) => Step::Open(self.elem(&start, ns, true)?),
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                Step::Close
            }
            Event::Text(text) => {
                let range = self.last_start..self.position();
                let verbatim = self.src.get(range.clone()) == Some(&*text);
                Step::Text {
                    text: text.into_inner(),
                    range: verbatim.then_some(range),
                }
            }
            Event::CData(data) => Step::Text {
                text: data.into_inner(),
                range: None,
            },
            Event::GeneralRef(reference) => Step::Text {
                text: Cow::Owned(self.resolve_ref(&reference)?),
                range: None,
            },
            Event::DocType(_) => return Err(CdaError::Doctype),
            Event::Eof if self.depth > 0 => {
                return Err(CdaError::Truncated {
                    position: self.report_pos(self.src.len()),
                });
            }
            Event::Eof => Step::Eof,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => Step::Other,
        })
    }

    fn resolve_ref(&self, reference: &BytesRef<'_>) -> Result<String, CdaError> {
        let position = self.report_pos(self.last_start);
        if reference.is_char_ref() {
            return match reference.resolve_char_ref() {
                Ok(Some(c)) => Ok(c.to_string()),
                Ok(None) | Err(_) => Err(CdaError::Malformed {
                    position,
                    reason: error::XmlProblem::Reference,
                }),
            };
        }
        resolve_predefined_entity(reference)
            .map(str::to_owned)
            .ok_or(CdaError::UnknownEntity { position })
    }

    fn elem(&self, start: &BytesStart<'_>, hl7: bool, empty: bool) -> Result<Elem, CdaError> {
        let name = start.name();
        let mut attrs = Vec::new();
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.xml_error(&quick_xml::Error::InvalidAttr(e)))?;
            let key = attr.key.into_inner();
            if key.starts_with("xmlns") {
                continue;
            }
            let value = attr
                .normalized_value(XmlVersion::Implicit1_0)
                .map_err(|e| self.xml_error(&e))?;
            attrs.push((key.to_owned(), value.into_owned()));
        }
        Ok(Elem {
            local: name.local_name().into_inner().to_owned(),
            hl7,
            prefix: name.prefix().map(|p| p.into_inner().to_owned()),
            empty,
            attrs,
        })
    }

    /// Calls `f` for each child element of the current element, then leaves the cursor after
    /// the current element's end. Whatever `f` leaves unread in a child is skipped.
    pub fn each_child(
        &mut self,
        mut f: impl FnMut(&mut Self, &Elem) -> Result<(), CdaError>,
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
                Step::Text { .. } | Step::Other => {}
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
        mut on_child: impl FnMut(&Elem),
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

/// True when an element name resolves to the HL7 namespace or to no namespace.
fn namespace_kind(ns: &ResolveResult<'_>) -> bool {
    match ns {
        ResolveResult::Bound(ns) => ns.into_inner() == HL7_NS,
        ResolveResult::Unbound => true,
        ResolveResult::Unknown(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor_at_root(src: &str) -> (Cursor<'_>, Elem) {
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
            seen.push((e.local.clone(), e.hl7, e.attr_string("k")));
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
            match e.local.as_str() {
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
