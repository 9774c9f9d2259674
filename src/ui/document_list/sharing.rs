//! The document list's side of the outbox: the sharing label of a stored document (from its
//! latest job), the actions on the selected document's job (suspend, resume, cancel, retry,
//! delete from the DMP, send again), and "Envoyer l'historique": documents produced here and
//! never sent, ticked and sent to the DMP in one batch whose progress shows until it ends.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use fluent_bundle::FluentValue;

use super::{DocumentListState, Origin};
use crate::domain::outbox::{BatchProgress, OutboxAction, OutboxState, Sharing};
use crate::domain::{DocumentId, DocumentSummary, Provenance, ShareState};
use crate::i18n::I18n;
use crate::ui::outbox::{COMMANDS, command_key, duration_text};
use crate::ui::{Command, Rights};
use crate::worker::{Operation, Request};

/// The list's outbox state.
#[derive(Default)]
pub(super) struct SharingList {
    /// Documents ticked for "Envoyer l'historique".
    picked: BTreeSet<DocumentId>,
    /// "Envoyer l'historique" was sent; its batch is not known yet.
    starting: bool,
    /// The batch being sent, where it stands, and whether its cancellation was asked.
    batch: Option<(String, BatchProgress, bool)>,
    /// A request about this document's sharing is on its way (its buttons are off until the
    /// folder's documents come back).
    asked: Option<DocumentId>,
    /// "Supprimer du DMP" was clicked once for this document: a second click confirms.
    confirm_delete: Option<DocumentId>,
}

/// Whether a stored document's sharing is the outbox's to say: it has a job, or it was
/// produced here and is not known to be in the DMP otherwise.
pub(super) fn outbox_says(d: &DocumentSummary) -> bool {
    d.sharing.is_some()
        || (d.provenance == Provenance::Local && d.dmp_share == ShareState::NotShared)
}

/// Whether a listed document may go with "Envoyer l'historique": produced here, stored, never
/// queued for the DMP nor known to be there.
pub(super) fn sendable(d: &DocumentSummary) -> Option<DocumentId> {
    (d.sharing.is_none() && outbox_says(d))
        .then(|| d.reference.stored())
        .flatten()
}

/// The label of a document's sharing and, for a failure or a rule, the reason on hover.
pub(super) fn sharing_text(
    i18n: &I18n,
    sharing: Option<&Sharing>,
    now: DateTime<Utc>,
) -> (String, Option<String>) {
    use OutboxState as S;
    let Some(s) = sharing else {
        return (i18n.tr("list-sharing-none"), None);
    };
    let reason = s.reason.clone();
    let text = match s.state {
        S::Waiting => i18n.tr_args(
            "list-sharing-waiting",
            &[("left", FluentValue::from(duration_text(s.due_at, now)))],
        ),
        S::Held => i18n.tr("list-sharing-held"),
        S::Sending => i18n.tr("list-sharing-sending"),
        S::Sent | S::Acknowledged if s.action == OutboxAction::Delete => {
            i18n.tr("list-sharing-deleted")
        }
        S::Sent => i18n.tr("list-sharing-sent"),
        S::Acknowledged => i18n.tr("list-sharing-acknowledged"),
        S::Failed if s.final_failure => i18n.tr_args(
            "list-sharing-failed-final",
            &[(
                "reason",
                FluentValue::from(reason.clone().unwrap_or_default()),
            )],
        ),
        S::Failed => i18n.tr("list-sharing-failed-retry"),
        S::Cancelled => i18n.tr("list-sharing-cancelled"),
        S::NotSent => i18n.tr("list-sharing-not-sent"),
    };
    let hover = match s.state {
        S::Failed | S::NotSent | S::Held => reason,
        _ => None,
    };
    (text, hover)
}

/// The sharing cell of a stored document; with a job, a click on it selects the row (its
/// actions show above the table) without opening the document. True when clicked.
pub(super) fn sharing_cell_ui(ui: &mut egui::Ui, i18n: &I18n, d: &DocumentSummary) -> bool {
    let (text, hover) = sharing_text(i18n, d.sharing.as_ref(), Utc::now());
    let Some(sharing) = d.sharing.as_ref() else {
        ui.label(text);
        return false;
    };
    if sharing.state == OutboxState::Waiting {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(20));
    }
    let mut text = egui::RichText::new(text);
    match sharing.state {
        OutboxState::Failed => text = text.color(ui.visuals().error_fg_color),
        OutboxState::Held | OutboxState::NotSent => text = text.color(ui.visuals().warn_fg_color),
        _ => {}
    }
    let tip = match hover {
        Some(reason) => format!("{reason}\n{}", i18n.tr("list-sharing-actions-help")),
        None => i18n.tr("list-sharing-actions-help"),
    };
    ui.add(egui::Button::new(text).frame(false))
        .on_hover_text(tip)
        .clicked()
}

