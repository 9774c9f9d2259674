//! The directory's requests: searching as the user types (and online when asked), its
//! state, and importing a bulk extract. Each checks its right and calls `worker::directory` /
//! `store::directory`.

use std::sync::Arc;

use crate::domain::Right;
use crate::domain::directory::DirectoryQuery;
use crate::store::directory as rows;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{DirectoryState, Event, SearchTarget};

pub(super) async fn search(
    ctx: &Arc<Context>,
    target: SearchTarget,
    query: DirectoryQuery,
    seq: u64,
) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let hits = ctx
        .with_store(move |s| Ok(rows::search(s, &query)?))
        .await?;
    ctx.emit(Event::DirectoryResults {
        target,
        seq,
        hits,
        online: false,
    })
    .await;
    Ok(())
}

pub(super) async fn status(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let (entries, last_import) = ctx
        .with_store(|s| Ok((rows::count(s)?, rows::last_import(s)?)))
        .await?;
    if entries == 0 && last_import.is_none() && ctx.directory.progress().is_none() {
        // The sandbox's directory, imported in the background the first time it is shown.
        if let Some(demo) = ctx.config.demo.clone() {
            let dir = ctx.config.data_dir.join("annuaire");
            let extract = tokio::task::spawn_blocking(move || demo.directory_extract(&dir))
                .await
                .map_err(|e| WorkerError::Join(e.to_string()))??;
            if let Some(extract) = extract {
                crate::worker::directory::start_import(ctx, extract)?;
            }
        }
    }
    ctx.emit(Event::DirectoryStatus(DirectoryState {
        entries,
        last_import,
        importing: ctx.directory.progress(),
        online: ctx.annuaire.is_some(),
    }))
    .await;
    Ok(())
}

pub(super) async fn import(
    ctx: &Arc<Context>,
    path: std::path::PathBuf,
) -> Result<(), WorkerError> {
    ctx.require(Right::ChangeSettings)?;
    crate::worker::directory::start_import(ctx, path)?;
    status(ctx).await
}

pub(super) async fn cancel_import(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::ChangeSettings)?;
    ctx.directory.cancel();
    Ok(())
}

pub(super) async fn search_online(
    ctx: &Arc<Context>,
    target: SearchTarget,
    query: DirectoryQuery,
    seq: u64,
) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    let hits = crate::worker::directory::search_online(ctx, &query).await?;
    ctx.emit(Event::DirectoryResults {
        target,
        seq,
        hits,
        online: true,
    })
    .await;
    Ok(())
}
