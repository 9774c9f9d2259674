//! The production form: the physician picks the kind of document (lettre de liaison, CR
//! opératoire, ordonnance, CR de consultation) and the episode, fills one text per section and
//! the medication lines, and produces the document (CDA N3 with its PDF copy, with the "INS à
//! scanner" DataMatrix when the identity is qualified). The workers do the writing. At
//! validation the "Partage" block says whether the document goes to the DMP and who may see
//! it there, with defaults by kind (`default_visibility`).

use egui::RichText;

use super::widgets::datetime_text;
use super::{Command, Screen};
use crate::cda::produce::DocumentKind;
use crate::cda::produce::form::{FormMedication, ProductionForm, empty_form, kind_from_code};
use crate::domain::{Episode, EpisodeId, PatientId, Visibility};
use crate::i18n::I18n;
use crate::worker::{Request, SharingChoice};

/// LOINC type codes of results (biology, imaging, pathology): the patient learns them from a
/// professional first, so they reach the DMP invisible to the patient by default.
const RESULT_TYPE_CODES: [&str; 3] = ["11502-2", "18748-4", "11526-1"];

/// Who may see a document of this LOINC type code in the DMP, by default: results invisible to
/// the patient (until the consultation d'annonce), everything else visible.
pub fn default_visibility(type_code: &str) -> Visibility {
    Visibility {
        invisible_patient: RESULT_TYPE_CODES.contains(&type_code),
        ..Visibility::default()
    }
}

/// The sharing choice a kind starts with: sent to the DMP, with its default visibility.
fn default_sharing(kind: DocumentKind) -> SharingChoice {
    SharingChoice {
        send_to_dmp: true,
        visibility: default_visibility(kind.loinc()),
    }
}

/// The form being filled.
pub struct ProduceState {
    patient: PatientId,
    patient_name: String,
    episodes: Vec<Episode>,
    episode: Option<EpisodeId>,
    form: ProductionForm,
    pending: bool,
    error: Option<&'static str>,
    /// The identity is qualified: the INS and its DataMatrix go into the document.
    ins_usable: bool,
    /// A CR of a consultation d'annonce: the folder then offers to make the establishment's
    /// invisible DMP documents visible.
    announcement: bool,
    /// Whether and how the document goes to the DMP.
    sharing: SharingChoice,
    /// A new version of this document (its title): it replaces it, in the DMP too.
    replaces: Option<(crate::domain::DocumentId, String)>,
}

impl ProduceState {
    pub fn new(
        patient: PatientId,
        patient_name: String,
        episodes: Vec<Episode>,
        ins_usable: bool,
    ) -> Self {
        // The open episode if any, else the most recent one.
        let episode = episodes
            .iter()
            .find(|e| e.is_open())
            .or_else(|| episodes.first())
            .map(|e| e.id);
        Self {
            patient,
            patient_name,
            episodes,
            episode,
            form: empty_form(DocumentKind::LettreLiaisonSortie),
            pending: false,
            error: None,
            ins_usable,
            announcement: false,
            sharing: default_sharing(DocumentKind::LettreLiaisonSortie),
            replaces: None,
        }
    }

    /// The form for a new version of `document` (same kind and title, the visibility it had):
    /// once produced it replaces the earlier version, in the DMP too.
    pub fn replacing(
        mut self,
        document: crate::domain::DocumentId,
        type_code: &str,
        title: &str,
        visibility: Visibility,
    ) -> Self {
        if let Some(kind) = DocumentKind::ALL
            .into_iter()
            .find(|k| k.loinc() == type_code)
        {
            self.form = empty_form(kind);
        }
        self.form.title = title.to_owned();
        self.sharing.visibility = visibility;
        self.replaces = Some((document, title.to_owned()));
        self
    }

    /// A consultation d'annonce report is being produced.
    pub fn is_announcement(&self) -> bool {
        self.announcement && self.kind() == DocumentKind::CompteRenduConsultation
    }

