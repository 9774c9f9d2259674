//! The document view: the metadata on one line (type, date, author, organisation, version,
//! provenance, confidentiality), then the PDF when the document has one, or its text body.

use egui::RichText;

use super::pdf_view::PdfView;
use super::widgets::datetime_text;
use super::{Command, Screen};
use crate::app::ChevetApp;
use crate::domain::DocumentSummary;
use crate::i18n::I18n;
use crate::worker::{LoadedDocument, Request};

/// A document open in the viewer.
pub struct DocumentState {
    pub loaded: LoadedDocument,
    pub loading: bool,
    /// The PDF viewer, when the document has a PDF.
    pub pdf: Option<PdfView>,
}

impl DocumentState {
    pub fn new(loaded: LoadedDocument) -> Self {
        let pdf = loaded.pdf.as_ref().map(|bytes| PdfView::new(bytes.clone()));
        Self {
            loaded,
            loading: false,
            pdf,
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
        &[(
            "version",
            fluent_bundle::FluentValue::from(m.version_number),
        )],
    ));
    parts.push(i18n.tr(d.provenance.label_key()));
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
                            (
                                "version",
                                fluent_bundle::FluentValue::from(newer.meta.version_number),
                            ),
                            ("date", fluent_bundle::FluentValue::from(date)),
                        ],
                    ))
                    .strong(),
                );
                if ui.button(i18n.tr("doc-open-newer")).clicked() {
                    commands.push(Command::OpenDocument(newer.id));
                }
            });
        });
}

pub fn document_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let i18n = &app.i18n;
    let Some(doc) = app.document.as_mut() else {
        ui.spinner();
        return;
    };
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
                    document: doc.loaded.summary.id,
                }));
            }
        });
    });
    ui.label(metadata_line(i18n, &doc.loaded.summary));
    if let Some(newer) = &doc.loaded.newer {
        newer_version_ui(ui, i18n, newer, commands);
    }
    ui.separator();
    if let Some(error) = doc.loaded.pdf_error {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
    }
    if let Some(view) = &mut doc.pdf {
        view.view_ui(ui, i18n, commands);
    } else if let Some(text) = &doc.loaded.text {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(text);
        });
    } else {
        ui.label(i18n.tr("doc-no-pdf"));
    }
}
