//! Issue 16, driven by label with real workers: « Annuaire » finds correspondents as the user
//! types (and with the postal code filter), and a stored document is sent by MSSanté to a
//! correspondent found in the directory and to the patient's Mon espace santé mailbox, through
//! the sandbox gateway, whose receipts (ZAM Z02) show under « Envois MSSanté ».

use std::sync::Arc;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::intake_flow::log_in;
use crate::support::{LONG, harness, runtime, sandbox_app, sandbox_config, step_until, type_into};

type H = egui_kittest::Harness<'static, chevet::app::ChevetApp>;

/// Fills the directory of the installation in `dir` (its store already made by the app) with
/// `entries` of the sandbox's generated ones, its fixed entries first (at least those).
pub fn fill_directory(dir: &std::path::Path, entries: usize) {
    use chevet::sandbox::annuaire::generate;
    let (mut store, _) = crate::support::open_app_store(dir);
    let mut import = chevet::store::directory::Import::begin(&mut store).expect("import");
    // The generated entries start with the sandbox's fixed ones (Dr Marie DURAND…).
    let count = entries.max(generate::fixed_entries().len());
    for entry in generate::entries(generate::SANDBOX_SEED, count) {
        import.add(entry).expect("entry");
    }
    import
        .finish("Extraction_Correspondance_MSSante.zip", 0)
        .expect("directory swapped in");
}

/// Waits for the store (seeded, the login form shown), fills the directory, logs in.
pub fn log_in_with_directory(h: &mut H, dir: &std::path::Path, entries: usize) {
    step_until(h, "sandbox seeded and login form shown", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Identifiant")
            .is_some()
    });
    fill_directory(dir, entries);
    log_in(h);
}

/// « Annuaire », its state read.
pub fn open_directory(h: &mut H) {
    h.get_by_label("Annuaire").click();
    step_until(h, "the directory", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher un correspondant")
            .is_some()
            && h.query_by_label_contains("correspondants · import du")
                .is_some()
    });
}

/// Empties the text input with this label (select all, delete).
fn clear(h: &mut H, label: &str) {
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(2);
}

#[test]
fn issue16_the_directory_finds_correspondents_as_the_user_types_and_by_postal_code() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in_with_directory(&mut h, dir.path(), 2000);
    open_directory(&mut h);
    assert!(
        h.query_by_label_contains("Tapez un nom").is_some(),
        "an empty query shows a hint"
    );

    type_into(
        &mut h,
        Role::TextInput,
        "Rechercher un correspondant",
        "durand",
    );
    // The generated entries have Durands of their own (a Marie among them, maybe).
    step_until(&mut h, "Marie DURAND found", LONG, |h| {
        h.query_by_label("recherche…").is_none()
            && h.query_all_by_label("Marie DURAND").next().is_some()
            && h.query_by_label("marie.durand@medecin.mssante.fr")
                .is_some()
    });
    assert!(
        h.query_all_by_label("Médecin · Médecine générale")
            .next()
            .is_some()
    );

    clear(&mut h, "Rechercher un correspondant");
    type_into(&mut h, Role::TextInput, "Code postal", "75016");
    type_into(
        &mut h,
        Role::TextInput,
        "Rechercher un correspondant",
        "lefevre",
    );
    step_until(&mut h, "Hélène LEFÈVRE found in 75016", LONG, |h| {
        h.query_by_label("recherche…").is_none()
            && h.query_by_label("helene.lefevre@medecin.mssante.fr")
                .is_some()
            && h.query_all_by_label("Hélène LEFÈVRE").next().is_some()
            && h.query_by_label("marie.durand@medecin.mssante.fr")
                .is_none()
    });
    assert!(
        h.query_by_label_contains("8 AV VICTOR HUGO, 75016 PARIS")
            .is_some()
    );
    // A row is selected by a click: its details show above the table.
    h.get_by_label("helene.lefevre@medecin.mssante.fr").click();
    step_until(&mut h, "the selected entry", LONG, |h| {
        h.query_by_label_contains("RPPS 10005678912").is_some()
    });
}

/// A sandbox app with the sandbox DMP and its gateway (PFI) in front of it, the gateway's
/// ZAMs sent to the workers' listener on a port chosen here. Returns what must stay alive.
pub fn app_with_gateway(
    rt: &tokio::runtime::Runtime,
    dir: &std::path::Path,
) -> (chevet::app::ChevetApp, Box<dyn std::any::Any>) {
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Arc::default()))
        .expect("sandbox DMP");
    let endpoint = dmp.endpoint(Default::default()).expect("DMP endpoint");
    let listen = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("a free port");
    let mut pfi_config = chevet::sandbox::pfi::PfiConfig::new(endpoint.client().expect("client"));
    pfi_config.ack_to = Some(listen);
    let pfi = {
        let _guard = rt.enter();
        rt.block_on(chevet::sandbox::pfi::SandboxPfi::start(pfi_config))
            .expect("sandbox gateway")
    };
    let mut config = sandbox_config(
        dir,
        Some(endpoint),
        Vec::new(),
        chevet::worker::CardConfig::default(),
    );
    config.hl7_listen = Some((listen, chevet::hl7::listener::ListenerConfig::default()));
    if let Some(outbox) = config.outbox.as_mut() {
        outbox.pfi_address = Some(pfi.addr());
    }
    crate::support::logs();
    let waker: chevet::worker::Waker = Arc::new(|| {});
    let (handle, events) = chevet::worker::start(rt.handle(), config, waker);
    let app = chevet::app::ChevetApp::new(
        handle,
        events,
        chevet::app::AppOptions {
            sandbox: true,
            data_dir: dir.to_path_buf(),
            language: chevet::i18n::Language::Fr,
            log_dir: None,
            inactivity: None,
            sandbox_ecps_url: None,
            demo_accounts: chevet::sandbox::demo_data::demo_logins(),
        },
    );
    (app, Box::new((dmp, pfi)))
}

