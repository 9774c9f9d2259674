//! Shared test helpers: a named-thread runtime, an app wired to real workers on a temporary
//! data directory, and `step_until` for results that arrive from the workers; workers driven
//! without the UI against the sandbox DMP (`workers_with_sandbox_dmp`, `next_event`, a strong
//! session on PAT-TROIS).

use std::sync::Arc;
use std::time::{Duration, Instant};

use chevet::app::{AppOptions, ChevetApp};
use chevet::i18n::Language;
use chevet::store::KeyStorage;
use chevet::worker::{self, WorkerConfig};
use egui_kittest::Harness;

/// Everything logged by any test of this binary, at every level.
#[derive(Clone, Default)]
pub struct LogCapture(Arc<std::sync::Mutex<Vec<u8>>>);

impl LogCapture {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().expect("lock")).into_owned()
    }
}

impl std::io::Write for LogCapture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs (once) a global subscriber that records every log line of this test binary, so
/// that tests can check that nothing personal was logged, whichever thread logged it.
pub fn logs() -> &'static LogCapture {
    static CAPTURE: std::sync::OnceLock<LogCapture> = std::sync::OnceLock::new();
    CAPTURE.get_or_init(|| {
        let capture = LogCapture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        capture
    })
}

/// How long a test's runtime waits for its tasks when the test ends, passing or failing.
pub const SHUTDOWN: Duration = Duration::from_secs(5);

/// A worker runtime like the application's (two named threads) whose shutdown is bounded: a
/// test that fails, panicking with workers still busy, ends instead of hanging.
pub struct TestRuntime(Option<tokio::runtime::Runtime>);

impl std::ops::Deref for TestRuntime {
    type Target = tokio::runtime::Runtime;

    fn deref(&self) -> &Self::Target {
        self.0.as_ref().expect("runtime until dropped")
    }
}

impl Drop for TestRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_timeout(SHUTDOWN);
        }
    }
}

pub fn runtime() -> TestRuntime {
    TestRuntime(Some(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chevet-test-worker")
            .enable_all()
            .build()
            .expect("runtime"),
    ))
}

/// A sandbox app on `data_dir` with its workers on `rt`; the key goes to an owner-only file.
/// The sandbox virtual card stands in for a reader.
pub fn sandbox_app(rt: &tokio::runtime::Runtime, data_dir: &std::path::Path) -> ChevetApp {
    sandbox_app_with_card(
        rt,
        data_dir,
        worker::CardConfig {
            pcsc: false,
            virtual_card: Some(chevet::sandbox::identity::virtual_card().expect("virtual card")),
            trust: Some(sandbox_card_trust(data_dir)),
        },
    )
}

/// A sandbox app talking to a sandbox DMP started on `rt` (kept alive by the caller).
pub fn sandbox_app_with_dmp(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
) -> (ChevetApp, chevet::sandbox::dmp::RunningDmp) {
    sandbox_app_with_dmp_faults(rt, data_dir, "")
}

/// Same as [`sandbox_app_with_dmp`], the sandbox DMP misbehaving as `faults` says
/// (`exists=http:503*4`…).
pub fn sandbox_app_with_dmp_faults(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
    faults: &str,
) -> (ChevetApp, chevet::sandbox::dmp::RunningDmp) {
    let today = chrono::Local::now().date_naive();
    let plan = chevet::sandbox::dmp::faults::FaultPlan::parse(faults).expect("fault plan");
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Arc::new(plan)))
        .expect("sandbox DMP");
    let endpoint = dmp.endpoint(Default::default()).expect("DMP endpoint");
    let app = build_app(rt, data_dir, worker::CardConfig::default(), Some(endpoint));
    (app, dmp)
}

/// A workstation in establishment mode: its record is the shared database `record`, the DMP
/// the sandbox DMP `dmp` (shared with other workstations of the test).
pub fn establishment_app(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
    record: chevet::store::PgTarget,
    dmp: &chevet::sandbox::dmp::RunningDmp,
) -> ChevetApp {
    let endpoint = dmp.endpoint(Default::default()).expect("DMP endpoint");
    let mut config = sandbox_config(
        data_dir,
        Some(endpoint),
        Vec::new(),
        worker::CardConfig::default(),
    );
    config.shared_record = Some(record);
    config.demo = None;
    start_app(rt, data_dir, config)
}

/// Same as [`sandbox_app`], with the card readers given.
pub fn sandbox_app_with_card(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
    card: worker::CardConfig,
) -> ChevetApp {
    build_app(rt, data_dir, card, None)
}

