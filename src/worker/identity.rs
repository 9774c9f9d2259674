//! Identity vigilance (RNIV) on the workers: the INSi search with the folder's traits (never on
//! the UI thread; traced, and so is an answer "none" or "several"), the comparison shown before
//! a decision (`identity_compare`), each decision run in one transaction
//! (`identity_decisions`), then the identity as it is now and its history for the panel, the
//! folder and its DMP state read again.
//!
//! Errors and traces hold codes only: no INS, name or trait.

use std::sync::Arc;

use super::context::{Context, WorkerError};
use super::identity_compare::{InsComparison, ReturnedIdentity};
use super::identity_decisions::{Decided, trace};
use super::{Event, FolderChanges, UserMessage};
use crate::domain::{BirthTraits, Patient, PatientId};
use crate::insi::{InsiAnswer, InsiIdentity, InsiTraits};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::identity_history::{self, HistoryEntry, HistoryEvent, NewEntry};
use crate::store::{Store, StoreError, patients};

/// Most history lines the panel shows.
const HISTORY_LIMIT: usize = 200;

/// What a search came to, for the identity panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsSearchOutcome {
    /// One identity: the comparison to decide on.
    Found(Box<InsComparison>),
    /// `01`: no identity with these traits (traced).
    NotFound { calls: u32 },
    /// `02`: several identities, even with every first name and the birthplace (traced).
    Several { calls: u32 },
    /// The call failed: the message to show, with its arguments (a SOAP fault's reason and
    /// codes, as the service sent them).
    Failed {
        message: UserMessage,
        args: Vec<(&'static str, String)>,
    },
}

/// The identity INSi returned, as the folder would store it.
pub(super) fn returned_identity(found: &InsiIdentity, local: &BirthTraits) -> ReturnedIdentity {
    let first_names = if found.first_names.is_empty() {
        found.first_name.clone()
    } else {
        found.first_names.join(" ")
    };
    ReturnedIdentity {
        ins: found.ins.clone(),
        earlier_ins: found.history.len(),
        traits: BirthTraits {
            birth_name: found.birth_name.trim().to_owned(),
            birth_first_names: first_names,
            birth_date: found.birth_date,
            sex: found.sex,
            // INSi without a birthplace: the folder's stays.
            birthplace_insee: found
                .birthplace_cog
                .clone()
                .or_else(|| local.birthplace_insee.clone()),
        },
    }
}

/// Searches the INS of a folder with INSi, traces the call, and tells the identity panel.
pub(super) async fn search(
    ctx: &Arc<Context>,
    login: String,
    patient: PatientId,
) -> Result<(), WorkerError> {
    let local = ctx
        .with_store(move |store| Ok(patients::get(store, patient)?))
        .await?;
    let traits = InsiTraits::from_birth(
        &local.identity.traits,
        local.identity.traits.birthplace_insee.as_deref(),
    );
    let answer = match ctx.insi_client() {
        Ok(client) => crate::insi::search(client, &traits).await,
        Err(e) => {
            let message = UserMessage {
                id: e.message_id(),
                retryable: false,
            };
            let outcome = InsSearchOutcome::Failed {
                message,
                args: Vec::new(),
            };
            ctx.emit(Event::InsSearched { patient, outcome }).await;
            return Ok(());
        }
    };
    let (outcome, detail) = match answer {
        Ok(report) => {
            let detail = format!("{} calls={}", report.answer.code(), report.calls);
            let outcome = match report.answer {
                InsiAnswer::Found(found) => {
                    let returned = returned_identity(&found, &local.identity.traits);
                    InsSearchOutcome::Found(Box::new(InsComparison::new(
                        returned,
                        local.identity.traits.clone(),
                        report.calls,
                    )))
                }
                InsiAnswer::NotFound => InsSearchOutcome::NotFound {
                    calls: report.calls,
                },
                InsiAnswer::Several => InsSearchOutcome::Several {
                    calls: report.calls,
                },
            };
            (outcome, detail)
        }
        Err(e) => {
            let detail = format!("failed {}", e.message_id());
            let message = UserMessage {
                id: e.message_id(),
                retryable: e.is_retryable(),
            };
            let args = e.message_args();
            (InsSearchOutcome::Failed { message, args }, detail)
        }
    };
    let unanswered = match &outcome {
        InsSearchOutcome::NotFound { calls } => Some((HistoryEvent::InsNotFound, "01", *calls)),
        InsSearchOutcome::Several { calls } => Some((HistoryEvent::InsSeveral, "02", *calls)),
        _ => None,
    };
    let actor = login.clone();
    ctx.with_store(move |store| {
        store.in_transaction(|store| {
            audit::record(
                store,
                &actor,
                AuditAction::InsiSearch,
                AuditObject::Patient(patient.0),
                detail,
            )?;
            if let Some((event, code, calls)) = unanswered {
                let status = patients::get(store, patient)?.identity.status;
                let mut line = NewEntry::new(patient, &actor, event, status, status);
                line.insi = Some((code, calls));
                trace(store, &line)?;
            }
            Ok::<_, WorkerError>(())
        })
    })
    .await?;
    let traced = unanswered.is_some();
    ctx.emit(Event::InsSearched { patient, outcome }).await;
    if traced {
        show(ctx, patient, None).await?;
    }
    Ok(())
}

/// Runs one decision in a transaction, then shows the identity as it is now and has the
/// folder (and its DMP state) read again.
pub(super) async fn decide<F>(
    ctx: &Arc<Context>,
    patient: PatientId,
    decision: F,
) -> Result<(), WorkerError>
where
    F: FnOnce(&mut Store) -> Result<Decided, WorkerError> + Send + 'static,
{
    let decided = ctx
        .with_store(move |store| store.in_transaction(decision))
        .await?;
    show(ctx, patient, Some(decided.notice())).await?;
    match decided {
        // The folder and its DMP state are read again (the INS may now be usable, or not).
        Decided::Status(_) => {
            ctx.emit(Event::RecordChanged {
                patient: Some(patient),
                changes: FolderChanges {
                    folder: true,
                    ..FolderChanges::default()
                },
            })
            .await;
        }
        // The navigation's badge counts the new alert.
        Decided::InsOnOtherFolder => super::intake::emit_counts(ctx).await?,
        Decided::LowTrust | Decided::Refused => {}
    }
    Ok(())
}

/// The identity as it is now and its history, for the panel.
pub(super) async fn show(
    ctx: &Arc<Context>,
    patient: PatientId,
    notice: Option<&'static str>,
) -> Result<(), WorkerError> {
    let (p, history) = ctx
        .with_store(move |store| Ok(current(store, patient)?))
        .await?;
    ctx.emit(Event::IdentityUpdated {
        patient: Box::new(p),
        history,
        notice,
    })
    .await;
    Ok(())
}

/// The patient and its history lines, newest first.
pub(super) fn current(
    store: &Store,
    patient: PatientId,
) -> Result<(Patient, Vec<HistoryEntry>), StoreError> {
    Ok((
        patients::get(store, patient)?,
        identity_history::for_patient(store, patient, HISTORY_LIMIT)?,
    ))
}
