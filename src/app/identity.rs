//! The lock rules on the app's side: pulling the card that opened the session, no input for
//! the configured time, or Ctrl+L hides every piece of patient data behind the lock screen;
//! card events decide between locking, unlocking, switching user and signing in.

use std::time::Instant;

use super::ChevetApp;
use crate::auth::lock::{self, CardDecision, LockReason};
use crate::worker::{CardStatus, Request};

impl ChevetApp {
    /// Hides everything behind the lock screen and tells the workers (audit trail).
    pub(super) fn lock_session(&mut self, reason: LockReason) {
        if self.session.is_none() || self.locked.is_some() {
            return;
        }
        self.locked = Some(reason);
        self.login.on_locked();
        self.send(Request::Lock { reason });
    }

    /// Keyboard or pointer input pushes the inactivity lock back; past the limit, locks.
    pub(super) fn watch_inactivity(&mut self, ctx: &egui::Context) {
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

    /// `Event::Card`: the login screen shows the reader; pulling the session's card locks.
    pub(super) fn on_card(&mut self, status: CardStatus) {
        let decision = match &status {
            CardStatus::Inserted {
                certificate_sha256, ..
            } => lock::on_card_inserted(
                self.session.as_ref(),
                self.locked.is_some(),
                certificate_sha256,
            ),
            CardStatus::Removed => {
                lock::on_card_removed(self.session.as_ref(), self.locked.is_some())
            }
            _ => CardDecision::Ignore,
        };
        let pin_wanted = matches!(
            decision,
            CardDecision::PinToLogin | CardDecision::PinToUnlock | CardDecision::SwitchUser
        );
        self.login
            .on_card(status, pin_wanted, decision == CardDecision::PinToLogin);
        if decision == CardDecision::Lock {
            self.lock_session(LockReason::CardRemoved);
        }
    }

    /// `Event::Unlocked`.
    pub(super) fn on_unlocked(&mut self) {
        self.locked = None;
        self.login.on_unlocked();
        self.inactivity.touch(Instant::now());
    }
}
