//! The indicators as a CSV file for French Excel (`export::csv`: BOM, `;`, CRLF, formulas
//! neutralised, the producer's version on the first line): one row per FINESS géographique ×
//! document type × month, one column per indicator under its French label, a totals row last;
//! written owner-only in the exports folder and traced in the audit trail.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::IndicatorsError;
use crate::domain::indicators::{Indicator, IndicatorFilter, IndicatorReport};
use crate::export::csv::CsvWriter;
use crate::i18n::{I18n, Language};
use crate::store::Store;
use crate::store::audit::{self, AuditAction, AuditObject};

/// The file's text: the stamp line, the header, the rows, the totals.
#[must_use]
pub fn to_csv(report: &IndicatorReport, filter: &IndicatorFilter, at: DateTime<Utc>) -> String {
    let i18n = I18n::new(Language::Fr);
    let what = format!("indicateurs {} à {}", filter.from, filter.to);
    let mut csv = CsvWriter::new().stamp(&what, at);
    let mut header: Vec<String> = [
        "indicators-csv-site",
        "indicators-csv-type-code",
        "indicators-csv-type-label",
        "indicators-csv-month",
    ]
    .iter()
    .map(|id| i18n.tr(id))
    .collect();
    header.extend(Indicator::ALL.iter().map(|i| i18n.tr(&i.message_id())));
    csv.row(&header);
    let mut totals = [0_u64; Indicator::COUNT];
    for row in &report.rows {
        let mut cells = vec![
            row.finess_geo.clone(),
            row.type_code.clone(),
            row.type_label.clone(),
            row.month.to_string(),
        ];
        for (total, count) in totals.iter_mut().zip(row.counts) {
            *total += count;
            cells.push(count.to_string());
        }
        csv.row(&cells);
    }
    let mut cells = vec![
        i18n.tr("indicators-csv-total"),
        String::new(),
        String::new(),
        String::new(),
    ];
    cells.extend(totals.iter().map(u64::to_string));
    csv.row(&cells);
    csv.finish()
}

/// `indicateurs-2026-01-2026-12-20261206-101500.csv`.
#[must_use]
pub fn file_name(filter: &IndicatorFilter) -> String {
    format!(
        "indicateurs-{}-{}-{}.csv",
        filter.from,
        filter.to,
        crate::export::file::timestamp_for_name()
    )
}

/// Computes the report for `filter`, writes it in `<data_dir>/exports` and traces the export
/// on behalf of `actor`; the path written.
pub fn write(
    store: &mut Store,
    data_dir: &Path,
    filter: &IndicatorFilter,
    default_finess: &str,
    actor: &str,
) -> Result<PathBuf, IndicatorsError> {
    let report = super::compute(store, filter, default_finess)?;
    let text = to_csv(&report, filter, Utc::now());
    let path = crate::export::file::write_private(
        &crate::export::file::exports_dir(data_dir),
        &file_name(filter),
        text.as_bytes(),
    )
    .map_err(|e| IndicatorsError::Write(e.kind()))?;
    audit::record(
        store,
        actor,
        AuditAction::IndicatorsExported,
        AuditObject::Indicators(report.rows.len()),
        format!(
            "from={} to={} sites={} types={}",
            filter.from,
            filter.to,
            filter.sites.join(","),
            filter.type_codes.join(",")
        ),
    )?;
    Ok(path)
}
