//! Issue 17 through the screens: a session opened by a password alone cannot reach the DMP
//! (the folder says why, nothing is sent), the same user enrols a second factor (QR code and
//! key shown, a first code computed from the key, recovery codes shown once) and, signing in
//! again with a code, gets the DMP's status from the sandbox DMP; an administrator creates an
//! account (temporary password), disables and enables it, resets its password, exports the
//! list for a French spreadsheet, and the user changes the temporary password at first sign-in.
//! Every lifecycle event is in the audit trail.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use chevet::auth::totp::{STEP_S, TotpSecret, now_unix_s};

use crate::intake_flow::text_of;
use crate::support::{
    LONG, harness, runtime, sandbox_app, sandbox_app_with_dmp, step_until, type_into,
};

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

const STRONG_AUTH: &str = "Le DMP demande une authentification forte";

/// Focuses the input, empties it, types `text` (the login screen keeps the last identifier).
fn replace_text(h: &mut H<'_>, role: Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(1);
    type_into(h, role, label, text);
}

pub(crate) fn log_in(h: &mut H<'_>, login: &str, password: &str) {
    step_until(h, "login form", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    replace_text(h, Role::TextInput, "Identifiant", login);
    replace_text(h, Role::PasswordInput, "Mot de passe", password);
    h.get_by_label("Se connecter").click();
}

fn log_out(h: &mut H<'_>) {
    h.get_by_label("Se déconnecter").click();
    step_until(h, "login screen", LONG, |h| {
        h.query_by_label("Se connecter").is_some()
    });
}

/// Signs in with the password, then a code of `secret` (the next step's: the enrolment used the
/// current one).
pub(crate) fn log_in_with_code(h: &mut H<'_>, login: &str, password: &str, secret: &TotpSecret) {
    log_in(h, login, password);
    step_until(h, "second-factor step", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Code de l'application")
            .is_some()
    });
    let code = secret.code_at(now_unix_s() + STEP_S);
    type_into(h, Role::TextInput, "Code de l'application", &code);
    h.get_by_label("Valider").click();
    signed_in(h);
}

