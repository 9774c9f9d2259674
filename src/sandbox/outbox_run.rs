//! The outbox's reliability run (issue 15): N documents fed to the sandbox DMP — directly or
//! through the sandbox gateway — while a fault plan fails a share of the calls (5xx, SOAP
//! faults, resets, timeouts, answers lost after the work was done) and the draining process
//! is killed with SIGKILL K times at random moments and started again. At the end the DMP's
//! registry is listed through TD3.1: every document acknowledged must be there exactly once,
//! no document twice, and every final failure must carry its reason. The draining process is
//! the caller's own binary started again (a test binary or a bench): [`child_main`] is what it
//! runs; [`run`] is the parent. Sandbox feature only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use rand::{Rng, SeedableRng};

use crate::dmp::client::Caller;
use crate::dmp::transport::Timeouts;
use crate::dmp::xds::{AvailabilityStatus, Cx, FindDocumentsQuery};
use crate::domain::outbox::{OutboxAction, OutboxRoute, OutboxState};
use crate::domain::{Patient, Provenance, Visibility};
use crate::outbox::{Drainer, OutboxSettings, Production, StopFlag};
use crate::sandbox::dmp::faults::{FaultPlan, Transaction};
use crate::store::documents::{self, NewDocument};
use crate::store::{DbKey, Store, outbox as rows, patients};

/// What the child reads from its environment.
pub const CHILD_ENV: &str = "CHEVET_OUTBOX_RUN_CHILD";
const DB_ENV: &str = "CHEVET_OUTBOX_RUN_DB";
const KEY_ENV: &str = "CHEVET_OUTBOX_RUN_KEY";
const DMP_ENV: &str = "CHEVET_OUTBOX_RUN_DMP";
const ROUTE_ENV: &str = "CHEVET_OUTBOX_RUN_ROUTE";
const PFI_ENV: &str = "CHEVET_OUTBOX_RUN_PFI";
const LANES_ENV: &str = "CHEVET_OUTBOX_RUN_LANES";

/// A run's shape.
#[derive(Debug, Clone)]
pub struct RunConfig {
    pub documents: usize,
    pub kills: usize,
    /// Share of the DMP's feeding calls that fail (`feed=random:N`).
    pub fault_percent: u8,
    pub route: OutboxRoute,
    pub lanes: usize,
    pub seed: u64,
    /// Give up after this long.
    pub limit: Duration,
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub documents: usize,
    pub kills: usize,
    pub acknowledged: usize,
    pub sent: usize,
    /// Final failures and their reasons.
    pub failures: Vec<String>,
    /// Documents acknowledged but absent from the registry.
    pub lost: usize,
    /// Documents present more than once in the registry.
    pub duplicated: usize,
    /// Registry entries that no job of the run sent.
    pub strangers: usize,
    pub registry_entries: usize,
    pub seconds: f64,
    pub finished: bool,
}

/// How the parent starts a draining process (its own binary, with these variables set).
pub type Spawn<'a> = &'a dyn Fn(&[(String, String)]) -> Child;

/// The process that drains, until killed: reads its record and DMP from the environment.
pub fn child_main() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let key = key_from_hex(&var(KEY_ENV));
    let path = PathBuf::from(var(DB_ENV));
    let route = if var(ROUTE_ENV) == "pfi" {
        OutboxRoute::Pfi
    } else {
        OutboxRoute::Dmp
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let _guard = runtime.enter();
    let client = crate::sandbox::dmp::client_from_dir(Path::new(&var(DMP_ENV)), child_timeouts())
        .expect("the sandbox DMP of the parent");
    let mut settings = settings(route);
    settings.concurrency = var(LANES_ENV).parse().unwrap_or(8);
    settings.pfi_address = var(PFI_ENV).parse().ok();
    let drainer = Arc::new(Drainer {
        settings,
        open: Arc::new(move || Store::open(&path, &DbKey::from_bytes(key))),
        dmp: Some(Arc::new(client)),
        name: "run".into(),
        on_change: None,
        wake: Arc::new(tokio::sync::Notify::new()),
        idle: Duration::from_millis(100),
    });
    runtime.block_on(drainer.run(Arc::new(StopFlag::default())));
}

fn child_timeouts() -> Timeouts {
    Timeouts {
        connect_secs: 2,
        total_secs: 2,
    }
}

