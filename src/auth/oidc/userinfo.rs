//! The userinfo endpoint: JSON, or `application/jwt` signed by the provider (verified like an
//! ID token, without nonce; `iss`/`aud`/`exp` checked when present). PSC may answer either.

use reqwest::header::{ACCEPT, AUTHORIZATION};
use serde_json::Value;

use super::error::OidcError;
use super::http::{check_url, send};
use super::provider::Provider;
use super::token::TokenSet;

impl Provider {
    /// The claims about the user the access token was issued for.
    pub async fn userinfo(&self, access_token: &str) -> Result<Value, OidcError> {
        let endpoint = self
            .userinfo_endpoint()
            .ok_or(OidcError::Unsupported("userinfo"))?;
        let url = check_url(endpoint)?;
        let reply = send(
            self.http
                .get(url)
                .header(ACCEPT, "application/json, application/jwt")
                .header(AUTHORIZATION, format!("Bearer {access_token}")),
        )
        .await?;
        match reply.status {
            200 => {}
            401 => return Err(OidcError::Expired),
            other => return Err(OidcError::Status(other)),
        }
        let claims: Value = if reply.media_type() == "application/jwt" {
            let text = std::str::from_utf8(&reply.body)
                .map_err(|_| OidcError::Malformed("signed userinfo is not text"))?;
            let jws = self.verified_jws(text).await?;
            super::id_token::check_claims(
                &jws,
                &self.expected(None, false),
                chrono::Utc::now().timestamp(),
            )?
        } else {
            super::http::json(&reply)?
        };
        if !claims.is_object() {
            return Err(OidcError::Malformed("userinfo is not an object"));
        }
        Ok(claims)
    }

    /// [`Self::userinfo`] for a token set, also checking that the answer is about the ID
    /// token's subject (OpenID Connect Core §5.3.2).
    pub async fn userinfo_for(&self, tokens: &TokenSet) -> Result<Value, OidcError> {
        let claims = self.userinfo(&tokens.access_token).await?;
        if claims.get("sub").and_then(Value::as_str) != Some(tokens.claims.sub.as_str()) {
            return Err(OidcError::InvalidToken("userinfo is about someone else"));
        }
        Ok(claims)
    }
}
