//! The one error type of the OpenID Connect client, its retry rule and its Fluent message ids.
//!
//! Texts never carry tokens, codes, the national id or names: only fixed words, HTTP statuses
//! and the provider's OAuth error code (a short ASCII word, checked before it is kept).

use super::jose::JoseError;

/// Why an OpenID exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OidcError {
    /// The provider's configuration in Chevet is unusable (bad URL, non-https, bad certificate).
    #[error("provider configuration: {0}")]
    Config(&'static str),
    /// The provider lacks what the flow needs (no CIBA endpoint, no userinfo…).
    #[error("the provider does not offer {0}")]
    Unsupported(&'static str),
    /// No connection, or it timed out.
    #[error("provider unreachable ({0})")]
    Unreachable(&'static str),
    /// The provider answered 502, 503 or 504.
    #[error("provider unavailable (HTTP {0})")]
    Unavailable(u16),
    /// The answer is not what the protocol says (bad JSON, too large, missing field).
    #[error("unexpected answer from the provider: {0}")]
    Malformed(&'static str),
    /// An HTTP status the flow cannot use.
    #[error("the provider answered HTTP {0}")]
    Status(u16),
    /// The user (or the provider for them) refused: `access_denied`.
    #[error("access denied")]
    Denied,
    /// The provider does not know the user (CIBA `unknown_user_id`).
    #[error("unknown user")]
    UnknownUser,
    /// The request or the tokens expired (`expired_token`, CIBA past expiry, browser wait).
    #[error("expired")]
    Expired,
    /// `invalid_grant`: the code or refresh token is no longer valid.
    #[error("grant no longer valid")]
    InvalidGrant,
    /// The provider refused the client (`invalid_client`, `unauthorized_client`).
    #[error("client refused by the provider ({0})")]
    Client(String),
    /// Any other OAuth error code.
    #[error("provider error {0}")]
    Oauth(String),
    /// A token (ID token, signed userinfo) failed verification.
    #[error("invalid token: {0}")]
    InvalidToken(&'static str),
    /// The redirect did not carry the state we sent.
    #[error("state mismatch")]
    State,
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
    /// The loopback listener could not run.
    #[error("local redirect listener: {0}")]
    Loopback(&'static str),
}

impl OidcError {
    /// A later attempt may succeed (network trouble, provider overloaded).
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Unreachable(_) | Self::Unavailable(_))
    }

    /// The Fluent id of the message shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Config(_) | Self::Unsupported(_) | Self::Client(_) | Self::Loopback(_) => {
                "error-oidc-config"
            }
            Self::Unreachable(_) | Self::Unavailable(_) => "error-oidc-unreachable",
            Self::Malformed(_) | Self::Status(_) | Self::Oauth(_) => "error-oidc-provider",
            Self::Denied => "error-oidc-denied",
            Self::UnknownUser => "error-oidc-unknown-user",
            Self::Expired | Self::InvalidGrant => "error-oidc-expired",
            Self::InvalidToken(_) => "error-oidc-invalid-token",
            Self::State => "error-oidc-state",
            Self::Cancelled => "error-oidc-cancelled",
        }
    }

    /// Maps an OAuth `error` code (token, backchannel, revocation endpoints).
    pub(crate) fn from_oauth_code(code: &str) -> Self {
        match code {
            "access_denied" => Self::Denied,
            "expired_token" => Self::Expired,
            "invalid_grant" => Self::InvalidGrant,
            "unknown_user_id" => Self::UnknownUser,
            "invalid_client" | "unauthorized_client" => Self::Client(safe_code(code)),
            other => Self::Oauth(safe_code(other)),
        }
    }
}

/// Keeps an OAuth error code only when it looks like one (it is echoed in logs).
pub(crate) fn safe_code(code: &str) -> String {
    if !code.is_empty()
        && code.len() <= 40
        && code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    {
        code.to_owned()
    } else {
        "unrecognised".to_owned()
    }
}

impl From<JoseError> for OidcError {
    fn from(e: JoseError) -> Self {
        Self::InvalidToken(match e {
            JoseError::Malformed(_) => "malformed",
            JoseError::Algorithm(_) => "algorithm not accepted",
            JoseError::NoKey(_) => "no matching key",
            JoseError::Key(_) => "unusable provider key",
            JoseError::BadSignature => "bad signature",
            JoseError::Sign => "signing failed",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oauth_codes_map_to_typed_errors() {
        assert_eq!(
            OidcError::from_oauth_code("access_denied"),
            OidcError::Denied
        );
        assert_eq!(
            OidcError::from_oauth_code("expired_token"),
            OidcError::Expired
        );
        assert_eq!(
            OidcError::from_oauth_code("invalid_grant"),
            OidcError::InvalidGrant
        );
        assert!(matches!(
            OidcError::from_oauth_code("unauthorized_client"),
            OidcError::Client(_)
        ));
        assert_eq!(
            OidcError::from_oauth_code("Bearer abc.def"),
            OidcError::Oauth("unrecognised".into())
        );
    }

    #[test]
    fn retry_and_message_ids() {
        assert!(OidcError::Unavailable(503).is_retryable());
        assert!(OidcError::Unreachable("timeout").is_retryable());
        assert!(!OidcError::Denied.is_retryable());
        assert_eq!(OidcError::Denied.message_id(), "error-oidc-denied");
        assert_eq!(OidcError::Cancelled.message_id(), "error-oidc-cancelled");
        assert_eq!(OidcError::State.message_id(), "error-oidc-state");
        assert_eq!(
            OidcError::InvalidToken("x").message_id(),
            "error-oidc-invalid-token"
        );
    }
}
