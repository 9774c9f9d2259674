//! The dispatcher and the handlers: one function per `Request` variant, grouped by topic —
//! `opening` (store), `session` (local sign-in, sign-out, lock), `identity` (OpenID providers,
//! CIBA, first-login links), `card` (CPS card, PIN), `folder` (patients, folders, documents,
//! PDF pages), `dmp` (the folder's DMP and its documents), `produce` (documents from the local
//! form), `stylesheet`, `settings` (the typed settings: save, export, import), `admin`
//! (audit, demo load, cancel), `intake` (what the hospital sends: inbox, received documents,
//! identity vigilance, XDM import, the sandbox's GAM and PFI), `vigilance` (the identity
//! panel: INSi search, accept or refuse, document checked, doubt, history).
//!
//! Handlers are thin: they check the session's rights, call one service or one worker module
//! below them (`access`, `dmp_folder`, `dmp_documents`, `documents`, `login`, `card_slot`,
//! `audit`), and answer with `Event`s. They never call each other.

mod accounts;
mod admin;
mod backup;
mod card;
mod charts;
mod directory;
mod dmp;
mod folder;
mod identity;
mod indicators;
mod intake;
mod mss;
mod opening;
mod outbox;
mod portability;
mod produce;
mod session;
mod settings;
mod stylesheet;
mod vigilance;

use std::sync::Arc;

use tokio::sync::mpsc;

use super::context::{Context, WorkerError};
use super::services::{self, Service};
use super::{Event, Operation, Request, UserMessage};

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
    let Some(operation) = request.operation() else {
        if let Request::Cancel { task } = request {
            admin::cancel(&ctx, task);
        }
        return;
    };
    let result = run(&ctx, request).await;
    if matches!(operation, Operation::ProviderLogin | Operation::CibaLogin) {
        let state = match &result {
            Err(WorkerError::Oidc(e)) => Err(e.message_id()),
            _ => Ok(()),
        };
        services::note(&ctx, Service::Psc, state);
    }
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

