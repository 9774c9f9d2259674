//! Turns the raw bytes of a document into UTF-8 text before parsing: BOM detection (UTF-8,
//! UTF-16), the `encoding` of the XML declaration (ISO-8859-1/15, Windows-1252), UTF-8 by default
//! with a Latin-1 fallback when the bytes are not valid UTF-8. Leading blanks are dropped so that
//! the XML declaration comes first.

use super::error::CdaError;

/// The decoded text and how many input bytes were dropped before it (BOM, leading blanks).
pub(crate) struct Decoded {
    pub text: String,
    pub skipped: usize,
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
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, CdaError> {
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
        None => declared_charset(body)?,
    };
    let text = match charset {
        Charset::Utf8 => match std::str::from_utf8(body) {
            Ok(s) => s.to_owned(),
            Err(_) => single_byte(body, Charset::Windows1252),
        },
        Charset::Utf16Le | Charset::Utf16Be => utf16(body, charset == Charset::Utf16Le)?,
        other => single_byte(body, other),
    };
    let trimmed = text.trim_start_matches(['\u{FEFF}', ' ', '\t', '\r', '\n']);
    let dropped = text.len() - trimmed.len();
    let text = if dropped == 0 {
        text
    } else {
        trimmed.to_owned()
    };
    Ok(Decoded {
        text,
        skipped: bom + dropped,
    })
}

/// Reads the `encoding` pseudo-attribute of an ASCII-compatible XML declaration.
fn declared_charset(bytes: &[u8]) -> Result<Charset, CdaError> {
    let start = bytes
        .iter()
        .position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .unwrap_or(bytes.len());
    let head = &bytes[start..bytes.len().min(start + 1024)];
    if !head.starts_with(b"<?xml") {
        return Ok(Charset::Utf8);
    }
    let Some(end) = head.windows(2).position(|w| w == b"?>") else {
        return Ok(Charset::Utf8);
    };
    let decl = &head[..end];
    let Some(at) = decl.windows(8).position(|w| w == b"encoding") else {
        return Ok(Charset::Utf8);
    };
    let rest = &decl[at + 8..];
    let rest = trim_ascii_start(rest);
    let Some(rest) = rest.strip_prefix(b"=") else {
        return Ok(Charset::Utf8);
    };
    let rest = trim_ascii_start(rest);
    let Some((&quote, rest)) = rest.split_first() else {
        return Ok(Charset::Utf8);
    };
    if quote != b'"' && quote != b'\'' {
        return Ok(Charset::Utf8);
    }
    let name_len = rest.iter().position(|&b| b == quote).unwrap_or(rest.len());
    let name = String::from_utf8_lossy(&rest[..name_len]).to_ascii_lowercase();
    match name.trim() {
        "utf-8" | "utf8" | "us-ascii" | "ascii" => Ok(Charset::Utf8),
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" => {
            Ok(Charset::Latin1)
        }
        "iso-8859-15" | "iso8859-15" | "iso_8859-15" | "latin9" | "latin-9" => Ok(Charset::Latin9),
        "windows-1252" | "cp1252" | "x-cp1252" => Ok(Charset::Windows1252),
        _ => Err(CdaError::UnsupportedEncoding),
    }
}

fn trim_ascii_start(bytes: &[u8]) -> &[u8] {
    let n = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[n..]
}

fn utf16(bytes: &[u8], little_endian: bool) -> Result<String, CdaError> {
    if !bytes.len().is_multiple_of(2) {
        return Err(CdaError::Truncated {
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
            c.map_err(|_| CdaError::Malformed {
                position: (i * 2) as u64,
                reason: super::error::XmlProblem::Characters,
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
        decode(bytes).expect("decodes").text
    }

    #[test]
    fn utf8_with_bom_and_leading_blanks() {
        let d = decode(b"\xEF\xBB\xBF \r\n\t<?xml version=\"1.0\"?><a>\xC3\xA9</a>").expect("ok");
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
    fn unknown_encoding_is_refused() {
        let doc = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><t/>";
        assert!(matches!(decode(doc), Err(CdaError::UnsupportedEncoding)));
    }
}
