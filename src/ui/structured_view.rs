//! The native view of a structured (N3) CDA document: the section tree as a clinical report —
//! headings sized by depth, paragraphs of styled text, lists, bordered tables with shaded
//! headers and spans, links, embedded images or placeholders, footnotes — in a vertical
//! scroll area, with a readable line length. It only draws a [`StructuredDocument`] built
//! beforehand on a worker ([`build`]): no parsing and no I/O here. All text is laid out as
//! labels (one per paragraph, heading or cell paragraph), so screen readers and `egui_kittest` find it.
//!
//! Layout: this file (entry point, sections, blocks, lists, media, footnotes), `inline`
//! (styled runs → `LayoutJob`, links, text measurement), `table` (column widths and the grid).

mod inline;
mod table;

#[cfg(test)]
mod tests;

use std::cell::Cell as Counter;

use egui::{
    Align, Color32, FontFamily, FontId, Frame, Image, Label, Layout, Rect, RichText, ScrollArea,
    Sense, Stroke, TextStyle, TextureHandle, UiBuilder, vec2,
};

use crate::cda::narrative::{Block, List, Media, Narrative};
pub use crate::cda::narrative::{StructuredDocument, StructuredSection, build};

use inline::{TextLook, paragraph_ui};

/// Name of the font family used for bold text when the application registers one (for
/// instance DejaVu Sans Bold); without it, bold text is drawn in the strong text colour.
pub const BOLD_FAMILY: &str = "Bold";

/// Widest text column, in points: beyond it lines get too long to read.
const MAX_TEXT_WIDTH: f32 = 760.0;
/// Widest page (tables may use more than the text column).
const MAX_PAGE_WIDTH: f32 = 1100.0;
/// Space on each side of the page.
const PAGE_MARGIN: f32 = 12.0;
/// Widest image shown inline.
const MAX_IMAGE_WIDTH: f32 = 640.0;

/// The few fixed texts of the view (French by default; the caller may set them from the
/// translations). `{type}` is replaced by the media type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewTexts {
    pub image_unavailable: String,
    pub attached_document: String,
    pub missing_media: String,
    pub notes: String,
    pub link_not_opened: String,
    pub empty: String,
    /// Messages for sections whose narrative cannot be shown, by `NarrativeError::message_id`.
    pub section_errors: Vec<(&'static str, String)>,
}

impl ViewTexts {
    /// The texts in the user's language (`{type}` is replaced by a media type).
    pub fn from_i18n(i18n: &crate::i18n::I18n) -> Self {
        Self {
            image_unavailable: i18n.tr("structured-image-unavailable"),
            attached_document: i18n.tr("structured-attached-document"),
            missing_media: i18n.tr("structured-missing-media"),
            notes: i18n.tr("structured-notes"),
            link_not_opened: i18n.tr("structured-link-not-opened"),
            empty: i18n.tr("structured-empty"),
            section_errors: [
                "error-narrative-doctype",
                "error-narrative-malformed",
                "error-narrative-too-large",
            ]
            .into_iter()
            .map(|id| (id, i18n.tr(id)))
            .collect(),
        }
    }

    /// The user's message for a section that cannot be shown.
    pub fn section_error(&self, error: &crate::cda::narrative::NarrativeError) -> &str {
        let id = error.message_id();
        self.section_errors
            .iter()
            .find(|(k, _)| *k == id)
            .map_or(id, |(_, text)| text.as_str())
    }
}

impl Default for ViewTexts {
    fn default() -> Self {
        Self::from_i18n(&crate::i18n::I18n::default())
    }
}

/// What the view keeps between frames.
#[derive(Debug, Clone, Default)]
pub struct StructuredViewState {
    pub texts: ViewTexts,
    /// Brings this section (index in [`StructuredDocument::all_sections`] order) to the top
    /// on the next frame, then clears itself.
    pub scroll_to: Option<usize>,
}

/// Colours and fonts of one frame, shared by every part of the view.
struct Look {
    body: FontId,
    small: FontId,
    heading: f32,
    bold_family: Option<FontFamily>,
    text: Color32,
    strong: Color32,
    weak: Color32,
    link: Color32,
    warn: Color32,
    grid: Stroke,
    rule: Stroke,
    head_fill: Color32,
    header_cell_fill: Color32,
}

