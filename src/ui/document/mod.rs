//! The document viewer: the metadata on one line (type, date, author, organisation, version,
//! provenance, confidentiality), a banner when a newer version exists, then the PDF first (N1
//! body or N3 "Copie du document"), the structured view of an N3 one action away (button or
//! key V), the attachments listed and opened in the same viewer, and "open with the
//! stylesheet" in the system browser. Everything shown was decoded by the workers. A stored
//! document can be sent by MSSanté (« Envoyer par MSSanté », the form of `ui::mss`), and its
//! sends show with what each recipient's mailbox answered (« Envois MSSanté »).

mod content;
mod dmp;
mod mss;

use std::collections::HashMap;

use egui::RichText;
use fluent_bundle::FluentValue;

pub use content::ContentView;

use super::mss::{MssForm, MssReceipts, mss_form_ui, receipts_ui};
use super::pdf_view::PdfView;
use super::structured_view::{StructuredViewState, ViewTexts, structured_view_ui};
use super::widgets::datetime_text;
use super::{Command, Screen, ScreenCtx};
use crate::cda::content::ViewContent;
use crate::domain::{DocumentId, DocumentRef, DocumentSummary};
use crate::i18n::I18n;
use crate::worker::{LoadedDocument, Operation, Request};

/// Which view of the document is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewMode {
    /// The PDF (or N1 text/image).
    Main,
    Structured,
    Attachment(usize),
}

/// A document open in the viewer.
pub struct DocumentState {
    loaded: LoadedDocument,
    mode: ViewMode,
    main: Option<ContentView>,
    structured: StructuredViewState,
    /// Textures of the narratives' images, made on first display.
    textures: HashMap<String, egui::TextureHandle>,
    /// The attachment on screen (index, content), and the one being decoded.
    attachment: Option<(usize, ContentView)>,
    attachment_loading: Option<usize>,
    /// What the DMP says about this local document (newer version, deleted).
    dmp_check: Option<crate::domain::dmp::DmpVersionState>,
    /// A DMP request from this screen is on its way (integrate, make visible).
    dmp_pending: bool,
    /// The inline "make visible" confirmation is shown.
    confirm_visible: bool,
    /// The « Envoyer par MSSanté » form, while open.
    mss_form: Option<MssForm>,
    /// The document's MSSanté sends (stored documents), once read.
    mss_receipts: Option<MssReceipts>,
}

impl DocumentState {
    pub fn new(loaded: LoadedDocument, i18n: &I18n) -> Self {
        let main = loaded.main.clone().map(ContentView::new);
        let mode = if main.is_some() || loaded.structured.is_none() {
            ViewMode::Main
        } else {
            ViewMode::Structured
        };
        Self {
            loaded,
            mode,
            main,
            structured: StructuredViewState {
                texts: ViewTexts::from_i18n(i18n),
                scroll_to: None,
            },
            textures: HashMap::new(),
            attachment: None,
            attachment_loading: None,
            dmp_check: None,
            dmp_pending: false,
            confirm_visible: false,
            mss_form: None,
            mss_receipts: None,
        }
    }

    /// What is on screen: a stored document or a DMP entry.
    pub fn reference(&self) -> &DocumentRef {
        self.loaded.reference()
    }

    /// The PDF viewer with this id, main or attachment.
    fn pdf_view_mut(&mut self, view: u64) -> Option<&mut PdfView> {
        let main = self.main.as_mut().and_then(ContentView::pdf_mut);
        let attached = self.attachment.as_mut().and_then(|(_, c)| c.pdf_mut());
        main.into_iter().chain(attached).find(|v| v.id == view)
    }

    /// `Event::PdfPage`.
    pub fn on_pdf_page(&mut self, view: u64, page: crate::pdf::RenderedPage) {
        if let Some(v) = self.pdf_view_mut(view) {
            v.apply_page(page);
        }
    }

    /// `Event::PdfFailed`.
    pub fn on_pdf_failed(&mut self, view: u64, message: &'static str) {
        if let Some(v) = self.pdf_view_mut(view) {
            v.apply_error(message);
        }
    }

    /// `Event::DmpVersion`, when about this document.
    pub fn on_dmp_version(
        &mut self,
        document: DocumentId,
        state: crate::domain::dmp::DmpVersionState,
    ) {
        if self.reference().stored() == Some(document) {
            self.dmp_check = Some(state);
        }
    }

    /// A request of this screen failed: it may be sent again.
    pub fn on_failed(&mut self, operation: Operation) {
        match operation {
            Operation::OpenAttachment => self.attachment_loading = None,
            Operation::IntegrateDmp | Operation::MakeDmpVisible => self.dmp_pending = false,
            _ => {}
        }
    }

