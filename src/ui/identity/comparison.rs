//! The comparison table: for each strict trait, the folder's value, INSi's, and how they
//! compare — identical, written differently (case, accents, separators: said which), completed
//! by INSi, or different (in red). Above it, the INS returned.

use egui::RichText;
use fluent_bundle::FluentValue;

use crate::domain::{InsOid, Sex};
use crate::i18n::I18n;
use crate::ui::widgets::date_text;
use crate::worker::{Agreement, InsComparison, TraitField};

fn ins_kind_key(oid: InsOid) -> &'static str {
    match oid {
        InsOid::Nir => "folder-ins-nir",
        InsOid::Nia => "folder-ins-nia",
        InsOid::TestNir => "folder-ins-test",
        InsOid::DemoNir => "folder-ins-demo",
    }
}

/// A trait's value as shown (sex in words, the date as French users read it).
fn value_text(i18n: &I18n, field: TraitField, value: &str) -> String {
    if value.trim().is_empty() {
        return i18n.tr("identity-trait-empty");
    }
    match field {
        TraitField::Sex => {
            Sex::from_code(value).map_or_else(|| value.to_owned(), |s| i18n.tr(s.label_key()))
        }
        TraitField::BirthDate => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_or_else(|_| value.to_owned(), date_text),
        _ => value.to_owned(),
    }
}

/// How the trait compares, in words.
pub(super) fn agreement_text(i18n: &I18n, agreement: Agreement) -> String {
    match agreement {
        Agreement::Same => i18n.tr("identity-agreement-same"),
        Agreement::Written {
            case,
            accents,
            separators,
        } => {
            let what: Vec<String> = [
                (case, "identity-agreement-case"),
                (accents, "identity-agreement-accents"),
                (separators, "identity-agreement-separators"),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, id)| i18n.tr(id))
            .collect();
            i18n.tr_args(
                "identity-agreement-written",
                &[("what", FluentValue::from(what.join(", ")))],
            )
        }
        Agreement::Completed => i18n.tr("identity-agreement-completed"),
        Agreement::Different => i18n.tr("identity-agreement-different"),
    }
}

pub(super) fn comparison_ui(ui: &mut egui::Ui, i18n: &I18n, c: &InsComparison) {
    let ins = &c.returned.ins;
    ui.label(
        RichText::new(i18n.tr_args(
            "identity-insi-found",
            &[
                ("ins", FluentValue::from(ins.matricule.grouped())),
                ("kind", FluentValue::from(i18n.tr(ins_kind_key(ins.oid)))),
                ("calls", FluentValue::from(c.calls)),
            ],
        ))
        .strong(),
    );
    if c.returned.earlier_ins > 0 {
        ui.label(i18n.tr_args(
            "identity-insi-earlier",
            &[("count", FluentValue::from(c.returned.earlier_ins))],
        ));
    }
    egui::Grid::new("identity_comparison")
        .striped(true)
        .num_columns(4)
        .spacing([16.0, 6.0])
        .show(ui, |ui| {
            for id in [
                "identity-comparison-trait",
                "identity-comparison-folder",
                "identity-comparison-insi",
                "identity-comparison-result",
            ] {
                ui.label(RichText::new(i18n.tr(id)).strong());
            }
            ui.end_row();
            for row in &c.rows {
                ui.label(i18n.tr(row.field.label_key()));
                ui.label(value_text(i18n, row.field, &row.local));
                ui.label(value_text(i18n, row.field, &row.returned));
                let text = agreement_text(i18n, row.agreement);
                match row.agreement {
                    Agreement::Same => ui.label(text),
                    Agreement::Different => ui.label(
                        RichText::new(text)
                            .color(ui.visuals().error_fg_color)
                            .strong(),
                    ),
                    Agreement::Written { .. } | Agreement::Completed => {
                        ui.label(RichText::new(text).color(ui.visuals().warn_fg_color))
                    }
                };
                ui.end_row();
            }
        });
}
