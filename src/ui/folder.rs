//! The patient folder: the identity banner with the INS status badge (visible without a
//! click), the care episodes, and the one document list, sortable by type and act date, with
//! columns for provenance and sharing state.

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::Command;
use super::widgets::{age_years, badge_ui, date_text, datetime_text, identity_badge_ui};
use crate::app::ChevetApp;
use crate::domain::document::sort_documents;
use crate::domain::{
    DocumentId, DocumentSort, DocumentSummary, Episode, InsOid, Patient, Provenance, ShareState,
};
use crate::i18n::I18n;

/// A loaded folder.
pub struct FolderState {
    pub patient: Patient,
    pub episodes: Vec<Episode>,
    pub documents: Vec<DocumentSummary>,
    pub sort: DocumentSort,
    pub ascending: bool,
    /// The document being opened (spinner on its row).
    pub opening: Option<DocumentId>,
    /// Keyboard selection in the document list.
    pub selected: usize,
}

impl FolderState {
    pub fn new(patient: Patient, episodes: Vec<Episode>, documents: Vec<DocumentSummary>) -> Self {
        let mut state = Self {
            patient,
            episodes,
            documents,
            sort: DocumentSort::ActDate,
            ascending: false,
            opening: None,
            selected: 0,
        };
        state.resort();
        state
    }

    fn resort(&mut self) {
        sort_documents(&mut self.documents, self.sort, self.ascending);
    }

    /// Clicking a column header: same column flips the order, another column sorts by it.
    pub fn sort_by(&mut self, sort: DocumentSort) {
        if self.sort == sort {
            self.ascending = !self.ascending;
        } else {
            self.sort = sort;
            self.ascending = sort == DocumentSort::Type;
        }
        self.resort();
    }
}

pub fn folder_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    let can_read = app
        .session
        .as_ref()
        .is_some_and(|s| s.role.has(crate::domain::Right::ReadDocuments));
    let i18n = &app.i18n;
    let Some(folder) = app.folder.as_mut() else {
        ui.spinner();
        return;
    };
    identity_banner_ui(ui, i18n, &folder.patient);
    ui.add_space(6.0);
    egui::Panel::left("episodes")
        .resizable(true)
        .default_size(300.0)
        .show(ui, |ui| episodes_ui(ui, i18n, &folder.episodes));
    egui::CentralPanel::default().show(ui, |ui| {
        if can_read {
            documents_ui(ui, i18n, folder, commands);
        } else {
            ui.heading(i18n.tr("folder-documents"));
            ui.label(i18n.tr("folder-documents-forbidden"));
        }
    });
}

fn identity_banner_ui(ui: &mut egui::Ui, i18n: &I18n, p: &Patient) {
    egui::Frame::group(ui.style())
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.heading(RichText::new(p.display_name()).strong());
                identity_badge_ui(ui, i18n, p.identity.status);
                if !p.identity.status.ins_usable() {
                    ui.label(RichText::new(i18n.tr("folder-ins-not-usable")).italics());
                }
            });
            ui.horizontal_wrapped(|ui| {
                let today = chrono::Local::now().date_naive();
                ui.label(i18n.tr_args(
                    "folder-born",
                    &[
                        (
                            "date",
                            FluentValue::from(date_text(p.identity.traits.birth_date)),
                        ),
                        (
                            "years",
                            FluentValue::from(age_years(p.identity.traits.birth_date, today)),
                        ),
                    ],
                ));
                ui.separator();
                ui.label(i18n.tr(p.identity.traits.sex.label_key()));
                ui.separator();
                ui.label(format!(
                    "{} : {}",
                    i18n.tr("folder-birth-first-names"),
                    p.identity.traits.birth_first_names
                ));
                if let Some(place) = &p.identity.traits.birthplace_insee {
                    ui.separator();
                    ui.label(format!("{} : {place}", i18n.tr("folder-birthplace")));
                }
                ui.separator();
                ui.label(format!("{} : {}", i18n.tr("folder-ipp"), p.identity.ipp));
                ui.separator();
                match &p.identity.ins {
                    Some(ins) => {
                        ui.label(format!(
                            "{} : {} ({})",
                            i18n.tr("folder-ins"),
                            ins.matricule.grouped(),
                            i18n.tr(ins_kind_key(ins.oid))
                        ));
                    }
                    None => {
                        ui.label(format!(
                            "{} : {}",
                            i18n.tr("folder-ins"),
                            i18n.tr("folder-no-ins")
                        ));
                    }
                }
            });
        });
}

fn ins_kind_key(oid: InsOid) -> &'static str {
    match oid {
        InsOid::Nir => "folder-ins-nir",
        InsOid::Nia => "folder-ins-nia",
        InsOid::TestNir => "folder-ins-test",
        InsOid::DemoNir => "folder-ins-demo",
    }
}

fn episodes_ui(ui: &mut egui::Ui, i18n: &I18n, episodes: &[Episode]) {
    ui.heading(i18n.tr("folder-episodes"));
    if episodes.is_empty() {
        ui.label(i18n.tr("folder-no-episodes"));
    }
    egui::ScrollArea::vertical()
        .id_salt("episodes_scroll")
        .show(ui, |ui| {
            for e in episodes {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(i18n.tr(e.kind.label_key())).strong());
                        if e.is_open() {
                            badge_ui(
                                ui,
                                &i18n.tr("folder-episode-open"),
                                egui::Color32::from_rgb(0x1F, 0x5F, 0xA8),
                            );
                        }
                    });
                    let end = e
                        .end
                        .map(datetime_text)
                        .unwrap_or_else(|| i18n.tr("folder-episode-ongoing"));
                    ui.label(format!("{} → {end}", datetime_text(e.start)));
                    ui.label(&e.unit);
                    ui.label(RichText::new(format!("FINESS {}", e.finess_geo)).small());
                });
            }
        });
}

