//! The provider's memory: pending login pages, authorization codes, sessions, access and
//! refresh tokens and CIBA requests, each in a bounded map that drops expired entries. Every
//! operation takes the current instant, so that lifetimes are tested without waiting.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::demo::DemoPro;

/// Most entries of each kind kept at once; past it the entry closest to expiry is dropped.
pub(crate) const MAX_ENTRIES: usize = 1024;
/// Most CIBA requests pending at once; more are refused.
pub(crate) const MAX_PENDING_CIBA: usize = 64;
/// How long a login page may be answered.
pub(crate) const INTERACTION_TTL: Duration = Duration::from_secs(600);
/// How long an authorization code may be redeemed.
pub(crate) const CODE_TTL: Duration = Duration::from_secs(60);
/// Longest session (PSC: 4 h); refresh tokens do not outlive it.
pub(crate) const SESSION_MAX: Duration = Duration::from_secs(4 * 3600);
/// How long an expired CIBA request is remembered, to answer `expired_token`.
const CIBA_GRACE: Duration = Duration::from_secs(600);

/// A random URL-safe identifier of `bytes` random bytes.
pub(crate) fn random_id(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut buf);
    crate::auth::oidc::jose::b64url(&buf)
}

/// `now + d`, saturating far in the future instead of overflowing.
pub(crate) fn later(now: Instant, d: Duration) -> Instant {
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(86400 * 365))
}

trait Expiring {
    /// When the entry may be forgotten.
    fn forget_at(&self) -> Instant;
}

#[derive(Debug)]
struct Bounded<T> {
    map: HashMap<String, T>,
    cap: usize,
}

impl<T: Expiring> Bounded<T> {
    fn new(cap: usize) -> Self {
        Self {
            map: HashMap::new(),
            cap,
        }
    }

    fn purge(&mut self, now: Instant) {
        self.map.retain(|_, v| v.forget_at() > now);
    }

    fn insert(&mut self, key: String, value: T, now: Instant) {
        self.purge(now);
        while self.map.len() >= self.cap {
            let oldest = self
                .map
                .iter()
                .min_by_key(|(_, v)| v.forget_at())
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => {
                    self.map.remove(&k);
                }
                None => break,
            }
        }
        self.map.insert(key, value);
    }

    /// The live entry under `key`.
    fn get_mut(&mut self, key: &str, now: Instant) -> Option<&mut T> {
        self.map.get_mut(key).filter(|v| v.forget_at() > now)
    }

    /// Removes and returns the live entry under `key`.
    fn take(&mut self, key: &str, now: Instant) -> Option<T> {
        self.map.remove(key).filter(|v| v.forget_at() > now)
    }
}

/// What the client asked for when the login page was shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthRequest {
    pub redirect_uri: String,
    pub state: String,
    pub nonce: Option<String>,
    pub code_challenge: String,
    pub scope: String,
}

#[derive(Debug)]
struct Interaction {
    request: AuthRequest,
    expires: Instant,
}

impl Expiring for Interaction {
    fn forget_at(&self) -> Instant {
        self.expires
    }
}

/// An authorization code waiting to be redeemed.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub session: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    expires: Instant,
}

impl Expiring for Code {
    fn forget_at(&self) -> Instant {
        self.expires
    }
}

/// A login of one professional.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    pub pro: &'static DemoPro,
    /// Unix seconds.
    pub auth_time: i64,
    pub nonce: Option<String>,
    pub scope: String,
    pub expires: Instant,
}

impl Expiring for Session {
    fn forget_at(&self) -> Instant {
        self.expires
    }
}

#[derive(Debug)]
struct Token {
    session: String,
    expires: Instant,
}

impl Expiring for Token {
    fn forget_at(&self) -> Instant {
        self.expires
    }
}

/// Where a CIBA request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CibaStatus {
    Pending,
    Approved,
    Denied,
}

#[derive(Debug, Clone)]
pub(crate) struct Ciba {
    /// Public id shown on the e-CPS page (not the `auth_req_id`).
    pub public_id: String,
    pub pro: &'static DemoPro,
    pub binding_message: String,
    pub scope: String,
    pub status: CibaStatus,
    pub created: Instant,
    pub expires: Instant,
    pub last_poll: Option<Instant>,
}

impl Expiring for Ciba {
    fn forget_at(&self) -> Instant {
        later(self.expires, CIBA_GRACE)
    }
}

impl Ciba {
    /// The status, counting an automatic approval due by `now`.
    fn effective(&self, now: Instant, auto_approve: Option<Duration>) -> CibaStatus {
        match (self.status, auto_approve) {
            (CibaStatus::Pending, Some(after)) if now >= later(self.created, after) => {
                CibaStatus::Approved
            }
            (status, _) => status,
        }
    }
}

