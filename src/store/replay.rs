//! Degraded mode's queue: what an establishment workstation records while the shared record is
//! unreachable goes into its cache's `replay_queue` — audit entries, the patient's DMP
//! information/opposition, integrated documents — and is replayed in order, exactly once, when
//! the record is back. Exactly once because every entry carries a random origin id that the
//! record keeps (unique) on the consent row and the audit entry it becomes, and because a
//! document's integration is idempotent on its CDA id. An entry leaves the queue only after
//! the record committed it (or already had it).

use std::collections::HashMap;

use serde_json::{Value as Json, json};

use super::audit::{self, AuditAction, AuditObject};
use super::db::{Constraint, params};
use super::{Store, StoreError, consent, documents, now_text};
use crate::domain::consent::ConsentChange;
use crate::domain::{DocumentId, EpisodeId, PatientId, Provenance, Visibility};

/// Ids given to rows the cache makes while degraded, far above any id of the record, so that
/// a later copy of the record's rows never meets them.
pub(crate) const OFFLINE_ID_BASE: i64 = 4_000_000_000_000_000;

/// What one replay did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// Entries the record committed now.
    pub replayed: usize,
    /// Entries the record already had (an earlier replay was interrupted after its commit).
    pub already: usize,
}

/// Queues one entry; its origin id.
pub(crate) fn enqueue(
    cache: &Store,
    kind: &str,
    payload: &Json,
    blob: Option<&[u8]>,
) -> Result<String, StoreError> {
    let origin = hex::encode(rand::random::<[u8; 16]>());
    cache.execute(
        "INSERT INTO replay_queue (origin_id, kind, payload, blob, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![origin, kind, payload.to_string(), blob, now_text()],
    )?;
    Ok(origin)
}

/// Entries waiting in the cache.
pub fn pending(cache: &Store) -> Result<usize, StoreError> {
    cache.query_value("SELECT count(*) FROM replay_queue", &[])
}

/// Queues an audit entry written while degraded.
pub(crate) fn enqueue_audit(
    cache: &Store,
    actor: &str,
    action: AuditAction,
    object: &AuditObject,
    detail: &str,
) -> Result<(), StoreError> {
    let (kind, id) = object.columns();
    let payload = json!({
        "actor": actor, "action": action.code(), "object_kind": kind, "object_id": id,
        "detail": detail, "at": now_text(),
    });
    enqueue(cache, "audit", &payload, None).map(|_| ())
}

/// Records the information/opposition in the cache (so that the folder shows it) and queues
/// it for the record.
pub(crate) fn enqueue_consent(
    cache: &Store,
    episode: EpisodeId,
    change: &ConsentChange,
    actor: &str,
) -> Result<crate::domain::EpisodeConsent, StoreError> {
    let at = now_text();
    let payload = json!({
        "episode": episode.0, "information": change.information().code(),
        "opposes_feeding": change.opposes_feeding(),
        "opposes_consultation": change.opposes_consultation(),
        "break_glass_reason": change.break_glass_reason(), "actor": actor, "recorded_at": at,
    });
    let origin = enqueue(cache, "consent", &payload, None)?;
    let id = OFFLINE_ID_BASE + cache.query_value::<i64>("SELECT max(id) FROM replay_queue", &[])?;
    cache.execute(
        "INSERT INTO dmp_consent (id, episode_id, information, opposes_feeding,
            opposes_consultation, break_glass_reason, actor, recorded_at, origin_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            id,
            episode.0,
            change.information().code(),
            change.opposes_feeding(),
            change.opposes_consultation(),
            change.break_glass_reason(),
            actor,
            at,
            origin
        ],
    )?;
    Ok(change.to_record(episode, actor, &at))
}

/// Integrates a document into the cache (so that the folder lists it) and queues it.
pub(crate) fn enqueue_integrate(
    cache: &Store,
    d: &documents::NewDocument<'_>,
    by_login: &str,
    unit: &str,
) -> Result<DocumentId, StoreError> {
    let id = OFFLINE_ID_BASE
        + 1
        + cache.query_value::<i64>("SELECT coalesce(max(id), 0) FROM replay_queue", &[])?;
    let payload = json!({
        "cache_id": id, "patient": d.patient_id.0, "episode": d.episode_id.map(|e| e.0),
        "provenance": d.provenance.code(), "class_code": d.meta.class_code,
        "invisible_patient": d.visibility.invisible_patient,
        "invisible_legal_reps": d.visibility.invisible_legal_reps,
        "masked_ps": d.visibility.masked_ps, "by": by_login, "unit": unit,
    });
    enqueue(cache, "integrate", &payload, Some(d.raw))?;
    documents::insert_with_id(cache, id, d, Some((by_login, unit)))?;
    Ok(DocumentId(id))
}

