//! The DMP side of the folder's document list: the rows the DMP sent (as list entries with
//! their visibility markers), the selection to integrate (click, Shift+click for a range,
//! Space), the multi-criteria search form (Ctrl+F), the confirmation that makes a document
//! visible to the patient and/or the legal representatives (two interactions), and the
//! consultation d'annonce worklist of documents this establishment sent that are still
//! invisible, with their age (the DMP shows them to the patient after three months).

use std::collections::{BTreeSet, HashMap};

use chrono::{Local, NaiveDate};
use egui::{Color32, RichText};
use fluent_bundle::FluentValue;

use crate::domain::dmp::{DmpDocument, DmpEntry, DmpFilter};
use crate::domain::{DocumentId, PatientId, Visibility};
use crate::i18n::I18n;
use crate::ui::Command;
use crate::worker::{Request, TaskId, UserMessage};

/// Days after which the DMP makes a document sent invisible visible to the patient.
pub const AUTO_VISIBLE_DAYS: i64 = 92;

/// Where the DMP list stands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DmpListStatus {
    #[default]
    NotAsked,
    Loading,
    Loaded,
    Failed(UserMessage),
}

/// The DMP's documents of the folder, the selection and the forms. Fields are the document
/// list's (`super::document_list`); the app sees none of them.
#[derive(Debug, Default)]
pub struct DmpList {
    pub(super) rows: Vec<DmpDocument>,
    pub(super) status: DmpListStatus,
    /// Selected rows (indexes in `rows`) to integrate.
    pub(super) selected: BTreeSet<usize>,
    /// Where a Shift+click range starts (a list row).
    pub(super) anchor: Option<usize>,
    pub(super) search: SearchForm,
    pub(super) search_open: bool,
    /// The row waiting for the visibility confirmation.
    pub(super) confirm_visible: Option<VisibilityConfirm>,
    /// Offer the worklist (a consultation d'annonce report was just produced).
    pub(super) announce_offer: bool,
}

/// The confirmation window's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibilityConfirm {
    row: usize,
    to_patient: bool,
    to_legal_representatives: bool,
}

/// The search form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchForm {
    /// `AAAA-MM-JJ` or `JJ/MM/AAAA`, inclusive.
    from: String,
    to: String,
    /// LOINC type code.
    type_code: String,
    /// DMP class code (TRE_A03).
    class_code: String,
    author: String,
    organisation: String,
    invisible_only: bool,
    archived: bool,
    replaced: bool,
    /// Why the last submission was refused (Fluent id).
    error: Option<&'static str>,
}

fn parse_day(text: &str) -> Result<Option<NaiveDate>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| "dmp-search-bad-date")
}

fn non_empty(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl SearchForm {
    /// The search as a domain filter, or why the form is not valid (Fluent id).
    pub fn filter(&self) -> Result<DmpFilter, &'static str> {
        let (from, to) = (parse_day(&self.from)?, parse_day(&self.to)?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err("dmp-search-bad-period");
        }
        Ok(DmpFilter {
            created_from: from,
            created_to: to,
            type_code: non_empty(&self.type_code),
            class_code: non_empty(&self.class_code),
            author: non_empty(&self.author),
            organisation: non_empty(&self.organisation),
            invisible_to_patient_only: self.invisible_only,
            archived: self.archived,
            replaced: self.replaced,
        })
    }
}

impl DmpList {
    /// Documents arrived: the selection is dropped (indexes changed).
    pub fn set_rows(&mut self, rows: Vec<DmpDocument>) {
        self.rows = rows;
        self.status = DmpListStatus::Loaded;
        self.selected.clear();
        self.anchor = None;
        self.confirm_visible = None;
    }

    /// A document's metadata changed (visibility): the DMP gave it a new entry.
    pub fn replace_row(&mut self, previous: &DmpEntry, document: DmpDocument) {
        if let Some(r) = self.rows.iter_mut().find(|r| &r.entry == previous) {
            *r = document;
        }
    }

    /// The TD3.1 the form's filter asks for (the list waits for it), or `None` with the
    /// form's error set.
    pub fn search_request(&mut self, patient: PatientId) -> Option<Request> {
        match self.search.filter() {
            Ok(filter) => {
                self.search.error = None;
                self.status = DmpListStatus::Loading;
                Some(Request::SearchDmp {
                    patient,
                    filter: Box::new(filter),
                })
            }
            Err(e) => {
                self.search.error = Some(e);
                None
            }
        }
    }

    /// Selects or unselects one row.
    pub fn toggle(&mut self, index: usize) {
        if !self.selected.remove(&index) {
            self.selected.insert(index);
        }
    }

