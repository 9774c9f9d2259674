//! Embedded contents (N1 `nonXMLBody/text`, N3 `observationMedia/value`): kept as a range of the
//! document text and decoded only on demand, with the declared media type checked against the
//! first bytes (a PDF must start with `%PDF-`; an image declared JPEG that is really PNG is
//! reported as PNG).

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::base64;
use super::error::CdaError;
use super::model::Code;
use super::reader::{Content, Elem};

pub const MEDIA_PDF: &str = "application/pdf";

/// Role of an embedded content in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttachmentKind {
    /// The whole body of an N1 document.
    Body,
    /// The PDF copy of a structured document (section `1.2.250.1.213.1.1.2.243`).
    PdfCopy,
    /// Any other embedded document or image (documents liés, PDF de laboratoire, code 2D...).
    Attached,
}

/// How the content is written in the XML (`representation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Representation {
    B64,
    Txt,
}

/// The section an `observationMedia` sits in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SectionInfo {
    pub title: String,
    pub code: Option<Code>,
    pub template_ids: Vec<String>,
}

#[derive(Clone)]
enum Payload {
    Inline { src: Arc<str>, range: Range<usize> },
    Reference,
    Empty,
}

/// An embedded content, not decoded yet.
#[derive(Clone)]
pub struct Attachment {
    pub(crate) kind: AttachmentKind,
    id: Option<String>,
    declared_type: String,
    detected_type: Option<&'static str>,
    representation: Representation,
    compressed: bool,
    payload: Payload,
    pub(crate) section: Option<SectionInfo>,
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("kind", &self.kind)
            .field("declared_type", &self.declared_type)
            .field("detected_type", &self.detected_type)
            .field("representation", &self.representation)
            .field("encoded_len", &self.encoded_len())
            .finish_non_exhaustive()
    }
}

