//! Data portability on the workers (`docs/portability.md`): an export (one folder or the whole
//! establishment) or an import into an empty Chevet, run on a blocking thread against the
//! record itself (never a workstation's cache), its progress sent as events about every
//! percent. The store is held for the whole run: other requests wait for it.

use std::sync::Arc;

use super::Event;
use super::context::{Context, WorkerError};
use crate::portability::{self, ExportScope, ExportSummary, ImportLimits, ImportSummary};

/// A progress callback that sends `Event::PortabilityProgress` at most about every percent.
fn progress_events(ctx: &Arc<Context>) -> impl FnMut(usize, usize) + '_ {
    let mut last = None;
    move |done, total| {
        let step = (total / 100).max(1);
        if last.is_none_or(|l| done == total || done >= l + step) {
            last = Some(done);
            ctx.emit_blocking(Event::PortabilityProgress { done, total });
        }
    }
}

/// Exports `scope` into `<data dir>/exports`, audited as `actor`.
pub(super) async fn export(
    ctx: &Arc<Context>,
    scope: ExportScope,
    actor: String,
) -> Result<ExportSummary, WorkerError> {
    let ctx = Arc::clone(ctx);
    tokio::task::spawn_blocking(move || {
        let data_dir = ctx.config.data_dir.clone();
        let mut progress = progress_events(&ctx);
        ctx.with_record_blocking(|store| {
            Ok(portability::export_to_exports(
                store,
                scope,
                &data_dir,
                &actor,
                &mut progress,
            )?)
        })
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?
}

/// Imports the archive at `path` into the (empty) record, audited as `actor`.
pub(super) async fn import(
    ctx: &Arc<Context>,
    path: std::path::PathBuf,
    actor: String,
) -> Result<ImportSummary, WorkerError> {
    let ctx = Arc::clone(ctx);
    tokio::task::spawn_blocking(move || {
        let mut progress = progress_events(&ctx);
        ctx.with_record_blocking(|store| {
            Ok(portability::import_file(
                store,
                &path,
                &actor,
                &ImportLimits::DEFAULT,
                &mut progress,
            )?)
        })
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?
}
