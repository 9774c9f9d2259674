//! Applying the commands the screens return, after layout, so that no state changes while a
//! frame is being drawn.

use super::ChevetApp;
use crate::i18n::I18n;
use crate::ui::{Command, Screen};
use crate::worker::{Request, TaskId};

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
            Command::SignIn(request) => {
                self.login.pending = true;
                self.login.error = None;
                self.send(request);
            }
            Command::Search => {
                let request = self.patients.search_request();
                self.send(request);
            }
            Command::OpenPatient(patient) => self.send(Request::OpenFolder { patient }),
            Command::OpenDocument(document) => {
                if let Some(folder) = &mut self.folder {
                    folder.documents.opening = Some(document);
                }
                self.send(Request::OpenDocument { document });
            }
            Command::StartProduction => {
                if let Some(folder) = &self.folder {
                    let p = &folder.patient;
                    self.produce = Some(crate::ui::produce::ProduceState::new(
                        p.id,
                        p.display_name(),
                        folder.episodes.clone(),
                        p.identity.status.ins_usable() && p.identity.ins.is_some(),
                    ));
                    self.screen = Screen::Produce;
                }
            }
            Command::Navigate(screen) => self.navigate(screen),
            Command::SetLanguage(lang) => {
                self.i18n = I18n::new(lang);
                self.send(Request::SaveSetting {
                    key: "ui.language".into(),
                    value: lang.code().into(),
                });
            }
            Command::SetDark(dark) => {
                self.dark = dark;
                apply_theme(ctx, dark);
                self.send(Request::SaveSetting {
                    key: "ui.dark".into(),
                    value: dark.to_string(),
                });
            }
            Command::ShowAbout(open) => self.about_open = open,
            Command::ShowSettings(open) => self.settings.open = open,
            Command::Logout => self.send(Request::Logout),
            Command::Lock => self.lock_session(crate::auth::lock::LockReason::User),
            Command::ProviderLogin {
                provider,
                ciba_national_id,
            } => {
                let task = TaskId::next();
                self.login.error = None;
                self.login.pending = true;
                match ciba_national_id {
                    Some(national_id) => {
                        self.login.flow = Some(crate::ui::login::ExternalFlow::Ciba {
                            task,
                            binding_message: None,
                            seconds_left: None,
                        });
                        self.send(Request::CibaLogin {
                            task,
                            provider,
                            national_id,
                        });
                    }
                    None => {
                        self.login.flow = Some(crate::ui::login::ExternalFlow::Browser {
                            task,
                            provider: provider.clone(),
                            waiting: false,
                        });
                        self.send(Request::ProviderLogin { task, provider });
                    }
                }
            }
            Command::CancelLogin => {
                use crate::ui::login::ExternalFlow;
                match self.login.flow.take() {
                    Some(ExternalFlow::Browser { task, .. } | ExternalFlow::Ciba { task, .. }) => {
                        self.send(Request::Cancel { task });
                    }
                    Some(_) => self.send(Request::AbandonLogin),
                    None => {}
                }
                self.login.pending = false;
                self.login.clear_secrets();
            }
            Command::SetDmpCountKinds(codes) => self.settings.dmp_count_kinds = codes,
            Command::SubmitPin => {
                self.login.pending = true;
                self.login.error = None;
                self.login.pin_outcome = None;
                let pin = std::mem::take(&mut self.login.pin);
                self.send(Request::CardPin { pin });
            }
            Command::GeneratePatients(count) => {
                let task = TaskId::next();
                self.settings.generation_task = Some(task);
                self.send(Request::GeneratePatients { task, count });
            }
            Command::CancelTask(task) => self.send(Request::Cancel { task }),
            Command::VerifyAudit => {
                self.settings.audit_result = None;
                self.send(Request::VerifyAudit);
            }
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
                self.patients.request_focus = true;
                self.screen = Screen::Patients;
            }
            Screen::Folder if self.folder.is_some() => self.screen = Screen::Folder,
            Screen::Document if self.document.is_some() => self.screen = Screen::Document,
            Screen::Produce if self.produce.is_some() => self.screen = Screen::Produce,
            Screen::Login | Screen::Folder | Screen::Document | Screen::Produce => {}
        }
    }
}
