//! The « Envoyer par MSSanté » form, a window over the document viewer: on open it asks the
//! recipients to propose (`Request::MssProposals`); the treating physician's mailboxes come
//! first with a checkbox each, then a recipient search (the directory's, `target: Recipients`)
//! whose results can be added, the chosen recipients (removable), the patient's own mailbox
//! (only with a qualified INS) and whether the patient may reply, the message, « Envoyer ».

use egui::RichText;

use crate::domain::directory::DirectoryHit;
use crate::domain::mss::MssSendRequest;
use crate::domain::{DocumentId, PatientId};
use crate::ui::directory::DirectorySearch;
use crate::ui::{Command, ScreenCtx};
use crate::worker::{Operation, Request, SearchTarget};

/// The form's state, for one stored document of one patient.
pub struct MssForm {
    pub(super) document: DocumentId,
    pub(super) patient: PatientId,
    pub(super) title: String,
    /// `Event::MssProposals` came back.
    pub(super) proposals_loaded: bool,
    /// The treating physician's mailboxes, each ticked or not.
    pub(super) treating: Vec<(DirectoryHit, bool)>,
    pub(super) patient_mailbox: Option<String>,
    pub(super) search: DirectorySearch,
    pub(super) chosen: Vec<DirectoryHit>,
    pub(super) to_patient: bool,
    pub(super) patient_may_not_reply: bool,
    pub(super) body: String,
    /// « Envoyer » was clicked and the send is not queued yet.
    pub(super) sending: bool,
    /// Why the last request of the form failed (Fluent id).
    pub(super) message: Option<&'static str>,
}

impl MssForm {
    /// A form for `document`, and the request of its proposals.
    pub fn open(document: DocumentId, patient: PatientId, title: &str) -> (Self, Request) {
        let form = Self {
            document,
            patient,
            title: title.to_owned(),
            proposals_loaded: false,
            treating: Vec::new(),
            patient_mailbox: None,
            search: DirectorySearch::new(SearchTarget::Recipients),
            chosen: Vec::new(),
            to_patient: false,
            patient_may_not_reply: false,
            body: String::new(),
            sending: false,
            message: None,
        };
        (form, Request::MssProposals { patient })
    }

    pub fn document(&self) -> DocumentId {
        self.document
    }

    /// `Event::MssProposals`: the treating physician's mailboxes, ticked, and the patient's.
    pub fn on_proposals(
        &mut self,
        patient: PatientId,
        treating: Vec<DirectoryHit>,
        patient_mailbox: Option<String>,
    ) {
        if patient != self.patient {
            return;
        }
        self.proposals_loaded = true;
        self.treating = treating.into_iter().map(|h| (h, true)).collect();
        self.patient_mailbox = patient_mailbox;
        if self.patient_mailbox.is_none() {
            self.to_patient = false;
        }
    }

    /// `Event::DirectoryResults` for the recipient field.
    pub fn on_results(&mut self, seq: u64, hits: Vec<DirectoryHit>, online: bool) {
        self.search.on_results(seq, hits, online);
    }

    /// A request of the form failed: its spinner stops, it says why. True when it was the
    /// form's.
    pub fn on_failed(&mut self, operation: Operation, message: &'static str) -> bool {
        match operation {
            Operation::SendMss if self.sending => {
                self.sending = false;
                self.message = Some(message);
                true
            }
            Operation::MssProposals => {
                self.proposals_loaded = true;
                self.message = Some(message);
                true
            }
            Operation::SearchDirectory | Operation::SearchDirectoryOnline => {
                self.search.on_failed(operation, message)
            }
            _ => false,
        }
    }

    /// The directory ids of the recipients: the treating physician's ticked, then the chosen.
    pub fn recipients(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .treating
            .iter()
            .filter(|(_, on)| *on)
            .map(|(h, _)| h.id)
            .chain(self.chosen.iter().map(|h| h.id))
            .collect();
        let mut seen = std::collections::HashSet::new();
        ids.retain(|id| seen.insert(*id));
        ids
    }

    fn can_send(&self) -> bool {
        !self.sending && (!self.recipients().is_empty() || self.to_patient)
    }

