//! Usage indicators (DSR SC.STAT/ES.01): counted from the store only — never the network — per
//! FINESS géographique × document type × month, for every [`Indicator`]; the report the screen
//! draws and the CSV file ([`export`]) are built from it.
//!
//! Where the numbers come from: [`compute`] reads the usage counters (`usage_counter`,
//! migration 23, `store::usage_counters`): a few thousand rows whatever the store's size. They
//! are kept as events happen — by that migration's triggers on documents, outbox jobs, receipts,
//! received documents and inbox decisions, and for the DMP traces by [`count_trace`], called in
//! the transaction writing the trace's audit row (`worker::audit::record_dmp`, the sandbox's
//! load and demo). An event is counted once, when it happens: a job when it is first sent (a
//! later failure does not un-count it; a retry sent again is not counted again, and stays in
//! the month of its first sending), a receipt at the first positive one written. Two
//! corrections follow the sources: a `local` document then received (the gateway's HL7 v2) is
//! taken out of "produced", and an inbox item filed onto a document received automatically
//! moves it to "reconciled by hand". What is counted is fixed when it happens: an episode's
//! site changed later does not move past counts.
//!
//! [`recount`] counts the same from the sources (`query`, `traces`: grouped SQL over the
//! period, the trail's CSV records parsed) — the source of truth the counters are tested
//! against, and what [`rebuild`] (migration 23's backfill, `chevet indicators --rebuild`)
//! writes them from. `counters` keeps them.
//!
//! What is counted, and when (months are UTC calendar months of the event's own time):
//! - produced: documents of provenance `local` that were not received from outside (a
//!   document filed from the gateway's HL7 v2 is `local` too), by the day they were stored
//!   (`integrated_at`, the validation);
//! - DMP fed: outbox jobs of channel `dmp` (feed or replacement) sent or acknowledged, by
//!   `sent_at`; acknowledged: a direct ITI-41 acknowledged at sending (by `sent_at`), or the
//!   gateway's first positive DMP receipt (by its `received_at`);
//! - MSSanté sent: jobs of channel `mss` sent or acknowledged (one per document, whatever the
//!   number of recipients), by `sent_at`; delivered / read: jobs with at least one positive
//!   receipt of that kind, by the first one's time;
//! - received: `received_document` rows by `received_at`; of which reconciled by hand: those
//!   an inbox item was filed into by a person; filed automatically: the others;
//! - DMP consultations and bris de glace: the audit trail's `dmp.transaction` rows (`traces`);
//!   visibility changes: their successful TD3.3b.
//!
//! FINESS géographique: a document's episode's, else the establishment's (`default_finess`);
//! a DMP trace: the patient's latest episode started at or before the trace, else the
//! establishment's. Refused on a workstation's cache (degraded mode): partial figures would
//! look like real ones.

mod counters;
pub mod export;
mod query;
mod traces;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_counters;
#[cfg(test)]
mod tests_fixture;

use std::collections::{BTreeMap, BTreeSet};
use std::time::Instant;

use crate::domain::indicators::{Indicator, IndicatorFilter, IndicatorReport, IndicatorRow, Month};
use crate::store::db::params;
use crate::store::{Store, StoreError};

pub(crate) use counters::rebuild_in;
pub use counters::{count_trace, rebuild};

/// Why the indicators could not be computed or exported.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorsError {
    /// Degraded mode: the workstation works from its cache, which holds only what it opened.
    #[error("indicators refused on the workstation's cache (shared record unreachable)")]
    Degraded,
    /// The period ends before it starts.
    #[error("the period ends before it starts")]
    Period,
    /// The CSV file could not be written (the kind only: the error may quote a path).
    #[error("export file not written: {0:?}")]
    Write(std::io::ErrorKind),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl IndicatorsError {
    /// Whether trying again later may succeed.
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Degraded => true,
            Self::Period => false,
            Self::Write(_) => true,
            Self::Store(e) => e.is_retryable(),
        }
    }

    /// The Fluent id of the French message saying what happened and what to do.
    #[must_use]
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Degraded => "indicators-error-degraded",
            Self::Period => "indicators-error-period",
            Self::Write(_) => "indicators-error-write",
            Self::Store(e) => e.message_id(),
        }
    }
}

/// The counts per (FINESS géographique, type code, month) while they are gathered.
pub(crate) struct Tally {
    default_finess: String,
    from: Month,
    to: Month,
    cells: BTreeMap<(String, String, Month), [u64; Indicator::COUNT]>,
}

impl Tally {
    fn new(default_finess: &str, from: Month, to: Month) -> Self {
        Self {
            default_finess: default_finess.to_owned(),
            from,
            to,
            cells: BTreeMap::new(),
        }
    }

    /// Adds `n` to `indicator` for a FINESS (empty: the establishment's), a type and the month
    /// of `time` (ISO 8601); what falls outside the period is left out.
    pub(crate) fn add(
        &mut self,
        finess: &str,
        type_code: &str,
        time: &str,
        indicator: Indicator,
        n: u64,
    ) {
        let Some(month) = Month::parse_iso(time) else {
            return;
        };
        if n == 0 || month < self.from || month > self.to {
            return;
        }
        let finess = if finess.is_empty() {
            self.default_finess.as_str()
        } else {
            finess
        };
        let key = (finess.to_owned(), type_code.to_owned(), month);
        self.cells.entry(key).or_insert([0; Indicator::COUNT])[indicator.index()] += n;
    }
}

/// The bounds of the period as stored text: `[start, end)` over ISO 8601 times.
pub(crate) struct Period {
    /// `2026-01`: every time of January 2026 sorts at or after it.
    pub start: String,
    /// The month after the last one.
    pub end: String,
}

