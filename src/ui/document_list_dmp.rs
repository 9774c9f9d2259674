//! The DMP side of the folder's document list: the rows the DMP sent (as list entries with
//! their visibility markers), the selection to integrate (click, Shift+click for a range,
//! Space), the multi-criteria search form (Ctrl+F), the confirmation that makes a document
//! visible to the patient and/or the legal representatives (two interactions), and the
//! consultation d'annonce worklist of documents this establishment sent that are still
//! invisible, with their age (the DMP shows them to the patient after three months).

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Local, NaiveDate, TimeZone, Utc};
use egui::{Color32, RichText};
use fluent_bundle::FluentValue;

use super::Command;
use crate::dmp::consult::{DmpDocumentRow, SearchCriteria, VisibilityFilter};
use crate::dmp::xds::{AvailabilityStatus, Code, OID_CLASS_CODE, OID_LOINC, TimeRange};
use crate::domain::{DocumentId, DocumentSummary, PatientId, Visibility};
use crate::i18n::I18n;
use crate::worker::{DmpListRow, DmpToIntegrate, Request, TaskId, UserMessage};

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

/// The DMP's rows of the folder, the selection and the forms.
#[derive(Debug, Default)]
pub struct DmpList {
    pub rows: Vec<DmpListRow>,
    pub status: DmpListStatus,
    /// Selected rows (indexes in `rows`) to integrate.
    pub selected: BTreeSet<usize>,
    /// Where a Shift+click range starts (a list row).
    pub anchor: Option<usize>,
    pub search: SearchForm,
    pub search_open: bool,
    /// The row waiting for the visibility confirmation.
    pub confirm_visible: Option<VisibilityConfirm>,
    /// Offer the worklist (a consultation d'annonce report was just produced).
    pub announce_offer: bool,
}

/// The confirmation window's choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisibilityConfirm {
    pub row: usize,
    pub to_patient: bool,
    pub to_legal_representatives: bool,
}

/// The search form's fields, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchForm {
    /// `AAAA-MM-JJ`, inclusive.
    pub from: String,
    pub to: String,
    /// LOINC type code.
    pub type_code: String,
    /// DMP class code (TRE_A03).
    pub class_code: String,
    pub author: String,
    pub organisation: String,
    pub invisible_only: bool,
    pub archived: bool,
    pub replaced: bool,
    /// Why the last submission was refused (Fluent id).
    pub error: Option<&'static str>,
}

fn parse_day(text: &str, end_of_day: bool) -> Result<Option<DateTime<Utc>>, &'static str> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y"))
        .map_err(|_| "dmp-search-bad-date")?;
    let time = if end_of_day {
        day.and_hms_opt(23, 59, 59)
    } else {
        day.and_hms_opt(0, 0, 0)
    };
    Ok(time
        .and_then(|t| Local.from_local_datetime(&t).earliest())
        .map(|t| t.with_timezone(&Utc)))
}

fn non_empty(text: &str) -> Option<String> {
    Some(text.trim().to_owned()).filter(|t| !t.is_empty())
}

impl SearchForm {
    /// The criteria, or why the form is not valid (Fluent id).
    pub fn criteria(&self) -> Result<SearchCriteria, &'static str> {
        let created = TimeRange {
            from: parse_day(&self.from, false)?,
            to: parse_day(&self.to, true)?,
        };
        if let (Some(from), Some(to)) = (created.from, created.to)
            && from > to
        {
            return Err("dmp-search-bad-period");
        }
        let mut statuses = vec![AvailabilityStatus::Approved];
        if self.archived {
            statuses.push(AvailabilityStatus::Archived);
        }
        if self.replaced {
            statuses.push(AvailabilityStatus::Deprecated);
        }
        Ok(SearchCriteria {
            created,
            type_codes: non_empty(&self.type_code)
                .map(|c| Code::new(&c, OID_LOINC, ""))
                .into_iter()
                .collect(),
            class_codes: non_empty(&self.class_code)
                .map(|c| Code::new(&c, OID_CLASS_CODE, ""))
                .into_iter()
                .collect(),
            author: non_empty(&self.author),
            organisation: non_empty(&self.organisation),
            statuses,
            visibility: if self.invisible_only {
                VisibilityFilter::InvisibleToPatient
            } else {
                VisibilityFilter::Any
            },
            ..SearchCriteria::default()
        })
    }
}

