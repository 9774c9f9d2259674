//! The outbox's table: one row per job, its state coloured when it needs a person, its
//! business acknowledgements as small badges, and on each row the commands that apply to it.
//! A click selects a row, a double click opens its document.

use chrono::{DateTime, Utc};
use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};

use super::{COMMANDS, OutboxView, action_key, command_key, time_left_text};
use crate::domain::outbox::OutboxCommand;
use crate::domain::outbox::{
    AckKind, BusinessAck, OutboxItem, OutboxItemId, OutboxRoute, OutboxState,
};
use crate::i18n::I18n;
use crate::ui::widgets::badge_ui;
use crate::ui::{Command, ScreenCtx};

const OK_COLOUR: Color32 = Color32::from_rgb(0x2E, 0x7D, 0x32);
const FAILED_COLOUR: Color32 = Color32::from_rgb(0xA8, 0x1F, 0x1F);
const READ_COLOUR: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xA8);

/// What a click in the table asked for.
enum Action {
    Select(usize),
    Open(usize),
    Command(OutboxItemId, OutboxCommand),
}

pub(super) fn table_ui(
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
        tip.push(
            ack.received_at
                .with_timezone(&chrono::Local)
                .format("%d/%m/%Y %H:%M")
                .to_string(),
        );
        badge_ui(ui, &text, colour).on_hover_text(tip.join("\n"));
    }
}

fn ok_colour(ok: bool) -> Color32 {
    if ok { OK_COLOUR } else { FAILED_COLOUR }
}
