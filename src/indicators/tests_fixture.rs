//! The indicators' test fixture: a small store written row by row (patients, episodes on two
//! sites, documents, outbox jobs and receipts, received documents, DMP traces as the DMP client
//! writes them) and the counts it must give, counted by hand.

use chrono::{TimeZone as _, Utc};

use super::*;
use crate::dmp::consult::{DmpTrace, TraceResult, TransactionCode};
use crate::dmp::vihf::PurposeOfUse;
use crate::domain::indicators::{Indicator as I, IndicatorFilter, Month};
use crate::store::audit::{self, AuditAction, AuditEntry, AuditObject};

pub(super) const A: &str = "750000001";
pub(super) const B: &str = "750000002";
pub(super) const DEF: &str = "750000099";
pub(super) const CR: &str = "11488-4";
pub(super) const LAB: &str = "11502-2";

pub(super) fn patient(store: &Store, ipp: &str) -> i64 {
    store
        .insert_id(
            "INSERT INTO patient (ipp, birth_name, birth_first_names, birth_date, sex,
                 identity_status, search_key, created_at, updated_at)
             VALUES (?1, 'X', 'Y', '1970-01-01', 'F', 'PROV', 'x', ?2, ?2)",
            params![ipp, "2026-01-01T00:00:00Z"],
        )
        .unwrap()
}

pub(super) fn episode(store: &Store, patient: i64, start: &str, finess: &str) -> i64 {
    store
        .insert_id(
            "INSERT INTO episode (patient_id, kind, start_at, unit, finess_geo)
             VALUES (?1, 'O', ?2, 'U1', ?3)",
            params![patient, start, finess],
        )
        .unwrap()
}

/// A document (`cda_id` = `doc-<n>`) stored at `at`.
pub(super) fn document(
    store: &Store,
    n: u32,
    (patient, episode): (i64, Option<i64>),
    (type_code, provenance): (&str, &str),
    at: &str,
) -> i64 {
    let label = if type_code == CR {
        "CR de consultation"
    } else {
        "=Résultats; labo"
    };
    store
        .insert_id(
            "INSERT INTO document (patient_id, episode_id, cda_id, set_id, version_number,
                 type_code, type_system, type_label, title, author, organisation,
                 confidentiality, body_kind, has_pdf, provenance, integrated_at, raw)
             VALUES (?1, ?2, ?3, ?3, 1, ?4, '2.16.840.1.113883.6.1', ?5, 't', 'a', 'o', 'N',
                 'xml', 0, ?6, ?7, ?8)",
            params![
                patient,
                episode,
                format!("doc-{n}"),
                type_code,
                label,
                provenance,
                at,
                b"<x/>".as_slice()
            ],
        )
        .unwrap()
}

/// An outbox job: (document, patient), (channel, route, state), sent at.
pub(super) fn job(
    store: &Store,
    (doc, patient): (i64, i64),
    (channel, route, state): (&str, &str, &str),
    sent: &str,
) -> i64 {
    store
        .insert_id(
            "INSERT INTO outbox_item (document_id, patient_id, action, route, state, due_at,
                 document_unique_id, request, author, created_by, created_at, updated_at,
                 sent_at, channel)
             VALUES (?1, ?2, 'feed', ?3, ?4, ?5, 'u', ?6, '{}', 'dr', ?5, ?5, ?5, ?7)",
            params![doc, patient, route, state, sent, b"r".as_slice(), channel],
        )
        .unwrap()
}

pub(super) fn ack(store: &Store, item: i64, kind: &str, ok: bool, at: &str) {
    store
        .execute(
            "INSERT INTO outbox_ack (item_id, kind, ok, received_at) VALUES (?1, ?2, ?3, ?4)",
            params![item, kind, ok, at],
        )
        .unwrap();
}

pub(super) fn received(store: &Store, doc: i64, patient: i64, at: &str, by_hand: bool) {
    store
        .execute(
            "INSERT INTO received_document (document_id, patient_id, channel, sender,
                 recipients, action, received_at)
             VALUES (?1, ?2, 'mss', 's@x', 'r@x', 'new', ?3)",
            params![doc, patient, at],
        )
        .unwrap();
    if by_hand {
        store
            .execute(
                "INSERT INTO inbox_item (channel, reason, title, raw, traits, sender, recipients,
                     action, received_at, status, patient_id, document_id, decided_by, decided_at)
                 VALUES ('mss', '902', 't', ?1, '{}', 's', 'r', 'new', ?2, 'filed', ?3, ?4, 'dr', ?2)",
                params![b"x".as_slice(), at, patient, doc],
            )
            .unwrap();
    }
}

