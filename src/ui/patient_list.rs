//! The patient list: a search box (name, INS, IPP or birth date), a count, and a virtualised
//! table that only lays out the visible rows, so 10,000 patients scroll as fast as 10.
//! Arrow keys and Page Up/Down move the selection, Enter opens the folder, a click opens it.

use egui::{Key, Modifiers, RichText};
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::Command;
use super::widgets::{date_text, identity_badge_ui};
use crate::i18n::I18n;
use crate::store::patients::{PatientRow, SearchResult};
use crate::worker::Request;

/// Height of one row, in points.
pub const ROW_HEIGHT: f32 = 26.0;

/// State of the list between frames.
#[derive(Default)]
pub struct PatientListState {
    query: String,
    rows: Vec<PatientRow>,
    total: usize,
    /// Generation of the last search sent; older answers are ignored.
    generation: u64,
    searching: bool,
    selected: Option<usize>,
    scroll_to_selected: bool,
    request_focus: bool,
}

impl PatientListState {
    /// The request for the current query, with a new generation.
    pub fn search_request(&mut self) -> Request {
        self.generation += 1;
        self.searching = true;
        Request::SearchPatients {
            generation: self.generation,
            query: self.query.clone(),
        }
    }

    /// The search box gets the keyboard at the next frame.
    pub fn focus_search(&mut self) {
        self.request_focus = true;
    }

    /// Selects row `index` (clamped) and scrolls to it.
    pub fn select(&mut self, index: usize) {
        if !self.rows.is_empty() {
            self.selected = Some(index.min(self.rows.len() - 1));
            self.scroll_to_selected = true;
        }
    }

    /// A search failed: stop waiting for it.
    pub fn on_search_failed(&mut self) {
        self.searching = false;
    }

    /// Takes a search answer unless a newer search was sent since (`Event::Patients`).
    pub fn apply(&mut self, generation: u64, result: SearchResult) {
        if generation != self.generation {
            return;
        }
        self.searching = false;
        self.total = result.total;
        self.rows = result.rows;
        self.selected = (!self.rows.is_empty()).then_some(0);
        self.scroll_to_selected = true;
    }

    /// Forgets every row (on logout or lock).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    fn open(&self, index: usize) -> Option<Command> {
        let p = self.rows.get(index)?;
        Some(Command::Send(Request::OpenFolder { patient: p.id }))
    }

    fn move_selection(&mut self, delta: isize) {
        if self.rows.is_empty() {
            return;
        }
        let last = self.rows.len() - 1;
        let current = self.selected.unwrap_or(0);
        let next = current.saturating_add_signed(delta).min(last);
        self.selected = Some(next);
        self.scroll_to_selected = true;
    }
}

pub fn patient_list_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut PatientListState,
    commands: &mut Vec<Command>,
) {
    keyboard(state, ui, commands);

    ui.horizontal(|ui| {
        ui.heading(i18n.tr("patients-title"));
        ui.add_space(16.0);
        let label = ui.label(i18n.tr("patients-search"));
        let search = ui
            .add(
                egui::TextEdit::singleline(&mut state.query)
                    .hint_text(i18n.tr("patients-search-hint"))
                    .desired_width(420.0),
            )
            .labelled_by(label.id);
        if state.request_focus {
            search.request_focus();
            state.request_focus = false;
        }
        if search.changed() {
            commands.push(Command::Send(state.search_request()));
        }
        if state.searching {
            ui.spinner();
        }
    });
    ui.label(
        RichText::new(i18n.tr_args(
            "patients-count",
            &[("count", FluentValue::from(state.total))],
        ))
        .small(),
    );
    ui.separator();

    if state.rows.is_empty() && !state.searching {
        ui.label(i18n.tr("patients-none"));
        return;
    }
    let today = chrono::Local::now().date_naive();
    // Rows are clicked as a whole: labels must not take the click for text selection.
    ui.style_mut().interaction.selectable_labels = false;
    let mut clicked = None;
    let mut table = TableBuilder::new(ui)
        .id_salt("patients_table")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::remainder().at_least(220.0).clip(true))
        .column(Column::exact(180.0))
        .column(Column::exact(60.0))
        .column(Column::exact(110.0))
        .column(Column::exact(190.0))
        .column(Column::exact(170.0));
    if state.scroll_to_selected
        && let Some(row) = state.selected
    {
        table = table.scroll_to_row(row, None);
        state.scroll_to_selected = false;
    }
    table
        .header(24.0, |mut header| {
            for id in [
                "patients-col-name",
                "patients-col-birth",
                "patients-col-sex",
                "patients-col-ipp",
                "patients-col-ins",
                "patients-col-identity",
            ] {
                header.col(|ui| {
                    ui.strong(i18n.tr(id));
                });
            }
        })
        .body(|body| {
            body.rows(ROW_HEIGHT, state.rows.len(), |mut row| {
                let index = row.index();
                let p = &state.rows[index];
                row.set_selected(state.selected == Some(index));
                row.col(|ui| {
                    ui.label(RichText::new(&p.display_name).strong());
                });
                row.col(|ui| {
                    ui.label(format!(
                        "{} ({})",
                        date_text(p.birth_date),
                        i18n.tr_args(
                            "patients-age",
                            &[(
                                "years",
                                FluentValue::from(super::widgets::age_years(p.birth_date, today)),
                            )]
                        )
                    ));
                });
                row.col(|ui| {
                    ui.label(p.sex.code());
                });
                row.col(|ui| {
                    ui.monospace(&p.ipp);
                });
                row.col(|ui| {
                    ui.monospace(p.ins.as_deref().unwrap_or("—"));
                });
                row.col(|ui| {
                    identity_badge_ui(ui, i18n, p.status);
                });
                if row.response().clicked() {
                    clicked = Some(index);
                }
            });
        });
    if let Some(index) = clicked {
        state.selected = Some(index);
        commands.extend(state.open(index));
    }
}

