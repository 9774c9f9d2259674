//! What the charts draw, aggregated once per report ([`ChartData::build`], called by
//! `IndicatorsState::on_report`): per indicator, the bars of each document type stacked month by
//! month, the monthly totals of the trend, the period's totals. A frame only reads it.

use std::collections::HashMap;

use egui::Color32;

use crate::domain::indicators::{Indicator, IndicatorFilter, IndicatorReport, Month};

/// Longest period drawn, in months (a filter beyond is cut to its last months).
const MAX_MONTHS: i64 = 240;

/// Distinct colours for document types and indicators, cycled.
pub(super) const PALETTE: [Color32; 12] = [
    Color32::from_rgb(31, 119, 180),
    Color32::from_rgb(255, 127, 14),
    Color32::from_rgb(44, 160, 44),
    Color32::from_rgb(214, 39, 40),
    Color32::from_rgb(148, 103, 189),
    Color32::from_rgb(140, 86, 75),
    Color32::from_rgb(227, 119, 194),
    Color32::from_rgb(127, 127, 127),
    Color32::from_rgb(188, 189, 34),
    Color32::from_rgb(23, 190, 207),
    Color32::from_rgb(57, 59, 121),
    Color32::from_rgb(173, 73, 74),
];

/// One document type's bars for one indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeSeries {
    pub code: String,
    /// Empty for what has no document type (a DMP folder opened).
    pub label: String,
    pub(super) color: Color32,
    /// Per month with a count: x (month ordinal), base (stacked under), height, hover text.
    pub(super) bars: Vec<(f64, f64, f64, String)>,
    pub total: u64,
}

/// What both charts draw, from one report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartData {
    pub(super) months: Vec<Month>,
    /// Per indicator: the types with a non-zero total, stacked in this order.
    series: Vec<Vec<TypeSeries>>,
    /// Per indicator: (month ordinal, total over sites and types).
    pub(super) totals: Vec<Vec<[f64; 2]>>,
    /// Per indicator: the total over the period.
    sums: [u64; Indicator::COUNT],
}

impl ChartData {
    /// Aggregates `report` over the months of `asked` (or of its rows when unknown).
    #[must_use]
    pub fn build(report: &IndicatorReport, asked: Option<&IndicatorFilter>) -> Self {
        let bounds = asked
            .map(|f| (f.from.ordinal(), f.to.ordinal()))
            .or_else(|| {
                let first = report.rows.iter().map(|r| r.month.ordinal()).min()?;
                let last = report.rows.iter().map(|r| r.month.ordinal()).max()?;
                Some((first, last))
            });
        let Some((first, last)) = bounds else {
            return Self::default();
        };
        let first = first.max(last - MAX_MONTHS + 1);
        let months: Vec<Month> = (first..=last).map(Month::from_ordinal).collect();
        let m_count = months.len();
        // Types in the report's order, then any only the rows name.
        let mut types: Vec<(String, String)> = report.types.clone();
        let mut index: HashMap<String, usize> = types
            .iter()
            .enumerate()
            .map(|(i, (code, _))| (code.clone(), i))
            .collect();
        let mut grid: Vec<[u64; Indicator::COUNT]> = Vec::new();
        let mut row_type = Vec::with_capacity(report.rows.len());
        for row in &report.rows {
            let t = *index.entry(row.type_code.clone()).or_insert_with(|| {
                types.push((row.type_code.clone(), row.type_label.clone()));
                types.len() - 1
            });
            row_type.push(t);
        }
        let t_count = types.len();
        grid.resize(t_count * m_count, [0; Indicator::COUNT]);
        for (row, t) in report.rows.iter().zip(row_type) {
            let m = row.month.ordinal() - first;
            let Ok(m) = usize::try_from(m) else { continue };
            if m >= m_count {
                continue;
            }
            let cell = &mut grid[t * m_count + m];
            for (sum, count) in cell.iter_mut().zip(row.counts) {
                *sum += count;
            }
        }
        let mut series = Vec::with_capacity(Indicator::COUNT);
        let mut totals = Vec::with_capacity(Indicator::COUNT);
        let mut sums = [0; Indicator::COUNT];
        for k in 0..Indicator::COUNT {
            let mut base = vec![0u64; m_count];
            let mut kinds = Vec::new();
            for (t, (code, label)) in types.iter().enumerate() {
                let cells = &grid[t * m_count..(t + 1) * m_count];
                let total: u64 = cells.iter().map(|c| c[k]).sum();
                if total == 0 {
                    continue;
                }
                let name = if label.is_empty() { code } else { label };
                let bars = cells
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| c[k] > 0)
                    .map(|(m, c)| {
                        let under = base[m];
                        base[m] += c[k];
                        (
                            months[m].ordinal() as f64,
                            under as f64,
                            c[k] as f64,
                            format!("{name}\n{} : {}", months[m], c[k]),
                        )
                    })
                    .collect();
                kinds.push(TypeSeries {
                    code: code.clone(),
                    label: label.clone(),
                    color: PALETTE[t % PALETTE.len()],
                    bars,
                    total,
                });
            }
            sums[k] = base.iter().sum();
            totals.push(
                months
                    .iter()
                    .zip(&base)
                    .map(|(month, n)| [month.ordinal() as f64, *n as f64])
                    .collect(),
            );
            series.push(kinds);
        }
        Self {
            months,
            series,
            totals,
            sums,
        }
    }

    /// The months drawn.
    #[must_use]
    pub fn months(&self) -> &[Month] {
        &self.months
    }

    /// An indicator's total over every site, type and month drawn.
    #[must_use]
    pub fn total(&self, indicator: Indicator) -> u64 {
        self.sums[indicator.index()]
    }

    /// An indicator's total in one month.
    #[must_use]
    pub fn monthly_total(&self, indicator: Indicator, month: Month) -> u64 {
        let x = month.ordinal() as f64;
        self.totals
            .get(indicator.index())
            .and_then(|points| points.iter().find(|p| p[0] == x))
            .map_or(0, |p| p[1] as u64)
    }

    /// The document types an indicator's bars stack, with their totals.
    #[must_use]
    pub fn types(&self, indicator: Indicator) -> &[TypeSeries] {
        self.series
            .get(indicator.index())
            .map_or(&[], Vec::as_slice)
    }
}
