//! The ER7 parser: bytes → [`Message`]. One pass finds the delimiters (MSH-1/2) and the
//! charset (MSH-18) in the raw header, decodes the text (borrowed when it is valid UTF-8), then
//! one linear pass indexes segments and fields as byte spans of that text. Repetitions,
//! components and subcomponents are split, and escapes decoded, only when a value is read
//! (`access`): a 5 MB OBX-5 is never copied unless its text holds escape sequences.
//!
//! Segments end at CR, LF or CRLF, in any mix; blank lines are skipped. A line that does not
//! start like a segment (three capitals or digits, the first a capital, then the field
//! separator or the end of the line) continues the previous segment, line break included:
//! wrapped base64 or text stays in its field instead of becoming a bogus segment. Leading
//! blanks and a UTF-8 byte order mark before `MSH` are skipped.

use std::borrow::Cow;

use super::Hl7Error;
use super::access::{Ctx, Segment};
use super::charset::{Charset, DecodingNote};
use super::delimiters::Delimiters;

/// Bounds of what one message may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of the message (MLLP framing excluded).
    pub max_bytes: usize,
    /// Fields of all segments together (each costs 8 bytes of index).
    pub max_fields: usize,
}

impl Limits {
    /// 64 MiB and one million fields: a document of tens of megabytes or an ORU of thousands
    /// of results pass; a flood of empty fields does not turn into gigabytes of index.
    pub const DEFAULT: Self = Self {
        max_bytes: 64 * 1024 * 1024,
        max_fields: 1_000_000,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// A byte range of the decoded text (u32: the text is bounded well below 4 GiB).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub(crate) start: u32,
    pub(crate) end: u32,
}

/// A parsed message: its decoded text and the index of its segments and fields.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    text: Cow<'a, str>,
    ctx: Ctx,
    note: Option<DecodingNote>,
    /// Per segment, the range of its spans in `fields` (span 0 is the segment's name).
    segments: Vec<(u32, u32)>,
    fields: Vec<Span>,
}

/// MSH-9 read as code, trigger event and structure (its first three components).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageType<'m> {
    pub code: Cow<'m, str>,
    pub trigger: Cow<'m, str>,
    pub structure: Cow<'m, str>,
}

/// [`Message::parse`] with the default limits.
pub fn parse(bytes: &[u8]) -> Result<Message<'_>, Hl7Error> {
    Message::parse(bytes)
}

impl<'a> Message<'a> {
    /// Parses one ER7 message with [`Limits::DEFAULT`].
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Hl7Error> {
        Self::parse_with(bytes, &Limits::DEFAULT)
    }

    /// Parses one ER7 message.
    pub fn parse_with(bytes: &'a [u8], limits: &Limits) -> Result<Self, Hl7Error> {
        // Spans are u32 and 8-bit text can triple in size once in UTF-8.
        let max_bytes = limits.max_bytes.min(u32::MAX as usize / 3);
        if bytes.len() > max_bytes {
            return Err(Hl7Error::TooLarge {
                size: bytes.len(),
                max: max_bytes,
            });
        }
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let skipped = body
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
            .unwrap_or(body.len());
        let body = &body[skipped..];
        if body.is_empty() {
            return Err(Hl7Error::Empty);
        }
        if !body.starts_with(b"MSH") {
            return Err(Hl7Error::NoHeader);
        }
        let (d, _) = Delimiters::read(body)?;
        let charset = Charset::from_msh18(raw_msh18(body, &d))?;
        let (text, note) = charset.decode(body);
        let (segments, fields) = index(&text, &d, limits.max_fields)?;
        Ok(Self {
            text,
            ctx: Ctx { d, charset },
            note,
            segments,
            fields,
        })
    }