/// What a poll of the token endpoint finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Poll {
    Unknown,
    Expired,
    Denied,
    SlowDown,
    Pending,
    /// Approved: the request is consumed and a session opened under this id.
    Approved {
        session: String,
    },
}

/// A pending CIBA request as the e-CPS page and the handle see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCiba {
    pub id: String,
    pub national_id: String,
    pub binding_message: String,
    pub expires_in_s: u64,
}

/// The whole memory.
#[derive(Debug)]
pub(crate) struct Store {
    interactions: Bounded<Interaction>,
    codes: Bounded<Code>,
    sessions: Bounded<Session>,
    access: Bounded<Token>,
    refresh: Bounded<Token>,
    ciba: Bounded<Ciba>,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            interactions: Bounded::new(MAX_ENTRIES),
            codes: Bounded::new(MAX_ENTRIES),
            sessions: Bounded::new(MAX_ENTRIES),
            access: Bounded::new(MAX_ENTRIES),
            refresh: Bounded::new(MAX_ENTRIES),
            ciba: Bounded::new(MAX_ENTRIES),
        }
    }
}

impl Store {
    /// Remembers the request behind a login page; returns the one-time interaction id.
    pub fn new_interaction(&mut self, request: AuthRequest, now: Instant) -> String {
        let id = random_id(24);
        let interaction = Interaction {
            request,
            expires: later(now, INTERACTION_TTL),
        };
        self.interactions.insert(id.clone(), interaction, now);
        id
    }

    /// Consumes a login page's interaction.
    pub fn take_interaction(&mut self, id: &str, now: Instant) -> Option<AuthRequest> {
        self.interactions.take(id, now).map(|i| i.request)
    }

    /// Opens a session for `pro`; returns its id.
    pub fn open_session(
        &mut self,
        pro: &'static DemoPro,
        nonce: Option<String>,
        scope: String,
        now: Instant,
    ) -> String {
        let id = random_id(16);
        let session = Session {
            pro,
            auth_time: chrono::Utc::now().timestamp(),
            nonce,
            scope,
            expires: later(now, SESSION_MAX),
        };
        self.sessions.insert(id.clone(), session, now);
        id
    }

    pub fn session(&mut self, id: &str, now: Instant) -> Option<Session> {
        self.sessions.get_mut(id, now).map(|s| s.clone())
    }

    /// Issues a single-use code for a session.
    pub fn new_code(&mut self, session: String, request: &AuthRequest, now: Instant) -> String {
        let code = random_id(32);
        let value = Code {
            session,
            redirect_uri: request.redirect_uri.clone(),
            code_challenge: request.code_challenge.clone(),
            expires: later(now, CODE_TTL),
        };
        self.codes.insert(code.clone(), value, now);
        code
    }

    /// Consumes a code (a second use finds nothing).
    pub fn take_code(&mut self, code: &str, now: Instant) -> Option<Code> {
        self.codes.take(code, now)
    }

    /// New access and refresh tokens for a live session, the refresh token living
    /// `refresh_ttl` but not past the session.
    pub fn issue_tokens(
        &mut self,
        session: &str,
        access_ttl: Duration,
        refresh_ttl: Duration,
        now: Instant,
    ) -> Option<(String, String, Duration)> {
        let session_end = self.sessions.get_mut(session, now)?.expires;
        let access = random_id(32);
        let refresh = random_id(32);
        let refresh_end = later(now, refresh_ttl).min(session_end);
        self.access.insert(
            access.clone(),
            Token {
                session: session.to_owned(),
                expires: later(now, access_ttl),
            },
            now,
        );
        self.refresh.insert(
            refresh.clone(),
            Token {
                session: session.to_owned(),
                expires: refresh_end,
            },
            now,
        );
        Some((access, refresh, refresh_end.saturating_duration_since(now)))
    }

    /// The live session an access token belongs to, and how long the token has left.
    pub fn session_of_access(
        &mut self,
        token: &str,
        now: Instant,
    ) -> Option<(String, Session, Duration)> {
        let access = self.access.get_mut(token, now)?;
        let (id, left) = (
            access.session.clone(),
            access.expires.saturating_duration_since(now),
        );
        let session = self.session(&id, now)?;
        Some((id, session, left))
    }

    /// Consumes a refresh token (rotation); returns its live session id.
    pub fn take_refresh(&mut self, token: &str, now: Instant) -> Option<String> {
        let id = self.refresh.take(token, now)?.session;
        self.sessions.get_mut(&id, now).map(|_| id)
    }

    /// The session of a refresh token, without consuming it.
    pub fn session_of_refresh(&mut self, token: &str, now: Instant) -> Option<String> {
        self.refresh.get_mut(token, now).map(|t| t.session.clone())
    }

