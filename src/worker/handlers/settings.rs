//! The typed settings: read them again, save them (edited from a version), change the language
//! and theme (anyone), export and import them (administrators). A refusal for invalid values
//! comes back as `Event::SettingsRefused` with every issue; any other failure as `Failed`.

use std::sync::Arc;

use crate::domain::Right;
use crate::settings::{self, DisplaySettings, Settings, SettingsError, SettingsRecord};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, SettingsChange};

/// Sends the settings as stored now, or the issues of a refused change.
async fn answer(
    ctx: &Arc<Context>,
    result: Result<SettingsRecord, WorkerError>,
    change: SettingsChange,
) -> Result<(), WorkerError> {
    match result {
        Ok(record) => {
            ctx.emit(Event::Settings {
                record: Box::new(record),
                change,
            })
            .await;
            Ok(())
        }
        Err(WorkerError::Settings(SettingsError::Invalid(issues))) => {
            ctx.emit(Event::SettingsRefused { issues }).await;
            Ok(())
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn load_settings(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let result = ctx.with_store(|store| Ok(settings::load(store)?)).await;
    answer(ctx, result, SettingsChange::Loaded).await
}

pub(super) async fn save_settings(
    ctx: &Arc<Context>,
    new: Box<Settings>,
    expected_version: i64,
) -> Result<(), WorkerError> {
    let actor = ctx.require(Right::ChangeSettings)?.login;
    let result = ctx
        .with_store(move |store| Ok(settings::save(store, &new, expected_version, &actor)?))
        .await;
    answer(ctx, result, SettingsChange::Saved).await
}

/// Language and theme are the workstation user's display: no right needed, as before.
pub(super) async fn save_display(
    ctx: &Arc<Context>,
    display: DisplaySettings,
) -> Result<(), WorkerError> {
    let actor = ctx
        .session()
        .map_or_else(|| "anonymous".to_owned(), |s| s.login);
    let result = ctx
        .with_store(move |store| Ok(settings::save_display(store, display, &actor)?))
        .await;
    answer(ctx, result, SettingsChange::Saved).await
}

pub(super) async fn export_settings(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let actor = ctx.require(Right::ChangeSettings)?.login;
    let data_dir = ctx.config.data_dir.clone();
    let path = ctx
        .with_store(move |store| Ok(settings::export(store, &data_dir, &actor)?))
        .await?;
    ctx.emit(Event::SettingsExported { path }).await;
    Ok(())
}

pub(super) async fn import_settings(
    ctx: &Arc<Context>,
    path: std::path::PathBuf,
) -> Result<(), WorkerError> {
    let actor = ctx.require(Right::ChangeSettings)?.login;
    let result = ctx
        .with_store(move |store| Ok(settings::import(store, &path, &actor)?))
        .await;
    answer(ctx, result, SettingsChange::Imported).await
}
