//! DMP consultations, bris de glace and visibility changes, from the audit trail's
//! `dmp.transaction` rows: their detail is the trace's CSV record (`dmp::consult::trace`),
//! read here field by field (the time, the transaction, the documents, the access mode, the
//! result), and their object the patient's local id.
//!
//! Counted: successful transactions only (a failed one consulted or changed nothing). A
//! consultation is a TD0.2 (the folder), a TD3.1 (the list) or a TD3.2 (a document) — TD3.1b,
//! the technical re-read after an update or a version check, is not; under the bris de glace
//! access mode it is counted apart (centre 15 counts as a consultation). A visibility change is
//! a TD3.3b. The month is the trace's own time; the type is the local document's when the
//! document read or changed is in the store (uniqueId = CDA id), else none; the FINESS
//! géographique is the patient's latest episode started at or before the trace, else the
//! establishment's. Read here for the recount; each new trace is counted as it is written by
//! `counters::count_trace`, with the same rules.

use std::collections::{HashMap, HashSet};

use super::{IndicatorsError, Period, Tally};
use crate::domain::indicators::Indicator;
use crate::store::Store;
use crate::store::db::{Param, params};

/// Rows per `IN (…)` list.
const CHUNK: usize = 500;

/// The fields of a trace record this module reads.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TraceFields {
    pub at: String,
    pub transaction: String,
    /// The first document's uniqueId, if any.
    pub document: Option<String>,
    pub mode: String,
    pub ok: bool,
}

/// Splits a trace's CSV record (RFC 4180 quoting, `;`) and keeps the fields counted; `None`
/// when the record is not a trace.
pub(crate) fn parse(record: &str) -> Option<TraceFields> {
    let mut fields: Vec<String> = Vec::with_capacity(9);
    let mut rest = record;
    while fields.len() < 9 {
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if quoted[i + 1..].starts_with('"') {
                        value.push('"');
                        chars.next();
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            fields.push(value);
            let after = &quoted[end?..];
            rest = after.strip_prefix(';').unwrap_or("");
            if after.is_empty() {
                break;
            }
        } else {
            let (value, after) = rest.split_once(';').unwrap_or((rest, ""));
            fields.push(value.to_owned());
            let last = !rest.contains(';');
            rest = after;
            if last {
                break;
            }
        }
    }
    if fields.len() < 9 {
        return None;
    }
    let mut fields = fields.into_iter();
    let at = fields.next()?;
    let mut fields = fields.skip(3);
    let transaction = fields.next()?;
    let document = fields
        .next()?
        .split(' ')
        .find(|d| !d.is_empty())
        .map(str::to_owned);
    let mode = fields.next()?;
    let ok = fields.nth(1)? == "ok";
    Some(TraceFields {
        at,
        transaction,
        document,
        mode,
        ok,
    })
}

/// What a successful trace counts for, if anything.
pub(super) fn indicator(fields: &TraceFields) -> Option<Indicator> {
    match fields.transaction.as_str() {
        "TD0.2" | "TD3.1" | "TD3.2" if fields.mode == "bris_de_glace" => {
            Some(Indicator::DmpBreakGlass)
        }
        "TD0.2" | "TD3.1" | "TD3.2" => Some(Indicator::DmpConsultations),
        "TD3.3b" => Some(Indicator::VisibilityChanges),
        _ => None,
    }
}

/// Whether the trace is about one document (read or changed), which gives it a type.
pub(super) fn typed(fields: &TraceFields) -> bool {
    matches!(fields.transaction.as_str(), "TD3.2" | "TD3.3b")
}

/// A day before the period and a day after: the trail's time is when the row was written,
/// a little after the trace's own; the month is then taken from the trace.
fn margins(period: &Period) -> (String, String) {
    let shift = |month: &str, days: i64| {
        chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
            .map(|d| {
                (d + chrono::Duration::days(days))
                    .format("%Y-%m-%d")
                    .to_string()
            })
            .unwrap_or_else(|_| month.to_owned())
    };
    (shift(&period.start, -1), shift(&period.end, 1))
}

