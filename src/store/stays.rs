//! Stays known to the GAM (migration 15): an episode with its visit number (PV1-19), its state
//! (pre-admitted, in progress, on leave, ended, cancelled) and its movements (ZBE), as IHE
//! PAM-FR messages create, update and cancel them. Episodes created here keep the columns
//! every other reader uses (`store::episodes`); a cancelled stay is ended at its start so
//! that it never counts as the episode in progress.

use chrono::NaiveDateTime;

use super::db::params;
use super::{Store, StoreError, datetime_text};
use crate::domain::{EpisodeId, EpisodeKind, PatientId};

/// Where a stay stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StayState {
    /// Pre-admitted (A05), not started.
    Planned,
    InProgress,
    /// Temporarily absent (A21), back with A22.
    OnLeave,
    Ended,
    Cancelled,
}

impl StayState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::InProgress => "current",
            Self::OnLeave => "leave",
            Self::Ended => "ended",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Planned,
            Self::InProgress,
            Self::OnLeave,
            Self::Ended,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// A stay as the GAM knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    pub episode: EpisodeId,
    pub patient: PatientId,
    pub state: StayState,
    pub start: NaiveDateTime,
    pub end: Option<NaiveDateTime>,
}

/// What a PAM-FR message says of a stay.
#[derive(Debug, Clone)]
pub struct StayFacts<'a> {
    pub kind: EpisodeKind,
    pub start: NaiveDateTime,
    pub unit: &'a str,
    pub finess_geo: &'a str,
}

/// The stay with this visit number.
pub fn by_visit(store: &Store, visit_number: &str) -> Result<Option<Stay>, StoreError> {
    let Some(row) = store.query_opt(
        "SELECT id, patient_id, state, start_at, end_at FROM episode WHERE visit_number = ?1",
        params![visit_number],
    )?
    else {
        return Ok(None);
    };
    let state: String = row.get(2)?;
    let start: String = row.get(3)?;
    let end: Option<String> = row.get(4)?;
    Ok(Some(Stay {
        episode: EpisodeId(row.get(0)?),
        patient: PatientId(row.get(1)?),
        state: StayState::from_code(&state)
            .ok_or_else(|| StoreError::Corrupt("stay state".into()))?,
        start: super::parse_datetime(&start)?,
        end: end.as_deref().map(super::parse_datetime).transpose()?,
    }))
}

/// Creates a stay from the GAM.
pub fn create(
    store: &Store,
    patient: PatientId,
    visit_number: &str,
    facts: &StayFacts<'_>,
    state: StayState,
) -> Result<EpisodeId, StoreError> {
    store
        .insert_id(
            "INSERT INTO episode (patient_id, kind, start_at, end_at, unit, finess_geo,
                 visit_number, source, state)
             VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6, 'gam', ?7)",
            params![
                patient.0,
                facts.kind.code(),
                datetime_text(&facts.start),
                facts.unit,
                facts.finess_geo,
                visit_number,
                state.code()
            ],
        )
        .map(EpisodeId)
}

/// Updates what the GAM says of a stay (kind, start, unit), keeping its state.
pub fn update(store: &Store, episode: EpisodeId, facts: &StayFacts<'_>) -> Result<(), StoreError> {
    store.execute(
        "UPDATE episode SET kind = ?2, start_at = ?3,
             unit = CASE WHEN ?4 = '' THEN unit ELSE ?4 END,
             finess_geo = CASE WHEN ?5 = '' THEN finess_geo ELSE ?5 END
         WHERE id = ?1",
        params![
            episode.0,
            facts.kind.code(),
            datetime_text(&facts.start),
            facts.unit,
            facts.finess_geo
        ],
    )?;
    Ok(())
}

/// Sets a stay's state; `end` is written as given (None reopens it).
pub fn set_state(
    store: &Store,
    episode: EpisodeId,
    state: StayState,
    end: Option<NaiveDateTime>,
) -> Result<(), StoreError> {
    store.execute(
        "UPDATE episode SET state = ?2, end_at = ?3 WHERE id = ?1",
        params![episode.0, state.code(), end.as_ref().map(datetime_text)],
    )?;
    Ok(())
}

/// Sets the unit a stay is in now (a transfer).
pub fn set_unit(store: &Store, episode: EpisodeId, unit: &str) -> Result<(), StoreError> {
    if unit.is_empty() {
        return Ok(());
    }
    store.execute(
        "UPDATE episode SET unit = ?2 WHERE id = ?1",
        params![episode.0, unit],
    )?;
    Ok(())
}

/// A movement of ZBE.
#[derive(Debug, Clone)]
pub struct Movement<'a> {
    /// ZBE-1.
    pub movement_id: &'a str,
    pub start: NaiveDateTime,
    /// The event that made it (ZBE-6 for an update or a cancellation).
    pub trigger: &'a str,
    pub unit: &'a str,
    pub nature: Option<&'a str>,
}

/// Records a movement (INSERT), or replaces what is known of it (UPDATE).
pub fn put_movement(store: &Store, episode: EpisodeId, m: &Movement<'_>) -> Result<(), StoreError> {
    store.execute(
        "INSERT INTO movement (episode_id, movement_id, start_at, trigger, unit, nature)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (movement_id) DO UPDATE SET start_at = excluded.start_at,
             trigger = excluded.trigger, unit = excluded.unit, nature = excluded.nature,
             cancelled = 0",
        params![
            episode.0,
            m.movement_id,
            datetime_text(&m.start),
            m.trigger,
            m.unit,
            m.nature
        ],
    )?;
    Ok(())
}

/// Cancels a movement (ZBE-4 CANCEL); false when it is unknown.
pub fn cancel_movement(store: &Store, movement_id: &str) -> Result<bool, StoreError> {
    Ok(store.execute(
        "UPDATE movement SET cancelled = 1 WHERE movement_id = ?1",
        params![movement_id],
    )? > 0)
}

/// The unit of the latest movement of a stay not cancelled (after a cancelled transfer).
pub fn current_unit(store: &Store, episode: EpisodeId) -> Result<Option<String>, StoreError> {
    store
        .query_opt(
            "SELECT unit FROM movement WHERE episode_id = ?1 AND cancelled = 0
             ORDER BY start_at DESC, id DESC LIMIT 1",
            params![episode.0],
        )?
        .map(|r| r.get(0))
        .transpose()
}

/// How many movements of a stay are not cancelled.
pub fn movement_count(store: &Store, episode: EpisodeId) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM movement WHERE episode_id = ?1 AND cancelled = 0",
        params![episode.0],
    )
}

/// Moves the stays of `from` to `into` (a merge decided upstream).
pub fn move_all(store: &Store, from: PatientId, into: PatientId) -> Result<usize, StoreError> {
    store.execute(
        "UPDATE episode SET patient_id = ?2 WHERE patient_id = ?1",
        params![from.0, into.0],
    )
}

/// The visit number (PV1-19) the GAM gave an episode, when any.
pub fn visit_number(store: &Store, episode: EpisodeId) -> Result<Option<String>, StoreError> {
    store
        .query_opt(
            "SELECT visit_number FROM episode WHERE id = ?1",
            super::db::params![episode.0],
        )?
        .map(|r| r.get::<Option<String>>(0))
        .transpose()
        .map(Option::flatten)
}