/// A DMP trace of `patient` at `day` (2026-MM-DD), as `audit::record_dmp` writes and counts it.
pub(super) fn trace(
    store: &mut Store,
    patient: i64,
    day: &str,
    code: TransactionCode,
    doc: Option<&str>,
    mode: PurposeOfUse,
    ok: bool,
) {
    let at = Utc.from_utc_datetime(
        &chrono::NaiveDateTime::parse_from_str(&format!("{day}T10:00:00"), "%Y-%m-%dT%H:%M:%S")
            .unwrap(),
    );
    let t = DmpTrace {
        at,
        professional_id: "810000000001".into(),
        structure_id: "1750000001".into(),
        patient_ref: patient.to_string(),
        transaction: code,
        documents: doc.iter().map(|d| (*d).to_owned()).collect(),
        access_mode: mode,
        break_glass_reason: (mode == PurposeOfUse::BrisDeGlace)
            .then(|| "Urgence; \"vitale\" =patient inconscient".to_owned()),
        result: if ok {
            TraceResult::Ok
        } else {
            TraceResult::Error {
                message_id: "error-dmp-x",
                retryable: false,
                detail: "refus; x".into(),
            }
        },
        duration_ms: 12,
    };
    let row = t.to_csv_row();
    let entry = AuditEntry::new(
        "dr",
        AuditAction::DmpTransaction,
        AuditObject::Patient(patient),
    )
    .detail(row.as_str());
    audit::append_at(store, &format!("{day}T10:00:01Z"), &entry).unwrap();
    // As `worker::audit::record_dmp` does, in the same transaction on the record.
    count_trace(store, patient, &row).unwrap();
}

/// The fixture; the expected counts are in `expected`.
pub(super) fn fill(store: &mut Store) {
    let p1 = patient(store, "P1");
    let p2 = patient(store, "P2");
    let p3 = patient(store, "P3");
    let e1 = episode(store, p1, "2026-01-01T08:00:00", A);
    let e2 = episode(store, p1, "2026-03-01T08:00:00", B);
    episode(store, p3, "2026-06-01T08:00:00", A);
    let d1 = document(
        store,
        1,
        (p1, Some(e1)),
        (CR, "local"),
        "2026-01-10T09:00:00",
    );
    let d2 = document(
        store,
        2,
        (p1, Some(e2)),
        (CR, "local"),
        "2026-03-05T09:00:00",
    );
    let d3 = document(store, 3, (p2, None), (LAB, "local"), "2026-01-20T09:00:00");
    let d4 = document(store, 4, (p1, Some(e1)), (CR, "mss"), "2026-02-02T09:00:00");
    // Filed from the gateway's HL7 v2: `local`, yet received, not produced.
    let d5 = document(
        store,
        5,
        (p1, Some(e1)),
        (LAB, "local"),
        "2026-02-03T09:00:00",
    );
    // Before the period.
    document(
        store,
        6,
        (p1, Some(e1)),
        (CR, "local"),
        "2025-12-31T23:59:59",
    );
    received(store, d4, p1, "2026-02-02T09:00:00Z", false);
    received(store, d5, p1, "2026-02-03T09:00:00Z", true);
    // Direct ITI-41 acknowledged at sending; through the gateway, receipt in April; failed.
    job(
        store,
        (d1, p1),
        ("dmp", "dmp", "acknowledged"),
        "2026-01-11T09:00:00Z",
    );
    let o2 = job(
        store,
        (d2, p1),
        ("dmp", "pfi", "acknowledged"),
        "2026-03-06T09:00:00Z",
    );
    ack(store, o2, "dmp", true, "2026-04-01T09:00:00Z");
    job(
        store,
        (d3, p2),
        ("dmp", "dmp", "failed"),
        "2026-01-21T09:00:00Z",
    );
    // MSSanté: two deliveries (two recipients) in January, one read in February; one refused.
    let o4 = job(
        store,
        (d1, p1),
        ("mss", "pfi", "sent"),
        "2026-01-12T09:00:00Z",
    );
    ack(store, o4, "mss", true, "2026-01-12T10:00:00Z");
    ack(store, o4, "mss", true, "2026-01-13T10:00:00Z");
    ack(store, o4, "read", true, "2026-02-01T10:00:00Z");
    let o5 = job(
        store,
        (d3, p2),
        ("mss", "pfi", "sent"),
        "2026-01-22T09:00:00Z",
    );
    ack(store, o5, "mss", false, "2026-01-22T10:00:00Z");
    use PurposeOfUse::{BrisDeGlace, Normal};
    use TransactionCode as T;
    trace(
        store,
        p2,
        "2026-01-05",
        T::Td32,
        Some("elsewhere"),
        Normal,
        true,
    );
    trace(store, p1, "2026-02-10", T::Td02, None, Normal, true);
    trace(
        store,
        p1,
        "2026-02-11",
        T::Td32,
        Some("doc-1"),
        Normal,
        false,
    );
    trace(
        store,
        p1,
        "2026-02-12",
        T::Td31b,
        Some("doc-1"),
        Normal,
        true,
    );
    trace(
        store,
        p1,
        "2026-03-10",
        T::Td32,
        Some("doc-2"),
        Normal,
        true,
    );
    trace(store, p1, "2026-03-11", T::Td31, None, BrisDeGlace, true);
    trace(
        store,
        p1,
        "2026-03-12",
        T::Td33b,
        Some("doc-2"),
        Normal,
        true,
    );
    // Before p3's first episode: the establishment's.
    trace(store, p3, "2026-05-01", T::Td02, None, Normal, true);
}