/// The workers' configuration of a sandbox installation in `data_dir` (key in an owner-only
/// file, the sandbox's demo data), with the DMP, providers and card given. With
/// `CHEVET_TEST_RECORD=shared`, the installation is an establishment workstation instead: its
/// record is a schema of the test cluster seeded with the same demo data (one per data folder,
/// so that an app started again on the folder finds its record), which it reaches with the
/// workstations' least-privilege role. `scripts/test.sh` runs the UI flows both ways.
pub fn worker_config(
    data_dir: &std::path::Path,
    dmp: Option<chevet::dmp::setup::DmpEndpoint>,
    providers: Vec<chevet::auth::oidc::ProviderConfig>,
    card: worker::CardConfig,
) -> WorkerConfig {
    let mut config = sandbox_config(data_dir, dmp, providers, card);
    if let Some(record) = shared_record_for(data_dir) {
        config.shared_record = Some(record);
        config.demo = None;
        config.hl7_listen = None;
    }
    config
}

/// Whether the UI flows run on a shared record (`CHEVET_TEST_RECORD=shared`).
pub fn on_shared_record() -> bool {
    match std::env::var("CHEVET_TEST_RECORD").as_deref() {
        Ok("shared") => true,
        Ok("" | "local") | Err(_) => false,
        Ok(other) => panic!("CHEVET_TEST_RECORD={other}: expected `local` or `shared`"),
    }
}

/// The shared record of the installation in `data_dir`, when the UI flows run on one: made and
/// seeded on first use.
fn shared_record_for(data_dir: &std::path::Path) -> Option<chevet::store::PgTarget> {
    type Records = std::collections::HashMap<std::path::PathBuf, chevet::store::PgTarget>;
    static RECORDS: std::sync::OnceLock<std::sync::Mutex<Records>> = std::sync::OnceLock::new();
    if !on_shared_record() {
        return None;
    }
    let target = chevet::store::testing::pg_target()
        .expect("CHEVET_TEST_RECORD=shared needs the test cluster (CHEVET_TEST_PG_URL)");
    let mut records = RECORDS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let record = records.entry(data_dir.to_path_buf()).or_insert_with(|| {
        let record = seeded_record(&target, chrono::Local::now().date_naive()).1;
        tracing::info!(schema = ?record.schema, "UI test on the shared record");
        record
    });
    Some(record.clone())
}

/// A fresh schema of the test cluster, migrated and seeded with the demo data (its owner's
/// store), and a workstation's login on it.
pub fn seeded_record(
    target: &chevet::store::PgTarget,
    today: chrono::NaiveDate,
) -> (chevet::store::Store, chevet::store::PgTarget) {
    use chevet::worker::DemoData as _;
    let (mut admin, schema) = chevet::store::testing::pg_schema(target);
    chevet::sandbox::demo_data::SandboxDemo
        .seed(&mut admin, today, &mut |_, _| {})
        .expect("demo data in the shared record");
    let record = chevet::store::testing::in_schema(&workstation_login(&admin, target), &schema);
    (admin, record)
}

/// The store of the app whose data directory is `data_dir` (made by the app: its key is in the
/// key file there), opened beside it, and that key.
pub fn open_app_store(data_dir: &std::path::Path) -> (chevet::store::Store, chevet::store::DbKey) {
    let (key, _) =
        chevet::store::key::obtain_key(data_dir, true, KeyStorage::File, &[]).expect("key");
    let store = chevet::store::Store::open(&data_dir.join(chevet::store::DB_FILE_NAME), &key)
        .expect("the app's store");
    (store, key)
}

/// [`worker_config`] without the shared-record switch: always a single workstation.
pub fn sandbox_config(
    data_dir: &std::path::Path,
    dmp: Option<chevet::dmp::setup::DmpEndpoint>,
    providers: Vec<chevet::auth::oidc::ProviderConfig>,
    card: worker::CardConfig,
) -> WorkerConfig {
    let establishment = chevet::config::Config::resolve(None, Some(data_dir.to_path_buf()), None)
        .ok()
        .and_then(|c| c.establishment());
    // With a DMP, the sandbox's outbox: documents wait 2 minutes (time to hold or cancel
    // them). Without one, nothing is queued.
    let outbox = dmp.is_some().then(|| {
        chevet::config::OutboxConfig {
            delay_minutes: Some(2),
            ..Default::default()
        }
        .settings(establishment.as_ref())
    });
    WorkerConfig {
        data_dir: data_dir.to_path_buf(),
        key_storage: KeyStorage::File,
        keyrings: Vec::new(),
        demo: Some(Arc::new(chevet::sandbox::demo_data::SandboxDemo)),
        establishment,
        outbox,
        cda_limits: chevet::cda::Limits::default(),
        dmp,
        providers,
        card,
        shared_record: None,
        cache_days: 30,
        // The sandbox's GAM and PFI send to the workers' listener, on a free loopback port.
        hl7_listen: Some((
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            chevet::hl7::listener::ListenerConfig::default(),
        )),
        annuaire: None,
        insi: None,
    }
}