    /// `Event::Attachment`: a decoded attachment of this document arrived.
    pub fn on_attachment(&mut self, document: &DocumentRef, index: usize, content: ViewContent) {
        if self.reference() == document && self.attachment_loading == Some(index) {
            self.attachment_loading = None;
            self.attachment = Some((index, ContentView::new(content)));
            self.mode = ViewMode::Attachment(index);
        }
    }

    fn has_main(&self) -> bool {
        self.main.is_some()
    }

    fn has_structured(&self) -> bool {
        self.loaded.structured.is_some()
    }

    /// V switches between the PDF and the structured view.
    fn keyboard(&mut self, ui: &mut egui::Ui) {
        let toggle = ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::V));
        if toggle && self.has_main() && self.has_structured() {
            self.mode = match self.mode {
                ViewMode::Structured => ViewMode::Main,
                _ => ViewMode::Structured,
            };
        }
    }
}

/// The one-line metadata of a document.
pub fn metadata_line(i18n: &I18n, d: &DocumentSummary) -> String {
    let m = &d.meta;
    let mut parts = vec![m.type_label.clone()];
    if let Some(date) = m.act_date {
        parts.push(datetime_text(date));
    }
    if !m.author.is_empty() {
        parts.push(m.author.clone());
    }
    if !m.organisation.is_empty() {
        parts.push(m.organisation.clone());
    }
    parts.push(i18n.tr_args(
        "doc-version",
        &[("version", FluentValue::from(m.version_number))],
    ));
    parts.push(match &d.reference {
        DocumentRef::Stored(_) => i18n.tr(d.provenance.label_key()),
        DocumentRef::Dmp { .. } => i18n.tr("provenance-dmp-not-integrated"),
        // An inbox item: received, in no folder yet.
        DocumentRef::Received(_) => format!(
            "{} ({})",
            i18n.tr(d.provenance.label_key()),
            i18n.tr("doc-not-filed")
        ),
    });
    parts.push(i18n.tr(match m.confidentiality.as_str() {
        "R" => "doc-confidentiality-r",
        "V" => "doc-confidentiality-v",
        _ => "doc-confidentiality-n",
    }));
    parts.join(" · ")
}

/// Says that this is not the current version, and opens the current one in one action.
fn newer_version_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    newer: &DocumentSummary,
    commands: &mut Vec<Command>,
) {
    egui::Frame::new()
        .fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
        .inner_margin(6)
        .corner_radius(4)
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                let date = newer.meta.act_date.map(datetime_text).unwrap_or_default();
                ui.label(
                    RichText::new(i18n.tr_args(
                        "doc-newer-exists",
                        &[
                            ("version", FluentValue::from(newer.meta.version_number)),
                            ("date", FluentValue::from(date)),
                        ],
                    ))
                    .strong(),
                );
                if ui.button(i18n.tr("doc-open-newer")).clicked() {
                    commands.push(Command::Send(Request::OpenDocument {
                        document: newer.reference.clone(),
                    }));
                }
            });
        });
}

fn views_bar_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    doc: &mut DocumentState,
    commands: &mut Vec<Command>,
) {
    ui.horizontal_wrapped(|ui| {
        if doc.has_main() {
            let label = if doc.loaded.structured.is_some() {
                "doc-view-pdf"
            } else {
                "doc-view-content"
            };
            if ui
                .selectable_label(doc.mode == ViewMode::Main, i18n.tr(label))
                .clicked()
            {
                doc.mode = ViewMode::Main;
            }
        }
        if doc.has_structured() {
            let response = ui.selectable_label(
                doc.mode == ViewMode::Structured,
                i18n.tr("doc-view-structured"),
            );
            if response.on_hover_text(i18n.tr("doc-view-key")).clicked() {
                doc.mode = ViewMode::Structured;
            }
        }
        if !doc.loaded.attachments.is_empty() {
            ui.separator();
            ui.label(i18n.tr("doc-attachments"));
            for a in &doc.loaded.attachments {
                let text = i18n.tr_args(
                    "doc-attachment",
                    &[
                        ("title", FluentValue::from(a.title.as_str())),
                        ("type", FluentValue::from(a.media_type.as_str())),
                        ("kib", FluentValue::from(a.size_bytes.div_ceil(1024))),
                    ],
                );
                let on_screen = doc.mode == ViewMode::Attachment(a.index);
                if ui.selectable_label(on_screen, text).clicked() && !on_screen {
                    if doc.attachment.as_ref().is_some_and(|(i, _)| *i == a.index) {
                        doc.mode = ViewMode::Attachment(a.index);
                    } else {
                        doc.attachment_loading = Some(a.index);
                        commands.push(Command::Send(Request::OpenAttachment {
                            document: doc.reference().clone(),
                            index: a.index,
                        }));
                    }
                }
            }
            if doc.attachment_loading.is_some() {
                ui.spinner();
            }
        }
    });
}

