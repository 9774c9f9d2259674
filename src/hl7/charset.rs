//! The character set of a message (MSH-18) and the bytes ↔ text rules. A message is decoded
//! whole before parsing (delimiters are ASCII, so splitting the text is safe whatever the
//! charset); valid UTF-8 is borrowed, not copied.
//!
//! Reading never fails on bytes: an undeclared charset is read as UTF-8 when the bytes are
//! valid UTF-8, else as Windows-1252 (the usual meaning of undeclared 8-bit text in France);
//! declared UTF-8 with invalid sequences keeps its valid sequences and reads each invalid byte
//! as Windows-1252. Both cases are reported as a [`DecodingNote`] so that intake can refuse to
//! file automatically on traits read that way. 8859/1 is read as Windows-1252 (its superset:
//! the C1 range 0x80–0x9F never holds text), 8859/15 strictly. Only an unknown MSH-18 name
//! is an error. [`fold_to_ascii`] makes text we write safe where no charset is declared.

use std::borrow::Cow;

use super::Hl7Error;

/// The character set of a message, from the first repetition of MSH-18.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Charset {
    /// MSH-18 empty (or `ASCII`): ASCII by the standard; read as described in the module doc,
    /// written as UTF-8.
    #[default]
    Undeclared,
    /// `UNICODE UTF-8` (also `UTF-8`, `UNICODE`).
    Utf8,
    /// `8859/1`.
    Latin1,
    /// `8859/15`.
    Latin9,
}

/// How the text was obtained when the bytes did not match a declared charset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodingNote {
    /// No charset declared, non-ASCII bytes that are valid UTF-8: read as UTF-8.
    UndeclaredUtf8,
    /// No charset declared, bytes that are not valid UTF-8: read as Windows-1252.
    UndeclaredWindows1252,
    /// Declared UTF-8 but not valid UTF-8: the invalid bytes were read as Windows-1252.
    RepairedUtf8,
}

impl Charset {
    /// The charset named by MSH-18's first repetition (spaces around it and case ignored).
    pub fn from_msh18(value: &[u8]) -> Result<Self, Hl7Error> {
        let start = value.iter().position(|&b| b != b' ').unwrap_or(value.len());
        let end = value
            .iter()
            .rposition(|&b| b != b' ')
            .map_or(start, |i| i + 1);
        let value = &value[start..end];
        let known: &[(&[u8], Self)] = &[
            (b"", Self::Undeclared),
            (b"ASCII", Self::Undeclared),
            (b"UNICODE UTF-8", Self::Utf8),
            (b"UNICODE UTF8", Self::Utf8),
            (b"UTF-8", Self::Utf8),
            (b"UTF8", Self::Utf8),
            (b"UNICODE", Self::Utf8),
            (b"8859/1", Self::Latin1),
            (b"ISO-8859-1", Self::Latin1),
            (b"ISO8859-1", Self::Latin1),
            (b"8859/15", Self::Latin9),
            (b"ISO-8859-15", Self::Latin9),
            (b"ISO8859-15", Self::Latin9),
        ];
        known
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(value))
            .map(|&(_, charset)| charset)
            .ok_or(Hl7Error::UnsupportedCharset)
    }

    /// The value written in MSH-18 for this charset (empty when undeclared).
    pub fn msh18(self) -> &'static str {
        match self {
            Self::Undeclared => "",
            Self::Utf8 => "UNICODE UTF-8",
            Self::Latin1 => "8859/1",
            Self::Latin9 => "8859/15",
        }
    }

    /// The text of `bytes` in this charset, borrowed when the bytes are valid UTF-8 and the
    /// charset allows reading them as such.
    pub fn decode(self, bytes: &[u8]) -> (Cow<'_, str>, Option<DecodingNote>) {
        match self {
            Self::Undeclared => match std::str::from_utf8(bytes) {
                Ok(text) if text.is_ascii() => (Cow::Borrowed(text), None),
                Ok(text) => (Cow::Borrowed(text), Some(DecodingNote::UndeclaredUtf8)),
                Err(_) => (
                    Cow::Owned(single_byte(bytes, Self::Latin1)),
                    Some(DecodingNote::UndeclaredWindows1252),
                ),
            },
            Self::Utf8 => match std::str::from_utf8(bytes) {
                Ok(text) => (Cow::Borrowed(text), None),
                Err(_) => (
                    Cow::Owned(repair_utf8(bytes)),
                    Some(DecodingNote::RepairedUtf8),
                ),
            },
            Self::Latin1 | Self::Latin9 => match std::str::from_utf8(bytes) {
                Ok(text) if text.is_ascii() => (Cow::Borrowed(text), None),
                _ => (Cow::Owned(single_byte(bytes, self)), None),
            },
        }
    }

    /// The bytes of `text` in this charset (UTF-8 when undeclared); the position (in bytes of
    /// `text`) of the first character the charset cannot hold is an error.
    pub fn encode(self, text: &str) -> Result<Vec<u8>, Hl7Error> {
        match self {
            Self::Undeclared | Self::Utf8 => Ok(text.as_bytes().to_vec()),
            Self::Latin1 | Self::Latin9 => text
                .char_indices()
                .map(|(position, c)| encode_char(c, self).ok_or(Hl7Error::Unencodable { position }))
                .collect(),
        }
    }

    /// [`Charset::encode`] with `?` in place of what the charset cannot hold.
    pub fn encode_lossy(self, text: &str) -> Vec<u8> {
        match self {
            Self::Undeclared | Self::Utf8 => text.as_bytes().to_vec(),
            Self::Latin1 | Self::Latin9 => text
                .chars()
                .map(|c| encode_char(c, self).unwrap_or(b'?'))
                .collect(),
        }
    }

    /// Whether `c` can be written in this charset.
    pub fn can_encode(self, c: char) -> bool {
        match self {
            Self::Undeclared | Self::Utf8 => true,
            Self::Latin1 | Self::Latin9 => encode_char(c, self).is_some(),
        }
    }
}

