//! Opening the record — the encrypted file (key, migrations) of a single workstation, or the
//! establishment's shared database (connected, its schema checked, its changes listened to) —
//! seeding demo data into an empty local one when the installation has demo data (the
//! sandbox), then starting the card monitor.

use std::sync::Arc;

use crate::store::{self as store_mod, Store, accounts, documents, patients};
use crate::worker::context::{Context, WorkerError, blocking};
use crate::worker::services::{self, Service};
use crate::worker::{
    Event, ProviderInfo, RecordInfo, StoreInfo, TaskId, card_slot, degraded, record_listener,
};

pub(super) async fn open_store(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    // Everything that touches the store runs here, on a blocking thread: the shared record's
    // client blocks, and may not run (nor be dropped) on the async workers.
    let opened = blocking(move || -> Result<_, WorkerError> {
        let (store, record) = open(&worker)?;
        // Unknown while the record is unreachable: the cache holds only the accounts that
        // signed in here, and no first administrator may be created from it.
        let accounts_known = store.is_some();
        if let Some(store) = store {
            worker.set_store(store);
        }
        // Read from the cache when the record could not be reached.
        let counts = worker.with_store_blocking(|store| {
            Ok((
                patients::count(store)?,
                documents::count(store)?,
                accounts::count(store)?,
                // Never a reason not to start: the defaults, and why, in the log.
                Box::new(crate::settings::load(store).unwrap_or_else(|e| {
                    tracing::warn!("settings unreadable, defaults used ({})", e.message_id());
                    crate::settings::SettingsRecord::default()
                })),
            ))
        })?;
        let (patients, documents, accounts, settings) = counts;
        Ok((
            record,
            (
                patients,
                documents,
                accounts_known.then_some(accounts),
                settings,
            ),
        ))
    })
    .await?;
    let (record, (patients, documents, accounts, settings)) = opened?;
    let shared = matches!(record, RecordInfo::Shared { .. });
    let info = StoreInfo {
        record,
        patients,
        documents,
        accounts,
        settings,
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
    let reached = !ctx.link.is_degraded();
    ctx.emit(Event::StoreReady(info)).await;
    if reached {
        services::note(ctx, Service::Record, Ok(()));
    }
    card_slot::start_monitor(ctx);
    crate::worker::backup::start_daily(ctx);
    if shared {
        record_listener::start(ctx);
    }
    Ok(())
}

/// Opens the record (on a blocking thread): the shared database, or the encrypted file,
/// seeded with the demo data when it is empty and the installation has some. No record when
/// the shared one cannot be reached: the workstation then starts in degraded mode on its cache
/// and connects when the record answers (`record_listener`).
fn open(worker: &Arc<Context>) -> Result<(Option<Store>, RecordInfo), WorkerError> {
    let cfg = &worker.config;
    create_private_dir(&cfg.data_dir)?;
    crate::cda::xslt::clean_temp(&cfg.data_dir);
    let file_name = if cfg.shared_record.is_some() {
        store_mod::CACHE_FILE_NAME
    } else {
        store_mod::DB_FILE_NAME
    };
    let path = cfg.data_dir.join(file_name);
    let exists = path.exists();
    let (key, origin) =
        store_mod::key::obtain_key(&cfg.data_dir, exists, cfg.key_storage, &cfg.keyrings)?;
    if origin.is_fallback() {
        tracing::warn!("database key kept in an owner-only file (no usable keyring)");
    }
    if let Some(target) = &cfg.shared_record {
        // The workstation's encrypted cache of the folders it opened (degraded mode), then
        // the shared record: `chevet serve` migrates and seeds it; a workstation may not.
        let mut cache = Store::open_cache(&path, &key)?;
        let purged = store_mod::cache::purge(&mut cache, cfg.cache_days)?;
        tracing::info!(purged, "workstation cache open");
        worker.link.set_cache(cache);
        let server = server_of(&target.url);
        return match Store::connect_workstation(target) {
            Ok(store) => {
                worker.set_own_backend(store.backend_pid());
                Ok((Some(store), RecordInfo::Shared { server }))
            }
            Err(e) if e.is_unreachable() => {
                tracing::warn!("shared record unreachable at start ({})", e.message_id());
                degraded::enter(worker);
                Ok((None, RecordInfo::Shared { server }))
            }
            Err(e) => Err(e.into()),
        };
    }
    let mut store = Store::open(&path, &key)?;
    if cfg.hl7_listen.is_some() {
        // The listener commits on its own connection to the same file.
        crate::worker::intake::start_listener(worker, Store::open(&path, &key)?);
    }
    if worker.config.outbox.is_some() {
        // The outbox's lanes too, each on its own connection.
        crate::worker::outbox::start_drainer(worker, path.clone(), key.duplicate());
    }
    // A directory import runs on its own connection too.
    let import_key = Arc::new(key.duplicate());
    let import_path = path;
    worker
        .directory
        .set_opener(Arc::new(move || Store::open(&import_path, &import_key)));
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
    Ok((Some(store), RecordInfo::Local(origin)))
}

/// `host:port/database` of a connection URL, for display (no user, no password).
fn server_of(url: &str) -> String {
    url::Url::parse(url).map_or_else(
        |_| "?".to_owned(),
        |u| {
            format!(
                "{}:{}{}",
                u.host_str().unwrap_or("?"),
                u.port().unwrap_or(5432),
                u.path()
            )
        },
    )
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
