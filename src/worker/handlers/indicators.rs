//! The usage indicators (administrators, `Right::ExportIndicators`): the report for the
//! screen's filters, and its CSV export.

use std::sync::Arc;

use crate::domain::Right;
use crate::domain::indicators::IndicatorFilter;
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};
use crate::worker::indicators;

/// Computes the indicators for `filter` (on a blocking thread) and sends the report.
pub(super) async fn compute(
    ctx: &Arc<Context>,
    filter: IndicatorFilter,
) -> Result<(), WorkerError> {
    ctx.require(Right::ExportIndicators)?;
    let report = indicators::compute(ctx, filter).await?;
    ctx.emit(Event::Indicators(report)).await;
    Ok(())
}

/// Writes the indicators for `filter` as a CSV file and says where.
pub(super) async fn export_csv(
    ctx: &Arc<Context>,
    filter: IndicatorFilter,
) -> Result<(), WorkerError> {
    let login = ctx.require(Right::ExportIndicators)?.login;
    let path = indicators::export_csv(ctx, filter, login).await?;
    ctx.emit(Event::IndicatorsExported { path }).await;
    Ok(())
}
