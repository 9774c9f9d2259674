//! Applying worker events: each goes to the screen state it concerns (the folder only when it
//! is about the patient on screen), which applies it; the app itself keeps only what spans
//! screens — the store, the session and screen changes, tasks, notices, browser pages.

use super::ChevetApp;
use crate::auth::Session;
use crate::domain::{DocumentId, PatientId};
use crate::ui::document::DocumentState;
use crate::ui::folder::FolderState;
use crate::ui::{NoticeLevel, Rights, Screen, StoreStatus, TaskProgress};
use crate::worker::{
    Event, FolderChanges, LoadedDocument, Operation, RecordStatus, StoreInfo, TaskId, UserMessage,
};

impl ChevetApp {
    pub(super) fn apply_event(&mut self, event: Event) {
        match event {
            Event::StoreReady(info) => self.on_store_ready(info),
            Event::LoggedIn(session) => self.on_logged_in(session),
            Event::LoggedOut => self.on_logged_out(),
            // The inbox's searches have their own generations.
            Event::Patients { generation, result } if self.inbox.is_search(generation) => {
                self.inbox.on_patients(generation, result);
            }
            Event::Patients { generation, result } => self.patients.apply(generation, result),
            Event::Folder {
                patient,
                episodes,
                documents,
            } => self.on_folder(FolderState::new(patient, episodes, documents)),
            Event::RecordChanged { patient, changes } => self.on_record_changed(patient, changes),
            Event::RecordStatus(status) => self.on_record_status(status),
            Event::FolderCopy { patient, cached_at } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_cached_copy(cached_at);
                }
            }
            Event::FolderRefreshed {
                patient,
                identity,
                documents,
            } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_refreshed(identity.map(|b| *b), documents);
                }
            }
            Event::Document(loaded) => self.on_document(*loaded),
            Event::Attachment {
                document,
                index,
                content,
            } => {
                if let Some(d) = self.document.as_mut() {
                    d.on_attachment(&document, index, content);
                }
            }
            Event::PdfPage { view, page } => {
                if let Some(d) = self.document.as_mut() {
                    d.on_pdf_page(view, *page);
                }
            }
            Event::PdfFailed { view, message, .. } => {
                if let Some(d) = self.document.as_mut() {
                    d.on_pdf_failed(view, message);
                }
            }
            Event::DocumentProduced { patient, document } => {
                self.on_document_produced(patient, document);
            }
            Event::OpenInBrowser { url } => self.on_open_in_browser(url),
            Event::Progress { task, done, total } => self.on_progress(task, done, total),
            Event::TaskFinished { task, cancelled } => self.on_task_finished(task, cancelled),
            Event::AuditVerified { rows, intact } => self.settings.on_audit_verified(rows, intact),
            Event::Settings { record, change } => self.on_settings(*record, change),
            Event::SettingsRefused { issues } => self.settings.on_settings_refused(issues),
            Event::SettingsExported { path } => self.settings.on_settings_exported(path),
            Event::Failed { operation, message } => self.on_failed(operation, &message),
            Event::InsSearched { patient, outcome } => self.on_ins_searched(patient, outcome),
            Event::IdentityUpdated {
                patient,
                history,
                notice,
            } => self.on_identity_updated(patient, history, notice),
            event @ (Event::Inbox(_)
            | Event::ReceivedDocuments(_)
            | Event::IdentityAlerts(_)
            | Event::IntakeCounts(_)
            | Event::InboxFiled { .. }
            | Event::XdmImported(_)
            | Event::XdmRefused { .. }
            | Event::HospitalSent { .. }
            | Event::ReceivedBadge { .. }) => self.apply_intake_event(event),
            event @ (Event::Outbox { .. }
            | Event::OutboxChanged { .. }
            | Event::BatchProgress { .. }) => self.apply_outbox_event(event),
            event @ (Event::Accounts(_)
            | Event::TemporaryPassword { .. }
            | Event::AccountsExported { .. }
            | Event::EnrolmentStarted { .. }
            | Event::SecondFactorEnrolled { .. }
            | Event::PasswordChanged) => self.apply_accounts_event(event),
            event @ (Event::Indicators(_)
            | Event::IndicatorsExported { .. }
            | Event::ChartImageSaved { .. }) => self.apply_indicators_event(event),
            event @ (Event::PortabilityProgress { .. }
            | Event::DataExported(_)
            | Event::DataImported(_)) => self.apply_portability_event(event),
            Event::Backups(info) => self.backups.on_backups(info),
            Event::BackupProgress { task, done, total } => {
                self.backups.on_progress(task, done, total);
            }
            Event::BackupCreated { name } => self.backups.on_created(name),
            Event::BackupPassphraseSet => self.backups.on_passphrase_set(),
            Event::BrowserWaiting { task } => self.login.on_browser_waiting(task),
            Event::CibaStarted {
                task,
                binding_message,
                expires_in_s,
            } => self
                .login
                .on_ciba_started(task, binding_message, expires_in_s),
            Event::CibaCountdown { task, seconds_left } => {
                self.login.on_ciba_countdown(task, seconds_left);
            }
            Event::ChooseActivity { activities } => self.login.on_choose_activity(activities),
            Event::NeedsLink {
                display_name,
                suggested_login,
                can_create,
            } => self
                .login
                .on_needs_link(display_name, suggested_login, can_create),
            Event::LinkRequested => self.login.on_link_requested(),
            Event::Card(status) => self.on_card(status),
            Event::PinRefused(outcome) => self.login.on_pin_refused(outcome),
            Event::Unlocked => self.on_unlocked(),
            Event::PendingLinks(rows) => self.settings.on_pending_links(rows),
            Event::Exported { path } => self.settings.on_exported(path),
            Event::DmpFolder {
                patient,
                episode,
                consent,
                status,
            } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_dmp_status(episode, consent, status);
                }
            }
            Event::Services(board) => self.settings.on_services(board),
            Event::DmpLastKnown { patient, seen_at } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_dmp_last_known(seen_at);
                }
            }
            Event::DmpNewDocuments {
                patient,
                count,
                invisible,
                since,
            } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_dmp_new_documents(count, invisible, since);
                }
            }
            Event::DmpDocuments { patient, documents } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_dmp_documents(documents);
                }
            }
            Event::DmpDocumentsFailed { patient, message } => {
                if let Some(f) = self.folder_of(patient) {
                    f.on_dmp_documents_failed(message);
                }
            }
            Event::DmpIntegrated {
                patient,
                report,
                documents,
            } => self.on_dmp_integrated(patient, &report, documents),
            Event::DmpVisibilityChanged {
                patient,
                previous,
                document,
                documents,
            } => self.on_dmp_visibility_changed(patient, &previous, *document, documents),
            Event::DirectoryResults {
                target,
                seq,
                hits,
                online,
            } => self.on_directory_results(target, seq, hits, online),
            Event::DirectoryStatus(state) => self.on_directory_status(state),
            Event::DirectoryImportProgress(progress) => {
                self.on_directory_import_progress(progress);
            }
            Event::DirectoryImported(info) => self.on_directory_imported(info),
            Event::MssProposals {
                patient,
                treating,
                patient_mailbox,
            } => self.on_mss_proposals(patient, treating, patient_mailbox),
            Event::MssQueued { document, item } => self.on_mss_queued(document, item),
            Event::MssSends { document, sends } => self.on_mss_sends(document, sends),
            Event::DmpVersion { document, state } => {
                if let Some(d) = self.document.as_mut() {
                    d.on_dmp_version(document, state);
                }
            }
        }
    }

    /// The shared record is unreachable (the banner shows), or back (a notice says so).
    fn on_record_status(&mut self, status: RecordStatus) {
        match status {
            RecordStatus::Degraded { since } => self.degraded_since = Some(since),
            RecordStatus::Restored { .. } => {
                self.degraded_since = None;
                self.notify("record-restored", NoticeLevel::Info);
            }
        }
    }

    /// Another workstation changed a folder: the one on screen reads it again.
    fn on_record_changed(&mut self, patient: Option<PatientId>, changes: FolderChanges) {
        // Réception on screen: what was received may have changed (in establishment mode the
        // listener is `chevet serve`'s, whose counts reach no workstation otherwise).
        if self.screen == Screen::Inbox {
            self.send(crate::worker::Request::Inbox);
            self.send(crate::worker::Request::ReceivedDocuments);
        }
        let open = self.folder.as_ref().map(FolderState::patient_id);
        if let Some(open) = open
            && patient.is_none_or(|p| p == open)
        {
            self.send(crate::worker::Request::RefreshFolder {
                patient: open,
                changes,
            });
            // A receipt of an MSSanté send may have come back.
            self.refresh_mss_sends();
        }
    }

    pub(super) fn folder_of(&mut self, patient: PatientId) -> Option<&mut FolderState> {
        self.folder.as_mut().filter(|f| f.patient_id() == patient)
    }

    /// The system browser opens the page at the next frame.
    fn on_open_in_browser(&mut self, url: String) {
        self.browser_urls.push(url);
    }

    fn on_store_ready(&mut self, info: StoreInfo) {
        self.apply_display(info.settings.settings.display);
        if info.record.key_is_fallback() {
            self.notify("store-key-file-warning", NoticeLevel::Warning);
        }
        self.login.on_store_ready(&info);
        self.settings.on_store_ready(&info);
        self.store = StoreStatus::Ready(info);
    }

    fn on_logged_in(&mut self, session: Session) {
        // Another user after a lock or a card switch: nothing of the previous one stays.
        if self
            .session
            .as_ref()
            .is_some_and(|s| s.account_id != session.account_id)
        {
            self.on_logged_out();
        }
        self.locked = None;
        self.login.on_logged_in();
        self.settings.security_mut().on_logged_in(&session);
        self.rights = Rights::of(session.role);
        self.session = Some(session);
        self.screen = Screen::Patients;
        self.patients.focus_search();
        let request = self.patients.search_request();
        self.send(request);
        // The navigation's badges.
        self.send(crate::worker::Request::Inbox);
        if self.rights.feed_dmp {
            let request = self.outbox.request();
            self.send(request);
        }
    }

    /// Forgets every piece of patient data the UI holds.
    fn on_logged_out(&mut self) {
        self.session = None;
        self.rights = Rights::default();
        self.locked = None;
        self.login.on_logged_out();
        self.screen = Screen::Login;
        self.patients.clear();
        self.folder = None;
        self.document = None;
        self.produce = None;
        self.inbox.clear();
        self.intake_counts = Default::default();
        self.outbox.clear();
        self.outbox_attention = 0;
        self.directory.clear();
        self.open_after_folder = None;
        self.announce_after_folder = false;
        self.pending_identity = None;
        self.settings.on_logged_out();
        self.accounts.on_logged_out();
        self.backups.on_logged_out();
        self.indicators.on_logged_out();
    }

    fn on_folder(&mut self, mut folder: FolderState) {
        let patient = folder.patient_id();
        if std::mem::take(&mut self.announce_after_folder) {
            let request = folder.offer_worklist();
            self.send(request);
        }
        self.identity_with_folder(&mut folder);
        self.folder = Some(folder);
        self.document = None;
        self.screen = Screen::Folder;
        if let Some(document) = self.open_after_folder.take() {
            self.send(crate::worker::Request::OpenDocument {
                document: document.into(),
            });
        }
        tracing::debug!(patient = patient.0, "folder on screen");
    }

    fn on_document(&mut self, loaded: LoadedDocument) {
        // An inbox item shows beside the inbox, which stays on screen (and is asked for again
        // when the inbox shows after another screen).
        if matches!(loaded.reference(), crate::domain::DocumentRef::Received(_)) {
            if self.screen == Screen::Inbox {
                self.document = Some(DocumentState::new(loaded, &self.i18n));
            }
            return;
        }
        if let Some(f) = self.folder.as_mut() {
            f.on_document_opened();
        }
        let document = DocumentState::new(loaded, &self.i18n);
        let request = document.on_open_requests();
        self.document = Some(document);
        self.screen = Screen::Document;
        if let Some(request) = request {
            self.send(request);
        }
    }

    /// Reloads the folder (the new document is listed) and opens the document — or, after a
    /// consultation d'annonce report, stays on the folder and offers the visibility worklist.
    fn on_document_produced(&mut self, patient: PatientId, document: DocumentId) {
        let announce = self
            .produce
            .as_ref()
            .is_some_and(crate::ui::produce::ProduceState::is_announcement);
        self.produce = None;
        self.notify("produce-done", NoticeLevel::Info);
        if announce {
            self.announce_after_folder = true;
        } else {
            // Open it once the folder is back, so that the folder does not replace it.
            self.open_after_folder = Some(document);
        }
        self.send(crate::worker::Request::OpenFolder { patient });
    }

    fn on_progress(&mut self, task: TaskId, done: usize, total: usize) {
        // Tasks that report progress are the long ones (demo generation, DMP integration):
        // all can be cancelled.
        let progress = TaskProgress {
            task,
            done,
            total,
            cancellable: true,
        };
        match self.tasks.iter_mut().find(|t| t.task == task) {
            Some(t) => *t = progress,
            None => self.tasks.push(progress),
        }
    }

    fn on_task_finished(&mut self, task: TaskId, cancelled: bool) {
        self.tasks.retain(|t| t.task != task);
        if self.login.on_task_finished(task, cancelled) {
            self.notify("login-cancelled", NoticeLevel::Info);
        }
        if self.settings.on_task_finished(task) {
            self.notify(
                if cancelled {
                    "task-cancelled"
                } else {
                    "task-done"
                },
                NoticeLevel::Info,
            );
            if self.session.is_some() {
                let request = self.patients.search_request();
                self.send(request);
            }
        }
    }

    /// A request failed: the screen that made it shows why; everything else is a notice.
    fn on_failed(&mut self, operation: Operation, message: &UserMessage) {
        if operation == Operation::OpenStore {
            self.store = StoreStatus::Failed(message.id);
            return;
        }
        if self.login.on_failed(operation, message.id)
            || self.accounts.on_failed(operation, message.id)
            || self.backups.on_failed(operation, message.id)
            || self.indicators.on_failed(operation, message.id)
            || self.portability.on_failed(operation, message.id)
            || self
                .settings
                .security_mut()
                .on_failed(operation, message.id)
        {
            return;
        }
        if operation == Operation::ProduceDocument
            && let Some(p) = self.produce.as_mut()
        {
            p.on_failed(message.id);
            return;
        }
        if operation == Operation::SearchPatients {
            self.patients.on_search_failed();
        }
        // The directory's and MSSanté's requests: the screen (or form) that asked says why.
        let directory = self.directory.on_failed(operation, message.id);
        let form = self
            .document
            .as_mut()
            .is_some_and(|d| d.on_mss_failed(operation, message.id));
        if directory || form {
            return;
        }
        self.inbox.on_failed(operation);
        self.outbox.on_failed(operation);
        if operation == Operation::GeneratePatients {
            self.tasks.clear();
        }
        self.settings.on_failed(operation);
        if let Some(f) = self.folder.as_mut() {
            f.on_failed(operation, message);
        }
        if let Some(d) = self.document.as_mut() {
            d.on_failed(operation);
        }
        self.notify(message.id, NoticeLevel::Error);
    }
}
