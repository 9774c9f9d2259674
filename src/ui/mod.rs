//! Screens and widgets. Screens read the app state and push `Command`s; they never call a
//! service, never touch the disk, and never block. Every function that takes `&mut egui::Ui`
//! ends in `_ui`.

pub mod about;
pub mod chrome;
pub mod document;
pub mod document_list;
pub mod document_list_dmp;
pub mod folder;
pub mod folder_dmp;
pub mod lock;
pub mod login;
pub mod login_external;
pub mod patient_list;
pub mod pdf_view;
pub mod produce;
pub mod settings;
pub mod structured_view;
pub mod widgets;

use crate::app::ChevetApp;
use crate::domain::{DocumentId, PatientId};
use crate::i18n::Language;
use crate::worker::{Request, TaskId};

/// The main screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Patients,
    Folder,
    Document,
    Produce,
}

/// What a screen asks for; applied by `ChevetApp::apply_command` after layout.
#[must_use]
pub enum Command {
    /// Forward a request to the workers as is.
    Send(Request),
    /// A sign-in request (login or first administrator): forwarded, and the form waits.
    SignIn(Request),
    /// Run the patient search with the current query.
    Search,
    OpenPatient(PatientId),
    OpenDocument(DocumentId),
    /// Open the production form for the patient of the current folder.
    StartProduction,
    Navigate(Screen),
    SetLanguage(Language),
    SetDark(bool),
    ShowAbout(bool),
    ShowSettings(bool),
    Logout,
    /// Lock the session now (Ctrl+L).
    Lock,
    /// Start an OpenID login: in the browser, or by CIBA with this national id.
    ProviderLogin {
        provider: String,
        ciba_national_id: Option<String>,
    },
    /// Cancel the external login under way.
    CancelLogin,
    /// Send the PIN typed on the login or lock screen.
    SubmitPin,
    /// Remember the care kinds the DMP count runs for (after saving the setting).
    SetDmpCountKinds(String),
    GeneratePatients(usize),
    CancelTask(TaskId),
    VerifyAudit,
    DismissNotice(&'static str),
}

/// Lays out the whole window.
pub fn root_ui(app: &mut ChevetApp, ui: &mut egui::Ui, commands: &mut Vec<Command>) {
    // Locked: the lock screen alone, no bar, no window — nothing of any patient.
    if let (Some(reason), Some(_)) = (app.locked, app.session.as_ref()) {
        egui::CentralPanel::default().show(ui, |ui| lock::lock_ui(app, reason, ui, commands));
        return;
    }
    if app.session.is_some()
        && ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::L))
    {
        commands.push(Command::Lock);
    }
    chrome::top_bar_ui(app, ui, commands);
    chrome::status_bar_ui(app, ui, commands);
    egui::CentralPanel::default().show(ui, |ui| {
        // Without a session nothing but the login screen is drawn: no patient data shows.
        let screen = if app.session.is_some() {
            app.screen
        } else {
            Screen::Login
        };
        match screen {
            Screen::Login => login::login_ui(app, ui, commands),
            Screen::Patients => {
                patient_list::patient_list_ui(ui, &app.i18n, &mut app.patients, commands);
            }
            Screen::Folder => folder::folder_ui(app, ui, commands),
            Screen::Document => document::document_ui(app, ui, commands),
            Screen::Produce => match app.produce.as_mut() {
                Some(state) => produce::produce_ui(ui, &app.i18n, state, commands),
                None => folder::folder_ui(app, ui, commands),
            },
        }
    });
    if app.about_open {
        about::about_ui(app, ui, commands);
    }
    if app.settings.open {
        settings::settings_ui(app, ui, commands);
    }
}
