//! The report's rows under the charts: site, document type, month and the twelve counts, one
//! line each, virtualised (only the visible lines are laid out).

use egui_extras::{Column, TableBuilder};

use super::IndicatorsState;
use crate::domain::indicators::Indicator;
use crate::ui::ScreenCtx;

const ROW_HEIGHT: f32 = 20.0;

pub(super) fn table_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, state: &IndicatorsState) {
    let i18n = ctx.i18n;
    let Some(report) = &state.report else {
        return;
    };
    if report.rows.is_empty() {
        ui.label(i18n.tr("indicators-no-rows"));
        return;
    }
    let none = i18n.tr("indicators-type-none");
    let headers: Vec<String> = Indicator::ALL
        .iter()
        .map(|k| i18n.tr(&k.message_id()))
        .collect();
    egui::ScrollArea::horizontal()
        .id_salt("indicators_table_scroll")
        .show(ui, |ui| {
            let mut table = TableBuilder::new(ui)
                .id_salt("indicators_table")
                .striped(true)
                .resizable(true)
                .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
                .column(Column::initial(200.0).clip(true))
                .column(Column::initial(190.0).clip(true))
                .column(Column::exact(70.0));
            for _ in Indicator::ALL {
                table = table.column(Column::initial(104.0).clip(true));
            }
            table
                .header(52.0, |mut header| {
                    for id in [
                        "indicators-col-site",
                        "indicators-col-type",
                        "indicators-col-month",
                    ] {
                        header.col(|ui| {
                            ui.strong(i18n.tr(id));
                        });
                    }
                    for text in &headers {
                        header.col(|ui| {
                            ui.add(egui::Label::new(egui::RichText::new(text).strong()).wrap())
                                .on_hover_text(text);
                        });
                    }
                })
                .body(|body| {
                    body.rows(ROW_HEIGHT, report.rows.len(), |mut row| {
                        let r = &report.rows[row.index()];
                        row.col(|ui| {
                            ui.label(state.site_text(&r.finess_geo));
                        });
                        row.col(|ui| {
                            ui.label(if r.type_code.is_empty() {
                                none.as_str()
                            } else if r.type_label.is_empty() {
                                r.type_code.as_str()
                            } else {
                                r.type_label.as_str()
                            });
                        });
                        row.col(|ui| {
                            ui.label(r.month.to_string());
                        });
                        for count in r.counts {
                            row.col(|ui| {
                                ui.with_layout(
                                    egui::Layout::right_to_left(egui::Align::Center),
                                    |ui| ui.label(count.to_string()),
                                );
                            });
                        }
                    });
                });
        });
}
