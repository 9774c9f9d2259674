//! "Envois DMP": the service's outbox, one row per job (patient, document, action, route,
//! state, time left, attempts, reason, business acknowledgements), a filter per
//! [`OutboxFilter`], and on each row the commands that apply to it (suspend, resume, cancel,
//! retry). Arrow keys, Home and End move, Enter (or a double click) opens the document in its
//! folder. The list comes from `Request::Outbox`; `OutboxView::on_items` takes it in.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::widgets::badge_ui;
use super::{Command, ScreenCtx};
use crate::domain::outbox::{
    AckKind, BusinessAck, OutboxAction, OutboxCommand, OutboxFilter, OutboxItem, OutboxItemId,
    OutboxRoute, OutboxState,
};
use crate::i18n::I18n;
use crate::worker::{Operation, Request};

/// The commands a row may offer, in the order they show.
pub const COMMANDS: [OutboxCommand; 4] = [
    OutboxCommand::Hold,
    OutboxCommand::Resume,
    OutboxCommand::Retry,
    OutboxCommand::Cancel,
];

const OK_COLOUR: Color32 = Color32::from_rgb(0x2E, 0x7D, 0x32);
const FAILED_COLOUR: Color32 = Color32::from_rgb(0xA8, 0x1F, 0x1F);
const READ_COLOUR: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xA8);

/// The label key of a command's button.
pub fn command_key(command: OutboxCommand) -> &'static str {
    match command {
        OutboxCommand::Hold => "outbox-cmd-hold",
        OutboxCommand::Resume => "outbox-cmd-resume",
        OutboxCommand::Cancel => "outbox-cmd-cancel",
        OutboxCommand::Retry => "outbox-cmd-retry",
    }
}

fn filter_key(filter: OutboxFilter) -> &'static str {
    match filter {
        OutboxFilter::Pending => "outbox-filter-pending",
        OutboxFilter::Failed => "outbox-filter-failed",
        OutboxFilter::Done => "outbox-filter-done",
        OutboxFilter::Stopped => "outbox-filter-stopped",
        OutboxFilter::All => "outbox-filter-all",
    }
}

fn action_key(action: OutboxAction) -> &'static str {
    match action {
        OutboxAction::Feed => "outbox-action-feed",
        OutboxAction::Replace => "outbox-action-replace",
        OutboxAction::Delete => "outbox-action-delete",
    }
}

/// "8 min", "2 h 05": how long until `due` (never negative).
pub fn duration_text(due: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let seconds = (due - now).num_seconds().max(0);
    let minutes = (seconds + 59) / 60;
    if minutes < 60 {
        format!("{minutes} min")
    } else {
        format!("{} h {:02}", minutes / 60, minutes % 60)
    }
}

