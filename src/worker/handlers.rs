//! The dispatcher and one handler per `Request` variant. Handlers check the session and the
//! role's rights, call the services (store, auth, cda, sandbox) on blocking threads, trace
//! what the audit trail must know, and answer with `Event`s.

use std::sync::{Arc, PoisonError};

use tokio::sync::mpsc;
use zeroize::Zeroizing;

use super::context::{Context, WorkerError};
use super::{
    CancelToken, Event, LoadedDocument, Operation, Request, StoreInfo, TaskId, UserMessage,
};
use crate::auth::{self, Session};
use crate::domain::{DocumentId, PatientId, Right, Role};
use crate::store::audit::{self, AuditAction, AuditEntry};
use crate::store::{self, Store, accounts, documents, episodes, patients, settings};

/// Most rows a search returns; the list is virtualised, so this is about memory only.
const SEARCH_LIMIT: usize = 100_000;

/// Receives requests until the UI drops its handle; each runs in its own task.
pub(super) async fn dispatch(ctx: Arc<Context>, mut requests: mpsc::Receiver<Request>) {
    while let Some(request) = requests.recv().await {
        tracing::debug!(?request, "request");
        let ctx = Arc::clone(&ctx);
        tokio::spawn(async move { handle(ctx, request).await });
    }
    tracing::info!("request queue closed; dispatcher stops");
}

async fn handle(ctx: Arc<Context>, request: Request) {
    let (operation, result) = match request {
        Request::OpenStore => (Operation::OpenStore, open_store(&ctx).await),
        Request::Login { login, password } => {
            (Operation::Login, login_handler(&ctx, login, password).await)
        }
        Request::CreateFirstAdmin {
            login,
            display_name,
            password,
        } => (
            Operation::CreateAccount,
            create_first_admin(&ctx, login, display_name, password).await,
        ),
        Request::Logout => (Operation::Login, logout(&ctx).await),
        Request::SearchPatients { generation, query } => (
            Operation::Search,
            search_patients(&ctx, generation, query).await,
        ),
        Request::OpenFolder { patient } => {
            (Operation::OpenFolder, open_folder(&ctx, patient).await)
        }
        Request::OpenDocument { document } => {
            (Operation::OpenDocument, open_document(&ctx, document).await)
        }
        Request::RenderPdfPage {
            view,
            pdf,
            page,
            width_px,
        } => (
            Operation::RenderPdf,
            render_pdf_page(&ctx, view, pdf, page, width_px).await,
        ),
        Request::SaveSetting { key, value } => {
            (Operation::SaveSetting, save_setting(&ctx, key, value).await)
        }
        Request::GeneratePatients { task, count } => (
            Operation::GeneratePatients,
            generate_patients(&ctx, task, count).await,
        ),
        Request::VerifyAudit => (Operation::VerifyAudit, verify_audit(&ctx).await),
        Request::Cancel { task } => {
            cancel(&ctx, task);
            return;
        }
    };
    if let Err(e) = result {
        tracing::warn!(?operation, "request failed: {e:#}");
        ctx.emit(Event::Failed {
            operation,
            message: UserMessage {
                id: e.message_id(),
                retryable: e.is_retryable(),
            },
        })
        .await;
    }
}

fn require(ctx: &Context, right: Right) -> Result<Session, WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    if session.role.has(right) {
        Ok(session)
    } else {
        Err(WorkerError::Forbidden)
    }
}

fn trace(
    store: &mut Store,
    actor: &str,
    action: AuditAction,
    kind: &str,
    id: String,
) -> Result<(), WorkerError> {
    audit::append(
        store,
        &AuditEntry {
            actor,
            action,
            object_kind: kind,
            object_id: id,
            detail: String::new(),
        },
    )?;
    Ok(())
}

