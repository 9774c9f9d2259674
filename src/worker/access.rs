//! The one DMP access policy. For one request about one patient it reads the store once (the
//! patient, the episode in progress and its information/opposition record, the patient's
//! episodes, the DMP settings, when the folder's DMP list was last shown) and decides: may the
//! DMP be asked now, in which mode (normal or bris de glace), for which INS, as which
//! professional; which structures are this establishment's; which unit documents are
//! integrated for; whether the new-document count runs with no click and from which day.
//! A session opened by a password alone never reaches the DMP (strong authentication: Pro
//! Santé Connect, the CPS card, or a password with a second factor); the folder says why.
//! Handlers ask [`evaluate`]; nothing else decides these.

use std::sync::Arc;

use chrono::NaiveDate;

use super::audit;
use super::context::{Context, WorkerError};
use super::{DmpFolderStatus, UserMessage};
use crate::auth::Session;
use crate::dmp::consult::{AccessMode, ConsultPatient, DmpConsult, Outcome};
use crate::dmp::error::DmpError;
use crate::domain::consent::{self, AccessMode as ConsentMode};
use crate::domain::dmp::CountSince;
use crate::domain::{
    ConsultationDecision, Episode, EpisodeConsent, Ins, Patient, PatientId, ProfessionalInfo, Right,
};
use crate::store::{consent as consent_store, dmp_seen, episodes, patients};

/// Everything a DMP transaction about one patient needs. Built only when the episode's record
/// allows consulting the DMP and every prerequisite is there.
pub(super) struct DmpAccess {
    pub session: Session,
    pub service: DmpConsult,
    pub professional: ProfessionalInfo,
    pub who: ConsultPatient,
    pub mode: AccessMode,
    pub patient: PatientId,
    /// The episode in progress, if any, and its record.
    pub episode: Option<Episode>,
    pub record: Option<EpisodeConsent>,
    /// This establishment's structure ids (idNat_Struct): the DMP configuration's, the
    /// configured site's, and the sites of the patient's episodes.
    pub own_structures: Vec<String>,
    /// The unit documents are integrated for: the episode's, else the session's activity,
    /// else the establishment.
    pub unit: String,
    /// Whether the new-document count runs with no click for this episode.
    pub count_by_itself: bool,
    /// The day new documents are counted from (`None`: every document).
    pub count_since: Option<NaiveDate>,
}

impl DmpAccess {
    pub fn parts(&self) -> (&ProfessionalInfo, &ConsultPatient, &AccessMode) {
        (&self.professional, &self.who, &self.mode)
    }

    pub fn own_refs(&self) -> Vec<&str> {
        self.own_structures.iter().map(String::as_str).collect()
    }

    /// Traces the outcome's transactions, then hands back its result.
    pub async fn traced<T: Send + 'static>(
        &self,
        ctx: &Arc<Context>,
        outcome: Outcome<T>,
    ) -> Result<Result<T, DmpError>, WorkerError> {
        audit::record_dmp(ctx, &self.session.login, self.patient, outcome).await
    }
}

/// Why a password-only session may not reach the DMP (the folder shows it, nothing is sent).
pub(super) const STRONG_AUTH_REQUIRED: &str = "dmp-strong-auth-required";

/// Whether the DMP may be asked about a patient now.
pub(super) enum Gate {
    Open(Box<DmpAccess>),
    /// Not now, and why (the folder shows it).
    Closed(Box<Closed>),
    /// This role does not consult the DMP: say nothing.
    Silent,
}

/// Why the DMP may not be asked now, with what the folder shows.
pub(super) struct Closed {
    pub episode: Option<Episode>,
    pub record: Option<EpisodeConsent>,
    pub status: DmpFolderStatus,
}

impl Gate {
    /// The access, or the reason as an error for the user.
    pub fn open(self) -> Result<Box<DmpAccess>, WorkerError> {
        match self {
            Self::Open(access) => Ok(access),
            Self::Silent => Err(WorkerError::Forbidden),
            Self::Closed(closed) => Err(WorkerError::NotConfigured(match closed.status {
                DmpFolderStatus::NotAllowed(reason) => reason.message_id(),
                DmpFolderStatus::NoIns => "dmp-no-ins",
                DmpFolderStatus::NoProfessional => "dmp-no-professional",
                DmpFolderStatus::Failed(message) => message.id,
                _ => "dmp-not-configured",
            })),
        }
    }
}

/// What the store says about the patient, read in one go.
struct Facts {
    patient: Patient,
    episode: Option<Episode>,
    record: Option<EpisodeConsent>,
    episodes: Vec<Episode>,
    count_kinds: Vec<crate::domain::EpisodeKind>,
    count_since: CountSince,
    list_seen: Option<NaiveDate>,
}

/// Decides from the patient's record, the session and the configuration whether the DMP may
/// be asked about `patient`, reading the store once.
pub(super) async fn evaluate(ctx: &Arc<Context>, patient: PatientId) -> Result<Gate, WorkerError> {
    let session = ctx.require(Right::OpenFolder)?;
    let today = chrono::Local::now().date_naive();
    let facts = ctx
        .with_store(move |store| {
            let dmp = crate::settings::load(store)?.settings.dmp;
            let (episode, record) = match consent_store::for_open_episode(store, patient, today)? {
                Some((episode, record)) => (Some(episode), record),
                None => (None, None),
            };
            Ok(Facts {
                patient: patients::get(store, patient)?,
                episode,
                record,
                episodes: episodes::for_patient(store, patient)?,
                count_kinds: dmp.count_kinds,
                count_since: dmp.count_since,
                list_seen: dmp_seen::last(store, patient)?.map(|t| t.date()),
            })
        })
        .await?;
    let establishment = ctx.config.establishment.as_ref().map(|e| e.finess.as_str());
    Ok(decide(session, ctx.dmp.clone(), establishment, facts))
}

