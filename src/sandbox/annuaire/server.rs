//! The sandbox Annuaire Santé FHIR V2 server: plain HTTP on loopback under `/fhir/v2`, the
//! `ESANTE-API-KEY` header required (401 otherwise), GET searches on Practitioner,
//! PractitionerRole and Organization with the V2 parameters (`search`), answers in the real
//! resource shapes (`resources`) built from [`DirectoryEntry`]s indexed at start (`index`),
//! paging by `Bundle.link next` = `<base>/_page?id=<opaque>` (`_count`, default 50), and
//! injected latency and faults (`faults`). Some mailboxes can be hidden from FHIR while the
//! extract lists them ([`SandboxAnnuaire::set_missing_mailboxes`]), as users report.

mod faults;
mod index;
mod resources;
mod search;
pub mod test_support;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;

pub use faults::{FaultPlan, PlanError};
use faults::{FaultState, Injected};
use index::Index;
use resources::Writer;
use search::{Kind, Search};

use crate::domain::directory::DirectoryEntry;
use crate::sandbox::registry::{ServeFuture, SimulatedService};

/// Where the API lives under the server's root, as on the real gateway.
pub const BASE_PATH: &str = "/fhir/v2";
/// Page tokens kept (the oldest are forgotten, as a real server's expire).
const MAX_PAGE_TOKENS: usize = 4096;

struct Snapshot {
    search: Search,
    matches: Vec<usize>,
}

#[derive(Default)]
struct Pages {
    next_id: u64,
    tokens: HashMap<String, (Arc<Snapshot>, usize)>,
    order: VecDeque<String>,
}

struct Shared {
    index: Index,
    api_key: String,
    faults: Mutex<FaultState>,
    hidden: Mutex<HashSet<String>>,
    pages: Mutex<Pages>,
    calls: AtomicU64,
}

/// The simulator, ready to be registered; clones share it.
#[derive(Clone)]
pub struct SandboxAnnuaire {
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl SandboxAnnuaire {
    pub fn new(entries: Vec<DirectoryEntry>, api_key: &str, faults: FaultPlan) -> Self {
        Self {
            shared: Arc::new(Shared {
                index: Index::build(entries),
                api_key: api_key.to_owned(),
                faults: Mutex::new(FaultState::new(faults)),
                hidden: Mutex::new(HashSet::new()),
                pages: Mutex::new(Pages::default()),
                calls: AtomicU64::new(0),
            }),
        }
    }

    /// Replaces the fault plan (its counters restart).
    pub fn set_faults(&self, plan: FaultPlan) {
        *lock(&self.shared.faults) = FaultState::new(plan);
    }

    /// Mailboxes the extract lists but FHIR leaves out (case ignored).
    pub fn set_missing_mailboxes(&self, missing: HashSet<String>) {
        *lock(&self.shared.hidden) = missing.iter().map(|m| m.to_ascii_lowercase()).collect();
    }

    /// Requests received so far (answered or not).
    pub fn calls(&self) -> u64 {
        self.shared.calls.load(Ordering::Relaxed)
    }

    /// How many Practitioner, PractitionerRole and Organization resources it serves.
    pub fn resource_counts(&self) -> (usize, usize, usize) {
        let ix = &self.shared.index;
        (ix.persons.len(), ix.roles.len(), ix.orgs.len())
    }
}

impl SimulatedService for SandboxAnnuaire {
    fn name(&self) -> &'static str {
        "annuaire"
    }

    fn scheme(&self) -> &'static str {
        "http"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        Box::pin(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let shared = self.shared.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let shared = shared.clone();
                        async move { Ok::<_, std::convert::Infallible>(handle(&shared, request).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        })
    }
}

type Answer = Response<Full<Bytes>>;

fn answer(status: StatusCode, body: &Value) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/fhir+json;charset=utf-8"),
    );
    response
}

