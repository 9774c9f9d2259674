//! The two charts (`egui_plot`): the monthly bars of one indicator stacked per document type,
//! and the trend of chosen indicators over the months. [`ChartData::build`] aggregates a report
//! once when it arrives; a frame only turns those numbers into plot items. Axes: months on X
//! (`déc. 2026`, ticks on whole months only, every 1, 3, 6 or 12 months as the room allows, so
//! that labels never overlap), whole numbers on Y.

use egui::Color32;
use egui_plot::{Bar, BarChart, Line, Plot, Points};

use super::IndicatorsState;
use super::axes::{count_marks, month_marks, month_tick};
use super::capture::Chart;
use super::data::{ChartData, PALETTE, TypeSeries};
use crate::domain::indicators::Indicator;
use crate::ui::ScreenCtx;

/// Height of each chart, in points.
const CHART_HEIGHT: f32 = 220.0;
/// Width of a bar, in months.
const BAR_WIDTH: f64 = 0.7;

/// A plot with this screen's axes, fixed (no zoom or drag: the period is the filter's).
fn plot<'a>(id: &str, names: &'a [String; 12], data: &ChartData) -> Plot<'a> {
    let first = data.months.first().map_or(0.0, |m| m.ordinal() as f64);
    let last = data.months.last().map_or(0.0, |m| m.ordinal() as f64);
    Plot::new(id)
        .height(CHART_HEIGHT)
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .allow_double_click_reset(false)
        .show_x(false)
        // No margin on X: the axis ends with the period, no month outside it is labelled.
        .set_margin_fraction(egui::vec2(0.0, 0.08))
        .include_x(first - 0.5)
        .include_x(last + 0.5)
        .include_y(0.0)
        .include_y(1.0)
        .x_grid_spacer(month_marks)
        .y_grid_spacer(count_marks)
        .x_axis_formatter(move |mark, _| month_tick(names, mark.value))
        .y_axis_formatter(|mark, _| {
            if mark.value.fract() == 0.0 && mark.value >= 0.0 {
                format!("{}", mark.value as u64)
            } else {
                String::new()
            }
        })
}

/// The legend under a chart (inside the plot it would hide the bars): a colour swatch and a
/// name per series, wrapped on as many lines as needed.
fn legend_ui<'s>(ui: &mut egui::Ui, items: impl Iterator<Item = (Color32, &'s str)>) {
    let font = egui::TextStyle::Small.resolve(ui.style());
    let text = ui.visuals().text_color();
    ui.horizontal_wrapped(|ui| {
        ui.spacing_mut().item_spacing.y = 0.0;
        for (color, name) in items {
            // Swatch and name in one label, so that a line never separates them.
            let mut job = egui::text::LayoutJob::default();
            job.append("■ ", 0.0, egui::TextFormat::simple(font.clone(), color));
            job.append(name, 0.0, egui::TextFormat::simple(font.clone(), text));
            ui.add(egui::Label::new(job).wrap_mode(egui::TextWrapMode::Extend));
            ui.add_space(6.0);
        }
    });
}

/// Both charts side by side, each with its export button.
pub(super) fn charts_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, state: &mut IndicatorsState) {
    let i18n = ctx.i18n;
    if state.data.months.is_empty() {
        if !state.computing {
            ui.label(i18n.tr("indicators-no-data"));
        }
        return;
    }
    let names: [String; 12] =
        std::array::from_fn(|i| i18n.tr(&format!("indicators-month-{}", i + 1)));
    ui.columns(2, |cols| {
        let [left, right] = cols else { return };
        bars_ui(left, ctx, state, &names);
        trend_ui(right, ctx, state, &names);
    });
}

