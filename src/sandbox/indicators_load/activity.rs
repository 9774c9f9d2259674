//! The generated documents with what happened to them (feeding, sends, receipts, receipt from
//! outside, reconciliation), the DMP traces (audit rows written with their own times, each
//! counted by `indicators::count_trace` as the DMP client's are), and the demo's year of history.

use chrono::{DateTime, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::{Rng as _, SeedableRng as _};

use super::batch::{Batch, Cell, before, instant_before, naive_before, offset, t};
use super::{Ids, TYPES, flush_all};
use crate::dmp::consult::{DmpTrace, TraceResult, TransactionCode};
use crate::dmp::vihf::PurposeOfUse;
use crate::store::audit::{self, AuditAction, AuditEntry, AuditObject};
use crate::store::db::params;
use crate::store::{Store, StoreError};

/// The generated CDA (the bytes are never read: the indicators count metadata).
const RAW: &[u8] = b"<ClinicalDocument/>";

/// `documents` documents, oldest first, each in one of the ~20 latest episodes opened before it
/// (none for one in ten); 70 % produced here (of which DMP feeding and MSSanté sends with their
/// receipts), 30 % received (the last tenth from the gateway's HL7 v2), a third of those by hand.
pub(super) fn documents(
    store: &Store,
    rng: &mut StdRng,
    ids: &mut Ids,
    (end, span): (DateTime<Utc>, f64),
    documents: usize,
    seed: u64,
) -> Result<(), StoreError> {
    let mut docs = Batch::new(
        "document",
        "id, patient_id, episode_id, cda_id, set_id, version_number, type_code, type_system, \
         type_label, title, author, organisation, confidentiality, body_kind, has_pdf, \
         provenance, integrated_at, raw",
    )
    .manual();
    let mut items = Batch::new(
        "outbox_item",
        "id, document_id, patient_id, action, route, state, due_at, document_unique_id, request, \
         author, created_by, created_at, updated_at, sent_at, channel",
    )
    .manual();
    let mut acks = Batch::new("outbox_ack", "item_id, kind, ok, recipient, received_at").manual();
    let mut received = Batch::new(
        "received_document",
        "document_id, patient_id, channel, sender, recipients, action, received_at",
    )
    .manual();
    let mut inbox = Batch::new(
        "inbox_item",
        "channel, reason, title, raw, traits, sender, recipients, action, received_at, status, \
         patient_id, document_id, decided_by, decided_at",
    )
    .manual();
    let episodes = ids.episodes.len();
    #[allow(
        clippy::cast_precision_loss,
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss
    )]
    for d in 0..documents {
        flush_all(
            store,
            &mut [&mut docs, &mut items, &mut acks, &mut received, &mut inbox],
            false,
        )?;
        let id = ids.document + offset(d);
        let ago = span * (1.0 - (d as f64 + rng.random_range(0.0..1.0)) / documents as f64);
        // The latest episode opened before, then one of the 20 before it.
        let latest = ids
            .episodes
            .partition_point(|(_, start)| *start > ago)
            .max(1)
            - 1;
        let e = latest
            .saturating_sub(rng.random_range(0..20))
            .min(episodes - 1);
        let (patient, _) = ids.episodes[e];
        let patient = ids.patient + offset(patient);
        let episode = if rng.random_range(0..10) == 0 {
            Cell::Null
        } else {
            Cell::Int(ids.episode + offset(e))
        };
        let (code, label) = TYPES[rng.random_range(0..TYPES.len())];
        let at = before(end, ago);
        let stored = naive_before(end, ago);
        let roll = rng.random_range(0..100);
        let provenance = if (70..90).contains(&roll) {
            "mss"
        } else {
            "local"
        };
        let cda_id = format!("load-{seed:x}-{id}");
        docs.push(
            store,
            vec![
                Cell::Int(id),
                Cell::Int(patient),
                episode,
                t(&cda_id),
                t(cda_id),
                Cell::Int(1),
                t(code),
                t("2.16.840.1.113883.6.1"),
                t(label),
                t(label),
                t("Dr Charge"),
                t("Hôpital"),
                t("N"),
                t("xml"),
                Cell::Int(0),
                t(provenance),
                t(stored),
                Cell::Blob(RAW),
            ],
        )?;
        if roll >= 70 {
            let channel = if roll < 90 { "mss" } else { "hl7" };
            let row = vec![
                Cell::Int(id),
                Cell::Int(patient),
                t(channel),
                t("expediteur@hopital.mssante.fr"),
                t("service@chevet.mssante.fr"),
                t("new"),
                t(&at),
            ];
            received.push(store, row)?;
            if rng.random_range(0..3) == 0 {
                let row = vec![
                    t(channel),
                    t("902"),
                    t(label),
                    Cell::Blob(RAW),
                    t("{}"),
                    t("s"),
                    t("r"),
                    t("new"),
                    t(&at),
                    t("filed"),
                    Cell::Int(patient),
                    Cell::Int(id),
                    t("dr.charge"),
                    t(&at),
                ];
                inbox.push(store, row)?;
            }
            continue;
        }
        let sent = before(end, ago - 0.01);
        if roll < 45 {
            // Fed to the DMP: directly, acknowledged at once; or through the gateway, whose
            // receipt comes a day and a half later; the last fifth still unacknowledged.
            let route = if roll < 25 { "dmp" } else { "pfi" };
            let state = if roll < 40 { "acknowledged" } else { "sent" };
            items.push(
                store,
                job(ids.item, (id, patient), (route, state, "dmp"), &sent),
            )?;
            if route == "pfi" && state == "acknowledged" {
                let row = vec![
                    Cell::Int(ids.item),
                    t("dmp"),
                    Cell::Int(1),
                    Cell::Null,
                    t(before(end, ago - 1.5)),
                ];
                acks.push(store, row)?;
            }
            ids.item += 1;
        }
        if roll < 15 {
            items.push(
                store,
                job(ids.item, (id, patient), ("pfi", "sent", "mss"), &sent),
            )?;
            for r in 0..rng.random_range(0..3_u32) {
                let delivered = before(end, ago - 0.1 * f64::from(r + 1));
                let row = vec![
                    Cell::Int(ids.item),
                    t("mss"),
                    Cell::Int(1),
                    t(format!("r{r}@x")),
                    t(delivered),
                ];
                acks.push(store, row)?;
            }
            if rng.random_range(0..2) == 0 {
                let row = vec![
                    Cell::Int(ids.item),
                    t("read"),
                    Cell::Int(1),
                    t("r0@x"),
                    t(before(end, ago - 2.0)),
                ];
                acks.push(store, row)?;
            }
            ids.item += 1;
        }
    }
    flush_all(
        store,
        &mut [&mut docs, &mut items, &mut acks, &mut received, &mut inbox],
        true,
    )
}

