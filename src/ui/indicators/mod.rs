//! « Indicateurs » (administrators): the usage indicators per FINESS géographique × document
//! type × month (DSR SC.STAT/ES.01). `filters` (sites, period, types, refresh, CSV export),
//! `charts` (the monthly bars per type of one indicator and the trend of chosen indicators, on
//! the `axes` of months and counts), `data` (what they draw, aggregated once per report in
//! [`ChartData`]), `capture` (a chart exported as PNG from a screenshot of the window), `table`
//! (the report's rows, virtualised).

mod axes;
mod capture;
mod charts;
mod data;
mod filters;
mod table;

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use fluent_bundle::FluentValue;

use crate::domain::indicators::{Indicator, IndicatorFilter, IndicatorReport, Month};
use crate::ui::{Command, ScreenCtx};
use crate::worker::{Operation, Request};

pub use axes::month_label;
pub use capture::crop_rgba;
pub use data::{ChartData, TypeSeries};

/// Months the period pickers offer, back from the current one.
const PICKER_MONTHS: i64 = 60;

/// The screen's state.
pub struct IndicatorsState {
    /// The current month (the default period ends there).
    today: Option<Month>,
    /// The filters as edited.
    sites: BTreeSet<String>,
    types: BTreeSet<String>,
    from: Month,
    to: Month,
    /// The filter of the last computation asked for (the charts' months come from it).
    asked: Option<IndicatorFilter>,
    report: Option<IndicatorReport>,
    /// What the charts draw, computed once per report.
    data: ChartData,
    /// Every site and type the filters offer (from the last report).
    site_labels: HashMap<String, String>,
    /// The indicator of the monthly bars.
    bar_indicator: Indicator,
    /// The indicators of the trend chart.
    trend: [bool; Indicator::COUNT],
    computing: bool,
    exporting: bool,
    exported: Option<PathBuf>,
    chart_saved: Option<PathBuf>,
    error: Option<&'static str>,
    capture: capture::CaptureState,
}

impl Default for IndicatorsState {
    fn default() -> Self {
        let month = Month {
            year: 2026,
            month: 1,
        };
        let mut trend = [false; Indicator::COUNT];
        for i in [
            Indicator::DocumentsProduced,
            Indicator::DmpFed,
            Indicator::MssSent,
            Indicator::Received,
        ] {
            trend[i.index()] = true;
        }
        Self {
            today: None,
            sites: BTreeSet::new(),
            types: BTreeSet::new(),
            from: month,
            to: month,
            asked: None,
            report: None,
            data: ChartData::default(),
            site_labels: HashMap::new(),
            bar_indicator: Indicator::DocumentsProduced,
            trend,
            computing: false,
            exporting: false,
            exported: None,
            chart_saved: None,
            error: None,
            capture: capture::CaptureState::default(),
        }
    }
}

impl IndicatorsState {
    /// The screen shows: the first time, the period is the twelve months ending with `today`.
    /// The request that computes the report.
    pub fn on_shown(&mut self, today: Month) -> Request {
        if self.today.is_none() {
            self.from = Month::from_ordinal(today.ordinal() - 11);
            self.to = today;
        }
        self.today = Some(today);
        self.compute_request()
    }

    /// The filter as edited (empty lists: everything).
    #[must_use]
    pub fn filter(&self) -> IndicatorFilter {
        let (from, to) = if self.from <= self.to {
            (self.from, self.to)
        } else {
            (self.to, self.from)
        };
        IndicatorFilter {
            sites: self.sites.iter().cloned().collect(),
            type_codes: self.types.iter().cloned().collect(),
            from,
            to,
        }
    }

    /// Asks for the report of the filters as edited.
    fn compute_request(&mut self) -> Request {
        let filter = self.filter();
        self.asked = Some(filter.clone());
        self.computing = true;
        self.error = None;
        Request::ComputeIndicators { filter }
    }

    /// A report arrived: everything the charts draw is aggregated here, once.
    pub fn on_report(&mut self, report: IndicatorReport) {
        self.computing = false;
        self.data = ChartData::build(&report, self.asked.as_ref());
        self.site_labels = report.sites.iter().cloned().collect();
        self.report = Some(report);
    }