    /// The same message owning its text (for keeping it past the input buffer).
    pub fn into_owned(self) -> Message<'static> {
        Message {
            text: Cow::Owned(self.text.into_owned()),
            ctx: self.ctx,
            note: self.note,
            segments: self.segments,
            fields: self.fields,
        }
    }

    pub fn delimiters(&self) -> Delimiters {
        self.ctx.d
    }

    /// The charset declared in MSH-18.
    pub fn charset(&self) -> Charset {
        self.ctx.charset
    }

    /// Set when the bytes did not match the declared charset (see `charset`).
    pub fn decoding_note(&self) -> Option<DecodingNote> {
        self.note
    }

    /// The decoded text, from `MSH` on.
    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Every segment, in order.
    pub fn all_segments(&self) -> impl Iterator<Item = Segment<'_>> {
        (0..self.segments.len()).filter_map(|i| self.segment_at(i))
    }

    /// The segments with this name (`"PID"`, `"OBX"`…), in order.
    pub fn segments<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Segment<'s>> {
        self.all_segments().filter(move |s| s.name() == name)
    }

    /// The first segment with this name.
    pub fn segment(&self, name: &str) -> Option<Segment<'_>> {
        self.all_segments().find(|s| s.name() == name)
    }

    /// The `index`-th segment (0-based, MSH is 0).
    pub fn segment_at(&self, index: usize) -> Option<Segment<'_>> {
        let &(first, end) = self.segments.get(index)?;
        let spans = self.fields.get(first as usize..end as usize)?;
        Some(Segment::new(&self.text, spans, self.ctx))
    }

    /// The header segment (always present in a parsed message).
    pub fn msh(&self) -> Segment<'_> {
        self.segment_at(0)
            .unwrap_or_else(|| Segment::new("", &[], self.ctx))
    }

    /// MSH-9: code, trigger event, structure.
    pub fn message_type(&self) -> MessageType<'_> {
        let field = self.msh().field(9);
        MessageType {
            code: field.component(1).text(),
            trigger: field.component(2).text(),
            structure: field.component(3).text(),
        }
    }

    /// MSH-10, the message control id.
    pub fn control_id(&self) -> Cow<'_, str> {
        self.msh().field(10).text()
    }

    /// MSH-12.1, the HL7 version (`2.5`, `2.6`).
    pub fn version(&self) -> Cow<'_, str> {
        self.msh().field(12).text()
    }
}

/// The raw first repetition of MSH-18, read from the header's bytes before decoding. The
/// header runs, as in the index, to the first line that starts a segment.
fn raw_msh18<'b>(body: &'b [u8], d: &Delimiters) -> &'b [u8] {
    let header = &body[..header_end(body, d.field())];
    // Part 0 is "MSH", part 1 MSH-2: part k is MSH-(k+1).
    let Some(field) = header.split(|&b| b == d.field()).nth(17) else {
        return b"";
    };
    field
        .split(|&b| b == d.repetition() || b == d.component())
        .next()
        .unwrap_or(b"")
}

/// Where the first segment of raw bytes ends (continuation lines included).
fn header_end(body: &[u8], field_separator: u8) -> usize {
    let is_break = |b: &u8| matches!(b, b'\r' | b'\n');
    let mut pos = 0;
    while let Some(i) = body[pos..].iter().position(is_break).map(|i| i + pos) {
        let next = body[i..]
            .iter()
            .position(|b| !is_break(b))
            .map_or(body.len(), |j| i + j);
        let line_end = body[next..]
            .iter()
            .position(is_break)
            .map_or(body.len(), |j| next + j);
        if next == body.len() || is_segment_start(&body[next..line_end], field_separator) {
            return i;
        }
        pos = next;
    }
    body.len()
}

fn is_segment_start(line: &[u8], field_separator: u8) -> bool {
    match line {
        [a, b, c, rest @ ..] => {
            a.is_ascii_uppercase()
                && [b, c]
                    .iter()
                    .all(|x| x.is_ascii_uppercase() || x.is_ascii_digit())
                && rest.first().is_none_or(|&s| s == field_separator)
        }
        _ => false,
    }
}