impl DocumentListState {
    /// `Event::BatchProgress`: where a "send the history" batch of this folder stands (the bar
    /// goes once every job of it is sent, failed or cancelled).
    pub fn on_batch_progress(&mut self, batch: String, progress: BatchProgress) {
        let sharing = &mut self.sharing;
        sharing.starting = false;
        if progress.is_finished() {
            if sharing.batch.as_ref().is_none_or(|(b, ..)| *b == batch) {
                sharing.batch = None;
            }
            return;
        }
        let cancelling = sharing
            .batch
            .as_ref()
            .is_some_and(|(b, _, c)| *b == batch && *c);
        sharing.batch = Some((batch, progress, cancelling));
    }

    /// The folder's documents came back: picks that cannot be sent any more go, and the
    /// sharing buttons come back.
    pub(super) fn sharing_on_local(&mut self) {
        let sendable: BTreeSet<DocumentId> = self.local.iter().filter_map(sendable).collect();
        self.sharing.picked.retain(|id| sendable.contains(id));
        self.sharing.asked = None;
    }

    /// A request of the list failed: it may be made again.
    pub fn on_sharing_failed(&mut self, operation: Operation) {
        match operation {
            Operation::SendHistory => self.sharing.starting = false,
            Operation::CancelBatch => {
                if let Some((_, _, cancelling)) = self.sharing.batch.as_mut() {
                    *cancelling = false;
                }
            }
            Operation::OutboxCommand | Operation::DeleteFromDmp => self.sharing.asked = None,
            _ => {}
        }
    }

    /// Ticks or unticks list row `row` for "Envoyer l'historique", when it may be sent.
    pub(super) fn pick_row(&mut self, row: usize) {
        let Some(id) = self.rows.get(row).and_then(|r| {
            let local = self.origins.get(r.doc) == Some(&Origin::Local);
            local.then(|| sendable(&self.documents[r.doc])).flatten()
        }) else {
            return;
        };
        if !self.sharing.picked.remove(&id) {
            self.sharing.picked.insert(id);
        }
    }

    pub(super) fn is_picked(&self, id: DocumentId) -> bool {
        self.sharing.picked.contains(&id)
    }

    /// The selected row's stored document and its job, when it has one.
    fn selected_sharing(&self) -> Option<(DocumentId, &DocumentSummary, &Sharing)> {
        let r = self.rows.get(self.selected)?;
        if self.origins.get(r.doc) != Some(&Origin::Local) {
            return None;
        }
        let d = &self.documents[r.doc];
        Some((d.reference.stored()?, d, d.sharing.as_ref()?))
    }
}

/// Under the toolbar: the batch's progress, "Envoyer l'historique au DMP (N)", and the
/// selected document's sharing with its actions.
pub(super) fn sharing_bar_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    rights: Rights,
    commands: &mut Vec<Command>,
) {
    if !rights.feed_dmp {
        return;
    }
    batch_ui(ui, i18n, state, commands);
    let sendable_count = state.local.iter().filter_map(sendable).count();
    if sendable_count > 0 || !state.sharing.picked.is_empty() {
        ui.horizontal_wrapped(|ui| {
            let picked = state.sharing.picked.len();
            let label = i18n.tr_args("list-send-history", &[("count", FluentValue::from(picked))]);
            let enabled = picked > 0 && !state.sharing.starting && state.sharing.batch.is_none();
            let send = ui
                .add_enabled(enabled, egui::Button::new(label))
                .on_hover_text(i18n.tr("list-send-history-help"));
            if send.clicked() {
                let documents: Vec<DocumentId> = std::mem::take(&mut state.sharing.picked)
                    .into_iter()
                    .collect();
                state.sharing.starting = true;
                commands.push(Command::Send(Request::SendHistory {
                    patient: state.patient,
                    documents,
                }));
            }
            if picked < sendable_count
                && ui.small_button(i18n.tr("list-send-history-all")).clicked()
            {
                state.sharing.picked = state.local.iter().filter_map(sendable).collect();
            }
            if picked > 0 && ui.small_button(i18n.tr("list-send-history-none")).clicked() {
                state.sharing.picked.clear();
            }
            if state.sharing.starting {
                ui.spinner();
            }
        });
    }
    selected_actions_ui(ui, i18n, state, commands);
}

/// "Historique : 12/40 envoyés, 1 échec", its bar and "Annuler l'envoi".
fn batch_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    commands: &mut Vec<Command>,
) {
    let Some((batch, progress, cancelling)) = state.sharing.batch.as_mut() else {
        return;
    };
    ui.horizontal(|ui| {
        let text = i18n.tr_args(
            "list-history-progress",
            &[
                ("sent", FluentValue::from(progress.sent)),
                ("total", FluentValue::from(progress.total)),
                ("failed", FluentValue::from(progress.failed)),
            ],
        );
        ui.label(text);
        let done = progress.sent + progress.failed + progress.cancelled;
        let fraction = if progress.total == 0 {
            0.0
        } else {
            done as f32 / progress.total as f32
        };
        ui.add(egui::ProgressBar::new(fraction).desired_width(200.0));
        let cancel = ui.add_enabled(
            !*cancelling,
            egui::Button::new(i18n.tr("list-history-cancel")),
        );
        if cancel.clicked() {
            *cancelling = true;
            commands.push(Command::Send(Request::CancelBatch {
                batch: batch.clone(),
            }));
        }
    });
}

