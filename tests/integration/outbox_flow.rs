//! Feeding the DMP in the background, driven by label with real workers, the sandbox's store
//! and the sandbox DMP: a validated document waits in "Envois DMP" and can be suspended,
//! resumed or cancelled there; the folder's list says where each document stands and acts on
//! its job; "Envoyer l'historique" sends documents never sent, with its progress.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::intake_flow::{log_in, text_of};
use crate::support::{LONG, harness, runtime, sandbox_app_with_dmp_faults, step_until};

type H = egui_kittest::Harness<'static, chevet::app::ChevetApp>;

/// Opens PAT-TROIS's folder (qualified INS, a DMP in the sandbox) from the patient list.
pub fn open_pat_trois(h: &mut H) {
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

/// Writes a discharge letter and produces it, sent to the DMP or not, then goes back to the
/// folder.
pub fn produce(h: &mut H, reason: &str, send_to_dmp: bool) {
    h.get_by_label("✎ Rédiger un document").click();
    step_until(h, "production form", LONG, |h| {
        h.query_by_label("Envoyer au DMP").is_some()
    });
    if !send_to_dmp {
        h.get_by_label("Envoyer au DMP").click();
        h.run_steps(2);
    }
    let motif = h.get_by_role_and_label(Role::MultilineTextInput, "Motif d'hospitalisation");
    motif.focus();
    motif.type_text(reason);
    h.run_steps(2);
    h.get_by_label("Produire le document (CDA + PDF)").click();
    step_until(h, "produced document opened", LONG, |h| {
        h.query_by_label("Document produit et classé dans le dossier.")
            .is_some()
            && h.query_by_label("Produire le document (CDA + PDF)")
                .is_none()
            && h.query_by_label("← Dossier").is_some()
    });
    h.get_by_label("← Dossier").click();
    step_until(h, "folder again", LONG, |h| {
        h.query_by_label("Venues").is_some()
    });
    h.run_steps(3);
}

/// "Envois DMP", its list read.
pub fn open_outbox(h: &mut H) {
    h.get_by_label("Envois DMP").click();
    step_until(h, "the outbox", LONG, |h| {
        h.query_by_label("Annulés ou non envoyés").is_some()
    });
}

#[test]
fn a_waiting_job_is_suspended_then_cancelled_or_resumed_from_the_outbox() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp_faults(&rt, dir.path(), "");
    let mut h = harness(app);
    log_in(&mut h);
    open_pat_trois(&mut h);
    produce(&mut h, "Douleur thoracique à l'effort.", true);

    open_outbox(&mut h);
    step_until(&mut h, "the waiting job, 2 minutes to go", LONG, |h| {
        h.query_by_label("En attente").is_some()
            && (h.query_by_label("dans 2 min").is_some()
                || h.query_by_label("dans 1 min").is_some())
            && h.query_by_label("Envoi").is_some()
            && h.query_by_label("Suspendre").is_some()
    });
    assert!(h.query_by_label_contains("PAT-TROIS").is_some());
    h.get_by_label("Suspendre").click();
    step_until(&mut h, "held, to resume or cancel", LONG, |h| {
        h.query_by_label("Suspendu").is_some()
            && h.query_by_label("Reprendre").is_some()
            && h.query_by_label("Annuler").is_some()
    });
    // A held job needs a person: the navigation says so.
    step_until(&mut h, "the navigation's badge", LONG, |h| {
        h.query_by_label("1 envoi demande votre attention")
            .is_some()
    });
    h.get_by_label("Annuler").click();
    step_until(&mut h, "gone from the jobs in progress", LONG, |h| {
        h.query_by_label("Aucun envoi dans cette liste.").is_some()
    });
    h.get_by_label("Annulés ou non envoyés").click();
    step_until(&mut h, "listed as cancelled", LONG, |h| {
        h.query_by_label("Annulé").is_some()
    });

    // Another one, suspended then resumed: it leaves at once for the sandbox DMP.
    h.get_by_label("Dossier").click();
    step_until(&mut h, "folder", LONG, |h| {
        h.query_by_label("Venues").is_some()
    });
    produce(&mut h, "Dyspnée d'effort.", true);
    open_outbox(&mut h);
    h.get_by_label("En cours").click();
    step_until(&mut h, "the second job waiting", LONG, |h| {
        h.query_by_label("En attente").is_some() && h.query_by_label("Suspendre").is_some()
    });
    h.get_by_label("Suspendre").click();
    step_until(&mut h, "held", LONG, |h| {
        h.query_by_label("Reprendre").is_some()
    });
    h.get_by_label("Reprendre").click();
    step_until(&mut h, "no longer held", LONG, |h| {
        h.query_by_label("Suspendu").is_none() && h.query_by_label("Reprendre").is_none()
    });
    h.get_by_label("Envoyés").click();
    step_until(&mut h, "sent to the DMP", LONG, |h| {
        h.query_by_label("Envoyé").is_some() || h.query_by_label("Accusé reçu").is_some()
    });
}

