//! The DMP in the patient folder, with no click: when a folder opens (or the patient's
//! information changes), the episode's record decides whether the DMP may be consulted; if
//! not, nothing is sent and the folder says why. If so, TD0.2 gives the badge, TD0.3 sets the
//! authorization when the patient is informed and not opposed, and TD3.1 counts the documents
//! added by others since the patient's last visit. Every transaction is traced in the audit
//! trail. The folder stays usable meanwhile: all of this runs after `Event::Folder`.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};

use super::require;
use crate::auth::Session;
use crate::dmp::consult::{
    AccessMode, COUNT_SINCE_SETTING, ConsultPatient, CountSince, DmpBadge, DmpConsult, DmpTrace,
    Outcome, SearchCriteria,
};
use crate::dmp::error::DmpError;
use crate::domain::consent::{self, AccessMode as ConsentMode, ConsentChange};
use crate::domain::{
    ConsultationDecision, Episode, EpisodeConsent, EpisodeId, Patient, PatientId, ProfessionalInfo,
    Right,
};
use crate::store::audit::{self, AuditAction, AuditEntry};
use crate::store::{consent as consent_store, patients};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{DmpFolderStatus, Event, UserMessage};

/// Records the patient's information / opposition for an episode, then re-evaluates the DMP.
pub(super) async fn record_consent(
    ctx: &Arc<Context>,
    patient: PatientId,
    episode: EpisodeId,
    change: ConsentChange,
) -> Result<(), WorkerError> {
    let session = require(ctx, Right::RecordConsent)?;
    if change.is_break_glass() && !session.role.has(Right::BreakGlass) {
        return Err(WorkerError::Forbidden);
    }
    ctx.with_store(move |store| {
        consent_store::record(store, episode, &change, &session.login)?;
        Ok(())
    })
    .await?;
    folder_dmp(ctx, patient, false).await
}

/// Setting: the care kinds (episode codes, comma-separated) for which the new-document count
/// runs by itself when a folder opens; elsewhere it runs on request.
pub const COUNT_KINDS_SETTING: &str = "dmp.count_kinds";
/// By default: external consultations and emergencies.
pub const DEFAULT_COUNT_KINDS: &str = "O,E";

/// Opens the DMP professional web portal in the patient's context, in the system browser —
/// only when the episode's record allows consulting the DMP. Traced.
pub(super) async fn open_portal(
    ctx: &Arc<Context>,
    patient: PatientId,
    page: crate::dmp::consult::PortalPage,
) -> Result<(), WorkerError> {
    require(ctx, Right::ConsultDmp)?;
    let template = ctx
        .dmp_portal
        .clone()
        .ok_or(WorkerError::NotConfigured("dmp-portal-not-configured"))?;
    // The same gate as every DMP transaction: the episode's record must allow consulting.
    let a = gate(ctx, patient).await?.open()?;
    let url = crate::dmp::consult::portal_url(&template, &a.who.ins, page)
        .map_err(|_| WorkerError::NotConfigured("dmp-portal-not-configured"))?;
    let login = a.session.login.clone();
    ctx.with_store(move |store| {
        audit::append(
            store,
            &AuditEntry {
                actor: &login,
                action: AuditAction::DmpPortalOpened,
                object_kind: "patient",
                object_id: patient.0.to_string(),
                detail: page.code().to_owned(),
            },
        )?;
        Ok(())
    })
    .await?;
    ctx.emit(Event::OpenInBrowser { url }).await;
    Ok(())
}

/// What a DMP transaction about one patient needs. Built only when the episode's record
/// allows consulting the DMP and every prerequisite is there.
pub(super) struct DmpAccess {
    pub session: Session,
    pub service: DmpConsult,
    pub professional: ProfessionalInfo,
    pub who: ConsultPatient,
    pub access: AccessMode,
    pub patient: Patient,
    /// The episode in progress, if any.
    pub episode: Option<Episode>,
    /// Every episode of the patient (last visit, the establishment's sites).
    pub episodes: Vec<Episode>,
    pub record: Option<EpisodeConsent>,
}

impl DmpAccess {
    pub fn parts(&self) -> (&ProfessionalInfo, &ConsultPatient, &AccessMode) {
        (&self.professional, &self.who, &self.access)
    }

    /// The unit documents are integrated for: the episode's unit, else the session's
    /// activity, else the establishment.
    pub fn unit(&self) -> String {
        self.episode
            .as_ref()
            .map(|e| e.unit.clone())
            .filter(|u| !u.is_empty())
            .or_else(|| self.session.activity.clone())
            .unwrap_or_else(|| self.service.structure_id().to_owned())
    }

