//! One displayable content of the viewer: a PDF (with its own viewer state), a text, an image
//! (turned into a texture on first display), or the name of a type that cannot be shown.

use std::sync::Arc;

use fluent_bundle::FluentValue;

use crate::cda::content::{DecodedImage, ViewContent};
use crate::i18n::I18n;
use crate::ui::Command;
use crate::ui::pdf_view::PdfView;

/// A content on screen.
pub enum ContentView {
    Pdf(PdfView),
    Text(String),
    Image {
        image: Arc<DecodedImage>,
        texture: Option<egui::TextureHandle>,
    },
    Unsupported(String),
}

impl ContentView {
    pub fn new(content: ViewContent) -> Self {
        match content {
            ViewContent::Pdf(bytes) => Self::Pdf(PdfView::new(bytes)),
            ViewContent::Text(text) => Self::Text(text),
            ViewContent::Image(image) => Self::Image {
                image,
                texture: None,
            },
            ViewContent::Unsupported(media) => Self::Unsupported(media),
        }
    }

    pub fn pdf_mut(&mut self) -> Option<&mut PdfView> {
        match self {
            Self::Pdf(v) => Some(v),
            _ => None,
        }
    }

    pub fn content_ui(&mut self, ui: &mut egui::Ui, i18n: &I18n, commands: &mut Vec<Command>) {
        match self {
            Self::Pdf(view) => view.view_ui(ui, i18n, commands),
            Self::Text(text) => {
                egui::ScrollArea::vertical()
                    .id_salt("document_text")
                    .show(ui, |ui| {
                        ui.add(
                            egui::Label::new(egui::RichText::new(text.as_str()).monospace()).wrap(),
                        );
                    });
            }
            Self::Image { image, texture } => {
                let texture = texture.get_or_insert_with(|| {
                    ui.ctx().load_texture(
                        "document-image",
                        egui::ColorImage::from_rgba_unmultiplied(
                            [image.width as usize, image.height as usize],
                            &image.rgba,
                        ),
                        egui::TextureOptions::LINEAR,
                    )
                });
                egui::ScrollArea::both()
                    .id_salt("document_image")
                    .show(ui, |ui| {
                        let size = texture.size_vec2();
                        let scale = (ui.available_width() / size.x).min(1.0);
                        ui.add(
                            egui::Image::new(&*texture)
                                .fit_to_exact_size(size * scale)
                                .alt_text(i18n.tr("doc-image-alt")),
                        );
                    });
            }
            Self::Unsupported(media) => {
                ui.label(i18n.tr_args(
                    "doc-unsupported",
                    &[("type", FluentValue::from(media.as_str()))],
                ));
            }
        }
    }
}
