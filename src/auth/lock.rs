//! When a session locks and how it unlocks, as pure rules (no clock, no I/O): pulling the card
//! that opened the session locks it at once; the same card — the same authentication
//! certificate, not merely the same national id or serial — and its PIN unlock it; another
//! card switches user; no input for the configured time locks it too. The app applies the
//! decisions; the workers trace them and make the final unlock decision (`unlocks`).

use std::time::{Duration, Instant};

use super::{LoginMethod, Session};

/// Inactivity before the lock when nothing is configured.
pub const DEFAULT_INACTIVITY: Duration = Duration::from_secs(10 * 60);

/// The inactivity limit from the configured minutes: default when unset, never with 0.
pub fn inactivity_limit(minutes: Option<u64>) -> Option<Duration> {
    match minutes {
        None => Some(DEFAULT_INACTIVITY),
        Some(0) => None,
        Some(m) => Some(Duration::from_secs(m.saturating_mul(60))),
    }
}

/// Why the screen is locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockReason {
    CardRemoved,
    Inactivity,
    /// The user asked for it (Ctrl+L).
    User,
}

impl LockReason {
    /// Audit detail.
    pub fn code(self) -> &'static str {
        match self {
            Self::CardRemoved => "card.removed",
            Self::Inactivity => "inactivity",
            Self::User => "user",
        }
    }

    /// Fluent id of the explanation on the lock screen.
    pub fn message_id(self) -> &'static str {
        match self {
            Self::CardRemoved => "lock-reason-card",
            Self::Inactivity => "lock-reason-inactivity",
            Self::User => "lock-reason-user",
        }
    }
}

/// What a card event means for the current session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardDecision {
    /// Nothing to do.
    Ignore,
    /// Lock now.
    Lock,
    /// Ask the PIN to open a session for the holder.
    PinToLogin,
    /// Ask the PIN to unlock the session (same card).
    PinToUnlock,
    /// Another card: the current session ends, the PIN opens the holder's.
    SwitchUser,
}

/// The certificate (SHA-256) of the card that opened `session`, if any.
fn session_card(session: Option<&Session>) -> Option<&str> {
    match session.map(|s| &s.method) {
        Some(LoginMethod::Card {
            certificate_sha256, ..
        }) => Some(certificate_sha256),
        _ => None,
    }
}

/// Whether a login proven by `presented` may unlock a locked session opened by `current`, for
/// the same account: a card session only with the same certificate (a renewed or another card
/// of the same holder opens a new session instead); other sessions as before.
pub fn unlocks(current: &LoginMethod, presented: &LoginMethod) -> bool {
    match (current, presented) {
        (
            LoginMethod::Card {
                certificate_sha256: held,
                ..
            },
            LoginMethod::Card {
                certificate_sha256: shown,
                ..
            },
        ) => !held.is_empty() && held == shown,
        (LoginMethod::Card { .. }, _) => false,
        _ => true,
    }
}

/// The card left the reader.
pub fn on_card_removed(session: Option<&Session>, locked: bool) -> CardDecision {
    if session_card(session).is_some() && !locked {
        CardDecision::Lock
    } else {
        CardDecision::Ignore
    }
}

/// A card was inserted and its holder read (certificate known, no PIN yet).
pub fn on_card_inserted(
    session: Option<&Session>,
    locked: bool,
    certificate_sha256: &str,
) -> CardDecision {
    match (session, session_card(session)) {
        (None, _) => CardDecision::PinToLogin,
        (Some(_), Some(current)) if current == certificate_sha256 => {
            if locked {
                CardDecision::PinToUnlock
            } else {
                CardDecision::Ignore
            }
        }
        (Some(_), Some(_)) => CardDecision::SwitchUser,
        // A session opened another way: a card does not replace it unless it is locked.
        (Some(_), None) if locked => CardDecision::SwitchUser,
        (Some(_), None) => CardDecision::Ignore,
    }
}

/// Locks after a period without keyboard or pointer input.
#[derive(Debug, Clone, Copy)]
pub struct InactivityClock {
    limit: Option<Duration>,
    last_input: Instant,
}