async fn run(ctx: &Arc<Context>, request: Request) -> Result<(), WorkerError> {
    match request {
        Request::OpenStore => opening::open_store(ctx).await,
        Request::Login { login, password } => session::login(ctx, login, password).await,
        Request::CreateFirstAdmin {
            login,
            display_name,
            password,
        } => session::create_first_admin(ctx, login, display_name, password).await,
        Request::Logout => session::logout(ctx).await,
        Request::SearchPatients { generation, query } => {
            folder::search_patients(ctx, generation, query).await
        }
        Request::OpenFolder { patient } => folder::open_folder(ctx, patient).await,
        Request::RefreshFolder { patient, changes } => {
            folder::refresh_folder(ctx, patient, changes).await
        }
        Request::OpenDocument { document } => folder::open_document(ctx, document).await,
        Request::RenderPdfPage {
            view,
            pdf,
            page,
            width_px,
        } => folder::render_pdf_page(ctx, view, pdf, page, width_px).await,
        Request::ProduceDocument {
            patient,
            episode,
            form,
            sharing,
            replaces,
        } => produce::produce_document(ctx, patient, episode, *form, sharing, replaces).await,
        Request::OpenAttachment { document, index } => {
            folder::open_attachment(ctx, document, index).await
        }
        Request::OpenWithStylesheet { document } => {
            stylesheet::open_with_stylesheet(ctx, document).await
        }
        Request::LoadSettings => settings::load_settings(ctx).await,
        Request::SaveSettings {
            settings: new,
            expected_version,
        } => settings::save_settings(ctx, new, expected_version).await,
        Request::SaveDisplay { display } => settings::save_display(ctx, display).await,
        Request::ExportSettings => settings::export_settings(ctx).await,
        Request::ImportSettings { path } => settings::import_settings(ctx, path).await,
        Request::GeneratePatients { task, count } => {
            admin::generate_patients(ctx, task, count).await
        }
        Request::ServiceStatus => admin::service_status(ctx).await,
        Request::VerifyAudit => admin::verify_audit(ctx).await,
        Request::Cancel { task } => {
            admin::cancel(ctx, task);
            Ok(())
        }
        Request::ProviderLogin { task, provider } => {
            identity::provider_login(ctx, task, provider).await
        }
        Request::CibaLogin {
            task,
            provider,
            national_id,
        } => identity::ciba_login(ctx, task, provider, national_id).await,
        Request::ChooseActivity { index } => identity::choose_activity(ctx, index).await,
        Request::CompleteLink(choice) => identity::complete_link(ctx, choice).await,
        Request::AbandonLogin => identity::abandon_login(ctx).await,
        Request::CardPin { pin } => card::submit_pin(ctx, pin).await,
        Request::VirtualCard { inserted } => card::virtual_card(ctx, inserted).await,
        Request::Lock { reason } => session::lock(ctx, reason).await,
        Request::UnlockWithPassword { password } => {
            session::unlock_with_password(ctx, password).await
        }
        Request::PendingLinks => admin::pending_links(ctx).await,
        Request::DecideLink { id, approve } => admin::decide_link(ctx, id, approve).await,
        Request::RecordConsent {
            patient,
            episode,
            change,
        } => dmp::record_consent(ctx, patient, episode, change).await,
        Request::RefreshDmp { patient } => dmp::refresh(ctx, patient).await,
        Request::OpenDmpPortal { patient, page } => dmp::open_portal(ctx, patient, page).await,
        Request::ExportDmpTraces => admin::export_dmp_traces(ctx).await,
        Request::SearchDmp { patient, filter } => dmp::search(ctx, patient, *filter).await,
        Request::IntegrateDmp {
            task,
            patient,
            entries,
            open,
        } => dmp::integrate(ctx, task, patient, entries, open).await,
        Request::MakeDmpVisible {
            patient,
            entry,
            to_patient,
            to_legal_representatives,
        } => dmp::make_visible(ctx, patient, entry, to_patient, to_legal_representatives).await,
        Request::Inbox => intake::inbox(ctx).await,
        Request::ReceivedDocuments => intake::received(ctx).await,
        Request::IdentityAlerts => intake::alerts(ctx).await,
        Request::OpenInboxItem { item } => intake::open_item(ctx, item).await,
        Request::FileInboxItem { item, patient } => intake::file_item(ctx, item, patient).await,
        Request::RefuseInboxItem { item } => intake::refuse_item(ctx, item).await,
        Request::ResolveAlert { id } => intake::resolve_alert(ctx, id).await,
        Request::SearchIns { patient } => vigilance::search_ins(ctx, patient).await,
        Request::AcceptIns {
            patient,
            comparison,
        } => vigilance::accept_ins(ctx, patient, *comparison).await,
        Request::RefuseIns {
            patient,
            comparison,
        } => vigilance::refuse_ins(ctx, patient, *comparison).await,
        Request::CheckIdentityDocument { patient, document } => {
            vigilance::check_document(ctx, patient, document).await
        }
        Request::DoubtIdentity { patient, reason } => {
            vigilance::doubt_identity(ctx, patient, reason).await
        }
        Request::IdentityHistory { patient } => vigilance::identity_history(ctx, patient).await,
        Request::ImportXdm { path } => intake::import_xdm(ctx, path).await,
        Request::SimulateHospital { scenario } => intake::simulate(ctx, scenario).await,
        Request::Outbox { filter, patient } => outbox::list(ctx, filter, patient).await,
        Request::OutboxCommand { item, command } => outbox::command(ctx, item, command).await,
        Request::SendHistory { patient, documents } => {
            outbox::send_history(ctx, patient, documents).await
        }
        Request::CancelBatch { batch } => outbox::cancel_batch(ctx, batch).await,
        Request::DeleteFromDmp { document } => outbox::delete_from_dmp(ctx, document).await,
        Request::SearchDirectory { target, query, seq } => {
            directory::search(ctx, target, query, seq).await
        }
        Request::SearchDirectoryOnline { target, query, seq } => {
            directory::search_online(ctx, target, query, seq).await
        }
        Request::DirectoryStatus => directory::status(ctx).await,
        Request::ImportDirectory { path } => directory::import(ctx, path).await,
        Request::CancelDirectoryImport => directory::cancel_import(ctx).await,
        Request::MssProposals { patient } => mss::proposals(ctx, patient).await,
        Request::SendMss(request) => mss::send(ctx, request).await,
        Request::MssSends { document } => mss::sends(ctx, document).await,
        Request::LoginSecondFactor {
            login,
            password,
            code,
        } => accounts::login_second_factor(ctx, login, password, code).await,
        Request::ChangeExpiredPassword {
            login,
            password,
            new_password,
        } => accounts::change_expired_password(ctx, login, password, new_password).await,
        Request::UnlockWithSecondFactor { password, code } => {
            accounts::unlock_with_second_factor(ctx, password, code).await
        }
        Request::ChangePassword {
            current,
            new_password,
        } => accounts::change_password(ctx, current, new_password).await,
        Request::StartEnrolment => accounts::start_enrolment(ctx).await,
        Request::ConfirmEnrolment { password, code } => {
            accounts::confirm_enrolment(ctx, password, code).await
        }
        Request::Backups => backup::list(ctx).await,
        Request::CreateBackup { task } => backup::create(ctx, task).await,
        Request::SetBackupPassphrase {
            passphrase,
            confirmation,
        } => backup::set_passphrase(ctx, passphrase, confirmation).await,
        Request::Accounts => accounts::list(ctx).await,
        Request::CreateAccount {
            login,
            display_name,
            role,
        } => accounts::create(ctx, login, display_name, role).await,
        Request::ChangeAccount { account, change } => accounts::change(ctx, account, change).await,
        Request::ExportFolder { patient } => portability::export_folder(ctx, patient).await,
        Request::ExportEstablishment => portability::export_establishment(ctx).await,
        Request::ImportArchive { path } => portability::import_archive(ctx, path).await,
        Request::ExportAccounts => accounts::export(ctx).await,
        Request::ComputeIndicators { filter } => indicators::compute(ctx, filter).await,
        Request::ExportIndicators { filter } => indicators::export_csv(ctx, filter).await,
        Request::SaveChartImage {
            name,
            width,
            height,
            rgba,
        } => charts::save_image(ctx, name, width, height, rgba).await,
    }
}
