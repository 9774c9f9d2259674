//! The sandbox stand-in for the DMP professional web portal, opened in a patient's context by
//! a single-use token — never with the INS in the browser's address (docs/dmp.md, "Portail en
//! contexte"). Two sides share the tokens:
//!
//! - the context side (`context`: HTTPS on 127.0.0.1 requiring a client certificate of the
//!   test CA): a SOAP POST whose signed VIHF names the professional, the patient and the
//!   access mode, and whose body names the page, gets back the browser address
//!   `…/portail?ctx=<token>` — 256 random bits, valid [`TOKEN_TTL`], for one use, bound to
//!   that professional, patient, mode and page;
//! - the browser side (plain HTTP on loopback, GET only, like a page the system browser
//!   opens): `/portail?ctx=…` redeems the token once and shows the patient, the page and the
//!   professional it was issued for; an unknown, already used or expired token is refused
//!   (403). Its pages are neither cached nor sent as a `Referer`.
//!
//! Only SHA-256 digests of the tokens are kept.

mod context;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::header::{HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

use super::pki::TestPki;
use super::server::SandboxDmpError;
use crate::dmp::vihf::PurposeOfUse;
use crate::domain::dmp::PortalPage;
use crate::sandbox::mtls;
use crate::sandbox::registry::{Registry, ServeFuture, SimulatedService};
use crate::xml_escape::escape;

/// Path of the page the browser opens: `{browser side}/portail?ctx=<token>`.
pub const PORTAL_PATH: &str = "/portail";
/// Path of the context address on the context side.
pub const CONTEXT_PATH: &str = "/portail/contexte";
/// Registry name of the browser side.
pub const BROWSER_SERVICE: &str = "dmp-portail";
/// Registry name of the context side.
pub const CONTEXT_SERVICE: &str = "dmp-portail-contexte";
/// How long a token may be redeemed after it was issued.
pub const TOKEN_TTL: Duration = Duration::from_secs(60);
/// Tokens outstanding at most; past that the oldest are forgotten.
const MAX_PENDING: usize = 1024;

/// The context address of a context side listening at `base_url` (`https://127.0.0.1:port`).
pub fn context_url(base_url: &str) -> String {
    format!("{}{CONTEXT_PATH}", base_url.trim_end_matches('/'))
}

/// What a token opens, once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub matricule: String,
    pub ins_oid: String,
    /// idNat_PS of the professional the VIHF named.
    pub professional: String,
    pub purpose: PurposeOfUse,
    pub page: PortalPage,
}

/// Why a token opens nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Never issued, or already used.
    Unknown,
    /// Issued, but more than the validity ago (it is now forgotten).
    Expired,
}

struct Pending {
    grant: Grant,
    issued: Instant,
    /// Order of issue (the oldest is forgotten first when too many are outstanding).
    seq: u64,
}

/// The outstanding tokens: SHA-256 of the token → what it opens.
#[derive(Default)]
struct Book {
    entries: HashMap<[u8; 32], Pending>,
    next_seq: u64,
}

struct Shared {
    pending: Mutex<Book>,
    browser_url: OnceLock<String>,
    ttl: Duration,
    ca_der: Vec<u8>,
    tls: Arc<rustls::ServerConfig>,
}

/// The portal: its two sides and the tokens they share.
#[derive(Clone)]
pub struct SandboxPortal {
    shared: Arc<Shared>,
}

impl SandboxPortal {
    /// A portal trusting the test CA of `pki` (client certificates, VIHF signatures), serving
    /// its context side with the PKI's server certificate; tokens valid `ttl`.
    pub fn new(pki: &TestPki, ttl: Duration) -> Result<Self, SandboxDmpError> {
        let tls = mtls::server_config(&pki.ca_der, &pki.server.cert_der, &pki.server.key_pem)
            .map_err(SandboxDmpError::Tls)?;
        Ok(Self {
            shared: Arc::new(Shared {
                pending: Mutex::new(Book::default()),
                browser_url: OnceLock::new(),
                ttl,
                ca_der: pki.ca_der.clone(),
                tls: Arc::new(tls),
            }),
        })
    }

    /// The browser side, to register.
    pub fn browser_side(&self) -> Box<dyn SimulatedService> {
        Box::new(BrowserSide(self.shared.clone()))
    }

    /// The context side, to register.
    pub fn context_side(&self) -> Box<dyn SimulatedService> {
        Box::new(context::ContextSide(self.shared.clone()))
    }

    /// Learns where the registry put the browser side: the addresses the context side gives
    /// point there. Before this, context requests are refused.
    pub fn publish(&self, registry: &Registry) {
        if let Some(url) = registry.url_of(BROWSER_SERVICE) {
            let _ = self.shared.browser_url.set(url);
        }
    }

