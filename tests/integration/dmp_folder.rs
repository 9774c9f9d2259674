//! Issue 6 through the screens, against the sandbox DMP: with nothing recorded for the episode
//! the folder says the DMP is not consulted (and why) and sends nothing; once the patient is
//! recorded "informé et non opposé", the badge and the count of new documents appear with no
//! further click; a patient who never authorized this professional gets the authorization set
//! automatically. Every transaction is in the audit trail. The demo physician signs in as the
//! DMP needs since issue 17: the password, then a second factor enrolled through Settings.

use chevet::auth::totp::TotpSecret;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::{
    LONG, harness, runtime, sandbox_app_with_dmp, sandbox_app_with_dmp_faults, step_until,
    type_into,
};

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

/// Signs the demo physician in by password alone: enough for the folder, not for the DMP.
pub(crate) fn log_in_by_password(h: &mut H<'_>) {
    step_until(h, "login form", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    type_into(h, Role::TextInput, "Identifiant", "medecin");
    type_into(h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    h.get_by_label("Se connecter").click();
}

pub(crate) fn open_patient(h: &mut H<'_>, query: &str, name: &str) {
    step_until(h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
    let search = h.get_by_role_and_label(Role::TextInput, "Rechercher");
    search.focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, "Rechercher")
        .type_text(query);
    step_until(h, "one patient found", LONG, |h| {
        h.query_by_label("1 patient").is_some()
    });
    h.get_by_label_contains(name).click();
    step_until(h, "folder", LONG, |h| h.query_by_label("Venues").is_some());
}

pub(crate) fn record_informed_not_opposed(h: &mut H<'_>) {
    h.get_by_label("Patient informé et non opposé à l'utilisation de son DMP")
        .click();
    h.run_steps(2);
    h.get_by_label("Enregistrer").click();
}

/// Signs the demo physician in as the DMP needs (strong authentication, issue 17): the
/// password, then a second factor enrolled through Settings; back on the patient list. The
/// TOTP secret, for the account's later sign-ins.
pub(crate) fn log_in(h: &mut H<'_>) -> TotpSecret {
    crate::support::log_in_strong(h, "medecin", "chevet-demo")
}

/// Logs in (with a second factor) and opens a folder whose DMP is not consulted yet (nothing
/// recorded). The TOTP secret.
pub(crate) fn open_not_consulted(h: &mut H<'_>, query: &str, name: &str) -> TotpSecret {
    let secret = log_in(h);
    show_not_consulted(h, query, name);
    secret
}

/// Opens, signed in already, a folder whose DMP is not consulted yet.
pub(crate) fn show_not_consulted(h: &mut H<'_>, query: &str, name: &str) {
    open_patient(h, query, name);
    step_until(h, "not consulted", LONG, |h| {
        h.query_by_label("DMP non consulté").is_some()
    });
}

/// Logs in, opens a demo patient's folder (not consulted yet) and records them "informé et non
/// opposé".
pub(crate) fn inform_demo_patient(h: &mut H<'_>, patient: &chevet::sandbox::demo::DemoPatient) {
    let family = patient.identity.traits.birth_name.clone();
    open_not_consulted(h, &patient.identity.ipp, &family);
    record_informed_not_opposed(h);
}

#[test]
fn issue6_badge_and_new_documents_appear_once_the_patient_is_informed() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp(&rt, dir.path());
    let mut h = harness(app);
    // Nothing recorded: no DMP transaction, and the folder says why.
    open_not_consulted(&mut h, "pat-trois", "PAT-TROIS");
    assert!(h.query_by_label_contains("DMP : accès autorisé").is_none());

    // One action for the episode; then the badge comes with no click. PAT-TROIS is in
    // hospital: the count runs by itself for consultations and emergencies only, here on
    // one click.
    record_informed_not_opposed(&mut h);
    step_until(&mut h, "badge", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
    assert!(h.query_by_label("DMP non consulté").is_none());
    h.get_by_label("Compter les nouveaux documents").click();
    step_until(&mut h, "count", LONG, |h| {
        h.query_by_label_contains("nouveau(x) document(s)")
            .is_some()
    });
}

#[test]
fn issue6_authorization_is_set_automatically_for_an_informed_patient() {
    // A demo patient whose DMP is open but who never authorized the professional, with an
    // episode in progress and a qualified INS.
    let today = chrono::Local::now().date_naive();
    let (index, patient) = chevet::sandbox::demo::demo_patients(today)
        .into_iter()
        .enumerate()
        .find(|(i, p)| {
            i % 12 == 11
                && p.identity.status.ins_usable()
                && p.episodes.last().is_some_and(|e| e.end.is_none())
        })
        .expect("such a demo patient");
    assert_eq!(
        chevet::sandbox::dmp::seed::situation(index).1,
        None,
        "no authorization in the sandbox DMP"
    );
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp(&rt, dir.path());
    let mut h = harness(app);
    inform_demo_patient(&mut h, &patient);
    step_until(&mut h, "authorized by Chevet", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
}

#[test]
fn issue6_new_documents_are_counted_with_no_click_for_a_consultation() {
    // An authorized demo patient whose episode in progress is a consultation or an emergency
    // (the care kinds the count runs for by default).
    let today = chrono::Local::now().date_naive();
    let (_, patient) =
        chevet::sandbox::dmp::seed::consultation_demo_patient(today).expect("such a demo patient");
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp(&rt, dir.path());
    let mut h = harness(app);
    inform_demo_patient(&mut h, &patient);
    step_until(&mut h, "badge and count, no click", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label_contains("nouveau(x) document(s)")
                .is_some()
    });
    assert!(h.query_by_label("Compter les nouveaux documents").is_none());
}

/// Through the workers: the web portal opens in the patient's context only once the DMP may
/// be consulted, and the DPO's extraction lists every DMP transaction with the professional's
/// national id and no patient identity.
#[test]
fn issue6_portal_in_context_and_the_dpo_extraction_of_dmp_accesses() {
    use chevet::worker::{Event, Request};

    crate::support::logs();
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (dmp, handle, mut events) = crate::support::workers_with_sandbox_dmp(&rt, dir.path());
    let mut next = |what: &str, pick: &mut dyn FnMut(Event) -> bool| {
        crate::support::next_event(&rt, &mut events, what, what.starts_with("refusal"), pick);
    };
    let send = |r: Request| handle.send(r).expect("send");
    let (patient, episode) = crate::support::workers_strong_session_on_pat_trois(&send, &mut next);
    // The portal is refused while the patient is not informed.
    send(Request::OpenDmpPortal {
        patient,
        page: chevet::domain::dmp::PortalPage::VaccinationNote,
    });
    next("refusal of the portal", &mut |e| match e {
        Event::OpenInBrowser { .. } => panic!("no portal before the patient is informed"),
        Event::Failed { message, .. } => {
            assert_eq!(message.id, "dmp-consent-refused-not-informed");
            true
        }
        _ => false,
    });
    crate::support::workers_record_informed(&send, &mut next, patient, episode);
    // PAT-TROIS is in hospital: the count runs on request (TD0.2 again, then TD3.1).
    send(Request::RefreshDmp { patient });
    next("count", &mut |e| matches!(e, Event::DmpNewDocuments { .. }));
    send(Request::OpenDmpPortal {
        patient,
        page: chevet::domain::dmp::PortalPage::VaccinationNote,
    });
    let mut url = String::new();
    next("portal URL", &mut |e| match e {
        Event::OpenInBrowser { url: u } => {
            url = u;
            true
        }
        _ => false,
    });
    // A single-use address: no INS in it (issue 17, tests/integration/portal.rs).
    assert!(
        !url.contains("279035121518989") && url.contains("ctx="),
        "{url}"
    );
    let page = rt.block_on(async {
        reqwest::get(&url)
            .await
            .expect("portal")
            .text()
            .await
            .expect("page")
    });
    assert!(page.contains("Note de vaccination") && page.contains("279035121518989"));

    // The DPO's extraction (administrator).
    send(Request::Logout);
    next("logout", &mut |e| matches!(e, Event::LoggedOut));
    send(Request::Login {
        login: "admin".into(),
        password: zeroize::Zeroizing::new("chevet-admin".into()),
    });
    next("admin login", &mut |e| matches!(e, Event::LoggedIn(_)));
    send(Request::ExportDmpTraces);
    let mut path = None;
    next("extraction", &mut |e| match e {
        Event::Exported { path: p } => {
            path = Some(p);
            true
        }
        _ => false,
    });
    let csv = std::fs::read_to_string(path.expect("path")).expect("csv");
    assert!(csv.starts_with('\u{feff}'), "BOM for spreadsheets");
    let lines: Vec<&str> = csv.trim_end().split("\r\n").collect();
    assert!(
        lines[0]
            .trim_start_matches('\u{feff}')
            .starts_with("Chevet "),
        "the producer and its version first"
    );
    assert!(lines[1].contains("identifiant_national_ps;"));
    // The sandbox's demo history (the usage indicators' months) is traced under its own
    // fictitious professional; this session's traces carry the signed-in doctor's id.
    let records = &lines[2..];
    assert!(
        records
            .iter()
            .all(|l| l.contains(";810101234567;") || l.contains(";810000000001;"))
    );
    let ours: Vec<&&str> = records
        .iter()
        .filter(|l| l.contains(";810101234567;"))
        .collect();
    assert!(ours.len() >= 2, "TD0.2 and TD3.1 at least: {}", ours.len());
    assert!(ours.iter().any(|l| l.contains("TD0.2")));
    assert!(ours.iter().any(|l| l.contains("TD3.1")));
    assert!(!csv.contains("PAT-TROIS") && !csv.contains("279035121518989"));
    drop(dmp);
}

/// Point 1: bris de glace takes a reason, and the badge says the access is in that mode.
#[test]
fn issue6_break_glass_with_its_reason() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp(&rt, dir.path());
    let mut h = harness(app);
    open_not_consulted(&mut h, "pat-trois", "PAT-TROIS");
    h.get_by_label_contains("Accès en mode bris de glace")
        .click();
    h.run_steps(2);
    // No reason: refused with a message, nothing recorded.
    h.get_by_label("Enregistrer").click();
    h.run_steps(2);
    assert!(h.query_by_label("DMP non consulté").is_some());
    type_into(
        &mut h,
        Role::MultilineTextInput,
        "Motif du bris de glace",
        "Patient inconscient, détresse respiratoire",
    );
    h.get_by_label("Enregistrer").click();
    step_until(&mut h, "break-glass badge", LONG, |h| {
        h.query_by_label("Bris de glace").is_some()
            && h.query_by_label("DMP : accès autorisé").is_some()
    });
}

/// Point 9: a DMP that fails says so in plain French with "Réessayer", which works once the
/// DMP is back (the sandbox answers HTTP 503 to the first TD0.2 and its three retries).
#[test]
fn issue6_a_failing_dmp_is_explained_and_retried() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp_faults(&rt, dir.path(), "exists=http:503*4");
    let mut h = harness(app);
    open_not_consulted(&mut h, "pat-trois", "PAT-TROIS");
    record_informed_not_opposed(&mut h);
    step_until(&mut h, "error with retry", LONG, |h| {
        h.query_by_label("Réessayer").is_some()
    });
    h.get_by_label("Réessayer").click();
    step_until(&mut h, "badge after retry", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
}

/// Issue 13, point 6: reopening a folder shows at once the last known badge and count, with
/// their age, while the DMP is asked again; then the fresh answer replaces them.
#[test]
fn issue13_the_last_known_badge_and_count_show_at_once_then_refresh() {
    let today = chrono::Local::now().date_naive();
    let (_, patient) =
        chevet::sandbox::dmp::seed::consultation_demo_patient(today).expect("such a patient");
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    // A slow TD0.2, so that the last known state stays on screen long enough to be seen.
    let (app, _dmp) = sandbox_app_with_dmp_faults(&rt, dir.path(), "exists=slow:1500");
    let mut h = harness(app);
    inform_demo_patient(&mut h, &patient);
    step_until(&mut h, "badge and count", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label_contains("nouveau(x) document(s)")
                .is_some()
    });
    assert!(h.query_by_label_contains("dernier état connu").is_none());
    h.get_all_by_label("Patients").next().expect("tab").click();
    let family = patient.identity.traits.birth_name.clone();
    step_until(&mut h, "the list", LONG, |h| {
        h.query_by_label_contains(&family).is_some()
    });
    // The row is still the selection: Enter opens it again.
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "the last known state at once", LONG, |h| {
        h.query_by_label_contains("dernier état connu").is_some()
            && h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label_contains("nouveau(x) document(s)")
                .is_some()
    });
    step_until(&mut h, "the fresh state", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label_contains("nouveau(x) document(s)")
                .is_some()
            && h.query_by_label_contains("dernier état connu").is_none()
    });
}
