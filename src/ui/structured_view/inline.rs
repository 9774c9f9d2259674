//! Styled inline runs → one egui `LayoutJob` per paragraph (bold, italics, underline,
//! strike-through, smaller raised or lowered text for `sup` / `sub`, footnote calls), drawn as
//! one label; links are found under the pointer by character index, show their address and
//! open (web and mail addresses only) on click. Also measures the narrowest and the natural
//! width of inline content, for table columns.

use std::ops::Range;
use std::sync::Arc;

use egui::text::LayoutJob;
use egui::{Align, CursorIcon, FontId, Galley, Label, OpenUrl, Sense, Stroke, TextFormat, Vec2};

use super::{Look, View};
use crate::cda::narrative::{Inline, Style};

/// Size of `sub` / `sup` text and footnote calls, relative to the text around.
const SCRIPT_SCALE: f32 = 0.72;
/// A word wider than this many font sizes does not widen a table column further: it wraps.
const MAX_WORD_EMS: f32 = 12.0;

/// How a run of text looks before its own style applies.
#[derive(Debug, Clone)]
pub(super) struct TextLook {
    pub font: FontId,
    /// Bold whatever the runs say (header cells, captions).
    pub bold: bool,
    pub align: Align,
}

impl TextLook {
    pub fn body(look: &Look) -> Self {
        Self {
            font: look.body.clone(),
            bold: false,
            align: Align::LEFT,
        }
    }

    pub fn bold(&self) -> Self {
        Self {
            bold: true,
            ..self.clone()
        }
    }
}

/// A link's characters in the laid-out text.
struct Link {
    chars: Range<usize>,
    href: Arc<str>,
}

fn format(look: &Look, text: &TextLook, style: Style, link: bool) -> TextFormat {
    let bold = style.bold || text.bold;
    let mut size = text.font.size;
    if style.sub || style.sup {
        size *= SCRIPT_SCALE;
    }
    let family = match (&look.bold_family, bold) {
        (Some(family), true) => family.clone(),
        _ => text.font.family.clone(),
    };
    let color = if link {
        look.link
    } else if bold || style.emphasis {
        look.strong
    } else {
        look.text
    };
    let line = Stroke::new(1.0, color);
    TextFormat {
        font_id: FontId::new(size, family),
        color,
        italics: style.italic || style.emphasis,
        underline: if style.underline || link {
            line
        } else {
            Stroke::NONE
        },
        strikethrough: if style.deleted { line } else { Stroke::NONE },
        valign: if style.sup { Align::TOP } else { Align::BOTTOM },
        ..TextFormat::default()
    }
}

fn script() -> Style {
    Style {
        sup: true,
        ..Style::default()
    }
}

/// The job of a paragraph (no wrapping set) and where its links are.
fn job(look: &Look, text: &TextLook, inlines: &[Inline]) -> (LayoutJob, Vec<Link>) {
    let mut job = LayoutJob::default();
    let mut links = Vec::new();
    let mut chars = 0;
    for inline in inlines {
        let (piece, format, href) = match inline {
            Inline::Text(run) => (
                run.text.clone(),
                format(look, text, run.style, run.link.is_some()),
                run.link.as_ref(),
            ),
            Inline::Break => (
                "\n".to_owned(),
                format(look, text, Style::default(), false),
                None,
            ),
            Inline::Footnote(n)
            | Inline::FootnoteRef {
                number: Some(n), ..
            } => (n.to_string(), format(look, text, script(), false), None),
            Inline::FootnoteRef { number: None, .. } => {
                ("*".to_owned(), format(look, text, script(), false), None)
            }
        };
        let count = piece.chars().count();
        if let Some(href) = href {
            links.push(Link {
                chars: chars..chars + count,
                href: Arc::clone(href),
            });
        }
        chars += count;
        job.append(&piece, 0.0, format);
    }
    (job, links)
}

