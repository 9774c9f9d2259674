//! The token endpoint: client authentication (client_secret_basic, or private_key_jwt with a
//! key registered through the handle), the `authorization_code` grant with its PKCE S256
//! check, the rotating `refresh_token` grant, the CIBA grant (in `ciba`), and the token
//! answer with its RS256 ID token. Access and refresh tokens are opaque random strings.

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::ciba;
use super::http::{self, Answer, Params, Req};
use super::options::Flavour;
use super::server::Shared;
use super::state::Session;
use crate::auth::oidc::jose::{CompactJws, b64url};

pub(crate) const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Compares secrets without an early exit on the first difference.
fn same_secret(a: &str, b: &str) -> bool {
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}

fn invalid_client(description: &str) -> Box<Answer> {
    Box::new(http::oauth_error("invalid_client", description))
}

/// The `token` parameter of a request whose client authenticated (revocation, introspection).
pub(crate) fn authenticated_token(shared: &Shared, req: &Req) -> Result<String, Box<Answer>> {
    let params = req
        .params()
        .map_err(|e| Box::new(http::oauth_error("invalid_request", &e)))?;
    authenticate(shared, req, &params)?;
    params
        .get("token")
        .map(str::to_owned)
        .ok_or_else(|| Box::new(http::oauth_error("invalid_request", "token absent")))
}

/// Authenticates the client of a back-channel request; the error answer otherwise.
pub(crate) fn authenticate(shared: &Shared, req: &Req, params: &Params) -> Result<(), Box<Answer>> {
    if params.has("client_secret") {
        return Err(invalid_client(
            "client_secret_post n'est pas accepté : utilisez client_secret_basic",
        ));
    }
    if let Some(assertion) = params.get("client_assertion") {
        if params.get("client_assertion_type") != Some(JWT_BEARER) {
            return Err(invalid_client("client_assertion_type doit être jwt-bearer"));
        }
        return private_key_jwt(shared, assertion);
    }
    let Some((id, secret)) = req.basic_credentials() else {
        return Err(invalid_client(
            "authentification du client absente (client_secret_basic attendu)",
        ));
    };
    if params.get("client_id").is_some_and(|c| c != id) {
        return Err(invalid_client(
            "client_id différent de celui de l'authentification",
        ));
    }
    if id != shared.client_id() || !same_secret(&secret, &shared.client_secret) {
        return Err(invalid_client("client inconnu ou secret erroné"));
    }
    Ok(())
}

/// RFC 7523 client assertion signed with a key registered through the handle.
fn private_key_jwt(shared: &Shared, assertion: &str) -> Result<(), Box<Answer>> {
    let refuse = |d: &str| Err(invalid_client(d));
    let keys = shared.client_keys();
    if keys.keys.is_empty() {
        return refuse(
            "private_key_jwt : aucune clé de client enregistrée dans le bac à sable ; \
             utilisez client_secret_basic",
        );
    }
    let Ok(jws) = CompactJws::parse(assertion) else {
        return refuse("assertion illisible");
    };
    if jws.verify(&keys).is_err() {
        return refuse("signature de l'assertion invalide");
    }
    let Ok(claims) = jws.claims::<Value>() else {
        return refuse("assertion illisible");
    };
    let client = shared.client_id();
    let now = chrono::Utc::now().timestamp();
    let audiences: Vec<&str> = match &claims["aud"] {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let accepted_aud = shared
        .endpoints()
        .is_some_and(|e| audiences.iter().any(|a| *a == e.token || *a == e.issuer));
    let exp_ok = claims["exp"]
        .as_i64()
        .is_some_and(|exp| exp > now && exp < now + 3600);
    if claims["iss"] != client || claims["sub"] != client || !accepted_aud || !exp_ok {
        return refuse("assertion invalide (iss, sub, aud ou exp)");
    }
    Ok(())
}

/// POST `{issuer}/protocol/openid-connect/token`.
pub(crate) fn token(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return http::oauth_error("invalid_request", &e),
    };
    if let Err(answer) = authenticate(shared, req, &params) {
        return *answer;
    }
    match params.get("grant_type") {
        Some("authorization_code") => authorization_code(shared, &params, now),
        Some("refresh_token") => refresh(shared, &params, now),
        Some(CIBA_GRANT) if shared.flavour().has_ciba() => ciba::poll(shared, &params, now),
        Some(_) => http::oauth_error(
            "unsupported_grant_type",
            "type d'autorisation non pris en charge",
        ),
        None => http::oauth_error("invalid_request", "grant_type absent"),
    }
}

