//! Reading values of a parsed message. Positions follow HL7's notation: fields, components
//! and subcomponents are 1-based (`PID-3.4.2` is `field(3).component(4).subcomponent(2)`),
//! repetitions are 0-based like any list (`repetition(0)` is the first). A position that is
//! not in the message reads as an empty value, never as an error.
//!
//! Every level has `raw()` (the text as written, escapes included, borrowed) and `text()`
//! (the decoded text of its first leaf: `field.text()` is the text of the first subcomponent
//! of the first component of the first repetition), borrowed unless an escape sequence had to
//! be decoded. MSH-1 and MSH-2 are read literally: they hold the delimiters themselves.

use std::borrow::Cow;

use super::charset::Charset;
use super::delimiters::Delimiters;
use super::er7::Span;
use super::escape::unescape;

/// What decoding a value needs from its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Ctx {
    pub(crate) d: Delimiters,
    pub(crate) charset: Charset,
}

/// The `index`-th part of `raw` split on `sep` (0-based), empty when absent.
fn part(raw: &str, sep: u8, index: usize) -> &str {
    parts(raw, Some(sep)).nth(index).unwrap_or("")
}

/// The parts of `raw` split on `sep` (whole when there is no separator: literal values);
/// none for an empty value.
fn parts(raw: &str, sep: Option<u8>) -> Parts<'_> {
    Parts {
        rest: (!raw.is_empty()).then_some(raw),
        sep: sep.map(char::from),
    }
}

struct Parts<'t> {
    rest: Option<&'t str>,
    sep: Option<char>,
}

impl<'t> Iterator for Parts<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let rest = self.rest?;
        match self.sep.and_then(|sep| rest.find(sep)) {
            Some(at) => {
                // The separator is ASCII: one byte.
                self.rest = Some(&rest[at + 1..]);
                Some(&rest[..at])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// One segment of a message.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'m> {
    text: &'m str,
    spans: &'m [Span],
    ctx: Ctx,
}

impl<'m> Segment<'m> {
    pub(crate) fn new(text: &'m str, spans: &'m [Span], ctx: Ctx) -> Self {
        Self { text, spans, ctx }
    }

    fn slice(&self, span: Span) -> &'m str {
        self.text
            .get(span.start as usize..span.end as usize)
            .unwrap_or("")
    }

    /// The segment's id (`MSH`, `PID`, `ZFA`…).
    pub fn name(&self) -> &'m str {
        self.spans.first().map_or("", |&s| self.slice(s))
    }

    /// The segment as written (continuation lines included).
    pub fn raw(&self) -> &'m str {
        match (self.spans.first(), self.spans.last()) {
            (Some(first), Some(last)) => self.slice(Span {
                start: first.start,
                end: last.end,
            }),
            _ => "",
        }
    }

    /// The number of the last field present (0 for a segment with only its name).
    pub fn field_count(&self) -> usize {
        self.spans.len().saturating_sub(1)
    }

    /// Field `n` (1-based; `MSH-1` is the field separator). Field 0 is the segment's name.
    pub fn field(&self, n: usize) -> Field<'m> {
        let raw = self.spans.get(n).map_or("", |&s| self.slice(s));
        let literal = n == 0 || (n <= 2 && self.name() == "MSH");
        Field {
            raw,
            ctx: self.ctx,
            literal,
        }
    }

    /// Fields 1 to [`Segment::field_count`].
    pub fn fields(&self) -> impl Iterator<Item = Field<'m>> + use<'m> {
        let segment = *self;
        (1..=self.field_count()).map(move |n| segment.field(n))
    }
}

/// One field (all its repetitions).
#[derive(Debug, Clone, Copy)]
pub struct Field<'m> {
    raw: &'m str,
    ctx: Ctx,
    literal: bool,
}

impl<'m> Field<'m> {
    pub fn raw(&self) -> &'m str {
        self.raw
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The HL7 null `""`: the sender asks to erase the value it had sent before.
    pub fn is_null(&self) -> bool {
        self.raw == "\"\""
    }

