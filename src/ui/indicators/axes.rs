//! The charts' axes: months on X (`déc. 2026`, marks on whole months only, every 1, 3, 6 or
//! 12 months as the room allows, so that labels never overlap), whole numbers on Y.

use egui_plot::{GridInput, GridMark};

use crate::domain::indicators::Month;
use crate::i18n::I18n;

/// A month as the axes show it: `déc. 2026` (the short names from the locale).
#[must_use]
pub fn month_label(i18n: &I18n, month: Month) -> String {
    format!(
        "{} {}",
        i18n.tr(&format!("indicators-month-{}", month.month)),
        month.year
    )
}

/// Grid marks on whole months only: every 1, 3, 6, 12… months, the finest whose lines are at
/// least the plot's minimum grid spacing apart.
pub(super) fn month_marks(input: GridInput) -> Vec<GridMark> {
    const STEPS: [f64; 8] = [1.0, 3.0, 6.0, 12.0, 24.0, 60.0, 120.0, 240.0];
    let (lo, hi) = input.bounds;
    let first = STEPS
        .iter()
        .position(|s| *s >= input.base_step_size)
        .unwrap_or(STEPS.len() - 1);
    let mut marks: Vec<GridMark> = Vec::new();
    for &step in &STEPS[first..(first + 3).min(STEPS.len())] {
        let start = (lo / step).ceil() as i64;
        let end = (hi / step).floor() as i64;
        if end - start > 2_000 {
            continue;
        }
        for k in start..=end {
            let value = k as f64 * step;
            match marks.iter_mut().find(|m| m.value == value) {
                Some(mark) => mark.step_size = step,
                None => marks.push(GridMark {
                    value,
                    step_size: step,
                }),
            }
        }
    }
    marks
}

/// Grid marks on whole counts: steps of 1, 2, 5, 10, 20, 50…
pub(super) fn count_marks(input: GridInput) -> Vec<GridMark> {
    let (lo, hi) = input.bounds;
    let mut step = 1.0_f64;
    for exponent in 0..16 {
        let scale = 10_f64.powi(exponent);
        if let Some(nice) = [1.0, 2.0, 5.0]
            .into_iter()
            .map(|f| f * scale)
            .find(|s| *s >= input.base_step_size)
        {
            step = nice;
            break;
        }
    }
    let mut marks = Vec::new();
    for level in [step, step * 5.0, step * 10.0] {
        let start = (lo.max(0.0) / level).ceil() as i64;
        let end = (hi / level).floor() as i64;
        if end - start > 1_000 {
            continue;
        }
        for k in start..=end {
            let value = k as f64 * level;
            match marks.iter_mut().find(|m: &&mut GridMark| m.value == value) {
                Some(mark) => mark.step_size = level,
                None => marks.push(GridMark {
                    value,
                    step_size: level,
                }),
            }
        }
    }
    marks
}

/// The tick text of a month mark; nothing between months.
pub(super) fn month_tick(names: &[String; 12], value: f64) -> String {
    if value.fract() != 0.0 {
        return String::new();
    }
    let month = Month::from_ordinal(value as i64);
    let name = names
        .get(month.month as usize - 1)
        .map_or("", String::as_str);
    format!("{name} {}", month.year)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(bounds: (f64, f64), base: f64, f: fn(GridInput) -> Vec<GridMark>) -> Vec<GridMark> {
        f(GridInput {
            bounds,
            base_step_size: base,
        })
    }

    #[test]
    fn month_ticks_fall_on_whole_months_only() {
        let dec = Month::new(2026, 12).unwrap().ordinal() as f64;
        for base in [0.05, 0.5, 2.0, 7.0] {
            let m = marks((dec - 23.4, dec + 0.4), base, month_marks);
            assert!(!m.is_empty());
            assert!(m.iter().all(|g| g.value.fract() == 0.0), "{m:?}");
            assert!(m.iter().all(|g| g.step_size >= base.min(1.0)));
        }
        // Twelve months a year: the widest step lands on Januaries.
        let m = marks((dec - 23.4, dec + 0.4), 2.0, month_marks);
        let yearly: Vec<_> = m.iter().filter(|g| g.step_size == 12.0).collect();
        assert!(
            yearly
                .iter()
                .all(|g| Month::from_ordinal(g.value as i64).month == 1)
        );
        assert!(!yearly.is_empty());
    }

    #[test]
    fn count_ticks_are_whole_numbers() {
        for base in [0.01, 0.3, 1.5, 37.0] {
            let m = marks((-0.5, 480.0), base, count_marks);
            assert!(!m.is_empty());
            assert!(m.iter().all(|g| g.value.fract() == 0.0 && g.value >= 0.0));
            assert!(m.iter().all(|g| g.step_size >= 1.0 && g.step_size >= base));
        }
    }

    #[test]
    fn a_month_tick_reads_as_a_month() {
        let names: [String; 12] = std::array::from_fn(|i| format!("m{}", i + 1));
        let dec = Month::new(2026, 12).unwrap().ordinal() as f64;
        assert_eq!(month_tick(&names, dec), "m12 2026");
        assert_eq!(month_tick(&names, dec + 1.0), "m1 2027");
        assert_eq!(month_tick(&names, dec + 0.5), "");
        let i18n = I18n::default();
        assert_eq!(
            month_label(&i18n, Month::from_ordinal(dec as i64)),
            "déc. 2026"
        );
    }
}