    /// Ends a session and every token of it; false if it was not open.
    pub fn end_session(&mut self, id: &str) -> bool {
        let existed = self.sessions.map.remove(id).is_some();
        self.access.map.retain(|_, t| t.session != id);
        self.refresh.map.retain(|_, t| t.session != id);
        self.codes.map.retain(|_, c| c.session != id);
        existed
    }

    /// Forgets one access token.
    pub fn revoke_access(&mut self, token: &str) -> bool {
        self.access.map.remove(token).is_some()
    }

    /// Records a CIBA request; `None` when too many are pending.
    pub fn new_ciba(
        &mut self,
        pro: &'static DemoPro,
        binding_message: String,
        scope: String,
        ttl: Duration,
        now: Instant,
    ) -> Option<String> {
        self.ciba.purge(now);
        let pending = self
            .ciba
            .map
            .values()
            .filter(|c| c.status == CibaStatus::Pending && c.expires > now)
            .count();
        if pending >= MAX_PENDING_CIBA {
            return None;
        }
        let auth_req_id = random_id(32);
        let request = Ciba {
            public_id: random_id(9),
            pro,
            binding_message,
            scope,
            status: CibaStatus::Pending,
            created: now,
            expires: later(now, ttl),
            last_poll: None,
        };
        self.ciba.insert(auth_req_id.clone(), request, now);
        Some(auth_req_id)
    }

    /// Pending, unexpired CIBA requests, oldest first.
    pub fn pending_ciba(&mut self, now: Instant, auto: Option<Duration>) -> Vec<PendingCiba> {
        self.ciba.purge(now);
        let mut pending: Vec<&Ciba> = self
            .ciba
            .map
            .values()
            .filter(|c| c.expires > now && c.effective(now, auto) == CibaStatus::Pending)
            .collect();
        pending.sort_by_key(|c| c.created);
        pending
            .into_iter()
            .map(|c| PendingCiba {
                id: c.public_id.clone(),
                national_id: c.pro.national_id.to_owned(),
                binding_message: c.binding_message.clone(),
                expires_in_s: c.expires.saturating_duration_since(now).as_secs(),
            })
            .collect()
    }

    /// Approves or denies the pending request with this public id; false if there is none.
    pub fn decide_ciba(&mut self, public_id: &str, approve: bool, now: Instant) -> bool {
        let found = self
            .ciba
            .map
            .values_mut()
            .find(|c| c.public_id == public_id && c.expires > now);
        match found {
            Some(c) if c.status == CibaStatus::Pending => {
                c.status = if approve {
                    CibaStatus::Approved
                } else {
                    CibaStatus::Denied
                };
                true
            }
            _ => false,
        }
    }