/// Windows-1252 characters for bytes 0x80..=0x9F (the five holes keep their C1 control).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

/// The eight places where 8859-15 differs from 8859-1.
const LATIN9_CHANGES: [(u8, char); 8] = [
    (0xA4, '€'),
    (0xA6, 'Š'),
    (0xA8, 'š'),
    (0xB4, 'Ž'),
    (0xB8, 'ž'),
    (0xBC, 'Œ'),
    (0xBD, 'œ'),
    (0xBE, 'Ÿ'),
];

/// One byte of an 8-bit charset (`Latin1` is read as Windows-1252).
pub(crate) fn decode_byte(b: u8, charset: Charset) -> char {
    match (charset, b) {
        (Charset::Latin9, _) => LATIN9_CHANGES
            .iter()
            .find(|&&(byte, _)| byte == b)
            .map_or(char::from(b), |&(_, c)| c),
        (_, 0x80..=0x9F) => CP1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

fn encode_char(c: char, charset: Charset) -> Option<u8> {
    if c.is_ascii() {
        return u8::try_from(c).ok();
    }
    if charset == Charset::Latin9 {
        if let Some(&(byte, _)) = LATIN9_CHANGES.iter().find(|&&(_, ch)| ch == c) {
            return Some(byte);
        }
        let byte = u8::try_from(u32::from(c)).ok()?;
        let replaced = LATIN9_CHANGES.iter().any(|&(b, _)| b == byte);
        return (!replaced).then_some(byte);
    }
    if let Some(i) = CP1252_HIGH.iter().position(|&ch| ch == c) {
        return u8::try_from(0x80 + i).ok();
    }
    // The C1 controls that Windows-1252 maps to text cannot be written back.
    let byte = u8::try_from(u32::from(c)).ok()?;
    (byte >= 0xA0).then_some(byte)
}

fn single_byte(bytes: &[u8], charset: Charset) -> String {
    bytes.iter().map(|&b| decode_byte(b, charset)).collect()
}

/// Valid UTF-8 sequences kept, each invalid byte read as Windows-1252.
fn repair_utf8(mut bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 16);
    loop {
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                out.push_str(text);
                return out;
            }
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                let bad = e.error_len().unwrap_or(rest.len());
                out.extend(rest[..bad].iter().map(|&b| decode_byte(b, Charset::Latin1)));
                bytes = &rest[bad..];
            }
        }
    }
}

/// The bytes of an `\Xhh…\` escape read in the message's charset.
pub(crate) fn decode_escaped_bytes(bytes: &[u8], charset: Charset) -> String {
    match charset {
        Charset::Undeclared | Charset::Utf8 => repair_utf8(bytes),
        Charset::Latin1 | Charset::Latin9 => single_byte(bytes, charset),
    }
}