fn signed_in(h: &mut H<'_>) {
    step_until(h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
}

/// The audit rows of `code` in the app's store (read beside the running app).
fn audit_rows(data_dir: &std::path::Path, code: &str) -> Vec<(String, String)> {
    let (store, _) = crate::support::open_app_store(data_dir);
    store
        .query(
            "SELECT actor, detail FROM audit WHERE action = ?1 ORDER BY seq",
            &[chevet::store::db::Param::Text(code)],
        )
        .expect("audit")
        .iter()
        .map(|r| (r.get(0).expect("actor"), r.get(1).expect("detail")))
        .collect()
}

/// Settings → "Sécurité du compte" → enrol: reads the key shown, computes the code, confirms.
/// The secret, and the recovery codes shown once. The session is strong from then on (other
/// tests that consult the DMP with a demo account's password enrol so).
pub(crate) fn enrol(h: &mut H<'_>, password: &str) -> (TotpSecret, Vec<String>) {
    h.get_by_label("Paramètres").click();
    step_until(h, "settings", LONG, |h| {
        h.query_by_label("Sécurité du compte").is_some()
    });
    h.get_by_label("Sécurité du compte").click();
    step_until(h, "enrolment offered", LONG, |h| {
        h.query_by_label("Activer la double authentification")
            .is_some()
    });
    h.get_by_label("Activer la double authentification").click();
    step_until(h, "secret shown", LONG, |h| {
        h.query_by_label_contains("Clé secrète :").is_some()
    });
    assert!(
        h.query_by_label("QR code de la double authentification")
            .is_some(),
        "the QR code is drawn"
    );
    let shown = text_of(&h.get_by_label_contains("Clé secrète :"));
    let key = shown.split(':').nth(1).expect("key after the colon");
    let secret = TotpSecret::from_base32(key).expect("a base32 key");
    type_into(h, Role::PasswordInput, "Votre mot de passe", password);
    let code = secret.code_at(now_unix_s());
    type_into(h, Role::TextInput, "Code affiché par l'application", &code);
    h.get_by_label("Confirmer l'activation").click();
    step_until(h, "recovery codes", LONG, |h| {
        h.query_by_label("J'ai noté mes codes de secours").is_some()
    });
    let codes: Vec<String> = h
        .query_all_by_role(Role::Label)
        .map(|n| text_of(&n))
        .filter(|t| t.len() == 19 && t.matches('-').count() == 3)
        .collect();
    h.get_by_label("J'ai noté mes codes de secours").click();
    h.run_steps(2);
    assert!(
        h.query_by_label("Activée : votre session peut accéder au DMP.")
            .is_some()
    );
    (secret, codes)
}

#[test]
fn issue17_a_password_only_session_cannot_reach_the_dmp_while_a_totp_one_can() {
    let today = chrono::Local::now().date_naive();
    let (_, patient) =
        chevet::sandbox::dmp::seed::consultation_demo_patient(today).expect("such a demo patient");
    let family = patient.identity.traits.birth_name.clone();
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp(&rt, dir.path());
    let mut h = harness(app);

    // A password alone: the folder says why, and nothing goes to the DMP.
    log_in(&mut h, "medecin", "chevet-demo");
    // The sandbox's demo history already holds DMP traces (the usage indicators' months).
    let traced_before = audit_rows(dir.path(), "dmp.transaction").len();
    crate::dmp_folder::open_patient(&mut h, &patient.identity.ipp, &family);
    crate::dmp_folder::record_informed_not_opposed(&mut h);
    step_until(&mut h, "the strong-authentication reason", LONG, |h| {
        h.query_by_label_contains(STRONG_AUTH).is_some()
    });
    h.run_steps(10);
    assert!(h.query_by_label("DMP : accès autorisé").is_none());
    assert_eq!(
        audit_rows(dir.path(), "dmp.transaction").len(),
        traced_before,
        "nothing was sent to the DMP"
    );

    // The same user enrols a second factor; the session, now strong, gets the DMP's answer.
    let (secret, codes) = enrol(&mut h, "chevet-demo");
    assert_eq!(codes.len(), 10, "ten recovery codes shown once");
    step_until(&mut h, "the badge after enrolment", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });

    // Signing in again: the password, then a code (the enrolment's is used already).
    log_out(&mut h);
    log_in_with_code(&mut h, "medecin", "chevet-demo", &secret);
    crate::dmp_folder::open_patient(&mut h, &patient.identity.ipp, &family);
    step_until(&mut h, "the DMP's status for the TOTP session", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
    assert!(h.query_by_label_contains(STRONG_AUTH).is_none());
    assert!(audit_rows(dir.path(), "dmp.transaction").len() > traced_before);
    let logins = audit_rows(dir.path(), "login.ok");
    assert!(
        logins
            .iter()
            .any(|(who, how)| who == "medecin" && how == "password+second-factor")
    );
    assert_eq!(
        audit_rows(dir.path(), "account.second-factor-enrolled").len(),
        1
    );
}

#[test]
fn issue17_a_recovery_code_signs_in_once_and_locks_and_unlocks_with_both_factors() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "interne", "chevet-demo");
    signed_in(&mut h);
    let (secret, codes) = enrol(&mut h, "chevet-demo");
    log_out(&mut h);
    log_in(&mut h, "interne", "chevet-demo");
    step_until(&mut h, "second-factor step", LONG, |h| {
        h.query_by_label("Je n'ai pas mon téléphone : utiliser un code de secours")
            .is_some()
    });
    type_into(&mut h, Role::TextInput, "Code de l'application", "000000");
    h.get_by_label("Valider").click();
    step_until(&mut h, "a wrong code refused", LONG, |h| {
        h.query_by_label_contains("Code incorrect ou déjà utilisé")
            .is_some()
    });
    assert_eq!(
        audit_rows(dir.path(), "login.second-factor-failed").len(),
        1
    );
    h.get_by_label("Je n'ai pas mon téléphone : utiliser un code de secours")
        .click();
    h.run_steps(2);
    type_into(&mut h, Role::TextInput, "Code de secours", &codes[0]);
    h.get_by_label("Valider").click();
    signed_in(&mut h);
    assert_eq!(
        audit_rows(dir.path(), "login.recovery-code"),
        [("interne".to_owned(), "left=9".to_owned())]
    );
    // The lock asks for both factors again.
    h.get_by_label("Verrouiller").click();
    step_until(&mut h, "lock screen", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Code de l'application")
            .is_some()
    });
    type_into(&mut h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    let code = secret.code_at(now_unix_s() + STEP_S);
    type_into(&mut h, Role::TextInput, "Code de l'application", &code);
    h.get_by_label("Déverrouiller").click();
    signed_in(&mut h);
    let unlocks = audit_rows(dir.path(), "session.unlocked");
    assert_eq!(
        unlocks.last().map(|(_, d)| d.as_str()),
        Some("second-factor")
    );
}