/// The outbox's settings in a run: quick retries, a lease well above one attempt (a TD3.1b
/// and an ITI-41 of 2 s each at most).
pub fn settings(route: OutboxRoute) -> OutboxSettings {
    let mut s = OutboxSettings::direct();
    s.route = route;
    s.first_backoff = Duration::from_millis(100);
    s.max_backoff = Duration::from_secs(1);
    s.max_attempts = 60;
    s.lease = Duration::from_secs(10);
    s.answer_timeout = Duration::from_secs(2);
    let e = crate::sandbox::establishment();
    s.pfi.sending_facility = e.finess.clone();
    s.pfi.receiving_facility = e.finess.clone();
    s.pfi.finess_geographique = e.finess.clone();
    s.pfi.structure_name = e.name.clone();
    s.ipp_authority_oid = e.ipp_oid;
    s
}

fn key_from_hex(hex_key: &str) -> [u8; 32] {
    hex::decode(hex_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .unwrap_or([0; 32])
}

/// The record a run uses: seeded, with `n` documents produced for the demo patient whose DMP
/// is open and queued (due now). Returns the patient.
pub fn prepare(
    path: &Path,
    key: [u8; 32],
    n: usize,
    settings: &OutboxSettings,
    client: &crate::dmp::client::DmpClient,
) -> Patient {
    let today = chrono::Local::now().date_naive();
    let mut store = Store::open(path, &DbKey::from_bytes(key)).expect("store");
    crate::sandbox::seed::seed_demo(&mut store, today, &mut |_, _| {}).expect("seed");
    let patient = open_dmp_patient(&store);
    queue_documents(&mut store, &patient, n, settings, client, "run");
    patient
}

/// The demo patient in consultation whose DMP is open, from a seeded record.
pub fn open_dmp_patient(store: &Store) -> Patient {
    let today = chrono::Local::now().date_naive();
    let (_, demo) = crate::sandbox::dmp::seed::consultation_demo_patient(today).expect("patient");
    let ins = demo.identity.ins.expect("ins");
    patients::by_ins(store, ins.matricule.as_str(), ins.oid.as_str())
        .expect("read")
        .expect("in the record")
}

/// Produces `n` documents for `patient` and queues them (due now) as `batch`, in one
/// transaction — what "send the history" writes.
pub fn queue_documents(
    store: &mut Store,
    patient: &Patient,
    n: usize,
    settings: &OutboxSettings,
    client: &crate::dmp::client::DmpClient,
    batch: &str,
) {
    let professional = crate::sandbox::dmp::demo_caller()
        .expect("physician")
        .professional;
    let form = crate::cda::produce::form::empty_form(
        crate::cda::produce::catalog::DocumentKind::CompteRenduConsultation,
    );
    let stamp = Utc::now().format("%Y%m%d%H%M%S").to_string();
    store
        .in_durable_transaction(|s| {
            for i in 0..n {
                let context = crate::cda::produce::form::ProductionContext::new(
                    &professional,
                    &crate::sandbox::establishment(),
                    patient.identity.clone(),
                    None,
                    chrono::Local::now().naive_local(),
                    format!("{stamp}{i:07}"),
                )
                .expect("context");
                let mut form = form.clone();
                form.title = format!("Compte rendu {i}");
                if let Some(section) = form.sections.first_mut() {
                    section.text = format!("Consultation de suivi numéro {i}.");
                }
                let doc = crate::cda::produce::form::build(&form, &context).expect("form");
                let produced = crate::cda::produce::produce(&doc).expect("produce");
                let parsed = crate::cda::parse(&produced.n3).expect("parse");
                let id = documents::insert(
                    s,
                    &NewDocument {
                        patient_id: patient.id,
                        episode_id: None,
                        meta: &parsed.meta(),
                        provenance: Provenance::Local,
                        visibility: Visibility::default(),
                        raw: &produced.n3,
                    },
                )?
                .id();
                crate::outbox::enqueue(
                    s,
                    settings,
                    Some(client),
                    &Production {
                        document: id,
                        patient,
                        episode: None,
                        visit_number: None,
                        cda: &produced.n3,
                        parsed: &parsed,
                        author: &professional,
                        visibility: Visibility::default(),
                        action: OutboxAction::Feed,
                        target: None,
                        batch: Some(batch),
                        created_by: "medecin",
                        due_at: Utc::now(),
                    },
                )
                .map_err(|e| crate::store::StoreError::Corrupt(e.to_string()))?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .expect("queue");
}

/// Whether every job is finished (sent, acknowledged, or failed for good), and the counts.
fn finished(store: &Store, route: OutboxRoute) -> (bool, HashMap<OutboxState, usize>) {
    let counts = rows::counts(store).unwrap_or_default();
    let open = counts.get(&OutboxState::Waiting).copied().unwrap_or(0)
        + counts.get(&OutboxState::Sending).copied().unwrap_or(0);
    let failed_retryable = rows::list(
        store,
        crate::domain::outbox::OutboxFilter::Failed,
        None,
        100_000,
    )
    .map(|v| v.iter().filter(|i| !i.final_failure).count())
    .unwrap_or(1);
    let _ = route;
    (open + failed_retryable == 0, counts)
}

/// Through the gateway: Chevet's HL7 listener on the run's record (for the ZAMs) and the
/// sandbox gateway in front of the sandbox DMP, failing `percent` % of the messages.
pub(crate) async fn gateway(
    path: &Path,
    key: [u8; 32],
    dmp: &crate::sandbox::dmp::RunningDmp,
    percent: u8,
) -> (
    crate::sandbox::pfi::SandboxPfi,
    crate::hl7::listener::ListenerHandle,
) {
    let store = Store::open(path, &DbKey::from_bytes(key)).expect("listener's connection");
    let sink = Arc::new(crate::intake::JournalSink::new(store));
    let listener = crate::hl7::listener::start(
        std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        crate::hl7::listener::ListenerConfig::default(),
        sink,
    )
    .await
    .expect("Chevet's HL7 listener");
    let client = dmp
        .endpoint(Timeouts::default())
        .expect("endpoint")
        .client()
        .expect("client");
    let mut config = crate::sandbox::pfi::PfiConfig::new(client);
    config.ack_to = Some(listener.local_addr());
    config.faults = Arc::new(
        crate::sandbox::pfi::PfiFaults::parse(&format!("random:{percent}")).expect("faults"),
    );
    let pfi = crate::sandbox::pfi::SandboxPfi::start(config)
        .await
        .expect("sandbox gateway");
    (pfi, listener)
}

/// The parent: runs the child, kills it `kills` times, waits for the end, lists the registry.
/// `plan` is the sandbox DMP's fault plan (failing its feeding calls on the direct route; the
/// gateway fails its own messages on the PFI route).
pub async fn run(
    dir: &Path,
    config: &RunConfig,
    dmp: &crate::sandbox::dmp::RunningDmp,
    plan: &FaultPlan,
    spawn: Spawn<'_>,
) -> RunReport {
    let started = Instant::now();
    let path = dir.join("record.db");
    let key: [u8; 32] = rand::random();
    let dmp_dir = dir.join("dmp");
    crate::sandbox::dmp::write_credentials(dmp, &dmp_dir).expect("credentials");
    let client = dmp
        .endpoint(child_timeouts())
        .expect("endpoint")
        .client()
        .expect("client");
    let settings = settings(config.route);
    let patient = {
        let (path, settings, client, n) = (
            path.clone(),
            settings.clone(),
            client.clone(),
            config.documents,
        );
        tokio::task::spawn_blocking(move || prepare(&path, key, n, &settings, &client))
            .await
            .expect("prepare")
    };
    // What the DMP held before (the demo's own documents): not the run's.
    let before: std::collections::HashSet<String> =
        registry(&client, &patient).await.into_iter().collect();
    let gateway = match config.route {
        OutboxRoute::Pfi => Some(gateway(&path, key, dmp, config.fault_percent).await),
        OutboxRoute::Dmp => None,
    };
    let pfi_address = gateway.as_ref().map(|(pfi, _)| pfi.addr());
    let env: Vec<(String, String)> = vec![
        (CHILD_ENV.into(), "1".into()),
        (DB_ENV.into(), path.display().to_string()),
        (KEY_ENV.into(), hex::encode(key)),
        (DMP_ENV.into(), dmp_dir.display().to_string()),
        (ROUTE_ENV.into(), config.route.code().into()),
        (
            PFI_ENV.into(),
            pfi_address.map(|a| a.to_string()).unwrap_or_default(),
        ),
        (LANES_ENV.into(), config.lanes.to_string()),
    ];
    if config.route == OutboxRoute::Dmp {
        plan.set(
            Transaction::Feed,
            crate::sandbox::dmp::faults::Fault::Random {
                percent: config.fault_percent,
            },
            None,
        );
    }
    let mut rng = rand::rngs::StdRng::seed_from_u64(config.seed);
    let mut child = spawn(&env);
    let store = Store::open(&path, &DbKey::from_bytes(key)).expect("parent's connection");
    let total = config.documents.max(1);
    let mut kills = 0;
    let mut report = RunReport {
        documents: config.documents,
        ..RunReport::default()
    };
    while started.elapsed() < config.limit {
        if kills < config.kills {
            // Kill after a random share of the work done since the last kill.
            let done_before = done_count(&store);
            let target = done_before + rng.random_range(1..=(total / config.kills.max(1)).max(1));
            let wait_ms = rng.random_range(0..40);
            while done_count(&store) < target.min(total) && started.elapsed() < config.limit {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            tokio::time::sleep(Duration::from_millis(wait_ms)).await;
            let _ = child.kill();
            let _ = child.wait();
            kills += 1;
            child = spawn(&env);
            continue;
        }
        if finished(&store, config.route).0 {
            // Through the gateway, "sent" waits for the DMP receipt (ZAM Z01): a few seconds.
            let grace = Instant::now();
            while grace.elapsed() < Duration::from_secs(30)
                && rows::counts(&store)
                    .unwrap_or_default()
                    .contains_key(&OutboxState::Sent)
            {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    if let Some((pfi, listener)) = gateway {
        pfi.shutdown().await;
        listener.stop().await;
    }
    let (done, counts) = finished(&store, config.route);
    report.finished = done;
    report.kills = kills;
    report.acknowledged = counts.get(&OutboxState::Acknowledged).copied().unwrap_or(0);
    report.sent = counts.get(&OutboxState::Sent).copied().unwrap_or(0);
    report.failures = rows::list(
        &store,
        crate::domain::outbox::OutboxFilter::Failed,
        None,
        100_000,
    )
    .unwrap_or_default()
    .into_iter()
    .filter(|i| i.final_failure)
    .map(|i| i.reason.unwrap_or_default())
    .collect();
    plan.clear(Transaction::Feed);
    plan.clear(Transaction::Find);
    let registry: Vec<String> = registry(&client, &patient)
        .await
        .into_iter()
        .filter(|id| !before.contains(id))
        .collect();
    let ours: HashMap<String, OutboxState> = store
        .query(
            "SELECT document_unique_id, state FROM outbox_item WHERE batch = 'run'",
            &[],
        )
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            let id: String = r.get(0).ok()?;
            let state: String = r.get(1).ok()?;
            Some((id, OutboxState::from_code(&state)?))
        })
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for id in &registry {
        *seen.entry(id.as_str()).or_default() += 1;
    }
    report.registry_entries = registry.len();
    report.duplicated = seen.values().filter(|n| **n > 1).count();
    report.strangers = seen.keys().filter(|id| !ours.contains_key(**id)).count();
    report.lost = ours
        .iter()
        .filter(|(_, s)| matches!(s, OutboxState::Acknowledged | OutboxState::Sent))
        .filter(|(id, _)| !seen.contains_key(id.as_str()))
        .count();
    report.seconds = started.elapsed().as_secs_f64();
    report
}

fn done_count(store: &Store) -> usize {
    let c = rows::counts(store).unwrap_or_default();
    [OutboxState::Acknowledged, OutboxState::Sent]
        .iter()
        .map(|s| c.get(s).copied().unwrap_or(0))
        .sum()
}

/// Every uniqueId of the patient's entries in the DMP, whatever their status (TD3.1).
async fn registry(client: &crate::dmp::client::DmpClient, patient: &Patient) -> Vec<String> {
    let Some(ins) = patient.identity.ins.clone() else {
        return Vec::new();
    };
    let mut query = FindDocumentsQuery::new(Cx::from_ins(&ins));
    query.statuses = vec![
        AvailabilityStatus::Approved,
        AvailabilityStatus::Deprecated,
        AvailabilityStatus::Archived,
        AvailabilityStatus::Deleted,
    ];
    let caller = Caller::normal(
        crate::sandbox::dmp::demo_caller()
            .map(|c| c.professional)
            .expect("physician"),
    );
    client
        .find_documents(&caller, &ins, &query)
        .await
        .expect("list the registry")
        .into_iter()
        .map(|e| e.unique_id)
        .collect()
}
