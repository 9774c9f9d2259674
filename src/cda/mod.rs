//! CDA R2 parser: reads a French CI-SIS clinical document (N1 with an embedded PDF/text/image
//! body, or N3 structured) into its header, body sections and embedded contents, and fills the
//! [`DocumentMeta`] the patient folder lists. Streaming reading over the XML toolkit's lexer
//! (`crate::xml`: its text decoding, entity rules and errors), no DTD, no entity expansion
//! beyond XML's predefined ones, size and depth limits; embedded contents are decoded only
//! when asked for.

mod attachment;
mod base64;
mod body;
#[cfg(not(fuzzing))]
pub mod content;
mod error;
mod header;
#[cfg(not(fuzzing))]
pub mod inspect;
mod model;
pub mod narrative;
#[cfg(not(fuzzing))]
pub mod produce;
mod reader;
pub mod rtf;
mod time;
#[cfg(not(fuzzing))]
pub mod xslt;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod hostile_tests;

use std::fmt;
use std::sync::Arc;

use crate::domain::{BodyKind, DocumentMeta};

pub use attachment::{Attachment, AttachmentKind, MEDIA_PDF, Representation, SectionInfo};
pub use body::{
    Body, LOINC_PDF_COPY, Section, TEMPLATE_ATTACHED_DOCUMENTS, TEMPLATE_LAB_PDF, TEMPLATE_PDF_COPY,
};
pub use error::{Base64Problem, CdaError, XmlProblem};
pub use model::{
    Code, Encounter, Header, InstanceId, Interval, NamePart, OID_PS_NATIONAL_ID, Organisation,
    PatientRole, PersonName, Professional, RelatedDocument, ServiceEvent,
};
pub use time::{parse_date, parse_ts};

use reader::{Cursor, Step};

/// Largest document accepted by default, in bytes.
pub const MAX_DOCUMENT_SIZE: usize = 64 * 1024 * 1024;

/// What the parser accepts; configurable (`[cda]` in the configuration file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest document, in bytes.
    pub max_bytes: usize,
    /// Deepest element nesting.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: MAX_DOCUMENT_SIZE,
            max_depth: reader::MAX_DEPTH,
        }
    }
}

/// A parsed CDA document. Cheap to clone (embedded contents share the document text).
#[derive(Clone)]
pub struct CdaDocument {
    header: Header,
    body: Body,
    pdf_copies: Vec<Attachment>,
    attachments: Vec<Attachment>,
}

impl fmt::Debug for CdaDocument {
    /// Shape only: no identifiers, names or content.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CdaDocument")
            .field("body", &self.body_kind())
            .field("authors", &self.header.authors.len())
            .field("pdf_copies", &self.pdf_copies.len())
            .field("attachments", &self.attachments.len())
            .finish_non_exhaustive()
    }
}

/// Parses a CDA R2 document (UTF-8, UTF-16, ISO-8859-1/15 or Windows-1252). The
/// `ClinicalDocument` may be the root or be wrapped (auto-presentable documents).
pub fn parse(bytes: &[u8]) -> Result<CdaDocument, CdaError> {
    parse_with(bytes, &Limits::default())
}

