//! Chart images: the pixels the indicators screen captured, written as a PNG with the
//! producer's version (`worker::chart_image`).

use std::sync::Arc;

use crate::domain::Right;
use crate::worker::chart_image;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, Operation, UserMessage};

/// Writes the image in the exports folder; a failure of the image itself is said to the
/// screen with its own message.
pub(super) async fn save_image(
    ctx: &Arc<Context>,
    name: String,
    width: u32,
    height: u32,
    rgba: Vec<u8>,
) -> Result<(), WorkerError> {
    ctx.require(Right::ExportIndicators)?;
    let data_dir = ctx.config.data_dir.clone();
    let saved = tokio::task::spawn_blocking(move || {
        chart_image::save(&data_dir, &name, width, height, &rgba)
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?;
    match saved {
        Ok(path) => ctx.emit(Event::ChartImageSaved { path }).await,
        Err(e) => {
            tracing::warn!("chart image not written: {e}");
            ctx.emit(Event::Failed {
                operation: Operation::SaveChartImage,
                message: UserMessage {
                    id: e.message_id(),
                    retryable: e.is_retryable(),
                },
            })
            .await;
        }
    }
    Ok(())
}