    /// The send, once: its button is off until the answer.
    fn send_request(&mut self) -> Request {
        self.sending = true;
        self.message = None;
        Request::SendMss(MssSendRequest {
            document: self.document,
            patient: self.patient,
            recipients: self.recipients(),
            to_patient: self.to_patient,
            patient_may_not_reply: self.to_patient && self.patient_may_not_reply,
            body: self.body.trim().to_owned(),
        })
    }

    pub(super) fn add(&mut self, hit: &DirectoryHit) {
        let known = self.chosen.iter().any(|h| h.id == hit.id)
            || self.treating.iter().any(|(h, _)| h.id == hit.id);
        if known {
            if let Some((_, on)) = self.treating.iter_mut().find(|(h, _)| h.id == hit.id) {
                *on = true;
            }
        } else {
            self.chosen.push(hit.clone());
        }
    }
}

/// The form's window; false once it is closed (the caller drops the state).
pub fn mss_form_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut MssForm,
    commands: &mut Vec<Command>,
) -> bool {
    let i18n = ctx.i18n;
    let mut open = true;
    let mut cancel = false;
    egui::Window::new(i18n.tr("mss-form-title"))
        .id(egui::Id::unique("mss_form"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_width(660.0)
        .max_width(760.0)
        .pivot(egui::Align2::CENTER_TOP)
        .default_pos(ui.max_rect().center_top() + egui::vec2(0.0, 70.0))
        .show(ui.ctx(), |ui| {
            ui.label(RichText::new(&form.title).strong());
            ui.separator();
            super::recipients::treating_ui(ui, ctx, form);
            ui.add_space(4.0);
            super::recipients::recipients_search_ui(ui, ctx, form, commands);
            ui.add_space(4.0);
            super::recipients::chosen_ui(ui, ctx, form);
            ui.separator();
            super::recipients::patient_ui(ui, ctx, form);
            ui.separator();
            let label = ui.label(i18n.tr("mss-form-body"));
            ui.add(
                egui::TextEdit::multiline(&mut form.body)
                    .desired_rows(4)
                    .desired_width(f32::INFINITY)
                    .hint_text(i18n.tr("mss-form-body-hint")),
            )
            .labelled_by(label.id);
            if let Some(message) = form.message {
                ui.colored_label(ui.visuals().error_fg_color, i18n.tr(message));
            }
            ui.horizontal(|ui| {
                let send = ui
                    .add_enabled(form.can_send(), egui::Button::new(i18n.tr("mss-form-send")))
                    .on_disabled_hover_text(i18n.tr("mss-form-send-none"));
                if send.clicked() {
                    commands.push(Command::Send(form.send_request()));
                }
                if ui.button(i18n.tr("common-cancel")).clicked() {
                    cancel = true;
                }
                if form.sending {
                    ui.spinner();
                }
            });
        });
    open && !cancel
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::{DirectoryEntry, MatchRank};

    fn hit(id: i64) -> DirectoryHit {
        DirectoryHit {
            id,
            entry: DirectoryEntry::default(),
            rank: MatchRank::Elsewhere,
        }
    }

    #[test]
    fn recipients_are_the_ticked_proposals_and_the_chosen_once_each() {
        let (mut form, request) = MssForm::open(DocumentId(7), PatientId(3), "Lettre");
        assert!(matches!(request, Request::MssProposals { patient } if patient == PatientId(3)));
        assert!(!form.can_send(), "no recipient yet");
        form.on_proposals(PatientId(3), vec![hit(1), hit(2)], None);
        form.treating[1].1 = false;
        form.add(&hit(2));
        form.add(&hit(5));
        form.add(&hit(5));
        assert_eq!(form.recipients(), vec![1, 2, 5]);
        let Request::SendMss(send) = form.send_request() else {
            panic!("a send");
        };
        assert_eq!(send.recipients, vec![1, 2, 5]);
        assert!(!send.to_patient && !send.patient_may_not_reply);
        assert!(!form.can_send(), "sent once");
        assert!(form.on_failed(Operation::SendMss, "error-mss-recipient-gone"));
        assert!(form.can_send(), "it may be sent again");
    }
}