    /// Writes the outcome's traces to the audit trail, then hands back its result.
    pub async fn traced<T: Send + 'static>(
        &self,
        ctx: &Arc<Context>,
        outcome: Outcome<T>,
    ) -> Result<Result<T, DmpError>, WorkerError> {
        traced(ctx, &self.session, self.patient.id, outcome).await
    }
}

/// Whether the DMP may be asked about a patient now.
pub(super) enum Gate {
    Open(Box<DmpAccess>),
    /// Not now, and why (shown in the folder).
    Closed(Box<Closed>),
    /// This role does not consult the DMP: say nothing.
    Silent,
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
                _ => "dmp-not-configured",
            })),
        }
    }
}

/// Why the DMP may not be asked now, with what the folder shows.
pub(super) struct Closed {
    episode: Option<Episode>,
    record: Option<EpisodeConsent>,
    status: DmpFolderStatus,
}

/// Decides from the episode's record and the session whether the DMP may be asked.
pub(super) async fn gate(ctx: &Arc<Context>, patient: PatientId) -> Result<Gate, WorkerError> {
    let session = require(ctx, Right::OpenFolder)?;
    let today = chrono::Local::now().date_naive();
    let (p, open, episodes) = ctx
        .with_store(move |store| {
            Ok((
                patients::get(store, patient)?,
                consent_store::for_open_episode(store, patient, today)?,
                crate::store::episodes::for_patient(store, patient)?,
            ))
        })
        .await?;
    let (episode, record) = match open {
        Some((episode, record)) => (Some(episode), record),
        None => (None, None),
    };
    let closed = |status| {
        Ok(Gate::Closed(Box::new(Closed {
            episode: episode.clone(),
            record: record.clone(),
            status,
        })))
    };
    // Consultation allowed by the episode's record? Otherwise nothing leaves Chevet.
    let mode = match consent::consultation(record.as_ref(), false) {
        ConsultationDecision::Refused(reason) => {
            return closed(DmpFolderStatus::NotAllowed(reason));
        }
        ConsultationDecision::Allowed { mode } => mode,
    };
    if !session.role.has(Right::ConsultDmp) {
        return Ok(Gate::Silent);
    }
    let Some(service) = ctx.dmp.clone() else {
        return closed(DmpFolderStatus::NotConfigured);
    };
    let Some(professional) = session.professional.clone() else {
        return closed(DmpFolderStatus::NoProfessional);
    };
    let Some(ins) = usable_ins(&p) else {
        return closed(DmpFolderStatus::NoIns);
    };
    let access = match (mode, record.as_ref().and_then(|r| r.break_glass.as_ref())) {
        (ConsentMode::BreakGlass, Some(bg)) => AccessMode::BreakGlass {
            reason: bg.reason.clone(),
        },
        _ => AccessMode::Normal,
    };
    Ok(Gate::Open(Box::new(DmpAccess {
        session,
        service,
        professional,
        who: ConsultPatient {
            ins,
            local_ref: patient.0.to_string(),
        },
        access,
        patient: p,
        episode,
        episodes,
        record,
    })))
}

/// The DMP part of an open folder: consent, badge, automatic authorization, new documents.
/// `count_anyway`: count new documents whatever the care kind (the user asked).
pub(super) async fn folder_dmp(
    ctx: &Arc<Context>,
    patient: PatientId,
    count_anyway: bool,
) -> Result<(), WorkerError> {
    let count_kinds = ctx
        .with_store(move |store| {
            Ok(crate::store::settings::get(store, COUNT_KINDS_SETTING)?
                .unwrap_or_else(|| DEFAULT_COUNT_KINDS.to_owned()))
        })
        .await?;
    let a = match gate(ctx, patient).await? {
        Gate::Silent => return Ok(()),
        Gate::Closed(closed) => {
            ctx.emit(Event::DmpFolder {
                patient,
                episode: closed.episode.map(|e| e.id),
                consent: closed.record,
                status: closed.status,
            })
            .await;
            return Ok(());
        }
        Gate::Open(access) => access,
    };
    let emit = |status: DmpFolderStatus| Event::DmpFolder {
        patient,
        episode: a.episode.as_ref().map(|e| e.id),
        consent: a.record.clone(),
        status,
    };
    ctx.emit(emit(DmpFolderStatus::Checking)).await;
    let (professional, who, access) = a.parts();
    let mut report = a
        .traced(ctx, a.service.status(professional, who, access).await)
        .await?;
    let mut authorized_now = false;
    if let Ok(r) = &report
        && r.badge == DmpBadge::NotAuthorized
        && matches!(access, AccessMode::Normal)
        && consent::may_set_authorization(a.record.as_ref())
    {
        report = a
            .traced(ctx, a.service.authorize(professional, who).await)
            .await?;
        authorized_now = report.is_ok();
    }
    let badge = match report {
        Ok(r) => r.badge,
        Err(e) => {
            ctx.emit(emit(DmpFolderStatus::Failed(UserMessage {
                id: e.message_id(),
                retryable: e.is_retryable(),
            })))
            .await;
            return Ok(());
        }
    };
    ctx.emit(emit(DmpFolderStatus::Badge {
        badge,
        break_glass: matches!(access, AccessMode::BreakGlass { .. }),
        authorized_now,
    }))
    .await;
    let counted_kind = a
        .episode
        .as_ref()
        .is_some_and(|e| count_kinds.split(',').any(|k| k.trim() == e.kind.code()));
    if badge == DmpBadge::Authorized && (count_anyway || counted_kind) {
        count_new(ctx, &a).await?;
        super::dmp_documents::list(ctx, &a, &SearchCriteria::default()).await?;
    }
    Ok(())
}