    /// The request integrating the selection (or `fallback` when nothing is selected).
    pub fn integrate_request(
        &self,
        patient: PatientId,
        integrated: &HashMap<String, DocumentId>,
        fallback: Option<usize>,
    ) -> Option<Request> {
        let picked: Vec<usize> = if self.selected.is_empty() {
            fallback.into_iter().collect()
        } else {
            self.selected.iter().copied().collect()
        };
        let entries: Vec<DmpEntry> = picked
            .into_iter()
            .filter_map(|i| self.rows.get(i))
            .filter(|r| !integrated.contains_key(&r.unique_id))
            .map(|r| r.entry.clone())
            .collect();
        (!entries.is_empty()).then(|| Request::IntegrateDmp {
            task: TaskId::next(),
            patient,
            entries,
            open: false,
        })
    }

    /// Documents this establishment sent invisible that the patient still cannot see.
    pub fn worklist(&self) -> Vec<usize> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.authored_here && r.visibility.invisible_patient)
            .map(|(i, _)| i)
            .collect()
    }
}

/// The visibility markers of a row (short text, explanation), strongest first.
pub fn visibility_markers(v: Visibility, archived: bool) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if v.invisible_patient {
        out.push(("list-invisible-patient", "list-invisible-patient-help"));
    }
    if v.invisible_legal_reps {
        out.push(("list-invisible-legal", "list-invisible-legal-help"));
    }
    if v.masked_ps {
        out.push(("list-masked", "list-masked-help"));
    }
    if archived {
        out.push(("list-archived", "list-archived-help"));
    }
    out
}

/// Colour of the invisibility markers: they must not be missed.
pub const MARKER_COLOUR: Color32 = Color32::from_rgb(0xB0, 0x30, 0x30);
/// Colour of the DMP provenance sign.
pub const DMP_COLOUR: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xA8);

/// The search form (Ctrl+F opens it).
pub fn search_form_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    list: &mut DmpList,
    patient: PatientId,
    commands: &mut Vec<Command>,
) {
    let form = &mut list.search;
    let mut submit = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        egui::Grid::new("dmp_search")
            .num_columns(4)
            .spacing([8.0, 4.0])
            .show(ui, |ui| {
                let mut field = |ui: &mut egui::Ui, id: &str, value: &mut String| {
                    ui.label(i18n.tr(id));
                    let r = ui.add(
                        egui::TextEdit::singleline(value)
                            .desired_width(140.0)
                            .hint_text(i18n.tr(&format!("{id}-hint"))),
                    );
                    submit |= r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                };
                field(ui, "dmp-search-from", &mut form.from);
                field(ui, "dmp-search-to", &mut form.to);
                ui.end_row();
                field(ui, "dmp-search-type", &mut form.type_code);
                field(ui, "dmp-search-class", &mut form.class_code);
                ui.end_row();
                field(ui, "dmp-search-author", &mut form.author);
                field(ui, "dmp-search-organisation", &mut form.organisation);
                ui.end_row();
            });
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut form.invisible_only, i18n.tr("dmp-search-invisible"));
            ui.checkbox(&mut form.archived, i18n.tr("dmp-search-archived"));
            ui.checkbox(&mut form.replaced, i18n.tr("dmp-search-replaced"));
            submit |= ui.button(i18n.tr("dmp-search-submit")).clicked();
            if ui.button(i18n.tr("dmp-search-reset")).clicked() {
                *form = SearchForm::default();
                submit = true;
            }
        });
        if let Some(error) = form.error {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
    });
    if submit && let Some(request) = list.search_request(patient) {
        commands.push(Command::Send(request));
    }
}

