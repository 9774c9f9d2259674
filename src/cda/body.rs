//! Reads the CDA body: N1 `nonXMLBody/text`, or the N3 `structuredBody` sections (recursively,
//! narrative `text` kept as raw XML for a later renderer) and every `observationMedia` with the
//! section it sits in, told apart as PDF copy or attached document.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use super::attachment::{Attachment, AttachmentKind, SectionInfo};
use super::error::CdaError;
use super::header::{clean, code};
use super::model::Code;
use super::reader::{Cursor, Elem};

/// Section template of the PDF copy of a structured document (FR-Document-PDF-copie).
pub const TEMPLATE_PDF_COPY: &str = "1.2.250.1.213.1.1.2.243";
/// Section template of attached / linked documents (FR-Documents-ajoutes).
pub const TEMPLATE_ATTACHED_DOCUMENTS: &str = "1.2.250.1.213.1.1.2.37";
/// Section template of the laboratory PDF report.
pub const TEMPLATE_LAB_PDF: &str = "1.2.250.1.213.1.1.2.60";
/// LOINC code of the PDF copy section ("Copie du document").
pub const LOINC_PDF_COPY: &str = "55108-5";
const LOINC_SYSTEM: &str = "2.16.840.1.113883.6.1";

type Res<T> = Result<T, CdaError>;

/// The body of the document.
#[derive(Debug, Clone)]
pub enum Body {
    /// N1: the whole body is one embedded content.
    NonXml(Box<Attachment>),
    /// N3: structured sections.
    Structured(Vec<Section>),
    /// No body found.
    Missing,
}

/// The narrative block of a section, as raw XML.
#[derive(Clone)]
struct Narrative {
    src: Arc<str>,
    range: Range<usize>,
    prefix: Option<String>,
}

/// An N3 section.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub code: Option<Code>,
    /// Roots of the section's templateIds.
    pub template_ids: Vec<String>,
    narrative: Option<Narrative>,
    /// Nested sections, in document order.
    pub sections: Vec<Section>,
    /// `ID`s of the observationMedia found in this section's entries (not in sub-sections).
    pub media_ids: Vec<String>,
}

impl fmt::Debug for Narrative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Narrative({} bytes)", self.range.len())
    }
}

impl Section {
    pub fn has_template(&self, root: &str) -> bool {
        self.template_ids.iter().any(|t| t == root)
    }

    /// The raw XML between `<text>` and `</text>` (markup, entity references and comments as
    /// written). Element names carry the document's HL7 prefix, if any: see
    /// [`Section::narrative_prefix`].
    pub fn narrative_xml(&self) -> Option<&str> {
        self.narrative
            .as_ref()
            .and_then(|n| n.src.get(n.range.clone()))
    }

    /// Namespace prefix of the HL7 elements in the narrative (`Some("c")` for `<c:text>`).
    pub fn narrative_prefix(&self) -> Option<&str> {
        self.narrative.as_ref().and_then(|n| n.prefix.as_deref())
    }

    /// True for the PDF copy section (templateId or LOINC 55108-5).
    pub fn is_pdf_copy(&self) -> bool {
        self.has_template(TEMPLATE_PDF_COPY)
            || self
                .code
                .as_ref()
                .is_some_and(|c| c.code == LOINC_PDF_COPY && c.system == LOINC_SYSTEM)
    }

    fn info(&self) -> SectionInfo {
        SectionInfo {
            title: self.title.clone(),
            code: self.code.clone(),
            template_ids: self.template_ids.clone(),
        }
    }
}

/// What `component` of a ClinicalDocument holds.
pub(crate) struct BodyParts {
    pub body: Body,
    /// Every observationMedia, in document order.
    pub media: Vec<Attachment>,
}

/// Reads `ClinicalDocument/component`.
pub(crate) fn component(c: &mut Cursor<'_>, src: &Arc<str>) -> Res<BodyParts> {
    let mut parts = BodyParts {
        body: Body::Missing,
        media: Vec::new(),
    };
    c.each_child(|c, e| {
        if e.is("nonXMLBody") {
            parts.body = non_xml(c, src)?;
        } else if e.is("structuredBody") {
            let mut sections = Vec::new();
            c.each_child(|c, e| {
                if e.is("component") {
                    c.each_child(|c, e| {
                        if e.is("section") {
                            sections.push(section(c, src, &mut parts.media)?);
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            parts.body = Body::Structured(sections);
        }
        Ok(())
    })?;
    Ok(parts)
}

/// Reads an ED element (`text`, `value`) into an attachment.
fn ed(
    c: &mut Cursor<'_>,
    e: &Elem<'_>,
    kind: AttachmentKind,
    id: Option<String>,
    src: &Arc<str>,
) -> Res<Attachment> {
    let mut has_reference = false;
    let content = c.content(|child| has_reference |= child.is("reference"))?;
    Ok(Attachment::from_ed(
        kind,
        id,
        e,
        content,
        has_reference,
        src,
    ))
}

fn non_xml(c: &mut Cursor<'_>, src: &Arc<str>) -> Res<Body> {
    let mut body = Body::Missing;
    c.each_child(|c, e| {
        if e.is("text") {
            body = Body::NonXml(Box::new(ed(c, e, AttachmentKind::Body, None, src)?));
        }
        Ok(())
    })?;
    Ok(body)
}

fn section(c: &mut Cursor<'_>, src: &Arc<str>, media: &mut Vec<Attachment>) -> Res<Section> {
    let mut s = Section::default();
    let mut own_media = Vec::new();
    c.each_child(|c, e| {
        match e.local {
            _ if !e.hl7 => {}
            "templateId" => s.template_ids.extend(e.attr_string("root")),
            "code" => s.code = code(e),
            "title" => s.title = clean(&c.text()?),
            "text" => {
                let range = c.raw_inner()?;
                s.narrative = Some(Narrative {
                    src: Arc::clone(src),
                    range,
                    prefix: e.prefix.map(str::to_owned),
                });
            }
            "component" => c.each_child(|c, e| {
                if e.is("section") {
                    s.sections.push(section(c, src, media)?);
                }
                Ok(())
            })?,
            "entry" => scan_media(c, src, media, &mut own_media)?,
            _ => {}
        }
        Ok(())
    })?;
    let copy_section = s.is_pdf_copy();
    for index in own_media {
        if let Some(att) = media.get_mut(index) {
            att.kind = if copy_section && att.is_pdf() {
                AttachmentKind::PdfCopy
            } else {
                AttachmentKind::Attached
            };
            att.section = Some(s.info());
            s.media_ids.extend(att.id().map(str::to_owned));
        }
    }
    Ok(s)
}

/// Looks for `observationMedia` anywhere below an entry; records their indexes in `own`.
fn scan_media(
    c: &mut Cursor<'_>,
    src: &Arc<str>,
    media: &mut Vec<Attachment>,
    own: &mut Vec<usize>,
) -> Res<()> {
    c.each_child(|c, e| {
        if e.is("observationMedia") {
            let id = e.attr_string("ID");
            let mut found = None;
            c.each_child(|c, v| {
                if v.is("value") && found.is_none() {
                    found = Some(ed(c, v, AttachmentKind::Attached, id.clone(), src)?);
                }
                Ok(())
            })?;
            if let Some(att) = found {
                own.push(media.len());
                media.push(att);
            }
            Ok(())
        } else {
            scan_media(c, src, media, own)
        }
    })
}
