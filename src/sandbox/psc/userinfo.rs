//! The userinfo endpoint (Bearer access token; PSC claims with `SubjectRefPro` and
//! `otherIds`, or the standard claims of the establishment's provider) and token
//! introspection (client authenticated).

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Value, json};

use super::demo::DemoPro;
use super::http::{self, Answer, Req};
use super::options::Flavour;
use super::server::Shared;
use super::tokens;

/// The claims userinfo gives about `pro`.
pub(crate) fn claims(flavour: Flavour, pro: &DemoPro) -> Value {
    match flavour {
        Flavour::Psc => {
            let first_site = pro.activities.first();
            json!({
                "sub": pro.psc_subject(),
                "SubjectNameID": pro.national_id,
                "preferred_username": pro.national_id,
                "given_name": pro.given_name,
                "family_name": pro.family_name,
                "email_verified": false,
                "SubjectRefPro": pro.subject_ref_pro(),
                "otherIds": pro.other_ids(),
                "SubjectOrganization": first_site.map(|a| a.raison_sociale_site).unwrap_or_default(),
                "SubjectOrganizationID": first_site
                    .map(|a| format!("1{}", a.finess_juridique))
                    .unwrap_or_default(),
                "SubjectRole": [format!("{}^1.2.250.1.213.1.1.5.5", pro.profession)],
                "Secteur_Activite": first_site
                    .map(|a| format!("{}^1.2.250.1.71.4.2.4", a.secteur_activite))
                    .unwrap_or_default(),
            })
        }
        Flavour::Hospital => json!({
            "sub": pro.hospital_subject(),
            "preferred_username": pro.national_id,
            "given_name": pro.given_name,
            "family_name": pro.family_name,
        }),
    }
}

/// GET or POST `{issuer}/protocol/openid-connect/userinfo`.
pub(crate) fn userinfo(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let Some(token) = req.bearer() else {
        return http::invalid_token("jeton d'accès absent");
    };
    let Some((_, session, _)) = shared.store().session_of_access(token, now) else {
        return http::invalid_token("jeton d'accès inconnu ou expiré");
    };
    http::json(StatusCode::OK, &claims(shared.flavour(), session.pro))
}

/// POST `{issuer}/protocol/openid-connect/token/introspect` (RFC 7662).
pub(crate) fn introspect(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let token = match tokens::authenticated_token(shared, req) {
        Ok(token) => token,
        Err(answer) => return *answer,
    };
    let token = token.as_str();
    let flavour = shared.flavour();
    let found = shared.store().session_of_access(token, now);
    let Some((sid, session, left)) = found else {
        return http::json(StatusCode::OK, &json!({"active": false}));
    };
    let exp = chrono::Utc::now()
        .timestamp()
        .saturating_add(i64::try_from(left.as_secs()).unwrap_or(0));
    let mut answer = json!({
        "active": true,
        "token_type": "Bearer",
        "client_id": shared.client_id(),
        "scope": session.scope,
        "sub": tokens::subject(flavour, session.pro),
        "exp": exp,
        "sid": sid,
    });
    if flavour == Flavour::Psc
        && let Some(map) = answer.as_object_mut()
    {
        map.insert("SubjectNameID".into(), json!(session.pro.national_id));
        map.insert("acr".into(), json!("eidas1"));
    }
    http::json(StatusCode::OK, &answer)
}
