//! CIBA in poll mode (PSC flavour): the backchannel authentication endpoint (client
//! authenticated, `login_hint` = national id, `binding_message`, `openid` scope), the CIBA
//! grant of the token endpoint (`authorization_pending`, `slow_down`, `expired_token`,
//! `access_denied`), and the e-CPS stand-in page where the user approves or refuses.

use std::time::{Duration, Instant};

use hyper::StatusCode;
use serde_json::json;

use super::demo;
use super::http::{self, Answer, Params, Req};
use super::options::ECPS_PATH;
use super::pages;
use super::server::Shared;
use super::state::Poll;
use super::tokens;

/// CIBA Core / oidc-provider default: 1–20 characters of `[A-Za-z0-9-._+/!?#]`.
pub(crate) fn valid_binding_message(message: &str) -> bool {
    (1..=20).contains(&message.len())
        && message.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'.' | b'_' | b'+' | b'/' | b'!' | b'?' | b'#')
        })
}

/// POST `{issuer}/protocol/openid-connect/ext/ciba/auth`.
pub(crate) fn backchannel(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let params = match req.params() {
        Ok(p) => p,
        Err(e) => return http::oauth_error("invalid_request", &e),
    };
    if let Err(answer) = tokens::authenticate(shared, req, &params) {
        return *answer;
    }
    let scope = params.get("scope").unwrap_or_default();
    if !scope.split(' ').any(|s| s == "openid") {
        return http::oauth_error("invalid_scope", "le scope doit contenir openid");
    }
    if params.has("login_hint_token") || params.has("id_token_hint") {
        return http::oauth_error("invalid_request", "seul login_hint est pris en charge");
    }
    let Some(hint) = params.get("login_hint") else {
        return http::oauth_error(
            "invalid_request",
            "login_hint (identifiant national) absent",
        );
    };
    let Some(pro) = demo::find(hint) else {
        return http::oauth_error("unknown_user_id", "professionnel inconnu du bac à sable");
    };
    let binding = params.get("binding_message").unwrap_or_default();
    if params.has("binding_message") && !valid_binding_message(binding) {
        return http::oauth_error(
            "invalid_binding_message",
            "binding_message : 1 à 20 caractères parmi A-Z a-z 0-9 - . _ + / ! ? #",
        );
    }
    let mut ttl = shared.options.ciba_ttl_s;
    if let Some(requested) = params.get("requested_expiry") {
        match requested.parse::<u64>() {
            Ok(r) if r > 0 => ttl = ttl.min(r),
            _ => return http::oauth_error("invalid_request", "requested_expiry invalide"),
        }
    }
    let created = shared.store().new_ciba(
        pro,
        binding.to_owned(),
        scope.to_owned(),
        Duration::from_secs(ttl),
        now,
    );
    let Some(auth_req_id) = created else {
        return http::oauth_error(
            "temporarily_unavailable",
            "trop de demandes en attente dans le bac à sable",
        );
    };
    http::json(
        StatusCode::OK,
        &json!({
            "auth_req_id": auth_req_id,
            "expires_in": ttl,
            "interval": shared.options.ciba_interval_s,
        }),
    )
}

/// The CIBA grant of the token endpoint (client already authenticated).
pub(crate) fn poll(shared: &Shared, params: &Params, now: Instant) -> Answer {
    let Some(auth_req_id) = params.get("auth_req_id") else {
        return http::oauth_error("invalid_request", "auth_req_id absent");
    };
    let result = shared.store().poll_ciba(
        auth_req_id,
        Duration::from_secs(shared.options.ciba_interval_s),
        shared.options.auto_approve_ciba_after,
        now,
    );
    match result {
        Poll::Unknown => http::oauth_error("invalid_grant", "auth_req_id inconnu ou déjà utilisé"),
        Poll::Expired => http::oauth_error("expired_token", "la demande a expiré"),
        Poll::Denied => http::oauth_error("access_denied", "l'utilisateur a refusé la demande"),
        Poll::SlowDown => http::oauth_error("slow_down", "interrogations trop rapprochées"),
        Poll::Pending => http::oauth_error("authorization_pending", "demande en attente"),
        Poll::Approved { session } => tokens::token_answer(shared, &session, now),
    }
}

/// GET `/ecps`: the pending requests.
pub(crate) fn ecps_page(shared: &Shared, now: Instant) -> Answer {
    let pending = shared
        .store()
        .pending_ciba(now, shared.options.auto_approve_ciba_after);
    http::html(StatusCode::OK, pages::ecps(&pending))
}

/// POST `/ecps`: approve or refuse one request, then back to the list.
pub(crate) fn ecps_decide(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let Ok(params) = req.params() else {
        return http::redirect(ECPS_PATH);
    };
    if let Some(id) = params.get("id") {
        let approve = match params.get("decision") {
            Some("approve") => Some(true),
            Some("deny") => Some(false),
            _ => None,
        };
        if let Some(approve) = approve {
            shared.store().decide_ciba(id, approve, now);
        }
    }
    let mut answer = http::redirect(ECPS_PATH);
    *answer.status_mut() = StatusCode::SEE_OTHER;
    answer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binding_messages() {
        for ok in ["42", "00", "A-b.c_+/!?#", "12345678901234567890"] {
            assert!(valid_binding_message(ok), "{ok}");
        }
        for bad in ["", "123456789012345678901", "4 2", "é", "<b>"] {
            assert!(!valid_binding_message(bad), "{bad}");
        }
    }
}