/// The monthly bars of the chosen indicator, stacked per document type.
fn bars_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut IndicatorsState,
    names: &[String; 12],
) {
    let i18n = ctx.i18n;
    let chooser = |ui: &mut egui::Ui, state: &mut IndicatorsState| {
        egui::ComboBox::from_id_salt("indicators_bar_kind")
            .selected_text(i18n.tr(&state.bar_indicator.message_id()))
            .show_ui(ui, |ui| {
                for kind in Indicator::ALL {
                    ui.selectable_value(
                        &mut state.bar_indicator,
                        kind,
                        i18n.tr(&kind.message_id()),
                    );
                }
            })
            .response
            .accessible_name(i18n.tr("indicators-bar-kind"));
    };
    chart_block_ui(
        ui,
        ctx,
        state,
        Chart::Bars,
        "indicators-chart-bars",
        chooser,
        |ui, state| {
            let none = i18n.tr("indicators-type-none");
            let series = state.data.types(state.bar_indicator);
            plot("indicators_bars", names, &state.data).show(ui, |plot_ui| {
                for s in series {
                    let bars = s
                        .bars
                        .iter()
                        .map(|(x, base, height, text)| {
                            Bar::new(*x, *height)
                                .base_offset(*base)
                                .width(BAR_WIDTH)
                                .name(text)
                                .fill(s.color)
                        })
                        .collect();
                    let name = series_name(s, &none);
                    plot_ui.bar_chart(
                        BarChart::new(name, bars)
                            .color(s.color)
                            .element_formatter(Box::new(|bar, _| bar.name.clone())),
                    );
                }
            });
            legend_ui(ui, series.iter().map(|s| (s.color, series_name(s, &none))));
        },
    );
    let name = format!("indicateurs-mensuel-{}", state.bar_indicator.code());
    export_button_ui(ui, ctx, state, Chart::Bars, name);
}

/// One chart's block: its title beside its `chooser`, then the chart `body`, the block's place
/// kept for the image export.
fn chart_block_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut IndicatorsState,
    chart: Chart,
    title_id: &str,
    chooser: impl FnOnce(&mut egui::Ui, &mut IndicatorsState),
    body: impl FnOnce(&mut egui::Ui, &IndicatorsState),
) {
    let block = ui.vertical(|ui| {
        ui.horizontal(|ui| {
            ui.strong(ctx.i18n.tr(title_id));
            chooser(ui, state);
        });
        body(ui, state);
    });
    state.capture.set_rect(chart, block.response.rect);
}

/// A document type as the legend names it.
fn series_name<'s>(series: &'s TypeSeries, none: &'s str) -> &'s str {
    if series.code.is_empty() {
        none
    } else if series.label.is_empty() {
        &series.code
    } else {
        &series.label
    }
}

/// The trend of the chosen indicators, one line each.
fn trend_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut IndicatorsState,
    names: &[String; 12],
) {
    let i18n = ctx.i18n;
    let chooser = |ui: &mut egui::Ui, state: &mut IndicatorsState| {
        ui.menu_button(i18n.tr("indicators-choose"), |ui| {
            for kind in Indicator::ALL {
                ui.checkbox(&mut state.trend[kind.index()], i18n.tr(&kind.message_id()));
            }
        });
    };
    chart_block_ui(
        ui,
        ctx,
        state,
        Chart::Trend,
        "indicators-chart-trend",
        chooser,
        |ui, state| {
            let data = &state.data;
            let shown: Vec<(Indicator, String)> = Indicator::ALL
                .into_iter()
                .filter(|k| state.trend[k.index()])
                .map(|k| (k, i18n.tr(&k.message_id())))
                .collect();
            plot("indicators_trend", names, data)
                .label_formatter(move |pos| match pos {
                    egui_plot::HoverPosition::NearDataPoint {
                        plot_name,
                        position,
                        ..
                    } => Some(format!(
                        "{plot_name}\n{} : {}",
                        month_tick(names, position.x.round()),
                        position.y.round()
                    )),
                    egui_plot::HoverPosition::Elsewhere { .. } => None,
                })
                .show(ui, |plot_ui| {
                    for (kind, label) in &shown {
                        let color = PALETTE[kind.index() % PALETTE.len()];
                        let points = data.totals[kind.index()].clone();
                        plot_ui.line(
                            Line::new(label.clone(), points.clone())
                                .color(color)
                                .width(2.0),
                        );
                        plot_ui.points(Points::new(label.clone(), points).color(color).radius(3.0));
                    }
                });
            legend_ui(
                ui,
                shown
                    .iter()
                    .map(|(kind, label)| (PALETTE[kind.index() % PALETTE.len()], label.as_str())),
            );
        },
    );
    export_button_ui(
        ui,
        ctx,
        state,
        Chart::Trend,
        "indicateurs-tendance".to_owned(),
    );
}

/// « Exporter l'image »: a screenshot of the window is asked; the chart is cut from it.
fn export_button_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut IndicatorsState,
    chart: Chart,
    name: String,
) {
    let busy = state.capture.is_busy();
    let text = ctx.i18n.tr(match chart {
        Chart::Bars => "indicators-export-image-bars",
        Chart::Trend => "indicators-export-image-trend",
    });
    if ui.add_enabled(!busy, egui::Button::new(text)).clicked() {
        state.chart_saved = None;
        state.capture.request(ui.ctx(), chart, name);
    }
}