impl Period {
    fn of(filter: &IndicatorFilter) -> Self {
        Self {
            start: filter.from.to_string(),
            end: filter.to.next().to_string(),
        }
    }
}

/// The report for `filter`, read from the usage counters (migration 23: a few thousand rows
/// whatever the store's size), '' mapped to `default_finess` (the establishment's FINESS
/// géographique, for what no episode places). The shared record in establishment mode: every
/// workstation's activity.
pub fn compute(
    store: &Store,
    filter: &IndicatorFilter,
    default_finess: &str,
) -> Result<IndicatorReport, IndicatorsError> {
    let started = Instant::now();
    check(store, filter)?;
    let mut tally = Tally::new(default_finess, filter.from, filter.to);
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for c in crate::store::usage_counters::read(store, filter.from, filter.to)? {
        tally.add(
            &c.finess_geo,
            &c.type_code,
            &c.month.to_string(),
            c.indicator,
            u64::try_from(c.n).unwrap_or(0),
        );
        let label = labels
            .entry(c.type_code)
            .or_insert_with(|| c.type_label.clone());
        if c.type_label < *label {
            *label = c.type_label;
        }
    }
    report(store, tally, &labels, filter, default_finess, started)
}

/// The same report recounted from the sources (documents, outbox, receipts, received
/// documents, the audit trail's DMP traces) by grouped queries over the period: the source of
/// truth the counters are checked against and rebuilt from ([`rebuild`]); seconds over a
/// million documents.
pub fn recount(
    store: &Store,
    filter: &IndicatorFilter,
    default_finess: &str,
) -> Result<IndicatorReport, IndicatorsError> {
    let started = Instant::now();
    check(store, filter)?;
    let tally = recount_tally(store, filter, default_finess)?;
    let mut labels = BTreeMap::new();
    for (_, code, _) in tally.cells.keys() {
        if !labels.contains_key(code) {
            labels.insert(code.clone(), type_label(store, code)?);
        }
    }
    report(store, tally, &labels, filter, default_finess, started)
}

/// Refuses a cache (partial figures would look like real ones) and a backwards period.
fn check(store: &Store, filter: &IndicatorFilter) -> Result<(), IndicatorsError> {
    if store.is_cache() {
        return Err(IndicatorsError::Degraded);
    }
    if filter.from > filter.to {
        return Err(IndicatorsError::Period);
    }
    Ok(())
}

/// The sources' counts over the period, '' mapped to `default_finess`.
fn recount_tally(
    store: &Store,
    filter: &IndicatorFilter,
    default_finess: &str,
) -> Result<Tally, IndicatorsError> {
    let period = Period::of(filter);
    let mut tally = Tally::new(default_finess, filter.from, filter.to);
    query::documents(store, &period, &mut tally)?;
    query::sending(store, &period, &mut tally)?;
    query::received(store, &period, &mut tally)?;
    traces::count(store, &period, &mut tally)?;
    Ok(tally)
}

/// The report of a tally: the filter's sites and types kept, the labels given.
fn report(
    store: &Store,
    tally: Tally,
    labels: &BTreeMap<String, String>,
    filter: &IndicatorFilter,
    default_finess: &str,
    started: Instant,
) -> Result<IndicatorReport, IndicatorsError> {
    let codes: BTreeSet<&str> = tally.cells.keys().map(|(_, t, _)| t.as_str()).collect();
    let types: Vec<(String, String)> = codes
        .into_iter()
        .map(|c| (c.to_owned(), labels.get(c).cloned().unwrap_or_default()))
        .collect();
    let sites = sites(store, default_finess)?;
    let wanted = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
    let rows = tally
        .cells
        .into_iter()
        .filter(|((site, code, _), _)| {
            wanted(&filter.sites, site) && wanted(&filter.type_codes, code)
        })
        .map(|((finess_geo, type_code, month), counts)| IndicatorRow {
            type_label: labels.get(&type_code).cloned().unwrap_or_default(),
            finess_geo,
            type_code,
            month,
            counts,
        })
        .collect();
    Ok(IndicatorReport {
        rows,
        sites,
        types,
        computed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
    })
}

/// A type's label as the documents give it (empty for "no type").
fn type_label(store: &Store, code: &str) -> Result<String, StoreError> {
    if code.is_empty() {
        return Ok(String::new());
    }
    Ok(store
        .query_opt(
            "SELECT type_label FROM document WHERE type_code = ?1 ORDER BY type_label LIMIT 1",
            params![code],
        )?
        .map(|r| r.get::<String>(0))
        .transpose()?
        .unwrap_or_default())
}

/// Every FINESS géographique the episodes name, and the establishment's: one index probe per
/// site (a loose scan of `episode_finess`), not a pass over every episode.
fn sites(store: &Store, default_finess: &str) -> Result<Vec<(String, String)>, StoreError> {
    let mut all: BTreeSet<String> = store
        .query(
            "WITH RECURSIVE site (f) AS (
                 SELECT min(finess_geo) FROM episode
                 UNION ALL
                 SELECT (SELECT min(e.finess_geo) FROM episode e WHERE e.finess_geo > site.f)
                 FROM site WHERE site.f IS NOT NULL)
             SELECT f FROM site WHERE f IS NOT NULL",
            params![],
        )?
        .iter()
        .map(|r| r.get::<String>(0))
        .collect::<Result<_, _>>()?;
    if !default_finess.is_empty() {
        all.insert(default_finess.to_owned());
    }
    Ok(all.into_iter().map(|f| (f, String::new())).collect())
}
