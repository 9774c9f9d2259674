//! A directory search as the user types, shared by the Annuaire screen and the MSSanté form's
//! recipient field: the words and filters, a pause of [`DEBOUNCE_S`] measured on the frame
//! clock before a `Request::SearchDirectory` leaves, sequence numbers so that a late answer to
//! an older query is ignored, and the Annuaire Santé asked on demand.

use crate::domain::directory::{DirectoryHit, DirectoryQuery};
use crate::i18n::I18n;
use crate::worker::{Operation, Request, SearchTarget};

/// How long the typing pauses before the search leaves, in seconds.
pub const DEBOUNCE_S: f64 = 0.15;
/// Most results a search asks for.
pub const LIMIT: usize = 100;

/// The words typed, the filters, and the answers.
pub struct DirectorySearch {
    target: SearchTarget,
    text: String,
    postal_code: String,
    city: String,
    profession: String,
    /// The sequence number of the last request sent (local or online).
    seq: u64,
    /// When the query last changed and has not been sent yet (frame time, seconds).
    changed_at: Option<f64>,
    hits: Vec<DirectoryHit>,
    /// A local search is on its way.
    searching: bool,
    /// An Annuaire Santé search is on its way.
    online_pending: bool,
    /// The hits on screen are what the Annuaire Santé answered.
    from_online: bool,
    /// Why the last search failed (Fluent id); the hits before it stay.
    message: Option<&'static str>,
}

impl DirectorySearch {
    pub fn new(target: SearchTarget) -> Self {
        Self {
            target,
            text: String::new(),
            postal_code: String::new(),
            city: String::new(),
            profession: String::new(),
            seq: 0,
            changed_at: None,
            hits: Vec::new(),
            searching: false,
            online_pending: false,
            from_online: false,
            message: None,
        }
    }

    pub fn hits(&self) -> &[DirectoryHit] {
        &self.hits
    }

