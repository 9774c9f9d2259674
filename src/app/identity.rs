//! Applying the identity events (providers, CIBA, card, first-login link, unlock) and the
//! lock rules: pulling the card that opened the session, no input for the configured time,
//! or Ctrl+L hides every piece of patient data behind the lock screen.

use std::time::Instant;

use super::{ChevetApp, NoticeLevel};
use crate::auth::lock::{self, CardDecision, LockReason};
use crate::ui::login::{ExternalFlow, LoginTab};
use crate::worker::{CardStatus, PinOutcome, Request, TaskId};

impl ChevetApp {
    /// Hides everything behind the lock screen and tells the workers (audit trail).
    pub(crate) fn lock_session(&mut self, reason: LockReason) {
        if self.session.is_none() || self.locked.is_some() {
            return;
        }
        self.locked = Some(reason);
        self.login.clear_secrets();
        self.login.pin_outcome = None;
        self.login.error = None;
        self.send(Request::Lock { reason });
    }

    /// Keyboard or pointer input pushes the inactivity lock back; past the limit, locks.
    pub(crate) fn watch_inactivity(&mut self, ctx: &egui::Context) {
        let now = Instant::now();
        let active =
            ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving() || i.pointer.any_down());
        if active {
            self.inactivity.touch(now);
        }
        if self.session.is_none() || self.locked.is_some() {
            return;
        }
        if self.inactivity.expired(now) {
            self.lock_session(LockReason::Inactivity);
        } else if let Some(left) = self.inactivity.remaining(now) {
            ctx.request_repaint_after(left);
        }
    }

    pub(super) fn on_card(&mut self, status: CardStatus) {
        let decision = match &status {
            CardStatus::Inserted { serial, .. } => {
                lock::on_card_inserted(self.session.as_ref(), self.locked.is_some(), serial)
            }
            CardStatus::Removed => {
                lock::on_card_removed(self.session.as_ref(), self.locked.is_some())
            }
            _ => CardDecision::Ignore,
        };
        self.login.card = Some(status);
        self.login.pin_outcome = None;
        match decision {
            CardDecision::Lock => self.lock_session(LockReason::CardRemoved),
            CardDecision::PinToLogin => {
                self.login.tab = LoginTab::Card;
                self.login.pin_focus = true;
            }
            CardDecision::PinToUnlock | CardDecision::SwitchUser => self.login.pin_focus = true,
            CardDecision::Ignore => {}
        }
    }

    pub(super) fn on_pin_refused(&mut self, outcome: PinOutcome) {
        self.login.pending = false;
        self.login.clear_secrets();
        self.login.pin_outcome = Some(outcome);
        self.login.pin_focus = true;
    }

    pub(super) fn on_unlocked(&mut self) {
        self.locked = None;
        self.login.pending = false;
        self.login.flow = None;
        self.login.clear_secrets();
        self.inactivity.touch(Instant::now());
    }

    pub(super) fn on_browser_waiting(&mut self, task: TaskId) {
        if let Some(ExternalFlow::Browser {
            task: t, waiting, ..
        }) = &mut self.login.flow
            && *t == task
        {
            *waiting = true;
        }
    }

    pub(super) fn on_ciba_started(&mut self, task: TaskId, binding: String, expires_in_s: u64) {
        if let Some(ExternalFlow::Ciba {
            task: t,
            binding_message,
            seconds_left,
        }) = &mut self.login.flow
            && *t == task
        {
            *binding_message = Some(binding);
            *seconds_left = Some(expires_in_s);
        }
    }

    pub(super) fn on_ciba_countdown(&mut self, task: TaskId, left: u64) {
        if let Some(ExternalFlow::Ciba {
            task: t,
            seconds_left,
            ..
        }) = &mut self.login.flow
            && *t == task
        {
            *seconds_left = Some(left);
        }
    }

    /// A login task ended; a flow still waiting on it is over (cancelled or failed).
    pub(super) fn on_login_task_finished(&mut self, task: TaskId, cancelled: bool) {
        let waiting_on_it = matches!(
            &self.login.flow,
            Some(ExternalFlow::Browser { task: t, .. } | ExternalFlow::Ciba { task: t, .. }) if *t == task
        );
        if waiting_on_it {
            self.login.flow = None;
            self.login.pending = false;
            if cancelled {
                self.notify("login-cancelled", NoticeLevel::Info);
            }
        }
    }

    pub(super) fn on_choose_activity(&mut self, activities: Vec<String>) {
        self.login.pending = false;
        self.login.flow = Some(ExternalFlow::ChooseActivity { activities });
    }

    pub(super) fn on_needs_link(
        &mut self,
        display_name: String,
        suggested_login: Option<String>,
        can_create: bool,
    ) {
        self.login.pending = false;
        self.login.login = suggested_login.clone().unwrap_or_default();
        self.login.flow = Some(ExternalFlow::Link {
            display_name,
            suggested_login,
            can_create,
            requested: false,
        });
    }

    pub(super) fn on_link_requested(&mut self) {
        self.login.pending = false;
        self.login.clear_secrets();
        if let Some(ExternalFlow::Link { requested, .. }) = &mut self.login.flow {
            *requested = true;
        }
    }
}