fn decide(
    session: Session,
    service: Option<DmpConsult>,
    establishment_site: Option<&str>,
    facts: Facts,
) -> Gate {
    let Facts {
        patient,
        episode,
        record,
        episodes,
        count_kinds,
        count_since,
        list_seen,
    } = facts;
    let closed = |status| {
        Gate::Closed(Box::new(Closed {
            episode: episode.clone(),
            record: record.clone(),
            status,
        }))
    };
    // Consultation allowed by the episode's record? Otherwise nothing leaves Chevet.
    let mode = match consent::consultation(record.as_ref(), false) {
        ConsultationDecision::Refused(reason) => {
            return closed(DmpFolderStatus::NotAllowed(reason));
        }
        ConsultationDecision::Allowed { mode } => mode,
    };
    if !session.role.has(Right::ConsultDmp) {
        return Gate::Silent;
    }
    if !session.method.is_strong() {
        return closed(DmpFolderStatus::Failed(UserMessage {
            id: STRONG_AUTH_REQUIRED,
            retryable: false,
        }));
    }
    let Some(service) = service else {
        return closed(DmpFolderStatus::NotConfigured);
    };
    let Some(professional) = session.professional.clone() else {
        return closed(DmpFolderStatus::NoProfessional);
    };
    let Some(ins) = usable_ins(&patient) else {
        return closed(DmpFolderStatus::NoIns);
    };
    let mode = match (mode, record.as_ref().and_then(|r| r.break_glass.as_ref())) {
        (ConsentMode::BreakGlass, Some(bg)) => AccessMode::BreakGlass {
            reason: bg.reason.clone(),
        },
        _ => AccessMode::Normal,
    };
    let own_structures = own_structures(service.structure_id(), establishment_site, &episodes);
    let unit = episode
        .as_ref()
        .map(|e| e.unit.clone())
        .filter(|u| !u.is_empty())
        .or_else(|| session.activity.clone())
        .unwrap_or_else(|| service.structure_id().to_owned());
    let count_by_itself = episode
        .as_ref()
        .is_some_and(|e| count_kinds.contains(&e.kind));
    let count_since = count_since.resolve(last_visit(&episodes, episode.as_ref()), list_seen);
    Gate::Open(Box::new(DmpAccess {
        who: ConsultPatient {
            ins,
            local_ref: patient.id.0.to_string(),
        },
        patient: patient.id,
        session,
        service,
        professional,
        mode,
        episode,
        record,
        own_structures,
        unit,
        count_by_itself,
        count_since,
    }))
}

/// This establishment's structure ids: the DMP configuration's (legal entity), the configured
/// site and the site of every episode of the patient (as idNat_Struct, `1` + FINESS).
fn own_structures(dmp_structure: &str, site: Option<&str>, episodes: &[Episode]) -> Vec<String> {
    let mut own: Vec<String> = vec![dmp_structure.to_owned()];
    let sites = site
        .into_iter()
        .chain(episodes.iter().map(|e| e.finess_geo.as_str()));
    for finess in sites {
        let id = format!("1{finess}");
        if !own.contains(&id) {
            own.push(id);
        }
    }
    own
}

/// The start of the patient's last visit before the current episode, if any.
fn last_visit(episodes: &[Episode], current: Option<&Episode>) -> Option<NaiveDate> {
    episodes
        .iter()
        .filter(|e| current.is_none_or(|c| c.id != e.id))
        .filter(|e| current.is_none_or(|c| e.start < c.start))
        .map(|e| e.start.date())
        .max()
}

fn usable_ins(p: &Patient) -> Option<Ins> {
    p.identity
        .ins
        .clone()
        .filter(|_| p.identity.status.ins_usable())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EpisodeId, EpisodeKind};

    fn episode(id: i64, start: &str, finess: &str) -> Episode {
        Episode {
            id: EpisodeId(id),
            patient_id: PatientId(1),
            kind: EpisodeKind::Consultation,
            start: chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%d %H:%M").expect("date"),
            end: None,
            unit: String::new(),
            finess_geo: finess.into(),
        }
    }

    #[test]
    fn last_visit_is_the_latest_episode_before_the_current_one() {
        let all = [
            episode(1, "2024-01-10 09:00", "750999013"),
            episode(2, "2025-06-01 10:00", "750999013"),
            episode(3, "2026-11-20 08:00", "750999013"),
        ];
        assert_eq!(
            last_visit(&all, Some(&all[2])),
            NaiveDate::from_ymd_opt(2025, 6, 1)
        );
        assert_eq!(last_visit(&all[2..], Some(&all[2])), None);
        assert_eq!(
            last_visit(&all, None),
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
    }

    #[test]
    fn own_structures_are_the_dmp_structure_the_site_and_the_episodes_sites_once() {
        let eps = [
            episode(1, "2024-01-10 09:00", "750999013"),
            episode(2, "2025-06-01 10:00", "750999021"),
            episode(3, "2025-07-01 10:00", "750999013"),
        ];
        assert_eq!(
            own_structures("1750999005", Some("750999013"), &eps),
            ["1750999005", "1750999013", "1750999021"]
        );
        assert_eq!(own_structures("1750999005", None, &[]), ["1750999005"]);
    }
}
