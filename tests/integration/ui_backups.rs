//! Issue 18 through the screens: an administrator opens « Sauvegardes » from the
//! « Administration » menu, is warned that no backup passphrase is set, sees a weak passphrase
//! refused as it is typed, sets a strong one (two masked fields), backs up now and sees the
//! backup listed as today's and verified — the same backup that the folder holds on disk,
//! verified by its SHA-256. A doctor has no such entry.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use crate::support::{LONG, harness, runtime, sandbox_app, step_until, type_into};
use crate::ui_accounts::log_in;

const PASSPHRASE_END: &str = " de sauvegarde du poste, 2026 !";

#[test]
fn issue18_an_administrator_sets_the_passphrase_and_backs_up_from_the_screen() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "admin", "chevet-admin");
    crate::support::open_admin_screen(&mut h, "Sauvegardes");
    step_until(&mut h, "the warning without a passphrase", LONG, |h| {
        h.query_by_label_contains("Aucune phrase de passe de sauvegarde n'est définie")
            .is_some()
    });
    assert!(
        h.query_by_label("Aucune sauvegarde pour l'instant.")
            .is_some()
    );

    // A weak passphrase is refused as it is typed; the strong one, typed twice, is accepted.
    type_into(
        &mut h,
        Role::PasswordInput,
        "Phrase de passe de sauvegarde",
        "Phrase",
    );
    step_until(&mut h, "the strength message", LONG, |h| {
        h.query_by_label_contains("Phrase de passe trop courte")
            .is_some()
    });
    type_into(
        &mut h,
        Role::PasswordInput,
        "Phrase de passe de sauvegarde",
        PASSPHRASE_END,
    );
    let full = format!("Phrase{PASSPHRASE_END}");
    type_into(
        &mut h,
        Role::PasswordInput,
        "Confirmer la phrase de passe",
        &full,
    );
    step_until(&mut h, "a strong passphrase", LONG, |h| {
        h.query_by_label("Phrase de passe suffisamment robuste.")
            .is_some()
    });
    h.get_by_label("Enregistrer la phrase de passe").click();
    step_until(&mut h, "the passphrase saved", LONG, |h| {
        h.query_by_label_contains("Phrase de passe de sauvegarde enregistrée")
            .is_some()
    });
    step_until(&mut h, "the warning gone", LONG, |h| {
        h.query_by_label_contains("Aucune phrase de passe de sauvegarde n'est définie")
            .is_none()
    });

    // Back up now: the backup is listed, today's, verified.
    h.get_by_label("Sauvegarder maintenant").click();
    step_until(&mut h, "the backup written", LONG, |h| {
        h.query_by_label_contains("écrite et vérifiée").is_some()
    });
    step_until(&mut h, "the backup listed", LONG, |h| {
        h.query_by_label("aujourd'hui").is_some() && h.query_by_label("vérifiée").is_some()
    });
    assert!(h.query_by_label("Restaurer sur un autre poste").is_some());
    let on_disk =
        chevet::backup::list(&chevet::backup::backups_dir(dir.path()), true).expect("list");
    assert_eq!(on_disk.len(), 1);
    assert_eq!(on_disk[0].verified, Some(true));
    assert!(h.query_by_label(&on_disk[0].name).is_some());
    // The escrow record opens with the passphrase typed on screen.
    let manifest = chevet::backup::Manifest::read(&on_disk[0].folder).expect("manifest");
    chevet::backup::escrow::unwrap(&manifest.escrow, &full).expect("the screen's passphrase");

    // A doctor has no « Sauvegardes » entry.
    h.get_by_label("Se déconnecter").click();
    crate::support::assert_no_admin_entry(&mut h, "medecin", "chevet-demo", "Sauvegardes");
}
