//! ID token verification (OpenID Connect Core §3.1.3.7): signature with the provider's keys,
//! `iss`, `aud` (and `azp` when there are several audiences), `exp`/`iat` with a 60 s leeway,
//! `nonce`, `acr`. The same checks, relaxed where the spec makes claims optional, apply to
//! signed userinfo answers.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::error::OidcError;
use super::jose::{CompactJws, JoseError, JwkSet};

/// Clock difference tolerated with the provider.
pub const LEEWAY_S: i64 = 60;

/// The claims of a verified ID token.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct IdTokenClaims {
    pub sub: String,
    pub iss: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    pub exp: i64,
    /// Every other claim (`aud`, `iat`, `auth_time`, `SubjectNameID`…).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for IdTokenClaims {
    /// `sub` and the other claims may name the person: only their presence is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdTokenClaims")
            .field("iss", &self.iss)
            .field("acr", &self.acr)
            .field("exp", &self.exp)
            .field("extra_claims", &self.extra.len())
            .finish_non_exhaustive()
    }
}

/// What the token must say.
#[derive(Debug, Clone)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    /// The nonce sent in the authorization request; `None` for CIBA and refresh.
    pub nonce: Option<&'a str>,
    /// Accepted `acr` values; empty = no requirement.
    pub acr: Vec<&'a str>,
    /// `true` for ID tokens (iss, aud, exp, iat required); `false` for signed userinfo.
    pub id_token: bool,
}

/// Parses the token and checks its signature; `NoKey` tells the caller to refetch the keys.
pub fn verify_signature(token: &str, keys: &JwkSet) -> Result<CompactJws, JoseError> {
    let jws = CompactJws::parse(token)?;
    jws.verify(keys)?;
    Ok(jws)
}

/// Checks the claims of a token whose signature was verified; `now` in Unix seconds.
pub fn check_claims(
    jws: &CompactJws,
    expected: &Expected<'_>,
    now: i64,
) -> Result<Value, OidcError> {
    let claims: Value = jws.claims().map_err(OidcError::from)?;
    let Some(object) = claims.as_object() else {
        return Err(OidcError::InvalidToken("claims are not an object"));
    };
    let required = expected.id_token;

    match object.get("iss") {
        Some(Value::String(iss)) if iss == expected.issuer => {}
        None if !required => {}
        _ => return Err(OidcError::InvalidToken("wrong issuer")),
    }

    match object.get("aud") {
        Some(Value::String(aud)) if aud == expected.client_id => {}
        Some(Value::Array(list)) => {
            if !list.iter().any(|a| a.as_str() == Some(expected.client_id)) {
                return Err(OidcError::InvalidToken("wrong audience"));
            }
            if list.len() > 1 && !object.contains_key("azp") {
                return Err(OidcError::InvalidToken("several audiences without azp"));
            }
        }
        None if !required => {}
        _ => return Err(OidcError::InvalidToken("wrong audience")),
    }
    if let Some(azp) = object.get("azp")
        && azp.as_str() != Some(expected.client_id)
    {
        return Err(OidcError::InvalidToken("wrong authorized party"));
    }

    match object.get("exp") {
        Some(exp) => {
            let exp = exp
                .as_i64()
                .ok_or(OidcError::InvalidToken("exp is not a number"))?;
            if exp + LEEWAY_S <= now {
                return Err(OidcError::InvalidToken("expired"));
            }
        }
        None if !required => {}
        None => return Err(OidcError::InvalidToken("no exp")),
    }
    match object.get("iat") {
        Some(iat) => {
            let iat = iat
                .as_i64()
                .ok_or(OidcError::InvalidToken("iat is not a number"))?;
            if iat - LEEWAY_S > now {
                return Err(OidcError::InvalidToken("issued in the future"));
            }
        }
        None if !required => {}
        None => return Err(OidcError::InvalidToken("no iat")),
    }

    if let Some(nonce) = expected.nonce
        && object.get("nonce").and_then(Value::as_str) != Some(nonce)
    {
        return Err(OidcError::InvalidToken("wrong nonce"));
    }

    if required && !expected.acr.is_empty() {
        let acr = object.get("acr").and_then(Value::as_str);
        if !acr.is_some_and(|a| expected.acr.contains(&a)) {
            return Err(OidcError::InvalidToken(
                "authentication level (acr) not met",
            ));
        }
    }

    match object.get("sub") {
        Some(Value::String(sub)) if !sub.is_empty() => {}
        None if !required => {}
        _ => return Err(OidcError::InvalidToken("no subject")),
    }
    Ok(claims)
}

