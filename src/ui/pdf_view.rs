//! The PDF viewer: one page at a time, fit-to-width by default, zoom, page keys. Pages are
//! rendered by the workers at the pixel width the screen needs (rounded to 64 px so resizing
//! does not ask for a page per pixel); the view only turns finished bitmaps into textures.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use egui::{Key, Modifiers};
use fluent_bundle::FluentValue;

use super::Command;
use crate::i18n::I18n;
use crate::pdf::RenderedPage;
use crate::worker::Request;

/// Zoom steps relative to the page fitting the width of the view.
const ZOOM_STEPS: [f32; 7] = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0];
const FIT: usize = 2;

/// State of one PDF on screen.
pub struct PdfView {
    /// Identifies this view in worker answers (a newer document has a new id).
    pub(super) id: u64,
    pdf: Arc<Vec<u8>>,
    page: usize,
    page_count: Option<usize>,
    zoom: usize,
    shown: Option<Shown>,
    /// Page and width asked of the workers and not answered yet.
    pending: Option<(usize, u32)>,
    /// Fluent id of the last rendering error.
    error: Option<&'static str>,
    /// The last page received, waiting to become a texture.
    received: Option<RenderedPage>,
}

struct Shown {
    page: usize,
    width_px: u32,
    texture: egui::TextureHandle,
}

