//! The README's screenshots of establishment mode, rendered by the UI tests' harness (software
//! Vulkan, `WGPU_BACKEND=vulkan`) rather than by driving real windows: one workstation on a
//! shared record of the test cluster, reached through a relay the test cuts; "Réception"
//! on a single workstation, fed by the sandbox's simulated hospital; and "Envois DMP" with jobs
//! sent, held and waiting for the sandbox DMP. Ignored by the
//! normal test run; `scripts/screenshots.sh` runs it with `CHEVET_SCREENSHOTS_DIR` set, and it
//! writes nothing without it. Only the sandbox's fictitious patients and accounts are shown.

use std::path::{Path, PathBuf};

use egui_kittest::kittest::Queryable;

use crate::dmp_folder::{open_not_consulted, record_informed_not_opposed};
use crate::establishment::back_to_the_list;
use crate::intake_flow::{log_in, open_inbox, simulate, text_of};
use crate::support::{Establishment, LONG, runtime, sandbox_app, step_until};

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

/// Frames run once the awaited content is there, so that layout and fade-ins settle.
const SETTLE_STEPS: usize = 8;

/// Takes the pointer away (no cursor drawn, nothing hovered), lets the layout settle, then
/// writes the window as `dir/name`.
fn shot(h: &mut H<'_>, dir: &Path, name: &str) {
    h.set_render_cursor(false);
    h.remove_cursor();
    h.run_steps(SETTLE_STEPS);
    let image = h.render().expect("render (WGPU_BACKEND=vulkan)");
    image.save(dir.join(name)).expect("png written");
}