/// (site, type, month) and the non-zero counts, as written by hand.
pub(super) type Expected = ((&'static str, &'static str, Month), Vec<(I, u64)>);
/// The same, as a report gives them.
pub(super) type Counted = ((String, String, Month), Vec<(I, u64)>);

pub(super) fn m(month: u32) -> Month {
    Month::new(2026, month).unwrap()
}

/// (site, type, month) → the non-zero counts, by hand.
pub(super) fn expected() -> Vec<Expected> {
    vec![
        ((A, "", m(2)), vec![(I::DmpConsultations, 1)]),
        (
            (A, CR, m(1)),
            vec![
                (I::DocumentsProduced, 1),
                (I::DmpFed, 1),
                (I::DmpAcknowledged, 1),
                (I::MssSent, 1),
                (I::MssDelivered, 1),
            ],
        ),
        (
            (A, CR, m(2)),
            vec![(I::MssRead, 1), (I::Received, 1), (I::ReceivedAuto, 1)],
        ),
        (
            (A, LAB, m(2)),
            vec![(I::Received, 1), (I::ReceivedManual, 1)],
        ),
        ((B, "", m(3)), vec![(I::DmpBreakGlass, 1)]),
        (
            (B, CR, m(3)),
            vec![
                (I::DocumentsProduced, 1),
                (I::DmpFed, 1),
                (I::DmpConsultations, 1),
                (I::VisibilityChanges, 1),
            ],
        ),
        ((B, CR, m(4)), vec![(I::DmpAcknowledged, 1)]),
        ((DEF, "", m(1)), vec![(I::DmpConsultations, 1)]),
        ((DEF, "", m(5)), vec![(I::DmpConsultations, 1)]),
        (
            (DEF, LAB, m(1)),
            vec![(I::DocumentsProduced, 1), (I::MssSent, 1)],
        ),
    ]
}

pub(super) fn year() -> IndicatorFilter {
    IndicatorFilter {
        sites: Vec::new(),
        type_codes: Vec::new(),
        from: m(1),
        to: m(12),
    }
}

pub(super) fn cells(report: &IndicatorReport) -> Vec<Counted> {
    report
        .rows
        .iter()
        .map(|r| {
            let counts = I::ALL
                .iter()
                .filter(|i| r.count(**i) > 0)
                .map(|i| (*i, r.count(*i)))
                .collect();
            ((r.finess_geo.clone(), r.type_code.clone(), r.month), counts)
        })
        .collect()
}

pub(super) fn owned(list: Vec<Expected>) -> Vec<Counted> {
    list.into_iter()
        .map(|((s, t, m), c)| ((s.to_owned(), t.to_owned(), m), c))
        .collect()
}