/// The typed claims of a checked ID token.
pub fn into_claims(claims: Value) -> Result<IdTokenClaims, OidcError> {
    serde_json::from_value(claims)
        .map_err(|_| OidcError::InvalidToken("claims of unexpected types"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::oidc::jose::RsaSigningKey;

    const NOW: i64 = 1_800_000_000;

    fn expected() -> Expected<'static> {
        Expected {
            issuer: "https://idp.example",
            client_id: "chevet",
            nonce: Some("n1"),
            acr: vec!["eidas1"],
            id_token: true,
        }
    }

    fn good() -> Value {
        serde_json::json!({
            "iss": "https://idp.example", "aud": "chevet", "sub": "f:1:810101234567",
            "exp": NOW + 120, "iat": NOW, "nonce": "n1", "acr": "eidas1"
        })
    }

    fn check(
        key: &RsaSigningKey,
        claims: &Value,
        expected: &Expected<'_>,
    ) -> Result<Value, OidcError> {
        let token = key.sign_json("JWT", claims).expect("sign");
        let keys = JwkSet {
            keys: vec![key.public_jwk()],
        };
        let jws = verify_signature(&token, &keys)?;
        check_claims(&jws, expected, NOW)
    }

    #[test]
    fn each_claim_rule() {
        let key = RsaSigningKey::generate("k").expect("key");
        let claims = into_claims(check(&key, &good(), &expected()).expect("valid")).expect("typed");
        assert_eq!(claims.acr.as_deref(), Some("eidas1"));
        assert!(claims.extra.contains_key("aud"));

        let cases: Vec<(&str, Value, &str)> = vec![
            ("iss", "https://other.example".into(), "wrong issuer"),
            ("aud", "someone".into(), "wrong audience"),
            (
                "aud",
                serde_json::json!(["chevet", "api"]),
                "several audiences without azp",
            ),
            ("azp", "api".into(), "wrong authorized party"),
            ("exp", (NOW - 61).into(), "expired"),
            ("iat", (NOW + 61).into(), "issued in the future"),
            ("nonce", "n2".into(), "wrong nonce"),
            ("acr", "eidas2".into(), "authentication level (acr) not met"),
            ("sub", "".into(), "no subject"),
        ];
        for (field, value, reason) in cases {
            let mut c = good();
            c[field] = value;
            assert_eq!(
                check(&key, &c, &expected()),
                Err(OidcError::InvalidToken(reason)),
                "{field}"
            );
        }
        let mut multi = good();
        multi["aud"] = serde_json::json!(["chevet", "api"]);
        multi["azp"] = "chevet".into();
        assert!(check(&key, &multi, &expected()).is_ok());
        let mut late = good();
        late["exp"] = (NOW - 59).into();
        assert!(check(&key, &late, &expected()).is_ok(), "within the leeway");
        let mut no_acr = good();
        no_acr.as_object_mut().expect("object").remove("acr");
        assert!(check(&key, &no_acr, &expected()).is_err());
        let mut lax = expected();
        lax.nonce = None;
        lax.acr.clear();
        assert!(check(&key, &no_acr, &lax).is_ok());
    }

    #[test]
    fn signed_userinfo_may_omit_registered_claims() {
        let key = RsaSigningKey::generate("k").expect("key");
        let mut e = expected();
        e.id_token = false;
        e.nonce = None;
        let claims = serde_json::json!({"sub": "x", "SubjectNameID": "810101234567"});
        assert!(check(&key, &claims, &e).is_ok());
        let wrong = serde_json::json!({"sub": "x", "iss": "https://evil.example"});
        assert!(check(&key, &wrong, &e).is_err());
    }

    #[test]
    fn debug_hides_the_subject() {
        let claims = into_claims(good()).expect("typed");
        assert!(!format!("{claims:?}").contains("810101234567"));
    }
}
