//! "Réception" driven by label, with real workers, the sandbox's store and its simulated
//! hospital sending real MLLP frames to the workers' listener: an admission from the GAM
//! makes a folder; an MSSanté mail for a known patient is filed and shows as received, unread
//! in its folder; a document for nobody known waits "à rapprocher", the patient search filled
//! from what the sender said, and one key files it. A single workstation only: the shared
//! record's workstations have no listener (the establishment's runs in `chevet serve`).

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::support::{LONG, harness, on_shared_record, runtime, sandbox_app, step_until};

type H = egui_kittest::Harness<'static, chevet::app::ChevetApp>;

/// Logs in as the sandbox physician and waits for the patient list.
pub fn log_in(h: &mut H) {
    step_until(h, "sandbox seeded and login form shown", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    h.get_by_role_and_label(Role::TextInput, "Identifiant")
        .focus();
    h.get_by_role_and_label(Role::TextInput, "Identifiant")
        .type_text("medecin");
    h.get_by_role_and_label(Role::PasswordInput, "Mot de passe")
        .focus();
    h.get_by_role_and_label(Role::PasswordInput, "Mot de passe")
        .type_text("chevet-demo");
    h.run_steps(2);
    h.get_by_label("Se connecter").click();
    step_until(h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
            && h.query_by_label_contains(" patients").is_some()
    });
}

/// "Réception", its lists read.
pub fn open_inbox(h: &mut H) {
    h.get_by_label("Réception").click();
    step_until(h, "the inbox", LONG, |h| {
        h.query_by_label_contains("À rapprocher (").is_some()
            && h.query_by_label("Simuler : admission (GAM)").is_some()
    });
}

/// Clicks a simulation button and waits for the acknowledgement's notice.
pub fn simulate(h: &mut H, button: &str, ack: &str) {
    h.get_by_label(button).click();
    step_until(h, &format!("acknowledgement {ack}"), LONG, |h| {
        h.query_by_label_contains(&format!("accusé de réception {ack}"))
            .is_some()
    });
}

/// What a node says (a label's text is its value).
pub fn text_of(node: &egui_kittest::Node<'_>) -> String {
    let node = node.accesskit_node();
    node.label()
        .filter(|l| !l.is_empty())
        .or_else(|| node.value())
        .unwrap_or_default()
}

/// The number in the patient list's count ("41 patients").
fn patient_count(h: &egui_kittest::Harness<'_, chevet::app::ChevetApp>) -> usize {
    let label = text_of(&h.get_by_label_contains(" patients"));
    label
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a count: {label}"))
}

/// Types `text` after what the patient list's search box holds (empty, or blanks).
fn search(h: &mut H, text: &str) {
    let field = h.get_by_role_and_label(Role::TextInput, "Rechercher");
    field.focus();
    h.run_steps(1);
    // Appended: the search trims, so " NAME" finds NAME.
    h.get_by_role_and_label(Role::TextInput, "Rechercher")
        .type_text(text);
    h.run_steps(2);
}

/// The birth name and IPP of the folder created last, read from the record the workers write.
fn newest_patient(data_dir: &std::path::Path) -> (String, String) {
    let (store, _) = crate::support::open_app_store(data_dir);
    store
        .query(
            "SELECT birth_name, ipp FROM patient ORDER BY id DESC LIMIT 1",
            &[],
        )
        .map(|rows| {
            let row = &rows[0];
            (
                row.get::<String>(0).expect("birth name"),
                row.get::<String>(1).expect("IPP"),
            )
        })
        .expect("newest patient")
}