/// "dans 8 min" for a job that leaves (or is tried again) later; `None` for the others.
pub fn time_left_text(
    i18n: &I18n,
    state: OutboxState,
    final_failure: bool,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<String> {
    let later = state == OutboxState::Waiting || (state == OutboxState::Failed && !final_failure);
    later.then(|| {
        i18n.tr_args(
            "outbox-in",
            &[("left", FluentValue::from(duration_text(due, now)))],
        )
    })
}

/// How many jobs of a list need a person: held, or failed for good (the navigation's badge).
pub fn attention(items: &[OutboxItem]) -> usize {
    items
        .iter()
        .filter(|i| {
            i.state == OutboxState::Held || (i.state == OutboxState::Failed && i.final_failure)
        })
        .count()
}

/// The screen's state.
#[derive(Default)]
pub struct OutboxView {
    filter: OutboxFilter,
    items: Vec<OutboxItem>,
    /// A list was asked for and has not come back.
    loading: bool,
    /// Jobs a command was sent for, until the list comes back.
    commanded: HashSet<OutboxItemId>,
    selected: usize,
    scroll_to_selected: bool,
}

impl OutboxView {
    /// The list to ask for (when the screen shows, the filter changes or a job changed).
    pub fn request(&mut self) -> Request {
        self.loading = true;
        Request::Outbox {
            filter: self.filter,
            patient: None,
        }
    }

    pub fn filter(&self) -> OutboxFilter {
        self.filter
    }

    /// `Event::Outbox`: the jobs the filter keeps (an answer for another filter is stale).
    pub fn on_items(&mut self, filter: OutboxFilter, items: Vec<OutboxItem>) {
        if filter != self.filter {
            return;
        }
        let selected = self.items.get(self.selected).map(|i| i.id);
        self.items = items;
        self.loading = false;
        self.commanded.clear();
        self.selected = selected
            .and_then(|id| self.items.iter().position(|i| i.id == id))
            .unwrap_or(self.selected)
            .min(self.items.len().saturating_sub(1));
    }

    /// A request of this screen failed: it may be made again.
    pub fn on_failed(&mut self, operation: Operation) {
        match operation {
            Operation::Outbox => self.loading = false,
            Operation::OutboxCommand => self.commanded.clear(),
            _ => {}
        }
    }

    /// Forgets everything (logout).
    pub fn clear(&mut self) {
        *self = Self::default();
    }

    fn set_filter(&mut self, filter: OutboxFilter) -> Option<Request> {
        if filter == self.filter {
            return None;
        }
        self.filter = filter;
        self.items.clear();
        self.selected = 0;
        Some(self.request())
    }

    /// A command on a job: sent once, its buttons off until the list comes back.
    fn command(&mut self, item: OutboxItemId, command: OutboxCommand) -> Request {
        self.commanded.insert(item);
        Request::OutboxCommand { item, command }
    }

    /// Opens the selected job's document in its patient's folder.
    fn open(&self, index: usize) -> Option<Command> {
        let item = self.items.get(index)?;
        Some(Command::OpenFolderDocument {
            patient: item.patient,
            document: item.document,
        })
    }

    fn keyboard(&mut self, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
        use egui::{Key, Modifiers};
        if ui.ctx().egui_wants_keyboard_input() || self.items.is_empty() {
            return;
        }
        let (down, up, home, end, enter) = ui.input_mut(|i| {
            (
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
                i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
                i.consume_key(Modifiers::NONE, Key::Home),
                i.consume_key(Modifiers::NONE, Key::End),
                i.consume_key(Modifiers::NONE, Key::Enter),
            )
        });
        let last = self.items.len() - 1;
        let before = self.selected;
        if home {
            self.selected = 0;
        }
        if end {
            self.selected = last;
        }
        self.selected = (self.selected + down).min(last).saturating_sub(up);
        self.scroll_to_selected |= self.selected != before;
        if enter {
            commands.extend(self.open(self.selected));
        }
    }
}

/// The screen: title, filters, then the table.
pub fn outbox_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut OutboxView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal_wrapped(|ui| {
        ui.heading(RichText::new(i18n.tr("outbox-title")).strong());
        ui.add_space(12.0);
        let mut filter = state.filter;
        for f in OutboxFilter::ALL {
            if ui
                .selectable_label(filter == f, i18n.tr(filter_key(f)))
                .clicked()
            {
                filter = f;
            }
        }
        if let Some(request) = state.set_filter(filter) {
            commands.push(Command::Send(request));
        }
        ui.separator();
        if ui.button(i18n.tr("outbox-refresh")).clicked() {
            commands.push(Command::Send(state.request()));
        }
        if state.loading {
            ui.spinner();
        }
    });
    ui.label(RichText::new(i18n.tr("outbox-help")).weak());
    ui.separator();
    if state.items.is_empty() {
        if !state.loading {
            ui.label(i18n.tr("outbox-none"));
        }
        return;
    }
    state.keyboard(ui, commands);
    let now = Utc::now();
    if state
        .items
        .iter()
        .any(|i| time_left_text(i18n, i.state, i.final_failure, i.due_at, now).is_some())
    {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_secs(20));
    }
    table_ui(ui, ctx, state, now, commands);
}

/// What a click in the table asked for.
enum Action {
    Select(usize),
    Open(usize),
    Command(OutboxItemId, OutboxCommand),
}

fn table_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut OutboxView,
    now: DateTime<Utc>,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.style_mut().interaction.selectable_labels = false;
    let mut action = None;
    let mut table = TableBuilder::new(ui)
        .id_salt("outbox_table")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::initial(150.0).clip(true).resizable(true))
        .column(Column::remainder().at_least(150.0).clip(true))
        .column(Column::exact(108.0))
        .column(Column::exact(44.0))
        .column(Column::exact(116.0))
        .column(Column::exact(92.0))
        .column(Column::exact(50.0))
        .column(Column::initial(140.0).clip(true).resizable(true))
        .column(Column::initial(110.0).clip(true))
        .column(Column::exact(250.0));
    if std::mem::take(&mut state.scroll_to_selected) {
        table = table.scroll_to_row(state.selected, None);
    }
    table
        .header(24.0, |mut header| {
            for id in [
                "outbox-col-patient",
                "outbox-col-document",
                "outbox-col-action",
                "outbox-col-route",
                "outbox-col-state",
                "outbox-col-due",
                "outbox-col-attempts",
                "outbox-col-reason",
                "outbox-col-acks",
                "outbox-col-commands",
            ] {
                header.col(|ui| {
                    ui.strong(i18n.tr(id));
                });
            }
        })
        .body(|body| {
            body.rows(26.0, state.items.len(), |mut row| {
                let index = row.index();
                let item = &state.items[index];
                row.set_selected(index == state.selected);
                let mut clicked_inside = false;
                row.col(|ui| {
                    ui.label(RichText::new(&item.patient_name).strong());
                });
                row.col(|ui| {
                    ui.label(&item.title);
                });
                row.col(|ui| {
                    ui.label(i18n.tr(action_key(item.action)));
                });
                row.col(|ui| {
                    ui.label(match item.route {
                        OutboxRoute::Dmp => "DMP",
                        OutboxRoute::Pfi => "PFI",
                    })
                    .on_hover_text(i18n.tr(match item.route {
                        OutboxRoute::Dmp => "outbox-route-dmp-help",
                        OutboxRoute::Pfi => "outbox-route-pfi-help",
                    }));
                });
                row.col(|ui| {
                    state_label_ui(ui, i18n, item);
                });
                row.col(|ui| {
                    let left =
                        time_left_text(i18n, item.state, item.final_failure, item.due_at, now);
                    ui.label(left.unwrap_or_default());
                });
                row.col(|ui| {
                    ui.label(item.attempts.to_string());
                });
                row.col(|ui| {
                    if let Some(reason) = &item.reason {
                        ui.label(reason).on_hover_text(reason);
                    }
                });
                row.col(|ui| {
                    ui.horizontal(|ui| acks_ui(ui, i18n, &item.acks));
                });
                row.col(|ui| {
                    let busy = state.commanded.contains(&item.id);
                    ui.horizontal(|ui| {
                        for command in COMMANDS.into_iter().filter(|c| item.allows(*c)) {
                            let button = egui::Button::new(i18n.tr(command_key(command))).small();
                            if ui.add_enabled(!busy, button).clicked() {
                                clicked_inside = true;
                                action = Some(Action::Command(item.id, command));
                            }
                        }
                        if busy {
                            ui.spinner();
                        }
                    });
                });
                let response = row.response();
                if !clicked_inside {
                    if response.double_clicked() {
                        action = Some(Action::Open(index));
                    } else if response.clicked() {
                        action = Some(Action::Select(index));
                    }
                }
            });
        });
    match action {
        Some(Action::Select(index)) => state.selected = index,
        Some(Action::Open(index)) => {
            state.selected = index;
            commands.extend(state.open(index));
        }
        Some(Action::Command(item, command)) => {
            commands.push(Command::Send(state.command(item, command)));
        }
        None => {}
    }
}

