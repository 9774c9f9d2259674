//! Turns the raw bytes of a document or message into UTF-8 text before parsing, for every
//! reader of the toolkit and the CDA parser: BOM detection (UTF-8, UTF-16), the `encoding` of
//! the XML declaration (ISO-8859-1/15, Windows-1252), UTF-8 by default with a Windows-1252
//! fallback (ISO-8859-1 read as browsers do) when the bytes are not valid UTF-8. Leading blanks
//! are dropped so that the XML declaration comes first. Valid UTF-8 is borrowed, not copied.

use std::borrow::Cow;

use super::error::{XmlError, XmlProblem};

/// The decoded text and how many input bytes were dropped before it (BOM, leading blanks).
pub struct Decoded<'a> {
    pub text: Cow<'a, str>,
    pub skipped: usize,
}

/// What to do with an `encoding` the toolkit does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownEncoding {
    /// Refuse the document ([`XmlError::UnsupportedEncoding`]): documents kept and shown.
    Refuse,
    /// Read it as UTF-8 (Windows-1252 when not valid UTF-8): network answers, read as before.
    Guess,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Charset {
    Utf8,
    Utf16Le,
    Utf16Be,
    Latin1,
    Latin9,
    Windows1252,
}

/// Decodes `bytes` to UTF-8 text.
pub fn decode(bytes: &[u8], unknown: UnknownEncoding) -> Result<Decoded<'_>, XmlError> {
    let (charset, bom) = match bytes {
        [0xEF, 0xBB, 0xBF, ..] => (Some(Charset::Utf8), 3),
        [0xFF, 0xFE, ..] => (Some(Charset::Utf16Le), 2),
        [0xFE, 0xFF, ..] => (Some(Charset::Utf16Be), 2),
        [0x3C, 0x00, 0x3F, 0x00, ..] => (Some(Charset::Utf16Le), 0),
        [0x00, 0x3C, 0x00, 0x3F, ..] => (Some(Charset::Utf16Be), 0),
        _ => (None, 0),
    };
    let body = &bytes[bom..];
    let charset = match charset {
        Some(c) => c,
        None => match declared_charset(body) {
            Some(c) => c,
            None if unknown == UnknownEncoding::Guess => Charset::Utf8,
            None => return Err(XmlError::UnsupportedEncoding),
        },
    };
    let text = match charset {
        Charset::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(single_byte(body, Charset::Windows1252)),
        },
        Charset::Utf16Le | Charset::Utf16Be => {
            Cow::Owned(utf16(body, charset == Charset::Utf16Le)?)
        }
        other => Cow::Owned(single_byte(body, other)),
    };
    let dropped = text.len()
        - text
            .trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n'])
            .len();
    let text = match text {
        Cow::Borrowed(s) => Cow::Borrowed(&s[dropped..]),
        Cow::Owned(s) if dropped == 0 => Cow::Owned(s),
        Cow::Owned(s) => Cow::Owned(s[dropped..].to_owned()),
    };
    Ok(Decoded {
        text,
        skipped: bom + dropped,
    })
}

/// [`decode`] for network answers: an unknown declared encoding is read as UTF-8 (or
/// Windows-1252), never refused.
pub fn decode_lenient(bytes: &[u8]) -> Cow<'_, str> {
    match decode(bytes, UnknownEncoding::Guess) {
        Ok(decoded) => decoded.text,
        // Only broken UTF-16 gets here: its bytes as Windows-1252 then fail to parse as XML.
        Err(_) => Cow::Owned(single_byte(bytes, Charset::Windows1252)),
    }
}

/// Reads the `encoding` pseudo-attribute of an ASCII-compatible XML declaration; `None` for
/// an encoding not supported.
fn declared_charset(bytes: &[u8]) -> Option<Charset> {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 1024)];
    if !head.starts_with(b"<?xml") {
        return Some(Charset::Utf8);
    }
    let Some(end) = head.windows(2).position(|w| w == b"?>") else {
        return Some(Charset::Utf8);
    };
    let decl = &head[..end];
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else {
        return Some(Charset::Utf8);
    };
    let rest = &decl[at + 8..];
    let rest = trim_ascii_start(rest);
    let Some(rest) = rest.strip_prefix(b"=") else {
        return Some(Charset::Utf8);
    };
    let rest = trim_ascii_start(rest);
    let Some((&quote, rest)) = rest.split_first() else {
        return Some(Charset::Utf8);
    };
    if quote != b'"' && quote != b'\'' {
        return Some(Charset::Utf8);
    }
    let name_len = rest.iter().position(|&b| b == quote).unwrap_or(rest.len());
    let name = String::from_utf8_lossy(&rest[..name_len]).to_ascii_lowercase();
    match name.trim() {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => Some(Charset::Utf8),
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" => {
            Some(Charset::Latin1)
        }
        "iso-8859-15" | "iso8859-15" | "iso_8859-15" | "latin9" | "latin-9" => {
            Some(Charset::Latin9)
        }
        "windows-1252" | "cp1252" | "x-cp1252" => Some(Charset::Windows1252),
        _ => None,
    }
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[n..]
}

