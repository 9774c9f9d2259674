//! Care episodes in the store.

use rusqlite::params;

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
    store.conn().execute(
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
    Ok(EpisodeId(store.conn().last_insert_rowid()))
}

/// Episodes of a patient, newest first.
pub fn for_patient(store: &Store, patient: PatientId) -> Result<Vec<Episode>, StoreError> {
    let mut stmt = store.conn().prepare_cached(
        "SELECT id, kind, start_at, end_at, unit, finess_geo FROM episode
         WHERE patient_id = ?1 ORDER BY start_at DESC",
    )?;
    let rows = stmt.query_map([patient.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, start, end, unit, finess_geo) = row?;
        out.push(Episode {
            id: EpisodeId(id),
            patient_id: patient,
            kind: EpisodeKind::from_code(&kind)
                .ok_or_else(|| StoreError::Corrupt("episode kind".into()))?,
            start: parse_datetime(&start)?,
            end: end.as_deref().map(parse_datetime).transpose()?,
            unit,
            finess_geo,
        });
    }
    Ok(out)
}
