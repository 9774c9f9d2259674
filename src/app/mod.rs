//! The `eframe::App`: owns the screens' states and the session, drains worker events each
//! frame within a time budget and hands each to the screen it concerns, lays out the current
//! screen (`layout`), then applies the commands the screens returned (`commands`). It never
//! does I/O: everything that touches the disk or the network goes out as a `Request`.

mod accounts;
mod commands;
mod directory;
mod dmp;
mod events;
mod identity;
mod identity_vigilance;
mod indicators;
mod intake;
mod layout;
mod outbox;
mod portability;
mod settings;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::auth::Session;
use crate::auth::lock::{InactivityClock, LockReason};
use crate::i18n::{I18n, Language};
use crate::ui::accounts::AccountsView;
use crate::ui::directory::DirectoryView;
use crate::ui::document::DocumentState;
use crate::ui::folder::FolderState;
use crate::ui::inbox::InboxState;
use crate::ui::login::{DemoLogin, LoginState};
use crate::ui::outbox::OutboxView;
use crate::ui::patient_list::PatientListState;
use crate::ui::produce::ProduceState;
use crate::ui::settings::SettingsState;
use crate::ui::{Notice, NoticeLevel, Rights, Screen, ScreenCtx, StoreStatus, TaskProgress};
use crate::worker::{Event, IntakeCounts, Request, WorkerHandle};

pub use commands::apply_theme;

/// Longest time a frame spends applying worker events; the rest waits for the next frame.
const EVENT_BUDGET: Duration = Duration::from_millis(4);

/// How the app was started.
#[derive(Debug, Clone)]
pub struct AppOptions {
    pub sandbox: bool,
    pub data_dir: PathBuf,
    pub language: Language,
    /// Where the log files go (shown in Settings).
    pub log_dir: Option<PathBuf>,
    /// Inactivity before the lock; `None` never locks.
    pub inactivity: Option<Duration>,
    /// The sandbox e-CPS page (approves CIBA requests), in sandbox mode.
    pub sandbox_ecps_url: Option<String>,
    /// Demo accounts the login screen lists (the sandbox's; none in production).
    pub demo_accounts: Vec<DemoLogin>,
}

/// The app: the session, the screens' states, and what is shown around them.
pub struct ChevetApp {
    worker: WorkerHandle,
    events: mpsc::Receiver<Event>,
    i18n: I18n,
    options: AppOptions,
    store: StoreStatus,
    session: Option<Session>,
    /// What the session's role may do, computed once at sign-in.
    rights: Rights,
    screen: Screen,
    login: LoginState,
    patients: PatientListState,
    folder: Option<FolderState>,
    document: Option<DocumentState>,
    produce: Option<ProduceState>,
    /// "Réception": what the hospital sends.
    inbox: InboxState,
    /// Documents waiting to be reconciled and open identity alerts (the navigation's badges).
    intake_counts: IntakeCounts,
    /// "Envois DMP": the service's outbox.
    outbox: OutboxView,
    /// Outbox jobs held or failed for good (the navigation's badge).
    outbox_attention: usize,
    /// "Annuaire": the professionals' directory.
    directory: DirectoryView,
    /// "Comptes": the local accounts (administrators).
    accounts: AccountsView,
    /// « Sauvegardes »: backups of the store (administrators).
    backups: crate::ui::backups::BackupsView,
    /// « Indicateurs »: the usage indicators (administrators).
    indicators: crate::ui::indicators::IndicatorsState,
    /// « Export / import »: data portability (administrators).
    portability: crate::ui::portability::PortabilityState,
    /// A document to open as soon as its folder is loaded (after production).
    open_after_folder: Option<crate::domain::DocumentId>,
    /// A consultation d'annonce report was produced: the folder offers the worklist of
    /// documents still invisible to the patient.
    announce_after_folder: bool,
    /// Pages the workers prepared for the system browser, opened at the next frame.
    browser_urls: Vec<String>,
    settings: SettingsState,
    about_open: bool,
    /// Long tasks, in the order they started.
    tasks: Vec<TaskProgress>,
    notices: Vec<Notice>,
    dark: bool,
    style_installed: bool,
    /// The session is locked: only the lock screen shows.
    locked: Option<LockReason>,
    inactivity: InactivityClock,
    /// Establishment mode: the shared record is unreachable since then (degraded mode).
    degraded_since: Option<String>,
    /// An identity asked for with its folder (from the vigilance list), until the folder shows.
    pending_identity: Option<identity_vigilance::PendingIdentity>,
}

