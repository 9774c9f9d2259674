//! The screens driven by label, with real workers and a real encrypted store seeded with the
//! sandbox data: log in, search a patient, open the folder, read the INS status badge and the
//! document list, open a document; a wrong password is refused; logging out hides the data.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::{LONG, harness, runtime, sandbox_app, step_until};

/// Logs in as the sandbox physician once the store is open and seeded.
fn log_in(h: &mut egui_kittest::Harness<'_, chevet::app::ChevetApp>, password: &str) {
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
        .type_text(password);
    h.run_steps(2);
    h.get_by_label("Se connecter").click();
}

#[test]
fn log_in_search_open_folder_and_read_status_and_documents() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    assert!(
        h.query_by_label_contains("SANDBOX").is_some(),
        "sandbox marker visible"
    );
    log_in(&mut h, "chevet-demo");

    step_until(&mut h, "patient list", LONG, |h| {
        h.query_by_label_contains("patients").is_some()
            && h.query_by_role_and_label(Role::TextInput, "Rechercher")
                .is_some()
    });
    let search = h.get_by_role_and_label(Role::TextInput, "Rechercher");
    search.focus();
    search.type_text("pat-trois");
    step_until(&mut h, "PAT-TROIS found", LONG, |h| {
        h.query_by_label("1 patient").is_some()
    });
    h.get_by_label_contains("PAT-TROIS").click();

    step_until(&mut h, "folder with identity badge", LONG, |h| {
        h.query_by_label("Identité qualifiée").is_some() && h.query_by_label("Venues").is_some()
    });
    // The INS and its status are on the banner without any click.
    assert!(h.query_by_label_contains("2 79 03 51 215 189 89").is_some());
    // The document list shows the fixtures' documents with their titles and sortable columns.
    assert!(
        h.query_by_label("9 documents").is_some(),
        "11 documents in 9 version chains"
    );
    assert!(h.query_by_label("Synthèse Médicale").is_some());
    assert!(h.query_by_label_contains("Type").is_some());
    assert!(h.query_by_label_contains("Date de l'acte").is_some());
    h.get_by_label("Prescription de médicaments et/ou de dispositifs médicaux")
        .click();

    step_until(&mut h, "document view", LONG, |h| {
        h.query_by_label("← Dossier").is_some()
    });
    // Metadata line: version and provenance.
    assert!(
        h.query_by_label_contains("v1 · Produit dans l'établissement")
            .is_some()
    );
    // The PDF copy is shown first, rendered by PDFium on a worker.
    step_until(&mut h, "PDF page rendered", LONG, |h| {
        h.query_by_label("Page 1 du PDF").is_some()
    });
    assert!(h.query_by_label_contains("Page 1 sur").is_some());

    // Logging out forgets the patient data.
    h.get_by_label("Se déconnecter").click();
    step_until(&mut h, "back to login", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    assert!(h.query_by_label_contains("PAT-TROIS").is_none());
    drop(h);
    drop(rt);
}

#[test]
fn wrong_password_is_refused_with_a_clear_message() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "not-the-password");
    step_until(&mut h, "error shown", LONG, |h| {
        h.query_by_label("Identifiant ou mot de passe incorrect.")
            .is_some()
    });
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_none()
    );
}

#[test]
fn keyboard_moves_through_the_list_and_enter_opens_the_folder() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "chevet-demo");
    step_until(&mut h, "patient list filled", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
            && h.query_by_label_contains("patients").is_some()
    });
    h.key_press(egui::Key::ArrowDown);
    h.key_press(egui::Key::Enter);
    step_until(&mut h, "a folder opened by keyboard", LONG, |h| {
        h.query_by_label("Venues").is_some()
    });
}

