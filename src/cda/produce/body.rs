//! Writes the CDA body: N1 `nonXMLBody` holding the PDF, or the N3 `structuredBody` with one
//! section per form section (narrative paragraphs, lists, tables) followed by the PDF copy
//! section (FR-Document-PDF-copie with its FR-Document-attache organizer).

use ::base64::Engine as _;
use ::base64::engine::general_purpose::STANDARD;

use super::catalog::{self, LOINC};
use super::model::{Block, MedicationLine, ProducedDocument, Section, Table};
use super::xml::Xml;

/// Base64 of `bytes`, cut in lines of 76 characters.
fn base64_lines(bytes: &[u8]) -> String {
    let encoded = STANDARD.encode(bytes);
    let mut out = String::with_capacity(encoded.len() + encoded.len() / 76 + 2);
    for (i, chunk) in encoded.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // Base64 output is ASCII: every chunk is valid UTF-8.
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
    }
    out
}

/// `component/nonXMLBody` with the PDF.
pub(super) fn n1(x: &mut Xml, pdf: &[u8]) {
    x.open("component", &[]).open("nonXMLBody", &[]);
    x.open_inline(
        "text",
        &[
            ("mediaType", crate::cda::MEDIA_PDF),
            ("representation", "B64"),
        ],
    );
    x.raw_text("\n").raw_text(&base64_lines(pdf)).raw_text("\n");
    x.close();
    x.close().close();
}

/// A paragraph: line breaks become `<br/>`.
fn paragraph(x: &mut Xml, text: &str) {
    x.open_inline("paragraph", &[]);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            x.empty("br", &[]);
        }
        x.text(line);
    }
    x.close();
}

fn table(x: &mut Xml, t: &Table) {
    x.open("table", &[("border", "1")]);
    if !t.header.is_empty() {
        x.open("thead", &[]).open("tr", &[]);
        for h in &t.header {
            x.leaf("th", &[], h);
        }
        x.close().close();
    }
    x.open("tbody", &[]);
    for row in &t.rows {
        x.open("tr", &[]);
        for cell in row {
            x.leaf("td", &[], cell);
        }
        x.close();
    }
    x.close().close();
}

/// Narrative of a list of blocks (the content of `section/text`).
fn narrative(x: &mut Xml, blocks: &[Block]) {
    for block in blocks {
        match block {
            Block::Paragraph(text) => paragraph(x, text),
            Block::List(items) => {
                x.open("list", &[("listType", "unordered")]);
                for item in items {
                    x.leaf("item", &[], item);
                }
                x.close();
            }
            Block::Table(t) => table(x, t),
            Block::Medications(lines) => table(x, &MedicationLine::table(lines)),
        }
    }
}

/// A section id unique within the document: the document id, suffixed.
fn section_id(x: &mut Xml, doc: &ProducedDocument, suffix: &str) {
    let ext = match &doc.ids.id.extension {
        Some(e) => format!("{e}-{suffix}"),
        None => suffix.to_owned(),
    };
    x.empty("id", &[("root", &doc.ids.id.root), ("extension", &ext)]);
}

fn section(x: &mut Xml, doc: &ProducedDocument, s: &Section, index: usize) {
    x.open("component", &[]).open("section", &[]);
    if let Some(code) = &s.code {
        for t in code.claimed_templates() {
            x.empty("templateId", &[("root", t)]);
        }
    }
    section_id(x, doc, &format!("S{}", index + 1));
    if let Some(code) = &s.code {
        x.empty(
            "code",
            &[
                ("code", code.loinc),
                ("displayName", code.display),
                ("codeSystem", LOINC),
                ("codeSystemName", "LOINC"),
            ],
        );
    }
    x.leaf("title", &[], &s.title);
    x.open("text", &[]);
    narrative(x, &s.blocks);
    x.close();
    x.close().close();
}

/// The PDF copy section, as in the CI-SIS examples (eP-MED-DM_2024.01).
fn pdf_copy(x: &mut Xml, doc: &ProducedDocument, pdf: &[u8]) {
    let copy = "Copie du document";
    x.open("component", &[]).open("section", &[]);
    x.empty(
        "templateId",
        &[("root", catalog::TEMPLATE_PDF_COPY_SECTION)],
    );
    section_id(x, doc, "PDF");
    x.empty(
        "code",
        &[
            ("code", catalog::LOINC_PDF_COPY),
            ("displayName", copy),
            ("codeSystem", LOINC),
            ("codeSystemName", "LOINC"),
        ],
    );
    x.leaf("title", &[], copy);
    x.open("text", &[]);
    x.open("table", &[("border", "0")])
        .open("tbody", &[])
        .open("tr", &[]);
    x.open("td", &[("ID", "doc1")]);
    x.empty(
        "renderMultiMedia",
        &[("referencedObject", catalog::PDF_COPY_MEDIA_ID)],
    );
    x.close().close().close().close();
    x.close();

    x.open("entry", &[]);
    x.open(
        "organizer",
        &[("classCode", "CLUSTER"), ("moodCode", "EVN")],
    );
    x.empty(
        "templateId",
        &[("root", catalog::TEMPLATE_ATTACHED_ORGANIZER)],
    );
    section_id(x, doc, "PDF-ORG");
    x.empty(
        "code",
        &[
            ("code", catalog::LOINC_ATTACHED_DOCUMENT),
            ("displayName", "Document attaché"),
            ("codeSystem", LOINC),
            ("codeSystemName", "LOINC"),
        ],
    );
    x.empty("statusCode", &[("code", "completed")]);

    x.open("component", &[]);
    x.open("observation", &[("classCode", "OBS"), ("moodCode", "EVN")]);
    for t in catalog::TEMPLATES_ATTACHED_TYPE_OBSERVATION {
        x.empty("templateId", &[("root", t)]);
    }
    section_id(x, doc, "PDF-TYPE");
    x.empty(
        "code",
        &[
            ("code", catalog::LOINC_DOCUMENT_TYPE),
            ("displayName", "Type de document"),
            ("codeSystem", LOINC),
            ("codeSystemName", "LOINC"),
        ],
    );
    x.open("text", &[])
        .empty("reference", &[("value", "#doc1")])
        .close();
    x.empty("statusCode", &[("code", "completed")]);
    x.empty("effectiveTime", &[("nullFlavor", "NA")]);
    x.empty(
        "value",
        &[
            ("xsi:type", "CD"),
            ("code", catalog::LOINC_PDF_COPY),
            ("displayName", copy),
            ("codeSystem", LOINC),
            ("codeSystemName", "LOINC"),
        ],
    );
    x.close().close();

    x.open("component", &[]);
    x.open(
        "observationMedia",
        &[
            ("classCode", "OBS"),
            ("moodCode", "EVN"),
            ("ID", catalog::PDF_COPY_MEDIA_ID),
        ],
    );
    x.open_inline(
        "value",
        &[
            ("mediaType", crate::cda::MEDIA_PDF),
            ("representation", "B64"),
        ],
    );
    x.raw_text("\n").raw_text(&base64_lines(pdf)).raw_text("\n");
    x.close();
    x.close().close();

    x.close().close();
    x.close().close();
}

/// `component/structuredBody`: the sections, then the PDF copy.
pub(super) fn n3(x: &mut Xml, doc: &ProducedDocument, pdf: &[u8]) {
    x.open("component", &[]).open("structuredBody", &[]);
    for (i, s) in doc.sections.iter().enumerate() {
        section(x, doc, s, i);
    }
    pdf_copy(x, doc, pdf);
    x.close().close();
}
