//! Writing an archive's records back: the identity through the patients repository (its
//! consistency checks apply: INS key, status), then episodes, consent history, movements,
//! identity history and documents with the values they had (dates, sharing states, who
//! integrated, the exact CDA bytes), one statement per row. A write the schema refuses is an
//! invalid record of the archive. Same SQL on both backends.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::PortabilityError;
use super::format::{DocumentRecord, PatientRecord};
use super::rows::DOCUMENT_COLUMNS;
use crate::domain::{BirthTraits, IdentityStatus, Ins, PatientId, PatientIdentity, Sex};
use crate::store::db::params;
use crate::store::{Store, StoreError};

fn invalid(what: &'static str) -> PortabilityError {
    PortabilityError::InvalidRecord(what)
}

/// A write the schema refused (a check, a unique key) is an invalid record of the archive.
fn checked(what: &'static str) -> impl Fn(StoreError) -> PortabilityError {
    move |e| {
        if e.constraint().is_some() {
            invalid(what)
        } else {
            e.into()
        }
    }
}

/// The identity as the patients repository takes it: every code parsed, the INS checked.
fn identity(p: &PatientRecord) -> Result<PatientIdentity, PortabilityError> {
    let ins = p
        .ins
        .as_ref()
        .map(|i| Ins::parse(&i.matricule, &i.oid).map_err(|_| invalid("INS")))
        .transpose()?;
    Ok(PatientIdentity {
        ipp: p.ipp.clone(),
        ins,
        traits: BirthTraits {
            birth_name: p.traits.birth_name.clone(),
            birth_first_names: p.traits.birth_first_names.clone(),
            birth_date: NaiveDate::parse_from_str(&p.traits.birth_date, "%Y-%m-%d")
                .map_err(|_| invalid("birth date"))?,
            sex: Sex::from_code(&p.traits.sex).ok_or_else(|| invalid("sex"))?,
            birthplace_insee: p.traits.birthplace_insee.clone(),
        },
        used_name: p.traits.used_name.clone(),
        used_first_name: p.traits.used_first_name.clone(),
        status: IdentityStatus::from_code(&p.identity_status)
            .ok_or_else(|| invalid("identity status"))?,
    })
}

/// Writes a patient's identity, episodes (consent, movements) and identity history; the
/// patient's new id and each episode key's new id. Documents follow with [`insert_document`].
pub(super) fn insert_patient(
    store: &Store,
    p: &PatientRecord,
) -> Result<(PatientId, HashMap<String, i64>), PortabilityError> {
    let id = crate::store::patients::insert(store, &identity(p)?).map_err(|e| match e {
        StoreError::Duplicate => invalid("patient (IPP or INS twice)"),
        StoreError::Corrupt(_) => invalid("identity"),
        e => e.into(),
    })?;
    let physician = p.treating_physician.as_ref();
    store.execute(
        "UPDATE patient SET created_at = ?1, updated_at = ?2, treating_physician_id = ?3,
            treating_physician_name = ?4 WHERE id = ?5",
        params![
            p.created_at,
            p.updated_at,
            physician.and_then(|t| t.id.as_deref()),
            physician.and_then(|t| t.name.as_deref()),
            id.0
        ],
    )?;
    let mut keys = HashMap::new();
    for e in &p.episodes {
        let episode = store
            .insert_id(
                "INSERT INTO episode (patient_id, kind, start_at, end_at, unit, finess_geo,
                visit_number, source, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    id.0,
                    e.kind,
                    e.start_at,
                    e.end_at,
                    e.unit,
                    e.finess_geo,
                    e.visit_number,
                    e.source,
                    e.state
                ],
            )
            .map_err(checked("episode"))?;
        if keys.insert(e.key.clone(), episode).is_some() {
            return Err(invalid("episode key (twice)"));
        }
        for c in &e.consent {
            store
                .execute(
                    "INSERT INTO dmp_consent (episode_id, information, opposes_feeding,
                    opposes_consultation, break_glass_reason, actor, recorded_at, origin_id,
                    source, stated_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    params![
                        episode,
                        c.information,
                        c.opposes_feeding,
                        c.opposes_consultation,
                        c.break_glass_reason,
                        c.actor,
                        c.recorded_at,
                        c.origin_id,
                        c.source,
                        c.stated_on
                    ],
                )
                .map_err(checked("consent"))?;
        }
        for m in &e.movements {
            store.execute(
                "INSERT INTO movement (episode_id, movement_id, start_at, trigger, unit, nature,
                    cancelled)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    episode,
                    m.movement_id,
                    m.start_at,
                    m.trigger,
                    m.unit,
                    m.nature,
                    m.cancelled
                ],
            )
            .map_err(checked("movement"))?;
        }
    }
    for h in &p.identity_history {
        store.execute(
            "INSERT INTO identity_history (patient_id, at, actor, event, from_status, to_status,
                document, reason, insi_result, insi_calls, ins_matricule, ins_oid, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                id.0,
                h.at,
                h.actor,
                h.event,
                h.from_status,
                h.to_status,
                h.document,
                h.reason,
                h.insi_result,
                h.insi_calls,
                h.ins_matricule,
                h.ins_oid,
                h.detail
            ],
        )
        .map_err(checked("identity history"))?;
    }
    Ok((id, keys))
}

/// Writes one document with its exact bytes and the values it had.
pub(super) fn insert_document(
    store: &Store,
    patient: PatientId,
    episodes: &HashMap<String, i64>,
    d: &DocumentRecord,
    raw: &[u8],
) -> Result<(), PortabilityError> {
    let episode = match &d.episode {
        Some(key) => Some(*episodes.get(key).ok_or_else(|| invalid("episode key"))?),
        None => None,
    };
    store
        .execute(
            &format!(
                "INSERT INTO document (patient_id, {DOCUMENT_COLUMNS}, raw)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29)"
            ),
            params![
                patient.0,
                episode,
                d.cda_id,
                d.set_id,
                d.version_number,
                d.type_code,
                d.type_system,
                d.type_label,
                d.class_code,
                d.title,
                d.act_date,
                d.created_date,
                d.author,
                d.organisation,
                d.confidentiality,
                d.body_kind,
                d.has_pdf,
                d.replaces,
                d.provenance,
                d.dmp_share,
                d.mss_share,
                d.invisible_patient,
                d.invisible_legal_reps,
                d.masked_ps,
                d.integrated_at,
                d.integrated_by,
                d.integrated_unit,
                d.deleted_at,
                raw
            ],
        )
        .map_err(checked("document"))?;
    Ok(())
}