/// Arrow keys and Page Up/Down move the selection; Enter opens. Consumed before the search
/// box sees them, so typing and navigating work together.
fn keyboard(state: &mut PatientListState, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    // Keys pressed faster than frames arrive in one frame: each press counts.
    let (down, up, page_down, page_up, enter) = ui.input_mut(|i| {
        (
            i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
            i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
            i.count_and_consume_key(Modifiers::NONE, Key::PageDown),
            i.count_and_consume_key(Modifiers::NONE, Key::PageUp),
            i.consume_key(Modifiers::NONE, Key::Enter),
        )
    });
    let steps = |n: usize| isize::try_from(n).unwrap_or(isize::MAX);
    let delta = (steps(down) - steps(up))
        .saturating_add((steps(page_down) - steps(page_up)).saturating_mul(10));
    if delta != 0 {
        state.move_selection(delta);
    }
    if enter && let Some(command) = state.selected.and_then(|i| state.open(i)) {
        commands.push(command);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{IdentityStatus, PatientId, Sex};

    fn rows(n: usize) -> SearchResult {
        SearchResult {
            rows: (0..n)
                .map(|i| PatientRow {
                    id: PatientId(i as i64),
                    display_name: format!("P{i}"),
                    birth_date: chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
                    sex: Sex::Female,
                    ipp: i.to_string(),
                    ins: None,
                    status: IdentityStatus::Provisoire,
                })
                .collect(),
            total: n,
        }
    }

    #[test]
    fn stale_answers_are_ignored() {
        let mut s = PatientListState::default();
        let _first = s.search_request();
        let _second = s.search_request();
        s.apply(1, rows(3));
        assert!(s.rows.is_empty());
        s.apply(2, rows(2));
        assert_eq!(s.rows.len(), 2);
        assert_eq!(s.selected, Some(0));
    }

    #[test]
    fn selection_stays_in_bounds() {
        let mut s = PatientListState::default();
        let _ = s.search_request();
        s.apply(1, rows(5));
        s.move_selection(-1);
        assert_eq!(s.selected, Some(0));
        s.move_selection(10);
        assert_eq!(s.selected, Some(4));
        s.move_selection(-2);
        assert_eq!(s.selected, Some(2));
    }

    /// Arrows typed faster than frames all count (a screenshot script once lost two).
    #[test]
    fn issue12_arrows_pressed_within_one_frame_all_move_the_selection() {
        let mut state = PatientListState::default();
        let _ = state.search_request();
        state.apply(1, rows(6));
        let mut h = egui_kittest::Harness::builder()
            .with_size(egui::vec2(1200.0, 500.0))
            .build_ui_state(
                |ui, state: &mut PatientListState| {
                    let i18n = I18n::default();
                    let mut commands = Vec::new();
                    patient_list_ui(ui, &i18n, state, &mut commands);
                },
                state,
            );
        h.run();
        for _ in 0..3 {
            h.key_press(Key::ArrowDown);
        }
        h.run();
        assert_eq!(h.state().selected, Some(3));
    }
}
