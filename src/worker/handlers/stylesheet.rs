//! "Open with the stylesheet": `cda::xslt` transforms the document, the system browser opens
//! the XHTML, and the copy is deleted after `cda::xslt::KEEP_SECS`.

use std::sync::Arc;
use std::time::Duration;

use crate::cda::xslt::{KEEP_SECS, transform};

use super::{require, trace};
use crate::domain::{DocumentId, Right};
use crate::store::audit::AuditAction;
use crate::worker::Event;
use crate::worker::context::{Context, WorkerError};

pub(super) async fn open_with_stylesheet(
    ctx: &Arc<Context>,
    document: DocumentId,
    raw: Option<Arc<Vec<u8>>>,
) -> Result<(), WorkerError> {
    let session = require(ctx, Right::ReadDocuments)?;
    let raw = super::folder::raw_or_stored(ctx, document, raw).await?;
    ctx.with_store(move |store| {
        trace(
            store,
            &session.login,
            AuditAction::ReadDocument,
            "document",
            format!("{}:stylesheet", document.0),
        )
    })
    .await?;
    let data_dir = ctx.config.data_dir.clone();
    let html = transform(&data_dir, &raw).await?;
    let remove = html.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_secs(KEEP_SECS)).await;
        let _ = std::fs::remove_file(remove);
    });
    ctx.emit(Event::OpenInBrowser {
        url: format!("file://{}", html.display()),
    })
    .await;
    Ok(())
}