pub fn document_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    doc: &mut DocumentState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    doc.keyboard(ui);
    // Escape closes the MSSanté form when open, else goes back to the folder.
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        && doc.mss_form.take().is_none()
    {
        commands.push(Command::Navigate(Screen::Folder));
    }
    ui.horizontal(|ui| {
        if ui.button(i18n.tr("doc-back")).clicked() {
            commands.push(Command::Navigate(Screen::Folder));
        }
        ui.heading(RichText::new(&doc.loaded.summary.meta.title).strong());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui
                .button(i18n.tr("doc-open-stylesheet"))
                .on_hover_text(i18n.tr("doc-open-stylesheet-help"))
                .clicked()
            {
                commands.push(Command::Send(Request::OpenWithStylesheet {
                    document: doc.reference().clone(),
                }));
            }
            let stored = doc.reference().stored().is_some();
            if stored
                && ctx.rights.produce_documents
                && ui
                    .add_enabled(
                        doc.mss_form.is_none(),
                        egui::Button::new(i18n.tr("mss-send")),
                    )
                    .on_hover_text(i18n.tr("mss-send-help"))
                    .clicked()
                && let Some(request) = doc.open_mss_form()
            {
                commands.push(Command::Send(request));
            }
        });
    });
    document_body_ui(ui, ctx, doc, commands);
    if let Some(form) = doc.mss_form.as_mut()
        && !mss_form_ui(ui, ctx, form, commands)
    {
        doc.mss_form = None;
    }
}

/// A document shown beside another screen (the inbox's item): its title, then what the viewer
/// shows below its title bar. V switches views unless a text field has the keyboard.
pub fn document_preview_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    doc: &mut DocumentState,
    commands: &mut Vec<Command>,
) {
    if !ui.ctx().text_edit_focused() {
        doc.keyboard(ui);
    }
    ui.heading(RichText::new(&doc.loaded.summary.meta.title).strong());
    document_body_ui(ui, ctx, doc, commands);
}

/// Below the title bar: the metadata line, the version and DMP banners, the views, the content.
fn document_body_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    doc: &mut DocumentState,
    commands: &mut Vec<Command>,
) {
    let can_change_visibility = ctx.rights.change_dmp_visibility;
    let i18n = ctx.i18n;
    ui.label(metadata_line(i18n, &doc.loaded.summary));
    if let Some(newer) = &doc.loaded.newer {
        newer_version_ui(ui, i18n, newer, commands);
    }
    dmp::dmp_banner_ui(ui, i18n, doc, can_change_visibility, commands);
    if let Some(receipts) = &doc.mss_receipts {
        receipts_ui(ui, i18n, receipts);
    }
    views_bar_ui(ui, i18n, doc, commands);
    ui.separator();
    if let Some(error) = doc.loaded.main_error {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
    }
    match doc.mode {
        ViewMode::Main => match &mut doc.main {
            Some(view) => view.content_ui(ui, i18n, commands),
            None => {
                ui.label(i18n.tr("doc-no-content"));
            }
        },
        ViewMode::Structured => {
            if let Some(structured) = doc.loaded.structured.clone() {
                let images = &doc.loaded.media_images;
                let textures = &mut doc.textures;
                for (id, image) in images {
                    if !textures.contains_key(id) {
                        let texture = ui.ctx().load_texture(
                            format!("media-{id}"),
                            egui::ColorImage::from_rgba_unmultiplied(
                                [image.width as usize, image.height as usize],
                                &image.rgba,
                            ),
                            egui::TextureOptions::LINEAR,
                        );
                        textures.insert(id.clone(), texture);
                    }
                }
                let lookup = |id: &str| textures.get(id.strip_prefix('#').unwrap_or(id)).cloned();
                structured_view_ui(ui, &structured, &lookup, &mut doc.structured);
            }
        }
        ViewMode::Attachment(index) => match &mut doc.attachment {
            Some((shown, view)) if *shown == index => view.content_ui(ui, i18n, commands),
            _ => {
                ui.spinner();
            }
        },
    }
}