fn error(status: StatusCode, code: &str, text: &str) -> Answer {
    answer(status, &resources::outcome(code, text))
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Answer {
    shared.calls.fetch_add(1, Ordering::Relaxed);
    let (latency, injected, looping) = {
        let mut faults = lock(&shared.faults);
        let injected = faults.next();
        (faults.plan.latency, injected, faults.plan.looping_next)
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let key = request
        .headers()
        .get("esante-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if key.is_empty() || key != shared.api_key {
        return error(
            StatusCode::UNAUTHORIZED,
            "security",
            "Missing or invalid API key",
        );
    }
    match injected {
        Injected::None => {}
        Injected::Hang => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            return error(StatusCode::GATEWAY_TIMEOUT, "timeout", "Gateway timeout");
        }
        Injected::Status {
            status,
            retry_after,
        } => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            let mut response = error(status, "transient", "Injected fault");
            if let Some(secs) = retry_after {
                response.headers_mut().insert(
                    hyper::header::RETRY_AFTER,
                    hyper::header::HeaderValue::from(secs),
                );
            }
            return response;
        }
    }
    if request.method() != Method::GET {
        return error(StatusCode::METHOD_NOT_ALLOWED, "not-supported", "GET only");
    }
    let host = request
        .headers()
        .get(hyper::header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let base = format!("http://{host}{BASE_PATH}");
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    let self_url = format!(
        "{base}{}?{query}",
        path.strip_prefix(BASE_PATH).unwrap_or(&path)
    );
    let kind = match path.strip_prefix(BASE_PATH).unwrap_or_default() {
        "/Practitioner" => Kind::Practitioner,
        "/PractitionerRole" => Kind::Role,
        "/Organization" => Kind::Organization,
        "/_page" => {
            let token = params
                .iter()
                .find(|(k, _)| k == "id")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let found = lock(&shared.pages).tokens.get(&token).cloned();
            return match found {
                Some((snapshot, offset)) => {
                    let next = looping.then_some(self_url.as_str());
                    page(shared, &base, &self_url, &snapshot, offset, next)
                }
                None => error(StatusCode::GONE, "not-found", "Unknown or expired page"),
            };
        }
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                "not-supported",
                "Unknown resource type",
            );
        }
    };
    let search = match Search::parse(kind, &params) {
        Ok(s) => s,
        Err(text) => return error(StatusCode::BAD_REQUEST, "not-supported", &text),
    };
    let matches = search.run(&shared.index, &lock(&shared.hidden));
    let snapshot = Arc::new(Snapshot { search, matches });
    if looping {
        // The next link of the first page names the first page again, and so on.
        let again = register(shared, &snapshot, 0);
        let next = format!("{base}/_page?id={again}");
        return page(shared, &base, &self_url, &snapshot, 0, Some(&next));
    }
    page(shared, &base, &self_url, &snapshot, 0, None)
}

/// A page token for this offset of the snapshot.
fn register(shared: &Shared, snapshot: &Arc<Snapshot>, offset: usize) -> String {
    let mut pages = lock(&shared.pages);
    pages.next_id += 1;
    let token = format!(
        "{:016x}{:08x}",
        index::stable_hash(&format!("{}/{offset}", pages.next_id)),
        pages.next_id
    );
    pages
        .tokens
        .insert(token.clone(), (snapshot.clone(), offset));
    pages.order.push_back(token.clone());
    while pages.order.len() > MAX_PAGE_TOKENS {
        if let Some(old) = pages.order.pop_front() {
            pages.tokens.remove(&old);
        }
    }
    token
}

/// One page of a search, with `next` forced (a loop) or computed.
fn page(
    shared: &Shared,
    base: &str,
    self_url: &str,
    snapshot: &Arc<Snapshot>,
    offset: usize,
    forced_next: Option<&str>,
) -> Answer {
    let ix = &shared.index;
    let hidden = lock(&shared.hidden);
    let writer = Writer {
        index: ix,
        hidden: &hidden,
    };
    let total = snapshot.matches.len();
    let end = (offset + snapshot.search.count).min(total);
    let slice = snapshot.matches.get(offset..end).unwrap_or_default();
    let includes = snapshot.search.includes;
    let mut matches = Vec::with_capacity(slice.len());
    let mut included = Vec::new();
    let mut seen = HashSet::new();
    for &n in slice {
        match snapshot.search.kind {
            Kind::Practitioner => {
                matches.push(writer.practitioner(&ix.persons[n]));
                if includes.roles_of_match {
                    included.extend(
                        ix.persons[n]
                            .roles
                            .iter()
                            .map(|&r| writer.role(&ix.roles[r])),
                    );
                }
            }
            Kind::Organization => {
                matches.push(writer.organization(&ix.orgs[n]));
                if includes.roles_of_match {
                    included.extend(ix.orgs[n].roles.iter().map(|&r| writer.role(&ix.roles[r])));
                }
            }
            Kind::Role => {
                let role = &ix.roles[n];
                matches.push(writer.role(role));
                if includes.practitioner && seen.insert(("p", role.person)) {
                    included.push(writer.practitioner(&ix.persons[role.person]));
                }
                if includes.organization && seen.insert(("o", role.org)) {
                    included.push(writer.organization(&ix.orgs[role.org]));
                }
            }
        }
    }
    drop(hidden);
    let next = match forced_next {
        Some(n) => Some(n.to_owned()),
        None if end < total => Some(format!(
            "{base}/_page?id={}",
            register(shared, snapshot, end)
        )),
        None => None,
    };
    let body = resources::bundle(total, self_url, next.as_deref(), matches, included);
    answer(StatusCode::OK, &body)
}
