//! Composes the window: the lock screen alone when locked; otherwise the top and status bars,
//! the current screen, and the About and Settings windows. Each screen gets its own state and
//! the narrow context; the commands they return are applied after layout.

use super::ChevetApp;
use crate::ui::chrome::{Whereabouts, degraded_banner_ui, status_bar_ui, top_bar_ui};
use crate::ui::{
    Command, NoticeLevel, Screen, about, directory, document, folder, inbox, lock, login, outbox,
    patient_list, produce,
};
use crate::worker::CardStatus;
use crate::worker::Request;

impl ChevetApp {
    /// Lays out the whole window and returns what the screens asked for.
    pub(super) fn layout_ui(&mut self, ui: &mut egui::Ui) -> Vec<Command> {
        let mut commands = Vec::new();
        let screen_ctx = super::screen_ctx(&self.i18n, &self.options, self.rights, self.dark);
        // Locked: the lock screen alone, no bar, no window — nothing of any patient.
        if let (Some(reason), Some(session)) = (self.locked, self.session.as_ref()) {
            let form = &mut self.login;
            egui::CentralPanel::default().show(ui, |ui| {
                lock::lock_ui(ui, &screen_ctx, session, reason, form, &mut commands);
            });
            return commands;
        }
        if self.session.is_some()
            && ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::L))
        {
            commands.push(Command::Lock);
        }
        if self.session.is_some() {
            dropped_archives_ui(ui, &mut self.inbox, &mut commands);
        }
        let at = Whereabouts {
            session: self.session.as_ref(),
            screen: self.screen,
            has_folder: self.folder.is_some(),
            intake: self.intake_counts,
            outbox_attention: self.rights.feed_dmp.then_some(self.outbox_attention),
        };
        top_bar_ui(ui, &screen_ctx, &at, &mut commands);
        if let Some(since) = &self.degraded_since {
            degraded_banner_ui(ui, &screen_ctx, since);
        }
        // During a session the virtual card can be pulled like a real one.
        let virtual_card_in = self.session.is_some()
            && matches!(
                self.login.card(),
                Some(CardStatus::Inserted {
                    virtual_card: true,
                    ..
                })
            );
        status_bar_ui(
            ui,
            &screen_ctx,
            &self.tasks,
            &self.notices,
            virtual_card_in,
            &mut commands,
        );
        // Without a session nothing but the login screen is drawn: no patient data shows.
        let screen = if self.session.is_some() {
            self.screen
        } else {
            Screen::Login
        };
        egui::CentralPanel::default().show(ui, |ui| match screen {
            Screen::Login => {
                login::login_ui(ui, &screen_ctx, &self.store, &mut self.login, &mut commands);
            }
            Screen::Patients => {
                patient_list::patient_list_ui(
                    ui,
                    screen_ctx.i18n,
                    &mut self.patients,
                    &mut commands,
                );
            }
            Screen::Folder => match self.folder.as_mut() {
                Some(f) => folder::folder_ui(ui, &screen_ctx, f, &mut commands),
                None => {
                    ui.spinner();
                }
            },
            Screen::Document => match self.document.as_mut() {
                Some(d) => document::document_ui(ui, &screen_ctx, d, &mut commands),
                None => {
                    ui.spinner();
                }
            },
            Screen::Inbox => {
                let inbox = &mut self.inbox;
                let preview = self
                    .document
                    .as_mut()
                    .filter(|d| inbox.previews(d.reference()));
                inbox::inbox_ui(ui, &screen_ctx, inbox, preview, &mut commands);
            }
            Screen::Outbox => {
                outbox::outbox_ui(ui, &screen_ctx, &mut self.outbox, &mut commands);
            }
            Screen::Directory => {
                directory::directory_ui(ui, &screen_ctx, &mut self.directory, &mut commands);
            }
            Screen::Accounts => {
                crate::ui::accounts::accounts_ui(
                    ui,
                    &screen_ctx,
                    &mut self.accounts,
                    &mut commands,
                );
            }
            Screen::Portability => {
                crate::ui::portability::portability_ui(
                    ui,
                    &screen_ctx,
                    &mut self.portability,
                    &mut commands,
                );
            }
            Screen::Indicators => {
                crate::ui::indicators::indicators_ui(
                    ui,
                    &screen_ctx,
                    &mut self.indicators,
                    &mut commands,
                );
            }
            Screen::Backups => {
                crate::ui::backups::backups_ui(ui, &screen_ctx, &mut self.backups, &mut commands);
            }
            Screen::Produce => match (self.produce.as_mut(), self.folder.as_mut()) {
                (Some(p), _) => produce::produce_ui(ui, screen_ctx.i18n, p, &mut commands),
                (None, Some(f)) => folder::folder_ui(ui, &screen_ctx, f, &mut commands),
                (None, None) => {
                    ui.spinner();
                }
            },
        });
        if self.about_open {
            about::about_ui(ui, &screen_ctx, &mut commands);
        }
        if self.settings.is_open() {
            crate::ui::settings::settings_ui(
                ui,
                &screen_ctx,
                &mut self.settings,
                &self.store,
                &mut commands,
            );
        }
        commands
    }
}

/// An XDM archive (.zip) dropped on the window is imported into the inbox, which shows.
fn dropped_archives_ui(ui: &egui::Ui, inbox: &mut inbox::InboxState, commands: &mut Vec<Command>) {
    let dropped: Vec<std::path::PathBuf> = ui.input(|i| {
        i.raw
            .dropped_files
            .iter()
            .map(|f| f.path().to_path_buf())
            .filter(|p| !p.as_os_str().is_empty())
            .collect()
    });
    for path in dropped {
        let zip = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
        if zip {
            inbox.on_import_started();
            commands.push(Command::Navigate(Screen::Inbox));
            commands.push(Command::Send(Request::ImportXdm { path }));
        } else {
            commands.push(Command::Notify(
                "inbox-xdm-drop-zip-only",
                NoticeLevel::Warning,
            ));
        }
    }
}