/// Replays the whole queue of `cache` into `record`, oldest first; stops at the first entry
/// the record refuses for a reason other than having it already (the rest waits).
pub fn replay_all(record: &mut Store, cache: &Store) -> Result<ReplayReport, StoreError> {
    let mut report = ReplayReport::default();
    // Documents integrated offline: their cache id → their record id (None: the record had
    // it already, so its queued "integrated" entry is not replayed).
    let mut documents: HashMap<String, Option<i64>> = HashMap::new();
    loop {
        let Some(mut row) = cache.query_opt(
            "SELECT id, origin_id, kind, payload, blob FROM replay_queue ORDER BY id LIMIT 1",
            &[],
        )?
        else {
            return Ok(report);
        };
        let id: i64 = row.get(0)?;
        let origin: String = row.get(1)?;
        let kind: String = row.get(2)?;
        let payload: Json = serde_json::from_str(&row.get::<String>(3)?)
            .map_err(|_| StoreError::Corrupt("replay payload".into()))?;
        let blob: Option<Vec<u8>> = row.take(4)?;
        let committed = match kind.as_str() {
            "audit" => replay_audit(record, &origin, &payload, &documents)?,
            "consent" => replay_consent(record, &origin, &payload)?,
            "integrate" => {
                let (cache_id, record_id) = replay_integrate(record, &payload, blob.as_deref())?;
                documents.insert(cache_id, record_id);
                record_id.is_some()
            }
            _ => return Err(StoreError::Corrupt("replay kind".into())),
        };
        if committed {
            report.replayed += 1;
        } else {
            report.already += 1;
        }
        cache.execute("DELETE FROM replay_queue WHERE id = ?1", params![id])?;
    }
}

fn text<'a>(payload: &'a Json, key: &str) -> Result<&'a str, StoreError> {
    payload[key]
        .as_str()
        .ok_or_else(|| StoreError::Corrupt(format!("replay payload: {key}")))
}

fn flag(payload: &Json, key: &str) -> bool {
    payload[key].as_bool().unwrap_or(false)
}

/// True when the record committed it now, false when it had it already.
fn replay_audit(
    record: &mut Store,
    origin: &str,
    payload: &Json,
    documents: &HashMap<String, Option<i64>>,
) -> Result<bool, StoreError> {
    let kind = text(payload, "object_kind")?;
    let mut object_id = text(payload, "object_id")?.to_owned();
    if kind == "document"
        && let Some(mapped) = documents.get(&object_id)
    {
        let Some(record_id) = mapped else {
            return Ok(false);
        };
        object_id = record_id.to_string();
    }
    let detail = format!(
        "{} offline-at={}",
        text(payload, "detail")?,
        text(payload, "at")?
    );
    let action = text(payload, "action")?;
    let actor = text(payload, "actor")?;
    // A DMP trace written in degraded mode is counted on the record with its audit row, in one
    // transaction, as `worker::audit::record_dmp` counts the others (the usage indicators).
    let trace_of = (action == "dmp.transaction" && kind == "patient")
        .then(|| object_id.parse::<i64>().ok())
        .flatten();
    let appended = record.in_transaction(|record| {
        audit::append_replayed(record, actor, action, (kind, &object_id), &detail, origin)?;
        if let Some(patient) = trace_of {
            crate::indicators::count_trace(record, patient, &detail)?;
        }
        Ok::<_, StoreError>(())
    });
    match appended {
        Ok(()) => Ok(true),
        Err(e) if e.constraint() == Some(Constraint::Unique) => Ok(false),
        Err(e) => Err(e),
    }
}

