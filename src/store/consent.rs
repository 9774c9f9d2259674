//! The patient's information and opposition about the DMP per care episode, in the store:
//! every change is a new row of `dmp_consent` (never updated nor deleted) and one entry of the
//! audit trail, written together or not at all. The rules live in [`crate::domain::consent`].

use super::audit::{self, AuditAction, AuditObject};
use super::db::{Constraint, Row, params};
use super::{Store, StoreError, episodes, now_text};
use crate::domain::consent::{
    BreakGlass, ConsentChange, EpisodeConsent, Information, episode_in_progress, state_code,
};
use crate::domain::{Episode, EpisodeId, PatientId};
use chrono::NaiveDate;

const COLUMNS: &str = "episode_id, information, opposes_feeding, opposes_consultation, \
                       break_glass_reason, actor, recorded_at";

/// Records `change` for `episode` on behalf of `actor` (account login) and traces it: one new
/// row and one audit entry (`dmp.break-glass` for a bris de glace, `dmp.consent` otherwise)
/// whose detail holds the state codes before and after, never a name nor the reason. Works
/// inside or outside a caller's transaction. An unknown episode gives
/// [`StoreError::NotFound`]. The caller checks the actor's right (`Right::RecordConsent`,
/// `Right::BreakGlass`) first.
pub fn record(
    store: &mut Store,
    episode: EpisodeId,
    change: &ConsentChange,
    actor: &str,
) -> Result<EpisodeConsent, StoreError> {
    if store.is_cache() {
        // Degraded mode: shown from the cache at once, replayed to the record on its return.
        return super::replay::enqueue_consent(store, episode, change, actor);
    }
    record_row(store, episode, change, actor, &now_text(), None, None)
}

/// Records what the GAM says of the patient's information and opposition (ZFA of an IHE
/// PAM-FR message) for `episode`: a row with source `gam`, the actor `gam:<MSH-3>` and the
/// date the GAM gives (`stated_on`, ZFA-10 or ZFA-12), traced like a person's record. Nothing
/// is written when the state would not change (a GAM repeats ZFA on every message).
pub fn record_from_gam(
    store: &mut Store,
    episode: EpisodeId,
    change: &ConsentChange,
    application: &str,
    stated_on: Option<&str>,
) -> Result<Option<EpisodeConsent>, StoreError> {
    let actor = format!("gam:{application}");
    store.in_transaction(|store| {
        if let Some(now) = current(store, episode)?
            && now.information == change.information()
            && now.opposes_feeding == change.opposes_feeding()
            && now.opposes_consultation == change.opposes_consultation()
            && now.break_glass.is_none()
        {
            return Ok(None);
        }
        record_row(
            store,
            episode,
            change,
            &actor,
            &now_text(),
            None,
            Some(stated_on),
        )
        .map(Some)
    })
}

/// Records a change made while a workstation was degraded, at the time it was made, with its
/// origin id: a second replay of it is refused as a duplicate (unique origin id).
pub(crate) fn record_replayed(
    store: &mut Store,
    episode: EpisodeId,
    change: &ConsentChange,
    actor: &str,
    recorded_at: &str,
    origin: &str,
) -> Result<EpisodeConsent, StoreError> {
    record_row(
        store,
        episode,
        change,
        actor,
        recorded_at,
        Some(origin),
        None,
    )
}

