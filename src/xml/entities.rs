//! The entity rules of every XML reader of the toolkit: in character data and attribute values
//! only the five predefined entities (`&lt; &gt; &amp; &apos; &quot;`) and character
//! references exist (there is no DOCTYPE to declare others); line ends and attribute values
//! are normalised as an XML processor must.

use std::borrow::Cow;

use super::error::{XmlError, XmlProblem};
use super::lexer::find_byte;

/// Character data as XML reads it: references resolved, `\r\n` and lone `\r` read as `\n`.
/// Borrowed when there is nothing to resolve.
pub fn text_content(raw: &str, position: u64) -> Result<Cow<'_, str>, XmlError> {
    if find_byte(raw, b'&').is_none() && find_byte(raw, b'\r').is_none() {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(['&', '\r']) {
        out.push_str(&rest[..i]);
        if rest.as_bytes()[i] == b'\r' {
            out.push('\n');
            rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
        } else {
            let (resolved, len) = reference(&rest[i..], position)?;
            out.push(resolved);
            rest = &rest[i + len..];
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// An attribute value as XML reads it: references resolved, tabs and line ends (`\r\n` as
/// one) read as spaces, characters given by reference kept. Borrowed when nothing changes.
pub fn attribute_value(raw: &str, position: u64) -> Result<Cow<'_, str>, XmlError> {
    let special = |c: char| matches!(c, '&' | '\t' | '\n' | '\r');
    if !raw
        .bytes()
        .any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'))
    {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find(special) {
        out.push_str(&rest[..i]);
        match rest.as_bytes()[i] {
            b'&' => {
                let (resolved, len) = reference(&rest[i..], position)?;
                out.push(resolved);
                rest = &rest[i + len..];
            }
            b'\r' => {
                out.push(' ');
                rest = rest[i + 1..].strip_prefix('\n').unwrap_or(&rest[i + 1..]);
            }
            _ => {
                out.push(' ');
                rest = &rest[i + 1..];
            }
        }
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// Refuses an attribute value whose references are not all valid, without building it.
pub fn check_attribute_value(raw: &str, position: u64) -> Result<(), XmlError> {
    let mut rest = raw;
    while let Some(i) = find_byte(rest, b'&') {
        let (_, len) = reference(&rest[i..], position)?;
        rest = &rest[i + len..];
    }
    Ok(())
}

/// The character of the reference `text` starts with (`&…;`) and the reference's length.
fn reference(text: &str, position: u64) -> Result<(char, usize), XmlError> {
    // The longest valid reference, `&#x10FFFF;` or `&#1114111;`, has 10 bytes; longer names
    // cannot be one of the five entities either.
    let end = text
        .as_bytes()
        .iter()
        .take(12)
        .position(|&b| b == b';')
        .ok_or(XmlError::Malformed {
            position,
            problem: XmlProblem::Reference,
        })?;
    let name = &text[1..end];
    let c = match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => match name.strip_prefix('#') {
            Some(number) => char_ref(number).ok_or(XmlError::BadCharRef { position })?,
            None if name.is_empty() || name.contains(|c: char| c.is_ascii_whitespace()) => {
                return Err(XmlError::Malformed {
                    position,
                    problem: XmlProblem::Reference,
                });
            }
            None => return Err(XmlError::UnknownEntity { position }),
        },
    };
    Ok((c, end + 1))
}

/// `x41` or `65` → `A`; `None` for 0, surrogates, out of range or not a number.
fn char_ref(number: &str) -> Option<char> {
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u32::from_str_radix(digits, radix)
        .ok()
        .filter(|&n| n != 0)
        .and_then(char::from_u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_line_ends() {
        assert_eq!(
            text_content("a &amp; b&#233;&#x41;\r\nc\rd", 0).expect("text"),
            "a & béA\nc\nd"
        );
        assert!(matches!(
            text_content("plain", 0),
            Ok(Cow::Borrowed("plain"))
        ));
        assert_eq!(
            attribute_value("1 &amp; 2\r\n\t&#10;", 0).expect("attr"),
            "1 & 2  \n"
        );
        for (bad, expected) in [
            ("&nope;", XmlError::UnknownEntity { position: 9 }),
            ("&#0;", XmlError::BadCharRef { position: 9 }),
            ("&#xD800;", XmlError::BadCharRef { position: 9 }),
            ("&#12a;", XmlError::BadCharRef { position: 9 }),
            (
                "&amp",
                XmlError::Malformed {
                    position: 9,
                    problem: XmlProblem::Reference,
                },
            ),
        ] {
            assert_eq!(text_content(bad, 9), Err(expected), "{bad}");
            assert_eq!(check_attribute_value(bad, 9), Err(expected), "{bad}");
        }
    }
}
