//! The local directory on the workers: searches on the store, the Annuaire Santé API asked
//! when the user wants it (its answers kept in the directory), and the import of a bulk
//! extract on its own named thread and connection, one at a time, cancellable.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::Event;
use super::context::{Context, WorkerError};
use crate::annuaire::import::{self, ImportError, ImportProgress};
use crate::outbox::drain::OpenStore;

/// The import running, and how to open a connection for one.
#[derive(Default)]
pub struct DirectoryJobs {
    /// Opens the single workstation's file on a new connection (set when the store opens).
    opener: Mutex<Option<OpenStore>>,
    running: Mutex<Option<Running>>,
}

struct Running {
    cancel: Arc<AtomicBool>,
    progress: ImportProgress,
}

impl DirectoryJobs {
    pub(super) fn set_opener(&self, open: OpenStore) {
        *lock(&self.opener) = Some(open);
    }

    /// Where the running import stands.
    pub(super) fn progress(&self) -> Option<ImportProgress> {
        lock(&self.running).as_ref().map(|r| r.progress)
    }

    /// Asks the running import to stop; false when none runs.
    pub(super) fn cancel(&self) -> bool {
        match lock(&self.running).as_ref() {
            Some(r) => {
                r.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl From<ImportError> for WorkerError {
    fn from(e: ImportError) -> Self {
        match e {
            ImportError::Store(s) => WorkerError::Store(s),
            ImportError::Cancelled => WorkerError::NotConfigured("error-directory-cancelled"),
            ImportError::Running => WorkerError::NotConfigured("error-directory-import-running"),
            ImportError::Empty => WorkerError::NotConfigured("error-directory-empty"),
            ImportError::Extract(x) if x.is_retryable() => {
                WorkerError::NotConfigured("error-directory-unreadable")
            }
            ImportError::Extract(_) => WorkerError::NotConfigured("error-directory-format"),
        }
    }
}

/// Starts importing `path` on a named thread; the events tell how it goes. Refused while
/// another runs, and in establishment mode (`chevet serve` keeps the shared directory).
pub(super) fn start_import(
    ctx: &Arc<Context>,
    path: std::path::PathBuf,
) -> Result<(), WorkerError> {
    let Some(open) = lock(&ctx.directory.opener).clone() else {
        return Err(WorkerError::NotConfigured("error-directory-import-server"));
    };
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut running = lock(&ctx.directory.running);
        if running.is_some() {
            return Err(WorkerError::NotConfigured("error-directory-import-running"));
        }
        *running = Some(Running {
            cancel: Arc::clone(&cancel),
            progress: ImportProgress::default(),
        });
    }
    let worker = Arc::clone(ctx);
    let spawned = std::thread::Builder::new()
        .name("directory-import".into())
        .spawn(move || {
            let outcome = open().map_err(ImportError::from).and_then(|mut store| {
                import::run(&mut store, &path, &cancel, |p| {
                    if let Some(r) = lock(&worker.directory.running).as_mut() {
                        r.progress = *p;
                    }
                    worker.emit_now(Event::DirectoryImportProgress(*p));
                })
            });
            *lock(&worker.directory.running) = None;
            match outcome {
                Ok(info) => {
                    tracing::info!(
                        entries = info.entries,
                        skipped = info.skipped,
                        "directory imported"
                    );
                    worker.emit_blocking(Event::DirectoryImported(info));
                }
                Err(e) => {
                    tracing::warn!("directory import stopped: {e}");
                    let error = WorkerError::from(e);
                    worker.emit_blocking(Event::Failed {
                        operation: super::Operation::ImportDirectory,
                        message: super::UserMessage {
                            id: error.message_id(),
                            retryable: error.is_retryable(),
                        },
                    });
                }
            }
        });
    if spawned.is_err() {
        *lock(&ctx.directory.running) = None;
        return Err(WorkerError::Join("directory import thread".into()));
    }
    Ok(())
}

/// Asks the Annuaire Santé API what the query names (by RPPS, mailbox, postal address or
/// family name), keeps the answers in the local directory, then searches it again: the
/// results stay ranked and filtered (`listeRouge`) the same way.
pub(super) async fn search_online(
    ctx: &Arc<Context>,
    query: &crate::domain::directory::DirectoryQuery,
) -> Result<Vec<crate::domain::directory::DirectoryHit>, WorkerError> {
    use crate::annuaire::fhir::AddressQuery;
    let Some(client) = ctx.annuaire.clone() else {
        return Err(WorkerError::NotConfigured("error-annuaire-not-configured"));
    };
    let words: Vec<&str> = query.text.split_whitespace().collect();
    let rpps = words
        .iter()
        .find(|w| w.len() == 11 && w.bytes().all(|b| b.is_ascii_digit()));
    let mailbox = words.iter().find(|w| w.contains('@'));
    let profession = query.profession.as_deref();
    let answer = if let Some(rpps) = rpps {
        client.by_rpps(rpps).await
    } else if let Some(mailbox) = mailbox {
        client.by_mailbox(mailbox).await
    } else if query.postal_code.is_some() || query.city.is_some() {
        client
            .by_address(&AddressQuery {
                postal_code: query.postal_code.clone().unwrap_or_default(),
                city: query.city.clone().unwrap_or_default(),
                street: query.text.clone(),
            })
            .await
    } else if let Some(family) = words.first() {
        client
            .by_name(family, words.get(1).copied(), profession)
            .await
    } else {
        Ok(Vec::new())
    };
    let entries = answer.map_err(|e| {
        tracing::warn!("Annuaire Santé: {e}");
        WorkerError::Annuaire(e)
    })?;
    let query = query.clone();
    ctx.with_store(move |s| {
        crate::store::directory::merge_confirmed(s, &entries)?;
        Ok(crate::store::directory::search(s, &query)?)
    })
    .await
}