async fn open_store(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let opened = tokio::task::spawn_blocking(move || -> Result<_, WorkerError> {
        let cfg = &worker.config;
        create_private_dir(&cfg.data_dir)?;
        let path = cfg.data_dir.join(store::DB_FILE_NAME);
        let exists = path.exists();
        let (key, origin) =
            store::key::obtain_key(&cfg.data_dir, exists, cfg.key_storage, &cfg.keyrings)?;
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
    };
    ctx.set_store(store);
    ctx.emit(Event::StoreReady(info)).await;
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

async fn login_handler(
    ctx: &Arc<Context>,
    login: String,
    password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = ctx
        .with_store(move |store| Ok(auth::local::login(store, &login, &password)?))
        .await?;
    tracing::info!(account = session.account_id.0, "signed in");
    *ctx.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(session.clone());
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
}

async fn create_first_admin(
    ctx: &Arc<Context>,
    login: String,
    display_name: String,
    password: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let session = ctx
        .with_store(move |store| {
            // Only an installation without any account may create one without signing in.
            if accounts::count(store)? > 0 {
                return Err(WorkerError::Forbidden);
            }
            auth::local::create_account(
                store,
                "system",
                &login,
                &display_name,
                Role::Administrateur,
                &password,
            )?;
            Ok(auth::local::login(store, &login, &password)?)
        })
        .await?;
    *ctx.session.lock().unwrap_or_else(PoisonError::into_inner) = Some(session.clone());
    ctx.emit(Event::LoggedIn(session)).await;
    Ok(())
}

async fn logout(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let previous = ctx
        .session
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(s) = previous {
        ctx.with_store(move |store| {
            trace(
                store,
                &s.login,
                AuditAction::Logout,
                "account",
                s.account_id.0.to_string(),
            )
        })
        .await?;
    }
    ctx.emit(Event::LoggedOut).await;
    Ok(())
}

async fn search_patients(
    ctx: &Arc<Context>,
    generation: u64,
    query: String,
) -> Result<(), WorkerError> {
    require(ctx, Right::OpenFolder)?;
    let result = ctx
        .with_store(move |store| Ok(patients::search(store, &query, SEARCH_LIMIT)?))
        .await?;
    ctx.emit(Event::Patients { generation, result }).await;
    Ok(())
}

async fn open_folder(ctx: &Arc<Context>, patient: PatientId) -> Result<(), WorkerError> {
    let session = require(ctx, Right::OpenFolder)?;
    let clinical = session.role.has(Right::ReadDocuments);
    let (p, eps, docs) = ctx
        .with_store(move |store| {
            let p = patients::get(store, patient)?;
            let eps = episodes::for_patient(store, patient)?;
            let docs = if clinical {
                documents::for_patient(store, patient)?
            } else {
                Vec::new()
            };
            trace(
                store,
                &session.login,
                AuditAction::OpenFolder,
                "patient",
                patient.0.to_string(),
            )?;
            Ok((p, eps, docs))
        })
        .await?;
    ctx.emit(Event::Folder {
        patient: p,
        episodes: eps,
        documents: docs,
    })
    .await;
    Ok(())
}

async fn open_document(ctx: &Arc<Context>, document: DocumentId) -> Result<(), WorkerError> {
    let session = require(ctx, Right::ReadDocuments)?;
    let loaded = ctx
        .with_store(move |store| {
            let summary = documents::summary(store, document)?;
            let raw = documents::raw(store, document)?;
            trace(
                store,
                &session.login,
                AuditAction::ReadDocument,
                "document",
                document.0.to_string(),
            )?;
            Ok((summary, raw))
        })
        .await?;
    let (summary, raw) = loaded;
    let prepared = tokio::task::spawn_blocking(move || prepare_document(summary, &raw))
        .await
        .map_err(|e| WorkerError::Join(e.to_string()))??;
    ctx.emit(Event::Document(Box::new(prepared))).await;
    Ok(())
}

/// Parses the CDA and decodes what the viewer shows first.
fn prepare_document(
    summary: crate::domain::DocumentSummary,
    raw: &[u8],
) -> Result<LoadedDocument, WorkerError> {
    let cda = crate::cda::parse(raw)?;
    let (pdf, pdf_error) = match cda.pdf().map(|a| a.decode()) {
        None => (None, None),
        Some(Ok(bytes)) => (Some(Arc::new(bytes)), None),
        Some(Err(e)) => {
            tracing::warn!("embedded PDF not decodable: {e}");
            (None, Some("doc-pdf-undecodable"))
        }
    };
    Ok(LoadedDocument {
        summary,
        pdf,
        pdf_error,
        text: plain_text_body(&cda),
    })
}

async fn render_pdf_page(
    ctx: &Arc<Context>,
    view: u64,
    pdf: Arc<Vec<u8>>,
    page: usize,
    width_px: u32,
) -> Result<(), WorkerError> {
    require(ctx, Right::ReadDocuments)?;
    let rendered = tokio::task::spawn_blocking(move || {
        crate::pdf::engine().and_then(|engine| engine.render(&pdf, page, width_px))
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?;
    match rendered {
        Ok(rendered) => {
            ctx.emit(Event::PdfPage {
                view,
                page: Box::new(rendered),
            })
            .await;
        }
        Err(e) => {
            tracing::warn!(page, "PDF page not rendered: {e}");
            ctx.emit(Event::PdfFailed {
                view,
                page,
                message: e.message_id(),
            })
            .await;
        }
    }
    Ok(())
}

/// The body of an N1 plain-text document, as text.
fn plain_text_body(cda: &crate::cda::CdaDocument) -> Option<String> {
    let body = cda.non_xml_body()?;
    if !body.media_type().starts_with("text/plain") {
        return None;
    }
    body.decode()
        .ok()
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
}

async fn save_setting(ctx: &Arc<Context>, key: String, value: String) -> Result<(), WorkerError> {
    // Display preferences may be changed before signing in; the rest needs the right.
    let actor = if key.starts_with("ui.") {
        ctx.session()
            .map_or_else(|| "anonymous".to_owned(), |s| s.login)
    } else {
        require(ctx, Right::ChangeSettings)?.login
    };
    ctx.with_store(move |store| {
        settings::set(store, &key, &value)?;
        audit::append(
            store,
            &AuditEntry {
                actor: &actor,
                action: AuditAction::SettingChanged,
                object_kind: "setting",
                object_id: key.clone(),
                detail: value.clone(),
            },
        )?;
        Ok(())
    })
    .await
}

async fn generate_patients(
    ctx: &Arc<Context>,
    task: TaskId,
    count: usize,
) -> Result<(), WorkerError> {
    let session = ctx.session().ok_or(WorkerError::NoSession)?;
    if !ctx.config.sandbox {
        return Err(WorkerError::Forbidden);
    }
    let token = CancelToken::default();
    ctx.tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(task, token.clone());
    let worker = Arc::clone(ctx);
    let result = ctx
        .with_store(move |store| {
            let today = chrono::Local::now().date_naive();
            let added =
                crate::sandbox::seed::bulk(store, count, today, &token, &mut |done, total| {
                    worker.emit_blocking(Event::Progress { task, done, total });
                })?;
            trace(
                store,
                &session.login,
                AuditAction::SandboxSeeded,
                "patients",
                added.to_string(),
            )?;
            Ok(token.is_cancelled())
        })
        .await;
    ctx.tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .remove(&task);
    let cancelled = result?;
    ctx.emit(Event::TaskFinished { task, cancelled }).await;
    Ok(())
}

async fn verify_audit(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let session = require(ctx, Right::ReadAudit)?;
    let v = ctx
        .with_store(move |store| {
            let v = audit::verify(store)?;
            trace(
                store,
                &session.login,
                AuditAction::AuditVerified,
                "audit",
                v.rows.to_string(),
            )?;
            Ok(v)
        })
        .await?;
    if !v.is_intact() {
        tracing::error!(first_broken = ?v.first_broken, "audit chain broken");
    }
    ctx.emit(Event::AuditVerified {
        rows: v.rows,
        intact: v.is_intact(),
    })
    .await;
    Ok(())
}

fn cancel(ctx: &Context, task: TaskId) {
    if let Some(token) = ctx
        .tasks
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&task)
    {
        token.cancel();
    }
}
