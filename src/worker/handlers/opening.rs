//! Opening the encrypted store (key, migrations) and seeding the sandbox on first start.

use std::sync::Arc;

use crate::store::{self as store_mod, Store, accounts, documents, patients, settings};
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, ProviderInfo, StoreInfo, TaskId};

pub(super) async fn open_store(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let opened = tokio::task::spawn_blocking(move || -> Result<_, WorkerError> {
        let cfg = &worker.config;
        create_private_dir(&cfg.data_dir)?;
        crate::cda::xslt::clean_temp(&cfg.data_dir);
        let path = cfg.data_dir.join(store_mod::DB_FILE_NAME);
        let exists = path.exists();
        let (key, origin) =
            store_mod::key::obtain_key(&cfg.data_dir, exists, cfg.key_storage, &cfg.keyrings)?;
        if origin.is_fallback() {
            tracing::warn!("database key kept in an owner-only file (no usable keyring)");
        }
        let mut store = Store::open(&path, &key)?;
        if cfg.sandbox && patients::count(&store)? == 0 {
            let task = TaskId::next();
            let today = chrono::Local::now().date_naive();
            let report = crate::sandbox::seed::seed_demo(&mut store, today, &mut |done, total| {
                worker.emit_blocking(Event::Progress { task, done, total });
            })?;
            tracing::info!(
                patients = report.patients,
                documents = report.documents,
                "sandbox seeded"
            );
            worker.emit_blocking(Event::TaskFinished {
                task,
                cancelled: false,
            });
        }
        Ok((store, origin))
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?;
    let (store, key_origin) = opened?;
    let info = StoreInfo {
        key_origin,
        patients: patients::count(&store)?,
        documents: documents::count(&store)?,
        accounts: accounts::count(&store)?,
        settings: settings::all(&store)?,
        providers: ctx
            .config
            .providers
            .iter()
            .map(|p| ProviderInfo {
                id: p.id.clone(),
                label: p.label.clone(),
                psc: p.kind == crate::auth::oidc::ProviderKind::Psc,
                ciba: p.kind == crate::auth::oidc::ProviderKind::Psc,
            })
            .collect(),
        virtual_card: ctx
            .card
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .has_virtual_card(),
    };
    ctx.set_store(store);
    ctx.emit(Event::StoreReady(info)).await;
    super::card::start(ctx);
    Ok(())
}

#[cfg(unix)]
fn create_private_dir(dir: &std::path::Path) -> Result<(), WorkerError> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| WorkerError::Store(e.into()))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &std::path::Path) -> Result<(), WorkerError> {
    std::fs::create_dir_all(dir).map_err(|e| WorkerError::Store(e.into()))
}
