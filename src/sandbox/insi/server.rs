//! The sandbox INSi's HTTPS front: TLS 1.2/1.3 on 127.0.0.1 requiring a client certificate
//! issued by its test CA; the certificate's CN must be `INSI-AUTO` or `INSI-MANU` (else the
//! DESIR_560 fault). One POST per SOAP call (`/lps`), read by `request`, answered by
//! `answer` from the `identities` base; a small state counts the calls (in all, per answer
//! code, per INS found). Injected latency and faults (`faults`) apply here.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

use super::answer;
use super::faults::{FaultPlan, FaultState, Injected};
use super::identities::{Directory, Person};
use super::pki::{CN_AUTO, CN_MANU, InsiPki, common_name};
use super::request::{self, Asked};
use crate::domain::Ins;
use crate::sandbox::mtls;
use crate::sandbox::registry::{ServeFuture, SimulatedService};

/// Path of the service under the server's root, as on the real endpoint.
pub const PATH: &str = "/lps";
/// Largest request read.
const MAX_REQUEST_BYTES: usize = 64 * 1024;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Default)]
struct Counts {
    /// Per `CodeCR` (`00`, `01`, `02`) and per fault code.
    by_code: HashMap<String, u32>,
    /// Per matricule found (`00`).
    by_matricule: HashMap<String, u32>,
}

pub(super) struct Shared {
    pub(super) directory: RwLock<Directory>,
    faults: Mutex<FaultState>,
    idams: Vec<String>,
    tls: Arc<rustls::ServerConfig>,
    calls: AtomicU64,
    counts: Mutex<Counts>,
}

/// The simulator, ready to be registered; clones share its state.
#[derive(Clone)]
pub struct SandboxInsi {
    pub(super) shared: Arc<Shared>,
}

impl SandboxInsi {
    /// A simulator over `directory`, knowing these software authorisation numbers.
    pub fn new(
        pki: &InsiPki,
        directory: Directory,
        idams: Vec<String>,
        faults: FaultPlan,
    ) -> Result<Self, String> {
        Ok(Self {
            shared: Arc::new(Shared {
                directory: RwLock::new(directory),
                faults: Mutex::new(FaultState::new(faults)),
                idams,
                tls: Arc::new(mtls::server_config(
                    &pki.ca_der,
                    &pki.server.cert_der,
                    &pki.server.key_pem,
                )?),
                calls: AtomicU64::new(0),
                counts: Mutex::new(Counts::default()),
            }),
        })
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.shared.faults) = FaultState::new(plan);
    }

    /// Requests received so far (answered or not, handshakes refused excepted).
    pub fn calls(&self) -> u64 {
        self.shared.calls.load(Ordering::Relaxed)
    }

    /// Answers given with this code (`00`, `01`, `02`, or a fault's `desir_NNN`).
    pub fn answers(&self, code: &str) -> u32 {
        lock(&self.shared.counts)
            .by_code
            .get(code)
            .copied()
            .unwrap_or(0)
    }

    /// How many times this INS was found.
    pub fn found_count(&self, ins: &Ins) -> u32 {
        lock(&self.shared.counts)
            .by_matricule
            .get(ins.matricule.as_str())
            .copied()
            .unwrap_or(0)
    }

    /// Persons in the base.
    pub fn known(&self) -> usize {
        self.shared.directory.read().map_or(0, |d| d.len())
    }

    /// Adds persons to the base (the demo days computed in the background).
    pub fn add_persons(&self, persons: Vec<Person>) {
        if let Ok(mut d) = self.shared.directory.write() {
            for p in persons {
                d.add(p);
            }
        }
    }
}

