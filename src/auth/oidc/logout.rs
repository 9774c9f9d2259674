//! Ending the provider session: the browser logout URL (RP-Initiated Logout with
//! `id_token_hint`, `state` and the registered `post_logout_redirect_uri`), and the
//! back-channel logout Chevet performs itself: revocation of the refresh token (RFC 7009) when
//! the provider has a revocation endpoint, then a POST to `end_session_endpoint` with
//! `id_token_hint`, as ANS's proxy does for PSC.

use zeroize::Zeroizing;

use super::error::OidcError;
use super::http::{check_url, send};
use super::provider::Provider;
use super::token::{TokenSet, error_code};

impl Provider {
    /// The URL to open in the browser to end the provider session; `None` when the provider
    /// has no end-session endpoint.
    pub fn end_session_url(&self, id_token_hint: &str, state: &str) -> Option<String> {
        let endpoint = self.metadata.end_session_endpoint.as_deref()?;
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query
            .append_pair("id_token_hint", id_token_hint)
            .append_pair("state", state)
            .append_pair("client_id", &self.config.client_id);
        if let Some(uri) = &self.config.post_logout_redirect_uri {
            query.append_pair("post_logout_redirect_uri", uri);
        }
        let separator = if endpoint.contains('?') { '&' } else { '?' };
        Some(format!("{endpoint}{separator}{}", query.finish()))
    }

    /// Revokes the refresh token (when possible) and calls the end-session endpoint from the
    /// back channel. Both are attempted; the first failure is returned.
    pub async fn logout(&self, tokens: &TokenSet) -> Result<(), OidcError> {
        let mut first_error = None;
        if let (Some(endpoint), Some(refresh_token)) =
            (self.revocation_endpoint(), &tokens.refresh_token)
        {
            let form = vec![
                ("token", refresh_token.clone()),
                (
                    "token_type_hint",
                    Zeroizing::new("refresh_token".to_owned()),
                ),
            ];
            let result = match self.post_form(endpoint, form, true).await {
                Ok(reply) if reply.is_success() => Ok(()),
                Ok(reply) => Err(error_code(&reply)
                    .map(|c| OidcError::from_oauth_code(&c))
                    .unwrap_or(OidcError::Status(reply.status))),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                tracing::info!(provider = %self.config.id, "refresh token revocation failed: {e}");
                first_error = Some(e);
            }
        }
        if let Some(endpoint) = self.metadata.end_session_endpoint.as_deref() {
            let form = vec![
                ("id_token_hint", Zeroizing::new(tokens.id_token.clone())),
                ("client_id", Zeroizing::new(self.config.client_id.clone())),
            ];
            let result = match self.post_form(endpoint, form, false).await {
                // A redirect (not followed) or a confirmation page both mean the call landed.
                Ok(reply) if reply.status < 400 => Ok(()),
                // Providers that only take GET (the spec asks for both).
                Ok(reply) if matches!(reply.status, 404 | 405) => {
                    self.end_session_get(endpoint, &tokens.id_token).await
                }
                Ok(reply) => Err(OidcError::Status(reply.status)),
                Err(e) => Err(e),
            };
            if let Err(e) = result {
                tracing::info!(provider = %self.config.id, "end-session call failed: {e}");
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }

    async fn end_session_get(&self, endpoint: &str, id_token: &str) -> Result<(), OidcError> {
        let mut url = check_url(endpoint)?;
        url.query_pairs_mut()
            .append_pair("id_token_hint", id_token)
            .append_pair("client_id", &self.config.client_id);
        let reply = send(self.http.get(url)).await?;
        if reply.status < 400 {
            Ok(())
        } else {
            Err(OidcError::Status(reply.status))
        }
    }
}
