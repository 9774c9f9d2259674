//! The "Documents reçus" tab: every document received in a folder, newest first (date,
//! patient, title, sender, subject; "Nouveau" until opened, "Supprimé par l'émetteur" when
//! the sender withdrew it). A click on a row opens the patient's folder and the document; the
//! row's "Dossier" button opens the folder only.

use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};

use super::InboxState;
use super::reconcile::channel_key;
use crate::i18n::I18n;
use crate::ui::Command;
use crate::ui::widgets::{badge_ui, local_time_text};
use crate::worker::Request;

/// The colour of the "Nouveau" tag.
pub const NEW_COLOUR: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xA8);

pub(super) fn received_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &InboxState,
    commands: &mut Vec<Command>,
) {
    if state.received.is_empty() {
        ui.label(i18n.tr("inbox-received-none"));
        return;
    }
    ui.style_mut().interaction.selectable_labels = false;
    let mut action = None;
    TableBuilder::new(ui)
        .id_salt("inbox_received_table")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(140.0))
        .column(Column::initial(190.0).clip(true).resizable(true))
        .column(Column::initial(220.0).clip(true).resizable(true))
        .column(Column::initial(180.0).clip(true).resizable(true))
        .column(Column::initial(170.0).clip(true).resizable(true))
        .column(Column::remainder().at_least(150.0).clip(true))
        .column(Column::exact(150.0))
        .header(24.0, |mut header| {
            for id in [
                "inbox-col-received",
                "inbox-col-patient",
                "inbox-col-title",
                "inbox-col-sender",
                "inbox-col-subject",
                "inbox-col-state",
                "inbox-col-folder",
            ] {
                header.col(|ui| {
                    ui.strong(i18n.tr(id));
                });
            }
        })
        .body(|body| {
            body.rows(26.0, state.received.len(), |mut row| {
                let r = &state.received[row.index()];
                let mut clicked_inside = false;
                row.col(|ui| {
                    ui.label(local_time_text(&r.received_at));
                });
                row.col(|ui| {
                    ui.label(RichText::new(&r.patient_name).strong());
                });
                row.col(|ui| {
                    let title = if r.seen {
                        RichText::new(&r.title)
                    } else {
                        RichText::new(&r.title).strong()
                    };
                    ui.label(title);
                });
                row.col(|ui| {
                    ui.label(&r.sender)
                        .on_hover_text(i18n.tr(channel_key(r.channel.code())));
                });
                row.col(|ui| {
                    ui.label(r.subject.as_deref().unwrap_or("—"));
                });
                row.col(|ui| {
                    if !r.seen {
                        badge_ui(ui, &i18n.tr("inbox-new"), NEW_COLOUR);
                    }
                    if r.deleted {
                        ui.label(
                            RichText::new(i18n.tr("inbox-deleted"))
                                .color(ui.visuals().warn_fg_color),
                        );
                    }
                });
                row.col(|ui| {
                    if ui
                        .small_button(i18n.tr("inbox-open-folder"))
                        .on_hover_text(i18n.tr("inbox-open-folder-help"))
                        .clicked()
                    {
                        clicked_inside = true;
                        action = Some(Command::Send(Request::OpenFolder { patient: r.patient }));
                    }
                });
                if row.response().clicked() && !clicked_inside {
                    action = Some(Command::OpenFolderDocument {
                        patient: r.patient,
                        document: r.document,
                    });
                }
            });
        });
    commands.extend(action);
}
