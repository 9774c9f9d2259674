//! The service-status panel (in Settings): for the record, the DMP, Pro Santé Connect, the
//! Annuaire Santé and the messaging gateway, whether each answers, its last success and its
//! last error with their times — what a ward calls IT about, and what IT asks first.

use egui::{Color32, RichText};

use super::Command;
use super::widgets::local_time_text;
use crate::i18n::I18n;
use crate::worker::{Request, ServiceBoard, ServiceState};

/// The board as a grid, and a button to read it again.
pub fn services_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    board: Option<&ServiceBoard>,
    commands: &mut Vec<Command>,
) {
    ui.horizontal(|ui| {
        ui.heading(i18n.tr("services-title"));
        if ui.small_button(i18n.tr("services-refresh")).clicked() {
            commands.push(Command::Send(Request::ServiceStatus));
        }
    });
    let Some(board) = board else {
        ui.spinner();
        return;
    };
    egui::Grid::new("services_grid")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for key in [
                "services-service",
                "services-state",
                "services-last-success",
                "services-last-error",
            ] {
                ui.label(RichText::new(i18n.tr(key)).strong());
            }
            ui.end_row();
            for line in &board.lines {
                ui.label(i18n.tr(line.service.label_key()));
                let (key, colour) = match line.state {
                    ServiceState::Up => ("services-up", Color32::from_rgb(0x2E, 0x7D, 0x32)),
                    ServiceState::Failing => {
                        ("services-failing", Color32::from_rgb(0xB0, 0x30, 0x30))
                    }
                    ServiceState::Unknown => ("services-unknown", ui.visuals().weak_text_color()),
                    ServiceState::NotConfigured => {
                        ("services-not-configured", ui.visuals().weak_text_color())
                    }
                };
                ui.label(RichText::new(i18n.tr(key)).color(colour));
                ui.label(
                    line.last_success
                        .as_deref()
                        .map_or_else(|| "—".to_owned(), local_time_text),
                );
                match &line.last_error {
                    Some((at, message)) => {
                        ui.label(local_time_text(at))
                            .on_hover_text(i18n.tr(message));
                    }
                    None => {
                        ui.label("—");
                    }
                }
                ui.end_row();
            }
        });
}
