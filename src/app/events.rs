//! Applying worker events to the UI state. One method per `Event` variant.

use super::{ChevetApp, NoticeLevel, StoreStatus, TaskProgress};
use crate::auth::Session;
use crate::i18n::{I18n, Language};
use crate::ui::Screen;
use crate::ui::document::DocumentState;
use crate::ui::folder::FolderState;
use crate::worker::{Event, LoadedDocument, Operation, StoreInfo, TaskId, UserMessage};

impl ChevetApp {
    pub(super) fn apply_event(&mut self, event: Event) {
        match event {
            Event::StoreReady(info) => self.on_store_ready(info),
            Event::LoggedIn(session) => self.on_logged_in(session),
            Event::LoggedOut => self.on_logged_out(),
            Event::Patients { generation, result } => self.patients.apply(generation, result),
            Event::Folder {
                patient,
                episodes,
                documents,
            } => self.on_folder(FolderState::new(patient, episodes, documents)),
            Event::Document(loaded) => self.on_document(*loaded),
            Event::Attachment {
                document,
                index,
                content,
            } => {
                if let Some(d) = self.document.as_mut().filter(|d| d.id() == document) {
                    d.apply_attachment(index, content);
                }
            }
            Event::PdfPage { view, page } => {
                if let Some(v) = self.pdf_view_mut(view) {
                    v.apply_page(*page);
                }
            }
            Event::PdfFailed { view, message, .. } => {
                if let Some(v) = self.pdf_view_mut(view) {
                    v.apply_error(message);
                }
            }
            Event::DocumentProduced { patient, document } => {
                self.on_document_produced(patient, document);
            }
            Event::OpenInBrowser { url } => self.browser_urls.push(url),
            Event::Progress { task, done, total } => self.on_progress(task, done, total),
            Event::TaskFinished { task, cancelled } => {
                self.on_login_task_finished(task, cancelled);
                self.on_task_finished(task, cancelled);
            }
            Event::AuditVerified { rows, intact } => self.on_audit_verified(rows, intact),
            Event::Failed { operation, message } => self.on_failed(operation, &message),
            Event::BrowserWaiting { task } => self.on_browser_waiting(task),
            Event::CibaStarted {
                task,
                binding_message,
                expires_in_s,
            } => self.on_ciba_started(task, binding_message, expires_in_s),
            Event::CibaCountdown { task, seconds_left } => {
                self.on_ciba_countdown(task, seconds_left);
            }
            Event::ChooseActivity { activities } => self.on_choose_activity(activities),
            Event::NeedsLink {
                display_name,
                suggested_login,
                can_create,
            } => self.on_needs_link(display_name, suggested_login, can_create),
            Event::LinkRequested => self.on_link_requested(),
            Event::Card(status) => self.on_card(status),
            Event::PinRefused(outcome) => self.on_pin_refused(outcome),
            Event::Unlocked => self.on_unlocked(),
            Event::PendingLinks(rows) => self.settings.pending_links = Some(rows),
            Event::Exported { path } => self.settings.exported = Some(path),
            Event::DmpFolder {
                patient,
                episode,
                consent,
                status,
            } => {
                if let Some(f) = self.folder.as_mut().filter(|f| f.patient.id == patient) {
                    f.dmp.apply(episode, consent, status);
                }
            }
            Event::DmpNewDocuments {
                patient,
                count,
                invisible,
                since,
            } => {
                if let Some(f) = self.folder_of(patient) {
                    f.dmp.new_documents = Some((count, invisible, since));
                }
            }
            Event::DmpDocuments { patient, rows } => {
                if let Some(f) = self.folder_of(patient) {
                    f.documents.set_dmp(rows);
                }
            }
            Event::DmpDocumentsFailed { patient, message } => {
                if let Some(f) = self.folder_of(patient) {
                    f.documents.dmp_failed(message);
                }
            }
            Event::DmpIntegrated {
                patient,
                report,
                documents,
            } => self.on_dmp_integrated(patient, &report, documents),
            Event::DmpVisibilityChanged {
                patient,
                previous_entry,
                row,
                documents,
            } => {
                self.notify("dmp-visible-done", NoticeLevel::Info);
                if let Some(d) = self
                    .document
                    .as_mut()
                    .filter(|d| d.dmp_entry() == Some(previous_entry.as_str()))
                {
                    d.dmp_visibility_changed(&row);
                }
                if let Some(f) = self.folder_of(patient) {
                    f.documents.set_local(documents);
                    f.documents.replace_dmp_row(&previous_entry, *row);
                }
            }
            Event::DmpVersion { document, check } => {
                if let Some(d) = self.document.as_mut().filter(|d| d.id() == document) {
                    d.dmp_check = Some(check);
                }
            }
        }
    }

    fn folder_of(&mut self, patient: crate::domain::PatientId) -> Option<&mut FolderState> {
        self.folder.as_mut().filter(|f| f.patient.id == patient)
    }

    /// Integration done: the list follows, the user is told what happened.
    fn on_dmp_integrated(
        &mut self,
        patient: crate::domain::PatientId,
        report: &crate::worker::IntegrationReport,
        documents: Vec<crate::domain::DocumentSummary>,
    ) {
        let id = if !report.failed.is_empty() {
            "dmp-integrate-some-failed"
        } else if report.version_taken > 0 {
            "dmp-integrate-version-taken"
        } else if report.integrated.is_empty() && !report.already.is_empty() {
            "dmp-integrate-already"
        } else if report.cancelled {
            "dmp-integrate-cancelled"
        } else {
            "dmp-integrate-done"
        };
        let level = if report.failed.is_empty() && report.version_taken == 0 {
            NoticeLevel::Info
        } else {
            NoticeLevel::Error
        };
        self.notify(id, level);
        if let Some(d) = self.document.as_mut() {
            d.dmp_integrated(report);
        }
        if let Some(f) = self.folder_of(patient) {
            f.documents.set_local(documents);
            f.documents.dmp.selected.clear();
        }
    }

