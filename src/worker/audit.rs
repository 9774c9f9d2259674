//! The workers' way to the audit trail, over its one writer `store::audit::record`: [`record`]
//! writes one entry on a blocking thread; [`record_dmp`] writes the traces of the DMP
//! transactions an operation ran (one `dmp.transaction` entry each, whatever the result, and
//! its usage counter bumped in the same transaction: `indicators::count_trace`) and hands back
//! the operation's result. Code already holding the store in a closure calls
//! `store::audit::record` there, in the same transaction as what it traces.

use std::sync::Arc;

use super::context::{Context, WorkerError};
use crate::dmp::consult::Outcome;
use crate::dmp::error::DmpError;
use crate::domain::PatientId;
use crate::store::audit::{self, AuditAction, AuditObject};

/// Appends one entry.
pub(super) async fn record(
    ctx: &Arc<Context>,
    actor: &str,
    action: AuditAction,
    object: AuditObject,
    detail: impl Into<String>,
) -> Result<(), WorkerError> {
    let actor = actor.to_owned();
    let detail = detail.into();
    ctx.with_store(move |store| {
        audit::record(store, &actor, action, object, detail)?;
        Ok(())
    })
    .await
}

/// Writes the traces of `outcome`'s transactions, then hands back its result.
pub(super) async fn record_dmp<T: Send + 'static>(
    ctx: &Arc<Context>,
    actor: &str,
    patient: PatientId,
    outcome: Outcome<T>,
) -> Result<Result<T, DmpError>, WorkerError> {
    let Outcome { result, traces } = outcome;
    // The board: a refusal is still an answer; only what retrying may cure is a failing DMP.
    let state = match &result {
        Err(e) if e.is_retryable() => Err(e.message_id()),
        _ => Ok(()),
    };
    super::services::note(ctx, super::services::Service::Dmp, state);
    if traces.is_empty() {
        return Ok(result);
    }
    let actor = actor.to_owned();
    ctx.with_store(move |store| {
        store.in_transaction(|store| {
            for trace in &traces {
                let row = trace.to_csv_row();
                audit::record(
                    store,
                    &actor,
                    AuditAction::DmpTransaction,
                    AuditObject::Patient(patient.0),
                    row.as_str(),
                )?;
                // Degraded mode: the entry waits in the cache's queue; counted on the record.
                if !store.is_cache() {
                    crate::indicators::count_trace(store, patient.0, &row)?;
                }
            }
            Ok(())
        })
    })
    .await?;
    Ok(result)
}
