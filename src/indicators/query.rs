//! The grouped counts over documents, the outbox and received documents: one SQL text each,
//! the same on SQLite and PostgreSQL, grouped by the episode's FINESS géographique (empty when
//! the document has no episode), the type code and the month (`substr(time, 1, 7)` of an ISO
//! 8601 UTC text), each reading the covering index of migration 21 over the period only. The
//! recount (`indicators::recount`, the rebuild of the counters): the report itself reads the
//! counters migration 23's triggers keep by the same rules.

use super::{IndicatorsError, Period, Tally};
use crate::domain::indicators::Indicator;
use crate::store::Store;
use crate::store::db::{Row, params};

/// The document, its type and its site, joined to whatever is counted (`o`, `r`…).
const DOCUMENT_SITE: &str = "JOIN document d ON d.id = {doc}
     LEFT JOIN episode e ON e.id = d.episode_id";

/// Documents produced here: `local`, not received from outside, by their storing date.
const PRODUCED: &str =
    "SELECT coalesce(e.finess_geo, ''), d.type_code, substr(d.integrated_at, 1, 7), count(*)
     FROM document d
     LEFT JOIN episode e ON e.id = d.episode_id
     WHERE d.provenance = 'local' AND d.integrated_at >= ?1 AND d.integrated_at < ?2
       AND NOT EXISTS (SELECT 1 FROM received_document r WHERE r.document_id = d.id)
     GROUP BY coalesce(e.finess_geo, ''), d.type_code, substr(d.integrated_at, 1, 7)";

/// Jobs sent (then the direct ITI-41 ones acknowledged at sending), by `sent_at`.
fn sent_sql() -> String {
    format!(
        "SELECT coalesce(e.finess_geo, ''), d.type_code, substr(o.sent_at, 1, 7), count(*),
             sum(CASE WHEN o.route = 'dmp' AND o.state = 'acknowledged' THEN 1 ELSE 0 END)
         FROM outbox_item o
         {}
         WHERE o.channel = ?3 AND o.sent_at >= ?1 AND o.sent_at < ?2
           AND o.state IN ('sent', 'acknowledged') AND o.action IN ('feed', 'replace')
         GROUP BY coalesce(e.finess_geo, ''), d.type_code, substr(o.sent_at, 1, 7)",
        DOCUMENT_SITE.replace("{doc}", "o.document_id")
    )
}

/// Jobs of channel `?4` with a positive receipt of kind `?3`, by the first one's time.
fn receipts_sql() -> String {
    format!(
        "SELECT coalesce(e.finess_geo, ''), d.type_code, substr(a.first_at, 1, 7), count(*)
         FROM (SELECT item_id, min(received_at) AS first_at FROM outbox_ack
               WHERE kind = ?3 AND ok = 1 GROUP BY item_id) a
         JOIN outbox_item o ON o.id = a.item_id
         {}
         WHERE o.channel = ?4 AND a.first_at >= ?1 AND a.first_at < ?2
         GROUP BY coalesce(e.finess_geo, ''), d.type_code, substr(a.first_at, 1, 7)",
        DOCUMENT_SITE.replace("{doc}", "o.document_id")
    )
}

/// Documents received, and of them those a person filed from the inbox, by `received_at`.
fn received_sql() -> String {
    format!(
        "SELECT coalesce(e.finess_geo, ''), d.type_code, substr(r.received_at, 1, 7), count(*),
             sum(CASE WHEN EXISTS (SELECT 1 FROM inbox_item i
                                   WHERE i.document_id = r.document_id AND i.status = 'filed')
                 THEN 1 ELSE 0 END)
         FROM received_document r
         {}
         WHERE r.received_at >= ?1 AND r.received_at < ?2
         GROUP BY coalesce(e.finess_geo, ''), d.type_code, substr(r.received_at, 1, 7)",
        DOCUMENT_SITE.replace("{doc}", "r.document_id")
    )
}

/// One grouped row: site, type, month, then the counts.
fn add_row(tally: &mut Tally, row: &Row, indicators: &[Indicator]) -> Result<(), IndicatorsError> {
    let finess: String = row.get(0)?;
    let type_code: String = row.get(1)?;
    let month: String = row.get(2)?;
    for (i, indicator) in indicators.iter().enumerate() {
        let n: i64 = row.get(3 + i)?;
        tally.add(
            &finess,
            &type_code,
            &month,
            *indicator,
            u64::try_from(n).unwrap_or(0),
        );
    }
    Ok(())
}

/// Documents produced.
pub(super) fn documents(
    store: &Store,
    period: &Period,
    tally: &mut Tally,
) -> Result<(), IndicatorsError> {
    for row in store.query(PRODUCED, params![period.start, period.end])? {
        add_row(tally, &row, &[Indicator::DocumentsProduced])?;
    }
    Ok(())
}

/// The DMP's feeding and the MSSanté sends, with their receipts.
pub(super) fn sending(
    store: &Store,
    period: &Period,
    tally: &mut Tally,
) -> Result<(), IndicatorsError> {
    let sent = sent_sql();
    for row in store.query(&sent, params![period.start, period.end, "dmp"])? {
        add_row(
            tally,
            &row,
            &[Indicator::DmpFed, Indicator::DmpAcknowledged],
        )?;
    }
    for row in store.query(&sent, params![period.start, period.end, "mss"])? {
        // The second count (direct acknowledgements) is never set for MSSanté: route `pfi`.
        add_row(tally, &row, &[Indicator::MssSent])?;
    }
    let receipts = receipts_sql();
    for (kind, channel, indicator) in [
        ("dmp", "dmp", Indicator::DmpAcknowledged),
        ("mss", "mss", Indicator::MssDelivered),
        ("read", "mss", Indicator::MssRead),
    ] {
        for row in store.query(&receipts, params![period.start, period.end, kind, channel])? {
            add_row(tally, &row, &[indicator])?;
        }
    }
    Ok(())
}

/// Documents received, filed automatically or by hand.
pub(super) fn received(
    store: &Store,
    period: &Period,
    tally: &mut Tally,
) -> Result<(), IndicatorsError> {
    for row in store.query(&received_sql(), params![period.start, period.end])? {
        let total: i64 = row.get(3)?;
        let manual: i64 = row.get(4)?;
        let finess: String = row.get(0)?;
        let type_code: String = row.get(1)?;
        let month: String = row.get(2)?;
        let total = u64::try_from(total).unwrap_or(0);
        let manual = u64::try_from(manual).unwrap_or(0).min(total);
        tally.add(&finess, &type_code, &month, Indicator::Received, total);
        tally.add(
            &finess,
            &type_code,
            &month,
            Indicator::ReceivedManual,
            manual,
        );
        tally.add(
            &finess,
            &type_code,
            &month,
            Indicator::ReceivedAuto,
            total - manual,
        );
    }
    Ok(())
}