    pub fn message(&self) -> Option<&'static str> {
        self.message
    }

    /// Nothing typed in the text nor in the filters.
    pub fn is_empty_query(&self) -> bool {
        [&self.text, &self.postal_code, &self.city, &self.profession]
            .iter()
            .all(|s| s.trim().is_empty())
    }

    /// A search is on its way or about to leave.
    pub fn is_waiting(&self) -> bool {
        self.searching || self.changed_at.is_some()
    }

    pub fn is_online_pending(&self) -> bool {
        self.online_pending
    }

    pub fn from_online(&self) -> bool {
        self.from_online
    }

    /// What the fields ask.
    pub fn query(&self) -> DirectoryQuery {
        let some = |s: &str| {
            let s = s.trim();
            (!s.is_empty()).then(|| s.to_owned())
        };
        DirectoryQuery {
            text: self.text.trim().to_owned(),
            postal_code: some(&self.postal_code),
            city: some(&self.city),
            profession: some(&self.profession),
            limit: LIMIT,
        }
    }

    /// The query changed at `now` (frame time): the search leaves after the pause.
    pub fn changed(&mut self, now: f64) {
        self.changed_at = Some(now);
    }

    /// The search to send now: the query is the same for [`DEBOUNCE_S`]. An empty query
    /// clears the results instead (and an answer on its way is ignored).
    pub fn due(&mut self, now: f64) -> Option<Request> {
        let at = self.changed_at?;
        if now - at < DEBOUNCE_S {
            return None;
        }
        self.changed_at = None;
        self.online_pending = false;
        if self.is_empty_query() {
            self.seq += 1;
            self.hits.clear();
            self.searching = false;
            self.message = None;
            return None;
        }
        Some(self.request())
    }

    /// The local search of the current query, sent at once.
    pub fn request(&mut self) -> Request {
        self.seq += 1;
        self.searching = true;
        self.message = None;
        Request::SearchDirectory {
            target: self.target,
            query: self.query(),
            seq: self.seq,
        }
    }

    /// The current query asked of the Annuaire Santé too; `None` for an empty query.
    pub fn online_request(&mut self) -> Option<Request> {
        if self.is_empty_query() {
            return None;
        }
        self.changed_at = None;
        self.seq += 1;
        self.searching = false;
        self.online_pending = true;
        self.message = None;
        Some(Request::SearchDirectoryOnline {
            target: self.target,
            query: self.query(),
            seq: self.seq,
        })
    }

    /// `Event::DirectoryResults` for this field: an answer to an older query is ignored.
    /// True when taken.
    pub fn on_results(&mut self, seq: u64, hits: Vec<DirectoryHit>, online: bool) -> bool {
        if seq != self.seq {
            return false;
        }
        self.hits = hits;
        self.searching = false;
        self.online_pending = false;
        self.from_online = online;
        true
    }

    /// A search failed: the spinner stops and the message shows; the results stay. True when
    /// it was this field's.
    pub fn on_failed(&mut self, operation: Operation, message: &'static str) -> bool {
        match operation {
            Operation::SearchDirectory if self.searching => {
                self.searching = false;
            }
            Operation::SearchDirectoryOnline if self.online_pending => {
                self.online_pending = false;
            }
            _ => return false,
        }
        self.message = Some(message);
        true
    }

    /// The text field, labelled (its label is its accessible name), with its hint.
    pub fn text_field_ui(
        &mut self,
        ui: &mut egui::Ui,
        i18n: &I18n,
        label: &str,
        hint: &str,
        width: f32,
    ) -> egui::Response {
        let now = ui.input(|i| i.time);
        let label = ui.label(i18n.tr(label));
        let response = ui
            .add(
                egui::TextEdit::singleline(&mut self.text)
                    .hint_text(i18n.tr(hint))
                    .desired_width(width),
            )
            .labelled_by(label.id);
        if response.changed() {
            self.changed(now);
        }
        response
    }

    /// The filters: postal code, city, profession.
    pub fn filters_ui(&mut self, ui: &mut egui::Ui, i18n: &I18n) {
        let now = ui.input(|i| i.time);
        let mut changed = false;
        for (key, value, width) in [
            ("directory-postal-code", &mut self.postal_code, 64.0),
            ("directory-city", &mut self.city, 130.0),
            ("directory-profession", &mut self.profession, 130.0),
        ] {
            let label = ui.label(i18n.tr(key));
            changed |= ui
                .add(egui::TextEdit::singleline(value).desired_width(width))
                .labelled_by(label.id)
                .changed();
        }
        if changed {
            self.changed(now);
        }
    }

    /// Once per frame after the fields: the search that is due, and a repaint while one waits.
    pub fn tick(&mut self, ui: &egui::Ui) -> Option<Request> {
        let now = ui.input(|i| i.time);
        if self.changed_at.is_some() {
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(DEBOUNCE_S));
        }
        self.due(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_waits_for_a_pause_and_ignores_stale_answers() {
        let mut s = DirectorySearch::new(SearchTarget::Directory);
        s.text = "dur".into();
        s.changed(1.0);
        assert!(s.due(1.1).is_none(), "still typing");
        let Some(Request::SearchDirectory { seq: first, .. }) = s.due(1.2) else {
            panic!("due after the pause");
        };
        s.text = "durand".into();
        s.changed(1.3);
        let Some(Request::SearchDirectory {
            seq: second, query, ..
        }) = s.due(1.5)
        else {
            panic!("second search");
        };
        assert_eq!(query.text, "durand");
        assert!(
            !s.on_results(first, Vec::new(), false),
            "stale answer ignored"
        );
        assert!(s.is_waiting());
        assert!(s.on_results(second, Vec::new(), false));
        assert!(!s.is_waiting());
    }

    #[test]
    fn an_online_failure_keeps_the_local_results_and_says_why() {
        let mut s = DirectorySearch::new(SearchTarget::Recipients);
        assert!(s.online_request().is_none(), "nothing to ask");
        s.postal_code = "75016".into();
        assert!(s.online_request().is_some());
        assert!(!s.on_failed(Operation::SearchDirectory, "x"));
        assert!(s.on_failed(
            Operation::SearchDirectoryOnline,
            "error-annuaire-unavailable"
        ));
        assert_eq!(s.message(), Some("error-annuaire-unavailable"));
        assert!(!s.is_online_pending());
    }
}