/// Non-empty lines of a text, ended by CR or LF. The next CR and the next LF are each searched
/// once and remembered, so a text with only one kind of break stays linear.
struct Lines<'t> {
    text: &'t str,
    pos: usize,
    next_cr: Option<usize>,
    next_lf: Option<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            pos: 0,
            next_cr: text.find('\r'),
            next_lf: text.find('\n'),
        }
    }

    fn refresh(cached: &mut Option<usize>, text: &str, pos: usize, c: char) {
        if let Some(at) = *cached
            && at < pos
        {
            *cached = text[pos..].find(c).map(|i| i + pos);
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let len = self.text.len();
        while self.pos < len {
            Self::refresh(&mut self.next_cr, self.text, self.pos, '\r');
            Self::refresh(&mut self.next_lf, self.text, self.pos, '\n');
            let end = match (self.next_cr, self.next_lf) {
                (Some(cr), Some(lf)) => cr.min(lf),
                (Some(at), None) | (None, Some(at)) => at,
                (None, None) => len,
            };
            let start = self.pos;
            self.pos = end + 1;
            if end > start {
                return Some((start, end));
            }
        }
        None
    }
}

type Index = (Vec<(u32, u32)>, Vec<Span>);

fn index(text: &str, d: &Delimiters, max_fields: usize) -> Result<Index, Hl7Error> {
    let mut segments = Vec::with_capacity(16);
    let mut fields = Vec::with_capacity((text.len() / 6).clamp(16, 4096).min(max_fields));
    let mut current: Option<(usize, usize)> = None;
    for (start, end) in Lines::new(text) {
        let line = &text.as_bytes()[start..end];
        match current {
            Some((seg_start, _)) if !is_segment_start(line, d.field()) => {
                current = Some((seg_start, end));
            }
            _ => {
                if let Some((s, e)) = current {
                    index_segment(text, s, e, d, &mut segments, &mut fields, max_fields)?;
                }
                current = Some((start, end));
            }
        }
    }
    if let Some((s, e)) = current {
        index_segment(text, s, e, d, &mut segments, &mut fields, max_fields)?;
    }
    Ok((segments, fields))
}

fn span(start: usize, end: usize) -> Span {
    // Bounded by the size check of `parse_with`.
    Span {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        end: u32::try_from(end).unwrap_or(u32::MAX),
    }
}

/// The first `byte` (ASCII) in `haystack`: a plain loop over the first bytes (most fields
/// are short), the library's word-at-a-time search beyond (a document in OBX-5).
fn find_byte(haystack: &str, byte: u8) -> Option<usize> {
    const SHORT: usize = 32;
    let mut cut = haystack.len().min(SHORT);
    while !haystack.is_char_boundary(cut) {
        cut += 1;
    }
    if let Some(i) = haystack.as_bytes()[..cut].iter().position(|&b| b == byte) {
        return Some(i);
    }
    haystack[cut..].find(char::from(byte)).map(|i| i + cut)
}

fn index_segment(
    text: &str,
    start: usize,
    end: usize,
    d: &Delimiters,
    segments: &mut Vec<(u32, u32)>,
    fields: &mut Vec<Span>,
    max_fields: usize,
) -> Result<(), Hl7Error> {
    let first = fields.len();
    let name_end = (start + 3).min(end);
    fields.push(span(start, name_end));
    let mut next = name_end + 1;
    if &text[start..name_end] == "MSH" && name_end < end {
        // MSH-1 is the separator itself; MSH-2 runs to the next separator, unsplit.
        fields.push(span(name_end, name_end + 1));
        let msh2_end = find_byte(&text[next..end], d.field()).map_or(end, |i| i + next);
        fields.push(span(next, msh2_end));
        next = msh2_end + 1;
    }
    if next <= end {
        let mut at = next;
        loop {
            if fields.len() >= max_fields {
                return Err(Hl7Error::TooManyFields { max: max_fields });
            }
            match find_byte(&text[at..end], d.field()) {
                Some(i) => {
                    fields.push(span(at, at + i));
                    at += i + 1;
                }
                None => {
                    fields.push(span(at, end));
                    break;
                }
            }
        }
    }
    if fields.len() > max_fields {
        return Err(Hl7Error::TooManyFields { max: max_fields });
    }
    segments.push((
        u32::try_from(first).unwrap_or(u32::MAX),
        u32::try_from(fields.len()).unwrap_or(u32::MAX),
    ));
    Ok(())
}