fn record_row(
    store: &mut Store,
    episode: EpisodeId,
    change: &ConsentChange,
    actor: &str,
    recorded_at: &str,
    origin: Option<&str>,
    gam_stated_on: Option<Option<&str>>,
) -> Result<EpisodeConsent, StoreError> {
    let source = if gam_stated_on.is_some() {
        "gam"
    } else {
        "user"
    };
    let stated_on = gam_stated_on.flatten();
    store.in_transaction(|store| {
        let previous = current(store, episode)?;
        let consent = change.to_record(episode, actor, recorded_at);
        let inserted = store.execute(
            &format!(
                "INSERT INTO dmp_consent ({COLUMNS}, origin_id, source, stated_on)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
            ),
            params![
                episode.0,
                change.information().code(),
                change.opposes_feeding(),
                change.opposes_consultation(),
                change.break_glass_reason(),
                actor,
                consent.recorded_at,
                origin,
                source,
                stated_on,
            ],
        );
        match inserted {
            Ok(_) => {}
            Err(e) if e.constraint() == Some(Constraint::ForeignKey) => {
                return Err(StoreError::NotFound);
            }
            Err(e) => return Err(e),
        }
        let action = if change.is_break_glass() {
            AuditAction::BreakGlass
        } else {
            AuditAction::ConsentRecorded
        };
        audit::record(
            store,
            actor,
            action,
            AuditObject::Episode(episode.0),
            format!(
                "from={} to={}{}{}",
                state_code(previous.as_ref()),
                consent.state_code(),
                if origin.is_some() { " replayed" } else { "" },
                if source == "gam" { " source=gam" } else { "" }
            ),
        )?;
        Ok(consent)
    })
}

/// The current state of an episode: its latest row, None when nothing was recorded.
pub fn current(store: &Store, episode: EpisodeId) -> Result<Option<EpisodeConsent>, StoreError> {
    store
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM dmp_consent WHERE episode_id = ?1 ORDER BY id DESC LIMIT 1"
            ),
            params![episode.0],
        )?
        .map(|r| into_consent(&r))
        .transpose()
}

/// Every state recorded for an episode, oldest first.
pub fn history(store: &Store, episode: EpisodeId) -> Result<Vec<EpisodeConsent>, StoreError> {
    store
        .query(
            &format!("SELECT {COLUMNS} FROM dmp_consent WHERE episode_id = ?1 ORDER BY id"),
            params![episode.0],
        )?
        .iter()
        .map(into_consent)
        .collect()
}

/// The current state of each of a patient's episodes that has one, newest episode first.
pub fn current_for_patient(
    store: &Store,
    patient: PatientId,
) -> Result<Vec<(EpisodeId, EpisodeConsent)>, StoreError> {
    store
        .query(
            "SELECT c.episode_id, c.information, c.opposes_feeding, c.opposes_consultation,
                    c.break_glass_reason, c.actor, c.recorded_at
             FROM dmp_consent c JOIN episode e ON e.id = c.episode_id
             WHERE e.patient_id = ?1
               AND c.id = (SELECT max(id) FROM dmp_consent WHERE episode_id = c.episode_id)
             ORDER BY e.start_at DESC, e.id DESC",
            params![patient.0],
        )?
        .iter()
        .map(|r| {
            let consent = into_consent(r)?;
            Ok((consent.episode, consent))
        })
        .collect()
}

/// The episode in progress on `today` (see [`episode_in_progress`]) and its current state:
/// what counts when the folder opens. None when no episode is in progress — the DMP is then
/// neither consulted nor fed on behalf of an episode, and a past bris de glace no longer
/// applies.
pub fn for_open_episode(
    store: &Store,
    patient: PatientId,
    today: NaiveDate,
) -> Result<Option<(Episode, Option<EpisodeConsent>)>, StoreError> {
    let all = episodes::for_patient(store, patient)?;
    let Some(episode) = episode_in_progress(&all, today) else {
        return Ok(None);
    };
    let consent = current(store, episode.id)?;
    Ok(Some((episode.clone(), consent)))
}