    /// A poll of the token endpoint for `auth_req_id`.
    pub fn poll_ciba(
        &mut self,
        auth_req_id: &str,
        interval: Duration,
        auto: Option<Duration>,
        now: Instant,
    ) -> Poll {
        let Some(request) = self.ciba.get_mut(auth_req_id, now) else {
            return Poll::Unknown;
        };
        if now >= request.expires {
            self.ciba.map.remove(auth_req_id);
            return Poll::Expired;
        }
        match request.effective(now, auto) {
            CibaStatus::Denied => {
                self.ciba.map.remove(auth_req_id);
                Poll::Denied
            }
            CibaStatus::Approved => {
                let (pro, scope) = (request.pro, request.scope.clone());
                self.ciba.map.remove(auth_req_id);
                let session = self.open_session(pro, None, scope, now);
                Poll::Approved { session }
            }
            CibaStatus::Pending => {
                let too_soon = request
                    .last_poll
                    .is_some_and(|last| now < later(last, interval));
                request.last_poll = Some(now);
                if too_soon {
                    Poll::SlowDown
                } else {
                    Poll::Pending
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::psc::demo;

    fn claire() -> &'static DemoPro {
        demo::find("810101234567").expect("Claire")
    }

    fn request() -> AuthRequest {
        AuthRequest {
            redirect_uri: "http://127.0.0.1:1/cb".into(),
            state: "s".into(),
            nonce: Some("n".into()),
            code_challenge: "c".into(),
            scope: "openid".into(),
        }
    }

    #[test]
    fn interactions_and_codes_are_single_use_and_expire() {
        let mut s = Store::default();
        let t0 = Instant::now();
        let i = s.new_interaction(request(), t0);
        assert!(s.take_interaction(&i, t0).is_some());
        assert!(s.take_interaction(&i, t0).is_none());
        let session = s.open_session(claire(), None, "openid".into(), t0);
        let code = s.new_code(session.clone(), &request(), t0);
        let late = s.new_code(session, &request(), t0);
        assert!(s.take_code(&code, t0).is_some());
        assert!(s.take_code(&code, t0).is_none());
        assert!(s.take_code(&late, t0 + CODE_TTL).is_none());
    }

    #[test]
    fn refresh_rotates_and_ending_the_session_kills_its_tokens() {
        let mut s = Store::default();
        let t0 = Instant::now();
        let sid = s.open_session(claire(), None, "openid".into(), t0);
        let ttl = Duration::from_secs(60);
        let (access, refresh, left) = s.issue_tokens(&sid, ttl, ttl, t0).expect("tokens");
        assert_eq!(left, ttl);
        assert!(s.session_of_access(&access, t0).is_some());
        assert!(s.session_of_access(&access, t0 + ttl).is_none());
        assert_eq!(s.take_refresh(&refresh, t0).as_deref(), Some(sid.as_str()));
        assert!(s.take_refresh(&refresh, t0).is_none());
        let (access, refresh, _) = s.issue_tokens(&sid, ttl, ttl, t0).expect("tokens");
        assert!(s.end_session(&sid));
        assert!(s.session_of_access(&access, t0).is_none());
        assert!(s.take_refresh(&refresh, t0).is_none());
        assert!(s.issue_tokens(&sid, ttl, ttl, t0).is_none());
    }

    #[test]
    fn refresh_does_not_outlive_the_session() {
        let mut s = Store::default();
        let t0 = Instant::now();
        let sid = s.open_session(claire(), None, "openid".into(), t0);
        let t1 = t0 + SESSION_MAX - Duration::from_secs(10);
        let long = Duration::from_secs(1800);
        let (_, _, left) = s.issue_tokens(&sid, long, long, t1).expect("tokens");
        assert_eq!(left, Duration::from_secs(10));
    }

    #[test]
    fn ciba_pending_slow_down_approve_deny_expire() {
        let mut s = Store::default();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(120);
        let iv = Duration::from_secs(5);
        let id = s
            .new_ciba(claire(), "42".into(), "openid".into(), ttl, t0)
            .expect("id");
        assert_eq!(s.poll_ciba(&id, iv, None, t0), Poll::Pending);
        assert_eq!(
            s.poll_ciba(&id, iv, None, t0 + Duration::from_secs(1)),
            Poll::SlowDown
        );
        let t = t0 + Duration::from_secs(7);
        assert_eq!(s.poll_ciba(&id, iv, None, t), Poll::Pending);
        let pending = s.pending_ciba(t, None);
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].binding_message, "42");
        assert!(s.decide_ciba(&pending[0].id, true, t));
        assert!(!s.decide_ciba(&pending[0].id, false, t));
        assert!(matches!(
            s.poll_ciba(&id, iv, None, t),
            Poll::Approved { .. }
        ));
        assert_eq!(s.poll_ciba(&id, iv, None, t), Poll::Unknown);

        let id = s
            .new_ciba(claire(), "07".into(), "openid".into(), ttl, t0)
            .expect("id");
        let public = s.pending_ciba(t0, None)[0].id.clone();
        assert!(s.decide_ciba(&public, false, t0));
        assert_eq!(s.poll_ciba(&id, iv, None, t0), Poll::Denied);

        let id = s
            .new_ciba(claire(), "08".into(), "openid".into(), ttl, t0)
            .expect("id");
        assert_eq!(s.poll_ciba(&id, iv, None, t0 + ttl), Poll::Expired);
    }

    #[test]
    fn ciba_auto_approval_and_cap() {
        let mut s = Store::default();
        let t0 = Instant::now();
        let ttl = Duration::from_secs(120);
        let auto = Some(Duration::from_secs(3));
        let id = s
            .new_ciba(claire(), "42".into(), "openid".into(), ttl, t0)
            .expect("id");
        assert_eq!(s.poll_ciba(&id, Duration::ZERO, auto, t0), Poll::Pending);
        let t3 = t0 + Duration::from_secs(3);
        assert!(s.pending_ciba(t3, auto).is_empty());
        assert!(matches!(
            s.poll_ciba(&id, Duration::ZERO, auto, t3),
            Poll::Approved { .. }
        ));
        for _ in 0..MAX_PENDING_CIBA {
            assert!(
                s.new_ciba(claire(), "1".into(), "openid".into(), ttl, t0)
                    .is_some()
            );
        }
        assert!(
            s.new_ciba(claire(), "1".into(), "openid".into(), ttl, t0)
                .is_none()
        );
    }

    #[test]
    fn maps_stay_bounded() {
        let mut s = Store::default();
        let t0 = Instant::now();
        for _ in 0..MAX_ENTRIES + 10 {
            s.new_interaction(request(), t0);
        }
        assert_eq!(s.interactions.map.len(), MAX_ENTRIES);
    }
}