impl Look {
    fn new(ui: &egui::Ui) -> Self {
        let style = ui.style();
        let visuals = &style.visuals;
        let bold = FontFamily::Name(BOLD_FAMILY.into());
        let has_bold = ui.fonts(|f| f.families().contains(&bold));
        Self {
            body: TextStyle::Body.resolve(style),
            small: TextStyle::Small.resolve(style),
            heading: TextStyle::Heading.resolve(style).size,
            bold_family: has_bold.then_some(bold),
            text: visuals.text_color(),
            strong: visuals.strong_text_color(),
            weak: visuals.weak_text_color(),
            link: visuals.hyperlink_color,
            warn: visuals.warn_fg_color,
            grid: Stroke::new(1.0, visuals.widgets.noninteractive.bg_stroke.color),
            rule: Stroke::new(1.5, visuals.text_color()),
            head_fill: visuals.text_color().gamma_multiply(0.10),
            header_cell_fill: visuals.text_color().gamma_multiply(0.05),
        }
    }
}

/// Everything the drawing functions share.
struct View<'a> {
    doc: &'a StructuredDocument,
    images: &'a dyn Fn(&str) -> Option<TextureHandle>,
    texts: &'a ViewTexts,
    look: Look,
    /// Tables drawn so far this frame (gives each horizontal scroll area its own id).
    tables: Counter<usize>,
}

/// Draws the structured document. `images` gives the texture of an embedded image by its `ID`
/// (the caller decodes and uploads it once); without one, a placeholder names the media type.
pub fn structured_view_ui(
    ui: &mut egui::Ui,
    doc: &StructuredDocument,
    images: &dyn Fn(&str) -> Option<TextureHandle>,
    state: &mut StructuredViewState,
) {
    let view = View {
        doc,
        images,
        texts: &state.texts,
        look: Look::new(ui),
        tables: Counter::new(0),
    };
    let mut scroll_to = state.scroll_to.take();
    ScrollArea::vertical()
        .id_salt("structured_view")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            let full = ui.available_width() - 2.0 * PAGE_MARGIN;
            let width = full.clamp(1.0, MAX_PAGE_WIDTH);
            let left = PAGE_MARGIN + ((full - width) / 2.0).floor().max(0.0);
            let page = Rect::from_min_size(
                ui.cursor().min + vec2(left, 0.0),
                vec2(width, f32::INFINITY),
            );
            ui.scope_builder(UiBuilder::new().max_rect(page), |ui| {
                if doc.is_empty() {
                    ui.label(RichText::new(&view.texts.empty).color(view.look.weak));
                }
                let mut index = 0;
                for section in &doc.sections {
                    section_ui(ui, &view, section, &mut index, &mut scroll_to);
                }
                ui.add_space(24.0);
            });
        });
}

fn section_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    section: &StructuredSection,
    index: &mut usize,
    scroll_to: &mut Option<usize>,
) {
    let look = &view.look;
    ui.add_space(if section.level == 0 { 14.0 } else { 8.0 });
    // The coded name (often a LOINC label) is a hint on the title, or the title when the
    // section has none.
    let code = section
        .code_display
        .as_deref()
        .filter(|c| !c.eq_ignore_ascii_case(&section.title));
    let title = if section.title.is_empty() {
        code.unwrap_or_default()
    } else {
        &section.title
    };
    if !title.is_empty() {
        let size = match section.level {
            0 => look.heading,
            1 => look.heading * 0.82,
            2 => look.heading * 0.72,
            _ => look.body.size,
        };
        let mut text = RichText::new(title).size(size).color(look.strong);
        if let Some(bold) = &look.bold_family {
            text = text.family(bold.clone());
        }
        let response = ui.add(Label::new(text).wrap());
        if *scroll_to == Some(*index) {
            response.scroll_to_me(Some(Align::TOP));
            *scroll_to = None;
        }
        if section.level == 0 {
            let y = response.rect.bottom() + 3.0;
            let x = ui.max_rect().x_range();
            ui.painter().hline(x, y, look.grid);
            ui.add_space(6.0);
        }
        if let Some(code) = code.filter(|_| !section.title.is_empty()) {
            response.on_hover_text(code);
        }
    }
    *index += 1;
    match &section.narrative {
        Some(Ok(narrative)) => narrative_ui(ui, view, narrative),
        Some(Err(error)) => {
            ui.label(RichText::new(view.texts.section_error(error)).color(look.warn));
        }
        None => {}
    }
    for sub in &section.sections {
        section_ui(ui, view, sub, index, scroll_to);
    }
}

