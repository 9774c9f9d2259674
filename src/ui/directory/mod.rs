//! "Annuaire": the professionals' directory (MSSanté mailboxes from the Annuaire Santé's bulk
//! extract, confirmed by its API when asked). A search as the user types with filters (postal
//! code, city, profession), the results in a table, the directory's state on one line, and for
//! those who may change settings the import of a new extract with its progress. The screen's
//! state is here; `view` draws it, `import` the import panel, `search` is the debounced search
//! the MSSanté form uses too.

mod import;
mod search;
mod view;

use crate::domain::directory::{DirectoryEntry, DirectoryHit};
use crate::i18n::I18n;
use crate::worker::ImportProgress;
use crate::worker::{DirectoryState, Operation, Request, SearchTarget};

pub use search::{DEBOUNCE_S, DirectorySearch, LIMIT};
pub use view::directory_ui;

/// The screen's state.
pub struct DirectoryView {
    search: DirectorySearch,
    /// The directory's state (entries, last import), asked when the screen shows.
    status: Option<DirectoryState>,
    /// The row chosen (the entry's store id).
    selected: Option<i64>,
    import: import::ImportPanel,
    /// The search field takes the keyboard when the screen shows.
    focus_search: bool,
}

impl Default for DirectoryView {
    fn default() -> Self {
        Self {
            search: DirectorySearch::new(SearchTarget::Directory),
            status: None,
            selected: None,
            import: import::ImportPanel::default(),
            focus_search: true,
        }
    }
}

impl DirectoryView {
    /// What to ask when the screen shows: the directory's state, and the results of the
    /// query typed before (entries may have changed since).
    pub fn on_show(&mut self) -> Vec<Request> {
        self.focus_search = true;
        let mut requests = vec![Request::DirectoryStatus];
        if !self.search.is_empty_query() {
            requests.push(self.search.request());
        }
        requests
    }

    /// `Event::DirectoryResults` for this screen.
    pub fn on_results(&mut self, seq: u64, hits: Vec<DirectoryHit>, online: bool) {
        if self.search.on_results(seq, hits, online)
            && let Some(id) = self.selected
            && !self.search.hits().iter().any(|h| h.id == id)
        {
            self.selected = None;
        }
    }

    /// `Event::DirectoryStatus`.
    pub fn on_status(&mut self, state: DirectoryState) {
        self.import.on_status(state.importing);
        self.status = Some(state);
    }

    /// `Event::DirectoryImportProgress`.
    pub fn on_import_progress(&mut self, progress: ImportProgress) {
        self.import.on_progress(progress);
    }

    /// `Event::DirectoryImported` (`entries` written, `skipped` lines): the directory was
    /// replaced; its state is read again and what is on screen searched again. Returns the
    /// requests to send.
    pub fn on_imported(&mut self, entries: u64, skipped: u64) -> Vec<Request> {
        self.import.on_imported(entries, skipped);
        if let Some(s) = self.status.as_mut() {
            s.entries = entries;
            s.importing = None;
        }
        let mut requests = vec![Request::DirectoryStatus];
        if !self.search.is_empty_query() {
            requests.push(self.search.request());
        }
        requests
    }

    /// A request of this screen failed: its spinner stops and it says why. True when it was
    /// this screen's (no notice then).
    pub fn on_failed(&mut self, operation: Operation, message: &'static str) -> bool {
        match operation {
            Operation::SearchDirectory | Operation::SearchDirectoryOnline => {
                self.search.on_failed(operation, message)
            }
            Operation::ImportDirectory => self.import.on_failed(message),
            _ => false,
        }
    }

    /// Forgets everything (logout).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    fn selected_entry(&self) -> Option<&DirectoryEntry> {
        let id = self.selected?;
        self.search
            .hits()
            .iter()
            .find(|h| h.id == id)
            .map(|h| &h.entry)
    }
}

/// "Dr", "Pr", "Mme", "M." from the extract's civility code; empty when unknown.
pub fn civility_text(code: &str) -> &'static str {
    match code.trim().to_ascii_uppercase().as_str() {
        "DR" => "Dr",
        "PR" => "Pr",
        "MME" => "Mme",
        "M" => "M.",
        "MLLE" => "Mlle",
        _ => "",
    }
}

/// "Médecin · Médecine générale": the profession and the specialty known.
pub fn profession_text(e: &DirectoryEntry) -> String {
    [e.profession_label.trim(), e.specialty_label.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "CHU de Nantes · Service de cardiologie": the organisation and the service.
pub fn structure_text(e: &DirectoryEntry) -> String {
    let organisation = if e.organisation.trim().is_empty() {
        e.trade_name.trim()
    } else {
        e.organisation.trim()
    };
    [organisation, e.service.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// "123 456": a count with thin groups, as French users read it.
pub fn count_text(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202F}');
        }
        out.push(c);
    }
    out
}

/// The status line: "123 456 correspondants · import du 05/12/2026 (…zip)".
pub fn status_text(i18n: &I18n, state: &DirectoryState) -> String {
    use fluent_bundle::FluentValue;
    let mut text = i18n.tr_args(
        "directory-status-entries",
        &[
            ("count", FluentValue::from(state.entries as f64)),
            ("shown", FluentValue::from(count_text(state.entries))),
        ],
    );
    match &state.last_import {
        Some(info) => {
            text.push_str(" · ");
            text.push_str(
                &i18n.tr_args(
                    "directory-status-import",
                    &[
                        (
                            "date",
                            FluentValue::from(
                                info.imported_at
                                    .with_timezone(&chrono::Local)
                                    .format("%d/%m/%Y")
                                    .to_string(),
                            ),
                        ),
                        ("source", FluentValue::from(info.source.as_str())),
                    ],
                ),
            );
        }
        None => {
            text.push_str(" · ");
            text.push_str(&i18n.tr("directory-status-never"));
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_in_groups_of_three() {
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(999), "999");
        assert_eq!(count_text(123_456), "123\u{202F}456");
        assert_eq!(count_text(1_234_567), "1\u{202F}234\u{202F}567");
    }

    #[test]
    fn civilities_are_written_as_read() {
        assert_eq!(civility_text("DR"), "Dr");
        assert_eq!(civility_text("mme"), "Mme");
        assert_eq!(civility_text("X"), "");
    }
}
