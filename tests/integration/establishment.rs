//! Establishment mode through the screens: two workstations (two apps, each with its own
//! workers and data folder) on one shared PostgreSQL record, logged in with the workstations'
//! least-privilege role. What one records shows on the other's open folder with no click: the
//! patient's DMP information (and the DMP state it opens), then a document it integrates.
//! Cut from the record, a workstation says so, opens a folder it has seen from its cache,
//! records the information, and replays it when the record is back — the other workstation
//! then shows it. The physician's account is one for the whole record: it enrols its second
//! factor (the DMP needs it) on the first workstation and signs in with a code on the other.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::dmp_folder::{
    log_in_by_password, open_not_consulted, open_patient, record_informed_not_opposed,
    show_not_consulted,
};
use crate::support::{Establishment, LONG, step_until, type_into};
use crate::ui_accounts::log_in_with_code;
use chevet::store::{KeyStorage, Store};

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

/// Back to the patient list, which shows the patient `family`.
pub(crate) fn back_to_the_list(h: &mut H<'_>, family: &str) {
    h.run_steps(5);
    h.get_all_by_label("Patients").next().expect("tab").click();
    step_until(h, "the list", LONG, |h| {
        h.query_by_label_contains(family).is_some()
    });
}

fn dmp_rows(h: &egui_kittest::Harness<'_, chevet::app::ChevetApp>) -> usize {
    h.query_all_by_label("◆ DMP").count()
}

#[test]
fn issue13_what_one_workstation_records_shows_on_the_others_open_folder() {
    let Some(e) = Establishment::new() else {
        return;
    };
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let mut a = e.workstation(dir_a.path(), false);
    let mut b = e.workstation(dir_b.path(), false);
    let secret = open_not_consulted(&mut a, &e.ipp, &e.family);
    log_in_with_code(&mut b, "medecin", "chevet-demo", &secret);
    show_not_consulted(&mut b, &e.ipp, &e.family);

    // A records the patient informed: B's folder shows the DMP it now allows, untouched.
    record_informed_not_opposed(&mut a);
    step_until(&mut a, "A: badge and the DMP's rows", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some() && dmp_rows(h) == 3
    });
    step_until(&mut b, "B: badge and the DMP's rows, no click", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label("DMP non consulté").is_none()
            && dmp_rows(h) == 3
    });

    // A integrates one of the DMP's documents: it joins B's folder list, untouched.
    let boxes = a.get_all_by_role(Role::CheckBox).count();
    assert_eq!(boxes, 3, "one box per DMP row not integrated");
    a.get_all_by_role(Role::CheckBox)
        .next()
        .expect("box")
        .click();
    step_until(&mut a, "A: one selected", LONG, |h| {
        h.query_by_label("Intégrer la sélection (1)").is_some()
    });
    a.get_by_label("Intégrer la sélection (1)").click();
    step_until(&mut a, "A: integrated", LONG, |h| dmp_rows(h) == 2);
    step_until(
        &mut b,
        "B: the integrated document in the folder",
        LONG,
        |h| dmp_rows(h) == 2,
    );
}