/// [`parse`] with explicit limits.
pub fn parse_with(bytes: &[u8], limits: &Limits) -> Result<CdaDocument, CdaError> {
    if bytes.len() > limits.max_bytes {
        return Err(CdaError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let decoded = crate::xml::decode::decode(bytes, crate::xml::UnknownEncoding::Refuse)?;
    let src: Arc<str> = Arc::from(&*decoded.text);
    let mut c = Cursor::with_max_depth(&src, decoded.skipped, limits.max_depth);
    let root = loop {
        match c.next()? {
            Step::Open(e) if e.is("ClinicalDocument") => break e,
            Step::Eof => return Err(CdaError::NotCda),
            _ => {}
        }
    };
    c.enter(&root);
    let mut header = Header::default();
    let mut parts = None;
    c.each_child(|c, e| {
        if !header::header_child(c, e, &mut header)? && e.is("component") {
            parts = Some(body::component(c, &src)?);
        }
        Ok(())
    })?;
    // Read on to the end: the rest must be well-formed too.
    while !matches!(c.next()?, Step::Eof) {}

    if header.id.root.is_empty() {
        return Err(CdaError::MissingId);
    }
    let (body, media) = match parts {
        Some(p) => (p.body, p.media),
        None => (Body::Missing, Vec::new()),
    };
    let (pdf_copies, attachments) = media
        .into_iter()
        .partition(|a| a.kind() == AttachmentKind::PdfCopy);
    Ok(CdaDocument {
        header,
        body,
        pdf_copies,
        attachments,
    })
}

impl CdaDocument {
    pub fn header(&self) -> &Header {
        &self.header
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    /// Top-level sections of an N3 body (empty for N1).
    pub fn sections(&self) -> &[Section] {
        match &self.body {
            Body::Structured(sections) => sections,
            Body::NonXml(_) | Body::Missing => &[],
        }
    }

    /// The N1 body content, if the document is N1.
    pub fn non_xml_body(&self) -> Option<&Attachment> {
        match &self.body {
            Body::NonXml(a) => Some(a),
            Body::Structured(_) | Body::Missing => None,
        }
    }

    /// The PDF to show first: the N1 PDF body, else the PDF copy of an N3 document.
    pub fn pdf(&self) -> Option<&Attachment> {
        self.non_xml_body()
            .filter(|a| a.is_pdf())
            .or_else(|| self.pdf_copies.iter().find(|a| a.is_pdf()))
    }

    /// PDF copies found in "Copie du document" sections.
    pub fn pdf_copies(&self) -> &[Attachment] {
        &self.pdf_copies
    }

    /// Attached documents and images (everything embedded except the body and the PDF copy).
    pub fn attachments(&self) -> &[Attachment] {
        &self.attachments
    }

    /// The embedded content of this `ID` (target of a narrative `renderMultiMedia`).
    pub fn media(&self, id: &str) -> Option<&Attachment> {
        self.pdf_copies
            .iter()
            .chain(&self.attachments)
            .find(|a| a.id() == Some(id))
    }

    /// What the body holds, as the store records it.
    pub fn body_kind(&self) -> BodyKind {
        match &self.body {
            Body::Structured(_) => BodyKind::Structured,
            Body::Missing => BodyKind::Other,
            Body::NonXml(a) => match a.media_type() {
                MEDIA_PDF => BodyKind::Pdf,
                "text/plain" => BodyKind::Text,
                "text/rtf" | "application/rtf" => BodyKind::Rtf,
                m if m.starts_with("image/") => BodyKind::Image,
                _ => BodyKind::Other,
            },
        }
    }

    /// The metadata the patient folder lists and the store indexes.
    pub fn meta(&self) -> DocumentMeta {
        let h = &self.header;
        let cda_id = h.id.to_uid();
        let code = h.code.clone().unwrap_or_default();
        let first_author = h.authors.first();
        let organisation = first_author
            .and_then(|a| a.organisation.as_ref())
            .map(|o| o.name.clone())
            .filter(|n| !n.is_empty())
            .or_else(|| h.custodian.as_ref().map(|o| o.name.clone()))
            .unwrap_or_default();
        DocumentMeta {
            set_id: h
                .set_id
                .as_ref()
                .map_or_else(|| cda_id.clone(), InstanceId::to_uid),
            cda_id,
            version_number: h.version_number.unwrap_or(1),
            type_label: if code.display_name.is_empty() {
                h.title.clone()
            } else {
                code.display_name
            },
            type_code: code.code,
            type_system: code.system,
            class_code: None,
            title: h.title.clone(),
            act_date: h.service_start().or(h.effective_time),
            created: h.effective_time,
            author: first_author
                .map(Professional::display_name)
                .unwrap_or_default(),
            organisation,
            confidentiality: h
                .confidentiality
                .as_ref()
                .map(|c| c.code.clone())
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| "N".to_owned()),
            body: self.body_kind(),
            has_pdf: self.pdf().is_some(),
            replaces: h.replaces().map(InstanceId::to_uid),
        }
    }
}
