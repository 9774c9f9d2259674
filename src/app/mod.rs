//! The `eframe::App`: owns all UI state, drains worker events each frame within a time budget,
//! lays out the current screen, then applies the commands the screens returned. It never does
//! I/O: everything that touches the disk or the network goes out as a `Request`.

mod commands;
mod events;
mod identity;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;

use crate::auth::Session;
use crate::i18n::{I18n, Language};
use crate::ui::document::DocumentState;
use crate::ui::folder::FolderState;
use crate::ui::login::LoginState;
use crate::ui::patient_list::PatientListState;
use crate::ui::settings::SettingsState;
use crate::ui::{self, Command, Screen};
use crate::worker::{Event, Request, StoreInfo, TaskId, WorkerHandle};

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
}

/// State of the encrypted store as the UI knows it.
#[derive(Debug, Clone)]
pub enum StoreStatus {
    Opening,
    Ready(StoreInfo),
    Failed(&'static str),
}

/// A long task the status bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskProgress {
    pub done: usize,
    pub total: usize,
    pub cancellable: bool,
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// A message for the user (Fluent id), shown until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: &'static str,
    pub level: NoticeLevel,
    pub at: Instant,
}

/// Everything the screens read.
pub struct ChevetApp {
    pub(crate) worker: WorkerHandle,
    events: mpsc::Receiver<Event>,
    pub(crate) i18n: I18n,
    pub(crate) options: AppOptions,
    pub(crate) store: StoreStatus,
    pub(crate) session: Option<Session>,
    pub(crate) screen: Screen,
    pub(crate) login: LoginState,
    pub(crate) patients: PatientListState,
    pub(crate) folder: Option<FolderState>,
    pub(crate) document: Option<DocumentState>,
    pub(crate) produce: Option<ui::produce::ProduceState>,
    /// A document to open as soon as its folder is loaded (after production).
    open_after_folder: Option<crate::domain::DocumentId>,
    /// A consultation d'annonce report was produced: the folder offers the worklist of
    /// documents still invisible to the patient.
    announce_after_folder: bool,
    /// Files the workers prepared for the system browser, opened at the next frame.
    browser_urls: Vec<String>,
    pub(crate) settings: SettingsState,
    pub(crate) about_open: bool,
    pub(crate) tasks: BTreeMap<u64, (TaskId, TaskProgress)>,
    pub(crate) notices: Vec<Notice>,
    pub(crate) dark: bool,
    style_installed: bool,
    /// The session is locked: only the lock screen shows.
    pub(crate) locked: Option<crate::auth::lock::LockReason>,
    inactivity: crate::auth::lock::InactivityClock,
}

impl ChevetApp {
    /// Builds the app and asks the workers to open the store.
    pub fn new(worker: WorkerHandle, events: mpsc::Receiver<Event>, options: AppOptions) -> Self {
        let i18n = I18n::new(options.language);
        let inactivity = options.inactivity;
        let mut app = Self {
            worker,
            events,
            i18n,
            options,
            store: StoreStatus::Opening,
            session: None,
            screen: Screen::Login,
            login: LoginState::default(),
            patients: PatientListState::default(),
            folder: None,
            document: None,
            produce: None,
            open_after_folder: None,
            announce_after_folder: false,
            browser_urls: Vec::new(),
            settings: SettingsState::default(),
            about_open: false,
            tasks: BTreeMap::new(),
            notices: Vec::new(),
            dark: false,
            style_installed: false,
            locked: None,
            inactivity: crate::auth::lock::InactivityClock::new(inactivity, Instant::now()),
        };
        app.send(Request::OpenStore);
        app
    }

    /// Queues a request; a full queue becomes a notice, never a blocked frame.
    pub(crate) fn send(&mut self, request: Request) {
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

    pub(crate) fn notify(&mut self, id: &'static str, level: NoticeLevel) {
        self.notices.retain(|n| n.id != id);
        self.notices.push(Notice {
            id,
            level,
            at: Instant::now(),
        });
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
            ui::widgets::install_style(&ctx);
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
        let mut commands: Vec<Command> = Vec::new();
        ui::root_ui(self, ui, &mut commands);
        for command in commands {
            self.apply_command(&ctx, command);
        }
    }
}

impl eframe::App for ChevetApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame_ui(ui);
    }
}
