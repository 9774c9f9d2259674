//! The structured view of a whole N3 document, built once (on a worker) from a parsed
//! [`CdaDocument`]: the section tree with titles, levels and parsed narratives, the PDF copy
//! sections left out, and what the `renderMultiMedia` references point to.

use super::model::Narrative;
use super::text::narrative_text;
use super::{NarrativeError, parse_narrative};
use crate::cda::{AttachmentKind, CdaDocument, Section};

/// Everything the structured view shows; no egui, no I/O, cheap to render every frame.
#[derive(Debug, Clone, Default)]
pub struct StructuredDocument {
    /// Top-level sections, in document order (PDF copy sections left out).
    pub sections: Vec<StructuredSection>,
    /// The embedded contents the narratives may reference.
    pub media: Vec<MediaInfo>,
}

/// One section and its sub-sections.
#[derive(Debug, Clone)]
pub struct StructuredSection {
    pub title: String,
    /// `code/@displayName`, when the section has one.
    pub code_display: Option<String>,
    /// 0 for a top-level section.
    pub level: usize,
    /// `None` when the section has no `text`; an error when it could not be read.
    pub narrative: Option<Result<Narrative, NarrativeError>>,
    pub sections: Vec<StructuredSection>,
}

/// What a `renderMultiMedia` reference points to, as the view needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInfo {
    pub id: String,
    /// Media type checked against the content (`image/png`, `application/pdf`...).
    pub media_type: String,
    /// The PDF copy of the document (shown by the PDF viewer).
    pub pdf_copy: bool,
}

impl MediaInfo {
    pub fn is_image(&self) -> bool {
        self.media_type.starts_with("image/")
    }
}

impl StructuredDocument {
    /// The embedded content with this `ID` (a leading `#` is ignored).
    pub fn media(&self, id: &str) -> Option<&MediaInfo> {
        let id = id.strip_prefix('#').unwrap_or(id);
        self.media.iter().find(|m| m.id == id)
    }

    /// True when there is no section to show.
    pub fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// Every section, depth first.
    pub fn all_sections(&self) -> Vec<&StructuredSection> {
        fn walk<'s>(sections: &'s [StructuredSection], out: &mut Vec<&'s StructuredSection>) {
            for s in sections {
                out.push(s);
                walk(&s.sections, out);
            }
        }
        let mut out = Vec::new();
        walk(&self.sections, &mut out);
        out
    }

    /// Titles and narratives as plain text (for search).
    pub fn text(&self) -> String {
        let mut parts = Vec::new();
        for section in self.all_sections() {
            if !section.title.is_empty() {
                parts.push(section.title.clone());
            }
            if let Some(Ok(narrative)) = &section.narrative {
                let text = narrative_text(narrative);
                if !text.is_empty() {
                    parts.push(text);
                }
            }
        }
        parts.join("\n")
    }
}

/// Builds the structured view of a document (empty for an N1 document).
pub fn build(doc: &CdaDocument) -> StructuredDocument {
    let media = doc
        .pdf_copies()
        .iter()
        .chain(doc.attachments())
        .filter_map(|a| {
            a.id().map(|id| MediaInfo {
                id: id.to_owned(),
                media_type: a.media_type().to_owned(),
                pdf_copy: a.kind() == AttachmentKind::PdfCopy,
            })
        })
        .collect();
    StructuredDocument {
        sections: sections(doc.sections(), 0),
        media,
    }
}

fn sections(sections: &[Section], level: usize) -> Vec<StructuredSection> {
    sections
        .iter()
        .filter(|s| !s.is_pdf_copy())
        .map(|s| StructuredSection {
            title: s.title.clone(),
            code_display: s
                .code
                .as_ref()
                .map(|c| c.display_name.clone())
                .filter(|d| !d.is_empty()),
            level,
            narrative: s
                .narrative_xml()
                .map(|xml| parse_narrative(xml, s.narrative_prefix())),
            sections: self::sections(&s.sections, level + 1),
        })
        .collect()
}
