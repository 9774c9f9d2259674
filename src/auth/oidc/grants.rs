//! The browser flow's authorization request (state, nonce, PKCE S256, scope, acr_values), the
//! code exchange, the refresh, and the building of a [`TokenSet`] from a token answer (ID token
//! verified; refresh token and ID token kept when a refresh answer has none).

use chrono::Utc;
use zeroize::Zeroizing;

use super::error::OidcError;
use super::pkce::{Pkce, random_token};
use super::provider::Provider;
use super::token::{TokenFailure, TokenResponse, TokenSet, parse_token_reply};

/// One browser login in progress.
pub struct AuthorizationRequest {
    /// Open this in the system browser.
    pub url: String,
    pub state: String,
    pub nonce: String,
    pub redirect_uri: String,
    pub(super) code_verifier: Zeroizing<String>,
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRequest")
            .field("redirect_uri", &self.redirect_uri)
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// A fresh authorization request for `redirect_uri` (the loopback listener's).
    pub fn authorization_request(&self, redirect_uri: &str) -> AuthorizationRequest {
        let state = random_token();
        let nonce = random_token();
        let pkce = Pkce::new();
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("scope", &self.config.scopes)
            .append_pair("state", &state)
            .append_pair("nonce", &nonce)
            .append_pair("code_challenge", &pkce.challenge)
            .append_pair("code_challenge_method", "S256");
        if let Some(acr) = &self.config.acr_values {
            query.append_pair("acr_values", acr);
        }
        let endpoint = &self.metadata.authorization_endpoint;
        let separator = if endpoint.contains('?') { '&' } else { '?' };
        AuthorizationRequest {
            url: format!("{endpoint}{separator}{}", query.finish()),
            state,
            nonce,
            redirect_uri: redirect_uri.to_owned(),
            code_verifier: pkce.verifier,
        }
    }

    /// Trades the code from the redirect for tokens (PKCE verifier, client authentication)
    /// and verifies the ID token against the request's nonce.
    pub async fn exchange_code(
        &self,
        request: &AuthorizationRequest,
        code: &str,
    ) -> Result<TokenSet, OidcError> {
        let form = vec![
            (
                "grant_type",
                Zeroizing::new("authorization_code".to_owned()),
            ),
            ("code", Zeroizing::new(code.to_owned())),
            ("redirect_uri", Zeroizing::new(request.redirect_uri.clone())),
            ("code_verifier", request.code_verifier.clone()),
        ];
        let response = self.token_call(form).await.map_err(plain_error)?;
        self.token_set(response, Some(&request.nonce), None).await
    }

    /// Uses the refresh token; keeps the old ID token (and refresh token) when the answer
    /// has none. A new ID token must name the same subject.
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, OidcError> {
        let Some(refresh_token) = &tokens.refresh_token else {
            return Err(OidcError::InvalidGrant);
        };
        let form = vec![
            ("grant_type", Zeroizing::new("refresh_token".to_owned())),
            ("refresh_token", refresh_token.clone()),
        ];
        let response = self.token_call(form).await.map_err(plain_error)?;
        self.token_set(response, None, Some(tokens)).await
    }

    /// One authenticated call of the token endpoint.
    pub(super) async fn token_call(
        &self,
        form: super::provider::Form,
    ) -> Result<TokenResponse, TokenFailure> {
        let reply = self.post_form(self.token_endpoint(), form, true).await?;
        parse_token_reply(&reply)
    }

    /// Verifies the answer's ID token and builds the token set.
    pub(super) async fn token_set(
        &self,
        response: TokenResponse,
        nonce: Option<&str>,
        previous: Option<&TokenSet>,
    ) -> Result<TokenSet, OidcError> {
        let now = Utc::now();
        let access_expires_at = response.access_expires_at(now);
        let new_refresh_expiry = response.refresh_expires_at(now);
        let (id_token, claims) = match (response.id_token, previous) {
            (Some(id_token), previous) => {
                let claims = self.verify_id_token_fresh(&id_token, nonce).await?;
                if let Some(p) = previous
                    && (p.claims.sub != claims.sub || p.claims.iss != claims.iss)
                {
                    return Err(OidcError::InvalidToken(
                        "refreshed ID token names someone else",
                    ));
                }
                (id_token, claims)
            }
            (None, Some(p)) => (p.id_token.clone(), p.claims.clone()),
            (None, None) => return Err(OidcError::Malformed("no ID token in the answer")),
        };
        let (refresh_token, refresh_expires_at) = match (response.refresh_token, previous) {
            (Some(t), _) => (Some(Zeroizing::new(t)), new_refresh_expiry),
            (None, Some(p)) => (
                p.refresh_token.clone(),
                new_refresh_expiry.or(p.refresh_expires_at),
            ),
            (None, None) => (None, None),
        };
        Ok(TokenSet {
            access_token: Zeroizing::new(response.access_token),
            refresh_token,
            id_token,
            access_expires_at,
            refresh_expires_at,
            claims,
            issued_at: now,
        })
    }
}

/// Outside CIBA, "pending" answers are protocol errors.
fn plain_error(failure: TokenFailure) -> OidcError {
    match failure {
        TokenFailure::Error(e) => e,
        TokenFailure::Pending => OidcError::Oauth("authorization_pending".into()),
        TokenFailure::SlowDown => OidcError::Oauth("slow_down".into()),
    }
}