impl InactivityClock {
    /// `limit` of `None` never locks.
    pub fn new(limit: Option<Duration>, now: Instant) -> Self {
        Self {
            limit,
            last_input: now,
        }
    }

    pub fn set_limit(&mut self, limit: Option<Duration>) {
        self.limit = limit;
    }

    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }

    pub fn touch(&mut self, now: Instant) {
        self.last_input = now;
    }

    /// True once the limit has passed since the last input.
    pub fn expired(&self, now: Instant) -> bool {
        self.limit
            .is_some_and(|limit| now.saturating_duration_since(self.last_input) >= limit)
    }

    /// Time left before locking, for the next wake-up.
    pub fn remaining(&self, now: Instant) -> Option<Duration> {
        self.limit
            .map(|limit| limit.saturating_sub(now.saturating_duration_since(self.last_input)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::accounts::AccountId;

    fn session(method: LoginMethod) -> Session {
        Session {
            account_id: AccountId(1),
            login: "x".into(),
            display_name: "X".into(),
            role: Role::Medecin,
            professional: None,
            method,
            activity: None,
        }
    }

    fn card(serial: &str, certificate: &str) -> LoginMethod {
        LoginMethod::Card {
            serial: serial.into(),
            certificate_sha256: certificate.into(),
        }
    }

    #[test]
    fn card_sessions_lock_on_removal_and_unlock_with_the_same_card() {
        let s = session(card("1", "A"));
        assert_eq!(on_card_removed(Some(&s), false), CardDecision::Lock);
        assert_eq!(on_card_removed(Some(&s), true), CardDecision::Ignore);
        assert_eq!(
            on_card_inserted(Some(&s), true, "A"),
            CardDecision::PinToUnlock
        );
        assert_eq!(
            on_card_inserted(Some(&s), true, "B"),
            CardDecision::SwitchUser
        );
        assert_eq!(on_card_inserted(Some(&s), false, "A"), CardDecision::Ignore);
        assert_eq!(on_card_inserted(None, false, "A"), CardDecision::PinToLogin);
    }

    /// Issue 17: the certificate decides, not the serial nor the national id.
    #[test]
    fn issue17_only_the_same_certificate_unlocks_a_card_session() {
        let s = session(card("SERIAL-1", "cert-a"));
        // Same serial, another certificate (a forged or re-issued card): another user's card.
        assert_eq!(
            on_card_inserted(Some(&s), true, "cert-b"),
            CardDecision::SwitchUser
        );
        assert!(unlocks(&s.method, &card("SERIAL-1", "cert-a")));
        assert!(!unlocks(&s.method, &card("SERIAL-1", "cert-b")));
        assert!(!unlocks(&s.method, &card("SERIAL-1", "")));
        assert!(!unlocks(&s.method, &LoginMethod::Password));
        assert!(!unlocks(
            &s.method,
            &LoginMethod::Provider { id: "psc".into() }
        ));
        // A password session may still be unlocked by the account's card (strong proof).
        assert!(unlocks(&LoginMethod::Password, &card("1", "cert-a")));
        assert!(!unlocks(&card("1", ""), &card("1", "")));
    }

    #[test]
    fn other_sessions_ignore_cards_unless_locked() {
        let s = session(LoginMethod::Password);
        assert_eq!(on_card_removed(Some(&s), false), CardDecision::Ignore);
        assert_eq!(on_card_inserted(Some(&s), false, "A"), CardDecision::Ignore);
        assert_eq!(
            on_card_inserted(Some(&s), true, "A"),
            CardDecision::SwitchUser
        );
    }

    #[test]
    fn inactivity_clock() {
        let t0 = Instant::now();
        let mut clock = InactivityClock::new(Some(Duration::from_secs(60)), t0);
        assert!(!clock.expired(t0 + Duration::from_secs(59)));
        assert!(clock.expired(t0 + Duration::from_secs(60)));
        clock.touch(t0 + Duration::from_secs(50));
        assert!(!clock.expired(t0 + Duration::from_secs(100)));
        assert_eq!(
            clock.remaining(t0 + Duration::from_secs(100)),
            Some(Duration::from_secs(10))
        );
        clock.set_limit(None);
        assert!(!clock.expired(t0 + Duration::from_secs(10_000)));
    }
}
