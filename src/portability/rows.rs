//! The store's rows as the archive needs them: a patient read whole (identity, episodes with
//! their consent and movements, identity history, documents' metadata without their bytes).
//! Same SQL on both backends; `insert` writes them back.

use std::collections::HashMap;

use super::format::{
    ConsentRecord, DocumentRecord, EpisodeRecord, HistoryRecord, InsRecord, MovementRecord,
    PatientRecord, TraitsRecord, TreatingPhysician,
};
use crate::store::db::{Row, params};
use crate::store::{Store, StoreError};

/// Every patient's row id, in id order.
pub(super) fn patient_ids(store: &Store) -> Result<Vec<i64>, StoreError> {
    store
        .query("SELECT id FROM patient ORDER BY id", params![])?
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// Whether a patient row exists.
pub(super) fn patient_exists(store: &Store, id: i64) -> Result<bool, StoreError> {
    Ok(store
        .query_opt("SELECT 1 FROM patient WHERE id = ?1", params![id])?
        .is_some())
}

/// Documents an export will write.
pub(super) fn document_count(
    store: &Store,
    ids: &[i64],
    scope: super::ExportScope,
) -> Result<usize, StoreError> {
    match (scope, ids) {
        (super::ExportScope::Patient(_), [id]) => store.query_value(
            "SELECT count(*) FROM document WHERE patient_id = ?1",
            params![*id],
        ),
        _ => crate::store::documents::count(store),
    }
}

/// A patient's row id by IPP.
pub(super) fn patient_by_ipp(store: &Store, ipp: &str) -> Result<Option<i64>, StoreError> {
    store
        .query_opt("SELECT id FROM patient WHERE ipp = ?1", params![ipp])?
        .map(|r| r.get(0))
        .transpose()
}

/// A patient whole, documents without their bytes (`file`, `sha256` and `size` are filled
/// once the bytes are written); beside each document, its row id.
pub(super) fn read_patient(
    store: &Store,
    id: i64,
) -> Result<(PatientRecord, Vec<i64>), StoreError> {
    let p = store.query_one(
        "SELECT ipp, ins_matricule, ins_oid, birth_name, birth_first_names, birth_date, sex,
            birthplace_insee, used_name, used_first_name, identity_status, treating_physician_id,
            treating_physician_name, created_at, updated_at
         FROM patient WHERE id = ?1",
        params![id],
    )?;
    let ins = match (p.get::<Option<String>>(1)?, p.get::<Option<String>>(2)?) {
        (Some(matricule), Some(oid)) => Some(InsRecord { matricule, oid }),
        _ => None,
    };
    let physician = (p.get::<Option<String>>(11)?, p.get::<Option<String>>(12)?);
    let (episodes, keys) = read_episodes(store, id)?;
    let (documents, ids) = read_documents(store, id, &keys)?;
    let record = PatientRecord {
        ipp: p.get(0)?,
        ins,
        traits: TraitsRecord {
            birth_name: p.get(3)?,
            birth_first_names: p.get(4)?,
            birth_date: p.get(5)?,
            sex: p.get(6)?,
            birthplace_insee: p.get(7)?,
            used_name: p.get(8)?,
            used_first_name: p.get(9)?,
        },
        identity_status: p.get(10)?,
        treating_physician: (physician.0.is_some() || physician.1.is_some()).then_some(
            TreatingPhysician {
                id: physician.0,
                name: physician.1,
            },
        ),
        created_at: p.get(13)?,
        updated_at: p.get(14)?,
        episodes,
        identity_history: read_history(store, id)?,
        documents,
    };
    Ok((record, ids))
}

fn read_episodes(
    store: &Store,
    patient: i64,
) -> Result<(Vec<EpisodeRecord>, HashMap<i64, String>), StoreError> {
    let rows = store.query(
        "SELECT id, kind, start_at, end_at, unit, finess_geo, visit_number, source, state
         FROM episode WHERE patient_id = ?1 ORDER BY id",
        params![patient],
    )?;
    let mut keys = HashMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for (n, r) in rows.iter().enumerate() {
        let id: i64 = r.get(0)?;
        let key = format!("e{}", n + 1);
        keys.insert(id, key.clone());
        out.push(EpisodeRecord {
            key,
            kind: r.get(1)?,
            start_at: r.get(2)?,
            end_at: r.get(3)?,
            unit: r.get(4)?,
            finess_geo: r.get(5)?,
            visit_number: r.get(6)?,
            source: r.get(7)?,
            state: r.get(8)?,
            consent: read_consent(store, id)?,
            movements: read_movements(store, id)?,
        });
    }
    Ok((out, keys))
}

fn read_consent(store: &Store, episode: i64) -> Result<Vec<ConsentRecord>, StoreError> {
    store
        .query(
            "SELECT information, opposes_feeding, opposes_consultation, break_glass_reason,
                actor, recorded_at, origin_id, source, stated_on
             FROM dmp_consent WHERE episode_id = ?1 ORDER BY id",
            params![episode],
        )?
        .iter()
        .map(|r| {
            Ok(ConsentRecord {
                information: r.get(0)?,
                opposes_feeding: r.get(1)?,
                opposes_consultation: r.get(2)?,
                break_glass_reason: r.get(3)?,
                actor: r.get(4)?,
                recorded_at: r.get(5)?,
                origin_id: r.get(6)?,
                source: r.get(7)?,
                stated_on: r.get(8)?,
            })
        })
        .collect()
}

fn read_movements(store: &Store, episode: i64) -> Result<Vec<MovementRecord>, StoreError> {
    store
        .query(
            "SELECT movement_id, start_at, trigger, unit, nature, cancelled
             FROM movement WHERE episode_id = ?1 ORDER BY id",
            params![episode],
        )?
        .iter()
        .map(|r| {
            Ok(MovementRecord {
                movement_id: r.get(0)?,
                start_at: r.get(1)?,
                trigger: r.get(2)?,
                unit: r.get(3)?,
                nature: r.get(4)?,
                cancelled: r.get(5)?,
            })
        })
        .collect()
}

fn read_history(store: &Store, patient: i64) -> Result<Vec<HistoryRecord>, StoreError> {
    store
        .query(
            "SELECT at, actor, event, from_status, to_status, document, reason, insi_result,
                insi_calls, ins_matricule, ins_oid, detail
             FROM identity_history WHERE patient_id = ?1 ORDER BY id",
            params![patient],
        )?
        .iter()
        .map(|r| {
            Ok(HistoryRecord {
                at: r.get(0)?,
                actor: r.get(1)?,
                event: r.get(2)?,
                from_status: r.get(3)?,
                to_status: r.get(4)?,
                document: r.get(5)?,
                reason: r.get(6)?,
                insi_result: r.get(7)?,
                insi_calls: r.get(8)?,
                ins_matricule: r.get(9)?,
                ins_oid: r.get(10)?,
                detail: r.get(11)?,
            })
        })
        .collect()
}

pub(super) const DOCUMENT_COLUMNS: &str = "episode_id, cda_id, set_id, version_number, type_code,
    type_system, type_label, class_code, title, act_date, created_date, author, organisation,
    confidentiality, body_kind, has_pdf, replaces, provenance, dmp_share, mss_share,
    invisible_patient, invisible_legal_reps, masked_ps, integrated_at, integrated_by,
    integrated_unit, deleted_at";

fn read_documents(
    store: &Store,
    patient: i64,
    episodes: &HashMap<i64, String>,
) -> Result<(Vec<DocumentRecord>, Vec<i64>), StoreError> {
    let rows = store.query(
        &format!("SELECT id, {DOCUMENT_COLUMNS} FROM document WHERE patient_id = ?1 ORDER BY id"),
        params![patient],
    )?;
    let mut ids = Vec::with_capacity(rows.len());
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        ids.push(r.get(0)?);
        out.push(document_from_row(r, episodes)?);
    }
    Ok((out, ids))
}

