//! The delimiters of a message: MSH-1 (field separator) and MSH-2 (component, repetition,
//! escape, subcomponent and, from v2.7, truncation characters), read from the raw bytes of the
//! header before the text is decoded. Any characters are accepted as long as they are
//! printable ASCII, neither letters nor digits, and all different: splitting the decoded text
//! on ASCII bytes is then always safe, whatever the charset.

use super::{HeaderProblem, Hl7Error};

/// The six special characters of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Delimiters {
    field: u8,
    component: u8,
    repetition: u8,
    escape: u8,
    subcomponent: u8,
    truncation: Option<u8>,
}

impl Default for Delimiters {
    fn default() -> Self {
        Self::STANDARD
    }
}

impl Delimiters {
    /// `|` and `^~\&`, the ones every volet uses.
    pub const STANDARD: Self = Self {
        field: b'|',
        component: b'^',
        repetition: b'~',
        escape: b'\\',
        subcomponent: b'&',
        truncation: None,
    };

    /// Checked delimiters: printable ASCII, no letter or digit, all different.
    pub fn new(
        field: u8,
        component: u8,
        repetition: u8,
        escape: u8,
        subcomponent: u8,
        truncation: Option<u8>,
    ) -> Result<Self, Hl7Error> {
        let all = [
            Some(field),
            Some(component),
            Some(repetition),
            Some(escape),
            Some(subcomponent),
            truncation,
        ];
        let chars: Vec<u8> = all.into_iter().flatten().collect();
        if chars
            .iter()
            .any(|c| !c.is_ascii_graphic() || c.is_ascii_alphanumeric())
        {
            return Err(bad(HeaderProblem::InvalidDelimiter));
        }
        for (i, c) in chars.iter().enumerate() {
            if chars[i + 1..].contains(c) {
                return Err(bad(HeaderProblem::RepeatedDelimiter));
            }
        }
        Ok(Self {
            field,
            component,
            repetition,
            escape,
            subcomponent,
            truncation,
        })
    }

    /// Reads MSH-1 and MSH-2 from the start of a message (which begins with `MSH`). Returns
    /// the delimiters and the byte offset where MSH-2 ends.
    pub(crate) fn read(header: &[u8]) -> Result<(Self, usize), Hl7Error> {
        let Some(&field) = header.get(3) else {
            return Err(bad(HeaderProblem::TooShort));
        };
        if matches!(field, b'\r' | b'\n') {
            return Err(bad(HeaderProblem::TooShort));
        }
        let rest = &header[4..];
        let len = rest
            .iter()
            .position(|&b| b == field || b == b'\r' || b == b'\n')
            .unwrap_or(rest.len());
        let encoding = &rest[..len];
        let d = match *encoding {
            [c, r, e, s] => Self::new(field, c, r, e, s, None)?,
            [c, r, e, s, t] => Self::new(field, c, r, e, s, Some(t))?,
            [] if rest.is_empty() => return Err(bad(HeaderProblem::TooShort)),
            _ => return Err(bad(HeaderProblem::EncodingLength)),
        };
        Ok((d, 4 + len))
    }

    pub fn field(&self) -> u8 {
        self.field
    }

    pub fn component(&self) -> u8 {
        self.component
    }

    pub fn repetition(&self) -> u8 {
        self.repetition
    }

    pub fn escape(&self) -> u8 {
        self.escape
    }

    pub fn subcomponent(&self) -> u8 {
        self.subcomponent
    }

    pub fn truncation(&self) -> Option<u8> {
        self.truncation
    }

    /// MSH-2 as written: component, repetition, escape, subcomponent (and truncation).
    pub fn encoding_characters(&self) -> String {
        let mut out: String = [
            self.component,
            self.repetition,
            self.escape,
            self.subcomponent,
        ]
        .into_iter()
        .map(char::from)
        .collect();
        out.extend(self.truncation.map(char::from));
        out
    }
}

fn bad(problem: HeaderProblem) -> Hl7Error {
    Hl7Error::BadHeader { problem }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_and_custom_delimiters() {
        let (d, end) = Delimiters::read(b"MSH|^~\\&|GAM").unwrap();
        assert_eq!((d, end), (Delimiters::STANDARD, 8));
        assert_eq!(d.encoding_characters(), "^~\\&");
        let (d, end) = Delimiters::read(b"MSH#$%!*@#x").unwrap();
        assert_eq!(end, 9);
        assert_eq!(
            (d.field(), d.component(), d.repetition(), d.escape()),
            (b'#', b'$', b'%', b'!')
        );
        assert_eq!((d.subcomponent(), d.truncation()), (b'*', Some(b'@')));
        // MSH alone on its line, with no field after MSH-2.
        let (d, _) = Delimiters::read(b"MSH|^~\\&\rPID|").unwrap();
        assert_eq!(d, Delimiters::STANDARD);
    }

    #[test]
    fn broken_headers_are_refused() {
        let problem = |bytes: &[u8]| match Delimiters::read(bytes) {
            Err(Hl7Error::BadHeader { problem }) => problem,
            other => panic!("{other:?}"),
        };
        assert_eq!(problem(b"MSH"), HeaderProblem::TooShort);
        assert_eq!(problem(b"MSH|"), HeaderProblem::TooShort);
        assert_eq!(problem(b"MSH\r"), HeaderProblem::TooShort);
        assert_eq!(problem(b"MSH|^~\\|"), HeaderProblem::EncodingLength);
        assert_eq!(problem(b"MSH||"), HeaderProblem::EncodingLength);
        assert_eq!(problem(b"MSH|^~\\&#$|"), HeaderProblem::EncodingLength);
        assert_eq!(problem(b"MSH|^~\\^|"), HeaderProblem::RepeatedDelimiter);
        assert_eq!(problem(b"MSH|^~\\a|"), HeaderProblem::InvalidDelimiter);
        assert_eq!(problem(b"MSH|^~ &|"), HeaderProblem::InvalidDelimiter);
        assert_eq!(problem(b"MSH|^~\\\xE9|"), HeaderProblem::InvalidDelimiter);
        assert_eq!(problem(b"MSHA^~\\&A"), HeaderProblem::InvalidDelimiter);
    }
}
