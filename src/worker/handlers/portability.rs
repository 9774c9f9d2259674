//! Data portability (administrators, `Right::ManageAccounts`): export a folder or the whole
//! establishment, import an archive into an empty Chevet. Each calls `worker::portability`.

use std::sync::Arc;

use super::super::context::{Context, WorkerError};
use super::super::{Event, portability};
use crate::domain::{PatientId, Right};
use crate::portability::ExportScope;

/// One patient's folder as an archive.
pub(super) async fn export_folder(
    ctx: &Arc<Context>,
    patient: PatientId,
) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    let summary = portability::export(ctx, ExportScope::Patient(patient), admin).await?;
    ctx.emit(Event::DataExported(summary)).await;
    Ok(())
}

/// Every patient as an archive.
pub(super) async fn export_establishment(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    let summary = portability::export(ctx, ExportScope::Establishment, admin).await?;
    ctx.emit(Event::DataExported(summary)).await;
    Ok(())
}

/// An archive imported into the empty record.
pub(super) async fn import_archive(
    ctx: &Arc<Context>,
    path: std::path::PathBuf,
) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    let summary = portability::import(ctx, path, admin).await?;
    ctx.emit(Event::DataImported(summary)).await;
    Ok(())
}