    /// Repetition `i` (0-based).
    pub fn repetition(&self, i: usize) -> Repetition<'m> {
        let raw = match (self.literal, i) {
            (true, 0) => self.raw,
            (true, _) => "",
            (false, _) => part(self.raw, self.ctx.d.repetition(), i),
        };
        Repetition {
            raw,
            ctx: self.ctx,
            literal: self.literal,
        }
    }

    /// Every repetition (none for an empty field).
    pub fn repetitions(&self) -> impl Iterator<Item = Repetition<'m>> + use<'m> {
        let (ctx, literal) = (self.ctx, self.literal);
        let sep = if literal {
            None
        } else {
            Some(ctx.d.repetition())
        };
        parts(self.raw, sep).map(move |raw| Repetition { raw, ctx, literal })
    }

    /// Component `n` (1-based) of the first repetition.
    pub fn component(&self, n: usize) -> Component<'m> {
        self.repetition(0).component(n)
    }

    /// The decoded text of the first leaf.
    pub fn text(&self) -> Cow<'m, str> {
        self.repetition(0).text()
    }
}

/// One repetition of a field.
#[derive(Debug, Clone, Copy)]
pub struct Repetition<'m> {
    raw: &'m str,
    ctx: Ctx,
    literal: bool,
}

impl<'m> Repetition<'m> {
    pub fn raw(&self) -> &'m str {
        self.raw
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Component `n` (1-based).
    pub fn component(&self, n: usize) -> Component<'m> {
        let raw = match (self.literal, n) {
            (_, 0) | (true, 2..) => "",
            (true, 1) => self.raw,
            (false, n) => part(self.raw, self.ctx.d.component(), n - 1),
        };
        Component {
            raw,
            ctx: self.ctx,
            literal: self.literal,
        }
    }

    /// Every component (none for an empty repetition).
    pub fn components(&self) -> impl Iterator<Item = Component<'m>> + use<'m> {
        let (ctx, literal) = (self.ctx, self.literal);
        let sep = if literal {
            None
        } else {
            Some(ctx.d.component())
        };
        parts(self.raw, sep).map(move |raw| Component { raw, ctx, literal })
    }

    pub fn text(&self) -> Cow<'m, str> {
        self.component(1).text()
    }
}

/// One component of a repetition.
#[derive(Debug, Clone, Copy)]
pub struct Component<'m> {
    raw: &'m str,
    ctx: Ctx,
    literal: bool,
}

impl<'m> Component<'m> {
    pub fn raw(&self) -> &'m str {
        self.raw
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// Subcomponent `n` (1-based).
    pub fn subcomponent(&self, n: usize) -> Subcomponent<'m> {
        let raw = match (self.literal, n) {
            (_, 0) | (true, 2..) => "",
            (true, 1) => self.raw,
            (false, n) => part(self.raw, self.ctx.d.subcomponent(), n - 1),
        };
        Subcomponent {
            raw,
            ctx: self.ctx,
            literal: self.literal,
        }
    }

    /// Every subcomponent (none for an empty component).
    pub fn subcomponents(&self) -> impl Iterator<Item = Subcomponent<'m>> + use<'m> {
        let (ctx, literal) = (self.ctx, self.literal);
        let sep = if literal {
            None
        } else {
            Some(ctx.d.subcomponent())
        };
        parts(self.raw, sep).map(move |raw| Subcomponent { raw, ctx, literal })
    }

    pub fn text(&self) -> Cow<'m, str> {
        self.subcomponent(1).text()
    }
}

/// One subcomponent: a leaf.
#[derive(Debug, Clone, Copy)]
pub struct Subcomponent<'m> {
    raw: &'m str,
    ctx: Ctx,
    literal: bool,
}

impl<'m> Subcomponent<'m> {
    pub fn raw(&self) -> &'m str {
        self.raw
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The text with its escape sequences decoded (see `escape`).
    pub fn text(&self) -> Cow<'m, str> {
        if self.literal {
            Cow::Borrowed(self.raw)
        } else {
            unescape(self.raw, &self.ctx.d, self.ctx.charset)
        }
    }
}