/// French text in ASCII: accents dropped, ligatures spelled out, typographic quotes made
/// plain; any other non-ASCII character becomes `?`.
pub fn fold_to_ascii(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let folded = match c {
            'à' | 'â' | 'ä' => "a",
            'À' | 'Â' | 'Ä' => "A",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'É' | 'È' | 'Ê' | 'Ë' => "E",
            'î' | 'ï' => "i",
            'Î' | 'Ï' => "I",
            'ô' | 'ö' => "o",
            'Ô' | 'Ö' => "O",
            'ù' | 'û' | 'ü' => "u",
            'Ù' | 'Û' | 'Ü' => "U",
            'ÿ' => "y",
            'Ÿ' => "Y",
            'ç' => "c",
            'Ç' => "C",
            'œ' => "oe",
            'Œ' => "OE",
            'æ' => "ae",
            'Æ' => "AE",
            '’' | '‘' => "'",
            '«' | '»' | '“' | '”' => "\"",
            '\u{a0}' => " ",
            c if c.is_ascii() => {
                out.push(c);
                continue;
            }
            _ => "?",
        };
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn msh18_names() {
        assert_eq!(Charset::from_msh18(b"UNICODE UTF-8"), Ok(Charset::Utf8));
        assert_eq!(Charset::from_msh18(b" unicode utf-8 "), Ok(Charset::Utf8));
        assert_eq!(Charset::from_msh18(b"8859/15"), Ok(Charset::Latin9));
        assert_eq!(Charset::from_msh18(b"8859/1"), Ok(Charset::Latin1));
        assert_eq!(Charset::from_msh18(b""), Ok(Charset::Undeclared));
        assert_eq!(
            Charset::from_msh18(b"ISO IR87"),
            Err(Hl7Error::UnsupportedCharset)
        );
    }

    #[test]
    fn single_byte_charsets_read_and_write_back() {
        let (text, note) = Charset::Latin1.decode(b"R\xE9ault \x80 \x92");
        assert_eq!((text.as_ref(), note), ("Réault € ’", None));
        assert_eq!(
            Charset::Latin1.encode("Réault € ’").ok(),
            Some(b"R\xE9ault \x80 \x92".to_vec())
        );
        let (text, _) = Charset::Latin9.decode(b"\xA4 \xBD \xE9");
        assert_eq!(text, "€ œ é");
        assert_eq!(
            Charset::Latin9.encode("€ œ é").ok(),
            Some(b"\xA4 \xBD \xE9".to_vec())
        );
        assert_eq!(
            Charset::Latin9.encode("a¤"),
            Err(Hl7Error::Unencodable { position: 1 })
        );
        assert_eq!(Charset::Latin1.encode_lossy("a漢b"), b"a?b".to_vec());
        assert_eq!(
            fold_to_ascii("Œuvre « là » ’x’ 漢"),
            "OEuvre \" la \" 'x' ?"
        );
    }

    #[test]
    fn every_byte_round_trips_in_8859() {
        for charset in [Charset::Latin1, Charset::Latin9] {
            for b in 0..=255u8 {
                let c = decode_byte(b, charset);
                assert_eq!(encode_char(c, charset), Some(b), "{charset:?} {b:#x}");
            }
        }
    }

    #[test]
    fn utf8_is_borrowed_and_invalid_bytes_repaired_or_guessed() {
        let (text, note) = Charset::Utf8.decode("été".as_bytes());
        assert!(matches!(text, Cow::Borrowed(_)));
        assert_eq!(note, None);
        let (text, note) = Charset::Utf8.decode(b"\xC3\xA9t\xE9");
        assert_eq!(
            (text.as_ref(), note),
            ("été", Some(DecodingNote::RepairedUtf8))
        );
        let (text, note) = Charset::Undeclared.decode(b"R\xE9ault");
        assert_eq!(
            (text.as_ref(), note),
            ("Réault", Some(DecodingNote::UndeclaredWindows1252))
        );
        let (_, note) = Charset::Undeclared.decode("é".as_bytes());
        assert_eq!(note, Some(DecodingNote::UndeclaredUtf8));
        let (_, note) = Charset::Undeclared.decode(b"plain");
        assert_eq!(note, None);
        // A truncated sequence at the very end.
        let (text, _) = Charset::Utf8.decode(b"a\xC3");
        assert_eq!(text, "aÃ");
    }
}
