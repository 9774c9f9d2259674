//! « Envois MSSanté » in the document viewer: the document's sends (`Request::MssSends`, asked
//! when a stored document opens and when the outbox changes), each with its date, who sent
//! it, its state (waiting, sending, sent, failed and why), and per recipient its name, its
//! address and what its mailbox answered (« Remis », « Refusé : 550 … », « Lu », « En
//! attente »), in colour.

use chrono::{DateTime, Utc};
use egui::{Color32, RichText};
use fluent_bundle::FluentValue;

use crate::domain::DocumentId;
use crate::domain::mss::{MssReceipt, MssSend};
use crate::domain::outbox::OutboxState;
use crate::i18n::I18n;

const OK_COLOUR: Color32 = Color32::from_rgb(0x2E, 0x7D, 0x32);
const FAILED_COLOUR: Color32 = Color32::from_rgb(0xA8, 0x1F, 0x1F);
const READ_COLOUR: Color32 = Color32::from_rgb(0x1F, 0x5F, 0xA8);

/// A document's sends as last read.
pub struct MssReceipts {
    document: DocumentId,
    sends: Vec<MssSend>,
}

impl MssReceipts {
    pub fn new(document: DocumentId, sends: Vec<MssSend>) -> Self {
        Self { document, sends }
    }

    pub fn document(&self) -> DocumentId {
        self.document
    }

    pub fn sends(&self) -> &[MssSend] {
        &self.sends
    }
}

fn local(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// The send's state: its words and colour.
fn state_text(i18n: &I18n, send: &MssSend) -> (String, Option<Color32>) {
    let (key, colour) = match send.state {
        OutboxState::Waiting | OutboxState::Held => ("mss-state-waiting", None),
        OutboxState::Sending => ("mss-state-sending", None),
        OutboxState::Sent | OutboxState::Acknowledged => ("mss-state-sent", Some(OK_COLOUR)),
        OutboxState::Failed | OutboxState::NotSent => ("mss-state-failed", Some(FAILED_COLOUR)),
        OutboxState::Cancelled => ("mss-state-cancelled", None),
    };
    let mut text = i18n.tr(key);
    if let Some(reason) = send.reason.as_deref().filter(|r| !r.is_empty())
        && colour == Some(FAILED_COLOUR)
    {
        text = format!("{text} : {reason}");
    }
    (text, colour)
}

/// What a recipient's mailbox answered: its words and colour.
pub fn receipt_text(i18n: &I18n, receipt: &MssReceipt) -> (String, Color32) {
    match receipt {
        MssReceipt::Waiting => (i18n.tr("mss-receipt-waiting"), Color32::GRAY),
        MssReceipt::Delivered { .. } => (i18n.tr("mss-receipt-delivered"), OK_COLOUR),
        MssReceipt::Read { .. } => (i18n.tr("mss-receipt-read"), READ_COLOUR),
        MssReceipt::Refused { code, label } => (
            i18n.tr_args(
                "mss-receipt-refused",
                &[
                    ("code", FluentValue::from(code.as_str())),
                    ("label", FluentValue::from(label.as_str())),
                ],
            ),
            FAILED_COLOUR,
        ),
    }
}

/// The section, collapsible, open when there is something to show.
pub fn receipts_ui(ui: &mut egui::Ui, i18n: &I18n, receipts: &MssReceipts) {
    if receipts.sends.is_empty() {
        return;
    }
    let title = i18n.tr_args(
        "mss-receipts-title",
        &[("count", FluentValue::from(receipts.sends.len()))],
    );
    egui::CollapsingHeader::new(title)
        .id_salt(("mss_receipts", receipts.document.0))
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("mss_receipts_scroll")
                .max_height(180.0)
                .show(ui, |ui| {
                    for send in &receipts.sends {
                        send_ui(ui, i18n, send);
                    }
                });
        });
}

fn send_ui(ui: &mut egui::Ui, i18n: &I18n, send: &MssSend) {
    ui.horizontal_wrapped(|ui| {
        let (delivered, refused, total) = send.tally();
        ui.label(
            RichText::new(i18n.tr_args(
                "mss-send-line",
                &[
                    ("date", FluentValue::from(local(send.created_at))),
                    ("by", FluentValue::from(send.created_by.as_str())),
                ],
            ))
            .strong(),
        );
        let (state, colour) = state_text(i18n, send);
        let mut text = RichText::new(state);
        if let Some(c) = colour {
            text = text.color(c);
        }
        ui.label(text);
        if let Some(at) = send.sent_at {
            ui.label(
                RichText::new(i18n.tr_args(
                    "mss-send-sent-at",
                    &[("date", FluentValue::from(local(at)))],
                ))
                .weak(),
            );
        }
        ui.label(
            RichText::new(i18n.tr_args(
                "mss-send-tally",
                &[
                    ("delivered", FluentValue::from(delivered)),
                    ("refused", FluentValue::from(refused)),
                    ("total", FluentValue::from(total)),
                ],
            ))
            .weak(),
        );
        if send.patient_may_not_reply {
            ui.label(RichText::new(i18n.tr("mss-send-no-reply")).weak());
        }
    });
    egui::Grid::new(("mss_send", send.item.0))
        .num_columns(3)
        .spacing([16.0, 2.0])
        .show(ui, |ui| {
            for r in &send.recipients {
                ui.label(format!("   {}", r.name));
                ui.label(RichText::new(&r.address).monospace());
                let (text, colour) = receipt_text(i18n, &r.receipt);
                let when = match &r.receipt {
                    MssReceipt::Delivered { at } | MssReceipt::Read { at } => Some(local(*at)),
                    _ => None,
                };
                let label = ui.label(RichText::new(&text).color(colour).strong());
                if let Some(when) = when {
                    label.on_hover_text(when);
                }
                ui.end_row();
            }
        });
    ui.add_space(4.0);
}
