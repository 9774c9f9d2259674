//! The one document list of a patient folder: one row per version chain (newest version),
//! older versions one click away under it, sortable by type and act date, with columns for
//! provenance and sharing state. Arrow keys, Home and End move, Enter opens, H shows the
//! history of a chain, a click opens. `toolbar` draws what is above the table, `table` the
//! table, `dmp` the DMP's side (its documents, selection, search form, visibility, worklist),
//! `sharing` the outbox's (sharing labels, a job's actions, "Envoyer l'historique").

pub mod dmp;
mod sharing;
mod table;
mod toolbar;

use std::collections::{HashMap, HashSet};

use super::{Command, Rights};
use crate::domain::dmp::{DmpDocument, DmpEntry};
use crate::domain::versions::{VersionChain, chains, sort_chains};
use crate::domain::{DocumentId, DocumentRef, DocumentSort, DocumentSummary, PatientId};
use crate::i18n::I18n;
use crate::worker::{Request, UserMessage};
use dmp::{DmpList, DmpListStatus, ask_visible};

/// A visible row: a document and whether it is an older version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    doc: usize,
    older: bool,
    /// Versions in the chain (on the current row).
    versions: usize,
}

/// Which documents the list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListFilter {
    /// The folder's documents and the DMP's not integrated yet, merged.
    #[default]
    All,
    Local,
    /// The DMP's documents only (integrated ones marked as such).
    Dmp,
}

/// Where a listed document comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Local,
    /// Index in `DmpList::rows`.
    Dmp(usize),
}

/// The list's state.
pub struct DocumentListState {
    patient: PatientId,
    local: Vec<DocumentSummary>,
    dmp: DmpList,
    filter: ListFilter,
    /// CDA id → the folder's copy (tells DMP rows already integrated).
    integrated: HashMap<String, DocumentId>,
    /// What is listed: local documents and DMP rows, as filtered.
    documents: Vec<DocumentSummary>,
    /// `documents` starts with every local document (kept across DMP updates: copying
    /// thousands of summaries at each DMP answer would show in the frame time).
    local_listed: bool,
    origins: Vec<Origin>,
    chains: Vec<VersionChain>,
    /// Set ids of the chains whose history is shown.
    expanded: HashSet<String>,
    rows: Vec<Row>,
    sort: DocumentSort,
    ascending: bool,
    selected: usize,
    /// The document being opened (spinner on its row).
    opening: Option<DocumentRef>,
    /// Sending to the DMP: picks for the history, the batch, a job's pending action.
    sharing: sharing::SharingList,
}

impl DocumentListState {
    pub fn new(patient: PatientId, documents: Vec<DocumentSummary>) -> Self {
        let mut state = Self {
            patient,
            local: documents,
            dmp: DmpList::default(),
            filter: ListFilter::All,
            integrated: HashMap::new(),
            documents: Vec::new(),
            local_listed: false,
            origins: Vec::new(),
            chains: Vec::new(),
            expanded: HashSet::new(),
            rows: Vec::new(),
            sort: DocumentSort::ActDate,
            ascending: false,
            selected: 0,
            opening: None,
            sharing: sharing::SharingList::default(),
        };
        state.rebuild();
        state
    }

    /// Number of entries (version chains).
    pub fn entries(&self) -> usize {
        self.chains.len()
    }

    pub fn is_empty(&self) -> bool {
        self.documents.is_empty()
    }

    /// The folder's documents changed (integration, visibility).
    pub fn set_local(&mut self, documents: Vec<DocumentSummary>) {
        self.local = documents;
        self.local_listed = false;
        self.sharing_on_local();
        self.rebuild();
    }

    /// The DMP's documents arrived (a refresh that changed nothing keeps the list as it is).
    pub fn set_dmp(&mut self, rows: Vec<DmpDocument>) {
        if self.dmp.status == DmpListStatus::Loaded && self.dmp.rows == rows {
            return;
        }
        self.dmp.set_rows(rows);
        self.rebuild();
    }

    /// The DMP list could not be read.
    pub fn dmp_failed(&mut self, message: UserMessage) {
        self.dmp.status = DmpListStatus::Failed(message);
    }

    /// The folder's DMP sequence failed: a list being asked for shows the error.
    pub fn dmp_list_failed(&mut self, message: &UserMessage) {
        if self.dmp.status == DmpListStatus::Loading {
            self.dmp.status = DmpListStatus::Failed(message.clone());
        }
    }

    /// A DMP document changed (visibility).
    pub fn replace_dmp_row(&mut self, previous: &DmpEntry, document: DmpDocument) {
        self.dmp.replace_row(previous, document);
        self.rebuild();
    }

    /// Integration ended: nothing stays selected.
    pub fn clear_dmp_selection(&mut self) {
        self.dmp.selected.clear();
    }

    /// A consultation d'annonce report was produced: the list asks the DMP and offers the
    /// worklist of documents still invisible to the patient.
    pub fn offer_worklist(&mut self) -> Request {
        self.dmp.announce_offer = true;
        self.dmp.status = DmpListStatus::Loading;
        Request::SearchDmp {
            patient: self.patient,
            filter: Box::default(),
        }
    }

    /// The document asked for is on screen (or failed): no spinner left.
    pub fn opened(&mut self) {
        self.opening = None;
    }

    /// The folder's copy of a DMP document, when integrated.
    pub fn integrated_copy(&self, unique_id: &str) -> Option<DocumentId> {
        self.integrated.get(unique_id).copied()
    }

    pub fn set_filter(&mut self, filter: ListFilter) {
        self.filter = filter;
        self.rebuild();
    }