/// The confirmation window of "make visible" (Enter confirms, Escape cancels).
pub fn confirm_visible_ui(
    ctx: &egui::Context,
    i18n: &I18n,
    list: &mut DmpList,
    patient: PatientId,
    commands: &mut Vec<Command>,
) {
    let Some(confirm) = list.confirm_visible.as_mut() else {
        return;
    };
    let Some(row) = list.rows.get(confirm.row).cloned() else {
        list.confirm_visible = None;
        return;
    };
    let mut close = false;
    let mut send = false;
    egui::Window::new(i18n.tr("dmp-visible-title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ctx, |ui| {
            ui.label(RichText::new(&row.meta.title).strong());
            ui.label(i18n.tr("dmp-visible-explain"));
            if row.visibility.invisible_patient {
                ui.checkbox(&mut confirm.to_patient, i18n.tr("dmp-visible-patient"));
            }
            if row.visibility.invisible_legal_reps {
                ui.checkbox(
                    &mut confirm.to_legal_representatives,
                    i18n.tr("dmp-visible-legal"),
                );
            }
            let any = confirm.to_patient || confirm.to_legal_representatives;
            ui.horizontal(|ui| {
                send = ui
                    .add_enabled(any, egui::Button::new(i18n.tr("dmp-visible-confirm")))
                    .clicked()
                    || (any && ui.input(|i| i.key_pressed(egui::Key::Enter)));
                close = ui.button(i18n.tr("dmp-visible-cancel")).clicked()
                    || ui.input(|i| i.key_pressed(egui::Key::Escape));
            });
        });
    if send {
        commands.push(Command::Send(Request::MakeDmpVisible {
            patient,
            entry: row.entry,
            to_patient: confirm.to_patient,
            to_legal_representatives: confirm.to_legal_representatives,
        }));
    }
    if send || close {
        list.confirm_visible = None;
    }
}

/// Asks for the confirmation of making row `index` visible.
pub fn ask_visible(list: &mut DmpList, index: usize) {
    if let Some(r) = list.rows.get(index)
        && r.is_invisible()
    {
        list.confirm_visible = Some(VisibilityConfirm {
            row: index,
            to_patient: r.visibility.invisible_patient,
            to_legal_representatives: r.visibility.invisible_legal_reps,
        });
    }
}

/// The consultation d'annonce worklist: documents sent invisible by this establishment that
/// the patient still cannot see, with their age and when the DMP will show them anyway.
pub fn worklist_ui(ui: &mut egui::Ui, i18n: &I18n, list: &mut DmpList, can_change: bool) {
    let pending = list.worklist();
    if pending.is_empty() {
        // Nothing left to offer once the DMP answered.
        if list.status == DmpListStatus::Loaded {
            list.announce_offer = false;
        }
        return;
    }
    let today = Local::now().date_naive();
    let header = i18n.tr_args(
        "dmp-worklist-title",
        &[("count", FluentValue::from(pending.len()))],
    );
    let mut ask = None;
    let frame = egui::Frame::group(ui.style());
    let frame = if list.announce_offer {
        frame.fill(ui.visuals().warn_fg_color.gamma_multiply(0.15))
    } else {
        frame
    };
    frame.show(ui, |ui| {
        egui::CollapsingHeader::new(RichText::new(header).strong())
            .id_salt("dmp_worklist")
            .default_open(list.announce_offer)
            .open(list.announce_offer.then_some(true))
            .show(ui, |ui| {
                if list.announce_offer {
                    ui.label(i18n.tr("dmp-worklist-offer"));
                }
                for i in pending {
                    let r = &list.rows[i];
                    let created = r.created.map(|t| t.with_timezone(&Local).date_naive());
                    let age = created.map_or(0, |d| (today - d).num_days().max(0));
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(&r.meta.title).strong());
                        ui.label(i18n.tr_args(
                            "dmp-worklist-age",
                            &[
                                ("days", FluentValue::from(age)),
                                ("left", FluentValue::from((AUTO_VISIBLE_DAYS - age).max(0))),
                            ],
                        ));
                        if can_change && ui.small_button(i18n.tr("dmp-make-visible")).clicked() {
                            ask = Some(i);
                        }
                    });
                }
            });
    });
    if let Some(i) = ask {
        ask_visible(list, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_form_builds_the_filter_or_says_what_is_wrong() {
        let form = SearchForm {
            from: "2024-01-01".into(),
            to: "31/12/2024".into(),
            type_code: "11488-4".into(),
            author: " Martin ".into(),
            invisible_only: true,
            archived: true,
            ..SearchForm::default()
        };
        let f = form.filter().expect("valid");
        assert_eq!(f.created_from, NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(f.created_to, NaiveDate::from_ymd_opt(2024, 12, 31));
        assert_eq!(f.type_code.as_deref(), Some("11488-4"));
        assert_eq!(f.class_code, None);
        assert_eq!(f.author.as_deref(), Some("Martin"));
        assert!(f.invisible_to_patient_only && f.archived && !f.replaced);
        let bad = SearchForm {
            from: "hier".into(),
            ..SearchForm::default()
        };
        assert_eq!(bad.filter(), Err("dmp-search-bad-date"));
        let reversed = SearchForm {
            from: "2025-01-01".into(),
            to: "2024-01-01".into(),
            ..SearchForm::default()
        };
        assert_eq!(reversed.filter(), Err("dmp-search-bad-period"));
        assert_eq!(SearchForm::default().filter(), Ok(DmpFilter::default()));
    }
}
