//! The dispatcher and the handlers, one function per `Request` variant, grouped by topic:
//! `opening` (store, seeding), `session` (login, logout, lock), `identity` (OpenID providers,
//! CIBA, first-login links), `card` (CPS card, PIN), `folder` (patients, folders,
//! documents, PDF pages), `produce` (documents from the local form), `admin` (settings, audit,
//! sandbox load, cancel). Handlers check the
//! session and the role's rights, call the services on blocking threads, trace what the audit
//! trail must know, and answer with `Event`s.

mod admin;
pub(super) mod card;
pub(super) mod dmp;
mod dmp_documents;
mod folder;
pub(super) mod identity;
mod opening;
mod produce;
mod session;
mod stylesheet;

use std::sync::Arc;

use tokio::sync::mpsc;

use super::context::{Context, WorkerError};
use super::{Event, Operation, Request, UserMessage};
use crate::auth::Session;
use crate::domain::Right;
use crate::store::Store;
use crate::store::audit::{self, AuditAction, AuditEntry};

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
        Request::OpenStore => (Operation::OpenStore, opening::open_store(&ctx).await),
        Request::Login { login, password } => (
            Operation::Login,
            session::login_handler(&ctx, login, password).await,
        ),
        Request::CreateFirstAdmin {
            login,
            display_name,
            password,
        } => (
            Operation::CreateAccount,
            session::create_first_admin(&ctx, login, display_name, password).await,
        ),
        Request::Logout => (Operation::Login, session::logout(&ctx).await),
        Request::SearchPatients { generation, query } => (
            Operation::Search,
            folder::search_patients(&ctx, generation, query).await,
        ),
        Request::OpenFolder { patient } => (
            Operation::OpenFolder,
            folder::open_folder(&ctx, patient).await,
        ),
        Request::OpenDocument { document } => (
            Operation::OpenDocument,
            folder::open_document(&ctx, document).await,
        ),
        Request::RenderPdfPage {
            view,
            pdf,
            page,
            width_px,
        } => (
            Operation::RenderPdf,
            folder::render_pdf_page(&ctx, view, pdf, page, width_px).await,
        ),
        Request::ProduceDocument {
            patient,
            episode,
            form,
        } => (
            Operation::Produce,
            produce::produce_document(&ctx, patient, episode, *form).await,
        ),
        Request::OpenAttachment {
            document,
            index,
            raw,
        } => (
            Operation::OpenDocument,
            folder::open_attachment(&ctx, document, index, raw).await,
        ),
        Request::OpenWithStylesheet { document, raw } => (
            Operation::OpenDocument,
            stylesheet::open_with_stylesheet(&ctx, document, raw).await,
        ),
        Request::SaveSetting { key, value } => (
            Operation::SaveSetting,
            admin::save_setting(&ctx, key, value).await,
        ),
        Request::GeneratePatients { task, count } => (
            Operation::GeneratePatients,
            admin::generate_patients(&ctx, task, count).await,
        ),
        Request::VerifyAudit => (Operation::VerifyAudit, admin::verify_audit(&ctx).await),
        Request::Cancel { task } => {
            admin::cancel(&ctx, task);
            return;
        }
        Request::ProviderLogin { task, provider } => (
            Operation::ProviderLogin,
            identity::provider_login(&ctx, task, provider).await,
        ),
        Request::CibaLogin {
            task,
            provider,
            national_id,
        } => (
            Operation::ProviderLogin,
            identity::ciba_login(&ctx, task, provider, national_id).await,
        ),
        Request::ChooseActivity { index } => (
            Operation::ProviderLogin,
            identity::choose_activity(&ctx, index).await,
        ),
        Request::CompleteLink(choice) => {
            (Operation::Link, identity::complete_link(&ctx, choice).await)
        }
        Request::AbandonLogin => (Operation::Link, identity::abandon_login(&ctx).await),
        Request::CardPin { pin } => (Operation::Card, card::submit_pin(&ctx, pin).await),
        Request::VirtualCard { inserted } => {
            (Operation::Card, card::virtual_card(&ctx, inserted).await)
        }
        Request::Lock { reason } => (Operation::Unlock, session::lock(&ctx, reason).await),
        Request::UnlockWithPassword { password } => (
            Operation::Unlock,
            session::unlock_with_password(&ctx, password).await,
        ),
        Request::PendingLinks => (Operation::Link, admin::pending_links(&ctx).await),
        Request::RecordConsent {
            patient,
            episode,
            change,
        } => (
            Operation::Dmp,
            dmp::record_consent(&ctx, patient, episode, change).await,
        ),
        Request::RefreshDmp { patient } => {
            (Operation::Dmp, dmp::folder_dmp(&ctx, patient, true).await)
        }
        Request::OpenDmpPortal { patient, page } => {
            (Operation::Dmp, dmp::open_portal(&ctx, patient, page).await)
        }
        Request::ExportDmpTraces => (Operation::VerifyAudit, admin::export_dmp_traces(&ctx).await),
        Request::SearchDmp { patient, criteria } => (
            Operation::Dmp,
            dmp_documents::search(&ctx, patient, *criteria).await,
        ),
        Request::ViewDmpDocument { patient, row } => (
            Operation::OpenDocument,
            dmp_documents::view(&ctx, patient, *row).await,
        ),
        Request::IntegrateDmp {
            task,
            patient,
            documents,
            open,
        } => (
            Operation::Dmp,
            dmp_documents::integrate(&ctx, task, patient, documents, open).await,
        ),
        Request::MakeDmpVisible {
            patient,
            row,
            to_patient,
            to_legal_representatives,
        } => (
            Operation::Dmp,
            dmp_documents::make_visible(&ctx, patient, *row, to_patient, to_legal_representatives)
                .await,
        ),
        Request::DecideLink { id, approve } => {
            (Operation::Link, admin::decide_link(&ctx, id, approve).await)
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