/// One outbox job: (id), (document, patient), (route, state, channel), sent at.
fn job(
    item: i64,
    (doc, patient): (i64, i64),
    (route, state, channel): (&str, &str, &str),
    sent: &str,
) -> Vec<Cell> {
    vec![
        Cell::Int(item),
        Cell::Int(doc),
        Cell::Int(patient),
        t("feed"),
        t(route),
        t(state),
        t(sent),
        t(format!("u{item}")),
        Cell::Blob(b"-"),
        t("{}"),
        t("dr.charge"),
        t(sent),
        t(sent),
        t(sent),
        t(channel),
    ]
}

/// `traces` DMP traces in time order on random patients, a document read or changed being one
/// stored about then.
pub(super) fn traces(
    store: &Store,
    rng: &mut StdRng,
    ids: &Ids,
    (end, span): (DateTime<Utc>, f64),
    (documents, traces): (usize, usize),
    seed: u64,
) -> Result<(), StoreError> {
    let mut times: Vec<f64> = (0..traces).map(|_| rng.random_range(0.0..span)).collect();
    times.sort_by(|a, b| b.total_cmp(a));
    for ago in times {
        let patient = ids.patient + offset(rng.random_range(0..ids.patients));
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let doc = (documents > 0).then(|| {
            let near = ((1.0 - ago / span) * documents as f64) as usize;
            let d = near
                .saturating_sub(rng.random_range(0..1000))
                .min(documents - 1);
            format!("load-{seed:x}-{}", ids.document + offset(d))
        });
        let detail = trace_row(rng, instant_before(end, ago), patient, doc);
        let entry = AuditEntry::new(
            "dr.charge",
            AuditAction::DmpTransaction,
            AuditObject::Patient(patient),
        )
        .detail(detail.as_str());
        audit::append_at(store, &before(end, ago - 0.0001), &entry)?;
        crate::indicators::count_trace(store, patient, &detail)?;
    }
    Ok(())
}