#[test]
fn issue14_an_admission_from_the_gam_makes_a_folder_found_by_the_search() {
    if on_shared_record() {
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h);
    let before = patient_count(&h);
    open_inbox(&mut h);
    simulate(&mut h, "Simuler : admission (GAM)", "AA");

    h.get_by_label("Patients").click();
    step_until(&mut h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
    search(&mut h, " ");
    step_until(&mut h, "one more patient", LONG, |h| {
        h.query_by_label_contains(" patients")
            .is_some_and(|_| patient_count(h) == before + 1)
    });
    // By its IPP: a demo patient may bear the same birth name.
    let (name, ipp) = newest_patient(dir.path());
    search(&mut h, &format!(" {ipp}"));
    step_until(&mut h, "the admitted patient found", LONG, |h| {
        h.query_by_label_contains(" patient").is_some()
            && h.query_all_by_label_contains(&name).count() > 0
    });
    h.get_all_by_label_contains(&name)
        .find(|n| n.accesskit_node().role() != Role::TextInput)
        .expect("a row")
        .click();
    // The GAM's PID: its IPP, a qualified INS; the stay in cardiology.
    step_until(&mut h, "the admitted patient's folder", LONG, |h| {
        h.query_by_label("Venues").is_some()
            && h.query_by_label("Identité qualifiée").is_some()
            && h.query_by_label_contains(&format!("IPP : {ipp}")).is_some()
    });
}

#[test]
fn issue14_an_mssante_mail_is_received_and_unread_in_its_folder() {
    if on_shared_record() {
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h);
    open_inbox(&mut h);
    simulate(&mut h, "Simuler : courriel MSSanté reçu", "AA");
    // Filed at once (exact qualified INS): listed as received, new.
    step_until(&mut h, "the received document listed", LONG, |h| {
        h.query_by_label("Nouveau").is_some()
            && h.query_all_by_label_contains("PAT-TROIS").count() > 0
    });
    assert!(h.query_by_label("À rapprocher (0)").is_some());

    // Its folder says it is unread.
    h.get_by_label("Ouvrir le dossier").click();
    step_until(&mut h, "the folder with its unread badge", LONG, |h| {
        h.query_by_label("Venues").is_some() && h.query_by_label("1 document reçu non lu").is_some()
    });

    // From the list, a click opens the folder and the document; then it is read.
    h.get_by_label("Réception").click();
    step_until(&mut h, "the received list again", LONG, |h| {
        h.query_by_label("Nouveau").is_some()
    });
    h.get_all_by_label_contains("PAT-TROIS")
        .find(|n| text_of(n).starts_with("PAT-TROIS"))
        .expect("the patient's cell")
        .click();
    step_until(&mut h, "the received document open", LONG, |h| {
        h.query_by_label("← Dossier").is_some()
    });
    h.get_by_label("← Dossier").click();
    step_until(&mut h, "the folder, nothing unread", LONG, |h| {
        h.query_by_label("Venues").is_some() && h.query_by_label_contains("reçu non lu").is_none()
    });
}

#[test]
fn issue14_an_unmatched_document_is_filed_with_one_key() {
    if on_shared_record() {
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h);
    open_inbox(&mut h);
    simulate(&mut h, "Simuler : document non rapproché", "AE");
    step_until(&mut h, "one document to reconcile", LONG, |h| {
        h.query_by_label("À rapprocher (1)").is_some() && h.query_by_label("MSSanté").is_some()
    });
    // The navigation counts it too.
    assert!(h.query_by_label("1 à rapprocher").is_some());
    h.get_by_label("MSSanté").click();
    // The search is filled with what the sender said, and a folder is proposed.
    step_until(&mut h, "the search filled, a folder proposed", LONG, |h| {
        h.query_by_label_contains("Classer dans le dossier de")
            .is_some()
    });
    let proposed = h
        .get_by_label_contains("Classer dans le dossier de")
        .accesskit_node()
        .label()
        .unwrap_or_default();
    assert!(proposed.contains("PAT-TROIS"), "{proposed}");
    let query = h
        .get_by_role_and_label(Role::TextInput, "Rechercher le patient")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert!(query.to_uppercase().contains("PAT-TROIS"), "{query}");
    // The document itself shows beside it.
    step_until(&mut h, "the document beside", LONG, |h| {
        h.query_by_label_contains(" · v1 · ").is_some()
    });

    h.key_press(egui::Key::Enter);
    step_until(&mut h, "filed", LONG, |h| {
        h.query_by_label("À rapprocher (0)").is_some()
            && h.query_by_label_contains("Document classé dans le dossier de")
                .is_some()
    });
    // The navigation's badge follows once the counts are read again.
    step_until(&mut h, "the badge gone", LONG, |h| {
        h.query_by_label("1 à rapprocher").is_none()
    });
    h.get_by_label("Documents reçus").click();
    step_until(&mut h, "listed as received", LONG, |h| {
        h.query_by_label("Nouveau").is_some()
            && h.query_all_by_label_contains("PAT-TROIS").count() > 0
    });
}

#[test]
fn issue14_an_xdm_archive_waits_in_the_inbox_and_a_broken_one_says_why() {
    if on_shared_record() {
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h);
    open_inbox(&mut h);
    assert!(h.query_by_label("À rapprocher (0)").is_some());

    // Not an archive: refused, with the reason in words.
    let broken = dir.path().join("pas-une-archive.zip");
    std::fs::write(&broken, b"not a zip file").expect("write");
    crate::support::type_into(
        &mut h,
        Role::TextInput,
        "Archive XDM (.zip)",
        &broken.display().to_string(),
    );
    h.get_by_label("Importer une archive XDM").click();
    step_until(&mut h, "the archive refused", LONG, |h| {
        h.query_by_label_contains("Archive refusée : ").is_some()
    });

    // A real archive (NIST's sample): its document waits to be reconciled.
    let archive = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/xdm/nist-xdm-samples/MIE.zip");
    let field = h.get_by_role_and_label(Role::TextInput, "Archive XDM (.zip)");
    field.focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.get_by_role_and_label(Role::TextInput, "Archive XDM (.zip)")
        .type_text(&archive.display().to_string());
    h.run_steps(2);
    h.get_by_label("Importer une archive XDM").click();
    step_until(&mut h, "the archive's document queued", LONG, |h| {
        h.query_by_label("1 document mis en attente de rapprochement.")
            .is_some()
            && h.query_by_label("À rapprocher (1)").is_some()
    });
    // Why it waits, in the list and beside the item; from which channel.
    assert_eq!(h.query_all_by_label("archive XDM importée").count(), 2);
    assert!(h.query_all_by_label("XDM").count() > 0);
}