/// TD3.1: documents created by others since the reference event (by default the patient's
/// last visit; every document at a first visit), invisible ones included.
async fn count_new(ctx: &Arc<Context>, a: &DmpAccess) -> Result<(), WorkerError> {
    let patient = a.patient.id;
    let (reference, seen) = ctx
        .with_store(move |store| {
            Ok((
                crate::store::settings::get(store, COUNT_SINCE_SETTING)?
                    .map(|v| CountSince::parse(&v))
                    .unwrap_or_default(),
                crate::store::dmp_seen::last(store, patient)?,
            ))
        })
        .await?;
    let since = reference.resolve(
        last_visit(&a.episodes, a.episode.as_ref()),
        seen.map(|t| t.date()),
    );
    let own = own_structures(ctx, a);
    let own_refs: Vec<&str> = own.iter().map(String::as_str).collect();
    let since_utc = since.and_then(|d| d.and_hms_opt(0, 0, 0)).map_or_else(
        || Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
        |t| Utc.from_utc_datetime(&t),
    );
    let (professional, who, access) = a.parts();
    let outcome = a
        .service
        .count_new(professional, who, access, since_utc, &own_refs)
        .await;
    match a.traced(ctx, outcome).await? {
        Ok(found) => {
            ctx.emit(Event::DmpNewDocuments {
                patient,
                count: found.count,
                invisible: found.invisible_to_patient,
                since,
            })
            .await;
        }
        Err(e) => tracing::info!("new-document count unavailable: {}", e.message_id()),
    }
    Ok(())
}

/// The establishment's structure ids: the DMP configuration's (legal entity), the configured
/// establishment's site and the site of every episode of the patient (as idNat_Struct, `1` +
/// FINESS).
pub(super) fn own_structures(ctx: &Context, a: &DmpAccess) -> Vec<String> {
    let mut own: Vec<String> = vec![a.service.structure_id().to_owned()];
    let sites = ctx
        .config
        .establishment
        .iter()
        .map(|e| e.finess.as_str())
        .chain(a.episodes.iter().map(|e| e.finess_geo.as_str()));
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

fn usable_ins(p: &Patient) -> Option<crate::domain::Ins> {
    p.identity
        .ins
        .clone()
        .filter(|_| p.identity.status.ins_usable())
}

/// Writes the outcome's traces to the audit trail, then hands back its result.
async fn traced<T: Send + 'static>(
    ctx: &Arc<Context>,
    session: &Session,
    patient: PatientId,
    outcome: Outcome<T>,
) -> Result<Result<T, DmpError>, WorkerError> {
    let Outcome { result, traces } = outcome;
    let actor = session.login.clone();
    ctx.with_store(move |store| {
        for t in &traces {
            append_trace(store, &actor, patient, t)?;
        }
        Ok(())
    })
    .await?;
    Ok(result)
}

fn append_trace(
    store: &mut crate::store::Store,
    actor: &str,
    patient: PatientId,
    trace: &DmpTrace,
) -> Result<(), WorkerError> {
    audit::append(
        store,
        &AuditEntry {
            actor,
            action: AuditAction::DmpTransaction,
            object_kind: "patient",
            object_id: patient.0.to_string(),
            detail: trace.to_csv_row(),
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EpisodeKind;

    fn episode(id: i64, start: &str) -> Episode {
        Episode {
            id: EpisodeId(id),
            patient_id: PatientId(1),
            kind: EpisodeKind::Consultation,
            start: chrono::NaiveDateTime::parse_from_str(start, "%Y-%m-%d %H:%M").expect("date"),
            end: None,
            unit: String::new(),
            finess_geo: "750999013".into(),
        }
    }

    #[test]
    fn last_visit_is_the_latest_episode_before_the_current_one() {
        let all = [
            episode(1, "2024-01-10 09:00"),
            episode(2, "2025-06-01 10:00"),
            episode(3, "2026-11-20 08:00"),
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
}
