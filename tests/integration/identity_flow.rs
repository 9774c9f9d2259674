//! Issue 5 through the screens: the bedside card flow with the sandbox virtual card — insert,
//! PIN, first-login link proven by the local password, folder open; pulling the card hides
//! the folder behind the lock screen at once; the same card and PIN bring it back; a wrong
//! PIN says how many attempts are left. Ctrl+L locks a password session, its password
//! unlocks it.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::{LONG, harness, runtime, sandbox_app, step_until, type_into};

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

fn insert_card_and_type_pin(h: &mut H<'_>, pin: &str) {
    step_until(h, "virtual card button", LONG, |h| {
        h.query_by_label("Insérer la carte virtuelle").is_some()
    });
    h.get_by_label("Insérer la carte virtuelle").click();
    step_until(h, "PIN field", LONG, |h| {
        h.query_by_role_and_label(Role::PasswordInput, "Code PIN")
            .is_some()
    });
    type_into(h, Role::PasswordInput, "Code PIN", pin);
    h.get_by_label("Valider").click();
}

fn open_pat_trois(h: &mut H<'_>) {
    step_until(h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
    type_into(h, Role::TextInput, "Rechercher", "pat-trois");
    step_until(h, "PAT-TROIS found", LONG, |h| {
        h.query_by_label("1 patient").is_some()
    });
    h.get_by_label_contains("PAT-TROIS").click();
    step_until(h, "folder", LONG, |h| h.query_by_label("Venues").is_some());
}

#[test]
fn issue5_card_login_link_then_removal_locks_and_the_same_card_unlocks() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    step_until(&mut h, "login tabs", LONG, |h| {
        h.query_by_label("Carte CPS").is_some()
    });
    h.get_by_label("Carte CPS").click();
    h.run_steps(2);
    // A wrong PIN first: refused with the attempts left.
    insert_card_and_type_pin(&mut h, "9999");
    step_until(&mut h, "wrong PIN message", LONG, |h| {
        h.query_by_label_contains("Code PIN incorrect").is_some()
    });
    assert!(h.query_by_label_contains("Essais restants : 2").is_some());
    type_into(&mut h, Role::PasswordInput, "Code PIN", "1234");
    h.get_by_label("Valider").click();

    // First card login of Dr Lambert: the local account "medecin" holds her national id and
    // is linked only with its password.
    step_until(&mut h, "first-login link", LONG, |h| {
        h.query_by_label_contains("Première connexion").is_some()
    });
    type_into(&mut h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    h.get_by_label("Relier avec le mot de passe").click();
    open_pat_trois(&mut h);
    assert!(h.query_by_label_contains("PAT-TROIS").is_some());

    // Pull the card: the lock screen replaces everything.
    h.get_by_label("Retirer la carte virtuelle").click();
    step_until(&mut h, "lock screen", LONG, |h| {
        h.query_by_label("Session verrouillée").is_some()
    });
    assert!(
        h.query_by_label_contains("PAT-TROIS").is_none(),
        "no patient data while locked"
    );
    assert!(
        h.query_by_label("La carte a été retirée du lecteur.")
            .is_some()
    );

    // The same card and its PIN: back to the folder.
    insert_card_and_type_pin(&mut h, "1234");
    step_until(&mut h, "unlocked folder", LONG, |h| {
        h.query_by_label("Session verrouillée").is_none() && h.query_by_label("Venues").is_some()
    });
    assert!(h.query_by_label_contains("PAT-TROIS").is_some());
}

#[test]
fn issue5_ctrl_l_locks_a_password_session_and_its_password_unlocks() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    step_until(&mut h, "login form", LONG, |h| {
        h.query_by_label("Compte local").is_some()
    });
    h.get_by_label("Compte local").click();
    h.run_steps(2);
    type_into(&mut h, Role::TextInput, "Identifiant", "medecin");
    type_into(&mut h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    h.get_by_label("Se connecter").click();
    open_pat_trois(&mut h);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::L);
    step_until(&mut h, "lock screen", LONG, |h| {
        h.query_by_label("Session verrouillée").is_some()
    });
    assert!(h.query_by_label_contains("PAT-TROIS").is_none());
    type_into(
        &mut h,
        Role::PasswordInput,
        "Mot de passe",
        "wrong-password",
    );
    h.get_by_label("Déverrouiller").click();
    step_until(&mut h, "refused", LONG, |h| {
        h.query_by_label_contains("mot de passe").is_some()
            && h.query_by_label("Session verrouillée").is_some()
    });
    type_into(&mut h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    h.get_by_label("Déverrouiller").click();
    step_until(&mut h, "unlocked", LONG, |h| {
        h.query_by_label("Session verrouillée").is_none() && h.query_by_label("Venues").is_some()
    });
}