fn build_app(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
    card: worker::CardConfig,
    dmp: Option<chevet::dmp::setup::DmpEndpoint>,
) -> ChevetApp {
    start_app(rt, data_dir, worker_config(data_dir, dmp, Vec::new(), card))
}

fn start_app(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
    config: WorkerConfig,
) -> ChevetApp {
    logs();
    let waker: worker::Waker = Arc::new(|| {});
    let (handle, events) = worker::start(rt.handle(), config, waker);
    ChevetApp::new(
        handle,
        events,
        AppOptions {
            sandbox: true,
            data_dir: data_dir.to_path_buf(),
            language: Language::Fr,
            log_dir: None,
            inactivity: None,
            sandbox_ecps_url: None,
            demo_accounts: chevet::sandbox::demo_data::demo_logins(),
        },
    )
}

/// A sandbox app watching the PC/SC readers (no virtual card), its login tabs on screen.
pub fn pcsc_app_on_login(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
) -> Harness<'static, ChevetApp> {
    use egui_kittest::kittest::Queryable;
    let mut h = harness(sandbox_app_with_card(
        rt,
        data_dir,
        worker::CardConfig {
            pcsc: true,
            virtual_card: None,
            trust: Some(sandbox_card_trust(data_dir)),
        },
    ));
    step_until(&mut h, "login tabs", LONG, |h| {
        h.query_by_label("Carte CPS").is_some()
    });
    h
}

/// The card trust of a sandbox installation in `data_dir`: the shared test IGC-Santé's root,
/// its revocation lists cached in `data_dir/crl`.
pub fn sandbox_card_trust(data_dir: &std::path::Path) -> Arc<chevet::card::CardTrust> {
    Arc::new(chevet::sandbox::card::sandbox_trust(data_dir).expect("sandbox card trust"))
}

/// Signs `login` in by password, then enrols a second factor through the screens (Settings →
/// "Sécurité du compte"), as a local account must before the DMP opens to it, closes the
/// Settings window and goes back to the patient list. The TOTP secret, for the account's later
/// sign-ins (`ui_accounts::log_in_with_code`).
pub fn log_in_strong(
    h: &mut Harness<'_, ChevetApp>,
    login: &str,
    password: &str,
) -> chevet::auth::totp::TotpSecret {
    use egui_kittest::kittest::Queryable as _;
    crate::ui_accounts::log_in(h, login, password);
    patient_list(h);
    let (secret, _) = crate::ui_accounts::enrol(h, password);
    let close = h.query_all_by_label("Close window").next();
    if let Some(close) = close {
        close.click();
    }
    h.run_steps(2);
    h.get_all_by_label("Patients").next().expect("tab").click();
    patient_list(h);
    secret
}

/// Waits for the patient list (its search box).
fn patient_list(h: &mut Harness<'_, ChevetApp>) {
    use egui_kittest::kittest::Queryable as _;
    step_until(h, "patient list", LONG, |h| {
        h.query_by_role_and_label(egui::accesskit::Role::TextInput, "Rechercher")
            .is_some()
    });
}

/// Workers on `data_dir` (no card, no provider) wired to a sandbox DMP started for today: the
/// DMP, the workers' handle and their events.
pub fn workers_with_sandbox_dmp(
    rt: &tokio::runtime::Runtime,
    data_dir: &std::path::Path,
) -> (
    chevet::sandbox::dmp::RunningDmp,
    worker::WorkerHandle,
    tokio::sync::mpsc::Receiver<worker::Event>,
) {
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Arc::default()))
        .expect("sandbox DMP");
    let config = worker_config(
        data_dir,
        Some(dmp.endpoint(Default::default()).expect("endpoint")),
        Vec::new(),
        worker::CardConfig::default(),
    );
    let (handle, events) = worker::start(rt.handle(), config, Arc::new(|| {}));
    (dmp, handle, events)
}

