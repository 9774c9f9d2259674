//! The one document list of a patient folder: one row per version chain (newest version),
//! older versions one click away under it, sortable by type and act date, with columns for
//! provenance and sharing state. Arrow keys, Home and End move, Enter opens, H shows the
//! history of a chain, a click opens.

use std::collections::HashSet;

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::Command;
use super::widgets::datetime_text;
use crate::domain::versions::{VersionChain, chains, sort_chains};
use crate::domain::{DocumentId, DocumentSort, DocumentSummary, Provenance, ShareState};
use crate::i18n::I18n;

/// A visible row: a document and whether it is an older version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    doc: usize,
    older: bool,
    /// Versions in the chain (on the current row).
    versions: usize,
}

/// The list's state.
pub struct DocumentListState {
    documents: Vec<DocumentSummary>,
    chains: Vec<VersionChain>,
    /// Set ids of the chains whose history is shown.
    expanded: HashSet<String>,
    rows: Vec<Row>,
    pub sort: DocumentSort,
    pub ascending: bool,
    pub selected: usize,
    /// The document being opened (spinner on its row).
    pub opening: Option<DocumentId>,
}

impl DocumentListState {
    pub fn new(documents: Vec<DocumentSummary>) -> Self {
        let chains = chains(&documents);
        let mut state = Self {
            documents,
            chains,
            expanded: HashSet::new(),
            rows: Vec::new(),
            sort: DocumentSort::ActDate,
            ascending: false,
            selected: 0,
            opening: None,
        };
        state.refresh();
        state
    }

    /// Number of entries (version chains).
    pub fn entries(&self) -> usize {
        self.chains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    fn refresh(&mut self) {
        sort_chains(&mut self.chains, &self.documents, self.sort, self.ascending);
        self.rows.clear();
        for chain in &self.chains {
            let current = chain.current();
            self.rows.push(Row {
                doc: current,
                older: false,
                versions: chain.versions.len(),
            });
            if self.expanded.contains(&self.documents[current].meta.set_id) {
                self.rows.extend(chain.older().iter().map(|&doc| Row {
                    doc,
                    older: true,
                    versions: 0,
                }));
            }
        }
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// Clicking a column header: same column flips the order, another column sorts by it.
    pub fn sort_by(&mut self, sort: DocumentSort) {
        if self.sort == sort {
            self.ascending = !self.ascending;
        } else {
            self.sort = sort;
            self.ascending = sort == DocumentSort::Type;
        }
        self.refresh();
    }

    /// Shows or hides the older versions of the chain whose current row is `row`.
    fn toggle_history(&mut self, row: usize) {
        let Some(r) = self.rows.get(row) else { return };
        let set = self.documents[r.doc].meta.set_id.clone();
        if !self.expanded.remove(&set) {
            self.expanded.insert(set);
        }
        self.refresh();
    }

    fn keyboard(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        use egui::{Key, Modifiers};
        let (down, up, enter, history, home, end) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::ArrowDown),
                i.consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::Enter),
                i.consume_key(Modifiers::NONE, Key::H),
                i.consume_key(Modifiers::NONE, Key::Home),
                i.consume_key(Modifiers::NONE, Key::End),
            )
        });
        let last = self.rows.len().saturating_sub(1);
        if home {
            self.selected = 0;
        }
        if end {
            self.selected = last;
        }
        if down {
            self.selected = (self.selected + 1).min(last);
        }
        if up {
            self.selected = self.selected.saturating_sub(1);
        }
        if history {
            self.toggle_history(self.selected);
        }
        if enter && let Some(r) = self.rows.get(self.selected) {
            commands.push(Command::OpenDocument(self.documents[r.doc].id));
        }
    }
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

fn header_text(i18n: &I18n, state: &DocumentListState, id: &str, sort: DocumentSort) -> String {
    let arrow = if state.sort != sort {
        ""
    } else if state.ascending {
        " ▲"
    } else {
        " ▼"
    };
    format!("{}{arrow}", i18n.tr(id))
}

/// What a click in the table asked for.
enum Action {
    Sort(DocumentSort),
    History(usize),
}