    /// The CSV was written there.
    pub fn on_exported(&mut self, path: PathBuf) {
        self.exporting = false;
        self.exported = Some(path);
    }

    /// A chart image was written there.
    pub fn on_chart_saved(&mut self, path: PathBuf) {
        self.capture.on_saved();
        self.chart_saved = Some(path);
    }

    /// A request of this screen failed: it says why. False when the failure is not its own.
    pub fn on_failed(&mut self, operation: Operation, message_id: &'static str) -> bool {
        match operation {
            Operation::ComputeIndicators => self.computing = false,
            Operation::ExportIndicators => self.exporting = false,
            Operation::SaveChartImage => self.capture.on_saved(),
            _ => return false,
        }
        self.error = Some(message_id);
        true
    }

    /// Nothing of the session stays.
    pub fn on_logged_out(&mut self) {
        *self = Self::default();
    }

    /// A computation was asked for and has not answered yet.
    #[must_use]
    pub fn is_computing(&self) -> bool {
        self.computing
    }

    /// The report on screen, if any.
    #[must_use]
    pub fn report(&self) -> Option<&IndicatorReport> {
        self.report.as_ref()
    }

    /// What the charts draw.
    #[must_use]
    pub fn chart_data(&self) -> &ChartData {
        &self.data
    }

    /// A site's label as the filters show it: `FINESS — label`.
    fn site_text(&self, finess: &str) -> String {
        match self.site_labels.get(finess) {
            Some(label) if !label.is_empty() => format!("{finess} — {label}"),
            _ => finess.to_owned(),
        }
    }
}

/// The whole screen.
pub fn indicators_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut IndicatorsState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if !ctx.rights.export_indicators {
        ui.label(i18n.tr("error-forbidden"));
        return;
    }
    capture::poll(ui.ctx(), state, commands);
    ui.heading(i18n.tr("indicators-title"));
    filters::filters_ui(ui, ctx, state, commands);
    status_ui(ui, ctx, state);
    ui.separator();
    charts::charts_ui(ui, ctx, state);
    figures_ui(ui, ctx, state);
    ui.separator();
    table::table_ui(ui, ctx, state);
}

/// What happened last: computing, the report's size and time, the files written, an error.
fn status_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, state: &IndicatorsState) {
    let i18n = ctx.i18n;
    ui.horizontal_wrapped(|ui| {
        if state.computing {
            ui.spinner();
            ui.label(i18n.tr("indicators-computing"));
        } else if let Some(report) = &state.report {
            ui.label(i18n.tr_args(
                "indicators-summary",
                &[
                    ("rows", FluentValue::from(report.rows.len())),
                    ("ms", FluentValue::from(report.computed_ms)),
                ],
            ));
        }
        if let Some(path) = &state.exported {
            ui.label(i18n.tr_args(
                "indicators-exported",
                &[("path", FluentValue::from(path.display().to_string()))],
            ));
        }
        if let Some(path) = &state.chart_saved {
            ui.label(i18n.tr_args(
                "indicators-chart-saved",
                &[("path", FluentValue::from(path.display().to_string()))],
            ));
        }
        if let Some(error) = state.error {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
        }
    });
}

/// The period's total of each indicator, over the sites and types chosen.
fn figures_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, state: &IndicatorsState) {
    if state.report.is_none() || state.data.months().is_empty() {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.strong(ctx.i18n.tr("indicators-totals"));
        for kind in Indicator::ALL {
            ui.label(format!(
                "{} : {}",
                ctx.i18n.tr(&kind.message_id()),
                state.data.total(kind)
            ));
            ui.add_space(8.0);
        }
    });
}

/// The months the period pickers offer: the last [`PICKER_MONTHS`] up to `today`, newest first.
fn picker_months(today: Month) -> impl Iterator<Item = Month> {
    let last = today.ordinal();
    (0..PICKER_MONTHS).map(move |back| Month::from_ordinal(last - back))
}

#[cfg(test)]
mod tests;