impl ChevetApp {
    /// Builds the app and asks the workers to open the store.
    pub fn new(worker: WorkerHandle, events: mpsc::Receiver<Event>, options: AppOptions) -> Self {
        let i18n = I18n::new(options.language);
        let inactivity = InactivityClock::new(options.inactivity, Instant::now());
        let login = LoginState::new(options.demo_accounts.clone());
        let mut app = Self {
            worker,
            events,
            i18n,
            options,
            store: StoreStatus::Opening,
            session: None,
            rights: Rights::default(),
            screen: Screen::Login,
            login,
            patients: PatientListState::default(),
            folder: None,
            document: None,
            produce: None,
            inbox: InboxState::default(),
            intake_counts: IntakeCounts::default(),
            outbox: OutboxView::default(),
            outbox_attention: 0,
            directory: DirectoryView::default(),
            accounts: AccountsView::default(),
            backups: crate::ui::backups::BackupsView::default(),
            indicators: crate::ui::indicators::IndicatorsState::default(),
            portability: crate::ui::portability::PortabilityState::default(),
            open_after_folder: None,
            announce_after_folder: false,
            browser_urls: Vec::new(),
            settings: SettingsState::default(),
            about_open: false,
            tasks: Vec::new(),
            notices: Vec::new(),
            dark: false,
            style_installed: false,
            locked: None,
            inactivity,
            degraded_since: None,
            pending_identity: None,
        };
        app.send(Request::OpenStore);
        app
    }

    /// Queues a request; a full queue becomes a notice, never a blocked frame.
    fn send(&mut self, request: Request) {
        if let Err(e) = self.worker.send(request) {
            self.notify(
                match e {
                    crate::worker::SendError::Busy => "error-busy",
                    crate::worker::SendError::Stopped => "error-internal",
                },
                NoticeLevel::Error,
            );
        }
    }

    fn notify(&mut self, id: &'static str, level: NoticeLevel) {
        self.notices.retain(|n| n.id != id);
        self.notices.push(Notice { id, level });
    }

    /// Applies queued worker events for at most [`EVENT_BUDGET`].
    fn drain_events(&mut self, ctx: &egui::Context) {
        let start = Instant::now();
        while start.elapsed() < EVENT_BUDGET {
            match self.events.try_recv() {
                Ok(event) => self.apply_event(event),
                Err(_) => return,
            }
        }
        // Budget spent with events left: continue next frame.
        ctx.request_repaint();
    }

    /// One frame: events, layout, then the commands the layout produced.
    pub fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        if !self.style_installed {
            crate::ui::widgets::install_style(&ctx);
            self.style_installed = true;
        }
        self.drain_events(&ctx);
        self.watch_inactivity(&ctx);
        for url in self.browser_urls.drain(..) {
            ctx.open_url(egui::OpenUrl::new_tab(url));
        }
        let wanted = if self.dark {
            egui::Theme::Dark
        } else {
            egui::Theme::Light
        };
        if ctx.theme() != wanted {
            apply_theme(&ctx, self.dark);
        }
        let commands = self.layout_ui(ui);
        for command in commands {
            self.apply_command(&ctx, command);
        }
    }
}

/// The narrow context the screens are drawn with (from the app's fields, so that the screens'
/// states can be borrowed beside it).
fn screen_ctx<'a>(
    i18n: &'a I18n,
    options: &'a AppOptions,
    rights: Rights,
    dark: bool,
) -> ScreenCtx<'a> {
    ScreenCtx {
        i18n,
        rights,
        sandbox: options.sandbox,
        data_dir: &options.data_dir,
        log_dir: options.log_dir.as_deref(),
        sandbox_ecps_url: options.sandbox_ecps_url.as_deref(),
        dark,
    }
}

impl eframe::App for ChevetApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}
