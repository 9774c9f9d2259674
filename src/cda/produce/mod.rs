//! Production of CI-SIS documents by Chevet: a lettre de liaison de sortie (LOINC 11490-0), a
//! compte rendu opératoire (34874-8), an ordonnance de sortie (57833-6) and a compte rendu de
//! consultation (11488-4), each as CDA R2 N1 (the PDF in `nonXMLBody`) and N3 (narrative
//! sections plus the PDF copy section), and the PDF itself (through [`crate::pdf::write`]).
//! All three carry the same content; the INS is written (CDA recordTarget, PDF header and
//! "INS à scanner" DataMatrix) only for a qualified identity.

mod body;
pub mod catalog;
mod error;
pub mod form;
mod header;
mod model;
mod report;
mod xml;

#[cfg(test)]
mod sample;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tool_tests;

pub use catalog::{Coded, DocumentKind, SectionCode, Template, sections};
pub use error::ProduceError;
pub use model::{
    Act, Address, Block, DocumentIds, Encounter, Identifier, MedicationLine, Organisation,
    ProducedDocument, Professional, Section, Table, paris_time,
};
pub use report::to_report;
pub use xml::escape;

/// Structuration level of a CDA document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    /// Unstructured: the PDF is the body (IHE XDS-SD).
    N1,
    /// Structured body with narrative sections and the PDF copy.
    N3,
}

/// The three renderings of one document.
#[derive(Clone, PartialEq, Eq)]
pub struct Produced {
    pub pdf: Vec<u8>,
    pub n1: Vec<u8>,
    pub n3: Vec<u8>,
}

impl std::fmt::Debug for Produced {
    /// Sizes only: no content.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Produced")
            .field("pdf", &self.pdf.len())
            .field("n1", &self.n1.len())
            .field("n3", &self.n3.len())
            .finish()
    }
}

fn check_pdf(pdf: &[u8]) -> Result<(), ProduceError> {
    if pdf.starts_with(b"%PDF-") {
        Ok(())
    } else {
        Err(ProduceError::NotPdf)
    }
}

fn to_cda(doc: &ProducedDocument, pdf: &[u8], level: Level) -> Result<Vec<u8>, ProduceError> {
    doc.validate()?;
    check_pdf(pdf)?;
    let mut x = xml::document();
    header::write(&mut x, doc, level);
    match level {
        Level::N1 => body::n1(&mut x, pdf),
        Level::N3 => body::n3(&mut x, doc, pdf),
    }
    Ok(x.finish().into_bytes())
}

/// The N1 CDA: header plus the PDF as `nonXMLBody` (base64).
pub fn to_n1(doc: &ProducedDocument, pdf: &[u8]) -> Result<Vec<u8>, ProduceError> {
    to_cda(doc, pdf, Level::N1)
}

/// The N3 CDA: header, one narrative section per form section, and the PDF copy section.
pub fn to_n3(doc: &ProducedDocument, pdf: &[u8]) -> Result<Vec<u8>, ProduceError> {
    to_cda(doc, pdf, Level::N3)
}

/// The PDF of the document (A4, embedded DejaVu Sans, INS DataMatrix when qualified).
pub fn to_pdf(doc: &ProducedDocument) -> Result<Vec<u8>, ProduceError> {
    doc.validate()?;
    Ok(crate::pdf::write::write(&to_report(doc))?)
}

/// The PDF, then both CDA documents around that very PDF.
pub fn produce(doc: &ProducedDocument) -> Result<Produced, ProduceError> {
    let pdf = to_pdf(doc)?;
    let n1 = to_n1(doc, &pdf)?;
    let n3 = to_n3(doc, &pdf)?;
    Ok(Produced { pdf, n1, n3 })
}
