//! The whole app as a user drives it, without a GPU: a `ChevetApp` on its worker runtime in a
//! data folder, under egui_kittest; stepping frames until something is on screen, typing,
//! logging in (with a second factor where the DMP is used), opening a patient from the list.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chevet::app::{AppOptions, ChevetApp};
use chevet::dmp::setup::DmpEndpoint;
use chevet::i18n::Language;
use chevet::store::KeyStorage;
use chevet::worker::{self, WorkerConfig};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// The app under egui_kittest.
pub type H = Harness<'static, ChevetApp>;

/// Longest wait for something on screen.
const TIMEOUT: Duration = Duration::from_secs(120);

/// The worker's runtime, as the app starts it.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("chevet-worker")
        .enable_all()
        .build()
        .expect("runtime")
}

/// The sandbox DMP started on `rt` for today, without faults (it runs while the value lives),
/// and how a workstation reaches it.
pub fn sandbox_dmp(
    rt: &tokio::runtime::Runtime,
) -> (chevet::sandbox::dmp::RunningDmp, DmpEndpoint) {
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Default::default()))
        .expect("sandbox DMP");
    let endpoint = dmp.endpoint(Default::default()).expect("DMP endpoint");
    (dmp, endpoint)
}

/// The key of the store the app made in `dir` (from its key file).
pub fn app_key(dir: &Path) -> chevet::store::DbKey {
    chevet::store::key::obtain_key(dir, true, KeyStorage::File, &[])
        .expect("key")
        .0
}

/// The sandbox's workstation on `dir` with the DMP at `dmp`: no demo data, no shared record
/// (a bench sets what it needs with `..worker_config(…)`).
pub fn worker_config(dir: &Path, dmp: DmpEndpoint) -> WorkerConfig {
    WorkerConfig {
        data_dir: dir.to_path_buf(),
        key_storage: KeyStorage::File,
        keyrings: Vec::new(),
        demo: None,
        establishment: Some(chevet::sandbox::establishment()),
        cda_limits: chevet::cda::Limits::default(),
        dmp: Some(dmp),
        providers: Vec::new(),
        card: worker::CardConfig::default(),
        shared_record: None,
        cache_days: 30,
        hl7_listen: None,
        outbox: None,
        annuaire: None,
        insi: None,
    }
}

/// A `ChevetApp` (sandbox, French) on `config`'s worker, in a 1280×800 window.
pub fn harness(rt: &tokio::runtime::Runtime, config: WorkerConfig, max_steps: u64) -> H {
    let data_dir = config.data_dir.clone();
    let (handle, events) = worker::start(rt.handle(), config, Arc::new(|| {}));
    let app = ChevetApp::new(
        handle,
        events,
        AppOptions {
            sandbox: true,
            data_dir,
            language: Language::Fr,
            log_dir: None,
            inactivity: None,
            sandbox_ecps_url: None,
            demo_accounts: chevet::sandbox::demo_data::demo_logins(),
        },
    );
    Harness::builder()
        .with_size(egui::vec2(1280.0, 800.0))
        .with_max_steps(max_steps)
        .build_ui_state(|ui, app: &mut ChevetApp| app.frame_ui(ui), app)
}

/// Steps frames until `done`, `pause` apart (the worker's answers arrive between frames).
pub fn until(h: &mut H, pause: Duration, what: &str, mut done: impl FnMut(&H) -> bool) {
    let start = Instant::now();
    while !done(h) {
        h.step();
        assert!(start.elapsed() < TIMEOUT, "timed out: {what}");
        std::thread::sleep(pause);
    }
}

/// Types `text` into the field `label`.
pub fn type_into(h: &mut H, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run_steps(1);
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_steps(2);
}

