//! The filters: sites (FINESS géographique with its label, several at once), the period (first
//! and last month), document types; « Actualiser » computes the report again, « Exporter en
//! CSV » writes the same filter's rows to a file.

use std::collections::BTreeSet;

use super::{IndicatorsState, picker_months};
use crate::domain::indicators::Month;
use crate::ui::{Command, ScreenCtx};
use crate::worker::Request;

pub(super) fn filters_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut IndicatorsState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal_wrapped(|ui| {
        // Sites.
        let sites: Vec<(String, String)> = state
            .report
            .as_ref()
            .map(|r| {
                r.sites
                    .iter()
                    .map(|(finess, _)| (finess.clone(), state.site_text(finess)))
                    .collect()
            })
            .unwrap_or_default();
        let label = ui.label(i18n.tr("indicators-sites"));
        let text = selection_text(ctx, &state.sites, sites.len());
        multi_select_ui(ui, "indicators_sites", &text, &sites, &mut state.sites)
            .labelled_by(label.id);
        // Period.
        let today = state.today.unwrap_or(state.to);
        let label = ui.label(i18n.tr("indicators-from"));
        month_picker_ui(ui, "indicators_from", today, &mut state.from).labelled_by(label.id);
        let label = ui.label(i18n.tr("indicators-to"));
        month_picker_ui(ui, "indicators_to", today, &mut state.to).labelled_by(label.id);
        // Document types.
        let types: Vec<(String, String)> = state
            .report
            .as_ref()
            .map(|r| {
                r.types
                    .iter()
                    .map(|(code, label)| {
                        let text = if label.is_empty() {
                            code.clone()
                        } else {
                            format!("{label} ({code})")
                        };
                        (code.clone(), text)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let label = ui.label(i18n.tr("indicators-types"));
        let text = selection_text(ctx, &state.types, types.len());
        multi_select_ui(ui, "indicators_types", &text, &types, &mut state.types)
            .labelled_by(label.id);
        if ui
            .add_enabled(
                !state.computing,
                egui::Button::new(i18n.tr("indicators-refresh")),
            )
            .clicked()
        {
            let request = state.compute_request();
            commands.push(Command::Send(request));
        }
        if ui
            .add_enabled(
                !state.exporting,
                egui::Button::new(i18n.tr("indicators-export-csv")),
            )
            .clicked()
        {
            state.exporting = true;
            state.exported = None;
            state.error = None;
            commands.push(Command::Send(Request::ExportIndicators {
                filter: state.filter(),
            }));
        }
        if state.exporting {
            ui.spinner();
        }
    });
}

/// « Tous » when nothing is chosen (everything counts), else how many of how many.
fn selection_text(ctx: &ScreenCtx<'_>, chosen: &BTreeSet<String>, offered: usize) -> String {
    if chosen.is_empty() {
        ctx.i18n.tr("indicators-all")
    } else {
        format!("{} / {offered}", chosen.len())
    }
}

/// A menu of checkboxes; `chosen` holds the codes checked.
fn multi_select_ui(
    ui: &mut egui::Ui,
    id: &str,
    text: &str,
    options: &[(String, String)],
    chosen: &mut BTreeSet<String>,
) -> egui::Response {
    egui::ComboBox::from_id_salt(id)
        .selected_text(text)
        .width(180.0)
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside)
        .show_ui(ui, |ui| {
            for (code, label) in options {
                let mut on = chosen.contains(code);
                if ui.checkbox(&mut on, label).changed() {
                    if on {
                        chosen.insert(code.clone());
                    } else {
                        chosen.remove(code);
                    }
                }
            }
        })
        .response
}

/// A month chosen among the last months up to `today` (`2026-12`).
fn month_picker_ui(ui: &mut egui::Ui, id: &str, today: Month, month: &mut Month) -> egui::Response {
    egui::ComboBox::from_id_salt(id)
        .selected_text(month.to_string())
        .width(90.0)
        .show_ui(ui, |ui| {
            for m in picker_months(today) {
                ui.selectable_value(month, m, m.to_string());
            }
        })
        .response
}