#[test]
fn issue17_an_administrator_creates_disables_resets_and_exports_accounts() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "admin", "chevet-admin");
    signed_in(&mut h);
    crate::support::open_admin_screen(&mut h, "Comptes");
    step_until(&mut h, "accounts list", LONG, |h| {
        h.query_by_label("medecin").is_some()
    });

    // Create: a temporary password, shown once.
    type_into(&mut h, Role::TextInput, "Nouvel identifiant", "dr.nouveau");
    type_into(&mut h, Role::TextInput, "Nom affiché", "Dr Nouveau");
    h.get_by_label("Créer le compte").click();
    let temporary = |h: &H<'_>| {
        let text = text_of(&h.get_by_label_contains("Mot de passe provisoire de dr.nouveau"));
        text.rsplit(" : ")
            .next()
            .expect("password")
            .trim()
            .to_owned()
    };
    step_until(&mut h, "temporary password", LONG, |h| {
        h.query_by_label_contains("Mot de passe provisoire de dr.nouveau")
            .is_some()
            && h.query_by_label("dr.nouveau").is_some()
    });
    let first = temporary(&h);
    assert_eq!(first.chars().count(), 16);

    // Disable, enable, reset the password.
    h.get_by_label("dr.nouveau").click();
    h.run_steps(2);
    for (action, confirmed) in [
        ("Désactiver", true),
        ("Réactiver", false),
        ("Réinitialiser le mot de passe", true),
    ] {
        step_until(&mut h, action, LONG, |h| h.query_by_label(action).is_some());
        h.get_by_label(action).click();
        h.run_steps(2);
        if confirmed {
            h.get_by_label("Confirmer").click();
        }
        step_until(&mut h, "the list again", LONG, |h| {
            h.query_by_label("Confirmer").is_none()
                && h.query_by_label(if action == "Désactiver" {
                    "désactivé"
                } else {
                    "mot de passe provisoire"
                })
                .is_some()
        });
    }
    step_until(&mut h, "a new temporary password", LONG, |h| {
        h.query_by_label_contains("Mot de passe provisoire de dr.nouveau")
            .is_some_and(|n| !text_of(&n).ends_with(&first))
    });
    let reset = temporary(&h);

    // Export: a CSV for a French spreadsheet.
    h.get_by_label("Exporter la liste (CSV)").click();
    step_until(&mut h, "export written", LONG, |h| {
        h.query_by_label_contains("Liste des comptes exportée :")
            .is_some()
    });
    let shown = text_of(&h.get_by_label_contains("Liste des comptes exportée :"));
    let path = shown.split(" : ").nth(1).expect("path").trim().to_owned();
    let csv = std::fs::read_to_string(&path).expect("export");
    assert!(csv.starts_with('\u{feff}') && csv.contains("\r\n"));
    assert!(
        csv.lines()
            .any(|l| l.starts_with("dr.nouveau;Dr Nouveau;secretaire;oui;"))
    );
    assert!(!csv.contains("argon2"), "no hash in the export");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
        assert_eq!(mode & 0o077, 0, "owner only");
    }

    // The user changes the temporary password at first sign-in.
    log_out(&mut h);
    log_in(&mut h, "dr.nouveau", &reset);
    step_until(&mut h, "forced change", LONG, |h| {
        h.query_by_label("Choisissez votre mot de passe").is_some()
    });
    type_into(&mut h, Role::PasswordInput, "Nouveau mot de passe", "court");
    type_into(
        &mut h,
        Role::PasswordInput,
        "Confirmer le nouveau mot de passe",
        "court",
    );
    h.get_by_label("Changer le mot de passe").click();
    step_until(&mut h, "policy refusal", LONG, |h| {
        h.query_by_label_contains("au moins 12 caractères")
            .is_some()
    });
    type_into(
        &mut h,
        Role::PasswordInput,
        "Nouveau mot de passe",
        "Secretariat-2026!",
    );
    type_into(
        &mut h,
        Role::PasswordInput,
        "Confirmer le nouveau mot de passe",
        "Secretariat-2026!",
    );
    h.get_by_label("Changer le mot de passe").click();
    signed_in(&mut h);

    let admin_rows = |code: &str| {
        audit_rows(dir.path(), code)
            .into_iter()
            .filter(|(who, _)| who == "admin")
            .count()
    };
    for code in [
        "account.created",
        "account.disabled",
        "account.enabled",
        "account.password-reset",
        "accounts.exported",
    ] {
        assert_eq!(admin_rows(code), 1, "{code}");
    }
    assert_eq!(
        audit_rows(dir.path(), "account.password-changed"),
        [("dr.nouveau".to_owned(), "first-use".to_owned())]
    );
    assert_eq!(
        audit_rows(dir.path(), "account.password-change-refused").len(),
        1
    );
}
