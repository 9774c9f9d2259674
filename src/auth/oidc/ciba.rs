//! Client-Initiated Backchannel Authentication (OpenID CIBA Core 1.0), poll mode, as PSC runs
//! it: the request (scope, acr_values, login_hint = national id, two-digit binding_message,
//! client authentication), one poll of the token endpoint, and [`ciba_wait`], the polling loop
//! with interval, `slow_down`, expiry, cancellation and a per-second countdown.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::error::OidcError;
use super::provider::Provider;
use super::token::{TokenFailure, TokenSet, error_code};
use super::wait::{CANCEL_CHECK, until_cancelled};

/// `grant_type` of the CIBA poll.
pub const CIBA_GRANT_TYPE: &str = "urn:openid:params:grant-type:ciba";
/// Poll interval when the provider gives none.
pub const DEFAULT_INTERVAL_S: u64 = 5;
/// Added by each `slow_down`.
pub const SLOW_DOWN_S: u64 = 5;
const MAX_INTERVAL_S: u64 = 60;
const MAX_EXPIRES_IN_S: i64 = 3600;
/// Network failures tolerated in a row while polling.
const MAX_POLL_FAILURES: u32 = 3;

/// A backchannel authentication request the provider accepted.
#[derive(Clone)]
pub struct CibaRequest {
    pub auth_req_id: String,
    pub expires_at: DateTime<Utc>,
    /// Seconds between polls (5 when the provider says nothing).
    pub interval_s: u64,
}

impl std::fmt::Debug for CibaRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CibaRequest")
            .field("expires_at", &self.expires_at)
            .field("interval_s", &self.interval_s)
            .finish_non_exhaustive()
    }
}

impl CibaRequest {
    /// The provider asked to poll less often: 5 s more between polls.
    pub fn slow_down(&mut self) {
        self.interval_s = (self.interval_s + SLOW_DOWN_S).min(MAX_INTERVAL_S);
    }

    /// Whole seconds left before expiry.
    pub fn seconds_left(&self, now: DateTime<Utc>) -> u64 {
        u64::try_from((self.expires_at - now).num_seconds()).unwrap_or(0)
    }
}

/// The result of one poll.
#[derive(Debug)]
pub enum CibaPoll {
    Pending,
    /// Poll less often ([`CibaRequest::slow_down`]).
    SlowDown,
    Done(Box<TokenSet>),
}

#[derive(Deserialize)]
struct Acknowledgement {
    auth_req_id: String,
    expires_in: serde_json::Number,
    #[serde(default)]
    interval: Option<serde_json::Number>,
}

/// Two random digits, "00" to "99", to show on screen and on the phone.
pub fn binding_message() -> String {
    super::pkce::binding_message()
}

impl Provider {
    /// Starts a CIBA authentication of `login_hint` (the national id).
    pub async fn ciba_start(
        &self,
        login_hint: &str,
        binding_message: &str,
    ) -> Result<CibaRequest, OidcError> {
        self.ciba_start_with_expiry(login_hint, binding_message, None)
            .await
    }

    /// [`Self::ciba_start`] with a `requested_expiry` in seconds.
    pub async fn ciba_start_with_expiry(
        &self,
        login_hint: &str,
        binding_message: &str,
        requested_expiry_s: Option<u32>,
    ) -> Result<CibaRequest, OidcError> {
        let endpoint = self
            .backchannel_endpoint()
            .ok_or(OidcError::Unsupported("CIBA"))?;
        if login_hint.is_empty() || login_hint.len() > 256 {
            return Err(OidcError::UnknownUser);
        }
        let mut form = vec![
            ("scope", Zeroizing::new(self.config.scopes.clone())),
            ("login_hint", Zeroizing::new(login_hint.to_owned())),
            (
                "binding_message",
                Zeroizing::new(binding_message.to_owned()),
            ),
        ];
        if let Some(acr) = &self.config.acr_values {
            form.push(("acr_values", Zeroizing::new(acr.clone())));
        }
        if let Some(expiry) = requested_expiry_s {
            form.push(("requested_expiry", Zeroizing::new(expiry.to_string())));
        }
        let reply = self.post_form(endpoint, form, true).await?;
        if !reply.is_success() {
            return Err(error_code(&reply)
                .map(|c| OidcError::from_oauth_code(&c))
                .unwrap_or(OidcError::Status(reply.status)));
        }
        let ack: Acknowledgement = super::http::json(&reply)?;
        if ack.auth_req_id.is_empty() || ack.auth_req_id.len() > 1024 {
            return Err(OidcError::Malformed("unusable auth_req_id"));
        }
        let expires_in = ack
            .expires_in
            .as_i64()
            .filter(|s| *s > 0)
            .ok_or(OidcError::Malformed("unusable expires_in"))?
            .min(MAX_EXPIRES_IN_S);
        let interval_s = ack
            .interval
            .and_then(|n| n.as_u64())
            .map_or(DEFAULT_INTERVAL_S, |s| s.clamp(1, MAX_INTERVAL_S));
        Ok(CibaRequest {
            auth_req_id: ack.auth_req_id,
            expires_at: Utc::now() + TimeDelta::seconds(expires_in),
            interval_s,
        })
    }

