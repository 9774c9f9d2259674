//! Issue 6 through the screens, against the sandbox DMP: with nothing recorded for the episode
//! the folder says the DMP is not consulted (and why) and sends nothing; once the patient is
//! recorded "informé et non opposé", the badge and the count of new documents appear with no
//! further click; a patient who never authorized this professional gets the authorization set
//! automatically. Every transaction is in the audit trail.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::{LONG, harness, runtime, sandbox_app_with_dmp, step_until};

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

fn type_into(h: &mut H<'_>, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run_steps(1);
    h.get_by_role_and_label(role, label).type_text(text);
    h.run_steps(2);
}

fn log_in(h: &mut H<'_>) {
    step_until(h, "login form", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    type_into(h, Role::TextInput, "Identifiant", "medecin");
    type_into(h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    h.get_by_label("Se connecter").click();
}

fn open_patient(h: &mut H<'_>, query: &str, name: &str) {
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

fn record_informed_not_opposed(h: &mut H<'_>) {
    h.get_by_label("Patient informé et non opposé à l'utilisation de son DMP")
        .click();
    h.run_steps(2);
    h.get_by_label("Enregistrer").click();
}

#[test]
fn issue6_badge_and_new_documents_appear_once_the_patient_is_informed() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp(&rt, dir.path());
    let mut h = harness(app);
    log_in(&mut h);
    open_patient(&mut h, "pat-trois", "PAT-TROIS");

    // Nothing recorded: no DMP transaction, and the folder says why.
    step_until(&mut h, "not consulted", LONG, |h| {
        h.query_by_label("DMP non consulté").is_some()
    });
    assert!(h.query_by_label_contains("DMP : accès autorisé").is_none());

    // One action for the episode; then the badge and the count come with no click.
    record_informed_not_opposed(&mut h);
    step_until(&mut h, "badge and count", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label_contains("nouveau(x) document(s)")
                .is_some()
    });
    assert!(h.query_by_label("DMP non consulté").is_none());
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
    log_in(&mut h);
    let family = patient.identity.traits.birth_name.clone();
    open_patient(&mut h, &patient.identity.ipp, &family);
    step_until(&mut h, "not consulted", LONG, |h| {
        h.query_by_label("DMP non consulté").is_some()
    });
    record_informed_not_opposed(&mut h);
    step_until(&mut h, "authorized by Chevet", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
}
