//! PDF writing (pdf-writer): A4 reports of clinical documents with the DejaVu Sans font
//! embedded as a subset (widths and ToUnicode map, so text is extractable and accents render),
//! wrapped text, page breaks, page numbers, a header block with the establishment, the title
//! and the patient identity, and, for a qualified identity, the "INS à scanner" DataMatrix.
//! Aims at PDF/A-2b: embedded font, file ID, XMP metadata, gray ICC output intent.

mod banner;
pub mod datamatrix;
mod font;
mod icc;
mod layout;
mod render;

#[cfg(test)]
pub(crate) mod tests;

use chrono::{DateTime, FixedOffset};

use crate::domain::PatientIdentity;

pub use layout::{Item, Page};

/// Why a PDF could not be written. Never carries content or identity.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfWriteError {
    #[error("la police embarquée est illisible")]
    Font,
    #[error("le sous-ensemble de la police n'a pas pu être construit")]
    Subset,
    #[error("le DataMatrix INS ne peut pas être construit : {0}")]
    DataMatrix(&'static str),
}

impl PdfWriteError {
    /// Writing is deterministic: the same input fails the same way.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// A block of section content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph; `\n` starts a new line.
    Paragraph(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A table with a header row (repeated after a page break).
    Table {
        header: Vec<String>,
        rows: Vec<Vec<String>>,
    },
}

/// A titled section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSection {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// What the PDF shows.
#[derive(Clone, PartialEq, Eq)]
pub struct Report {
    pub title: String,
    /// Establishment block, first line = name.
    pub establishment: Vec<String>,
    /// Patient shown in the header; INS and DataMatrix only when the identity is qualified.
    pub patient: PatientIdentity,
    /// Label / value lines under the title (author, dates...).
    pub details: Vec<(String, String)>,
    pub sections: Vec<ReportSection>,
    /// Document unique id (CDA id), for the PDF file ID and XMP metadata.
    pub document_id: String,
    /// Author name for the document information.
    pub author: String,
    pub created: DateTime<FixedOffset>,
}

impl std::fmt::Debug for Report {
    /// Shape only: no identity, no content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Report")
            .field("sections", &self.sections.len())
            .finish_non_exhaustive()
    }
}

/// Lays the report out on A4 pages (what [`write`] draws).
pub fn layout(report: &Report) -> Result<Vec<Page>, PdfWriteError> {
    let font = font::Font::load()?;
    layout::layout(report, &font)
}

/// Writes the report as a PDF.
pub fn write(report: &Report) -> Result<Vec<u8>, PdfWriteError> {
    let font = font::Font::load()?;
    let pages = layout::layout(report, &font)?;
    render::render(report, &pages, &font)
}
