//! Issue 18, data portability: the whole establishment exported with `chevet export all`,
//! imported with `chevet import` into a second, empty data directory, exported again: every
//! CDA file byte for byte the same, every record equal; a second import refused (the store is
//! no longer empty), in French. Then the « Export / import » screen driven by its labels: an
//! administrator exports the establishment, sees the file and the counts, an import into this
//! non-empty Chevet is refused with the reason shown, and a folder's own button exports it alone.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::process::Command;

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use chevet::store::{KeyStorage, Store};

use crate::support::{
    LONG, harness, open_admin_screen, runtime, sandbox_app, step_until, type_into,
};

fn chevet(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_chevet"))
        .args(args)
        .env("CHEVET_LOG", "warn")
        .output()
        .expect("chevet")
}

fn json(out: &std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON summary")
}

/// An archive's entries by name.
fn entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut bytes = Vec::new();
            f.read_to_end(&mut bytes).expect("read");
            (f.name().expect("name").into_owned(), bytes)
        })
        .collect()
}

/// A data directory holding the demo's patients, documents and accounts.
fn seeded(data: &Path) {
    std::fs::create_dir_all(data).expect("dir");
    let (key, _) = chevet::store::key::obtain_key(data, false, KeyStorage::File, &[]).expect("key");
    let mut store = Store::open(&data.join(chevet::store::DB_FILE_NAME), &key).expect("store");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    chevet::sandbox::seed::seed_demo(&mut store, today, &mut |_, _| {}).expect("seed");
}

#[test]
fn issue18_the_command_line_exports_and_imports_into_a_second_data_directory_byte_for_byte() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (first, second) = (dir.path().join("first"), dir.path().join("second"));
    seeded(&first);
    let a = dir.path().join("a.zip");
    let (first_s, a_s) = (first.to_str().expect("path"), a.to_str().expect("path"));
    let exported = json(&chevet(&[
        "export",
        "--data-dir",
        first_s,
        "all",
        "--out",
        a_s,
    ]));
    assert_eq!(exported["scope"], "establishment");
    let documents = exported["documents"].as_u64().expect("documents");
    assert!(documents > 10, "{exported}");
    // The summary names no one: counts, sizes and the path only.
    let printed = exported.to_string();
    assert!(
        !printed.contains("birth") && !printed.contains("ipp"),
        "{printed}"
    );

    let second_s = second.to_str().expect("path");
    let imported = json(&chevet(&["import", "--data-dir", second_s, a_s]));
    assert_eq!(imported["documents"].as_u64(), Some(documents));
    assert_eq!(imported["patients"], exported["patients"]);
    assert_eq!(imported["producer_version"], env!("CARGO_PKG_VERSION"));

    let again = json(&chevet(&["export", "--data-dir", second_s, "all"]));
    let b = Path::new(again["path"].as_str().expect("path")).to_path_buf();
    assert!(
        b.starts_with(second.join("exports")),
        "default place: {b:?}"
    );
    let (ea, eb) = (entries(&a), entries(&b));
    let docs = |e: &BTreeMap<String, Vec<u8>>| {
        e.iter()
            .filter(|(name, _)| name.starts_with("documents/"))
            .map(|(n, v)| (n.clone(), v.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(docs(&ea).len() as u64, documents);
    assert_eq!(docs(&ea), docs(&eb), "every CDA file byte for byte");
    let index = |e: &BTreeMap<String, Vec<u8>>| -> serde_json::Value {
        serde_json::from_slice(&e["index.json"]).expect("index")
    };
    assert_eq!(index(&ea)["patients"], index(&eb)["patients"]);
    assert_eq!(index(&ea)["format"], "chevet-export");
    assert_eq!(index(&ea)["format_version"], 1);

    // One folder by IPP.
    let ipp = index(&ea)["patients"][0]["ipp"]
        .as_str()
        .expect("ipp")
        .to_owned();
    let one = json(&chevet(&[
        "export",
        "--data-dir",
        first_s,
        "patient",
        "--ipp",
        &ipp,
    ]));
    assert_eq!(
        (one["scope"].as_str(), one["patients"].as_u64()),
        (Some("patient"), Some(1))
    );

    // The second directory is no longer empty: refused, in French, nothing changed.
    let refused = chevet(&["import", "--data-dir", second_s, a_s]);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("Chevet vide"), "{stderr}");
}

#[test]
fn issue18_an_administrator_exports_the_establishment_from_the_screen() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    crate::ui_accounts::log_in(&mut h, "admin", "chevet-admin");
    open_admin_screen(&mut h, "Export / import");
    step_until(&mut h, "the portability screen", LONG, |h| {
        h.query_by_label("Exporter tout l'établissement").is_some()
    });
    h.get_by_label("Exporter tout l'établissement").click();
    step_until(&mut h, "the archive written", LONG, |h| {
        h.query_by_label_contains("Archive écrite").is_some()
    });
    let shown = crate::intake_flow::text_of(&h.get_by_label_contains("Fichier :"));
    let path = shown
        .split_once(": ")
        .expect("path after the colon")
        .1
        .trim()
        .to_owned();
    assert!(
        Path::new(&path).starts_with(dir.path().join("exports")),
        "{path}"
    );
    let archive = entries(Path::new(&path));
    assert!(archive.contains_key("index.json") && archive.contains_key("index.csv"));

    // This Chevet holds patients: the import is refused and says why.
    type_into(&mut h, Role::TextInput, "Chemin de l'archive", &path);
    h.get_by_label("Importer l'archive").click();
    step_until(&mut h, "the refusal", LONG, |h| {
        h.query_by_label_contains("ne s'importe que dans un Chevet vide")
            .is_some()
    });

    // From a patient's folder: « Exporter le dossier » writes that folder alone.
    h.get_by_label("Patients").click();
    step_until(&mut h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });
    type_into(&mut h, Role::TextInput, "Rechercher", "pat-trois");
    step_until(&mut h, "PAT-TROIS found", LONG, |h| {
        h.query_by_label("1 patient").is_some()
    });
    h.get_by_label_contains("PAT-TROIS").click();
    step_until(&mut h, "the folder", LONG, |h| {
        h.query_by_label("Exporter le dossier").is_some()
    });
    h.get_by_label("Exporter le dossier").click();
    // The archive appears under its final name once written whole (renamed at the end).
    let exports = dir.path().join("exports");
    let folder_archive = || {
        std::fs::read_dir(&exports)
            .expect("exports")
            .map(|e| e.expect("entry").path())
            .find(|p| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                name.is_some_and(|n| n.starts_with("chevet-export-dossier-") && n.ends_with(".zip"))
            })
    };
    step_until(&mut h, "the folder's archive", LONG, |_| {
        folder_archive().is_some()
    });
    let folder = folder_archive().expect("the folder's archive");
    assert!(h.query_by_label_contains("Export terminé").is_some());
    let index: serde_json::Value =
        serde_json::from_slice(&entries(&folder)["index.json"]).expect("index");
    assert_eq!(index["scope"], "patient");
    assert_eq!(index["patients"].as_array().map(Vec::len), Some(1));
}
