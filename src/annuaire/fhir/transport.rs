//! One GET to the Annuaire Santé API V2, done carefully: the `ESANTE-API-KEY` header, a
//! client-side rate limiter (the API allows 17 calls/s per application), the answer read
//! within a size limit, 429 and 502/503/504 retried with exponential back-off (honouring
//! `Retry-After`) a bounded number of times, and each failure classified into an
//! [`AnnuaireError`]. A timeout is not retried: the API's slow searches stay slow, and the
//! caller's local directory answers meanwhile. The HTTP client itself comes from
//! [`crate::http::client`] (rustls, platform roots, https only except on loopback).

use std::time::Duration;

use tokio::time::Instant;
use zeroize::Zeroizing;

use super::error::AnnuaireError;
use super::types::{Bundle, Resource};

/// The production base URL.
pub const PRODUCTION_BASE_URL: &str = "https://gateway.api.esante.gouv.fr/fhir/v2";
/// The keyring entry of the API key, as `chevet auth set-credential annuaire-sante` stores it
/// and `crate::auth::providers::credential(&crate::store::key::platform_keyrings(), …)` reads it.
pub const CREDENTIAL_ID: &str = "annuaire-sante";
/// The header carrying the key.
pub const API_KEY_HEADER: &str = "ESANTE-API-KEY";

/// How to reach the API and how hard to push it.
#[derive(Clone)]
pub struct AnnuaireSettings {
    pub base_url: String,
    pub api_key: Zeroizing<String>,
    /// Whole exchange, answer read included (the API itself gives up after 30 s).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Calls per second at most (the API's limit is 17; more is only honoured on loopback).
    pub rate_per_second: u32,
    /// Tries of one call when the API answers 429, 502, 503 or 504 or drops the answer.
    pub max_attempts: u32,
    /// First back-off (doubled at each try) and the longest wait accepted, `Retry-After` included.
    pub retry_base: Duration,
    pub max_backoff: Duration,
    /// `_count` of searches, and the page size of incremental refreshes.
    pub page_size: u32,
    pub sync_page_size: u32,
    /// Guards of one search: pages followed, primary results kept.
    pub max_pages: usize,
    pub max_entries: usize,
    /// Ids per `_id=a,b,c` request.
    pub id_batch: usize,
    /// Largest answer read.
    pub max_answer_bytes: usize,
}

impl AnnuaireSettings {
    /// The production API with this key and the default limits.
    pub fn new(api_key: Zeroizing<String>) -> Self {
        Self::with_base_url(PRODUCTION_BASE_URL, api_key)
    }

    pub fn with_base_url(base_url: &str, api_key: Zeroizing<String>) -> Self {
        Self {
            base_url: base_url.trim().trim_end_matches('/').to_owned(),
            api_key,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            rate_per_second: 17,
            max_attempts: 4,
            retry_base: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            page_size: 50,
            sync_page_size: 500,
            max_pages: 200,
            max_entries: 5_000,
            id_batch: 50,
            max_answer_bytes: 32 * 1024 * 1024,
        }
    }
}

impl std::fmt::Debug for AnnuaireSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnnuaireSettings")
            .field("base_url", &self.base_url)
            .field("api_key", &"***")
            .field("timeout", &self.timeout)
            .field("rate_per_second", &self.rate_per_second)
            .finish_non_exhaustive()
    }
}

/// At most `rate` calls per second: each call takes the next free slot.
#[derive(Debug)]
pub(super) struct Limiter {
    interval: Duration,
    next: std::sync::Mutex<Instant>,
}

impl Limiter {
    pub(super) fn new(rate_per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / rate_per_second.max(1),
            next: std::sync::Mutex::new(Instant::now()),
        }
    }

    pub(super) async fn wait(&self) {
        let wait = {
            let mut next = match self.next.lock() {
                Ok(g) => g,
                Err(poisoned) => poisoned.into_inner(),
            };
            let now = Instant::now();
            let at = (*next).max(now);
            *next = at + self.interval;
            at - now
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }
}

/// What came back from one exchange.
struct Reply {
    status: u16,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

/// The HTTP side of [`super::AnnuaireClient`].
pub(super) struct Transport {
    pub(super) settings: AnnuaireSettings,
    http: reqwest::Client,
    limiter: Limiter,
}

impl Transport {
    pub(super) fn new(settings: AnnuaireSettings) -> Result<Self, AnnuaireError> {
        let base = url::Url::parse(&settings.base_url)
            .map_err(|_| AnnuaireError::Settings("adresse du service"))?;
        if settings.api_key.trim().is_empty() {
            return Err(AnnuaireError::Settings("clé d'API absente"));
        }
        if reqwest::header::HeaderValue::from_str(settings.api_key.trim()).is_err() {
            return Err(AnnuaireError::Settings("clé d'API mal formée"));
        }
        let loopback = matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        let http = crate::http::client(
            &crate::http::Settings {
                connect_timeout: settings.connect_timeout,
                total_timeout: settings.timeout,
                https_only: !loopback,
                follow_redirects: false,
            },
            crate::http::Tls::Platform {
                extra_roots: Vec::new(),
                identity: None,
            },
        )
        .map_err(|_| AnnuaireError::Settings("client HTTP"))?;
        // The real API's cap holds whatever the configuration says; loopback (the sandbox) is free.
        let rate = if loopback {
            settings.rate_per_second
        } else {
            settings.rate_per_second.min(17)
        };
        let limiter = Limiter::new(rate);
        Ok(Self {
            settings,
            http,
            limiter,
        })
    }

