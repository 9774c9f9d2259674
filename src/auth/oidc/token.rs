//! Token endpoint answers: the [`TokenSet`] kept by the session (its `Debug` prints no token),
//! when to refresh it, and the mapping of `{"error": …}` answers to typed errors.

use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::error::OidcError;
use super::http::Reply;
use super::id_token::IdTokenClaims;

/// Lifetime assumed when the provider gives no `expires_in`.
pub const DEFAULT_EXPIRES_IN_S: i64 = 60;
/// Longest lifetime believed.
const MAX_EXPIRES_IN_S: i64 = 24 * 3600;
/// Refresh when less than this is left…
const REFRESH_MARGIN_S: i64 = 30;

/// Tokens of one signed-in professional.
#[derive(Clone)]
pub struct TokenSet {
    pub access_token: Zeroizing<String>,
    pub refresh_token: Option<Zeroizing<String>>,
    pub id_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_expires_at: Option<DateTime<Utc>>,
    pub claims: IdTokenClaims,
    /// When the access token was received (for the share of lifetime left).
    pub issued_at: DateTime<Utc>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"…")
            .field("refresh_token", &self.refresh_token.as_ref().map(|_| "…"))
            .field("id_token", &"…")
            .field("access_expires_at", &self.access_expires_at)
            .field("refresh_expires_at", &self.refresh_expires_at)
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl TokenSet {
    /// Less than 30 s or a quarter of the access token's lifetime is left.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        let left = self.access_expires_at - now;
        let lifetime = self.access_expires_at - self.issued_at;
        left < TimeDelta::seconds(REFRESH_MARGIN_S) || left * 4 < lifetime
    }

    /// The refresh token can still be used (present, not known to be expired).
    pub fn can_refresh(&self, now: DateTime<Utc>) -> bool {
        self.refresh_token.is_some() && self.refresh_expires_at.is_none_or(|at| at > now)
    }
}

/// A successful token endpoint answer, before the ID token is verified.
#[derive(Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub token_type: Option<String>,
    #[serde(default)]
    pub expires_in: Option<serde_json::Number>,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Keycloak (PSC) says how long the refresh token lives.
    #[serde(default)]
    pub refresh_expires_in: Option<serde_json::Number>,
    #[serde(default)]
    pub id_token: Option<String>,
}

impl TokenResponse {
    pub fn access_expires_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + TimeDelta::seconds(lifetime(self.expires_in.as_ref()).unwrap_or(DEFAULT_EXPIRES_IN_S))
    }

    pub fn refresh_expires_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        // Keycloak sends 0 for offline tokens that do not expire.
        lifetime(self.refresh_expires_in.as_ref())
            .filter(|s| *s > 0)
            .map(|s| now + TimeDelta::seconds(s))
    }
}

fn lifetime(n: Option<&serde_json::Number>) -> Option<i64> {
    let n = n?;
    let secs = n.as_i64().or_else(|| n.as_f64().map(|f| f as i64))?;
    Some(secs.clamp(0, MAX_EXPIRES_IN_S))
}

/// Why the token endpoint gave no tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenFailure {
    /// CIBA: the user has not answered yet.
    Pending,
    /// CIBA: poll less often.
    SlowDown,
    Error(OidcError),
}

impl From<OidcError> for TokenFailure {
    fn from(e: OidcError) -> Self {
        Self::Error(e)
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
}

/// Reads a token endpoint answer.
pub fn parse_token_reply(reply: &Reply) -> Result<TokenResponse, TokenFailure> {
    if reply.is_success() {
        let response: TokenResponse = super::http::json(reply)?;
        if response.access_token.is_empty() {
            return Err(OidcError::Malformed("empty access token").into());
        }
        if let Some(kind) = &response.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(OidcError::Malformed("token type is not Bearer").into());
        }
        return Ok(response);
    }
    Err(match error_code(reply) {
        Some(code) if code == "authorization_pending" => TokenFailure::Pending,
        Some(code) if code == "slow_down" => TokenFailure::SlowDown,
        Some(code) => TokenFailure::Error(OidcError::from_oauth_code(&code)),
        None => TokenFailure::Error(OidcError::Status(reply.status)),
    })
}

