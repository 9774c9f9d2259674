//! Ending sessions: the logout endpoint (browser GET with `id_token_hint`,
//! `post_logout_redirect_uri` and `state`; back-channel POST with `id_token_hint` or a
//! client-authenticated `refresh_token`) and token revocation (RFC 7009). Ending a session
//! invalidates its access and refresh tokens.

use std::time::Instant;

use hyper::{Method, StatusCode};
use serde_json::Value;

use super::http::{self, Answer, Params, Req};
use super::pages;
use super::server::Shared;
use super::tokens;
use crate::auth::oidc::jose::CompactJws;

/// The session an ID token of ours names (signature, issuer and audience checked; an expired
/// hint is still a valid hint).
fn session_of_hint(shared: &Shared, hint: &str) -> Option<String> {
    let jws = CompactJws::parse(hint).ok()?;
    jws.verify(&shared.jwks()).ok()?;
    let claims: Value = jws.claims().ok()?;
    let issuer = &shared.endpoints()?.issuer;
    if claims["iss"].as_str() != Some(issuer.as_str()) || claims["aud"] != shared.client_id() {
        return None;
    }
    claims["sid"].as_str().map(str::to_owned)
}

/// The session to end: from `id_token_hint`, or (authenticated client) `refresh_token`.
fn session_to_end(
    shared: &Shared,
    req: &Req,
    params: &Params,
    now: Instant,
) -> Result<String, Box<Answer>> {
    if let Some(hint) = params.get("id_token_hint") {
        return session_of_hint(shared, hint).ok_or_else(|| {
            Box::new(http::oauth_error(
                "invalid_request",
                "id_token_hint invalide",
            ))
        });
    }
    if req.method == Method::POST
        && let Some(refresh) = params.get("refresh_token")
    {
        tokens::authenticate(shared, req, params)?;
        return shared
            .store()
            .session_of_refresh(refresh, now)
            .ok_or_else(|| {
                Box::new(http::oauth_error(
                    "invalid_grant",
                    "refresh_token inconnu ou expiré",
                ))
            });
    }
    Err(Box::new(http::oauth_error(
        "invalid_request",
        "id_token_hint (ou refresh_token) requis",
    )))
}

/// GET or POST `{issuer}/protocol/openid-connect/logout`.
pub(crate) fn logout(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let flavour = shared.flavour();
    let browser = req.method == Method::GET;
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return http::oauth_error("invalid_request", &e),
    };
    let session = match session_to_end(shared, req, &params, now) {
        Ok(s) => s,
        Err(_) if browser => {
            return http::html(
                StatusCode::BAD_REQUEST,
                pages::error(flavour, "Demande de déconnexion invalide (id_token_hint)."),
            );
        }
        Err(answer) => return *answer,
    };
    let return_to = params.get("post_logout_redirect_uri");
    if return_to.is_some_and(|uri| !http::is_loopback_redirect(uri)) {
        return http::html(
            StatusCode::BAD_REQUEST,
            pages::error(flavour, "Adresse de retour après déconnexion refusée."),
        );
    }
    shared.store().end_session(&session);
    if let Some(uri) = return_to {
        let state = params.get("state");
        let pairs: Vec<(&str, &str)> = state.map(|s| ("state", s)).into_iter().collect();
        return match http::with_query(uri, &pairs) {
            Some(location) => http::redirect(&location),
            None => http::not_found(),
        };
    }
    if browser {
        http::html(StatusCode::OK, pages::logged_out(flavour))
    } else {
        http::no_content()
    }
}

/// POST `{issuer}/protocol/openid-connect/revoke`: a refresh token ends its session, an access
/// token is forgotten; unknown tokens are not an error (RFC 7009 §2.2).
pub(crate) fn revoke(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let token = match tokens::authenticated_token(shared, req) {
        Ok(token) => token,
        Err(answer) => return *answer,
    };
    let token = token.as_str();
    let mut store = shared.store();
    match store.session_of_refresh(token, now) {
        Some(session) => {
            store.end_session(&session);
        }
        None => {
            store.revoke_access(token);
        }
    }
    http::json(StatusCode::OK, &serde_json::json!({}))
}
