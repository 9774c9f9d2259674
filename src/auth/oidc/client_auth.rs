//! Client authentication at the token, backchannel and revocation endpoints:
//! `none` (client_id in the form), `client_secret_basic` (RFC 6749 §2.3.1, with the
//! form-encoding of id and secret before base64), `private_key_jwt` (RFC 7523: an RS256
//! assertion for the token endpoint, valid 60 s) and `tls_client_auth` (RFC 8705: the
//! certificate rides on the TLS connection; client_id in the form).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::config::ClientAuth;
use super::error::OidcError;
use super::http::form_encode;
use super::pkce::random_token;

/// `client_assertion_type` of RFC 7523.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Lifetime of a client assertion.
pub const ASSERTION_LIFETIME_S: i64 = 60;

/// Form fields and Authorization header that authenticate the client.
pub struct ClientCredentials {
    pub form: Vec<(&'static str, Zeroizing<String>)>,
    pub authorization: Option<Zeroizing<String>>,
}

/// What `auth` adds to a request; `audience` is the provider's token endpoint.
pub fn credentials(
    auth: &ClientAuth,
    client_id: &str,
    audience: &str,
    now: i64,
) -> Result<ClientCredentials, OidcError> {
    let id = || ("client_id", Zeroizing::new(client_id.to_owned()));
    Ok(match auth {
        ClientAuth::None | ClientAuth::TlsClient { .. } => ClientCredentials {
            form: vec![id()],
            authorization: None,
        },
        ClientAuth::SecretBasic { secret } => {
            let pair = Zeroizing::new(format!(
                "{}:{}",
                form_encode(client_id),
                Zeroizing::new(form_encode(secret)).as_str()
            ));
            ClientCredentials {
                form: Vec::new(),
                authorization: Some(Zeroizing::new(format!(
                    "Basic {}",
                    STANDARD.encode(pair.as_bytes())
                ))),
            }
        }
        ClientAuth::PrivateKeyJwt { key } => {
            let claims = serde_json::json!({
                "iss": client_id,
                "sub": client_id,
                "aud": audience,
                "jti": random_token(),
                "iat": now,
                "exp": now + ASSERTION_LIFETIME_S,
            });
            let assertion = key
                .sign_json("JWT", &claims)
                .map_err(|_| OidcError::Config("client assertion could not be signed"))?;
            ClientCredentials {
                form: vec![
                    id(),
                    (
                        "client_assertion_type",
                        Zeroizing::new(JWT_BEARER_ASSERTION.to_owned()),
                    ),
                    ("client_assertion", Zeroizing::new(assertion)),
                ],
                authorization: None,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::oidc::jose::{CompactJws, JwkSet, RsaSigningKey};

    #[test]
    fn basic_encodes_id_and_secret() {
        let auth = ClientAuth::SecretBasic {
            secret: Zeroizing::new("a:b c".into()),
        };
        let c = credentials(&auth, "cli ent", "https://x/token", 0).expect("credentials");
        assert!(c.form.is_empty());
        let header = c.authorization.expect("header");
        let decoded = STANDARD
            .decode(header.trim_start_matches("Basic "))
            .expect("base64");
        assert_eq!(decoded, b"cli+ent:a%3Ab+c");
    }

    #[test]
    fn private_key_jwt_assertion_claims() {
        let key = Arc::new(RsaSigningKey::generate("c1").expect("key"));
        let auth = ClientAuth::PrivateKeyJwt {
            key: Arc::clone(&key),
        };
        let c = credentials(&auth, "chevet", "https://x/token", 1000).expect("credentials");
        let assertion = &c
            .form
            .iter()
            .find(|(k, _)| *k == "client_assertion")
            .expect("assertion")
            .1;
        let jws = CompactJws::parse(assertion).expect("jws");
        jws.verify(&JwkSet {
            keys: vec![key.public_jwk()],
        })
        .expect("verifies");
        let claims: serde_json::Value = jws.claims().expect("claims");
        assert_eq!(claims["iss"], "chevet");
        assert_eq!(claims["sub"], "chevet");
        assert_eq!(claims["aud"], "https://x/token");
        assert_eq!(claims["exp"], 1060);
        assert!(
            c.form
                .iter()
                .any(|(k, v)| *k == "client_assertion_type" && v.as_str() == JWT_BEARER_ASSERTION)
        );
    }

    #[test]
    fn public_and_tls_clients_send_their_id() {
        for auth in [
            ClientAuth::None,
            ClientAuth::TlsClient {
                cert_pem: String::new(),
                key_pem: Zeroizing::new(String::new()),
            },
        ] {
            let c = credentials(&auth, "chevet", "https://x/token", 0).expect("credentials");
            assert!(c.authorization.is_none());
            assert_eq!(c.form[0].0, "client_id");
            assert_eq!(c.form[0].1.as_str(), "chevet");
        }
    }
}