#[test]
fn the_document_list_says_where_each_document_stands_and_acts_on_its_job() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (app, _dmp) = sandbox_app_with_dmp_faults(&rt, dir.path(), "");
    let mut h = harness(app);
    log_in(&mut h);
    open_pat_trois(&mut h);
    produce(&mut h, "Bilan de chute.", false);
    step_until(&mut h, "a document never sent", LONG, |h| {
        h.query_by_label("Non envoyé").is_some()
    });
    produce(&mut h, "Douleur thoracique à l'effort.", true);
    step_until(&mut h, "a document waiting", LONG, |h| {
        h.query_all_by_label_contains("En attente · ")
            .next()
            .is_some()
    });
    // A click on its sharing selects it (the document stays closed) and offers its actions.
    h.get_all_by_label_contains("En attente · ")
        .find(|n| text_of(n).starts_with("En attente · "))
        .expect("the sharing cell")
        .click();
    step_until(&mut h, "its actions", LONG, |h| {
        h.query_by_label_contains("Envoi DMP de « ").is_some()
            && h.query_by_label("Suspendre").is_some()
    });
    h.get_by_label("Suspendre").click();
    step_until(&mut h, "suspended", LONG, |h| {
        h.query_by_label("Suspendu").is_some() && h.query_by_label("Reprendre").is_some()
    });
    h.get_by_label("Annuler").click();
    step_until(&mut h, "cancelled, to send again", LONG, |h| {
        h.query_by_label("Annulé").is_some() && h.query_by_label("Renvoyer").is_some()
    });
    h.get_by_label("Renvoyer").click();
    step_until(&mut h, "sent to the DMP", LONG, |h| {
        (h.query_by_label("Envoyé").is_some() || h.query_by_label("Accusé DMP ✔").is_some())
            && h.query_by_label("Supprimer du DMP").is_some()
    });
    // Deleting it from the DMP asks for a confirmation, then queues the deletion.
    h.get_by_label("Supprimer du DMP").click();
    h.run_steps(2);
    h.get_by_label("Confirmer la suppression du DMP").click();
    step_until(&mut h, "the deletion queued or done", LONG, |h| {
        h.query_all_by_label_contains("En attente · ")
            .next()
            .is_some()
            || h.query_by_label("Supprimé du DMP").is_some()
    });
}

#[test]
fn sending_the_history_shows_its_progress_until_it_ends() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    // Each feed takes 1.5 s: the progress stays on screen long enough to be read.
    let (app, _dmp) = sandbox_app_with_dmp_faults(&rt, dir.path(), "feed=slow:1500");
    let mut h = harness(app);
    log_in(&mut h);
    open_pat_trois(&mut h);
    produce(&mut h, "Bilan de chute.", false);
    produce(&mut h, "Bilan cardiologique.", false);
    step_until(&mut h, "two documents never sent", LONG, |h| {
        h.query_all_by_label("Non envoyé").count() == 2
            && h.query_by_label("Envoyer l'historique au DMP (0)")
                .is_some()
    });
    // One ticked by its box, then every one.
    h.get_all_by_label_contains("Envoyer au DMP avec l'historique : ")
        .next()
        .expect("a box")
        .click();
    step_until(&mut h, "one ticked", LONG, |h| {
        h.query_by_label("Envoyer l'historique au DMP (1)")
            .is_some()
    });
    h.get_by_label("Tout cocher").click();
    step_until(&mut h, "both ticked", LONG, |h| {
        h.query_by_label("Envoyer l'historique au DMP (2)")
            .is_some()
    });
    h.get_by_label("Envoyer l'historique au DMP (2)").click();
    step_until(&mut h, "the batch's progress", LONG, |h| {
        h.query_by_label_contains("Historique : ").is_some()
            && h.query_by_label_contains("/2 envoyés").is_some()
            && h.query_by_label("Annuler l'envoi").is_some()
    });
    step_until(&mut h, "the batch ended, its bar gone", LONG, |h| {
        h.query_by_label_contains("Historique : ").is_none()
            && h.query_by_label("Non envoyé").is_none()
    });
    assert!(
        h.query_all_by_label("Envoyé").count() + h.query_all_by_label("Accusé DMP ✔").count() >= 2
    );
}