/// Draws a paragraph as one label wrapped at `width`.
pub(super) fn paragraph_ui(
    ui: &mut egui::Ui,
    view: &View<'_>,
    inlines: &[Inline],
    text: &TextLook,
    width: f32,
) -> egui::Response {
    let (mut job, links) = job(&view.look, text, inlines);
    job.wrap.max_width = width;
    job.halign = text.align;
    let galley = ui.fonts_mut(|f| f.layout_job(job));
    let sense = if links.is_empty() {
        Sense::hover()
    } else {
        Sense::click()
    };
    let response = ui.add(Label::new(Arc::clone(&galley)).sense(sense));
    if links.is_empty() {
        return response;
    }
    let origin = match text.align {
        Align::Min => response.rect.left_top(),
        Align::Center => response.rect.center_top(),
        Align::Max => response.rect.right_top(),
    };
    let pointed = response.hover_pos().and_then(|pointer| {
        char_at(&galley, pointer - origin)
            .and_then(|at| links.iter().find(|l| l.chars.contains(&at)))
    });
    // Activated without a pointer (keyboard, screen reader): only when there is one address.
    let activated = || {
        let first = links.first()?;
        (response.clicked() && response.hover_pos().is_none())
            .then_some(first)
            .filter(|_| links.iter().all(|l| l.href == first.href))
    };
    let Some(link) = pointed.or_else(activated) else {
        return response;
    };
    let safe = is_web_address(&link.href);
    if safe {
        ui.ctx().set_cursor_icon(CursorIcon::PointingHand);
    }
    if response.clicked() && safe {
        ui.ctx().open_url(OpenUrl::new_tab(&*link.href));
    }
    let tip = if safe {
        link.href.to_string()
    } else {
        format!("{}\n{}", view.texts.link_not_opened, link.href)
    };
    response.on_hover_text_at_pointer(tip)
}

/// Index of the character under `pos` (relative to the galley's origin).
fn char_at(galley: &Galley, pos: Vec2) -> Option<usize> {
    if !galley.rect.expand(1.0).contains(pos.to_pos2()) {
        return None;
    }
    let cursor = galley.cursor_from_pos(pos);
    let index = cursor.index.0;
    if pos.x < galley.pos_from_cursor(cursor).min.x {
        index.checked_sub(1)
    } else {
        Some(index)
    }
}

/// Only web and mail addresses are opened from a clinical document.
fn is_web_address(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// Narrowest width (widest word, capped) and natural width (no wrapping) of inline content.
pub(super) fn measure_inlines(
    ui: &egui::Ui,
    look: &Look,
    text: &TextLook,
    inlines: &[Inline],
) -> (f32, f32) {
    let (job, _) = job(look, text, inlines);
    let cap = text.font.size * MAX_WORD_EMS;
    ui.fonts_mut(|f| {
        let natural = f.layout_job(job).size().x;
        let mut widest: f32 = 0.0;
        let mut word: f32 = 0.0;
        for inline in inlines {
            match inline {
                Inline::Text(run) => {
                    let font = format(look, text, run.style, false).font_id;
                    for c in run.text.chars() {
                        if c == ' ' {
                            widest = widest.max(word);
                            word = 0.0;
                        } else {
                            word += f.glyph_width(&font, c);
                        }
                    }
                }
                Inline::Break => {
                    widest = widest.max(word);
                    word = 0.0;
                }
                Inline::Footnote(_) | Inline::FootnoteRef { .. } => {
                    word += text.font.size * SCRIPT_SCALE;
                }
            }
        }
        (widest.max(word).min(cap).min(natural), natural)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_open() {
        assert!(is_web_address("https://example.org"));
        assert!(is_web_address("HTTP://example.org"));
        assert!(is_web_address("mailto:dr@example.org"));
        assert!(!is_web_address("javascript:alert(1)"));
        assert!(!is_web_address("file:///etc/passwd"));
        assert!(!is_web_address("#ancre"));
    }
}
