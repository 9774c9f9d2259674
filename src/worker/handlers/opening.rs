//! Opening the encrypted store (key, migrations), seeding demo data into an empty one when the
//! installation has demo data (the sandbox), then starting the card monitor.

use std::sync::Arc;

use crate::store::{self as store_mod, Store, accounts, documents, patients, settings};
use crate::worker::context::{Context, WorkerError, blocking};
use crate::worker::{Event, ProviderInfo, StoreInfo, TaskId, card_slot};

pub(super) async fn open_store(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let opened = blocking(move || -> Result<_, WorkerError> {
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
        if let Some(demo) = cfg.demo.as_ref()
            && patients::count(&store)? == 0
        {
            let task = TaskId::next();
            let today = chrono::Local::now().date_naive();
            let report = demo.seed(&mut store, today, &mut |done, total| {
                worker.emit_blocking(Event::Progress { task, done, total });
            })?;
            tracing::info!(
                patients = report.patients,
                documents = report.documents,
                "demo data seeded"
            );
            worker.emit_blocking(Event::TaskFinished {
                task,
                cancelled: false,
            });
        }
        Ok((store, origin))
    })
    .await?;
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
        virtual_card: card_slot::lock(ctx).has_virtual_card(),
    };
    ctx.set_store(store);
    ctx.emit(Event::StoreReady(info)).await;
    card_slot::start_monitor(ctx);
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
