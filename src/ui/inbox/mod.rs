//! "Réception": what the hospital sends. Three tabs — the documents to reconcile
//! (`reconcile`: the identity the sender gave, a patient search pre-filled from it, the
//! proposed folder accepted with one key), the documents received in every folder
//! (`received`), the identity-vigilance alerts (`alerts`) — and, above them, the XDM import
//! and the sandbox's simulated hospital (`tools`). The state lives here; the workers' answers
//! come in through the `on_…` methods.

mod alerts;
mod received;
mod reconcile;
#[cfg(test)]
mod tests;
mod tools;

use egui::RichText;
use fluent_bundle::FluentValue;

pub use received::NEW_COLOUR;

use super::document::DocumentState;
use super::{Command, ScreenCtx};
use crate::domain::{DocumentId, DocumentRef, PatientId};
use crate::intake::xdm_import::XdmReport;
use crate::store::patients::{PatientRow, SearchResult};
use crate::worker::{AlertRow, InboxRow, Operation, ReceivedRow, Request};

/// The inbox's patient searches carry generations from here up, so that their answers are
/// told from the patient list's (which counts from zero).
const SEARCH_GENERATIONS: u64 = 1 << 62;

/// The tabs of the screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InboxTab {
    /// "À rapprocher": documents not filed automatically.
    #[default]
    Reconcile,
    /// "Documents reçus".
    Received,
    /// "Identitovigilance".
    Alerts,
}

/// What the last XDM import did.
#[derive(Debug, Clone, PartialEq, Eq)]
enum XdmOutcome {
    Importing,
    Imported(XdmReport),
    /// Fixed wording from the workers, without patient data.
    Refused(String),
}

/// The patient search of the item being reconciled.
struct PatientSearch {
    query: String,
    generation: u64,
    searching: bool,
    rows: Vec<PatientRow>,
    total: usize,
    /// The INS the sender gave (digits only), to propose the folder that has it.
    sent_ins: Option<String>,
    /// A result the user picked instead of the proposal.
    chosen: Option<usize>,
}

impl Default for PatientSearch {
    fn default() -> Self {
        Self {
            query: String::new(),
            generation: SEARCH_GENERATIONS,
            searching: false,
            rows: Vec::new(),
            total: 0,
            sent_ins: None,
            chosen: None,
        }
    }
}

/// Digits and letters of an INS, without spaces (`2 79 03…` and `27903…` are the same).
fn compact(ins: &str) -> String {
    ins.chars().filter(|c| !c.is_whitespace()).collect()
}

impl PatientSearch {
    /// The result proposed: the one picked, else the first whose INS is the sent one, else
    /// the first.
    fn proposal(&self) -> Option<usize> {
        if self.searching || self.rows.is_empty() {
            return None;
        }
        if let Some(chosen) = self.chosen.filter(|c| *c < self.rows.len()) {
            return Some(chosen);
        }
        let by_ins = self.sent_ins.as_ref().and_then(|sent| {
            self.rows
                .iter()
                .position(|r| r.ins.as_deref().map(compact).as_ref() == Some(sent))
        });
        Some(by_ins.unwrap_or(0))
    }

    fn request(&mut self) -> Request {
        self.generation += 1;
        self.searching = true;
        self.chosen = None;
        Request::SearchPatients {
            generation: self.generation,
            query: self.query.clone(),
        }
    }
}

/// The "Réception" screen's state.
#[derive(Default)]
pub struct InboxState {
    tab: InboxTab,
    items: Vec<InboxRow>,
    received: Vec<ReceivedRow>,
    alerts: Vec<AlertRow>,
    /// The item on screen (id).
    selected: Option<i64>,
    scroll_to_selected: bool,
    search: PatientSearch,
    /// The item being filed, and the folder's name.
    filing: Option<(i64, String)>,
    /// The item being refused.
    refusing: Option<i64>,
    /// The last item filed: in whose folder.
    filed: Option<String>,
    xdm_path: String,
    xdm: Option<XdmOutcome>,
}

impl InboxState {
    /// The requests that fill the screen when it is shown (the selected item's document
    /// again: the viewer may have shown another since).
    pub fn on_show(&mut self) -> Vec<Request> {
        let mut requests = vec![
            Request::Inbox,
            Request::ReceivedDocuments,
            Request::IdentityAlerts,
        ];
        requests.extend(self.selected.map(|item| Request::OpenInboxItem { item }));
        requests
    }

    pub fn tab(&self) -> InboxTab {
        self.tab
    }

    /// Whether a document in the viewer is the selected item's (the screen shows it beside).
    pub fn previews(&self, document: &DocumentRef) -> bool {
        matches!(document, DocumentRef::Received(id) if Some(*id) == self.selected)
    }

    /// `Event::Inbox`: the documents waiting, oldest first. An item that left the list (filed
    /// or refused) leaves the screen; the next one takes its place.
    pub fn on_items(&mut self, items: Vec<InboxRow>) -> Vec<Request> {
        let old_index = self
            .selected
            .and_then(|id| self.items.iter().position(|i| i.id == id));
        self.items = items;
        let Some(selected) = self.selected else {
            return Vec::new();
        };
        if self.items.iter().any(|i| i.id == selected) {
            return Vec::new();
        }
        self.selected = None;
        if self.refusing.take() == Some(selected) {
            return old_index.map(|i| self.select(i)).unwrap_or_default();
        }
        Vec::new()
    }

