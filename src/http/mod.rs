//! The one HTTP client wrapper of Chevet's network clients (the DMP's `dmp::transport`, the
//! OpenID providers' `auth::oidc::http`): a reqwest client built from each client's own TLS
//! settings with the shared choices (timeouts, user agent, redirects, https only), one way to
//! send a request and read its answer whole within a size limit into an [`HttpReply`], and one
//! classification of transport failures ([`Failure`]) that each client maps into its own error.
//!
//! TLS stays each client's business: the DMP brings a complete rustls configuration (mutual TLS,
//! the national health PKI roots only); an OpenID provider uses the platform's roots, with an
//! extra CA and a client identity when its configuration gives them.
//!
//! reqwest's error texts include the URL, which may carry a token: they are never kept.

mod reply;

use std::time::Duration;

pub use reply::HttpReply;

/// The TLS side of a client.
pub enum Tls {
    /// A complete rustls configuration (roots, versions, client certificate).
    Rustls(Box<rustls::ClientConfig>),
    /// The platform's trust anchors, plus these extra roots, with this client identity.
    Platform {
        extra_roots: Vec<reqwest::Certificate>,
        identity: Option<reqwest::Identity>,
    },
}

/// What a client is allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub connect_timeout: Duration,
    /// Whole exchange, answer read included.
    pub total_timeout: Duration,
    /// Refuse plain-http URLs.
    pub https_only: bool,
    /// Follow redirects (OpenID providers: never; a redirect is an answer to look at).
    pub follow_redirects: bool,
}

/// Why an exchange gave no answer. No text from reqwest is kept (it may quote a URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("no answer in time")]
    Timeout,
    /// The connection could not be made; `tls` when the TLS handshake (a certificate) failed.
    #[error("connection failed (TLS: {tls})")]
    Connect { tls: bool },
    /// The connection broke while the request or the answer was under way.
    #[error("the transfer was interrupted")]
    Transfer,
    #[error("an answer larger than {max} bytes")]
    TooLarge { max: usize },
    /// The request itself could not be built (bad URL or header).
    #[error("the request could not be built")]
    Request,
}

impl Failure {
    fn of(e: &reqwest::Error) -> Self {
        if e.is_timeout() {
            Self::Timeout
        } else if e.is_builder() {
            Self::Request
        } else if e.is_connect() {
            // The TLS handshake happens during connect: a refused certificate shows here.
            let text = format!("{e:#}").to_ascii_lowercase();
            Self::Connect {
                tls: ["certificate", "tls", "handshake"]
                    .iter()
                    .any(|w| text.contains(w)),
            }
        } else {
            Self::Transfer
        }
    }
}

/// Builds a client: these TLS settings, these limits, Chevet's user agent.
pub fn client(settings: &Settings, tls: Tls) -> Result<reqwest::Client, Failure> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.total_timeout)
        .https_only(settings.https_only)
        .user_agent(concat!("Chevet/", env!("CARGO_PKG_VERSION")));
    if !settings.follow_redirects {
        builder = builder.redirect(reqwest::redirect::Policy::none());
    }
    builder = match tls {
        Tls::Rustls(config) => builder.use_preconfigured_tls(*config),
        Tls::Platform {
            extra_roots,
            identity,
        } => {
            if !extra_roots.is_empty() {
                builder = builder.tls_certs_merge(extra_roots);
            }
            match identity {
                Some(identity) => builder.identity(identity),
                None => builder,
            }
        }
    };
    builder.build().map_err(|_| Failure::Request)
}

/// Sends `request` and reads the answer whole: status, content type and at most `max_bytes`
/// of body (a larger answer is refused without being read).
pub async fn send(
    request: reqwest::RequestBuilder,
    max_bytes: usize,
) -> Result<HttpReply, Failure> {
    let mut response = request.send().await.map_err(|e| Failure::of(&e))?;
    let too_large = Failure::TooLarge { max: max_bytes };
    if response
        .content_length()
        .is_some_and(|n| n > max_bytes as u64)
    {
        return Err(too_large);
    }
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    // Room for what the server announces, up to 4 MiB: the rest grows as it really comes.
    let announced = response
        .content_length()
        .map_or(0, |n| usize::try_from(n).unwrap_or(0));
    let mut body = Vec::with_capacity(announced.min(4 * 1024 * 1024));
    while let Some(chunk) = response.chunk().await.map_err(|e| Failure::of(&e))? {
        if body.len() + chunk.len() > max_bytes {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(HttpReply {
        status,
        content_type,
        body,
    })
}
