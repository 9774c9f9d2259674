//! Issue 18 through the screens: an administrator edits the typed settings (the DMP count's
//! start date), sees the validation message beside the field for a date in the future, saves
//! a valid one, exports the settings to a file, changes them again, and re-imports the file:
//! the exported values come back and the trail has the export and the import.

use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};

use crate::intake_flow::text_of;
use crate::support::{LONG, harness, runtime, sandbox_app, step_until, type_into};
use crate::ui_accounts::log_in;

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

const DATE_FIELD: &str = "Date de début du comptage (AAAA-MM-JJ)";
const SAVE: &str = "Enregistrer les paramètres";

/// Empties the field, then types `text`.
fn replace_text(h: &mut H<'_>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::TextInput, label)
        .scroll_to_me();
    h.run_steps(1);
    h.get_by_role_and_label(Role::TextInput, label).focus();
    h.run_steps(1);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.key_press(egui::Key::Backspace);
    h.run_steps(1);
    type_into(h, Role::TextInput, label, text);
}

fn click(h: &mut H<'_>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run_steps(1);
    h.get_by_label(label).click();
    h.run_steps(1);
}

fn date_text(h: &H<'_>) -> String {
    h.get_by_role_and_label(Role::TextInput, DATE_FIELD)
        .accesskit_node()
        .value()
        .unwrap_or_default()
}

/// The actions of the trail about the settings, read beside the running app.
fn settings_actions(data_dir: &std::path::Path) -> Vec<String> {
    let (store, _) = crate::support::open_app_store(data_dir);
    store
        .query(
            "SELECT action FROM audit WHERE action LIKE 'setting%' ORDER BY seq",
            &[],
        )
        .expect("audit")
        .iter()
        .map(|r| r.get(0).expect("action"))
        .collect()
}

#[test]
fn issue18_an_administrator_edits_validates_saves_exports_and_imports_settings() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "admin", "chevet-admin");
    step_until(&mut h, "signed in", LONG, |h| {
        h.query_by_label("Paramètres").is_some()
    });
    h.get_by_label("Paramètres").click();
    step_until(&mut h, "the installation's settings", LONG, |h| {
        h.query_by_label("Paramètres de l'installation").is_some()
    });
    h.get_by_label("Paramètres de l'installation").click();
    step_until(&mut h, "the typed settings", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, DATE_FIELD)
            .is_some()
    });

    // A date in the future: the message beside the field, and no save.
    replace_text(&mut h, DATE_FIELD, "2999-01-01");
    step_until(&mut h, "the validation message", LONG, |h| {
        h.query_by_label_contains("est dans le futur").is_some()
    });
    assert!(h.get_by_label(SAVE).accesskit_node().is_disabled());
    // Not a date at all: said too.
    replace_text(&mut h, DATE_FIELD, "hier");
    step_until(&mut h, "the format message", LONG, |h| {
        h.query_by_label_contains("AAAA-MM-JJ, par exemple")
            .is_some()
    });

    // A valid date: saved.
    replace_text(&mut h, DATE_FIELD, "2026-01-05");
    assert!(h.query_by_label_contains("est dans le futur").is_none());
    click(&mut h, SAVE);
    step_until(&mut h, "saved", LONG, |h| {
        h.query_by_label("Paramètres enregistrés.").is_some()
    });

    // Exported: the file holds the producer's version and the date.
    click(&mut h, "Exporter les paramètres");
    step_until(&mut h, "exported", LONG, |h| {
        h.query_by_label_contains("Paramètres exportés :").is_some()
    });
    let shown = text_of(&h.get_by_label_contains("Paramètres exportés :"));
    let path = shown
        .split_once(" : ")
        .map(|(_, p)| p.trim().to_owned())
        .expect("a path");
    assert!(path.starts_with(&dir.path().join("exports").display().to_string()));
    let text = std::fs::read_to_string(&path).expect("the export");
    assert!(text.contains("\"count_since\": \"2026-01-05\""), "{text}");
    assert!(text.contains(env!("CARGO_PKG_VERSION")));

    // Changed and saved again…
    click(&mut h, "la dernière venue du patient");
    step_until(&mut h, "the change offered for saving", LONG, |h| {
        !h.get_by_label(SAVE).accesskit_node().is_disabled()
    });
    click(&mut h, SAVE);
    step_until(&mut h, "saved again", LONG, |h| {
        h.query_by_label("Paramètres enregistrés.").is_some() && date_text(h).is_empty()
    });

    // …then the file brings the exported values back.
    replace_text(&mut h, "Fichier de paramètres à importer", &path);
    click(&mut h, "Importer les paramètres");
    step_until(&mut h, "imported", LONG, |h| {
        h.query_by_label("Paramètres importés et appliqués.")
            .is_some()
    });
    assert_eq!(date_text(&h), "2026-01-05");
    let actions = settings_actions(dir.path());
    assert_eq!(
        actions,
        [
            "setting.changed",
            "settings.exported",
            "setting.changed",
            "setting.changed",
            "settings.imported"
        ]
    );
}
