//! Bytes of an XML document → text. UTF-8 (with or without BOM) and ISO-8859-1 (declared);
//! a document without an encoding declaration whose bytes are not UTF-8 is read as
//! ISO-8859-1, because two of the agency's VIHF samples are exactly that (a strict reader
//! rejects them). Anything else (UTF-16, other declared encodings) is refused.

use super::XmlDsigError;

/// Decodes an XML document's bytes to text (see the module documentation for the rules).
pub fn decode_xml_bytes(bytes: &[u8]) -> Result<String, XmlDsigError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if bytes.starts_with(b"\xFE\xFF") || bytes.starts_with(b"\xFF\xFE") {
        return Err(XmlDsigError::Unsupported("UTF-16 documents"));
    }
    match declared_encoding(bytes) {
        None => Ok(match std::str::from_utf8(bytes) {
            Ok(text) => text.to_owned(),
            Err(_) => latin1(bytes),
        }),
        Some(name) if name.eq_ignore_ascii_case("utf-8") || name.eq_ignore_ascii_case("utf8") => {
            utf8(bytes)
        }
        Some(name)
            if ["iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "l1"]
                .iter()
                .any(|n| name.eq_ignore_ascii_case(n)) =>
        {
            Ok(latin1(bytes))
        }
        Some(name) if name.eq_ignore_ascii_case("us-ascii") && bytes.is_ascii() => utf8(bytes),
        Some(_) => Err(XmlDsigError::Unsupported("declared character encoding")),
    }
}

fn utf8(bytes: &[u8]) -> Result<String, XmlDsigError> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|e| XmlDsigError::Xml {
            position: e.valid_up_to(),
            reason: "invalid UTF-8".to_owned(),
        })
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The `encoding` pseudo-attribute of the XML declaration, when there is one.
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let declaration = bytes.strip_prefix(b"<?xml")?;
    let end = declaration.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(&declaration[..end]).ok()?;
    let after = &declaration[declaration.find("encoding")? + "encoding".len()..];
    let after = after.trim_start().strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &after[1..];
    value.find(quote).map(|close| &value[..close])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_latin1_and_bom_are_read() {
        assert_eq!(decode_xml_bytes(b"<a>\xC3\xA9</a>").unwrap(), "<a>é</a>");
        assert_eq!(decode_xml_bytes(b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
        // Undeclared and not UTF-8: the agency-sample quirk.
        assert_eq!(
            decode_xml_bytes(b"<a>M\xE9decin</a>").unwrap(),
            "<a>Médecin</a>"
        );
        let declared = b"<?xml version='1.0' encoding='ISO-8859-1'?><a>\xE8</a>";
        assert!(decode_xml_bytes(declared).unwrap().ends_with("<a>è</a>"));
    }

    #[test]
    fn wrong_or_unknown_encodings_are_refused() {
        let bad = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><a>\xE9</a>";
        assert!(decode_xml_bytes(bad).is_err());
        assert!(decode_xml_bytes(b"\xFF\xFE<\0a\0/\0>\0").is_err());
        assert!(decode_xml_bytes(b"<?xml version=\"1.0\" encoding=\"EBCDIC\"?><a/>").is_err());
    }
}