/// The OAuth `error` of a 4xx JSON answer.
pub fn error_code(reply: &Reply) -> Option<String> {
    if !(400..500).contains(&reply.status) {
        return None;
    }
    serde_json::from_slice::<ErrorBody>(&reply.body)
        .ok()
        .map(|b| b.error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json".into(),
            body: body.as_bytes().to_vec(),
        }
    }

    fn set(issued: DateTime<Utc>, lifetime_s: i64) -> TokenSet {
        TokenSet {
            access_token: Zeroizing::new("secret-access".into()),
            refresh_token: Some(Zeroizing::new("secret-refresh".into())),
            id_token: "secret.id.token".into(),
            access_expires_at: issued + TimeDelta::seconds(lifetime_s),
            refresh_expires_at: None,
            claims: serde_json::from_value(serde_json::json!({"sub": "s", "iss": "i", "exp": 0}))
                .expect("claims"),
            issued_at: issued,
        }
    }

    #[test]
    fn refresh_when_little_is_left() {
        let t0 = Utc::now();
        let short = set(t0, 120);
        assert!(!short.needs_refresh(t0));
        assert!(!short.needs_refresh(t0 + TimeDelta::seconds(85)));
        assert!(short.needs_refresh(t0 + TimeDelta::seconds(91)));
        let long = set(t0, 3600);
        assert!(!long.needs_refresh(t0 + TimeDelta::seconds(2600)));
        assert!(long.needs_refresh(t0 + TimeDelta::seconds(2800)));
        assert!(long.needs_refresh(t0 + TimeDelta::seconds(4000)));
    }

    #[test]
    fn debug_prints_no_token() {
        let text = format!("{:?}", set(Utc::now(), 60));
        assert!(!text.contains("secret"));
    }

    #[test]
    fn token_errors_are_typed() {
        let parse = |status, body| parse_token_reply(&reply(status, body)).err();
        assert_eq!(
            parse(400, r#"{"error":"authorization_pending"}"#),
            Some(TokenFailure::Pending)
        );
        assert_eq!(
            parse(400, r#"{"error":"slow_down"}"#),
            Some(TokenFailure::SlowDown)
        );
        assert_eq!(
            parse(400, r#"{"error":"expired_token"}"#),
            Some(TokenFailure::Error(OidcError::Expired))
        );
        assert_eq!(
            parse(400, r#"{"error":"access_denied"}"#),
            Some(TokenFailure::Error(OidcError::Denied))
        );
        assert_eq!(
            parse(400, r#"{"error":"invalid_grant","error_description":"x"}"#),
            Some(TokenFailure::Error(OidcError::InvalidGrant))
        );
        assert!(matches!(
            parse(401, r#"{"error":"invalid_client"}"#),
            Some(TokenFailure::Error(OidcError::Client(_)))
        ));
        assert_eq!(
            parse(500, "oops"),
            Some(TokenFailure::Error(OidcError::Status(500)))
        );
        assert!(matches!(
            parse(200, r#"{"access_token":"a","token_type":"mac"}"#),
            Some(TokenFailure::Error(OidcError::Malformed(_)))
        ));
    }

    #[test]
    fn lifetimes() {
        let now = Utc::now();
        let r = parse_token_reply(&reply(
            200,
            r#"{"access_token":"a","token_type":"bearer","expires_in":120,"refresh_expires_in":1800}"#,
        ))
        .expect("ok");
        assert_eq!(r.access_expires_at(now), now + TimeDelta::seconds(120));
        assert_eq!(
            r.refresh_expires_at(now),
            Some(now + TimeDelta::seconds(1800))
        );
        let r = parse_token_reply(&reply(
            200,
            r#"{"access_token":"a","refresh_expires_in":0}"#,
        ))
        .expect("ok");
        assert_eq!(
            r.access_expires_at(now),
            now + TimeDelta::seconds(DEFAULT_EXPIRES_IN_S)
        );
        assert_eq!(r.refresh_expires_at(now), None);
    }
}