fn replay_consent(record: &mut Store, origin: &str, payload: &Json) -> Result<bool, StoreError> {
    let change = match text(payload, "information")? {
        "not-opposed" => ConsentChange::informed_not_opposed(),
        "opposed" => ConsentChange::informed_opposed(
            flag(payload, "opposes_feeding"),
            flag(payload, "opposes_consultation"),
        ),
        _ => ConsentChange::break_glass(text(payload, "break_glass_reason")?)
            .map_err(|_| StoreError::Corrupt("replay payload: break glass".into()))?,
    };
    let episode = EpisodeId(
        payload["episode"]
            .as_i64()
            .ok_or_else(|| StoreError::Corrupt("replay payload: episode".into()))?,
    );
    let recorded = consent::record_replayed(
        record,
        episode,
        &change,
        text(payload, "actor")?,
        text(payload, "recorded_at")?,
        origin,
    );
    match recorded {
        Ok(_) => Ok(true),
        Err(e) if e.constraint() == Some(Constraint::Unique) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The cache's id of the document and the record's (None when the record had it already).
fn replay_integrate(
    record: &mut Store,
    payload: &Json,
    raw: Option<&[u8]>,
) -> Result<(String, Option<i64>), StoreError> {
    let raw = raw.ok_or_else(|| StoreError::Corrupt("replay payload: document".into()))?;
    let cache_id = payload["cache_id"]
        .as_i64()
        .ok_or_else(|| StoreError::Corrupt("replay payload: cache id".into()))?
        .to_string();
    let mut meta = crate::cda::parse(raw)
        .map_err(|_| StoreError::Corrupt("replay payload: CDA".into()))?
        .meta();
    meta.class_code = payload["class_code"].as_str().map(str::to_owned);
    let d = documents::NewDocument {
        patient_id: PatientId(
            payload["patient"]
                .as_i64()
                .ok_or_else(|| StoreError::Corrupt("replay payload: patient".into()))?,
        ),
        episode_id: payload["episode"].as_i64().map(EpisodeId),
        meta: &meta,
        provenance: Provenance::from_code(text(payload, "provenance")?)
            .ok_or_else(|| StoreError::Corrupt("replay payload: provenance".into()))?,
        visibility: Visibility {
            invisible_patient: flag(payload, "invisible_patient"),
            invisible_legal_reps: flag(payload, "invisible_legal_reps"),
            masked_ps: flag(payload, "masked_ps"),
        },
        raw,
    };
    let done = documents::integrate(record, &d, text(payload, "by")?, text(payload, "unit")?)?;
    Ok((
        cache_id,
        match done {
            documents::Integrated::New(id) => Some(id.0),
            _ => None,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::consent::tests::each_store_with_patient;
    use crate::store::{DbKey, cache, episodes};

    fn episode(patient: PatientId) -> episodes::NewEpisode {
        episodes::NewEpisode {
            patient_id: patient,
            kind: crate::domain::EpisodeKind::Consultation,
            start: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("date"),
            end: None,
            unit: "Cardiologie".into(),
            finess_geo: "750000010".into(),
        }
    }

    #[test]
    fn what_a_degraded_workstation_records_reaches_the_record_exactly_once() {
        each_store_with_patient(|mut record, patient| {
            let ep = episodes::insert(&record, &episode(patient)).expect("episode");
            let dir = tempfile::tempdir().expect("tempdir");
            let mut cache =
                Store::open_cache(&dir.path().join("cache.db"), &DbKey::generate()).expect("cache");
            cache::put_folder(&record, &mut cache, patient).expect("copy");
            assert!(cache::cached_at(&cache, patient).expect("when").is_some());

            // Degraded: the information shows from the cache and waits in the queue with its
            // audit entry; nothing needing the record is done on the cache.
            let change = ConsentChange::informed_opposed(false, true);
            consent::record(&mut cache, ep, &change, "medecin").expect("queued");
            audit::record(
                &mut cache,
                "medecin",
                AuditAction::OpenFolder,
                AuditObject::Patient(patient.0),
                "",
            )
            .expect("queued");
            assert_eq!(
                consent::current(&cache, ep)
                    .expect("cache")
                    .map(|c| c.state_code()),
                Some("opposed:consultation")
            );
            assert_eq!(consent::current(&record, ep).expect("record"), None);
            assert_eq!(pending(&cache).expect("pending"), 2);
            assert!(matches!(
                crate::store::accounts::insert(
                    &cache,
                    "offline",
                    "Offline",
                    crate::domain::Role::Medecin,
                    "x",
                    None
                ),
                Err(StoreError::NeedsRecord)
            ));

            // An interrupted replay (committed, not yet removed from the queue) is not doubled.
            let snapshot: Vec<(String, String, String)> = cache
                .query(
                    "SELECT origin_id, kind, payload FROM replay_queue ORDER BY id",
                    &[],
                )
                .expect("queue")
                .iter()
                .map(|r| {
                    (
                        r.get(0).expect("o"),
                        r.get(1).expect("k"),
                        r.get(2).expect("p"),
                    )
                })
                .collect();
            let first = replay_all(&mut record, &cache).expect("replay");
            assert_eq!(
                first,
                ReplayReport {
                    replayed: 2,
                    already: 0
                }
            );
            for (origin, kind, payload) in &snapshot {
                cache
                    .execute(
                        "INSERT INTO replay_queue (origin_id, kind, payload, created_at)
                         VALUES (?1, ?2, ?3, 'x')",
                        params![origin, kind, payload],
                    )
                    .expect("again");
            }
            let second = replay_all(&mut record, &cache).expect("replay again");
            assert_eq!(
                second,
                ReplayReport {
                    replayed: 0,
                    already: 2
                }
            );
            assert_eq!(pending(&cache).expect("pending"), 0);

            let history = consent::history(&record, ep).expect("history");
            assert_eq!(history.len(), 1);
            assert_eq!(history[0].state_code(), "opposed:consultation");
            let trail = audit::recent(&record, 10).expect("trail");
            assert!(
                trail
                    .iter()
                    .any(|r| r.action == "folder.open" && r.detail.contains("offline-at="))
            );
            assert!(
                trail
                    .iter()
                    .any(|r| r.action == "dmp.consent" && r.detail.ends_with("replayed"))
            );
            assert!(audit::verify(&record).expect("verify").is_intact());

            // The record's copy replaces the offline row in the cache at the next opening.
            cache::put_folder(&record, &mut cache, patient).expect("refresh");
            assert_eq!(
                consent::history(&cache, ep).expect("cache history"),
                history
            );
        });
    }
}