fn narrative_ui(ui: &mut egui::Ui, view: &View<'_>, narrative: &Narrative) {
    let text = TextLook::body(&view.look);
    blocks_ui(ui, view, &narrative.blocks, &text, 0);
    if narrative.footnotes.is_empty() {
        return;
    }
    ui.add_space(4.0);
    let small = TextLook {
        font: view.look.small.clone(),
        ..TextLook::body(&view.look)
    };
    ui.label(
        RichText::new(&view.texts.notes)
            .font(view.look.small.clone())
            .color(view.look.weak),
    );
    for note in &narrative.footnotes {
        ui.horizontal_top(|ui| {
            ui.label(
                RichText::new(format!("{}.", note.number))
                    .font(view.look.small.clone())
                    .color(view.look.weak),
            );
            ui.vertical(|ui| blocks_ui(ui, view, &note.blocks, &small, 0));
        });
    }
}

/// Width for running text: the available width, capped for readability.
fn text_width(ui: &egui::Ui) -> f32 {
    ui.available_width().clamp(1.0, MAX_TEXT_WIDTH)
}

fn blocks_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    blocks: &[Block],
    text: &TextLook,
    list_depth: usize,
) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) => {
                paragraph_ui(ui, view, inlines, text, text_width(ui));
            }
            Block::Caption(inlines) => {
                paragraph_ui(ui, view, inlines, &text.bold(), text_width(ui));
            }
            Block::List(list) => list_ui(ui, view, list, text, list_depth),
            Block::Table(t) => {
                table::table_ui(ui, view, t, list_depth);
                ui.add_space(4.0);
            }
            Block::Media(media) => media_ui(ui, view, media, text),
        }
    }
}

fn list_ui(ui: &mut egui::Ui, view: &View<'_>, list: &List, text: &TextLook, depth: usize) {
    if !list.caption.is_empty() {
        paragraph_ui(ui, view, &list.caption, &text.bold(), text_width(ui));
    }
    let markers: Vec<String> = (0..list.items.len())
        .map(|i| list.marker_text(i, depth))
        .collect();
    let font = text.font.clone();
    let color = view.look.text;
    let galleys: Vec<_> = ui.fonts_mut(|f| {
        markers
            .iter()
            .map(|m| {
                // "◦" and "▪" are missing from some fonts: a plain bullet then.
                let marker = if f.has_glyphs(&font, m) {
                    m.clone()
                } else {
                    "•".to_owned()
                };
                f.layout_no_wrap(marker, font.clone(), color)
            })
            .collect()
    });
    let marker_width = galleys
        .iter()
        .map(|g| g.size().x)
        .fold(text.font.size, f32::max);
    for (item, galley) in list.items.iter().zip(galleys) {
        ui.horizontal_top(|ui| {
            ui.add_space(text.font.size * 0.6);
            let (rect, _) =
                ui.allocate_exact_size(vec2(marker_width, galley.size().y), Sense::hover());
            let pos = rect.right_top() - vec2(galley.size().x, 0.0);
            ui.painter().galley(pos, galley, color);
            ui.vertical(|ui| blocks_ui(ui, view, item, text, depth + 1));
        });
    }
}

fn media_ui(ui: &mut egui::Ui, view: &View<'_>, media: &Media, text: &TextLook) {
    let look = &view.look;
    for id in &media.references {
        if let Some(texture) = (view.images)(id) {
            let width = ui.available_width().min(MAX_IMAGE_WIDTH);
            let mut image = Image::from_texture(&texture).max_width(width);
            let caption = crate::cda::narrative::inlines_text(&media.caption);
            if !caption.is_empty() {
                image = image.alt_text(caption);
            }
            ui.add(image);
            continue;
        }
        let message = match view.doc.media(id) {
            Some(info) if info.is_image() => view.texts.image_unavailable.clone(),
            Some(_) => view.texts.attached_document.clone(),
            None => view.texts.missing_media.clone(),
        };
        let media_type = view.doc.media(id).map_or("", |m| m.media_type.as_str());
        Frame::new()
            .stroke(look.grid)
            .corner_radius(4)
            .inner_margin(egui::Margin::symmetric(10, 6))
            .show(ui, |ui| {
                ui.with_layout(Layout::top_down(Align::Min), |ui| {
                    ui.label(
                        RichText::new(message.replace("{type}", media_type))
                            .italics()
                            .color(look.weak),
                    );
                });
            });
    }
    if !media.caption.is_empty() {
        let caption = TextLook {
            font: look.small.clone(),
            ..text.clone()
        };
        paragraph_ui(ui, view, &media.caption, &caption, text_width(ui));
    }
}
