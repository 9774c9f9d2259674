//! "Envois DMP": the service's outbox, one row per job (patient, document, action, route,
//! state, time left, attempts, reason, business acknowledgements), a filter per
//! [`OutboxFilter`], and on each row the commands that apply to it (suspend, resume, cancel,
//! retry). Arrow keys, Home and End move, Enter (or a double click) opens the document in its
//! folder. The list comes from `Request::Outbox`; `OutboxView::on_items` takes it in.

mod table;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use egui::RichText;
use fluent_bundle::FluentValue;

use super::{Command, ScreenCtx};
use crate::domain::outbox::{
    OutboxAction, OutboxCommand, OutboxFilter, OutboxItem, OutboxItemId, OutboxState,
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
    table::table_ui(ui, ctx, state, now, commands);
}

#[cfg(test)]
mod tests;