#[test]
fn issue13_cut_from_the_record_a_workstation_works_from_its_cache_then_replays() {
    let Some(e) = Establishment::new() else {
        return;
    };
    let family = &e.family;
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let mut a = e.workstation(dir_a.path(), true);
    let mut b = e.workstation(dir_b.path(), false);
    // A opens the folder once (so its cache holds it), then goes back to the list.
    let secret = open_not_consulted(&mut a, &e.ipp, family);
    log_in_with_code(&mut b, "medecin", "chevet-demo", &secret);
    show_not_consulted(&mut b, &e.ipp, family);
    back_to_the_list(&mut a, family);

    // The record goes away: the banner says so, and the folder opens from the cache.
    e.relay.cut();
    step_until(&mut a, "A: degraded banner", LONG, |h| {
        h.query_by_label_contains("Mode dégradé").is_some()
    });
    a.get_by_label_contains(family).click();
    step_until(&mut a, "A: the cached copy", LONG, |h| {
        h.query_by_label_contains("Copie locale de ce poste")
            .is_some()
    });
    // The information recorded meanwhile counts at once on A (the DMP itself is reachable)…
    record_informed_not_opposed(&mut a);
    step_until(&mut a, "A: badge from the cached information", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
    assert!(b.query_by_label("DMP : accès autorisé").is_none());

    // …and reaches the record, and B, once the record is back.
    e.relay.restore();
    step_until(&mut a, "A: back to normal", LONG, |h| {
        h.query_by_label_contains("Mode dégradé").is_none()
            && h.query_by_label_contains("Retour à la normale").is_some()
    });
    step_until(&mut b, "B: the replayed information, no click", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
    let trail = chevet::store::audit::recent(&e.admin, 1000).expect("trail");
    assert!(trail.iter().any(|r| r.action == "record.degraded"));
    assert!(
        trail
            .iter()
            .any(|r| r.action == "dmp.consent" && r.detail.ends_with("replayed"))
    );
    assert!(
        chevet::store::audit::verify(&e.admin)
            .expect("verify")
            .is_intact()
    );
}

#[test]
fn issue13_the_service_panel_shows_the_record_failing_then_answering() {
    let Some(e) = Establishment::new() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let mut a = e.workstation(dir.path(), true);
    // No DMP here: the password alone.
    log_in_by_password(&mut a);
    show_not_consulted(&mut a, &e.ipp, &e.family);
    a.get_by_label("Paramètres").click();
    step_until(&mut a, "the panel, the record answering", LONG, |h| {
        h.query_by_label("État des services").is_some()
            && h.query_by_label("Dossier (base)").is_some()
            && h.query_all_by_label("répond").count() > 0
            && h.query_by_label("en échec").is_none()
    });
    e.relay.cut();
    step_until(&mut a, "the record failing", LONG, |h| {
        h.query_by_label("en échec").is_some()
    });
    e.relay.restore();
    step_until(&mut a, "the record answering again", LONG, |h| {
        h.query_by_label("en échec").is_none()
            && h.query_by_label_contains("Mode dégradé").is_none()
    });
}

/// The workstation's own cache, opened beside the running app (the key is in its folder).
fn open_cache(dir: &std::path::Path) -> Store {
    let (key, _) = chevet::store::key::obtain_key(dir, true, KeyStorage::File, &[]).expect("key");
    Store::open_cache(&dir.join(chevet::store::CACHE_FILE_NAME), &key).expect("cache")
}

#[test]
fn issue13_started_while_the_record_is_unreachable_a_known_account_signs_in_from_the_cache() {
    let Some(e) = Establishment::new() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");

    // A normal day: the physician signs in here and opens the folder; both reach the cache.
    {
        let mut a = e.workstation(dir.path(), true);
        log_in_by_password(&mut a);
        show_not_consulted(&mut a, &e.ipp, &e.family);
        let cache = open_cache(dir.path());
        step_until(&mut a, "the account and folder in the cache", LONG, |_| {
            let accounts = chevet::store::accounts::count(&cache).unwrap_or(0);
            let folders: i64 = cache
                .query_value("SELECT count(*) FROM cached_folder", &[])
                .unwrap_or(0);
            accounts == 1 && folders == 1
        });
    }

    // The next start finds the record unreachable: degraded at once, and no offer to create a
    // first administrator.
    e.relay.cut();
    let mut b = e.workstation(dir.path(), true);
    step_until(&mut b, "degraded banner and login form", LONG, |h| {
        h.query_by_label_contains("Mode dégradé").is_some()
            && h.query_by_role_and_label(Role::TextInput, "Identifiant")
                .is_some()
    });
    assert!(b.query_by_label("Premier démarrage").is_none());
    // An account that never signed in here is refused, and told why.
    type_into(&mut b, Role::TextInput, "Identifiant", "interne");
    type_into(&mut b, Role::PasswordInput, "Mot de passe", "chevet-demo");
    b.get_by_label("Se connecter").click();
    step_until(&mut b, "the refusal, explained", LONG, |h| {
        h.query_by_label_contains("Connexion refusée en mode dégradé")
            .is_some()
    });
    // The physician who did signs in, and opens the folder from the cache.
    b.get_by_role_and_label(Role::TextInput, "Identifiant")
        .focus();
    b.run_steps(1);
    b.key_press(egui::Key::End);
    for _ in "interne".chars() {
        b.key_press(egui::Key::Backspace);
    }
    b.run_steps(1);
    type_into(&mut b, Role::TextInput, "Identifiant", "medecin");
    type_into(&mut b, Role::PasswordInput, "Mot de passe", "chevet-demo");
    b.get_by_label("Se connecter").click();
    open_patient(&mut b, &e.ipp, &e.family);
    step_until(&mut b, "the cached copy", LONG, |h| {
        h.query_by_label_contains("Copie locale de ce poste")
            .is_some()
    });

    // The record comes back: the workstation connects, and the sign-ins made meanwhile reach
    // its audit trail.
    e.relay.restore();
    step_until(&mut b, "back to normal", LONG, |h| {
        h.query_by_label_contains("Retour à la normale").is_some()
    });
    let trail = chevet::store::audit::recent(&e.admin, 1000).expect("trail");
    let replayed = |action: &str| {
        trail
            .iter()
            .filter(|r| r.action == action && r.detail.contains("offline-at="))
            .count()
    };
    assert_eq!(replayed("login.ok"), 1, "{trail:?}");
    assert!(replayed("login.failed") >= 1);
    assert!(
        chevet::store::audit::verify(&e.admin)
            .expect("verify")
            .is_intact()
    );
}

/// Issue 17 in degraded mode: the physician enrolled a second factor on the record (workstation
/// A) and signed in with a code on workstation B, whose cache thus holds the account with its
/// second factor. B started while the record is unreachable asks for the password and a fresh
/// code (the one used online is spent), and the session, strong, reaches the DMP (the DMP
/// itself answers) for the folder opened from the cache.
#[test]
fn issue17_from_the_cache_the_second_factor_is_asked_and_opens_the_dmp() {
    use chevet::auth::totp::{STEP_S, now_unix_s};
    let Some(e) = Establishment::new() else {
        return;
    };
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("a"),
        tempfile::tempdir().expect("b"),
    );
    let secret = {
        let mut a = e.workstation(dir_a.path(), false);
        crate::dmp_folder::log_in(&mut a)
    };
    let spent_step = {
        let mut b = e.workstation(dir_b.path(), true);
        log_in_with_code(&mut b, "medecin", "chevet-demo", &secret);
        show_not_consulted(&mut b, &e.ipp, &e.family);
        let cache = open_cache(dir_b.path());
        let mut spent = None;
        step_until(
            &mut b,
            "the account, its second factor and the folder in the cache",
            LONG,
            |_| {
                spent = cache
                    .query_value::<Option<i64>>(
                        "SELECT totp_last_step FROM account
                         WHERE login = 'medecin' AND totp_sealed IS NOT NULL",
                        &[],
                    )
                    .ok()
                    .flatten();
                let folders: i64 = cache
                    .query_value("SELECT count(*) FROM cached_folder", &[])
                    .unwrap_or(0);
                spent.is_some() && folders == 1
            },
        );
        spent.expect("the step used online")
    };

    e.relay.cut();
    let mut b = e.workstation(dir_b.path(), true);
    step_until(&mut b, "degraded banner and login form", LONG, |h| {
        h.query_by_label_contains("Mode dégradé").is_some()
            && h.query_by_role_and_label(Role::TextInput, "Identifiant")
                .is_some()
    });
    // The next code must be a later step than the one used online (at most 30 s away).
    let step_now = || i64::try_from((now_unix_s() + STEP_S) / STEP_S).expect("step");
    step_until(&mut b, "a fresh TOTP step", LONG, |_| {
        step_now() > spent_step
    });
    log_in_with_code(&mut b, "medecin", "chevet-demo", &secret);
    open_patient(&mut b, &e.ipp, &e.family);
    step_until(&mut b, "the cached copy", LONG, |h| {
        h.query_by_label_contains("Copie locale de ce poste")
            .is_some()
    });
    record_informed_not_opposed(&mut b);
    step_until(
        &mut b,
        "the DMP for the strong session from the cache",
        LONG,
        |h| h.query_by_label("DMP : accès autorisé").is_some(),
    );
    assert!(
        b.query_by_label_contains("Le DMP demande une authentification forte")
            .is_none()
    );
}
