//! The usage indicators on the workers' side: computed on a blocking thread from the store —
//! the shared record in establishment mode, so every workstation's activity — and refused on a
//! workstation's cache (degraded mode), where partial figures would pass for real ones; the
//! CSV export written in the exports folder.

use std::path::PathBuf;
use std::sync::Arc;

use super::context::{Context, WorkerError};
use crate::domain::indicators::{IndicatorFilter, IndicatorReport};
use crate::indicators::{self, IndicatorsError};

/// The establishment's FINESS géographique (configuration), for what no episode places.
fn default_finess(ctx: &Context) -> String {
    ctx.config
        .establishment
        .as_ref()
        .map(|e| e.finess.clone())
        .unwrap_or_default()
}

/// Refused while the workers read the cache (the store also says so when it is the cache).
fn refuse_degraded(ctx: &Context) -> Result<(), WorkerError> {
    if ctx.config.shared_record.is_some() && ctx.link.is_degraded() {
        return Err(IndicatorsError::Degraded.into());
    }
    Ok(())
}

/// The report for `filter`.
pub(super) async fn compute(
    ctx: &Arc<Context>,
    filter: IndicatorFilter,
) -> Result<IndicatorReport, WorkerError> {
    refuse_degraded(ctx)?;
    let finess = default_finess(ctx);
    ctx.with_store(move |store| Ok(indicators::compute(store, &filter, &finess)?))
        .await
}

/// The report for `filter` written as CSV on behalf of `actor`; the file's path.
pub(super) async fn export_csv(
    ctx: &Arc<Context>,
    filter: IndicatorFilter,
    actor: String,
) -> Result<PathBuf, WorkerError> {
    refuse_degraded(ctx)?;
    let finess = default_finess(ctx);
    let data_dir = ctx.config.data_dir.clone();
    ctx.with_store(move |store| {
        Ok(indicators::export::write(
            store, &data_dir, &filter, &finess, &actor,
        )?)
    })
    .await
}