/// Waits (60 s at most) for the event `pick` takes (`what`: for the panic messages). A failure
/// met on the way panics, unless `may_fail`.
pub fn next_event(
    rt: &tokio::runtime::Runtime,
    events: &mut tokio::sync::mpsc::Receiver<worker::Event>,
    what: &str,
    may_fail: bool,
    pick: &mut dyn FnMut(worker::Event) -> bool,
) {
    rt.block_on(async {
        loop {
            let e = tokio::time::timeout(Duration::from_secs(60), events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("workers alive");
            if let worker::Event::Failed { operation, message } = &e
                && !may_fail
            {
                panic!("{what}: {operation:?} failed: {}", message.id);
            }
            if pick(e) {
                return;
            }
        }
    });
}

/// Waits for the event the picker takes (`what`: for the panic messages), as `next_event`.
pub type WaitFor<'a> = dyn FnMut(&str, &mut dyn FnMut(worker::Event) -> bool) + 'a;

/// Through the workers, the start of a DMP test: opens the store, signs `medecin` in by
/// password and enrols a second factor (the strong session the DMP needs), finds PAT-TROIS and
/// opens the folder, whose DMP may not be consulted yet. `send` posts a request; `next` waits
/// for the event `pick` takes (`what`: for the panic message). PAT-TROIS and its episode in
/// progress.
pub fn workers_strong_session_on_pat_trois(
    send: &dyn Fn(worker::Request),
    next: &mut WaitFor<'_>,
) -> (chevet::domain::PatientId, chevet::domain::EpisodeId) {
    use chevet::worker::{Event, Request};
    send(Request::OpenStore);
    next("store", &mut |e| matches!(e, Event::StoreReady(_)));
    send(Request::Login {
        login: "medecin".into(),
        password: zeroize::Zeroizing::new("chevet-demo".into()),
    });
    next("login", &mut |e| matches!(e, Event::LoggedIn(_)));
    send(Request::StartEnrolment);
    let mut secret = None;
    next("enrolment", &mut |e| match e {
        Event::EnrolmentStarted { secret: s, .. } => {
            secret = Some(s);
            true
        }
        _ => false,
    });
    let secret = chevet::auth::totp::TotpSecret::from_base32(&secret.expect("secret"))
        .expect("base32 secret");
    send(Request::ConfirmEnrolment {
        password: zeroize::Zeroizing::new("chevet-demo".into()),
        code: zeroize::Zeroizing::new(secret.code_at(chevet::auth::totp::now_unix_s())),
    });
    next("second factor", &mut |e| {
        matches!(e, Event::SecondFactorEnrolled { .. })
    });
    send(Request::SearchPatients {
        generation: 1,
        query: "pat-trois".into(),
    });
    let mut patient = None;
    next("search", &mut |e| match e {
        Event::Patients { result, .. } => {
            patient = result.rows.first().map(|r| r.id);
            true
        }
        _ => false,
    });
    let patient = patient.expect("PAT-TROIS");
    send(Request::OpenFolder { patient });
    let mut episode = None;
    next("DMP not consulted yet", &mut |e| match e {
        Event::DmpFolder {
            episode: ep,
            status: worker::DmpFolderStatus::NotAllowed(_),
            ..
        } => {
            episode = ep;
            true
        }
        _ => false,
    });
    (patient, episode.expect("episode in progress"))
}

/// Through the workers: records that the patient was informed and did not object, and waits
/// for the DMP badge.
pub fn workers_record_informed(
    send: &dyn Fn(worker::Request),
    next: &mut WaitFor<'_>,
    patient: chevet::domain::PatientId,
    episode: chevet::domain::EpisodeId,
) {
    send(worker::Request::RecordConsent {
        patient,
        episode,
        change: chevet::domain::ConsentChange::informed_not_opposed(),
    });
    next("badge", &mut |e| {
        matches!(
            e,
            worker::Event::DmpFolder {
                status: worker::DmpFolderStatus::Badge { .. },
                ..
            }
        )
    });
}

/// A harness showing the whole app at a workstation's window size.
pub fn harness(app: ChevetApp) -> Harness<'static, ChevetApp> {
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(10_000)
        .build_ui_state(|ui, app: &mut ChevetApp| app.frame_ui(ui), app)
}