    /// `Event::ReceivedDocuments`: newest first.
    pub fn on_received(&mut self, rows: Vec<ReceivedRow>) {
        self.received = rows;
    }

    /// `Event::IdentityAlerts`.
    pub fn on_alerts(&mut self, rows: Vec<AlertRow>) {
        self.alerts = rows;
    }

    /// Whether a patient search's answer is the inbox's (its generations are apart).
    pub fn is_search(&self, generation: u64) -> bool {
        generation > SEARCH_GENERATIONS
    }

    /// `Event::Patients` for the inbox's search; stale generations are ignored.
    pub fn on_patients(&mut self, generation: u64, result: SearchResult) {
        if generation != self.search.generation {
            return;
        }
        self.search.searching = false;
        self.search.rows = result.rows;
        self.search.total = result.total;
        self.search.chosen = None;
    }

    /// `Event::InboxFiled`: says where it went and selects the next item.
    pub fn on_filed(
        &mut self,
        item: i64,
        _patient: PatientId,
        _document: DocumentId,
    ) -> Vec<Request> {
        let name = match self.filing.take() {
            Some((id, name)) if id == item => name,
            other => {
                self.filing = other;
                String::new()
            }
        };
        self.filed = Some(name);
        let Some(index) = self.items.iter().position(|i| i.id == item) else {
            return Vec::new();
        };
        self.items.remove(index);
        if self.selected == Some(item) {
            self.selected = None;
            return self.select(index);
        }
        Vec::new()
    }

    /// `Event::XdmImported`.
    pub fn on_xdm_imported(&mut self, report: XdmReport) {
        self.xdm = Some(XdmOutcome::Imported(report));
        self.tab = InboxTab::Reconcile;
    }

    /// `Event::XdmRefused`.
    pub fn on_xdm_refused(&mut self, reason: String) {
        self.xdm = Some(XdmOutcome::Refused(reason));
    }

    /// An archive was dropped on the window: it is being read.
    pub fn on_import_started(&mut self) {
        self.xdm = Some(XdmOutcome::Importing);
    }

    /// A request of this screen failed: it may be made again.
    pub fn on_failed(&mut self, operation: Operation) {
        match operation {
            Operation::SearchPatients => self.search.searching = false,
            Operation::FileInboxItem => self.filing = None,
            Operation::RefuseInboxItem => self.refusing = None,
            Operation::ImportXdm if self.xdm == Some(XdmOutcome::Importing) => self.xdm = None,
            _ => {}
        }
    }

    /// Forgets everything (logout, lock by another user).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    /// Selects item `index` (clamped): the viewer shows it, the search is filled with the
    /// identity its sender gave.
    fn select(&mut self, index: usize) -> Vec<Request> {
        let Some(item) = self
            .items
            .get(index.min(self.items.len().saturating_sub(1)))
        else {
            return Vec::new();
        };
        if self.selected == Some(item.id) {
            return Vec::new();
        }
        let id = item.id;
        self.selected = Some(id);
        self.scroll_to_selected = true;
        self.search.query = item.identity.search_text();
        self.search.sent_ins = item.identity.ins.as_deref().map(compact);
        self.search.rows.clear();
        self.search.total = 0;
        vec![Request::OpenInboxItem { item: id }, self.search.request()]
    }

    fn selected_item(&self) -> Option<&InboxRow> {
        let id = self.selected?;
        self.items.iter().find(|i| i.id == id)
    }

    /// Files the selected item in the proposed folder (one key), unless one is on its way.
    fn file_request(&mut self) -> Option<Request> {
        if self.filing.is_some() {
            return None;
        }
        let item = self.selected?;
        let row = self.search.rows.get(self.search.proposal()?)?;
        self.filing = Some((item, row.display_name.clone()));
        self.filed = None;
        Some(Request::FileInboxItem {
            item,
            patient: row.id,
        })
    }

    fn refuse_request(&mut self) -> Option<Request> {
        let item = self.selected?;
        self.refusing = Some(item);
        Some(Request::RefuseInboxItem { item })
    }
}

/// The screen: its tabs with their counts, the import and simulation tools, the tab shown.
/// `preview` is the selected item's document when the viewer has it.
pub fn inbox_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut InboxState,
    preview: Option<&mut DocumentState>,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal(|ui| {
        ui.heading(RichText::new(i18n.tr("inbox-title")).strong());
        ui.add_space(12.0);
        let tabs = [
            (
                InboxTab::Reconcile,
                i18n.tr_args(
                    "inbox-tab-reconcile",
                    &[("count", FluentValue::from(state.items.len()))],
                ),
            ),
            (InboxTab::Received, i18n.tr("inbox-tab-received")),
            (
                InboxTab::Alerts,
                i18n.tr_args(
                    "inbox-tab-alerts",
                    &[("count", FluentValue::from(state.alerts.len()))],
                ),
            ),
        ];
        for (tab, text) in tabs {
            if ui.selectable_label(state.tab == tab, text).clicked() {
                state.tab = tab;
            }
        }
    });
    tools::tools_ui(ui, ctx, state, commands);
    ui.separator();
    match state.tab {
        InboxTab::Reconcile => reconcile::reconcile_ui(ui, ctx, state, preview, commands),
        InboxTab::Received => received::received_ui(ui, i18n, state, commands),
        InboxTab::Alerts => alerts::alerts_ui(ui, ctx, state, commands),
    }
}
