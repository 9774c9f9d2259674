//! Applying what the workers say about local accounts: the administration screen's list, the
//! temporary passwords and the export; the user's own enrolment and password change, in the
//! settings window; and the session made strong once a second factor is enrolled.

use super::ChevetApp;
use crate::ui::{NoticeLevel, Screen};
use crate::worker::{Event, Request};

impl ChevetApp {
    /// The accounts' events (`apply_event` hands them over).
    pub(super) fn apply_accounts_event(&mut self, event: Event) {
        match event {
            Event::Accounts(rows) => self.accounts.on_accounts(rows),
            Event::TemporaryPassword { login, password } => {
                self.accounts.on_temporary_password(login, password);
            }
            Event::AccountsExported { path } => self.accounts.on_exported(path),
            Event::EnrolmentStarted { secret, uri } => {
                self.settings
                    .security_mut()
                    .on_enrolment_started(secret, uri);
            }
            Event::SecondFactorEnrolled {
                recovery_codes,
                session,
            } => self.on_second_factor_enrolled(recovery_codes, session),
            Event::PasswordChanged => self.settings.security_mut().on_password_changed(),
            _ => {}
        }
    }

    /// The second factor is enrolled: the session, now strong, may reach the DMP; the open
    /// folder asks the DMP again.
    fn on_second_factor_enrolled(
        &mut self,
        codes: Vec<zeroize::Zeroizing<String>>,
        session: crate::auth::Session,
    ) {
        self.settings.security_mut().on_enrolled(codes);
        if self
            .session
            .as_ref()
            .is_some_and(|s| s.account_id == session.account_id)
        {
            self.session = Some(session);
        }
        self.notify("security-enrolled", NoticeLevel::Info);
        if let Some(patient) = self.folder.as_ref().map(|f| f.patient_id()) {
            self.send(Request::RefreshDmp { patient });
        }
    }

    /// "Comptes": the list is asked for each time it shows.
    pub(super) fn show_accounts(&mut self) {
        self.accounts.on_shown();
        self.send(Request::Accounts);
        self.screen = Screen::Accounts;
    }
}