/// The screenshots' folder (from `CHEVET_SCREENSHOTS_DIR`, created), a runtime and a data
/// folder; `None` when no folder is asked for (a plain test run).
fn prepare() -> Option<(PathBuf, crate::support::TestRuntime, tempfile::TempDir)> {
    let dir = std::env::var_os("CHEVET_SCREENSHOTS_DIR").map(PathBuf::from)?;
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    Some((dir, runtime(), tempfile::tempdir().expect("data dir")))
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn establishment_mode() {
    let Some(dir) = std::env::var_os("CHEVET_SCREENSHOTS_DIR").map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("screenshots folder");
    let e = Establishment::new()
        .expect("the screenshots need the test cluster: scripts/pg-test-cluster.sh run -- …");
    let family = &e.family;
    let data = tempfile::tempdir().expect("data dir");
    let mut h = e.workstation(data.path(), true);

    // The shared folder: the patient recorded "informé et non opposé", the DMP badge, the count
    // of new documents and the DMP's rows in the one list.
    open_not_consulted(&mut h, &e.ipp, family);
    record_informed_not_opposed(&mut h);
    step_until(&mut h, "badge, count and the DMP's rows", LONG, |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
            && h.query_by_label_contains("nouveau(x) document(s)")
                .is_some()
            && h.query_all_by_label("◆ DMP").count() == 3
    });
    // The notice of the second factor's enrolment (the DMP needs it) dismissed.
    let notice = h.query_all_by_label("Fermer").next();
    if let Some(notice) = notice {
        notice.click();
    }
    shot(&mut h, &dir, "establishment-folder.png");

    // Settings: the service-status board, the record answering.
    h.get_by_label("Paramètres").click();
    step_until(
        &mut h,
        "the service panel, the record answering",
        LONG,
        |h| {
            h.query_by_label("État des services").is_some()
                && h.query_by_label("Dossier (base)").is_some()
                && h.query_all_by_label("répond").count() > 0
                && h.query_by_label("en échec").is_none()
        },
    );
    shot(&mut h, &dir, "services.png");
    h.get_by_label("Close window").click();
    h.run_steps(2);

    // The record goes away: the banner, and the folder reopened from this workstation's cache.
    back_to_the_list(&mut h, family);
    e.relay.cut();
    step_until(&mut h, "degraded banner", LONG, |h| {
        h.query_by_label_contains("Mode dégradé").is_some()
    });
    h.get_by_label_contains(family).click();
    step_until(&mut h, "the cached copy, the DMP asked again", LONG, |h| {
        h.query_by_label_contains("Copie locale de ce poste")
            .is_some()
            && h.query_by_label_contains("actualisation…").is_none()
            && h.query_all_by_label("◆ DMP").count() == 3
    });
    shot(&mut h, &dir, "degraded.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn intake() {
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let mut h = crate::support::harness(sandbox_app(&rt, data.path()));
    log_in(&mut h);
    open_inbox(&mut h);
    // An MSSanté mail filed at once, then a document for nobody known.
    simulate(&mut h, "Simuler : courriel MSSanté reçu", "AA");
    simulate(&mut h, "Simuler : document non rapproché", "AE");
    h.get_by_label_contains("À rapprocher (").click();
    step_until(
        &mut h,
        "the item, its folder proposed, its content",
        LONG,
        |h| {
            h.query_by_label("À rapprocher (1)").is_some()
                && h.query_by_label_contains("Classer dans le dossier de")
                    .is_some()
                && h.query_all_by_label("Statut du document").next().is_some()
        },
    );
    shot(&mut h, &dir, "inbox.png");

    // The received mail, opened from the list: its folder, then the document (the notices
    // of the simulation dismissed).
    for _ in 0..4 {
        let Some(dismiss) = h.query_all_by_label("Fermer").next() else {
            break;
        };
        dismiss.click();
        h.run_steps(2);
    }
    h.get_by_label("Documents reçus").click();
    step_until(&mut h, "the received list", LONG, |h| {
        h.query_by_label("Nouveau").is_some()
    });
    h.get_all_by_label_contains("PAT-TROIS")
        .find(|n| text_of(n).starts_with("PAT-TROIS"))
        .expect("the patient's cell")
        .click();
    step_until(&mut h, "the received document, its content", LONG, |h| {
        h.query_by_label("← Dossier").is_some()
            && h.query_all_by_label("Statut du document").next().is_some()
    });
    shot(&mut h, &dir, "received-document.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn outbox() {
    use crate::outbox_flow::{open_outbox, open_pat_trois, produce};
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let (app, _dmp) = crate::support::sandbox_app_with_dmp(&rt, data.path());
    let mut h = crate::support::harness(app);
    log_in(&mut h);
    open_pat_trois(&mut h);
    // Three letters: one sent at once (held, then resumed), one held, one waiting its delay.
    for (reason, hold) in [
        ("Douleur thoracique à l'effort.", true),
        ("Dyspnée d'effort.", true),
        ("Bilan de chute.", false),
    ] {
        produce(&mut h, reason, true);
        if hold {
            open_outbox(&mut h);
            step_until(&mut h, "the new job waiting", LONG, |h| {
                h.query_by_label("Suspendre").is_some()
            });
            h.get_by_label("Suspendre").click();
            step_until(&mut h, "held", LONG, |h| {
                h.query_by_label("Reprendre").is_some()
            });
            h.get_by_label("Dossier").click();
            step_until(&mut h, "folder", LONG, |h| {
                h.query_by_label("Venues").is_some()
            });
        }
    }
    open_outbox(&mut h);
    step_until(&mut h, "two held, one waiting", LONG, |h| {
        h.query_all_by_label("Reprendre").count() == 2 && h.query_by_label("Suspendre").is_some()
    });
    h.get_all_by_label("Reprendre")
        .next()
        .expect("a held job")
        .click();
    h.get_by_label("Tous").click();
    step_until(&mut h, "one sent, one held, one waiting", LONG, |h| {
        (h.query_by_label("Envoyé").is_some() || h.query_by_label("Accusé reçu").is_some())
            && h.query_by_label("Suspendu").is_some()
            && h.query_by_label("En attente").is_some()
    });
    for _ in 0..4 {
        let Some(dismiss) = h.query_all_by_label("Fermer").next() else {
            break;
        };
        dismiss.click();
        h.run_steps(2);
    }
    shot(&mut h, &dir, "outbox.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn annuaire() {
    use crate::ui_annuaire::{log_in_with_directory, open_directory};
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let mut h = crate::support::harness(sandbox_app(&rt, data.path()));
    // A directory of a few thousand generated entries beside the sandbox's own.
    log_in_with_directory(&mut h, data.path(), 4000);
    open_directory(&mut h);
    crate::support::type_into(
        &mut h,
        egui::accesskit::Role::TextInput,
        "Rechercher un correspondant",
        "durand",
    );
    step_until(&mut h, "the Durands", LONG, |h| {
        h.query_by_label("marie.durand@medecin.mssante.fr")
            .is_some()
    });
    h.get_by_label("marie.durand@medecin.mssante.fr").click();
    step_until(&mut h, "Marie DURAND selected", LONG, |h| {
        h.query_by_label_contains("RPPS 10003456789").is_some()
    });
    shot(&mut h, &dir, "annuaire.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn mss_receipts() {
    use crate::ui_annuaire::{app_with_gateway, log_in_with_directory, send_by_mss};
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let (app, _keep) = app_with_gateway(&rt, data.path());
    let mut h = crate::support::harness(app);
    log_in_with_directory(&mut h, data.path(), 0);
    send_by_mss(&mut h, |h| {
        let body = h.get_by_role_and_label(egui::accesskit::Role::MultilineTextInput, "Message");
        body.focus();
        body.type_text("Bonjour, voici l'ordonnance de sortie de votre patiente.");
        h.run_steps(2);
        shot(h, &dir, "mss-form.png");
    });
    step_until(&mut h, "delivered to both", LONG, |h| {
        h.query_by_label("2 remis, 0 refusés sur 2").is_some()
    });
    for _ in 0..4 {
        let Some(dismiss) = h.query_all_by_label("Fermer").next() else {
            break;
        };
        dismiss.click();
        h.run_steps(2);
    }
    shot(&mut h, &dir, "mss-receipts.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn identity_insi() {
    use crate::ui_identity::{app_with_insi, open_folder, provisional_demo_patient};
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let (app, _insi, _) = app_with_insi(&rt, data.path(), false, "");
    let mut h = crate::support::harness(app);
    log_in(&mut h);
    let (ipp, birth_name) = provisional_demo_patient();
    open_folder(&mut h, &ipp, &birth_name);
    // The identity panel: INSi's traits beside the folder's, field by field.
    h.get_by_label("Rechercher l'INS").click();
    crate::ui_identity::wait_for_comparison(&mut h);
    shot(&mut h, &dir, "identity-insi.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn accounts() {
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let mut h = crate::support::harness(sandbox_app(&rt, data.path()));
    // « Comptes » (administrators): the list, one account selected with its actions.
    crate::ui_accounts::log_in(&mut h, "admin", "chevet-admin");
    crate::support::open_admin_screen(&mut h, "Comptes");
    step_until(&mut h, "accounts list", LONG, |h| {
        h.query_by_label("medecin").is_some()
    });
    h.get_by_label("medecin").click();
    shot(&mut h, &dir, "accounts.png");
    h.get_by_label("Se déconnecter").click();
    // Paramètres › Sécurité du compte: the second factor's QR code, before the first code.
    crate::ui_accounts::log_in(&mut h, "medecin", "chevet-demo");
    step_until(&mut h, "signed in", LONG, |h| {
        h.query_by_label("Paramètres").is_some()
    });
    h.get_by_label("Paramètres").click();
    step_until(&mut h, "settings", LONG, |h| {
        h.query_by_label("Sécurité du compte").is_some()
    });
    h.get_by_label("Sécurité du compte").click();
    step_until(&mut h, "enrolment offered", LONG, |h| {
        h.query_by_label("Activer la double authentification")
            .is_some()
    });
    h.get_by_label("Activer la double authentification").click();
    step_until(&mut h, "QR code", LONG, |h| {
        h.query_by_label("QR code de la double authentification")
            .is_some()
    });
    shot(&mut h, &dir, "totp-enrolment.png");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn indicators() {
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let mut h = crate::support::harness(sandbox_app(&rt, data.path()));
    // Two years of generated activity over three sites beside the demo's own, written into the
    // app's store once it is open.
    step_until(&mut h, "login form", LONG, |h| {
        h.query_by_label("Se connecter").is_some()
    });
    {
        let (store, _) = crate::support::open_app_store(data.path());
        chevet::sandbox::indicators_load::fill(&store, 4_000, 1_500, 18).expect("activity");
    }
    // « Indicateurs »: the monthly bars per document type and the trend of four indicators.
    crate::ui_accounts::log_in(&mut h, "admin", "chevet-admin");
    crate::support::open_admin_screen(&mut h, "Indicateurs");
    step_until(&mut h, "the charts and figures", LONG, |h| {
        h.query_by_label("Évolution mensuelle").is_some()
            && h.query_by_label_contains("Documents produits : ").is_some()
    });
    shot(&mut h, &dir, "indicators.png");
    // The bars chart exported as an image, as an administrator gets it.
    h.get_by_label("Exporter l'image (par type)").click();
    step_until(&mut h, "the image written", LONG, |h| {
        h.query_by_label_contains("Image enregistrée :").is_some()
    });
    let shown = text_of(&h.get_by_label_contains("Image enregistrée :"));
    let path = shown.split(" : ").nth(1).expect("path").trim().to_owned();
    std::fs::copy(path, dir.join("indicators-chart.png")).expect("chart image copied");
}

#[test]
#[ignore = "writes the README's screenshots: scripts/screenshots.sh"]
fn operations() {
    let Some((dir, rt, data)) = prepare() else {
        return;
    };
    let mut h = crate::support::harness(sandbox_app(&rt, data.path()));
    step_until(&mut h, "login form", LONG, |h| {
        h.query_by_label("Se connecter").is_some()
    });
    {
        // The escrow passphrase as an administrator sets it once (the screen's own test types
        // it); then a backup from the screen.
        let (store, key) = crate::support::open_app_store(data.path());
        let phrase = "Phrase de sauvegarde du poste, 2026 !";
        chevet::backup::set_passphrase(&store, &key, phrase, phrase).expect("passphrase");
    }
    crate::ui_accounts::log_in(&mut h, "admin", "chevet-admin");
    // « Sauvegardes »: back up now, the list with its age and verification.
    crate::support::open_admin_screen(&mut h, "Sauvegardes");
    step_until(&mut h, "the backups screen", LONG, |h| {
        h.query_by_label("Sauvegarder maintenant").is_some()
    });
    h.get_by_label("Sauvegarder maintenant").click();
    step_until(&mut h, "the backup listed", LONG, |h| {
        h.query_by_label("aujourd'hui").is_some() && h.query_by_label("vérifiée").is_some()
    });
    shot(&mut h, &dir, "backups.png");
    // « Export / import »: the whole establishment exported.
    crate::support::open_admin_screen(&mut h, "Export / import");
    step_until(&mut h, "the export screen", LONG, |h| {
        h.query_by_label("Exporter tout l'établissement").is_some()
    });
    h.get_by_label("Exporter tout l'établissement").click();
    step_until(&mut h, "the archive written", LONG, |h| {
        h.query_by_label_contains("Archive écrite").is_some()
    });
    shot(&mut h, &dir, "portability.png");
}
