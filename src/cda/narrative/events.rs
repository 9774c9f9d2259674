//! The XML event stream of a narrative fragment: quick-xml without namespace resolution (the
//! fragment has no declarations), the HL7 prefix stripped, elements told apart by name,
//! entity and character references resolved, depth counted, and every quick-xml error turned
//! into a [`NarrativeError`] that carries a byte position only. Lenient where the document
//! reader is strict (an unknown entity is shown as written): the fragment was already read
//! whole, with the toolkit's rules, by `cda::reader`.

use std::borrow::Cow;

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use super::{MAX_DEPTH, NarrativeError};
use crate::cda::{CdaError, XmlProblem};
use crate::xml::XmlError;

/// The narrative elements this parser knows (CDA R2 `StrucDoc.Text`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Name {
    Paragraph,
    Content,
    Sub,
    Sup,
    Br,
    LinkHtml,
    Footnote,
    FootnoteRef,
    RenderMultiMedia,
    Caption,
    List,
    Item,
    Table,
    Col,
    Colgroup,
    Thead,
    Tbody,
    Tfoot,
    Tr,
    Th,
    Td,
    /// Anything else (or an element of another namespace prefix): its text is kept.
    Other,
}

impl Name {
    fn from_local(local: &str) -> Self {
        const NAMES: [(&str, Name); 21] = [
            ("paragraph", Name::Paragraph),
            ("content", Name::Content),
            ("sub", Name::Sub),
            ("sup", Name::Sup),
            ("br", Name::Br),
            ("linkHtml", Name::LinkHtml),
            ("footnote", Name::Footnote),
            ("footnoteRef", Name::FootnoteRef),
            ("renderMultiMedia", Name::RenderMultiMedia),
            ("caption", Name::Caption),
            ("list", Name::List),
            ("item", Name::Item),
            ("table", Name::Table),
            ("col", Name::Col),
            ("colgroup", Name::Colgroup),
            ("thead", Name::Thead),
            ("tbody", Name::Tbody),
            ("tfoot", Name::Tfoot),
            ("tr", Name::Tr),
            ("th", Name::Th),
            ("td", Name::Td),
        ];
        NAMES
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(local))
            .map_or(Self::Other, |(_, name)| *name)
    }
}

/// An element start with its unprefixed attributes, unescaped.
#[derive(Debug, Clone)]
pub(super) struct Tag {
    pub name: Name,
    attrs: Vec<(String, String)>,
}

impl Tag {
    /// Trimmed value of an attribute; `None` when absent or blank.
    pub fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    }
}

pub(super) enum Ev<'a> {
    Start(Tag),
    End,
    Text(Cow<'a, str>),
    Eof,
}

pub(super) struct Events<'a> {
    reader: Reader<&'a [u8]>,
    prefix: Option<&'a str>,
    depth: usize,
    /// An empty element (`<x/>`) was returned as `Start`: its `End` comes next.
    pending_end: bool,
}

impl<'a> Events<'a> {
    pub fn new(xml: &'a str, prefix: Option<&'a str>) -> Self {
        let mut reader = Reader::from_str(xml);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text_start = false;
        config.trim_text_end = false;
        Self {
            reader,
            prefix: prefix.filter(|p| !p.is_empty()),
            depth: 0,
            pending_end: false,
        }
    }

    /// Byte position in the fragment of what was read last.
    pub fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    pub fn next(&mut self) -> Result<Ev<'a>, NarrativeError> {
        if self.pending_end {
            self.pending_end = false;
            self.depth = self.depth.saturating_sub(1);
            return Ok(Ev::End);
        }
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.error(&e)),
            };
            return Ok(match event {
                Event::Start(start) => self.start(&start)?,
                Event::Empty(start) => {
                    let ev = self.start(&start)?;
                    self.pending_end = true;
                    ev
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    Ev::End
                }
                Event::Text(text) => Ev::Text(text.xml10_content()),
                Event::CData(data) => Ev::Text(data.xml10_content()),
                Event::GeneralRef(reference) => Ev::Text(Cow::Owned(resolve(&reference))),
                Event::DocType(_) => return Err(NarrativeError::Doctype),
                Event::Eof if self.depth > 0 => {
                    return Err(NarrativeError::Truncated {
                        position: self.position(),
                    });
                }
                Event::Eof => Ev::Eof,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) => continue,
            });
        }
    }

    fn start(&mut self, start: &BytesStart<'_>) -> Result<Ev<'a>, NarrativeError> {
        if self.depth >= MAX_DEPTH {
            return Err(NarrativeError::TooDeep {
                max: MAX_DEPTH,
                position: self.position(),
            });
        }
        self.depth += 1;
        let qname = start.name();
        let raw: &str = qname.as_ref();
        let name = match raw.split_once(':') {
            // The document's HL7 prefix; unprefixed names are read as HL7 too (lenient).
            Some((prefix, local)) if Some(prefix) == self.prefix => Name::from_local(local),
            Some(_) => Name::Other,
            None => Name::from_local(raw),
        };
        let mut attrs = Vec::new();
        // Malformed attributes are skipped: the narrative is shown as well as it can be.
        for attr in start.attributes().with_checks(false).flatten() {
            let key: &str = attr.key.as_ref();
            if key.contains(':') || key.starts_with("xmlns") {
                continue;
            }
            if let Ok(value) = attr.normalized_value(XmlVersion::Implicit1_0) {
                attrs.push((key.to_owned(), value.into_owned()));
            }
        }
        Ok(Ev::Start(Tag { name, attrs }))
    }

    fn error(&self, err: &quick_xml::Error) -> NarrativeError {
        let position = self.reader.error_position();
        match CdaError::from(XmlError::from_quick(err, position)) {
            CdaError::Doctype => NarrativeError::Doctype,
            CdaError::Truncated { position } => NarrativeError::Truncated { position },
            CdaError::Malformed { position, reason } => {
                NarrativeError::Malformed { position, reason }
            }
            _ => NarrativeError::Malformed {
                position,
                reason: XmlProblem::Other,
            },
        }
    }

    /// Reads up to the end of the current element, ignoring its content (checks nesting).
    pub fn skip(&mut self) -> Result<(), NarrativeError> {
        let mut open = 0usize;
        loop {
            match self.next()? {
                Ev::Start(_) => open += 1,
                Ev::End if open == 0 => return Ok(()),
                Ev::End => open -= 1,
                Ev::Eof => return Ok(()),
                Ev::Text(_) => {}
            }
        }
    }
}

/// A character reference, one of the five predefined entities, or (never an error: the text is
/// shown as written) an unknown entity kept literally; an invalid character becomes U+FFFD.
fn resolve(reference: &BytesRef<'_>) -> String {
    if reference.is_char_ref() {
        return match reference.resolve_char_ref() {
            Ok(Some(c)) => c.to_string(),
            Ok(None) | Err(_) => char::REPLACEMENT_CHARACTER.to_string(),
        };
    }
    match resolve_predefined_entity(reference) {
        Some(text) => text.to_owned(),
        None => format!("&{};", &**reference),
    }
}