/// Opens PAT-TROIS's folder as the sandbox physician.
fn open_pat_trois(h: &mut egui_kittest::Harness<'_, chevet::app::ChevetApp>) {
    log_in(h, "chevet-demo");
    step_until(h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
    let search = h.get_by_role_and_label(Role::TextInput, "Rechercher");
    search.focus();
    search.type_text("pat-trois");
    step_until(h, "PAT-TROIS found", LONG, |h| {
        h.query_by_label("1 patient").is_some()
    });
    h.get_by_label_contains("PAT-TROIS").click();
    step_until(h, "folder", LONG, |h| h.query_by_label("Venues").is_some());
    h.run_steps(3);
}

#[test]
fn issue3_version_chain_is_one_entry_and_an_older_version_points_to_the_newer() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    open_pat_trois(&mut h);
    // Two chains have two versions: each shows one "v2 ▾" history button.
    let history = h.get_all_by_label("v2 ▾").count();
    assert_eq!(history, 2);
    assert!(h.query_by_label_contains("↳").is_none(), "history closed");
    // Tables lay themselves out invisibly on their first frame: let them settle before clicking.
    h.run_steps(3);
    h.get_all_by_label("v2 ▾").next().expect("button").click();
    step_until(&mut h, "older version listed", LONG, |h| {
        h.query_by_label_contains("↳").is_some()
    });
    h.get_by_label_contains("↳").click();
    step_until(&mut h, "older version opened", LONG, |h| {
        h.query_by_label_contains("Ce n'est pas la dernière version")
            .is_some()
    });
    h.get_by_label("Ouvrir la dernière version").click();
    step_until(&mut h, "newest version opened", LONG, |h| {
        h.query_by_label("← Dossier").is_some()
            && h.query_by_label_contains("Ce n'est pas la dernière version")
                .is_none()
            && h.query_by_label_contains("· v2 ·").is_some()
    });
}

#[test]
fn issue3_a_physician_produces_a_discharge_letter_that_opens_pdf_first() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    open_pat_trois(&mut h);
    h.get_by_label("✎ Rédiger un document").click();
    step_until(&mut h, "production form", LONG, |h| {
        h.query_by_label_contains("l'INS et son code « INS à scanner »")
            .is_some()
    });
    let motif = h.get_by_role_and_label(Role::MultilineTextInput, "Motif d'hospitalisation");
    motif.focus();
    motif.type_text("Douleur thoracique à l'effort.");
    h.run_steps(2);
    h.get_by_label("Produire le document (CDA + PDF)").click();
    step_until(&mut h, "produced document opened", LONG, |h| {
        h.query_by_label("← Dossier").is_some()
            && h.query_by_label("Lettre de liaison à la sortie").is_some()
    });
    step_until(&mut h, "its PDF rendered", LONG, |h| {
        h.query_by_label("Page 1 du PDF").is_some()
    });
    // The metadata line names the signed-in physician as the author.
    assert!(h.query_by_label_contains("Claire LAMBERT").is_some());
    h.get_by_label("← Dossier").click();
    step_until(&mut h, "folder lists it", LONG, |h| {
        h.query_by_label("10 documents").is_some()
    });
}

#[test]
fn issue3_pdf_first_then_structured_view_with_key_v_then_attachment_in_the_same_viewer() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    open_pat_trois(&mut h);
    h.get_by_label("Prescription de médicaments et/ou de dispositifs médicaux")
        .click();
    step_until(&mut h, "the PDF copy shows first", LONG, |h| {
        h.query_by_label("Page 1 du PDF").is_some()
    });
    assert!(
        h.query_by_label("Signes vitaux").is_none(),
        "structured view not yet shown"
    );
    h.key_press(egui::Key::V);
    step_until(&mut h, "structured view after V", LONG, |h| {
        h.query_by_label("Signes vitaux").is_some() && h.query_by_label("Page 1 du PDF").is_none()
    });
    // The PDF copy section is not repeated in the structured view.
    assert!(h.query_by_label("Copie du document").is_none());
    h.get_by_label("PDF").click();
    step_until(&mut h, "back to the PDF", LONG, |h| {
        h.query_by_label("Page 1 du PDF").is_some()
    });

    // The imaging report has no PDF copy: structured first, its PDF is an attachment.
    h.get_by_label("← Dossier").click();
    step_until(&mut h, "folder again", LONG, |h| {
        h.query_by_label("Venues").is_some()
    });
    h.run_steps(3);
    h.get_by_label("CR d’imagerie médicale - Scanner Tête + Cou + Thorax avec injection")
        .click();
    step_until(&mut h, "structured first", LONG, |h| {
        h.query_by_label("Vue structurée").is_some() && h.query_by_label_contains("Kio)").is_some()
    });
    assert!(h.query_by_label("Page 1 du PDF").is_none());
    // The attachment button reads "<title> (application/pdf, N Kio)".
    h.get_by_label_contains("(application/pdf,").click();
    step_until(&mut h, "attached PDF rendered in the viewer", LONG, |h| {
        h.query_by_label("Page 1 du PDF").is_some()
    });
}