fn document_from_row(
    r: &Row,
    episodes: &HashMap<i64, String>,
) -> Result<DocumentRecord, StoreError> {
    let episode: Option<i64> = r.get(1)?;
    Ok(DocumentRecord {
        file: String::new(),
        sha256: String::new(),
        size: 0,
        episode: episode.and_then(|e| episodes.get(&e).cloned()),
        cda_id: r.get(2)?,
        set_id: r.get(3)?,
        version_number: r.get(4)?,
        type_code: r.get(5)?,
        type_system: r.get(6)?,
        type_label: r.get(7)?,
        class_code: r.get(8)?,
        title: r.get(9)?,
        act_date: r.get(10)?,
        created_date: r.get(11)?,
        author: r.get(12)?,
        organisation: r.get(13)?,
        confidentiality: r.get(14)?,
        body_kind: r.get(15)?,
        has_pdf: r.get(16)?,
        replaces: r.get(17)?,
        provenance: r.get(18)?,
        dmp_share: r.get(19)?,
        mss_share: r.get(20)?,
        invisible_patient: r.get(21)?,
        invisible_legal_reps: r.get(22)?,
        masked_ps: r.get(23)?,
        integrated_at: r.get(24)?,
        integrated_by: r.get(25)?,
        integrated_unit: r.get(26)?,
        deleted_at: r.get(27)?,
    })
}

/// A document's stored bytes.
pub(super) fn raw(store: &Store, id: i64) -> Result<Vec<u8>, StoreError> {
    crate::store::documents::raw(store, crate::domain::DocumentId(id))
}