/// Opens PAT-TROIS's prescription (a stored document), then sends it by MSSanté to Marie
/// DURAND and to the patient's mailbox; `before_send` sees the form filled in.
pub fn send_by_mss(h: &mut H, before_send: impl FnOnce(&mut H)) {
    crate::outbox_flow::open_pat_trois(h);
    h.get_by_label("Prescription de médicaments et/ou de dispositifs médicaux")
        .click();
    step_until(h, "the stored document, its PDF shown", LONG, |h| {
        h.query_by_label("Envoyer par MSSanté").is_some()
            && h.query_by_label("Page 1 du PDF").is_some()
    });
    h.get_by_label("Envoyer par MSSanté").click();
    step_until(h, "the form and its proposals", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Ajouter un destinataire")
            .is_some()
            && h.query_by_label("Médecin traitant").is_some()
            && h.query_by_label_contains("@patient.mssante.fr").is_some()
    });
    type_into(h, Role::TextInput, "Ajouter un destinataire", "durand");
    step_until(h, "Marie DURAND among the results", LONG, |h| {
        h.query_by_label_contains("Dr Marie DURAND — Médecin")
            .is_some()
    });
    h.get_by_label("Ajouter").click();
    step_until(h, "Marie DURAND chosen", LONG, |h| {
        h.query_by_label_contains("<marie.durand@medecin.mssante.fr>")
            .is_some()
    });
    h.get_by_label("Messagerie du patient (Mon espace santé)")
        .click();
    h.run_steps(2);
    h.get_by_label("Réponse du patient non autorisée").click();
    h.run_steps(2);
    before_send(h);
    h.get_by_label("Envoyer").click();
    step_until(h, "queued, the form closed", LONG, |h| {
        h.query_by_label_contains("Envoi MSSanté en file").is_some()
            && h.query_by_role_and_label(Role::TextInput, "Ajouter un destinataire")
                .is_none()
    });
}

#[test]
fn issue16_a_stored_document_is_sent_by_mssante_and_its_receipts_show() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _keep) = app_with_gateway(&rt, dir.path());
    let mut h = harness(app);
    log_in_with_directory(&mut h, dir.path(), 0);
    send_by_mss(&mut h, |_| {});
    step_until(&mut h, "the send listed with its recipients", LONG, |h| {
        h.query_by_label("Envois MSSanté (1)").is_some()
            && h.query_by_label("marie.durand@medecin.mssante.fr")
                .is_some()
    });
    // The sandbox gateway answers a ZAM Z02 per recipient (delivered), then a Z03 (read).
    step_until(
        &mut h,
        "delivered to both (ZAM Z02, maybe read)",
        LONG,
        |h| {
            h.query_by_label("2 remis, 0 refusés sur 2").is_some()
                && h.query_all_by_label("Remis").count() + h.query_all_by_label("Lu").count() == 2
        },
    );
}

#[test]
fn issue16_the_sandbox_directory_is_imported_then_replaced_by_an_extract_from_the_screen() {
    use chevet::sandbox::annuaire::generate;
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let extract = dir.path().join("Extraction_Correspondance_MSSante.zip");
    generate::write_extract(&extract, generate::SANDBOX_SEED, 1500, true).expect("extract");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h);
    // Shown on an empty directory, the sandbox imports its own in the background.
    h.get_by_label("Annuaire").click();
    step_until(&mut h, "the sandbox's directory imported", LONG, |h| {
        h.query_by_label("Annuaire mis à jour.").is_some()
            && h.query_by_label_contains("_sandbox.txt)").is_some()
    });
    h.get_by_label("Fermer").click();
    // The import panel opened while the sandbox's import ran; it stays open.
    if h.query_by_role_and_label(Role::TextInput, "Fichier")
        .is_none()
    {
        h.get_by_label("Importer l'extraction de l'Annuaire Santé")
            .click();
        h.run_steps(2);
    }
    h.get_by_role_and_label(Role::TextInput, "Fichier").click();
    h.run_steps(2);
    h.get_by_role_and_label(Role::TextInput, "Fichier")
        .type_text(extract.to_str().expect("path"));
    h.run_steps(2);
    h.get_by_label("Importer").click();
    step_until(
        &mut h,
        "the extract imported, the state read again",
        LONG,
        |h| {
            h.query_by_label("Annuaire mis à jour.").is_some()
                && h.query_by_label_contains("import du").is_some_and(|n| {
                    crate::intake_flow::text_of(&n)
                        .contains("(Extraction_Correspondance_MSSante.zip)")
                })
                && h.query_by_label_contains("Import terminé : 1\u{202F}500")
                    .is_some()
        },
    );
    type_into(
        &mut h,
        Role::TextInput,
        "Rechercher un correspondant",
        "lefevre",
    );
    step_until(&mut h, "an imported entry found", LONG, |h| {
        h.query_by_label("helene.lefevre@medecin.mssante.fr")
            .is_some()
    });
}