    /// Producing failed: the form says why and can be sent again.
    pub fn on_failed(&mut self, message_id: &'static str) {
        self.pending = false;
        self.error = Some(message_id);
    }

    fn kind(&self) -> DocumentKind {
        kind_from_code(&self.form.kind).unwrap_or(DocumentKind::LettreLiaisonSortie)
    }
}

fn kind_label_key(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::LettreLiaisonSortie => "produce-kind-ldl",
        DocumentKind::CompteRenduOperatoire => "produce-kind-cro",
        DocumentKind::OrdonnanceSortie => "produce-kind-ordonnance",
        DocumentKind::CompteRenduConsultation => "produce-kind-crc",
    }
}

fn episode_label(i18n: &I18n, e: &Episode) -> String {
    format!(
        "{} — {} — {}",
        i18n.tr(e.kind.label_key()),
        datetime_text(e.start),
        e.unit
    )
}

pub fn produce_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut ProduceState,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        if ui.button(i18n.tr("doc-back")).clicked() {
            commands.push(Command::Navigate(Screen::Folder));
        }
        ui.heading(i18n.tr("produce-title"));
        ui.label(RichText::new(&state.patient_name).strong());
    });
    if let Some((_, title)) = &state.replaces {
        ui.colored_label(
            ui.visuals().warn_fg_color,
            i18n.tr_args("produce-replacing", &[("title", title.as_str().into())]),
        );
    }
    ui.label(i18n.tr(if state.ins_usable {
        "produce-ins-included"
    } else {
        "produce-ins-not-included"
    }));
    ui.separator();
    egui::Grid::new("produce_header")
        .num_columns(2)
        .show(ui, |ui| {
            let label = ui.label(i18n.tr("produce-kind"));
            let current = state.kind();
            egui::ComboBox::from_id_salt("produce_kind")
                .selected_text(i18n.tr(kind_label_key(current)))
                .show_ui(ui, |ui| {
                    for kind in DocumentKind::ALL {
                        if ui
                            .selectable_label(kind == current, i18n.tr(kind_label_key(kind)))
                            .clicked()
                            && kind != current
                        {
                            state.form = empty_form(kind);
                            state.sharing = default_sharing(kind);
                        }
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(i18n.tr("produce-episode"));
            let selected = state
                .episodes
                .iter()
                .find(|e| Some(e.id) == state.episode)
                .map_or_else(|| i18n.tr("produce-no-episode"), |e| episode_label(i18n, e));
            egui::ComboBox::from_id_salt("produce_episode")
                .selected_text(selected)
                .width(420.0)
                .show_ui(ui, |ui| {
                    for e in &state.episodes {
                        ui.selectable_value(&mut state.episode, Some(e.id), episode_label(i18n, e));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(i18n.tr("produce-doc-title"));
            ui.add(egui::TextEdit::singleline(&mut state.form.title).desired_width(420.0))
                .labelled_by(label.id);
            ui.end_row();
            if state.kind() == DocumentKind::CompteRenduConsultation {
                ui.label("");
                let toggled = ui
                    .checkbox(&mut state.announcement, i18n.tr("produce-announcement"))
                    .on_hover_text(i18n.tr("produce-announcement-help"))
                    .changed();
                if toggled {
                    state.form.title = if state.announcement {
                        i18n.tr("produce-announcement-title")
                    } else {
                        empty_form(DocumentKind::CompteRenduConsultation).title
                    };
                }
                ui.end_row();
            }
        });
    ui.separator();
    egui::ScrollArea::vertical()
        .id_salt("produce_sections")
        .max_height(ui.available_height() - 110.0)
        .show(ui, |ui| {
            for (index, section) in state.form.sections.iter_mut().enumerate() {
                ui.push_id(index, |ui| {
                    let label = ui.label(RichText::new(&section.title).strong());
                    if section.takes_medications {
                        medications_ui(ui, i18n, &mut section.medications);
                    }
                    ui.add(
                        egui::TextEdit::multiline(&mut section.text)
                            .desired_rows(3)
                            .desired_width(f32::INFINITY)
                            .hint_text(i18n.tr("produce-text-hint")),
                    )
                    .labelled_by(label.id);
                    ui.add_space(6.0);
                });
            }
        });
    ui.separator();
    sharing_ui(ui, i18n, &mut state.sharing);
    ui.horizontal(|ui| {
        let filled = state.form.sections.iter().any(|s| {
            !s.text.trim().is_empty()
                || s.medications
                    .iter()
                    .any(|m| !m.medication.trim().is_empty())
        });
        if ui
            .add_enabled(
                filled && !state.pending,
                egui::Button::new(i18n.tr("produce-submit")),
            )
            .clicked()
        {
            state.pending = true;
            state.error = None;
            commands.push(Command::Send(Request::ProduceDocument {
                patient: state.patient,
                episode: state.episode,
                form: Box::new(state.form.clone()),
                sharing: state.sharing,
                replaces: state.replaces.as_ref().map(|(id, _)| *id),
            }));
        }
        if state.pending {
            ui.spinner();
            ui.label(i18n.tr("produce-pending"));
        }
        if let Some(error) = state.error {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
    });
}

/// "Partage": send to the DMP (on by default) and who may see it there.
fn sharing_ui(ui: &mut egui::Ui, i18n: &I18n, sharing: &mut SharingChoice) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(i18n.tr("produce-sharing")).strong());
        ui.checkbox(&mut sharing.send_to_dmp, i18n.tr("produce-send-dmp"))
            .on_hover_text(i18n.tr("produce-send-dmp-help"));
        ui.add_enabled_ui(sharing.send_to_dmp, |ui| {
            let v = &mut sharing.visibility;
            ui.checkbox(
                &mut v.invisible_patient,
                i18n.tr("produce-invisible-patient"),
            );
            ui.checkbox(
                &mut v.invisible_legal_reps,
                i18n.tr("produce-invisible-legal"),
            );
            ui.checkbox(&mut v.masked_ps, i18n.tr("produce-masked-ps"));
        });
    });
    ui.separator();
}

fn medications_ui(ui: &mut egui::Ui, i18n: &I18n, lines: &mut Vec<FormMedication>) {
    if lines.is_empty() {
        lines.push(FormMedication::default());
    }
    let mut remove = None;
    egui::Grid::new("medications")
        .num_columns(5)
        .striped(true)
        .show(ui, |ui| {
            // The column headers label the fields below them (accessibility, tests).
            let headers: Vec<egui::Id> = [
                "produce-med-name",
                "produce-med-posology",
                "produce-med-duration",
                "produce-med-instructions",
            ]
            .iter()
            .map(|id| ui.label(RichText::new(i18n.tr(id)).small()).id)
            .collect();
            ui.end_row();
            for (i, line) in lines.iter_mut().enumerate() {
                let fields = [
                    (&mut line.medication, 220.0),
                    (&mut line.posology, 180.0),
                    (&mut line.duration, 90.0),
                    (&mut line.instructions, 180.0),
                ];
                for ((field, width), header) in fields.into_iter().zip(&headers) {
                    ui.add(egui::TextEdit::singleline(field).desired_width(width))
                        .labelled_by(*header);
                }
                if ui.small_button(i18n.tr("produce-med-remove")).clicked() {
                    remove = Some(i);
                }
                ui.end_row();
            }
        });
    if let Some(i) = remove {
        lines.remove(i);
    }
    if ui.small_button(i18n.tr("produce-med-add")).clicked() {
        lines.push(FormMedication::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_reach_the_dmp_invisible_to_the_patient_by_default() {
        for code in ["11502-2", "18748-4", "11526-1"] {
            assert!(default_visibility(code).invisible_patient, "{code}");
        }
        for kind in DocumentKind::ALL {
            let sharing = default_sharing(kind);
            assert!(sharing.send_to_dmp);
            assert_eq!(sharing.visibility, Visibility::default(), "{kind:?}");
        }
    }
}
