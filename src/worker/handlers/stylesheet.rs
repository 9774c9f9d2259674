//! "Open with the stylesheet": `cda::xslt` transforms the document (stored, or read from the
//! DMP), the system browser opens the XHTML, and the copy is deleted after
//! `cda::xslt::KEEP_SECS`.

use std::sync::Arc;
use std::time::Duration;

use crate::cda::xslt::{KEEP_SECS, transform};
use crate::domain::{DocumentRef, Right};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, documents};

pub(super) async fn open_with_stylesheet(
    ctx: &Arc<Context>,
    document: DocumentRef,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::ReadDocuments)?;
    let raw = documents::bytes(ctx, &document).await?;
    documents::trace_read(ctx, &session.login, &document, true).await?;
    let html = transform(&ctx.config.data_dir, &raw).await?;
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