/// The selected document's sharing and what may be done to its job.
fn selected_actions_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    commands: &mut Vec<Command>,
) {
    let Some((id, d, sharing)) = state.selected_sharing() else {
        return;
    };
    let (text, hover) = sharing_text(i18n, Some(sharing), Utc::now());
    let busy = state.sharing.asked == Some(id);
    let confirming = state.sharing.confirm_delete == Some(id);
    let mut asked = None;
    let mut confirm = state.sharing.confirm_delete;
    ui.horizontal_wrapped(|ui| {
        let title = i18n.tr_args(
            "list-sharing-of",
            &[("title", FluentValue::from(d.meta.title.as_str()))],
        );
        let label = ui.label(format!("{title} {text}"));
        if let Some(hover) = hover {
            label.on_hover_text(hover);
        }
        ui.add_enabled_ui(!busy, |ui| {
            for command in COMMANDS
                .into_iter()
                .filter(|c| c.applies_to(sharing.state, sharing.final_failure))
            {
                if ui.small_button(i18n.tr(command_key(command))).clicked() {
                    asked = Some(Request::OutboxCommand {
                        item: sharing.item,
                        command,
                    });
                }
            }
            let in_dmp = matches!(sharing.state, OutboxState::Sent | OutboxState::Acknowledged)
                && matches!(sharing.action, OutboxAction::Feed | OutboxAction::Replace);
            if in_dmp && !confirming && ui.small_button(i18n.tr("list-delete-from-dmp")).clicked() {
                confirm = Some(id);
            }
            if in_dmp && confirming {
                let warn = egui::RichText::new(i18n.tr("list-delete-from-dmp-confirm"))
                    .color(ui.visuals().error_fg_color);
                if ui.small_button(warn).clicked() {
                    confirm = None;
                    asked = Some(Request::DeleteFromDmp { document: id });
                }
                if ui.small_button(i18n.tr("common-cancel")).clicked() {
                    confirm = None;
                }
            }
            if in_dmp
                && d.provenance == Provenance::Local
                && ui
                    .small_button(i18n.tr("list-new-version"))
                    .on_hover_text(i18n.tr("list-new-version-help"))
                    .clicked()
            {
                commands.push(Command::StartReplacement {
                    document: id,
                    type_code: d.meta.type_code.clone(),
                    title: d.meta.title.clone(),
                    visibility: d.visibility,
                });
            }
            let again = match sharing.state {
                OutboxState::Cancelled | OutboxState::NotSent => true,
                OutboxState::Failed => sharing.final_failure,
                _ => false,
            };
            if again && ui.small_button(i18n.tr("list-send-again")).clicked() {
                asked = Some(Request::SendHistory {
                    patient: state.patient,
                    documents: vec![id],
                });
            }
        });
        if busy {
            ui.spinner();
        }
    });
    state.sharing.confirm_delete = confirm;
    if let Some(request) = asked {
        state.sharing.asked = Some(id);
        commands.push(Command::Send(request));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::outbox::OutboxItemId;

    fn sharing(state: OutboxState, final_failure: bool, reason: Option<&str>) -> Sharing {
        Sharing {
            item: OutboxItemId(1),
            action: OutboxAction::Feed,
            state,
            final_failure,
            due_at: Utc::now() + chrono::Duration::seconds(8 * 60 - 5),
            reason: reason.map(str::to_owned),
        }
    }

    #[test]
    fn each_sharing_state_has_its_words() {
        let i18n = I18n::default();
        let now = Utc::now();
        let text = |s: Option<Sharing>| sharing_text(&i18n, s.as_ref(), now);
        assert_eq!(text(None).0, "Non envoyé");
        assert_eq!(
            text(Some(sharing(OutboxState::Waiting, false, None))).0,
            "En attente · 8 min"
        );
        assert_eq!(
            text(Some(sharing(OutboxState::Held, false, None))).0,
            "Suspendu"
        );
        assert_eq!(
            text(Some(sharing(OutboxState::Sending, false, None))).0,
            "Envoi…"
        );
        assert_eq!(
            text(Some(sharing(OutboxState::Sent, false, None))).0,
            "Envoyé"
        );
        assert_eq!(
            text(Some(sharing(OutboxState::Acknowledged, false, None))).0,
            "Accusé DMP ✔"
        );
        assert_eq!(
            text(Some(sharing(OutboxState::Failed, false, Some("HTTP 503")))).0,
            "Échec (nouvel essai)"
        );
        let (final_text, hover) = text(Some(sharing(OutboxState::Failed, true, Some("refusé"))));
        assert_eq!(final_text, "Échec : refusé");
        assert_eq!(hover.as_deref(), Some("refusé"));
        assert_eq!(
            text(Some(sharing(OutboxState::Cancelled, false, None))).0,
            "Annulé"
        );
        let (not_sent, hover) = text(Some(sharing(
            OutboxState::NotSent,
            false,
            Some("opposition"),
        )));
        assert_eq!(not_sent, "Non envoyé : opposition");
        assert_eq!(hover.as_deref(), Some("opposition"));
    }
}
