//! Base64 of embedded contents (`representation="B64"`): lenient only where it is safe (line
//! breaks and blanks, missing `=` padding), strict otherwise. Also sniffs the real type of a
//! content from its first bytes, without decoding the whole of it.

use ::base64::Engine as _;
use ::base64::alphabet;
use ::base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use super::error::{Base64Problem, CdaError};

const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// Decodes base64 text, ignoring blanks and accepting missing padding.
pub(crate) fn decode(text: &str) -> Result<Vec<u8>, CdaError> {
    // Usual layout: lines of base64 with blanks only around them. Lines are copied whole
    // (memchr finds their ends); blanks inside a line make the decoder fail, and the exact
    // filter below then decides, with the positions it reports.
    let mut lines = Vec::with_capacity(text.len());
    for line in text.split('\n') {
        lines.extend_from_slice(line.trim_matches([' ', '\t', '\r']).as_bytes());
    }
    if let Ok(bytes) = ENGINE.decode(&lines) {
        return Ok(bytes);
    }
    let compact: Vec<u8> = text.bytes().filter(|&b| !is_blank(b)).collect();
    ENGINE.decode(&compact).map_err(|e| {
        let problem = match e {
            ::base64::DecodeError::InvalidByte(pos, _) => Base64Problem::InvalidCharacter(pos),
            ::base64::DecodeError::InvalidLength(_) => Base64Problem::ImpossibleLength,
            ::base64::DecodeError::InvalidLastSymbol(..)
            | ::base64::DecodeError::InvalidPadding => Base64Problem::BadEnding,
        };
        CdaError::Base64 { problem }
    })
}

/// Decodes the first bytes of base64 text (about 48), or `None` when they are not valid.
pub(crate) fn decode_prefix(text: &str) -> Option<Vec<u8>> {
    let mut compact: Vec<u8> = text.bytes().filter(|&b| !is_blank(b)).take(64).collect();
    if let Some(pad) = compact.iter().position(|&b| b == b'=') {
        compact.truncate(pad);
    }
    compact.truncate(compact.len() / 4 * 4);
    ENGINE.decode(&compact).ok()
}

/// Rough size of the decoded content, from the length of the base64 text.
pub(crate) fn decoded_len_estimate(text_len: usize) -> usize {
    text_len / 4 * 3
}

/// Media type recognised from the first bytes of a content, when it has a known signature.
pub(crate) fn sniff(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: [(&[u8], &str); 8] = [
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xFF\xD8\xFF", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"II*\0", "image/tiff"),
        (b"MM\0*", "image/tiff"),
        (b"{\\rtf", "text/rtf"),
    ];
    SIGNATURES
        .iter()
        .find(|(magic, _)| head.starts_with(magic))
        .map(|(_, media)| *media)
}

/// True when `bytes` look like a PDF: `%PDF-` within the first KiB (readers tolerate a short
/// preamble).
pub(crate) fn looks_like_pdf(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_and_unpadded() {
        assert_eq!(decode("JVBE\r\n Ri0x\n\tLjQ=").expect("ok"), b"%PDF-1.4");
        assert_eq!(decode("JVBERi0xLjQ").expect("unpadded"), b"%PDF-1.4");
        assert_eq!(decode("JVBERi0xLg").expect("unpadded"), b"%PDF-1.");
        assert_eq!(decode("").expect("empty"), b"");
    }

    #[test]
    fn broken_is_refused() {
        assert_eq!(
            decode("JVBE*i0x"),
            Err(CdaError::Base64 {
                problem: Base64Problem::InvalidCharacter(4)
            })
        );
        assert_eq!(
            decode("JVBER"),
            Err(CdaError::Base64 {
                problem: Base64Problem::ImpossibleLength
            })
        );
        assert!(decode("JV=BERi0").is_err());
        assert!(decode("JVBERi0xLjQ===").is_err());
        assert!(decode("JVBERi-_").is_err(), "URL-safe alphabet is not CDA");
    }

    #[test]
    fn sniffs_prefix() {
        let head = decode_prefix("iVBORw0KGgoAAAANSUhEUgAAAPUAAADZCAMAAAG4Bra").expect("png");
        assert_eq!(sniff(&head), Some("image/png"));
        let head = decode_prefix("JVBERi0xLjQ=").expect("short");
        assert_eq!(sniff(&head), Some("application/pdf"));
        assert_eq!(decode_prefix("**not base64**"), None);
        assert_eq!(sniff(b"hello"), None);
        assert!(looks_like_pdf(b"\r\n%PDF-1.7"));
        assert!(!looks_like_pdf(b"<html>"));
    }
}
