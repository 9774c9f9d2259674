//! Keeping the usage counters (`store::usage_counters`) — what [`super::compute`] reads: a DMP
//! trace counted as its audit row is written ([`count_trace`], the FINESS and type resolved
//! as `traces` does), and the counters recomputed whole from the sources ([`rebuild`]: an
//! upgrade's backfill, run by migration 23, or a repair with `chevet indicators --rebuild`).

use std::collections::BTreeMap;

use super::{IndicatorsError, Tally, recount_tally, traces, type_label};
use crate::domain::indicators::{Indicator, IndicatorFilter, Month};
use crate::store::db::params;
use crate::store::{Store, StoreError, usage_counters};

/// Counts one DMP trace (its CSV record, as the audit row holds it) of the patient `patient`
/// (local id); call it in the transaction writing the trace's audit row. A failed
/// transaction, a technical re-read or a record that is not a trace counts nothing.
pub fn count_trace(store: &Store, patient: i64, record: &str) -> Result<(), StoreError> {
    let Some(fields) = traces::parse(record) else {
        return Ok(());
    };
    let Some(indicator) = fields.ok.then(|| traces::indicator(&fields)).flatten() else {
        return Ok(());
    };
    let Some(month) = Month::parse_iso(&fields.at) else {
        return Ok(());
    };
    let at = fields.at.get(..19).unwrap_or(&fields.at);
    // The patient's latest episode started at or before the trace (none: the establishment's).
    let finess: String = store
        .query_opt(
            "SELECT finess_geo FROM episode
             WHERE patient_id = ?1 AND substr(start_at, 1, 19) <= ?2
             ORDER BY start_at DESC, id DESC LIMIT 1",
            params![patient, at],
        )?
        .map(|r| r.get(0))
        .transpose()?
        .unwrap_or_default();
    let (type_code, type_label): (String, String) = match fields.document.as_deref() {
        Some(document) if traces::typed(&fields) => store
            .query_opt(
                "SELECT type_code, type_label FROM document WHERE cda_id = ?1",
                params![document],
            )?
            .map(|r| Ok::<_, StoreError>((r.get(0)?, r.get(1)?)))
            .transpose()?
            .unwrap_or_default(),
        _ => Default::default(),
    };
    usage_counters::bump(
        store,
        &finess,
        (&type_code, &type_label),
        month,
        indicator,
        1,
    )
}

/// Recomputes every counter from the sources, in one transaction.
pub fn rebuild(store: &mut Store) -> Result<usize, IndicatorsError> {
    if store.is_cache() {
        return Err(IndicatorsError::Degraded);
    }
    store.in_transaction(|store| rebuild_in(store).map_err(IndicatorsError::from))
}

/// [`rebuild`] in the caller's transaction (migration 23's backfill); the counters written.
pub(crate) fn rebuild_in(store: &Store) -> Result<usize, StoreError> {
    usage_counters::clear(store)?;
    // Every month a stored time can name; '' kept for the establishment's FINESS.
    let (Some(from), Some(to)) = (Month::new(1, 1), Month::new(9998, 12)) else {
        return Ok(0);
    };
    let filter = IndicatorFilter {
        sites: Vec::new(),
        type_codes: Vec::new(),
        from,
        to,
    };
    let tally: Tally = match recount_tally(store, &filter, "") {
        Ok(tally) => tally,
        Err(IndicatorsError::Store(e)) => return Err(e),
        Err(_) => return Ok(0),
    };
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    let mut written = 0;
    for ((finess, type_code, month), counts) in &tally.cells {
        if !labels.contains_key(type_code) {
            labels.insert(type_code.clone(), type_label(store, type_code)?);
        }
        let label = labels.get(type_code).map_or("", String::as_str);
        for indicator in Indicator::ALL {
            let n = counts[indicator.index()];
            if n == 0 {
                continue;
            }
            usage_counters::bump(
                store,
                finess,
                (type_code, label),
                *month,
                indicator,
                i64::try_from(n).unwrap_or(i64::MAX),
            )?;
            written += 1;
        }
    }
    Ok(written)
}