/// A DMP row as a list entry (not stored: `DocumentId::NOT_STORED`).
pub fn summary_of(patient: PatientId, row: &DmpDocumentRow) -> DocumentSummary {
    let mut meta = row.entry().to_meta();
    if meta.act_date.is_none() {
        meta.act_date = meta.created;
    }
    DocumentSummary::not_stored(patient, meta, row.visibility())
}

impl DmpList {
    /// Rows arrived: the selection is dropped (indexes changed).
    pub fn set_rows(&mut self, rows: Vec<DmpListRow>) {
        self.rows = rows;
        self.status = DmpListStatus::Loaded;
        self.selected.clear();
        self.anchor = None;
        self.confirm_visible = None;
    }

    /// A row's metadata changed (visibility): the DMP gave it a new entry.
    pub fn replace_row(&mut self, previous_entry: &str, row: DmpDocumentRow) {
        if let Some(r) = self
            .rows
            .iter_mut()
            .find(|r| r.row.entry_uuid == previous_entry)
        {
            r.row = row;
        }
    }

    /// The TD3.1 the form's criteria ask for (the list waits for it), or `None` with the
    /// form's error set.
    pub fn search_request(&mut self, patient: PatientId) -> Option<Request> {
        match self.search.criteria() {
            Ok(criteria) => {
                self.search.error = None;
                self.status = DmpListStatus::Loading;
                Some(Request::SearchDmp {
                    patient,
                    criteria: Box::new(criteria),
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
        let documents: Vec<DmpToIntegrate> = picked
            .into_iter()
            .filter_map(|i| self.rows.get(i))
            .filter(|r| !integrated.contains_key(&r.row.unique_id))
            .map(|r| DmpToIntegrate {
                row: r.row.clone(),
                raw: None,
            })
            .collect();
        (!documents.is_empty()).then(|| Request::IntegrateDmp {
            task: TaskId::next(),
            patient,
            documents,
            open: false,
        })
    }

    /// Documents this establishment sent invisible that the patient still cannot see.
    pub fn worklist(&self) -> Vec<usize> {
        self.rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.own && r.row.invisible_to_patient)
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
    let Some(row) = list.rows.get(confirm.row).map(|r| r.row.clone()) else {
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
            ui.label(RichText::new(&row.title).strong());
            ui.label(i18n.tr("dmp-visible-explain"));
            if row.invisible_to_patient {
                ui.checkbox(&mut confirm.to_patient, i18n.tr("dmp-visible-patient"));
            }
            if row.invisible_to_legal_representatives {
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
            row: Box::new(row),
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
        && r.row.is_invisible()
    {
        list.confirm_visible = Some(VisibilityConfirm {
            row: index,
            to_patient: r.row.invisible_to_patient,
            to_legal_representatives: r.row.invisible_to_legal_representatives,
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
                    let r = &list.rows[i].row;
                    let created = r.created.map(|t| t.with_timezone(&Local).date_naive());
                    let age = created.map_or(0, |d| (today - d).num_days().max(0));
                    ui.horizontal(|ui| {
                        ui.label(RichText::new(&r.title).strong());
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
    fn search_form_builds_the_criteria_or_says_what_is_wrong() {
        let form = SearchForm {
            from: "2024-01-01".into(),
            to: "31/12/2024".into(),
            type_code: "11488-4".into(),
            author: " Martin ".into(),
            invisible_only: true,
            archived: true,
            ..SearchForm::default()
        };
        let c = form.criteria().expect("valid");
        assert!(c.created.from.is_some() && c.created.to.is_some());
        assert_eq!(c.type_codes[0].code, "11488-4");
        assert_eq!(c.type_codes[0].scheme, OID_LOINC);
        assert_eq!(c.author.as_deref(), Some("Martin"));
        assert_eq!(c.visibility, VisibilityFilter::InvisibleToPatient);
        assert_eq!(
            c.statuses,
            vec![AvailabilityStatus::Approved, AvailabilityStatus::Archived]
        );
        let bad = SearchForm {
            from: "hier".into(),
            ..SearchForm::default()
        };
        assert_eq!(bad.criteria(), Err("dmp-search-bad-date"));
        let reversed = SearchForm {
            from: "2025-01-01".into(),
            to: "2024-01-01".into(),
            ..SearchForm::default()
        };
        assert_eq!(reversed.criteria(), Err("dmp-search-bad-period"));
    }
}
