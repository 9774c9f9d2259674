//! The identity history list: newest first, one line per decision — when, what, from which
//! status to which, who — and a second line saying why (document, doubt, INSi answer, the
//! traits that differed, what the GAM sent).

use egui::RichText;
use fluent_bundle::FluentValue;

use super::comparison::agreement_text;
use crate::domain::IdentityStatus;
use crate::i18n::I18n;
use crate::ui::widgets::local_time_text;
use crate::worker::{Agreement, IdentityHistoryEntry, TraitField};

const FIELDS: [TraitField; 5] = [
    TraitField::BirthName,
    TraitField::FirstNames,
    TraitField::Sex,
    TraitField::BirthDate,
    TraitField::Birthplace,
];

fn field_label(i18n: &I18n, code: &str) -> String {
    FIELDS
        .iter()
        .find(|f| f.code() == code)
        .map_or_else(|| code.to_owned(), |f| i18n.tr(f.label_key()))
}

/// The history's detail codes in words.
pub(super) fn detail_text(i18n: &I18n, detail: &str) -> String {
    let mut parts = Vec::new();
    for token in detail.split(',').filter(|t| !t.is_empty()) {
        let (key, value) = token.split_once(':').unwrap_or((token, ""));
        let text = match key {
            "low-trust" => i18n.tr("identity-detail-low-trust"),
            "traits" => {
                let fields: Vec<String> = value
                    .split('+')
                    .map(|f| match f {
                        "ins" => i18n.tr("identity-detail-ins"),
                        other => field_label(i18n, other),
                    })
                    .collect();
                i18n.tr_args(
                    "identity-detail-traits",
                    &[("traits", FluentValue::from(fields.join(", ")))],
                )
            }
            "status" => {
                let status = IdentityStatus::from_code(value)
                    .map_or_else(|| value.to_owned(), |s| i18n.tr(s.label_key()));
                i18n.tr_args(
                    "identity-detail-status",
                    &[("status", FluentValue::from(status))],
                )
            }
            field => {
                let agreement = match value {
                    "completed" => Some(Agreement::Completed),
                    "different" => Some(Agreement::Different),
                    written => {
                        let has = |w: &str| written.split('+').any(|x| x == w);
                        (has("case") || has("accents") || has("separators")).then(|| {
                            Agreement::Written {
                                case: has("case"),
                                accents: has("accents"),
                                separators: has("separators"),
                            }
                        })
                    }
                };
                let how = agreement.map_or_else(|| value.to_owned(), |a| agreement_text(i18n, a));
                format!("{} : {how}", field_label(i18n, field))
            }
        };
        parts.push(text);
    }
    parts.join(" ; ")
}

/// Why, in words: the document, the doubt's reason, the INSi answer, the detail.
fn why_text(i18n: &I18n, e: &IdentityHistoryEntry) -> String {
    let mut parts = Vec::new();
    if let Some(d) = e.document {
        parts.push(i18n.tr_args(
            "identity-why-document",
            &[("document", FluentValue::from(i18n.tr(d.label_key())))],
        ));
    }
    if let Some(r) = e.reason {
        parts.push(i18n.tr_args(
            "identity-why-reason",
            &[("reason", FluentValue::from(i18n.tr(r.label_key())))],
        ));
    }
    if let (Some(code), Some(calls)) = (&e.insi_result, e.insi_calls) {
        parts.push(i18n.tr_args(
            "identity-why-insi",
            &[
                ("code", FluentValue::from(code.as_str())),
                ("calls", FluentValue::from(calls)),
            ],
        ));
    }
    if let Some(ins) = &e.ins {
        parts.push(i18n.tr_args(
            "identity-why-ins",
            &[("ins", FluentValue::from(ins.matricule.grouped()))],
        ));
    }
    let detail = detail_text(i18n, &e.detail);
    if !detail.is_empty() {
        parts.push(detail);
    }
    parts.join(" · ")
}

pub(super) fn history_ui(ui: &mut egui::Ui, i18n: &I18n, history: &[IdentityHistoryEntry]) {
    ui.heading(i18n.tr("identity-history"));
    if history.is_empty() {
        ui.label(i18n.tr("identity-history-none"));
        return;
    }
    egui::ScrollArea::vertical()
        .id_salt("identity_history_scroll")
        .max_height(220.0)
        .show(ui, |ui| {
            for e in history {
                ui.label(i18n.tr_args(
                    "identity-history-line",
                    &[
                        ("at", FluentValue::from(local_time_text(&e.at))),
                        ("event", FluentValue::from(i18n.tr(e.event.label_key()))),
                        ("from", FluentValue::from(i18n.tr(e.from.label_key()))),
                        ("to", FluentValue::from(i18n.tr(e.to.label_key()))),
                        ("who", FluentValue::from(e.actor.as_str())),
                    ],
                ));
                let why = why_text(i18n, e);
                if !why.is_empty() {
                    ui.label(RichText::new(why).small().weak());
                }
                ui.add_space(4.0);
            }
        });
}
