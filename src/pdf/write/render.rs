//! Turns laid-out pages into PDF objects: compressed content streams (text through the
//! embedded font, rectangles, rules, DataMatrix modules as vector squares, pagination
//! artifacts as marked content), the font subset, and the PDF/A-2b parts: XMP metadata,
//! document information, file ID, gray ICC output intent.

use chrono::{DateTime, Datelike, FixedOffset, Timelike};
use pdf_writer::types::{OutputIntentSubtype, TextRenderingMode};
use pdf_writer::{Content, Date, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::font::{self, Font, UsedGlyphs};
use super::layout::{Item, PAGE_HEIGHT, PAGE_WIDTH, Page};
use super::{PdfWriteError, Report, icc};

const FONT_RESOURCE: Name<'static> = Name(b"F1");
const PRODUCER: &str = "Chevet (pdf-writer)";
const CREATOR: &str = "Chevet";

fn draw_text(c: &mut Content, used: &mut UsedGlyphs, font: &Font, item: &Item) {
    let Item::Text {
        x,
        y,
        size,
        bold,
        artifact,
        text,
    } = item
    else {
        return;
    };
    if *artifact {
        c.begin_marked_content(Name(b"Artifact"));
    }
    c.save_state();
    if *bold {
        c.set_line_width(size * 0.035);
    }
    c.begin_text();
    c.set_font(FONT_RESOURCE, *size);
    if *bold {
        c.set_text_rendering_mode(TextRenderingMode::FillStroke);
    }
    c.next_line(*x, *y);
    c.show(Str(&used.encode(font, text)));
    c.end_text();
    c.restore_state();
    if *artifact {
        c.end_marked_content();
    }
}

fn draw(c: &mut Content, used: &mut UsedGlyphs, font: &Font, item: &Item) {
    match item {
        Item::Text { .. } => draw_text(c, used, font, item),
        Item::Rect { x, y, w, h, fill } => {
            c.save_state();
            c.set_line_width(0.5);
            if let Some(gray) = fill {
                c.set_fill_gray(*gray);
            }
            c.rect(*x, *y, *w, *h);
            if fill.is_some() {
                c.fill_nonzero_and_stroke();
            } else {
                c.stroke();
            }
            c.restore_state();
        }
        Item::Rule { x1, x2, y } => {
            c.save_state();
            c.set_line_width(0.5);
            c.move_to(*x1, *y);
            c.line_to(*x2, *y);
            c.stroke();
            c.restore_state();
        }
        Item::DataMatrix {
            x,
            y,
            module,
            symbol,
        } => {
            c.save_state();
            c.set_fill_gray(0.0);
            for row in 0..symbol.height {
                let bottom = y + (symbol.height - 1 - row) as f32 * module;
                let mut col = 0;
                while col < symbol.width {
                    if !symbol.is_dark(col, row) {
                        col += 1;
                        continue;
                    }
                    let start = col;
                    while col < symbol.width && symbol.is_dark(col, row) {
                        col += 1;
                    }
                    let left = x + start as f32 * module;
                    c.rect(left, bottom, (col - start) as f32 * module, *module);
                }
            }
            c.fill_nonzero();
            c.restore_state();
        }
    }
}

fn pdf_date(t: &DateTime<FixedOffset>) -> Date {
    let offset = t.offset().local_minus_utc();
    let hours = i8::try_from(offset / 3600).unwrap_or(0);
    let minutes = u8::try_from((offset.abs() % 3600) / 60).unwrap_or(0);
    Date::new(u16::try_from(t.year()).unwrap_or(0))
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(hours)
        .utc_offset_minute(minutes)
}

/// The XMP packet (PDF/A-2b identification and the same values as the document information).
fn xmp(report: &Report) -> Vec<u8> {
    let date = report.created.format("%Y-%m-%dT%H:%M:%S%:z").to_string();
    format!(
        "<?xpacket begin=\"\u{FEFF}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n\
<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n\
<rdf:Description rdf:about=\"\" \
xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" \
xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" \
xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
xmlns:xmpMM=\"http://ns.adobe.com/xap/1.0/mm/\">\n\
<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n\
<dc:format>application/pdf</dc:format>\n\
<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n\
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n\
<dc:language><rdf:Bag><rdf:li>fr-FR</rdf:li></rdf:Bag></dc:language>\n\
<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
<xmp:CreatorTool>{CREATOR}</xmp:CreatorTool>\n<pdf:Producer>{PRODUCER}</pdf:Producer>\n\
<xmpMM:DocumentID>{id}</xmpMM:DocumentID>\n\
</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>",
        title = crate::xml_escape::escape(&report.title),
        author = crate::xml_escape::escape(&report.author),
        id = crate::xml_escape::escape(&report.document_id),
    )
    .into_bytes()
}

/// 16 bytes derived from the document id and date (FNV-1a, two seeds): stable file ID.
fn file_id(report: &Report) -> Vec<u8> {
    let source = format!("{}|{}", report.document_id, report.created.to_rfc3339());
    let mut out = Vec::with_capacity(16);
    for seed in [0xcbf2_9ce4_8422_2325u64, 0x6c62_272e_07bb_0142] {
        let mut h = seed;
        for b in source.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        out.extend_from_slice(&h.to_be_bytes());
    }
    out
}

/// Writes the PDF.
pub(super) fn render(
    report: &Report,
    pages: &[Page],
    font: &Font,
) -> Result<Vec<u8>, PdfWriteError> {
    let mut pdf = Pdf::new();
    pdf.set_version(1, 7);
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    let metadata = alloc();
    let profile = alloc();
    let font_refs = [alloc(), alloc(), alloc(), alloc(), alloc()];
    let page_refs: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();

    let mut used = UsedGlyphs::new();
    for (page, (page_ref, content_ref)) in pages.iter().zip(&page_refs) {
        let mut content = Content::new();
        for item in &page.items {
            draw(&mut content, &mut used, font, item);
        }
        let packed = font::compress(&content.finish());
        pdf.stream(*content_ref, &packed)
            .filter(Filter::FlateDecode);
        let mut p = pdf.page(*page_ref);
        p.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree)
            .contents(*content_ref);
        p.resources().fonts().pair(FONT_RESOURCE, font_refs[0]);
        p.finish();
    }
    pdf.pages(tree)
        .kids(page_refs.iter().map(|(p, _)| *p))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    font::embed(&mut pdf, font_refs, font, &used)?;

    let xmp = xmp(report);
    pdf.metadata(metadata, &xmp);
    let icc_bytes = icc::gray_profile();
    pdf.icc_profile(profile, &icc_bytes).n(1);

    let mut cat = pdf.catalog(catalog);
    cat.pages(tree).metadata(metadata).lang(TextStr("fr-FR"));
    cat.output_intents()
        .push()
        .subtype(OutputIntentSubtype::PDFA)
        .output_condition_identifier(TextStr("Custom"))
        .info(TextStr("Gray, gamma 2.2"))
        .dest_output_profile(profile);
    cat.finish();

    let date = pdf_date(&report.created);
    pdf.document_info(info)
        .title(TextStr(&report.title))
        .author(TextStr(&report.author))
        .creator(TextStr(CREATOR))
        .producer(TextStr(PRODUCER))
        .creation_date(date)
        .modified_date(date);
    let id = file_id(report);
    pdf.set_file_id((id.clone(), id));
    Ok(pdf.finish())
}