impl SimulatedService for SandboxInsi {
    fn name(&self) -> &'static str {
        "insi"
    }

    fn scheme(&self) -> &'static str {
        "https"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        let tls = self.shared.tls.clone();
        let shared = self.shared;
        Box::pin(mtls::serve(listener, tls, "sandbox INSi", move |tls| {
            let cn = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(|leaf| common_name(leaf.as_ref()))
                .unwrap_or_default();
            let cn = Arc::new(cn);
            let shared = shared.clone();
            service_fn(move |request| {
                let shared = shared.clone();
                let cn = cn.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(&shared, &cn, request).await) }
            })
        }))
    }
}

type Answer = Response<Full<Bytes>>;

fn reply(status: StatusCode, content_type: &'static str, body: String) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(content_type),
    );
    response
}

const SOAP_TYPE: &str = "application/soap+xml; charset=utf-8";

fn fault(shared: &Shared, code: &str) -> Answer {
    *lock(&shared.counts)
        .by_code
        .entry(code.to_owned())
        .or_default() += 1;
    reply(
        StatusCode::INTERNAL_SERVER_ERROR,
        SOAP_TYPE,
        answer::fault(code),
    )
}

/// The `action` parameter of a SOAP 1.2 content type.
fn action_param(content_type: &str) -> Option<&str> {
    content_type.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("action")).then(|| v.trim().trim_matches('"'))
    })
}

async fn handle(shared: &Shared, cn: &str, request: Request<Incoming>) -> Answer {
    shared.calls.fetch_add(1, Ordering::Relaxed);
    let (latency, injected) = {
        let mut f = lock(&shared.faults);
        (f.latency, f.next())
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if request.method() != hyper::Method::POST || request.uri().path() != PATH {
        return reply(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            "<html><body><h1>404 Not Found</h1></body></html>".into(),
        );
    }
    let content_type = request
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if !content_type
        .to_ascii_lowercase()
        .starts_with("application/soap+xml")
    {
        return reply(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "text/html; charset=utf-8",
            "<html><body><h1>415 Unsupported Media Type</h1></body></html>".into(),
        );
    }
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return fault(shared, "desir_500"),
    };
    if cn != CN_AUTO && cn != CN_MANU {
        return fault(shared, "desir_560");
    }
    match injected {
        None => {}
        Some(Injected::Fault(code)) => return fault(shared, &code),
        Some(Injected::Hang) => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            return fault(shared, "insi_102");
        }
        Some(Injected::Html(status)) => {
            return reply(
                StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
                "text/html; charset=utf-8",
                format!(
                    "<html><head><title>{status}</title></head><body><h1>Erreur {status}</h1><p>Le service est indisponible.</p></body></html>"
                ),
            );
        }
        Some(Injected::Truncate) => {
            let whole = answer::resultat(&[]);
            let cut = whole.len() / 2;
            return reply(StatusCode::OK, SOAP_TYPE, whole[..cut].to_owned());
        }
        Some(Injected::Doctype) => {
            return reply(
                StatusCode::OK,
                SOAP_TYPE,
                "<?xml version=\"1.0\"?>\n<!DOCTYPE lol [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]>\n<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Body>&lol2;</soap:Body></soap:Envelope>".into(),
            );
        }
    }
    let asked = match request::read(&body, action_param(&content_type), &shared.idams) {
        Ok(asked) => asked,
        Err(code) => return fault(shared, code),
    };
    let Ok(directory) = shared.directory.read() else {
        return fault(shared, "insi_102");
    };
    let found: Vec<&Person> = match &asked {
        Asked::Traits(q) => directory.search(q),
        Asked::Vitale(v) => directory.by_matricule(&v.matricule, &v.birth_name),
    };
    let text = answer::resultat(&found);
    {
        let mut counts = lock(&shared.counts);
        let code = match found.len() {
            0 => "01",
            1 => "00",
            _ => "02",
        };
        *counts.by_code.entry(code.to_owned()).or_default() += 1;
        if let [p] = found.as_slice() {
            *counts
                .by_matricule
                .entry(p.ins.matricule.as_str().to_owned())
                .or_default() += 1;
        }
    }
    reply(StatusCode::OK, SOAP_TYPE, text)
}
