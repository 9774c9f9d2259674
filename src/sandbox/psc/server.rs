//! The sandbox provider's HTTP front and shared state: plain HTTP/1.1 on 127.0.0.1 (hyper),
//! bodies capped, routing by path to the endpoints, the discovery document and key set; the
//! [`SandboxPsc`] service the registry runs and the [`PscHandle`] that code and tests use to
//! see and act on the provider (client credentials, pending CIBA requests, decisions).

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::net::TcpListener;

use super::error::PscError;
use super::http::{self, Answer, MAX_BODY_BYTES, Req};
use super::options::{ECPS_PATH, Endpoints, Flavour, OIDC, PscOptions};
use super::state::{PendingCiba, Store, random_id};
use super::{authorize, ciba, logout, tokens, userinfo};
use crate::auth::oidc::jose::{Jwk, JwkSet, RsaSigningKey};
use crate::sandbox::registry::{ServeFuture, SimulatedService};

/// Longest time a connection may take to send its request headers and body.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// What every endpoint shares.
pub(crate) struct Shared {
    pub options: PscOptions,
    pub client_secret: String,
    pub key: RsaSigningKey,
    endpoints: OnceLock<Endpoints>,
    store: Mutex<Store>,
    client_keys: Mutex<Vec<Jwk>>,
}

impl Shared {
    pub fn flavour(&self) -> Flavour {
        self.options.flavour
    }

    pub fn client_id(&self) -> &'static str {
        self.options.flavour.client_id()
    }

    /// The URLs, known once the listener is bound.
    pub fn endpoints(&self) -> Option<&Endpoints> {
        self.endpoints.get()
    }

    /// The state; a poisoned lock is taken over (the state stays consistent per call).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Keys registered for `private_key_jwt`.
    pub fn client_keys(&self) -> JwkSet {
        JwkSet {
            keys: self
                .client_keys
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
        }
    }

    /// The provider's published keys.
    pub fn jwks(&self) -> JwkSet {
        JwkSet {
            keys: vec![self.key.public_jwk()],
        }
    }

    pub fn access_ttl(&self) -> Duration {
        Duration::from_secs(self.options.access_token_ttl_s)
    }

    pub fn refresh_ttl(&self) -> Duration {
        Duration::from_secs(self.options.refresh_token_ttl_s)
    }
}

/// The provider, ready to be registered.
pub struct SandboxPsc {
    shared: Arc<Shared>,
}

/// A handle on a provider's state (cheap to clone).
#[derive(Clone)]
pub struct PscHandle {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for PscHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PscHandle({:?})", self.shared.flavour())
    }
}

impl SandboxPsc {
    /// A provider with a fresh signing key and client secret.
    pub fn new(options: PscOptions) -> Result<(Self, PscHandle), PscError> {
        options.check().map_err(PscError::Options)?;
        let kid = format!("bac-a-sable-{}", random_id(6));
        let key = RsaSigningKey::generate(&kid)?;
        let shared = Arc::new(Shared {
            options,
            client_secret: random_id(32),
            key,
            endpoints: OnceLock::new(),
            store: Mutex::new(Store::default()),
            client_keys: Mutex::new(Vec::new()),
        });
        let handle = PscHandle {
            shared: shared.clone(),
        };
        Ok((Self { shared }, handle))
    }
}

impl PscHandle {
    pub fn flavour(&self) -> Flavour {
        self.shared.flavour()
    }

    pub fn client_id(&self) -> &str {
        self.shared.client_id()
    }

    /// The client secret, generated at start (client_secret_basic).
    pub fn client_secret(&self) -> &str {
        &self.shared.client_secret
    }

    /// The URLs, once the provider listens.
    pub fn endpoints(&self) -> Option<Endpoints> {
        self.shared.endpoints().cloned()
    }

    /// Sets the URLs from the base URL the listener got (done by [`super::start`]).
    pub(crate) fn set_base_url(&self, base_url: &str) {
        let _ = self
            .shared
            .endpoints
            .set(Endpoints::new(self.shared.flavour(), base_url));
    }

    /// Registers a public key of the client for `private_key_jwt` authentication.
    pub fn register_client_key(&self, key: Jwk) {
        let mut keys = self
            .shared
            .client_keys
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if keys.len() < 16 {
            keys.push(key);
        }
    }

    /// CIBA requests waiting for a decision, oldest first.
    pub fn pending_ciba(&self) -> Vec<PendingCiba> {
        self.shared
            .store()
            .pending_ciba(Instant::now(), self.shared.options.auto_approve_ciba_after)
    }

    /// Approves a pending CIBA request (its `PendingCiba::id`); false if none is pending.
    pub fn approve(&self, id: &str) -> bool {
        self.shared.store().decide_ciba(id, true, Instant::now())
    }

    /// Denies a pending CIBA request; false if none is pending.
    pub fn deny(&self, id: &str) -> bool {
        self.shared.store().decide_ciba(id, false, Instant::now())
    }
}

