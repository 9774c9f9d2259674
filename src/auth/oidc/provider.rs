//! A discovered provider: its checked metadata, its signing keys (fetched again once when a
//! token names an unknown key), the configuration and the HTTP client; discovery, the common
//! form POST with client authentication, endpoint choice (RFC 8705 mTLS aliases), and ID
//! token verification.

use std::sync::RwLock;

use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use zeroize::Zeroizing;

use super::client_auth::credentials;
use super::config::{ClientAuth, ProviderConfig};
use super::error::OidcError;
use super::http::{Reply, build_client, check_url, form_body, send};
use super::id_token::{Expected, IdTokenClaims, check_claims, into_claims, verify_signature};
use super::jose::{JoseError, JwkSet};
use super::metadata::{MtlsAliases, ProviderMetadata};

/// Most keys accepted in a key set.
const MAX_KEYS: usize = 100;

/// Form fields of a request to the provider.
pub(crate) type Form = Vec<(&'static str, Zeroizing<String>)>;

/// One OpenID provider, ready for the flows.
pub struct Provider {
    pub(super) config: ProviderConfig,
    pub(super) metadata: ProviderMetadata,
    jwks: RwLock<JwkSet>,
    pub(super) http: reqwest::Client,
}

impl std::fmt::Debug for Provider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provider")
            .field("id", &self.config.id)
            .field("issuer", &self.metadata.issuer)
            .finish_non_exhaustive()
    }
}

impl Provider {
    /// Fetches the discovery document and the key set; the document must name the configured
    /// issuer exactly.
    pub async fn discover(config: ProviderConfig) -> Result<Provider, OidcError> {
        check_url(&config.issuer)?;
        let discovery = check_url(&config.discovery_url())?;
        let http = build_client(&config)?;
        let reply = send(http.get(discovery).header(ACCEPT, "application/json")).await?;
        if !reply.is_success() {
            return Err(OidcError::Status(reply.status));
        }
        let metadata = ProviderMetadata::from_json(&reply.body)?;
        if metadata.issuer != config.issuer {
            return Err(OidcError::Config(
                "the discovery document names another issuer",
            ));
        }
        if !metadata.supports_s256() {
            tracing::warn!(provider = %config.id, "provider does not list PKCE S256; sending it anyway");
        }
        for acr in config.required_acr() {
            if !metadata.acr_values_supported.is_empty()
                && !metadata.acr_values_supported.iter().any(|a| a == acr)
            {
                tracing::warn!(provider = %config.id, "provider does not list the required acr");
            }
        }
        let provider = Self {
            jwks: RwLock::new(JwkSet::default()),
            config,
            metadata,
            http,
        };
        let keys = provider.fetch_jwks().await?;
        provider.set_jwks(keys);
        tracing::info!(provider = %provider.config.id, "OpenID provider discovered");
        Ok(provider)
    }

    /// A provider from known metadata and keys, without network (tests, sandbox).
    #[doc(hidden)]
    pub fn from_parts(
        config: ProviderConfig,
        metadata: ProviderMetadata,
        jwks: JwkSet,
    ) -> Result<Provider, OidcError> {
        metadata.validate()?;
        let http = build_client(&config)?;
        Ok(Self {
            config,
            metadata,
            jwks: RwLock::new(jwks),
            http,
        })
    }

    pub fn metadata(&self) -> &ProviderMetadata {
        &self.metadata
    }

    pub fn config(&self) -> &ProviderConfig {
        &self.config
    }

    /// The current key set (a copy).
    pub fn jwks(&self) -> JwkSet {
        self.jwks.read().map(|k| k.clone()).unwrap_or_default()
    }

    fn set_jwks(&self, keys: JwkSet) {
        if let Ok(mut current) = self.jwks.write() {
            *current = keys;
        }
    }

    async fn fetch_jwks(&self) -> Result<JwkSet, OidcError> {
        let url = check_url(&self.metadata.jwks_uri)?;
        let reply = send(self.http.get(url).header(ACCEPT, "application/json")).await?;
        if !reply.is_success() {
            return Err(OidcError::Status(reply.status));
        }
        let keys: JwkSet = super::http::json(&reply)?;
        if keys.keys.len() > MAX_KEYS {
            return Err(OidcError::Malformed("key set too large"));
        }
        Ok(keys)
    }

