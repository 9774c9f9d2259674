//! The authorization endpoint (PSC: `/wallet/auth`, imitating the separate wallet host):
//! checks the client's request (client id, loopback redirect, `code`, PKCE S256, state,
//! nonce, `openid` scope), shows the login page, and on the user's choice redirects back
//! with a single-use code, or with `access_denied`.

use std::time::Instant;

use hyper::StatusCode;

use super::demo;
use super::http::{self, Answer, Req};
use super::pages;
use super::server::Shared;
use super::state::AuthRequest;

/// Whether `challenge` can be an S256 PKCE challenge (RFC 7636 §4.2: 43 base64url chars).
fn valid_challenge(challenge: &str) -> bool {
    challenge.len() == 43
        && challenge
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn has_scope(scope: &str, wanted: &str) -> bool {
    scope.split(' ').any(|s| s == wanted)
}

fn error_page(shared: &Shared, message: &str) -> Answer {
    http::html(
        StatusCode::BAD_REQUEST,
        pages::error(shared.flavour(), message),
    )
}

/// Redirects an error to the client (RFC 6749 §4.1.2.1).
fn error_redirect(
    shared: &Shared,
    redirect_uri: &str,
    code: &str,
    description: &str,
    state: Option<&str>,
) -> Answer {
    let issuer = shared
        .endpoints()
        .map(|e| e.issuer.as_str())
        .unwrap_or_default();
    let mut pairs = vec![("error", code), ("error_description", description)];
    if let Some(state) = state {
        pairs.push(("state", state));
    }
    pairs.push(("iss", issuer));
    match http::with_query(redirect_uri, &pairs) {
        Some(location) => http::redirect(&location),
        None => error_page(shared, "Adresse de retour invalide."),
    }
}

/// GET: checks the request and shows the login page.
pub(crate) fn page(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return error_page(shared, &e),
    };
    if params.get("client_id") != Some(shared.client_id()) {
        return error_page(shared, "Application cliente inconnue.");
    }
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return error_page(shared, "Adresse de retour absente.");
    };
    if !http::is_loopback_redirect(redirect_uri) {
        return error_page(
            shared,
            "Adresse de retour refusée : seules les adresses http://127.0.0.1:<port>/… et \
             http://[::1]:<port>/… sont admises (RFC 8252).",
        );
    }
    let state = params.get("state");
    let refuse = |code: &str, description: &str| {
        error_redirect(shared, redirect_uri, code, description, state)
    };
    if params.get("response_type") != Some("code") {
        return refuse(
            "unsupported_response_type",
            "seul response_type=code est pris en charge",
        );
    }
    let Some(state) = state else {
        return refuse("invalid_request", "state est obligatoire");
    };
    let scope = params.get("scope").unwrap_or_default();
    if !has_scope(scope, "openid") {
        return refuse("invalid_scope", "le scope doit contenir openid");
    }
    if params.get("code_challenge_method") != Some("S256") {
        return refuse(
            "invalid_request",
            "PKCE obligatoire : code_challenge_method=S256",
        );
    }
    let Some(challenge) = params.get("code_challenge").filter(|c| valid_challenge(c)) else {
        return refuse("invalid_request", "code_challenge absent ou mal formé");
    };
    let Some(nonce) = params.get("nonce") else {
        return refuse("invalid_request", "nonce est obligatoire");
    };
    if params.has("request") || params.has("request_uri") {
        return refuse(
            "request_not_supported",
            "les objets de requête ne sont pas pris en charge",
        );
    }
    let request = AuthRequest {
        redirect_uri: redirect_uri.to_owned(),
        state: state.to_owned(),
        nonce: Some(nonce.to_owned()),
        code_challenge: challenge.to_owned(),
        scope: scope.to_owned(),
    };
    let interaction = shared.store().new_interaction(request, now);
    http::html(
        StatusCode::OK,
        pages::login(
            shared.flavour(),
            &shared.flavour().authorize_path(),
            &interaction,
        ),
    )
}

/// POST from the login page: the user chose a professional, or refused.
pub(crate) fn choose(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return error_page(shared, &e),
    };
    let request = params
        .get("interaction")
        .and_then(|i| shared.store().take_interaction(i, now));
    let Some(request) = request else {
        return error_page(shared, "Cette page de connexion a expiré ou a déjà servi.");
    };
    let choice = params.get("choice").unwrap_or_default();
    if choice == "deny" {
        return error_redirect(
            shared,
            &request.redirect_uri,
            "access_denied",
            "l'utilisateur a refusé la connexion",
            Some(&request.state),
        );
    }
    let Some(pro) = demo::find(choice) else {
        return error_page(shared, "Professionnel inconnu.");
    };
    let code = {
        let mut store = shared.store();
        let session = store.open_session(pro, request.nonce.clone(), request.scope.clone(), now);
        store.new_code(session, &request, now)
    };
    let issuer = shared
        .endpoints()
        .map(|e| e.issuer.as_str())
        .unwrap_or_default();
    let pairs = [
        ("code", code.as_str()),
        ("state", request.state.as_str()),
        ("iss", issuer),
    ];
    match http::with_query(&request.redirect_uri, &pairs) {
        Some(location) => http::redirect(&location),
        None => error_page(shared, "Adresse de retour invalide."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_and_scopes() {
        assert!(valid_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        ));
        assert!(!valid_challenge("short"));
        assert!(!valid_challenge(
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"
        ));
        assert!(has_scope("openid scope_all", "openid"));
        assert!(!has_scope("openidx", "openid"));
    }
}