/// Lower-cased media type without parameters (`text/plain; charset=x` → `text/plain`).
fn normalize_media_type(value: &str) -> String {
    value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

impl Attachment {
    /// Builds an attachment from an ED element (`text` or `value`) and its content.
    pub(crate) fn from_ed(
        kind: AttachmentKind,
        id: Option<String>,
        ed: &Elem<'_>,
        content: Option<Content>,
        has_reference: bool,
        src: &Arc<str>,
    ) -> Self {
        let representation = match ed.attr("representation") {
            Some(r) if r.eq_ignore_ascii_case("B64") => Representation::B64,
            _ => Representation::Txt,
        };
        let payload = match content {
            Some(Content::Slice(range)) if !src[range.clone()].trim().is_empty() => {
                Payload::Inline {
                    src: Arc::clone(src),
                    range,
                }
            }
            Some(Content::Owned(text)) if !text.trim().is_empty() => Payload::Inline {
                range: 0..text.len(),
                src: Arc::from(text),
            },
            _ if has_reference => Payload::Reference,
            _ => Payload::Empty,
        };
        let compressed = ed.attr("compression").is_some();
        let mut attachment = Self {
            kind,
            id,
            declared_type: normalize_media_type(
                ed.attr("mediaType").as_deref().unwrap_or("text/plain"),
            ),
            detected_type: None,
            representation,
            compressed,
            payload,
            section: None,
        };
        if representation == Representation::B64 && !compressed {
            attachment.detected_type = attachment
                .encoded()
                .and_then(base64::decode_prefix)
                .and_then(|head| base64::sniff(&head));
        }
        attachment
    }

    fn encoded(&self) -> Option<&str> {
        match &self.payload {
            Payload::Inline { src, range } => src.get(range.clone()),
            Payload::Reference | Payload::Empty => None,
        }
    }

    pub fn kind(&self) -> AttachmentKind {
        self.kind
    }

    /// The `ID` attribute of the `observationMedia` (target of `renderMultiMedia`).
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// The real media type: the one recognised from the first bytes when they carry a known
    /// signature, else the declared one.
    pub fn media_type(&self) -> &str {
        self.detected_type.unwrap_or(&self.declared_type)
    }

    /// The media type written in the document.
    pub fn declared_media_type(&self) -> &str {
        &self.declared_type
    }

    /// True when the first bytes show another type than the declared one.
    pub fn media_type_mismatch(&self) -> bool {
        self.detected_type
            .is_some_and(|detected| detected != self.declared_type)
    }

    pub fn is_pdf(&self) -> bool {
        self.media_type() == MEDIA_PDF
    }

    pub fn representation(&self) -> Representation {
        self.representation
    }

    /// True when the content is only referenced (URL), not embedded.
    pub fn is_reference_only(&self) -> bool {
        matches!(self.payload, Payload::Reference)
    }

    /// Length of the encoded text in the document.
    pub fn encoded_len(&self) -> usize {
        self.encoded().map_or(0, str::len)
    }

    /// Approximate size of the decoded content, in bytes.
    pub fn estimated_size(&self) -> usize {
        match self.representation {
            Representation::B64 => base64::decoded_len_estimate(self.encoded_len()),
            Representation::Txt => self.encoded_len(),
        }
    }

    /// Title, code and templates of the section holding the content (N3 only).
    pub fn section(&self) -> Option<&SectionInfo> {
        self.section.as_ref()
    }

    /// Decodes the content. A content declared (or recognised) as PDF must start with `%PDF-`.
    pub fn decode(&self) -> Result<Vec<u8>, CdaError> {
        if self.compressed {
            return Err(CdaError::Compressed);
        }
        let bytes = match (&self.payload, self.representation) {
            (Payload::Reference, _) => return Err(CdaError::NotEmbedded),
            (Payload::Empty, _) => Vec::new(),
            (Payload::Inline { .. }, Representation::B64) => {
                base64::decode(self.encoded().unwrap_or(""))?
            }
            (Payload::Inline { .. }, Representation::Txt) => self
                .encoded()
                .unwrap_or("")
                .replace("\r\n", "\n")
                .into_bytes(),
        };
        if self.is_pdf() && !base64::looks_like_pdf(&bytes) {
            return Err(CdaError::NotPdf);
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cda::reader::{Cursor, Step};

    /// Builds an attachment from the first element of `xml`, as the body parser does.
    fn attachment(xml: &str) -> Attachment {
        let src: Arc<str> = Arc::from(xml);
        let mut c = Cursor::new(&src, 0);
        let Step::Open(elem) = c.next().expect("event") else {
            panic!("element expected");
        };
        c.enter(&elem);
        let mut has_reference = false;
        let content = c
            .content(|child| has_reference |= child.is("reference"))
            .expect("content");
        Attachment::from_ed(
            AttachmentKind::Attached,
            None,
            &elem,
            content,
            has_reference,
            &src,
        )
    }

    #[test]
    fn pdf_wrapped_unpadded_decodes() {
        let a = attachment(
            "<value mediaType='application/pdf' representation='B64'>\n  JVBERi0x\n  LjQK\n  JSVFT0YK\n</value>",
        );
        assert!(a.is_pdf());
        assert!(!a.media_type_mismatch());
        assert_eq!(a.decode().expect("pdf"), b"%PDF-1.4\n%%EOF\n");
        let unpadded = attachment(
            "<value mediaType='application/pdf' representation='B64'>JVBERi0xLjQ</value>",
        );
        assert_eq!(unpadded.decode().expect("unpadded"), b"%PDF-1.4");
    }

    #[test]
    fn broken_base64_and_fake_pdf_are_refused() {
        let broken = attachment(
            "<value mediaType='application/pdf' representation='B64'>JVBERi0x!!!!</value>",
        );
        assert!(matches!(broken.decode(), Err(CdaError::Base64 { .. })));
        let truncated =
            attachment("<value mediaType='application/pdf' representation='B64'>JVBERi0xL</value>");
        assert!(matches!(truncated.decode(), Err(CdaError::Base64 { .. })));
        let html =
            attachment("<value mediaType='application/pdf' representation='B64'>PGh0bWw+</value>");
        assert_eq!(html.decode(), Err(CdaError::NotPdf));
    }

    #[test]
    fn real_type_wins_over_declared() {
        let png = attachment(
            "<value mediaType='image/jpeg' representation='B64'>iVBORw0KGgoAAAANSUhEUg==</value>",
        );
        assert_eq!(png.declared_media_type(), "image/jpeg");
        assert_eq!(png.media_type(), "image/png");
        assert!(png.media_type_mismatch());
        assert!(png.decode().is_ok());
    }

    #[test]
    fn text_reference_and_compression() {
        let txt =
            attachment("<text mediaType='Text/Plain; charset=UTF-8'>ligne 1\r\nl&amp;2</text>");
        assert_eq!(txt.media_type(), "text/plain");
        assert_eq!(txt.representation(), Representation::Txt);
        assert_eq!(txt.decode().expect("text"), "ligne 1\nl&2".as_bytes());
        let remote = attachment(
            "<text mediaType='application/pdf'> <reference value='http://x/y.pdf'/> </text>",
        );
        assert!(remote.is_reference_only());
        assert_eq!(remote.decode(), Err(CdaError::NotEmbedded));
        let deflated = attachment(
            "<text mediaType='application/pdf' representation='B64' compression='DF'>eJzz</text>",
        );
        assert_eq!(deflated.decode(), Err(CdaError::Compressed));
    }
}