    /// The endpoint to call: its mTLS alias when the client authenticates with a certificate.
    fn pick<'a>(
        &'a self,
        plain: &'a str,
        alias: impl Fn(&'a MtlsAliases) -> Option<&'a String>,
    ) -> &'a str {
        if matches!(self.config.client_auth, ClientAuth::TlsClient { .. })
            && let Some(url) = self.metadata.mtls_endpoint_aliases.as_ref().and_then(alias)
        {
            return url;
        }
        plain
    }

    pub(super) fn token_endpoint(&self) -> &str {
        self.pick(&self.metadata.token_endpoint, |a| a.token_endpoint.as_ref())
    }

    pub(super) fn userinfo_endpoint(&self) -> Option<&str> {
        let plain = self.metadata.userinfo_endpoint.as_deref()?;
        Some(self.pick(plain, |a| a.userinfo_endpoint.as_ref()))
    }

    pub(super) fn revocation_endpoint(&self) -> Option<&str> {
        let plain = self.metadata.revocation_endpoint.as_deref()?;
        Some(self.pick(plain, |a| a.revocation_endpoint.as_ref()))
    }

    pub(super) fn backchannel_endpoint(&self) -> Option<&str> {
        let plain = self
            .metadata
            .backchannel_authentication_endpoint
            .as_deref()?;
        Some(self.pick(plain, |a| a.backchannel_authentication_endpoint.as_ref()))
    }

    /// POSTs a form, adding the client's authentication when `authenticate`.
    pub(super) async fn post_form(
        &self,
        url: &str,
        mut form: Form,
        authenticate: bool,
    ) -> Result<Reply, OidcError> {
        let url = check_url(url)?;
        let mut request = self
            .http
            .post(url)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ACCEPT, "application/json");
        if authenticate {
            let creds = credentials(
                &self.config.client_auth,
                &self.config.client_id,
                &self.metadata.token_endpoint,
                chrono::Utc::now().timestamp(),
            )?;
            form.extend(creds.form);
            if let Some(header) = creds.authorization {
                request = request.header(AUTHORIZATION, header.as_str());
            }
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let body = form_body(&pairs);
        send(request.body(body.as_bytes().to_vec())).await
    }

    pub(super) fn expected<'a>(&'a self, nonce: Option<&'a str>, id_token: bool) -> Expected<'a> {
        Expected {
            issuer: &self.metadata.issuer,
            client_id: &self.config.client_id,
            nonce,
            acr: self.config.required_acr(),
            id_token,
        }
    }

    /// Verifies an ID token with the keys in hand: signature, iss, aud/azp, exp/iat (60 s
    /// leeway), nonce when given, acr when the configuration requires one. An unknown key
    /// gives `InvalidToken("no matching key")`; the flows fetch the key set again then.
    pub fn verify_id_token(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims, OidcError> {
        let jws = verify_signature(id_token, &self.jwks())?;
        into_claims(check_claims(
            &jws,
            &self.expected(nonce, true),
            chrono::Utc::now().timestamp(),
        )?)
    }

    /// Like [`Self::verify_id_token`], fetching the key set again once when no key matched.
    pub async fn verify_id_token_fresh(
        &self,
        id_token: &str,
        nonce: Option<&str>,
    ) -> Result<IdTokenClaims, OidcError> {
        let jws = self.verified_jws(id_token).await?;
        into_claims(check_claims(
            &jws,
            &self.expected(nonce, true),
            chrono::Utc::now().timestamp(),
        )?)
    }

    /// Parses and checks the signature of a provider token, refetching the keys once.
    pub(super) async fn verified_jws(
        &self,
        token: &str,
    ) -> Result<super::jose::CompactJws, OidcError> {
        match verify_signature(token, &self.jwks()) {
            Ok(jws) => Ok(jws),
            Err(JoseError::NoKey(_)) => {
                tracing::info!(provider = %self.config.id, "unknown signing key; fetching the key set again");
                let keys = self.fetch_jwks().await?;
                self.set_jwks(keys);
                Ok(verify_signature(token, &self.jwks())?)
            }
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::oidc::jose::RsaSigningKey;
    use crate::auth::oidc::pkce::challenge_s256;

    const ISSUER: &str = "https://auth.example/realms/esante-wallet";

    fn metadata() -> ProviderMetadata {
        ProviderMetadata {
            issuer: ISSUER.into(),
            authorization_endpoint: "https://wallet.example/auth".into(),
            token_endpoint: format!("{ISSUER}/token"),
            jwks_uri: format!("{ISSUER}/certs"),
            userinfo_endpoint: Some(format!("{ISSUER}/userinfo")),
            end_session_endpoint: Some(format!("{ISSUER}/logout")),
            mtls_endpoint_aliases: Some(MtlsAliases {
                token_endpoint: Some("https://mtls.example/token".into()),
                ..MtlsAliases::default()
            }),
            ..ProviderMetadata::default()
        }
    }

    fn provider(key: &RsaSigningKey) -> Provider {
        let mut config = ProviderConfig::psc(
            "psc",
            "Pro Santé Connect",
            ISSUER,
            "chevet",
            ClientAuth::None,
        );
        config.post_logout_redirect_uri = Some("http://127.0.0.1/logged-out".into());
        Provider::from_parts(
            config,
            metadata(),
            JwkSet {
                keys: vec![key.public_jwk()],
            },
        )
        .expect("provider")
    }

    fn claims() -> serde_json::Value {
        let now = chrono::Utc::now().timestamp();
        serde_json::json!({"iss": ISSUER, "aud": "chevet", "sub": "f:1:810101234567",
            "exp": now + 120, "iat": now, "nonce": "n", "acr": "eidas1"})
    }

    #[test]
    fn forged_id_tokens_are_refused() {
        let key = RsaSigningKey::generate("k1").expect("key");
        let p = provider(&key);
        let good = key.sign_json("JWT", &claims()).expect("sign");
        let c = p.verify_id_token(&good, Some("n")).expect("valid");
        assert_eq!(c.acr.as_deref(), Some("eidas1"));

        let impostor = RsaSigningKey::generate("k1").expect("key");
        let forged = impostor.sign_json("JWT", &claims()).expect("sign");
        assert_eq!(
            p.verify_id_token(&forged, Some("n")),
            Err(OidcError::InvalidToken("bad signature"))
        );
        let unknown = RsaSigningKey::generate("k2").expect("key");
        let other_kid = unknown.sign_json("JWT", &claims()).expect("sign");
        assert_eq!(
            p.verify_id_token(&other_kid, Some("n")),
            Err(OidcError::InvalidToken("no matching key"))
        );
        let now = chrono::Utc::now().timestamp();
        for (field, value) in [
            ("aud", serde_json::json!("someone-else")),
            ("nonce", serde_json::json!("other")),
            ("exp", serde_json::json!(now - 3600)),
            ("acr", serde_json::json!("eidas2")),
            ("iss", serde_json::json!("https://evil.example")),
        ] {
            let mut c = claims();
            c[field] = value;
            let token = key.sign_json("JWT", &c).expect("sign");
            assert!(
                matches!(
                    p.verify_id_token(&token, Some("n")),
                    Err(OidcError::InvalidToken(_))
                ),
                "{field}"
            );
        }
        let mut flipped = good.into_bytes();
        let i = flipped.len() - 5;
        flipped[i] = if flipped[i] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        assert!(p.verify_id_token(&flipped, Some("n")).is_err());
        assert!(p.verify_id_token("not a token", None).is_err());
    }

    #[test]
    fn authorization_request_carries_pkce_state_nonce_acr() {
        let key = RsaSigningKey::generate("k1").expect("key");
        let p = provider(&key);
        let r = p.authorization_request("http://127.0.0.1:5555/callback");
        let url = url::Url::parse(&r.url).expect("url");
        assert_eq!(url.host_str(), Some("wallet.example"));
        let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
        assert_eq!(q["response_type"], "code");
        assert_eq!(q["client_id"], "chevet");
        assert_eq!(q["scope"], "openid scope_all");
        assert_eq!(q["acr_values"], "eidas1");
        assert_eq!(q["state"], r.state);
        assert_eq!(q["nonce"], r.nonce);
        assert_eq!(q["code_challenge_method"], "S256");
        assert_eq!(q["code_challenge"], challenge_s256(&r.code_verifier));
        assert_eq!(q["redirect_uri"], "http://127.0.0.1:5555/callback");
        assert!(!format!("{r:?}").contains(r.code_verifier.as_str()));
        let other = p.authorization_request("http://127.0.0.1:5555/callback");
        assert_ne!(other.state, r.state);
    }

    #[test]
    fn end_session_url_and_mtls_aliases() {
        let key = RsaSigningKey::generate("k1").expect("key");
        let p = provider(&key);
        let url = p.end_session_url("h.i.t", "s1").expect("url");
        assert!(url.starts_with(&format!("{ISSUER}/logout?id_token_hint=h.i.t&state=s1")));
        assert!(url.contains("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%2Flogged-out"));
        assert_eq!(p.token_endpoint(), format!("{ISSUER}/token"));
        let mtls = Provider {
            config: ProviderConfig {
                client_auth: ClientAuth::TlsClient {
                    cert_pem: String::new(),
                    key_pem: Zeroizing::new(String::new()),
                },
                ..p.config.clone()
            },
            metadata: p.metadata,
            jwks: RwLock::new(JwkSet::default()),
            http: p.http,
        };
        assert_eq!(mtls.token_endpoint(), "https://mtls.example/token");
        assert_eq!(
            mtls.userinfo_endpoint(),
            Some(format!("{ISSUER}/userinfo").as_str())
        );
        assert_eq!(mtls.backchannel_endpoint(), None);
    }

    #[test]
    fn insecure_metadata_is_refused() {
        let key = RsaSigningKey::generate("k1").expect("key");
        let mut m = metadata();
        m.userinfo_endpoint = Some("http://auth.example/userinfo".into());
        let config = provider(&key).config;
        assert!(Provider::from_parts(config, m, JwkSet::default()).is_err());
    }

    /// The worker spawns these futures on a multi-thread runtime.
    #[test]
    fn futures_are_send() {
        fn send<T: Send>(_: &T) {}
        let key = RsaSigningKey::generate("k1").expect("key");
        let p = provider(&key);
        let cancel = std::sync::atomic::AtomicBool::new(false);
        let mut on_wait = |_: u64| {};
        let request = crate::auth::oidc::CibaRequest {
            auth_req_id: "x".into(),
            expires_at: chrono::Utc::now(),
            interval_s: 5,
        };
        send(&Provider::discover(p.config.clone()));
        send(&crate::auth::oidc::ciba_wait(
            &p,
            request,
            &cancel,
            &mut on_wait,
        ));
        send(&crate::auth::oidc::LoopbackListener::bind("/cb"));
        send(&p.userinfo("t"));
        let _: fn() = || {
            fn sync<T: Send + Sync>() {}
            sync::<Provider>();
        };
    }
}