/// One trace's CSV record, as the DMP client writes it: a third folder tests, a third lists,
/// a third document reads, then visibility changes and re-reads; 3 % under bris de glace, 5 %
/// failed.
fn trace_row(rng: &mut StdRng, at: DateTime<Utc>, patient: i64, doc: Option<String>) -> String {
    let (transaction, documents) = match rng.random_range(0..100) {
        0..30 => (TransactionCode::Td02, Vec::new()),
        30..60 => (TransactionCode::Td31, Vec::new()),
        60..90 => (TransactionCode::Td32, doc.into_iter().collect()),
        90..95 => (TransactionCode::Td33b, doc.into_iter().collect()),
        _ => (TransactionCode::Td31b, doc.into_iter().collect()),
    };
    let break_glass = rng.random_range(0..100) < 3;
    let result = if rng.random_range(0..100) < 5 {
        TraceResult::Error {
            message_id: "error-dmp-unavailable",
            retryable: true,
            detail: "Service indisponible".into(),
        }
    } else {
        TraceResult::Ok
    };
    DmpTrace {
        at,
        professional_id: "810000000001".into(),
        structure_id: "1750712184".into(),
        patient_ref: patient.to_string(),
        transaction,
        documents,
        access_mode: if break_glass {
            PurposeOfUse::BrisDeGlace
        } else {
            PurposeOfUse::Normal
        },
        break_glass_reason: break_glass.then(|| "Patient inconscient aux urgences".to_owned()),
        result,
        duration_ms: rng.random_range(40..400),
    }
    .to_csv_row()
}

/// A year of history for the demo's own folders: the storing dates of the documents produced
/// here spread over the twelve months up to `today`, and DMP traces on the demo patients (in
/// the audit trail only: no job, no received document shows in the other screens). The
/// traces written.
pub fn demo_activity(store: &mut Store, today: NaiveDate, seed: u64) -> Result<usize, StoreError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let end = today
        .and_hms_opt(12, 0, 0)
        .map_or_else(Utc::now, |t| t.and_utc());
    store.in_transaction(|store| {
        let ids: Vec<i64> = store
            .query(
                "SELECT id FROM document WHERE provenance = 'local' ORDER BY id",
                params![],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<_, _>>()?;
        for id in &ids {
            let at = naive_before(end, rng.random_range(0.0..365.0));
            store.execute(
                "UPDATE document SET integrated_at = ?2 WHERE id = ?1",
                params![*id, at],
            )?;
        }
        let patients: Vec<i64> = store
            .query("SELECT id FROM patient ORDER BY id", params![])?
            .iter()
            .map(|r| r.get(0))
            .collect::<Result<_, _>>()?;
        if patients.is_empty() {
            return Ok(0);
        }
        let traces = ids.len().max(50) * 2;
        let mut times: Vec<f64> = (0..traces).map(|_| rng.random_range(0.0..365.0)).collect();
        times.sort_by(|a, b| b.total_cmp(a));
        for ago in times {
            let patient = patients[rng.random_range(0..patients.len())];
            let detail = trace_row(&mut rng, instant_before(end, ago), patient, None);
            let entry = AuditEntry::new(
                "demo",
                AuditAction::DmpTransaction,
                AuditObject::Patient(patient),
            )
            .detail(detail.as_str());
            audit::append_at(store, &before(end, ago - 0.0001), &entry)?;
            crate::indicators::count_trace(store, patient, &detail)?;
        }
        Ok(traces)
    })
}