/// `b64url(sha256(verifier)) == challenge`, the verifier being 43–128 unreserved chars.
pub(crate) fn pkce_matches(verifier: &str, challenge: &str) -> bool {
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
    well_formed && b64url(&Sha256::digest(verifier.as_bytes())) == challenge
}

fn authorization_code(shared: &Shared, params: &Params, now: Instant) -> Answer {
    let Some(code) = params.get("code") else {
        return http::oauth_error("invalid_request", "code absent");
    };
    let Some(grant) = shared.store().take_code(code, now) else {
        return http::oauth_error("invalid_grant", "code inconnu, expiré ou déjà utilisé");
    };
    if params.get("redirect_uri") != Some(grant.redirect_uri.as_str()) {
        shared.store().end_session(&grant.session);
        return http::oauth_error(
            "invalid_grant",
            "redirect_uri différente de celle de la demande",
        );
    }
    let verifier = params.get("code_verifier").unwrap_or_default();
    if !pkce_matches(verifier, &grant.code_challenge) {
        shared.store().end_session(&grant.session);
        return http::oauth_error("invalid_grant", "code_verifier ne correspond pas (PKCE)");
    }
    token_answer(shared, &grant.session, now)
}

fn refresh(shared: &Shared, params: &Params, now: Instant) -> Answer {
    let Some(token) = params.get("refresh_token") else {
        return http::oauth_error("invalid_request", "refresh_token absent");
    };
    let Some(session) = shared.store().take_refresh(token, now) else {
        return http::oauth_error(
            "invalid_grant",
            "jeton de rafraîchissement inconnu, expiré, révoqué ou déjà utilisé",
        );
    };
    token_answer(shared, &session, now)
}

/// New tokens for a session, as the token endpoint answers them.
pub(crate) fn token_answer(shared: &Shared, session_id: &str, now: Instant) -> Answer {
    let (session, issued) = {
        let mut store = shared.store();
        let Some(session) = store.session(session_id, now) else {
            return http::oauth_error("invalid_grant", "session terminée");
        };
        let issued = store.issue_tokens(session_id, shared.access_ttl(), shared.refresh_ttl(), now);
        (session, issued)
    };
    let Some((access, refresh, refresh_left)) = issued else {
        return http::oauth_error("invalid_grant", "session terminée");
    };
    let Ok(id_token) = id_token(shared, &session, session_id) else {
        return http::oauth_error("server_error", "signature du jeton d'identité impossible");
    };
    http::json(
        StatusCode::OK,
        &json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": shared.options.access_token_ttl_s,
            "refresh_token": refresh,
            "refresh_expires_in": refresh_left.as_secs(),
            "id_token": id_token,
            "scope": session.scope,
            "session_state": session_id,
            "not-before-policy": 0,
        }),
    )
}

/// The subject of a professional in this flavour.
pub(crate) fn subject(flavour: Flavour, pro: &super::demo::DemoPro) -> String {
    match flavour {
        Flavour::Psc => pro.psc_subject(),
        Flavour::Hospital => pro.hospital_subject(),
    }
}

/// The signed ID token of a session.
fn id_token(
    shared: &Shared,
    session: &Session,
    session_id: &str,
) -> Result<String, crate::auth::oidc::jose::JoseError> {
    let now = chrono::Utc::now().timestamp();
    let exp = now.saturating_add(i64::try_from(shared.options.access_token_ttl_s).unwrap_or(120));
    let issuer = shared
        .endpoints()
        .map(|e| e.issuer.clone())
        .unwrap_or_default();
    let flavour = shared.flavour();
    let pro = session.pro;
    let mut claims = json!({
        "iss": issuer,
        "aud": shared.client_id(),
        "azp": shared.client_id(),
        "sub": subject(flavour, pro),
        "exp": exp,
        "iat": now,
        "auth_time": session.auth_time,
        "typ": "ID",
        "sid": session_id,
        "preferred_username": pro.national_id,
        "given_name": pro.given_name,
        "family_name": pro.family_name,
    });
    if let Some(map) = claims.as_object_mut() {
        if let Some(nonce) = &session.nonce {
            map.insert("nonce".into(), json!(nonce));
        }
        if flavour == Flavour::Psc {
            map.insert("acr".into(), json!("eidas1"));
            map.insert("SubjectNameID".into(), json!(pro.national_id));
        }
    }
    shared.key.sign_json("JWT", &claims)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256_matches_the_rfc_example() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(verifier, challenge));
        assert!(!pkce_matches(
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx",
            challenge
        ));
        assert!(!pkce_matches("short", challenge));
        assert!(same_secret("a", "a") && !same_secret("a", "b"));
    }
}