/// Counts the traces of the period into `tally`.
pub(super) fn count(
    store: &Store,
    period: &Period,
    tally: &mut Tally,
) -> Result<(), IndicatorsError> {
    let (start, end) = margins(period);
    let rows = store.query(
        "SELECT object_id, detail FROM audit
         WHERE action = 'dmp.transaction' AND at >= ?1 AND at < ?2",
        params![start, end],
    )?;
    let mut counted = Vec::with_capacity(rows.len());
    for row in &rows {
        let detail: String = row.get(1)?;
        let Some(fields) = parse(&detail) else {
            continue;
        };
        let Some(indicator) = fields.ok.then(|| indicator(&fields)).flatten() else {
            continue;
        };
        let patient: i64 = row.get::<String>(0)?.parse().unwrap_or(0);
        counted.push((patient, indicator, fields));
    }
    drop(rows);
    let patients: HashSet<i64> = counted.iter().map(|(p, _, _)| *p).collect();
    let episodes = episodes(store, &patients)?;
    let documents: HashSet<&str> = counted
        .iter()
        .filter(|(_, _, f)| typed(f))
        .filter_map(|(_, _, f)| f.document.as_deref())
        .collect();
    let types = document_types(store, &documents)?;
    for (patient, indicator, fields) in &counted {
        let finess = site_at(&episodes, *patient, &fields.at);
        let type_code = if typed(fields) {
            fields
                .document
                .as_deref()
                .and_then(|d| types.get(d))
                .map_or("", String::as_str)
        } else {
            ""
        };
        tally.add(finess, type_code, &fields.at, *indicator, 1);
    }
    Ok(())
}

/// The FINESS géographique of the patient's latest episode started at or before `at` (empty:
/// none, the establishment's).
fn site_at<'a>(
    episodes: &'a HashMap<i64, Vec<(String, String)>>,
    patient: i64,
    at: &str,
) -> &'a str {
    let at = at.get(..19).unwrap_or(at);
    episodes
        .get(&patient)
        .and_then(|list| {
            list.iter()
                .take_while(|(start, _)| start.get(..19).unwrap_or(start) <= at)
                .last()
        })
        .map_or("", |(_, finess)| finess.as_str())
}

/// `?1, ?2, …, ?n`.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("?{i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Each patient's episodes (start, FINESS), in start order.
fn episodes(
    store: &Store,
    patients: &HashSet<i64>,
) -> Result<HashMap<i64, Vec<(String, String)>>, IndicatorsError> {
    let ids: Vec<i64> = patients.iter().copied().collect();
    let mut out: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT patient_id, start_at, finess_geo FROM episode
             WHERE patient_id IN ({}) ORDER BY patient_id, start_at",
            placeholders(chunk.len())
        );
        let bound: Vec<Param<'_>> = chunk.iter().map(|id| Param::Int(*id)).collect();
        for row in store.query(&sql, &bound)? {
            out.entry(row.get(0)?)
                .or_default()
                .push((row.get(1)?, row.get(2)?));
        }
    }
    Ok(out)
}

/// The type code of each document in the store, by CDA id.
fn document_types(
    store: &Store,
    documents: &HashSet<&str>,
) -> Result<HashMap<String, String>, IndicatorsError> {
    let ids: Vec<&str> = documents.iter().copied().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(CHUNK) {
        let sql = format!(
            "SELECT cda_id, type_code FROM document WHERE cda_id IN ({})",
            placeholders(chunk.len())
        );
        let bound: Vec<Param<'_>> = chunk.iter().map(|id| Param::Text(id)).collect();
        for row in store.query(&sql, &bound)? {
            out.insert(row.get(0)?, row.get(1)?);
        }
    }
    Ok(out)
}