/// Short provenance tag and its explanation.
fn provenance_text(i18n: &I18n, p: Provenance) -> (String, String) {
    let short = match p {
        Provenance::Local => "provenance-short-local",
        Provenance::Dmp => "provenance-short-dmp",
        Provenance::Mssante => "provenance-short-mss",
        Provenance::Xdm => "provenance-short-xdm",
    };
    (i18n.tr(short), i18n.tr(p.label_key()))
}

/// Sharing state of a document towards the DMP and MSSanté, e.g. "DMP ✔ MSS …".
fn share_text(i18n: &I18n, dmp: ShareState, mss: ShareState) -> String {
    let mark = |s: ShareState| match s {
        ShareState::NotShared => None,
        ShareState::Pending => Some("…"),
        ShareState::Sent => Some("✔"),
        ShareState::Failed => Some("✖"),
        ShareState::Withdrawn => Some("⊘"),
    };
    let parts: Vec<String> = [("share-dmp", mark(dmp)), ("share-mss", mark(mss))]
        .into_iter()
        .filter_map(|(id, m)| m.map(|m| format!("{} {m}", i18n.tr(id))))
        .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(" ")
    }
}

fn documents_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    folder: &mut FolderState,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading(i18n.tr("folder-documents"));
        ui.label(i18n.tr_args(
            "folder-documents-count",
            &[("count", FluentValue::from(folder.documents.len()))],
        ));
    });
    if folder.documents.is_empty() {
        ui.label(i18n.tr("folder-no-documents"));
        return;
    }
    document_keys(ui, folder, commands);
    let arrow = |sort: DocumentSort| {
        if folder.sort != sort {
            ""
        } else if folder.ascending {
            " ▲"
        } else {
            " ▼"
        }
    };
    let type_header = format!(
        "{}{}",
        i18n.tr("folder-col-type"),
        arrow(DocumentSort::Type)
    );
    let date_header = format!(
        "{}{}",
        i18n.tr("folder-col-date"),
        arrow(DocumentSort::ActDate)
    );
    let mut resort = None;
    // Rows are clicked as a whole: labels must not take the click for text selection.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("documents_table")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(44.0))
        .column(Column::exact(64.0))
        .column(
            Column::initial(180.0)
                .at_least(100.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::remainder().at_least(160.0).clip(true))
        .column(Column::exact(150.0))
        .column(Column::initial(140.0).clip(true).resizable(true))
        .column(Column::initial(160.0).clip(true).resizable(true))
        .column(Column::exact(44.0))
        .header(26.0, |mut header| {
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-provenance"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-sharing"));
            });
            header.col(|ui| {
                if ui.button(&type_header).clicked() {
                    resort = Some(DocumentSort::Type);
                }
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-title"));
            });
            header.col(|ui| {
                if ui.button(&date_header).clicked() {
                    resort = Some(DocumentSort::ActDate);
                }
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-author"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-organisation"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-version"));
            });
        })
        .body(|body| {
            body.rows(24.0, folder.documents.len(), |mut row| {
                let d = &folder.documents[row.index()];
                row.set_selected(row.index() == folder.selected);
                let (short, long) = provenance_text(i18n, d.provenance);
                row.col(|ui| {
                    ui.label(RichText::new(short).monospace())
                        .on_hover_text(long);
                });
                row.col(|ui| {
                    ui.label(share_text(i18n, d.dmp_share, d.mss_share));
                });
                row.col(|ui| {
                    ui.label(&d.meta.type_label);
                });
                row.col(|ui| {
                    if folder.opening == Some(d.id) {
                        ui.spinner();
                    }
                    ui.label(RichText::new(&d.meta.title).strong());
                });
                row.col(|ui| {
                    ui.label(d.meta.act_date.map(datetime_text).unwrap_or_default());
                });
                row.col(|ui| {
                    ui.label(&d.meta.author);
                });
                row.col(|ui| {
                    ui.label(&d.meta.organisation);
                });
                row.col(|ui| {
                    ui.label(i18n.tr_args(
                        "doc-version",
                        &[("version", FluentValue::from(d.meta.version_number))],
                    ));
                });
                if row.response().clicked() {
                    commands.push(Command::OpenDocument(d.id));
                }
            });
        });
    if let Some(sort) = resort {
        folder.sort_by(sort);
    }
}

/// Arrow keys move through the documents; Enter opens the selected one.
fn document_keys(ui: &mut egui::Ui, folder: &mut FolderState, commands: &mut Vec<Command>) {
    use egui::{Key, Modifiers};
    let (down, up, enter) = ui.input_mut(|i| {
        (
            i.consume_key(Modifiers::NONE, Key::ArrowDown),
            i.consume_key(Modifiers::NONE, Key::ArrowUp),
            i.consume_key(Modifiers::NONE, Key::Enter),
        )
    });
    let last = folder.documents.len().saturating_sub(1);
    if down {
        folder.selected = (folder.selected + 1).min(last);
    }
    if up {
        folder.selected = folder.selected.saturating_sub(1);
    }
    if enter && let Some(d) = folder.documents.get(folder.selected) {
        commands.push(Command::OpenDocument(d.id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_column_says_nothing_for_unshared_documents() {
        let i18n = I18n::default();
        assert_eq!(
            share_text(&i18n, ShareState::NotShared, ShareState::NotShared),
            "—"
        );
        assert_eq!(
            share_text(&i18n, ShareState::Sent, ShareState::Pending),
            "DMP ✔ MSS …"
        );
    }
}