    fn pdf_view_mut(&mut self, view: u64) -> Option<&mut crate::ui::pdf_view::PdfView> {
        self.document.as_mut().and_then(|d| d.pdf_view_mut(view))
    }

    fn on_store_ready(&mut self, info: StoreInfo) {
        for (key, value) in &info.settings {
            match key.as_str() {
                "ui.language" => {
                    if let Some(lang) = Language::from_code(value)
                        && lang != self.i18n.language()
                    {
                        self.i18n = I18n::new(lang);
                    }
                }
                "ui.dark" => self.dark = value == "true",
                crate::worker::COUNT_KINDS_SETTING => {
                    self.settings.dmp_count_kinds.clone_from(value);
                }
                crate::dmp::consult::COUNT_SINCE_SETTING => {
                    let since = crate::dmp::consult::CountSince::parse(value);
                    self.settings.dmp_count_since = since;
                    if let crate::dmp::consult::CountSince::Date(d) = since {
                        self.settings.dmp_since_text = d.format("%Y-%m-%d").to_string();
                    }
                }
                _ => {}
            }
        }
        if info.key_origin.is_fallback() {
            self.notify("store-key-file-warning", NoticeLevel::Warning);
        }
        self.login.first_admin = info.accounts == 0;
        self.login.providers = info.providers.clone();
        if info.providers.is_empty() {
            self.login.tab = crate::ui::login::LoginTab::Password;
        }
        self.login.virtual_card = info.virtual_card;
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
        self.login.flow = None;
        self.login.pin_outcome = None;
        self.login.clear_secrets();
        self.login.error = None;
        self.login.pending = false;
        self.session = Some(session);
        self.screen = Screen::Patients;
        self.patients.request_focus = true;
        let request = self.patients.search_request();
        self.send(request);
    }

    /// Forgets every piece of patient data the UI holds.
    fn on_logged_out(&mut self) {
        self.session = None;
        self.locked = None;
        self.login.flow = None;
        self.screen = Screen::Login;
        self.patients.clear();
        self.folder = None;
        self.document = None;
        self.produce = None;
        self.open_after_folder = None;
        self.announce_after_folder = false;
        self.settings.open = false;
        self.login.pending = false;
        self.login.focused_once = false;
    }

    fn on_folder(&mut self, mut folder: FolderState) {
        let patient = folder.patient.id;
        let announce = std::mem::take(&mut self.announce_after_folder);
        if announce {
            folder.documents.dmp.announce_offer = true;
            folder.documents.dmp.status = crate::ui::document_list_dmp::DmpListStatus::Loading;
        }
        self.folder = Some(folder);
        self.document = None;
        self.screen = Screen::Folder;
        if let Some(document) = self.open_after_folder.take() {
            self.send(crate::worker::Request::OpenDocument { document });
        }
        if announce {
            self.send(crate::worker::Request::SearchDmp {
                patient,
                criteria: Box::default(),
            });
        }
    }

    fn on_document(&mut self, loaded: LoadedDocument) {
        self.document = Some(DocumentState::new(loaded, &self.i18n));
        self.screen = Screen::Document;
    }

    /// Reloads the folder (the new document is listed) and opens the document — or, after a
    /// consultation d'annonce report, stays on the folder and offers the visibility worklist.
    fn on_document_produced(
        &mut self,
        patient: crate::domain::PatientId,
        document: crate::domain::DocumentId,
    ) {
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
        let cancellable = true;
        self.tasks.insert(
            task.0,
            (
                task,
                TaskProgress {
                    done,
                    total,
                    cancellable,
                },
            ),
        );
    }

    fn on_task_finished(&mut self, task: TaskId, cancelled: bool) {
        self.tasks.remove(&task.0);
        if self.settings.generation_task == Some(task) {
            self.settings.generation_task = None;
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

    fn on_audit_verified(&mut self, rows: usize, intact: bool) {
        self.settings.audit_result = Some((rows, intact));
    }

    fn on_failed(&mut self, operation: Operation, message: &UserMessage) {
        match operation {
            Operation::OpenStore => self.store = StoreStatus::Failed(message.id),
            Operation::Login
            | Operation::CreateAccount
            | Operation::ProviderLogin
            | Operation::Card
            | Operation::Link
            | Operation::Unlock => {
                self.login.pending = false;
                self.login.error = Some(message.id);
                self.login.clear_secrets();
                if operation == Operation::ProviderLogin {
                    self.login.flow = None;
                }
            }
            Operation::Produce => {
                if let Some(p) = &mut self.produce {
                    p.pending = false;
                    p.error = Some(message.id);
                }
            }
            Operation::GeneratePatients => {
                self.settings.generation_task = None;
                self.tasks.clear();
                self.notify(message.id, NoticeLevel::Error);
            }
            Operation::OpenFolder | Operation::OpenDocument => {
                self.notify(message.id, NoticeLevel::Error);
                if let Some(doc) = &mut self.document {
                    doc.loading = false;
                }
            }
            Operation::Dmp => {
                self.notify(message.id, NoticeLevel::Error);
                if let Some(f) = self.folder.as_mut() {
                    f.documents.dmp_list_failed(message);
                }
            }
            Operation::Search
            | Operation::RenderPdf
            | Operation::SaveSetting
            | Operation::VerifyAudit => {
                self.notify(message.id, NoticeLevel::Error);
            }
        }
    }
}
