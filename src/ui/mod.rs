//! Screens and widgets. Each screen owns its state (private fields, transitions as methods),
//! applies the events that concern it, and draws from a narrow [`ScreenCtx`] — never from the
//! app. Screens ask the workers in one way only, [`Command::Send`], and return every other wish
//! as a [`Command`] the app applies after layout. They never call a service, never touch the
//! disk, and never block. Every function that takes `&mut egui::Ui` ends in `_ui`.

pub mod about;
pub mod accounts;
pub mod backups;
pub mod chrome;
pub mod context;
pub mod directory;
pub mod document;
pub mod document_list;
pub mod folder;
pub mod folder_dmp;
pub mod identity;
pub mod inbox;
pub mod indicators;
pub mod lock;
pub mod login;
pub mod mss;
pub mod outbox;
pub mod patient_list;
pub mod pdf_view;
pub mod portability;
pub mod produce;
pub mod services;
pub mod settings;
pub mod structured_view;
pub mod widgets;

pub use context::{Notice, NoticeLevel, Rights, ScreenCtx, StoreStatus, TaskProgress};

use crate::i18n::Language;
use crate::worker::Request;

/// The main screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Login,
    Patients,
    Folder,
    Document,
    Produce,
    /// "Réception": what the hospital sends (documents to reconcile, received documents,
    /// identity vigilance).
    Inbox,
    /// "Envois DMP": the service's outbox (documents on their way to the DMP).
    Outbox,
    /// "Annuaire": the professionals' directory (MSSanté mailboxes).
    Directory,
    /// "Comptes": the local accounts (administrators).
    Accounts,
    /// « Sauvegardes »: backups of the single workstation's store (administrators).
    Backups,
    /// « Indicateurs »: the usage indicators, charts and CSV export (administrators).
    Indicators,
    /// « Export / import »: data portability archives (administrators).
    Portability,
}

/// What a screen asks for; applied by the app after layout, so that nothing changes while a
/// frame is drawn. Screens change their own state themselves; these are the wishes that reach
/// beyond it.
#[must_use]
pub enum Command {
    /// Ask the workers: the one way screens reach them.
    Send(Request),
    /// Open the production form for the patient of the current folder.
    StartProduction,
    /// Open the production form for a new version of a produced document (same kind and
    /// title, its visibility): it replaces it, in the DMP too.
    StartReplacement {
        document: crate::domain::DocumentId,
        type_code: String,
        title: String,
        visibility: crate::domain::Visibility,
    },
    /// Open a patient's folder, then one of its documents once the folder is loaded.
    OpenFolderDocument {
        patient: crate::domain::PatientId,
        document: crate::domain::DocumentId,
    },
    Navigate(Screen),
    SetLanguage(Language),
    SetDark(bool),
    ShowAbout(bool),
    ShowSettings(bool),
    /// Lock the session now (Ctrl+L or the menu).
    Lock,
    /// Tell the user something in the status bar.
    Notify(&'static str, NoticeLevel),
    DismissNotice(&'static str),
}