    /// Recomputes what is listed from the local documents, the DMP rows and the filter.
    fn rebuild(&mut self) {
        if !self.local_listed {
            self.integrated = self
                .local
                .iter()
                .filter_map(|d| Some((d.meta.cda_id.clone(), d.reference.stored()?)))
                .collect();
        }
        if self.filter == ListFilter::Dmp || !self.local_listed {
            self.documents.clear();
            self.origins.clear();
            self.local_listed = false;
        }
        if self.filter != ListFilter::Dmp {
            if self.local_listed {
                self.documents.truncate(self.local.len());
                self.origins.truncate(self.local.len());
            } else {
                self.documents.extend(self.local.iter().cloned());
                self.origins
                    .extend(self.local.iter().map(|_| Origin::Local));
                self.local_listed = true;
            }
        }
        if self.filter != ListFilter::Local {
            for (i, r) in self.dmp.rows.iter().enumerate() {
                let integrated = self.integrated.contains_key(&r.unique_id);
                if self.filter == ListFilter::All && integrated {
                    continue;
                }
                self.documents.push(r.summary());
                self.origins.push(Origin::Dmp(i));
            }
        }
        self.chains = chains(&self.documents);
        self.dmp.anchor = None;
        self.refresh();
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

    /// The DMP row index of list row `row`, if it is a DMP one.
    fn dmp_index(&self, row: usize) -> Option<usize> {
        match self.origins.get(self.rows.get(row)?.doc)? {
            Origin::Dmp(i) => Some(*i),
            Origin::Local => None,
        }
    }

    /// Opens list row `row`: the local document, the folder's copy of a DMP one, or the DMP
    /// one read by TD3.2. Its row shows a spinner until it is on screen.
    fn open(&mut self, row: usize) -> Option<Command> {
        let r = self.rows.get(row)?;
        let document = match self.origins.get(r.doc)? {
            Origin::Local => self.documents[r.doc].reference.clone(),
            Origin::Dmp(i) => {
                let dmp = self.dmp.rows.get(*i)?;
                match self.integrated_copy(&dmp.unique_id) {
                    Some(id) => DocumentRef::Stored(id),
                    None => dmp.reference(),
                }
            }
        };
        self.opening = Some(document.clone());
        Some(Command::Send(Request::OpenDocument { document }))
    }

    /// A click on a DMP row's box: toggles it; with Shift, selects every DMP row not yet
    /// integrated between the last click and this one, as listed.
    pub fn select_row(&mut self, row: usize, shift: bool) {
        let range = match (shift, self.dmp.anchor) {
            (true, Some(anchor)) => anchor.min(row)..=anchor.max(row),
            _ => row..=row,
        };
        let picked: Vec<usize> = range
            .filter_map(|r| self.dmp_index(r))
            .filter(|&i| {
                self.dmp
                    .rows
                    .get(i)
                    .is_some_and(|d| !self.integrated.contains_key(&d.unique_id))
            })
            .collect();
        if shift && self.dmp.anchor.is_some() {
            self.dmp.selected.extend(picked);
        } else {
            picked.into_iter().for_each(|i| self.dmp.toggle(i));
        }
        self.dmp.anchor = Some(row);
    }

    /// The request integrating the selection, or the current DMP row.
    pub fn integrate_request(&self) -> Option<Request> {
        self.dmp.integrate_request(
            self.patient,
            &self.integrated,
            self.dmp_index(self.selected),
        )
    }

    fn keyboard(&mut self, ui: &mut egui::Ui, feed_dmp: bool, commands: &mut Vec<Command>) {
        use egui::{Key, Modifiers};
        if ui.ctx().egui_wants_keyboard_input() || self.dmp.confirm_visible.is_some() {
            return;
        }
        // Keys pressed faster than frames arrive in one frame: each press counts.
        let (down, up, enter, history, home, end) = ui.input_mut(|i| {
            (
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::Enter),
                i.consume_key(Modifiers::NONE, Key::H),
                i.consume_key(Modifiers::NONE, Key::Home),
                i.consume_key(Modifiers::NONE, Key::End),
            )
        });
        let (space, integrate, visible) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::NONE, Key::Space),
                i.consume_key(Modifiers::COMMAND, Key::I),
                i.consume_key(Modifiers::COMMAND, Key::M),
            )
        });
        let last = self.rows.len().saturating_sub(1);
        if home {
            self.selected = 0;
        }
        if end {
            self.selected = last;
        }
        self.selected = (self.selected + down).min(last).saturating_sub(up);
        if history {
            self.toggle_history(self.selected);
        }
        if space {
            self.select_row(self.selected, false);
            if feed_dmp {
                self.pick_row(self.selected);
            }
        }
        if integrate && let Some(request) = self.integrate_request() {
            commands.push(Command::Send(request));
        }
        if visible && let Some(i) = self.dmp_index(self.selected) {
            ask_visible(&mut self.dmp, i);
        }
        if enter && let Some(command) = self.open(self.selected) {
            commands.push(command);
        }
    }
}

/// The list: its toolbar, then the table.
pub fn document_list_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    rights: Rights,
    commands: &mut Vec<Command>,
) {
    toolbar::toolbar_ui(ui, i18n, state, rights, commands);
    sharing::sharing_bar_ui(ui, i18n, state, rights, commands);
    if state.is_empty() {
        ui.label(i18n.tr("folder-no-documents"));
        return;
    }
    state.keyboard(ui, rights.feed_dmp, commands);
    table::table_ui(ui, i18n, state, rights, commands);
}

#[cfg(test)]
mod tests;