    /// GETs a search page, retrying what is worth it.
    pub(super) async fn bundle(&self, url: &url::Url) -> Result<Bundle, AnnuaireError> {
        let mut attempt = 1;
        loop {
            self.limiter.wait().await;
            let (error, retry_after) = match self.exchange(url).await {
                Ok(reply) => match read_bundle(&reply) {
                    Ok(bundle) => return Ok(bundle),
                    Err(e) => (e, reply.retry_after),
                },
                Err(e) => (e, None),
            };
            let retried = matches!(
                error,
                AnnuaireError::RateLimited
                    | AnnuaireError::Interrupted
                    | AnnuaireError::Unavailable { status: 502..=504 }
            );
            if !retried || attempt >= self.settings.max_attempts {
                return Err(error);
            }
            let backoff = self
                .settings
                .retry_base
                .saturating_mul(1 << (attempt - 1).min(16));
            let wait = retry_after.unwrap_or(backoff);
            if wait > self.settings.max_backoff {
                return Err(error);
            }
            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "annuaire: retry"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn exchange(&self, url: &url::Url) -> Result<Reply, AnnuaireError> {
        let request = self
            .http
            .get(url.clone())
            .header(API_KEY_HEADER, self.settings.api_key.trim())
            .header(reqwest::header::ACCEPT, "application/fhir+json");
        let mut response = request.send().await.map_err(|e| self.failure(&e))?;
        let max = self.settings.max_answer_bytes;
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(AnnuaireError::TooLarge { max });
        }
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(&e))? {
            if body.len() + chunk.len() > max {
                return Err(AnnuaireError::TooLarge { max });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply {
            status,
            retry_after,
            body,
        })
    }

    /// A transport failure; reqwest's text (it quotes the URL) is not kept.
    fn failure(&self, e: &reqwest::Error) -> AnnuaireError {
        if e.is_timeout() {
            AnnuaireError::Timeout {
                secs: self.settings.timeout.as_secs().max(1),
            }
        } else if e.is_connect() {
            let text = format!("{e:#}").to_ascii_lowercase();
            AnnuaireError::Unreachable {
                tls: ["certificate", "tls", "handshake"]
                    .iter()
                    .any(|w| text.contains(w)),
            }
        } else if e.is_builder() {
            AnnuaireError::Settings("requête")
        } else {
            AnnuaireError::Interrupted
        }
    }
}

fn read_bundle(reply: &Reply) -> Result<Bundle, AnnuaireError> {
    let status = reply.status;
    match status {
        200 => {}
        401 | 403 => return Err(AnnuaireError::Unauthorized { status }),
        429 => return Err(AnnuaireError::RateLimited),
        500 | 502..=504 => return Err(AnnuaireError::Unavailable { status }),
        400..=499 => {
            let diagnostic = match serde_json::from_slice::<Resource>(&reply.body) {
                Ok(Resource::OperationOutcome(o)) => o
                    .issue
                    .first()
                    .map(|i| i.code.trim().to_owned())
                    .filter(|c| !c.is_empty()),
                _ => None,
            };
            return Err(AnnuaireError::Rejected { status, diagnostic });
        }
        _ => return Err(AnnuaireError::UnexpectedStatus { status }),
    }
    let bundle: Bundle = serde_json::from_slice(&reply.body)
        .map_err(|_| AnnuaireError::Unreadable { what: "JSON" })?;
    if bundle.resource_type != "Bundle" {
        return Err(AnnuaireError::Unreadable {
            what: "pas un Bundle",
        });
    }
    Ok(bundle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_limiter_spaces_calls() {
        let limiter = Limiter::new(20);
        let start = Instant::now();
        for _ in 0..5 {
            limiter.wait().await;
        }
        // The first call goes at once, the next four 50 ms apart.
        assert!(start.elapsed() >= Duration::from_millis(200));
        assert!(start.elapsed() < Duration::from_millis(1000));
    }

    #[test]
    fn answers_are_classified() {
        let reply = |status, body: &str| Reply {
            status,
            retry_after: None,
            body: body.as_bytes().to_vec(),
        };
        let oo = r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-supported","diagnostics":"Unknown search parameter \"name\""}]}"#;
        assert_eq!(
            read_bundle(&reply(400, oo)).err(),
            Some(AnnuaireError::Rejected {
                status: 400,
                diagnostic: Some("not-supported".into())
            })
        );
        assert_eq!(
            read_bundle(&reply(401, "")).err(),
            Some(AnnuaireError::Unauthorized { status: 401 })
        );
        assert!(matches!(
            read_bundle(&reply(200, "<html>")),
            Err(AnnuaireError::Unreadable { .. })
        ));
        assert!(
            read_bundle(&reply(
                200,
                r#"{"resourceType":"Bundle","type":"searchset"}"#
            ))
            .is_ok()
        );
    }

    #[test]
    fn the_key_is_never_printed() {
        let s = AnnuaireSettings::new(Zeroizing::new("s3cret-key".into()));
        assert!(!format!("{s:?}").contains("s3cret"));
        assert_eq!(s.base_url, PRODUCTION_BASE_URL);
    }
}
