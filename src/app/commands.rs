//! Applying the commands the screens return, after layout, so that no state changes while a
//! frame is being drawn. Screens made their own transitions already; what is left is what
//! reaches beyond one screen: asking the workers, navigation, language, theme, windows, the
//! lock, notices.

use super::ChevetApp;
use crate::auth::lock::LockReason;
use crate::i18n::I18n;
use crate::ui::{Command, Screen};
use crate::worker::Request;

/// Light or dark visuals, kept with egui's defaults otherwise.
pub fn apply_theme(ctx: &egui::Context, dark: bool) {
    ctx.set_theme(if dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    });
}

impl ChevetApp {
    pub(super) fn apply_command(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::Send(request) => self.send(request),
            Command::StartProduction => {
                if let Some(folder) = &self.folder {
                    self.produce = Some(folder.production());
                    self.screen = Screen::Produce;
                }
            }
            Command::StartReplacement {
                document,
                type_code,
                title,
                visibility,
            } => {
                if let Some(folder) = &self.folder {
                    self.produce = Some(
                        folder
                            .production()
                            .replacing(document, &type_code, &title, visibility),
                    );
                    self.screen = Screen::Produce;
                }
            }
            Command::OpenFolderDocument { patient, document } => {
                // The document opens once its folder is loaded (it would replace it otherwise).
                self.open_after_folder = Some(document);
                self.send(Request::OpenFolder { patient });
            }
            Command::Navigate(screen) => self.navigate(screen),
            Command::SetLanguage(lang) => {
                self.i18n = I18n::new(lang);
                self.save_display();
            }
            Command::SetDark(dark) => {
                self.dark = dark;
                apply_theme(ctx, dark);
                self.save_display();
            }
            Command::ShowAbout(open) => self.about_open = open,
            Command::ShowSettings(open) => {
                if open && !self.settings.is_open() && self.session.is_some() {
                    self.send(Request::ServiceStatus);
                }
                self.settings.set_open(open);
            }
            Command::Lock => self.lock_session(LockReason::User),
            Command::Notify(id, level) => self.notify(id, level),
            Command::DismissNotice(id) => self.notices.retain(|n| n.id != id),
        }
    }

    fn navigate(&mut self, screen: Screen) {
        if self.session.is_none() {
            self.screen = Screen::Login;
            return;
        }
        match screen {
            Screen::Patients => {
                self.patients.focus_search();
                self.screen = Screen::Patients;
            }
            Screen::Folder if self.folder.is_some() => self.screen = Screen::Folder,
            Screen::Document if self.document.is_some() => self.screen = Screen::Document,
            Screen::Produce if self.produce.is_some() => self.screen = Screen::Produce,
            Screen::Inbox => self.show_inbox(),
            Screen::Outbox if self.rights.feed_dmp => self.show_outbox(),
            Screen::Directory if self.rights.open_folder => self.show_directory(),
            Screen::Accounts if self.rights.manage_accounts => self.show_accounts(),
            Screen::Backups if self.rights.manage_accounts => {
                self.backups.on_shown();
                self.send(Request::Backups);
                self.screen = Screen::Backups;
            }
            Screen::Indicators if self.rights.export_indicators => self.show_indicators(),
            Screen::Portability => {
                if self.rights.manage_accounts {
                    self.screen = Screen::Portability;
                }
            }
            Screen::Login
            | Screen::Folder
            | Screen::Document
            | Screen::Produce
            | Screen::Outbox
            | Screen::Directory
            | Screen::Accounts
            | Screen::Backups
            | Screen::Indicators => {}
        }
    }
}
