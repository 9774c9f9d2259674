//! The usage counters (`usage_counter`, migration 23): one row per FINESS géographique ×
//! document type × month × indicator, bumped by the triggers of that migration as documents,
//! jobs, receipts and received documents are written, and by [`bump`] for the DMP traces (in
//! the transaction writing the trace's audit row). `finess_geo = ''` stands for the
//! establishment's configured FINESS, mapped when read (`indicators::compute`).

use super::db::params;
use super::{Store, StoreError};
use crate::domain::indicators::{Indicator, Month};

/// One counter as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    /// Empty: the establishment's.
    pub finess_geo: String,
    pub type_code: String,
    pub type_label: String,
    pub month: Month,
    pub indicator: Indicator,
    pub n: i64,
}

/// Adds `n` to one counter (creating it at `n`); call it inside the transaction that writes
/// what is counted.
pub fn bump(
    store: &Store,
    finess: &str,
    (type_code, type_label): (&str, &str),
    month: Month,
    indicator: Indicator,
    n: i64,
) -> Result<(), StoreError> {
    store.execute(
        "INSERT INTO usage_counter (finess_geo, type_code, type_label, month, indicator, n)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (finess_geo, type_code, month, indicator)
             DO UPDATE SET n = usage_counter.n + excluded.n",
        params![
            finess,
            type_code,
            type_label,
            month.to_string(),
            indicator.code(),
            n
        ],
    )?;
    Ok(())
}

/// The counters of the months `from..=to` (unknown indicator codes skipped).
pub fn read(store: &Store, from: Month, to: Month) -> Result<Vec<Counter>, StoreError> {
    let rows = store.query(
        "SELECT finess_geo, type_code, type_label, month, indicator, n FROM usage_counter
         WHERE month >= ?1 AND month <= ?2 AND n <> 0",
        params![from.to_string(), to.to_string()],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let code: String = row.get(4)?;
        let month: String = row.get(3)?;
        let (Some(indicator), Some(month)) = (
            Indicator::ALL.into_iter().find(|i| i.code() == code),
            Month::parse_iso(&month),
        ) else {
            continue;
        };
        out.push(Counter {
            finess_geo: row.get(0)?,
            type_code: row.get(1)?,
            type_label: row.get(2)?,
            month,
            indicator,
            n: row.get(5)?,
        });
    }
    Ok(out)
}

/// Empties the counters (before they are recomputed, in the same transaction).
pub fn clear(store: &Store) -> Result<(), StoreError> {
    store.execute("DELETE FROM usage_counter", params![])?;
    Ok(())
}