/// Steps the UI until `done` holds, failing after `timeout`. Worker answers arrive between
/// steps, so a short sleep lets them in without spinning.
#[track_caller]
pub fn step_until(
    harness: &mut Harness<'_, ChevetApp>,
    what: &str,
    timeout: Duration,
    mut done: impl FnMut(&Harness<'_, ChevetApp>) -> bool,
) {
    let start = Instant::now();
    loop {
        harness.step();
        if done(harness) {
            return;
        }
        assert!(start.elapsed() < timeout, "timed out waiting for: {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

pub const LONG: Duration = Duration::from_secs(120);

/// Focuses the input with this role and label, then types into it.
pub fn type_into(
    h: &mut Harness<'_, ChevetApp>,
    role: egui::accesskit::Role,
    label: &str,
    text: &str,
) {
    use egui_kittest::kittest::Queryable as _;
    h.get_by_role_and_label(role, label).focus();
    h.run_steps(1);
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_steps(2);
}

/// A login role of the workstations' group, on the same cluster.
pub fn workstation_login(
    admin: &chevet::store::Store,
    target: &chevet::store::PgTarget,
) -> chevet::store::PgTarget {
    let role = format!("ws_{}", hex::encode(rand::random::<[u8; 6]>()));
    let password = hex::encode(rand::random::<[u8; 16]>());
    admin
        .execute_batch(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE chevet_workstation"
        ))
        .expect("workstation role");
    let mut url = url::Url::parse(&target.url).expect("test url");
    url.set_username(&role).expect("user");
    url.set_password(None).expect("password");
    chevet::store::PgTarget {
        url: url.to_string(),
        password: Some(password),
        ..target.clone()
    }
}

/// An establishment for the UI tests: a seeded shared record of the test cluster (its owner's
/// store, a workstation's login on it, and a relay to it that a test can cut), the
/// consultation demo patient, and a sandbox DMP the workstations share, on one runtime.
pub struct Establishment {
    pub admin: chevet::store::Store,
    pub record: chevet::store::PgTarget,
    pub relay: crate::cut_proxy::CutProxy,
    /// The record through the relay.
    pub relayed: chevet::store::PgTarget,
    pub ipp: String,
    pub family: String,
    pub dmp: chevet::sandbox::dmp::RunningDmp,
    /// Last, so that it outlives what runs on it.
    pub rt: TestRuntime,
}

impl Establishment {
    /// None without the test cluster (which `CHEVET_REQUIRE_PG=1` makes a failure).
    pub fn new() -> Option<Self> {
        let target = chevet::store::testing::pg_target()?;
        let today = chrono::Local::now().date_naive();
        let (admin, record) = seeded_record(&target, today);
        let (relay, relayed) = crate::cut_proxy::relay(&record);
        let (_, patient) =
            chevet::sandbox::dmp::seed::consultation_demo_patient(today).expect("such a patient");
        let rt = runtime();
        let dmp = rt
            .block_on(chevet::sandbox::dmp::start(today, Default::default()))
            .expect("sandbox DMP");
        Some(Self {
            admin,
            record,
            relay,
            relayed,
            ipp: patient.identity.ipp,
            family: patient.identity.traits.birth_name,
            dmp,
            rt,
        })
    }

    /// A workstation with its data folder `data_dir`, on the record directly or through the
    /// relay.
    pub fn workstation(
        &self,
        data_dir: &std::path::Path,
        through_relay: bool,
    ) -> Harness<'static, ChevetApp> {
        let record = if through_relay {
            &self.relayed
        } else {
            &self.record
        };
        harness(establishment_app(
            &self.rt,
            data_dir,
            record.clone(),
            &self.dmp,
        ))
    }
}

/// Opens an administrator screen from the top bar's « Administration » menu, by its entry's
/// label (« Comptes », « Indicateurs », « Sauvegardes », …).
pub fn open_admin_screen(h: &mut Harness<'static, ChevetApp>, entry: &str) {
    use egui_kittest::kittest::Queryable as _;
    step_until(h, "the Administration menu", LONG, |h| {
        h.query_by_label("Administration").is_some()
    });
    h.get_by_label("Administration").click();
    step_until(h, "the Administration menu's entry", LONG, |h| {
        h.query_by_label(entry).is_some()
    });
    h.get_by_label(entry).click();
    h.run();
}

/// Signs in as `login` (a role without the right) and checks that the « Administration » menu,
/// when shown at all, has no `entry`.
pub fn assert_no_admin_entry(
    h: &mut Harness<'static, ChevetApp>,
    login: &str,
    password: &str,
    entry: &str,
) {
    use egui_kittest::kittest::Queryable as _;
    crate::ui_accounts::log_in(h, login, password);
    step_until(h, "signed in", LONG, |h| {
        h.query_by_label("Se déconnecter").is_some()
    });
    h.run_steps(4);
    if h.query_by_label("Administration").is_some() {
        h.get_by_label("Administration").click();
        h.run_steps(4);
    }
    assert!(
        h.query_by_label(entry).is_none(),
        "{login} sees « {entry} »"
    );
}