fn utf16(bytes: &[u8], little_endian: bool) -> Result<String, XmlError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(XmlError::Truncated {
            position: bytes.len() as u64,
        });
    }
    let units = bytes.chunks_exact(2).map(|p| {
        if little_endian {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    char::decode_utf16(units)
        .enumerate()
        .map(|(i, c)| {
            c.map_err(|_| XmlError::Malformed {
                position: (i * 2) as u64,
                problem: XmlProblem::Characters,
            })
        })
        .collect()
}

/// Windows-1252 characters for bytes 0x80..=0x9F (where ISO-8859-1 has C1 controls).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž', '\u{8F}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}', 'ž', 'Ÿ',
];

fn single_byte(bytes: &[u8], charset: Charset) -> String {
    bytes
        .iter()
        .map(|&b| match (charset, b) {
            // ISO-8859-1 is read as Windows-1252, as browsers do: the C1 range never holds text.
            (Charset::Latin1 | Charset::Windows1252, 0x80..=0x9F) => {
                CP1252_HIGH[usize::from(b - 0x80)]
            }
            (Charset::Latin9, 0xA4) => '€',
            (Charset::Latin9, 0xA6) => 'Š',
            (Charset::Latin9, 0xA8) => 'š',
            (Charset::Latin9, 0xB4) => 'Ž',
            (Charset::Latin9, 0xB8) => 'ž',
            (Charset::Latin9, 0xBC) => 'Œ',
            (Charset::Latin9, 0xBD) => 'œ',
            (Charset::Latin9, 0xBE) => 'Ÿ',
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        decode(bytes, UnknownEncoding::Refuse)
            .expect("decodes")
            .text
            .into_owned()
    }

    #[test]
    fn utf8_with_bom_and_leading_blanks() {
        let d = decode(
            b"\xEF\xBB\xBF \r\n\t<?xml version=\"1.0\"?><a>\xC3\xA9</a>",
            UnknownEncoding::Refuse,
        )
        .expect("ok");
        assert_eq!(d.text, "<?xml version=\"1.0\"?><a>é</a>");
        assert_eq!(d.skipped, 7);
    }

    #[test]
    fn declared_latin1_and_cp1252() {
        let doc = b"<?xml version='1.0' encoding='ISO-8859-1'?><t>\xE9t\xE9 \x80</t>";
        assert_eq!(
            text(doc),
            "<?xml version='1.0' encoding='ISO-8859-1'?><t>été €</t>"
        );
        let doc = b"<?xml version=\"1.0\" encoding = \"windows-1252\"?><t>\x9C</t>";
        assert!(text(doc).ends_with("<t>œ</t>"));
        let doc = b"<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?><t>\xA4</t>";
        assert!(text(doc).ends_with("<t>€</t>"));
    }

    #[test]
    fn undeclared_invalid_utf8_falls_back_to_latin1() {
        assert_eq!(text(b"<t>caf\xE9</t>"), "<t>café</t>");
        assert_eq!(text("<t>café</t>".as_bytes()), "<t>café</t>");
    }

    #[test]
    fn utf16_with_bom() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<t>é</t>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(text(&bytes), "<t>é</t>");
    }

    #[test]
    fn unknown_encoding_is_refused_or_guessed() {
        let doc = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><t/>";
        assert!(matches!(
            decode(doc, UnknownEncoding::Refuse),
            Err(XmlError::UnsupportedEncoding)
        ));
        assert!(decode_lenient(doc).ends_with("<t/>"));
        assert!(matches!(decode_lenient(b"<t/>"), Cow::Borrowed("<t/>")));
    }
}