/// Logs in with a local account from the login form, until the patient list's button shows.
pub fn log_in(h: &mut H, pause: Duration, login: &str, password: &str) {
    until(h, pause, "login form", |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    type_into(h, Role::TextInput, "Identifiant", login);
    type_into(h, Role::PasswordInput, "Mot de passe", password);
    h.get_by_label("Se connecter").click();
    until(h, pause, "patient list", |h| {
        h.query_by_role_and_label(Role::Button, "Patients")
            .is_some()
    });
}

/// Logs in with a local account, then enrols a second factor as its user would (Settings →
/// "Sécurité du compte": the key shown, a first code computed from it, the recovery codes
/// acknowledged), since the DMP opens only to a strong session; closes Settings. The secret.
pub fn log_in_strong(
    h: &mut H,
    pause: Duration,
    login: &str,
    password: &str,
) -> chevet::auth::totp::TotpSecret {
    use chevet::auth::totp::{TotpSecret, now_unix_s};
    use egui_kittest::kittest::NodeT as _;
    log_in(h, pause, login, password);
    h.get_by_label("Paramètres").click();
    until(h, pause, "settings", |h| {
        h.query_by_label("Sécurité du compte").is_some()
    });
    h.get_by_label("Sécurité du compte").click();
    until(h, pause, "enrolment offered", |h| {
        h.query_by_label("Activer la double authentification")
            .is_some()
    });
    h.get_by_label("Activer la double authentification").click();
    until(h, pause, "secret shown", |h| {
        h.query_by_label_contains("Clé secrète :").is_some()
    });
    let shown = {
        let node = h.get_by_label_contains("Clé secrète :");
        let node = node.accesskit_node();
        node.label()
            .filter(|l| !l.is_empty())
            .or_else(|| node.value())
            .unwrap_or_default()
    };
    let key = shown.split(':').nth(1).expect("key after the colon");
    let secret = TotpSecret::from_base32(key).expect("a base32 key");
    type_into(h, Role::PasswordInput, "Votre mot de passe", password);
    let code = secret.code_at(now_unix_s());
    type_into(h, Role::TextInput, "Code affiché par l'application", &code);
    h.get_by_label("Confirmer l'activation").click();
    until(h, pause, "recovery codes", |h| {
        h.query_by_label("J'ai noté mes codes de secours").is_some()
    });
    h.get_by_label("J'ai noté mes codes de secours").click();
    until(h, pause, "second factor on", |h| {
        h.query_by_label("Activée : votre session peut accéder au DMP.")
            .is_some()
    });
    let close = h.query_all_by_label("Close window").next();
    if let Some(close) = close {
        close.click();
    }
    h.run_steps(2);
    secret
}

/// From anywhere once logged in: the patient list, `query` in its search box (replacing what
/// was there), then a click on the one patient listed, whose name contains `name`.
pub fn open_from_list(h: &mut H, pause: Duration, query: &str, name: &str) {
    h.get_by_role_and_label(Role::Button, "Patients").click();
    until(h, pause, "patient list", |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
    let search = h.get_by_role_and_label(Role::TextInput, "Rechercher");
    search.focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_role_and_label(Role::TextInput, "Rechercher")
        .type_text(query);
    until(h, pause, "the patient listed alone", |h| {
        h.query_by_label("1 patient").is_some() && h.query_by_label_contains(name).is_some()
    });
    h.get_by_label_contains(name).click();
}

/// Runs the app's frames at 60 per second, as the window would but without a GPU (layout and
/// tessellation on the UI thread), while `running()` holds and 15 minutes at most; each
/// frame's time, sorted.
pub fn frames_while(h: H, mut running: impl FnMut() -> bool) -> Vec<Duration> {
    let mut app = h.into_state();
    let ctx = egui::Context::default();
    chevet::ui::widgets::install_style(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut times = Vec::new();
    let start = Instant::now();
    while running() && start.elapsed() < Duration::from_secs(900) {
        let t = Instant::now();
        let mut output = ctx.run_ui(input(), |ui| app.frame_ui(ui));
        output.textures_delta.clear();
        std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    times.sort();
    times
}