/// A row of [`COLUMNS`] as a state.
fn into_consent(r: &Row) -> Result<EpisodeConsent, StoreError> {
    let information: String = r.get(1)?;
    let information = Information::from_code(&information)
        .ok_or_else(|| StoreError::Corrupt("consent information".into()))?;
    let actor: String = r.get(5)?;
    let recorded_at: String = r.get(6)?;
    let break_glass_reason: Option<String> = r.get(4)?;
    Ok(EpisodeConsent {
        episode: EpisodeId(r.get(0)?),
        information,
        opposes_feeding: r.get(2)?,
        opposes_consultation: r.get(3)?,
        break_glass: break_glass_reason.map(|reason| BreakGlass {
            reason,
            by_login: actor.clone(),
            at: recorded_at.clone(),
        }),
        recorded_by: actor,
        recorded_at,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use chrono::{NaiveDate, NaiveDateTime};

    use super::*;
    use crate::domain::consent::{
        AccessMode, ConsultationDecision, FeedingDecision, RefusalReason, consultation, feeding,
    };
    use crate::domain::{BirthTraits, EpisodeKind, IdentityStatus, PatientIdentity, Sex};
    use crate::store::episodes::NewEpisode;
    use crate::store::testing::each_backend;

    const BIRTH_NAME: &str = "CONSENTEMENT";
    const FIRST_NAMES: &str = "Apolline Marie";
    const IPP: &str = "900000042";
    const REASON: &str = "Patient inconscient, détresse respiratoire";

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("date-time")
    }

    /// Runs `body` on each backend, with one patient in the store.
    pub(crate) fn each_store_with_patient(mut body: impl FnMut(Store, PatientId)) {
        each_backend(|store| {
            let (store, patient) = with_patient(store);
            body(store, patient);
        });
    }

    fn with_patient(store: Store) -> (Store, PatientId) {
        let patient = super::super::patients::insert(
            &store,
            &PatientIdentity {
                ipp: IPP.into(),
                ins: None,
                traits: BirthTraits {
                    birth_name: BIRTH_NAME.into(),
                    birth_first_names: FIRST_NAMES.into(),
                    birth_date: NaiveDate::from_ymd_opt(1961, 7, 14).expect("date"),
                    sex: Sex::Female,
                    birthplace_insee: None,
                },
                used_name: None,
                used_first_name: None,
                status: IdentityStatus::Provisoire,
            },
        )
        .expect("patient");
        (store, patient)
    }

    fn add_episode(store: &Store, patient: PatientId, start: &str, end: Option<&str>) -> EpisodeId {
        episodes::insert(
            store,
            &NewEpisode {
                patient_id: patient,
                kind: EpisodeKind::Urgence,
                start: at(start),
                end: end.map(at),
                unit: "Urgences adultes".into(),
                finess_geo: "750000010".into(),
            },
        )
        .expect("episode")
    }

    fn consent_audit(store: &Store) -> Vec<audit::AuditRow> {
        let mut rows: Vec<_> = audit::recent(store, 1000)
            .expect("audit")
            .into_iter()
            .filter(|r| r.action.starts_with("dmp."))
            .collect();
        rows.reverse();
        rows
    }

    #[test]
    fn nothing_recorded_means_the_defaults() {
        each_store_with_patient(|store, patient| {
            let episode = add_episode(&store, patient, "2025-03-10T08:00", None);
            let c = current(&store, episode).expect("current");
            assert_eq!(c, None);
            assert!(history(&store, episode).expect("history").is_empty());
            assert_eq!(feeding(c.as_ref()), FeedingDecision::Allowed);
            assert_eq!(
                consultation(c.as_ref(), false),
                ConsultationDecision::Refused(RefusalReason::NotInformed)
            );
            assert!(
                current_for_patient(&store, patient)
                    .expect("all")
                    .is_empty()
            );
        });
    }

    #[test]
    fn history_keeps_every_change_in_order_with_one_audit_entry_each() {
        each_store_with_patient(|mut store, patient| {
            let episode = add_episode(&store, patient, "2025-03-10T08:00", None);
            let changes = [
                ConsentChange::break_glass(REASON).expect("reason"),
                ConsentChange::informed_opposed(false, false),
                ConsentChange::informed_opposed(true, false),
                ConsentChange::informed_not_opposed(),
            ];
            let actors = ["medecin", "secretaire", "medecin", "infirmier"];
            for (change, actor) in changes.iter().zip(actors) {
                let stored = record(&mut store, episode, change, actor).expect("record");
                assert_eq!(stored.recorded_by, actor);
                assert_eq!(
                    current(&store, episode).expect("current").as_ref(),
                    Some(&stored)
                );
            }
            let all = history(&store, episode).expect("history");
            assert_eq!(all.len(), 4);
            let states: Vec<_> = all.iter().map(EpisodeConsent::state_code).collect();
            assert_eq!(
                states,
                [
                    "break-glass",
                    "opposed:feeding+consultation",
                    "opposed:feeding",
                    "not-opposed"
                ]
            );
            let bg = all[0].break_glass.as_ref().expect("break glass kept");
            assert_eq!(bg.reason, REASON);
            assert_eq!(bg.by_login, "medecin");
            assert!(all[1..].iter().all(|c| c.break_glass.is_none()));

            let now = current(&store, episode).expect("current");
            assert_eq!(feeding(now.as_ref()), FeedingDecision::Allowed);
            assert_eq!(
                consultation(now.as_ref(), false),
                ConsultationDecision::Allowed {
                    mode: AccessMode::Normal
                }
            );

            let v = audit::verify(&store).expect("verify");
            assert!(v.is_intact());
            let trail = consent_audit(&store);
            assert_eq!(trail.len(), 4);
            let summary: Vec<_> = trail
                .iter()
                .map(|r| (r.action.as_str(), r.actor.as_str(), r.detail.as_str()))
                .collect();
            assert_eq!(
                summary,
                [
                    ("dmp.break-glass", "medecin", "from=none to=break-glass"),
                    (
                        "dmp.consent",
                        "secretaire",
                        "from=break-glass to=opposed:feeding+consultation"
                    ),
                    (
                        "dmp.consent",
                        "medecin",
                        "from=opposed:feeding+consultation to=opposed:feeding"
                    ),
                    (
                        "dmp.consent",
                        "infirmier",
                        "from=opposed:feeding to=not-opposed"
                    ),
                ]
            );
            for row in &trail {
                assert_eq!(row.object_kind, "episode");
                assert_eq!(row.object_id, episode.0.to_string());
            }
        });
    }

    #[test]
    fn audit_names_no_patient_and_no_reason() {
        each_store_with_patient(|mut store, patient| {
            let episode = add_episode(&store, patient, "2025-03-10T08:00", None);
            let reason = format!("{BIRTH_NAME} {FIRST_NAMES} inconsciente, IPP {IPP}");
            record(
                &mut store,
                episode,
                &ConsentChange::break_glass(&reason).expect("reason"),
                "medecin",
            )
            .expect("record");
            record(
                &mut store,
                episode,
                &ConsentChange::informed_opposed(false, true),
                "medecin",
            )
            .expect("record");
            let rows = audit::recent(&store, 1000).expect("audit");
            assert!(!rows.is_empty());
            for row in rows {
                let text = format!(
                    "{} {} {} {} {}",
                    row.actor, row.action, row.object_kind, row.object_id, row.detail
                )
                .to_uppercase();
                for secret in [BIRTH_NAME, "APOLLINE", IPP, "INCONSCIENTE"] {
                    assert!(!text.contains(secret), "{secret} in {text}");
                }
            }
            assert!(audit::verify(&store).expect("verify").is_intact());
        });
    }

    #[test]
    fn rows_are_never_updated_nor_deleted_and_the_schema_checks_them() {
        each_store_with_patient(|mut store, patient| {
            let episode = add_episode(&store, patient, "2025-03-10T08:00", None);
            record(
                &mut store,
                episode,
                &ConsentChange::informed_not_opposed(),
                "medecin",
            )
            .expect("record");
            for sql in [
                "UPDATE dmp_consent SET opposes_feeding = 1",
                "DELETE FROM dmp_consent",
            ] {
                let refused = store.execute(sql, &[]).expect_err(sql);
                assert_eq!(refused.constraint(), Some(Constraint::Refused));
            }
            let insert = |info: &str, feed: i64, consult: i64, reason: Option<&str>| {
                store.execute(
                    &format!(
                        "INSERT INTO dmp_consent ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, 'x', 't')"
                    ),
                    params![episode.0, info, feed, consult, reason],
                )
            };
            assert!(insert("opposed", 0, 0, None).is_err());
            assert!(insert("not-opposed", 1, 0, None).is_err());
            assert!(insert("none", 0, 1, None).is_err());
            assert!(insert("not-opposed", 0, 0, Some(REASON)).is_err());
            assert!(insert("maybe", 0, 0, None).is_err());
            // The same statement with consistent values is accepted (the refusals are the checks).
            assert!(insert("opposed", 0, 1, None).is_ok());
            assert!(insert("none", 0, 0, Some(REASON)).is_ok());
            assert_eq!(history(&store, episode).expect("history").len(), 3);
        });
    }

    #[test]
    fn an_unknown_episode_is_refused_and_leaves_no_trace() {
        each_store_with_patient(|mut store, _| {
            let result = record(
                &mut store,
                EpisodeId(4242),
                &ConsentChange::informed_not_opposed(),
                "medecin",
            );
            assert!(matches!(result, Err(StoreError::NotFound)), "{result:?}");
            assert!(consent_audit(&store).is_empty());
            assert!(audit::verify(&store).expect("verify").is_intact());
        });
    }

    #[test]
    fn record_nests_in_a_callers_transaction() {
        each_store_with_patient(|mut store, patient| {
            let episode = add_episode(&store, patient, "2025-03-10T08:00", None);
            let outcome: Result<(), StoreError> = store.in_transaction(|store| {
                record(
                    store,
                    episode,
                    &ConsentChange::informed_not_opposed(),
                    "medecin",
                )?;
                Err(StoreError::Duplicate)
            });
            assert!(outcome.is_err());
            assert_eq!(current(&store, episode).expect("current"), None);
            assert!(consent_audit(&store).is_empty());
            store
                .in_transaction(|store| {
                    record(
                        store,
                        episode,
                        &ConsentChange::informed_not_opposed(),
                        "medecin",
                    )
                })
                .expect("committed");
            assert_eq!(history(&store, episode).expect("history").len(), 1);
            assert_eq!(consent_audit(&store).len(), 1);
        });
    }

    #[test]
    fn consent_is_per_episode_and_the_open_episode_counts() {
        each_store_with_patient(|mut store, patient| {
            let old = add_episode(
                &store,
                patient,
                "2025-01-02T09:00",
                Some("2025-01-04T12:00"),
            );
            let open = add_episode(&store, patient, "2025-03-09T22:00", None);
            let today = NaiveDate::from_ymd_opt(2025, 3, 10).expect("date");

            // A bris de glace in a past episode does not carry over.
            record(
                &mut store,
                old,
                &ConsentChange::break_glass(REASON).expect("reason"),
                "medecin",
            )
            .expect("record");
            let (episode, consent) = for_open_episode(&store, patient, today)
                .expect("open")
                .expect("an episode in progress");
            assert_eq!(episode.id, open);
            assert_eq!(consent, None);
            assert_eq!(
                consultation(consent.as_ref(), false),
                ConsultationDecision::Refused(RefusalReason::NotInformed)
            );

            record(
                &mut store,
                open,
                &ConsentChange::informed_opposed(false, true),
                "secretaire",
            )
            .expect("record");
            let (_, consent) = for_open_episode(&store, patient, today)
                .expect("open")
                .expect("an episode in progress");
            assert_eq!(
                consent.as_ref().map(EpisodeConsent::state_code),
                Some("opposed:consultation")
            );
            assert_eq!(
                consultation(consent.as_ref(), false),
                ConsultationDecision::Refused(RefusalReason::PatientOpposed)
            );

            let all = current_for_patient(&store, patient).expect("all");
            let summary: Vec<_> = all.iter().map(|(id, c)| (*id, c.state_code())).collect();
            assert_eq!(
                summary,
                [(open, "opposed:consultation"), (old, "break-glass")]
            );

            let later = NaiveDate::from_ymd_opt(2024, 12, 1).expect("date");
            assert!(
                for_open_episode(&store, patient, later)
                    .expect("none")
                    .is_none()
            );
        });
    }
}
