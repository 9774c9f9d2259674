//! The screen's state without a window: the period asked on opening, the aggregation done once
//! per report, failures kept to its own requests.

use super::*;
use crate::domain::indicators::IndicatorRow;

fn month(year: i32, month: u32) -> Month {
    Month::new(year, month).unwrap()
}

fn row(site: &str, code: &str, m: Month, produced: u64, fed: u64) -> IndicatorRow {
    let mut counts = [0; Indicator::COUNT];
    counts[Indicator::DocumentsProduced.index()] = produced;
    counts[Indicator::DmpFed.index()] = fed;
    IndicatorRow {
        finess_geo: site.to_owned(),
        type_code: code.to_owned(),
        type_label: format!("type {code}"),
        month: m,
        counts,
    }
}

fn report() -> IndicatorReport {
    IndicatorReport {
        rows: vec![
            row("750000001", "11488-4", month(2026, 11), 3, 1),
            row("750000001", "11488-4", month(2026, 12), 5, 4),
            row("750000001", "34133-9", month(2026, 12), 2, 0),
            row("920000002", "11488-4", month(2026, 12), 1, 1),
        ],
        sites: vec![
            ("750000001".into(), "Site Paris".into()),
            ("920000002".into(), String::new()),
        ],
        types: vec![
            ("11488-4".into(), "Consultation".into()),
            ("34133-9".into(), "Synthèse".into()),
        ],
        computed_ms: 3,
    }
}

#[test]
fn issue18_opening_asks_the_last_twelve_months() {
    let mut state = IndicatorsState::default();
    let Request::ComputeIndicators { filter } = state.on_shown(month(2026, 12)) else {
        panic!("a computation is asked");
    };
    assert_eq!((filter.from, filter.to), (month(2026, 1), month(2026, 12)));
    assert!(filter.sites.is_empty() && filter.type_codes.is_empty());
    assert!(state.computing);
}

#[test]
fn issue18_a_report_is_aggregated_once_for_the_charts() {
    let mut state = IndicatorsState::default();
    let _ = state.on_shown(month(2026, 12));
    state.on_report(report());
    assert!(!state.computing);
    let data = state.chart_data();
    assert_eq!(data.months().len(), 12);
    assert_eq!(data.total(Indicator::DocumentsProduced), 11);
    assert_eq!(data.total(Indicator::DmpFed), 6);
    assert_eq!(
        data.monthly_total(Indicator::DocumentsProduced, month(2026, 12)),
        8
    );
    assert_eq!(
        data.monthly_total(Indicator::DocumentsProduced, month(2026, 11)),
        3
    );
    let types: Vec<(&str, u64)> = data
        .types(Indicator::DocumentsProduced)
        .iter()
        .map(|t| (t.code.as_str(), t.total))
        .collect();
    assert_eq!(types, [("11488-4", 9), ("34133-9", 2)]);
    // A type without DMP feeding has no bars for it.
    assert_eq!(data.types(Indicator::DmpFed).len(), 1);
    assert_eq!(state.site_text("750000001"), "750000001 — Site Paris");
    assert_eq!(state.site_text("920000002"), "920000002");
}

#[test]
fn issue18_failures_stay_with_their_request() {
    let mut state = IndicatorsState::default();
    let _ = state.on_shown(month(2026, 12));
    assert!(!state.on_failed(Operation::SearchPatients, "error-internal"));
    assert!(state.on_failed(Operation::ComputeIndicators, "error-internal"));
    assert!(!state.computing);
    assert_eq!(state.error, Some("error-internal"));
    state.on_exported(PathBuf::from("/tmp/x.csv"));
    assert_eq!(
        state.exported.as_deref(),
        Some(std::path::Path::new("/tmp/x.csv"))
    );
}

#[test]
fn issue18_a_reversed_period_is_put_back_in_order() {
    let mut state = IndicatorsState::default();
    let _ = state.on_shown(month(2026, 12));
    state.from = month(2026, 12);
    state.to = month(2026, 3);
    let filter = state.filter();
    assert_eq!((filter.from, filter.to), (month(2026, 3), month(2026, 12)));
}
