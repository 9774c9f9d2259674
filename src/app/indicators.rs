//! Applying what the workers say about the usage indicators: the report, the CSV written, a
//! chart image written; and the screen shown, which asks for the current period's report.

use super::ChevetApp;
use crate::domain::indicators::Month;
use crate::ui::Screen;
use crate::worker::Event;

impl ChevetApp {
    /// The indicators' events (`apply_event` hands them over).
    pub(super) fn apply_indicators_event(&mut self, event: Event) {
        match event {
            Event::Indicators(report) => self.indicators.on_report(report),
            Event::IndicatorsExported { path } => self.indicators.on_exported(path),
            Event::ChartImageSaved { path } => self.indicators.on_chart_saved(path),
            _ => {}
        }
    }

    /// « Indicateurs »: the report is computed each time the screen shows (the twelve months
    /// ending this month the first time).
    pub(super) fn show_indicators(&mut self) {
        let today = chrono::Local::now().date_naive();
        let month = Month::parse_iso(&today.format("%Y-%m").to_string()).unwrap_or(Month {
            year: 2026,
            month: 1,
        });
        let request = self.indicators.on_shown(month);
        self.send(request);
        self.screen = Screen::Indicators;
    }
}

impl ChevetApp {
    /// The « Indicateurs » screen's state (for the frame-time benchmark, which watches when
    /// the report arrives).
    #[must_use]
    pub fn indicators_state(&self) -> &crate::ui::indicators::IndicatorsState {
        &self.indicators
    }
}