pub fn document_list_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading(i18n.tr("folder-documents"));
        ui.label(i18n.tr_args(
            "folder-documents-count",
            &[("count", FluentValue::from(state.entries()))],
        ));
    });
    if state.is_empty() {
        ui.label(i18n.tr("folder-no-documents"));
        return;
    }
    state.keyboard(ui, commands);
    let type_header = header_text(i18n, state, "folder-col-type", DocumentSort::Type);
    let date_header = header_text(i18n, state, "folder-col-date", DocumentSort::ActDate);
    let mut action = None;
    // Rows are clicked as a whole: labels must not take the click for text selection.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("documents_table")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(40.0))
        .column(Column::exact(60.0))
        .column(
            Column::initial(150.0)
                .at_least(90.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::remainder().at_least(140.0).clip(true))
        .column(Column::exact(128.0))
        .column(Column::initial(120.0).clip(true).resizable(true))
        .column(Column::initial(130.0).clip(true).resizable(true))
        .column(Column::exact(64.0))
        .header(26.0, |mut header| {
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-provenance"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-sharing"));
            });
            header.col(|ui| {
                if ui.button(&type_header).clicked() {
                    action = Some(Action::Sort(DocumentSort::Type));
                }
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-title"));
            });
            header.col(|ui| {
                if ui.button(&date_header).clicked() {
                    action = Some(Action::Sort(DocumentSort::ActDate));
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
            body.rows(24.0, state.rows.len(), |mut row| {
                let index = row.index();
                let r = state.rows[index];
                let d = &state.documents[r.doc];
                row.set_selected(index == state.selected);
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
                    if state.opening == Some(d.id) {
                        ui.spinner();
                    }
                    if r.older {
                        ui.label(RichText::new(format!("↳ {}", d.meta.title)).weak());
                    } else {
                        ui.label(RichText::new(&d.meta.title).strong());
                    }
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
                let mut history_clicked = false;
                row.col(|ui| {
                    let version = i18n.tr_args(
                        "doc-version",
                        &[("version", FluentValue::from(d.meta.version_number))],
                    );
                    if r.versions > 1 {
                        let tip = i18n.tr_args(
                            "folder-history",
                            &[("count", FluentValue::from(r.versions))],
                        );
                        history_clicked = ui
                            .small_button(format!("{version} ▾"))
                            .on_hover_text(tip)
                            .clicked();
                    } else {
                        ui.label(version);
                    }
                });
                if history_clicked {
                    action = Some(Action::History(index));
                } else if row.response().clicked() {
                    state.selected = index;
                    commands.push(Command::OpenDocument(d.id));
                }
            });
        });
    match action {
        Some(Action::Sort(sort)) => state.sort_by(sort),
        Some(Action::History(row)) => state.toggle_history(row),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::doc;

    fn chain_docs() -> Vec<DocumentSummary> {
        let mut v1 = doc(1, "CR", 3);
        v1.meta.set_id = "s".into();
        let mut v2 = doc(2, "CR", 4);
        v2.meta.set_id = "s".into();
        v2.meta.version_number = 2;
        let other = doc(3, "Lettre", 1);
        vec![v1, v2, other]
    }

    #[test]
    fn a_chain_is_one_row_until_its_history_is_opened() {
        let mut s = DocumentListState::new(chain_docs());
        assert_eq!(s.entries(), 2);
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.documents[s.rows[0].doc].id, DocumentId(2));
        assert_eq!(s.rows[0].versions, 2);
        s.toggle_history(0);
        assert_eq!(s.rows.len(), 3);
        assert!(s.rows[1].older);
        assert_eq!(s.documents[s.rows[1].doc].id, DocumentId(1));
        s.toggle_history(0);
        assert_eq!(s.rows.len(), 2);
    }

    #[test]
    fn history_button_opens_the_older_versions() {
        use egui_kittest::kittest::Queryable;
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1200.0, 400.0))
            .build_ui_state(
                |ui, state: &mut DocumentListState| {
                    crate::ui::widgets::install_style(ui.ctx());
                    let i18n = I18n::default();
                    let mut commands = Vec::new();
                    document_list_ui(ui, &i18n, state, &mut commands);
                },
                DocumentListState::new(chain_docs()),
            );
        h.run();
        h.get_by_label("v2 ▾").click();
        h.run();
        assert_eq!(h.state().rows.len(), 3);
    }

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