    /// Polls the token endpoint once.
    pub async fn ciba_poll(&self, request: &CibaRequest) -> Result<CibaPoll, OidcError> {
        let form = vec![
            ("grant_type", Zeroizing::new(CIBA_GRANT_TYPE.to_owned())),
            ("auth_req_id", Zeroizing::new(request.auth_req_id.clone())),
        ];
        match self.token_call(form).await {
            Ok(response) => Ok(CibaPoll::Done(Box::new(
                self.token_set(response, None, None).await?,
            ))),
            Err(TokenFailure::Pending) => Ok(CibaPoll::Pending),
            Err(TokenFailure::SlowDown) => Ok(CibaPoll::SlowDown),
            // A provider may forget an expired request rather than say `expired_token`.
            Err(TokenFailure::Error(OidcError::InvalidGrant))
                if request.expires_at <= Utc::now() =>
            {
                Err(OidcError::Expired)
            }
            Err(TokenFailure::Error(e)) => Err(e),
        }
    }
}

/// Polls until the user answers, honouring the interval, `slow_down` and the expiry. Stops
/// (with [`OidcError::Cancelled`]) within 200 ms of `cancel` being set; calls
/// `on_wait(seconds_left)` about each second for a countdown.
pub async fn ciba_wait(
    provider: &Provider,
    mut request: CibaRequest,
    cancel: &AtomicBool,
    on_wait: &mut (dyn FnMut(u64) + Send),
) -> Result<TokenSet, OidcError> {
    let mut failures = 0;
    let mut next_tick = Instant::now();
    loop {
        let poll_at = Instant::now() + Duration::from_secs(request.interval_s);
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Err(OidcError::Cancelled);
            }
            let now = Instant::now();
            if Utc::now() >= request.expires_at {
                on_wait(0);
                return Err(OidcError::Expired);
            }
            if now >= next_tick {
                on_wait(request.seconds_left(Utc::now()));
                next_tick += Duration::from_secs(1);
                if next_tick < now {
                    next_tick = now + Duration::from_secs(1);
                }
            }
            if now >= poll_at {
                break;
            }
            let pause = CANCEL_CHECK.min(poll_at - now).min(next_tick - now);
            tokio::time::sleep(pause).await;
        }
        let Some(result) = until_cancelled(provider.ciba_poll(&request), cancel).await else {
            return Err(OidcError::Cancelled);
        };
        match result {
            Ok(CibaPoll::Done(tokens)) => return Ok(*tokens),
            Ok(CibaPoll::Pending) => failures = 0,
            Ok(CibaPoll::SlowDown) => request.slow_down(),
            Err(e) if e.is_retryable() && failures < MAX_POLL_FAILURES => {
                failures += 1;
                tracing::info!("CIBA poll failed, will retry: {e}");
            }
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_down_adds_five_seconds_up_to_a_minute() {
        let mut r = CibaRequest {
            auth_req_id: "x".into(),
            expires_at: Utc::now(),
            interval_s: DEFAULT_INTERVAL_S,
        };
        r.slow_down();
        assert_eq!(r.interval_s, 10);
        for _ in 0..20 {
            r.slow_down();
        }
        assert_eq!(r.interval_s, MAX_INTERVAL_S);
        assert!(!format!("{r:?}").contains("auth_req_id: \"x\""));
    }
}
