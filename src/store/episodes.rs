//! Care episodes in the store.

use super::db::params;
use super::{Store, StoreError, datetime_text, parse_datetime};
use crate::domain::{Episode, EpisodeId, EpisodeKind, PatientId};

/// An episode to create.
#[derive(Debug, Clone)]
pub struct NewEpisode {
    pub patient_id: PatientId,
    pub kind: EpisodeKind,
    pub start: chrono::NaiveDateTime,
    pub end: Option<chrono::NaiveDateTime>,
    pub unit: String,
    pub finess_geo: String,
}

pub fn insert(store: &Store, e: &NewEpisode) -> Result<EpisodeId, StoreError> {
    let id = store.insert_id(
        "INSERT INTO episode (patient_id, kind, start_at, end_at, unit, finess_geo)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            e.patient_id.0,
            e.kind.code(),
            datetime_text(&e.start),
            e.end.as_ref().map(datetime_text),
            e.unit,
            e.finess_geo,
        ],
    )?;
    Ok(EpisodeId(id))
}

/// Episodes of a patient, newest first.
pub fn for_patient(store: &Store, patient: PatientId) -> Result<Vec<Episode>, StoreError> {
    store
        .query(
            "SELECT id, kind, start_at, end_at, unit, finess_geo FROM episode
             WHERE patient_id = ?1 ORDER BY start_at DESC",
            params![patient.0],
        )?
        .iter()
        .map(|r| {
            let kind: String = r.get(1)?;
            let start: String = r.get(2)?;
            let end: Option<String> = r.get(3)?;
            Ok(Episode {
                id: EpisodeId(r.get(0)?),
                patient_id: patient,
                kind: EpisodeKind::from_code(&kind)
                    .ok_or_else(|| StoreError::Corrupt("episode kind".into()))?,
                start: parse_datetime(&start)?,
                end: end.as_deref().map(parse_datetime).transpose()?,
                unit: r.get(4)?,
                finess_geo: r.get(5)?,
            })
        })
        .collect()
}