/// The state's label, coloured when it needs a person; a final failure says so.
fn state_label_ui(ui: &mut egui::Ui, i18n: &I18n, item: &OutboxItem) {
    let text = if item.state == OutboxState::Failed && item.final_failure {
        i18n.tr("outbox-state-failed-final")
    } else {
        i18n.tr(item.state.label_key())
    };
    let colour = match item.state {
        OutboxState::Failed => Some(ui.visuals().error_fg_color),
        OutboxState::Held | OutboxState::NotSent => Some(ui.visuals().warn_fg_color),
        OutboxState::Sent | OutboxState::Acknowledged => Some(OK_COLOUR),
        _ => None,
    };
    let label = match colour {
        Some(c) => ui.label(RichText::new(text).color(c)),
        None => ui.label(text),
    };
    if let Some(reason) = &item.reason {
        label.on_hover_text(reason);
    }
}

/// One small badge per business acknowledgement: "DMP ✔", "MSS ✖", "Lu".
pub fn acks_ui(ui: &mut egui::Ui, i18n: &I18n, acks: &[BusinessAck]) {
    for ack in acks {
        let mark = if ack.ok { "✔" } else { "✖" };
        let (text, colour) = match ack.kind {
            AckKind::DmpReceipt => (format!("DMP {mark}"), ok_colour(ack.ok)),
            AckKind::MssReceipt => (format!("MSS {mark}"), ok_colour(ack.ok)),
            AckKind::MssRead => (i18n.tr("outbox-ack-read"), READ_COLOUR),
        };
        let mut tip = vec![i18n.tr(match ack.kind {
            AckKind::DmpReceipt => "outbox-ack-dmp-help",
            AckKind::MssReceipt => "outbox-ack-mss-help",
            AckKind::MssRead => "outbox-ack-read-help",
        })];
        tip.extend(ack.recipient.clone());
        tip.extend(ack.label.clone().or_else(|| ack.code.clone()));
        tip.push(super::widgets::local_time_text(
            &ack.received_at.to_rfc3339(),
        ));
        badge_ui(ui, &text, colour).on_hover_text(tip.join("\n"));
    }
}

fn ok_colour(ok: bool) -> Color32 {
    if ok { OK_COLOUR } else { FAILED_COLOUR }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_rounds_up_to_the_minute_and_shows_hours() {
        let now = Utc::now();
        assert_eq!(
            duration_text(now + chrono::Duration::seconds(7 * 60 + 1), now),
            "8 min"
        );
        assert_eq!(
            duration_text(now - chrono::Duration::seconds(30), now),
            "0 min"
        );
        assert_eq!(
            duration_text(now + chrono::Duration::minutes(125), now),
            "2 h 05"
        );
        let i18n = I18n::default();
        let due = now + chrono::Duration::minutes(8);
        assert_eq!(
            time_left_text(&i18n, OutboxState::Waiting, false, due, now).as_deref(),
            Some("dans 8 min")
        );
        assert!(time_left_text(&i18n, OutboxState::Failed, true, due, now).is_none());
        assert!(time_left_text(&i18n, OutboxState::Held, false, due, now).is_none());
    }

    #[test]
    fn an_answer_for_another_filter_is_ignored() {
        let mut view = OutboxView::default();
        let _ = view.set_filter(OutboxFilter::Done);
        view.on_items(OutboxFilter::Pending, Vec::new());
        assert!(view.loading);
        view.on_items(OutboxFilter::Done, Vec::new());
        assert!(!view.loading);
    }
}