impl PdfView {
    pub fn new(pdf: Arc<Vec<u8>>) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            pdf,
            page: 0,
            page_count: None,
            zoom: FIT,
            shown: None,
            pending: None,
            error: None,
            received: None,
        }
    }

    pub fn page(&self) -> usize {
        self.page
    }

    pub fn page_count(&self) -> Option<usize> {
        self.page_count
    }

    /// A rendered page arrived.
    pub fn apply_page(&mut self, page: RenderedPage) {
        self.pending = None;
        self.error = None;
        self.page_count = Some(page.page_count);
        self.received = Some(page);
    }

    /// Rendering failed.
    pub fn apply_error(&mut self, message: &'static str) {
        self.pending = None;
        self.error = Some(message);
    }

    fn go_to(&mut self, page: usize) {
        let last = self.page_count.unwrap_or(1).saturating_sub(1);
        self.page = page.min(last);
    }

    fn keyboard(&mut self, ui: &mut egui::Ui) {
        let (next, previous, first, last, zoom_in, zoom_out, fit) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::PageDown)
                    || i.consume_key(Modifiers::NONE, Key::ArrowRight),
                i.consume_key(Modifiers::NONE, Key::PageUp)
                    || i.consume_key(Modifiers::NONE, Key::ArrowLeft),
                i.consume_key(Modifiers::NONE, Key::Home),
                i.consume_key(Modifiers::NONE, Key::End),
                i.consume_key(Modifiers::COMMAND, Key::Plus)
                    || i.consume_key(Modifiers::COMMAND, Key::Equals),
                i.consume_key(Modifiers::COMMAND, Key::Minus),
                i.consume_key(Modifiers::COMMAND, Key::Num0),
            )
        });
        if next {
            self.go_to(self.page + 1);
        }
        if previous {
            self.go_to(self.page.saturating_sub(1));
        }
        if first {
            self.go_to(0);
        }
        if last {
            self.go_to(usize::MAX);
        }
        if zoom_in {
            self.zoom = (self.zoom + 1).min(ZOOM_STEPS.len() - 1);
        }
        if zoom_out {
            self.zoom = self.zoom.saturating_sub(1);
        }
        if fit {
            self.zoom = FIT;
        }
    }

    fn toolbar_ui(&mut self, ui: &mut egui::Ui, i18n: &I18n) {
        ui.horizontal(|ui| {
            if ui
                .add_enabled(self.page > 0, egui::Button::new(i18n.tr("pdf-previous")))
                .clicked()
            {
                self.go_to(self.page.saturating_sub(1));
            }
            let count = self.page_count.unwrap_or(1);
            ui.label(i18n.tr_args(
                "pdf-page-of",
                &[
                    ("page", FluentValue::from(self.page + 1)),
                    ("count", FluentValue::from(count)),
                ],
            ));
            if ui
                .add_enabled(
                    self.page + 1 < count,
                    egui::Button::new(i18n.tr("pdf-next")),
                )
                .clicked()
            {
                self.go_to(self.page + 1);
            }
            ui.separator();
            if ui
                .add_enabled(self.zoom > 0, egui::Button::new(i18n.tr("pdf-zoom-out")))
                .clicked()
            {
                self.zoom -= 1;
            }
            ui.label(format!("{:.0} %", ZOOM_STEPS[self.zoom] * 100.0));
            if ui
                .add_enabled(
                    self.zoom + 1 < ZOOM_STEPS.len(),
                    egui::Button::new(i18n.tr("pdf-zoom-in")),
                )
                .clicked()
            {
                self.zoom += 1;
            }
            if ui
                .add_enabled(
                    self.zoom != FIT,
                    egui::Button::new(i18n.tr("pdf-fit-width")),
                )
                .clicked()
            {
                self.zoom = FIT;
            }
        });
    }

    /// Draws the viewer; asks for the page it needs when it is not on screen yet.
    pub fn view_ui(&mut self, ui: &mut egui::Ui, i18n: &I18n, commands: &mut Vec<Command>) {
        self.keyboard(ui);
        self.toolbar_ui(ui, i18n);
        if let Some(page) = self.received.take() {
            let image = egui::ColorImage::from_rgba_unmultiplied(
                [page.width_px as usize, page.height_px as usize],
                &page.rgba,
            );
            let texture = ui
                .ctx()
                .load_texture("pdf-page", image, egui::TextureOptions::LINEAR);
            self.shown = Some(Shown {
                page: page.page,
                width_px: page.width_px,
                texture,
            });
        }
        let ppp = ui.ctx().pixels_per_point();
        let fit_points = (ui.available_width() - 24.0).max(200.0);
        let wanted_points = fit_points * ZOOM_STEPS[self.zoom];
        let wanted_px = quantise((wanted_points * ppp) as u32);
        let on_screen = self
            .shown
            .as_ref()
            .is_some_and(|s| s.page == self.page && s.width_px.abs_diff(wanted_px) < 64);
        if !on_screen && self.pending != Some((self.page, wanted_px)) && self.error.is_none() {
            self.pending = Some((self.page, wanted_px));
            commands.push(Command::Send(Request::RenderPdfPage {
                view: self.id,
                pdf: Arc::clone(&self.pdf),
                page: self.page,
                width_px: wanted_px,
            }));
        }
        if let Some(error) = self.error {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
        if self.pending.is_some() {
            ui.spinner();
        }
        egui::ScrollArea::both()
            .id_salt(("pdf_scroll", self.id))
            .show(ui, |ui| {
                if let Some(shown) = &self.shown {
                    let size = shown.texture.size_vec2() / ppp;
                    let scale = wanted_points / size.x.max(1.0);
                    ui.add(
                        egui::Image::new(&shown.texture)
                            .fit_to_exact_size(size * scale)
                            .alt_text(i18n.tr_args(
                                "pdf-page-alt",
                                &[("page", FluentValue::from(shown.page + 1))],
                            )),
                    );
                }
            });
    }
}

/// Rounds a width up to a multiple of 64 pixels.
fn quantise(width_px: u32) -> u32 {
    width_px.div_ceil(64).max(1) * 64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_quantised_and_pages_bounded() {
        assert_eq!(quantise(1), 64);
        assert_eq!(quantise(640), 640);
        assert_eq!(quantise(641), 704);
        let mut v = PdfView::new(Arc::new(Vec::new()));
        v.apply_page(RenderedPage {
            page: 0,
            page_count: 3,
            width_px: 1,
            height_px: 1,
            rgba: vec![0; 4],
        });
        v.go_to(10);
        assert_eq!(v.page(), 2);
        v.go_to(0);
        assert_eq!(v.page(), 0);
    }
}