    /// Tokens issued and neither redeemed nor expired.
    pub fn outstanding(&self) -> usize {
        let ttl = self.shared.ttl;
        self.shared.pending.lock().map_or(0, |p| {
            p.entries
                .values()
                .filter(|e| e.issued.elapsed() < ttl)
                .count()
        })
    }

    /// Issues a token for `grant` (what the context side does once the request is checked).
    pub fn issue(&self, grant: Grant) -> String {
        self.shared.issue(grant)
    }

    /// Redeems a token (what the browser side does).
    pub fn redeem(&self, token: &str) -> Result<Grant, Refused> {
        self.shared.redeem(token)
    }
}

impl Shared {
    fn issue(&self, grant: Grant) -> String {
        let token = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let now = Instant::now();
        if let Ok(mut book) = self.pending.lock() {
            book.entries
                .retain(|_, e| now.duration_since(e.issued) < self.ttl);
            while book.entries.len() >= MAX_PENDING {
                let oldest = book
                    .entries
                    .iter()
                    .min_by_key(|(_, e)| e.seq)
                    .map(|(k, _)| *k);
                match oldest {
                    Some(key) => book.entries.remove(&key),
                    None => break,
                };
            }
            let seq = book.next_seq;
            book.next_seq += 1;
            book.entries.insert(
                digest(&token),
                Pending {
                    grant,
                    issued: now,
                    seq,
                },
            );
        }
        token
    }

    fn redeem(&self, token: &str) -> Result<Grant, Refused> {
        let well_formed = token.len() == 43
            && token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(Refused::Unknown);
        }
        // Taken out whatever follows: a token opens at most once.
        let entry = self
            .pending
            .lock()
            .ok()
            .and_then(|mut book| book.entries.remove(&digest(token)))
            .ok_or(Refused::Unknown)?;
        if entry.issued.elapsed() >= self.ttl {
            return Err(Refused::Expired);
        }
        Ok(entry.grant)
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The browser side.
struct BrowserSide(Arc<Shared>);

impl SimulatedService for BrowserSide {
    fn name(&self) -> &'static str {
        BROWSER_SERVICE
    }

    fn scheme(&self) -> &'static str {
        "http"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        Box::pin(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = self.0.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                        let shared = shared.clone();
                        async move {
                            Ok::<_, Infallible>(page(&shared, request.method(), request.uri()))
                        }
                    });
                    let _ = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        })
    }
}

fn page(shared: &Shared, method: &hyper::Method, uri: &hyper::Uri) -> Response<Full<Bytes>> {
    if method != hyper::Method::GET || uri.path() != PORTAL_PATH {
        return answer(StatusCode::NOT_FOUND, "<p>Page inconnue.</p>".into());
    }
    let token = url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "ctx")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let grant = match shared.redeem(&token) {
        Ok(grant) => grant,
        Err(Refused::Expired) => {
            return answer(
                StatusCode::FORBIDDEN,
                "<h1>Lien expiré</h1><p>Ce lien d'accès au DMP a expiré. \
                 Rouvrez le DMP depuis le dossier du patient dans Chevet.</p>"
                    .into(),
            );
        }
        Err(Refused::Unknown) => {
            return answer(
                StatusCode::FORBIDDEN,
                "<h1>Lien inconnu ou déjà utilisé</h1><p>Un lien d'accès au DMP ne sert \
                 qu'une fois. Rouvrez le DMP depuis le dossier du patient dans Chevet.</p>"
                    .into(),
            );
        }
    };
    let title = match grant.page {
        PortalPage::VaccinationNote => "Note de vaccination",
        PortalPage::Documents => "Documents du DMP",
        PortalPage::Summary => "Synthèse du DMP",
    };
    answer(
        StatusCode::OK,
        format!(
            "<h1>DMP — portail professionnel (bac à sable)</h1>\
             <h2>{}</h2><p>Patient : INS <code>{}</code> (OID {})</p>\
             <p>Professionnel : <code>{}</code>, accès {}</p>\
             <p>Page simulée : le vrai portail s'ouvre ici, dans le contexte de ce patient, \
             par un lien à usage unique qui ne porte pas son identité.</p>",
            escape(title),
            escape(&grant.matricule),
            escape(&grant.ins_oid),
            escape(&grant.professional),
            escape(grant.purpose.code()),
        ),
    )
}

fn answer(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let html = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <title>DMP (bac à sable)</title></head><body style=\"font-family:sans-serif\">{body}</body></html>"
    );
    let mut response = Response::new(Full::new(Bytes::from(html)));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-type", "text/html; charset=utf-8"),
        ("cache-control", "no-store"),
        ("referrer-policy", "no-referrer"),
        ("x-content-type-options", "nosniff"),
        (
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        ),
    ] {
        headers.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

#[cfg(test)]
mod tests;