impl SimulatedService for SandboxPsc {
    fn name(&self) -> &'static str {
        self.shared.flavour().service_name()
    }

    fn scheme(&self) -> &'static str {
        "http"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        Box::pin(async move {
            if let Ok(addr) = listener.local_addr() {
                let _ = self.shared.endpoints.set(Endpoints::new(
                    self.shared.flavour(),
                    &format!("http://{addr}"),
                ));
            }
            while let Ok((socket, _)) = listener.accept().await {
                let shared = self.shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = shared.clone();
                        async move { Ok::<_, Infallible>(handle(&shared, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(READ_TIMEOUT)
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        })
    }
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Answer {
    let (parts, body) = request.into_parts();
    let read = tokio::time::timeout(READ_TIMEOUT, Limited::new(body, MAX_BODY_BYTES).collect());
    let body = match read.await {
        Ok(Ok(collected)) => collected.to_bytes().to_vec(),
        Ok(Err(_)) => {
            let mut answer =
                http::oauth_error("invalid_request", "requête trop volumineuse ou illisible");
            *answer.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return answer;
        }
        Err(_) => return http::oauth_error("invalid_request", "requête trop lente"),
    };
    let req = Req {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().unwrap_or_default().to_owned(),
        authorization: parts
            .headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body,
    };
    let answer = route(shared, &req, Instant::now());
    tracing::debug!(
        method = %req.method,
        path = %req.path,
        status = answer.status().as_u16(),
        "sandbox OIDC provider"
    );
    answer
}

/// Dispatches a read request to its endpoint.
pub(crate) fn route(shared: &Shared, req: &Req, now: Instant) -> Answer {
    let Some(endpoints) = shared.endpoints() else {
        return http::oauth_error("temporarily_unavailable", "fournisseur pas encore prêt");
    };
    let flavour = shared.flavour();
    let path = req.path.as_str();
    let (get, post) = (req.method == Method::GET, req.method == Method::POST);
    if path == flavour.authorize_path() {
        return match () {
            () if get => authorize::page(shared, req, now),
            () if post => authorize::choose(shared, req, now),
            () => http::method_not_allowed(),
        };
    }
    if flavour.has_ciba() && path == ECPS_PATH {
        return match () {
            () if get => ciba::ecps_page(shared, now),
            () if post => ciba::ecps_decide(shared, req, now),
            () => http::method_not_allowed(),
        };
    }
    let Some(rest) = path.strip_prefix(flavour.issuer_path()) else {
        return http::not_found();
    };
    if rest == format!("/.well-known/{}", flavour.discovery_name()) {
        return if get {
            http::json(StatusCode::OK, &discovery(flavour, endpoints))
        } else {
            http::method_not_allowed()
        };
    }
    let Some(endpoint) = rest.strip_prefix(OIDC) else {
        return http::not_found();
    };
    match endpoint {
        "/certs" if get => http::json(StatusCode::OK, &json!(shared.jwks())),
        "/token" if post => tokens::token(shared, req, now),
        "/userinfo" if get || post => userinfo::userinfo(shared, req, now),
        "/token/introspect" if post => userinfo::introspect(shared, req, now),
        "/logout" if get || post => logout::logout(shared, req, now),
        "/revoke" if post => logout::revoke(shared, req, now),
        "/ext/ciba/auth" if post && flavour.has_ciba() => ciba::backchannel(shared, req, now),
        "/certs" | "/token" | "/userinfo" | "/token/introspect" | "/logout" | "/revoke" => {
            http::method_not_allowed()
        }
        _ => http::not_found(),
    }
}

/// The discovery document.
pub(crate) fn discovery(flavour: Flavour, e: &Endpoints) -> serde_json::Value {
    let auth_methods = json!(["client_secret_basic", "private_key_jwt"]);
    let mut doc = json!({
        "issuer": e.issuer,
        "authorization_endpoint": e.authorize,
        "token_endpoint": e.token,
        "userinfo_endpoint": e.userinfo,
        "end_session_endpoint": e.logout,
        "jwks_uri": e.certs,
        "revocation_endpoint": e.revoke,
        "introspection_endpoint": e.introspect,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "userinfo_signing_alg_values_supported": ["none"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": auth_methods,
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
        "revocation_endpoint_auth_methods_supported": auth_methods,
        "introspection_endpoint_auth_methods_supported": auth_methods,
        "authorization_response_iss_parameter_supported": true,
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
    });
    let extra = match flavour {
        Flavour::Psc => json!({
            "grant_types_supported": [
                "authorization_code", "refresh_token", "urn:openid:params:grant-type:ciba"
            ],
            "scopes_supported": ["openid", "scope_all"],
            "acr_values_supported": ["eidas1"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "azp", "sid",
                "SubjectNameID", "preferred_username", "given_name", "family_name",
                "SubjectRefPro", "otherIds"
            ],
            "backchannel_authentication_endpoint": e.ciba,
            "backchannel_token_delivery_modes_supported": ["poll"],
            "backchannel_user_code_parameter_supported": false,
        }),
        Flavour::Hospital => json!({
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "scopes_supported": ["openid", "profile"],
            "claims_supported": [
                "sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "azp", "sid",
                "preferred_username", "given_name", "family_name"
            ],
        }),
    };
    if let (Some(doc), Some(extra)) = (doc.as_object_mut(), extra.as_object()) {
        doc.extend(extra.clone());
    }
    doc
}
