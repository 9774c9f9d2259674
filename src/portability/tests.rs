//! Round trips on both backends: a seeded store (demo patients with their real CDA documents,
//! episodes, consent history, identity history, sharing states) exported, imported into an
//! empty store, exported again: every CDA file byte-identical, every record equal.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;

use super::format::{INDEX_JSON, Index, Scope};
use super::*;
use crate::domain::{ConsentChange, PatientId, Visibility};
use crate::store::db::params;
use crate::store::identity_history::{self, HistoryEvent, NewEntry};
use crate::store::{DbKey, Store, consent, documents, episodes, patients};

/// Runs `body` on two fresh stores of each backend: the source and the target.
pub(super) fn each_backend_pair(mut body: impl FnMut(Store, Store)) {
    let open = || Store::open_in_memory(&DbKey::generate()).expect("sqlite store");
    body(open(), open());
    if let Some(target) = crate::store::testing::pg_target() {
        use crate::store::testing::pg_store;
        body(pg_store(&target), pg_store(&target));
    }
}

/// The demo data, then consent, identity history and sharing states that differ per folder.
pub(super) fn seed(store: &mut Store) {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).expect("date");
    crate::sandbox::seed::seed_demo(store, today, &mut |_, _| {}).expect("seed");
    let ids: Vec<i64> = rows::patient_ids(store).expect("ids");
    for (n, &id) in ids.iter().take(4).enumerate() {
        let patient = PatientId(id);
        let episode = episodes::for_patient(store, patient).expect("episodes")[0].id;
        let change = if n % 2 == 0 {
            ConsentChange::informed_not_opposed()
        } else {
            ConsentChange::informed_opposed(true, false)
        };
        consent::record(store, episode, &ConsentChange::not_informed(), "medecin").expect("c1");
        consent::record(store, episode, &change, "medecin").expect("c2");
        let status = patients::get(store, patient)
            .expect("patient")
            .identity
            .status;
        let mut entry = NewEntry::new(patient, "medecin", HistoryEvent::Doubt, status, status);
        entry.detail = "birth-name:accents".into();
        identity_history::record(store, &entry).expect("history");
        let docs = documents::for_patient(store, patient).expect("docs");
        if let Some(d) = docs.first() {
            let v = Visibility {
                invisible_patient: true,
                invisible_legal_reps: n % 2 == 1,
                masked_ps: false,
            };
            documents::set_visibility(store, &d.meta.cda_id, v).expect("visibility");
            store
                .execute(
                    "UPDATE document SET mss_share = 'sent', deleted_at = '2026-11-01T10:00:00Z',
                        integrated_by = 'medecin', integrated_unit = 'Cardiologie'
                     WHERE cda_id = ?1",
                    params![d.meta.cda_id],
                )
                .expect("states");
        }
    }
}

/// An archive's entries by name.
pub(super) fn entries(path: &Path) -> BTreeMap<String, Vec<u8>> {
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

pub(super) fn index_of(entries: &BTreeMap<String, Vec<u8>>) -> Index {
    serde_json::from_slice(&entries[INDEX_JSON]).expect("index")
}

fn no_progress() -> impl FnMut(usize, usize) {
    |_, _| {}
}

#[test]
fn issue18_round_trip_keeps_every_document_byte_for_byte_on_both_backends() {
    each_backend_pair(|mut source, mut target| {
        seed(&mut source);
        let dir = tempfile::tempdir().expect("dir");
        let first = export_to(
            &mut source,
            ExportScope::Establishment,
            &dir.path().join("a.zip"),
            "admin",
            &mut no_progress(),
        )
        .expect("export");
        assert!(first.documents > 10, "the demo has documents");
        assert_eq!(first.patients, patients::count(&source).expect("count"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&first.path)
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let mut seen = 0;
        let imported = import_file(
            &mut target,
            &first.path,
            "admin",
            &ImportLimits::DEFAULT,
            &mut |done, _| seen = done,
        )
        .expect("import");
        assert_eq!(
            (imported.patients, imported.documents, seen),
            (first.patients, first.documents, first.documents)
        );
        let second = export_to(
            &mut target,
            ExportScope::Establishment,
            &dir.path().join("b.zip"),
            "admin",
            &mut no_progress(),
        )
        .expect("export again");
        let (a, b) = (entries(&first.path), entries(&second.path));
        let docs = |e: &BTreeMap<String, Vec<u8>>| {
            e.iter()
                .filter(|(k, _)| k.starts_with("documents/"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<BTreeMap<_, _>>()
        };
        assert_eq!(docs(&a).len(), first.documents);
        assert_eq!(docs(&a), docs(&b), "every CDA file byte-identical");
        let (ia, ib) = (index_of(&a), index_of(&b));
        assert_eq!(ia.scope, Scope::Establishment);
        assert_eq!(ia.producer, crate::export::stamp::producer());
        assert!(
            ia.patients == ib.patients,
            "identities, episodes, consent, states equal"
        );
        // The archive's checksums are those of the bytes, which are the store's.
        for p in &ia.patients {
            for d in &p.documents {
                assert_eq!(format::sha256_hex(&a[&d.file]), d.sha256);
                let id = documents::by_cda_id(&source, &d.cda_id)
                    .expect("q")
                    .expect("doc");
                assert_eq!(documents::raw(&source, id).expect("raw"), a[&d.file]);
            }
        }
        let with_consent = ia
            .patients
            .iter()
            .filter(|p| p.episodes.iter().any(|e| e.consent.len() == 2));
        assert_eq!(with_consent.count(), 4);
        assert!(ia.patients.iter().any(|p| p.identity_history.len() == 1));
        assert!(
            ia.patients.iter().flat_map(|p| &p.documents).any(|d| {
                d.invisible_patient && d.mss_share == "sent" && d.deleted_at.is_some()
            })
        );
        assert!(String::from_utf8_lossy(&a[format::INDEX_CSV]).starts_with('\u{feff}'));
    });
}

#[test]
fn issue18_a_patient_export_holds_that_folder_only_and_imports_alone() {
    each_backend_pair(|mut source, mut target| {
        seed(&mut source);
        let id = rows::patient_ids(&source).expect("ids")[1];
        let ipp = patients::get(&source, PatientId(id))
            .expect("p")
            .identity
            .ipp;
        let patient = export::patient_by_ipp(&source, &ipp).expect("by ipp");
        let dir = tempfile::tempdir().expect("dir");
        let summary = export_to_exports(
            &mut source,
            ExportScope::Patient(patient),
            dir.path(),
            "admin",
            &mut no_progress(),
        )
        .expect("export");
        assert!(summary.path.starts_with(dir.path().join("exports")));
        assert_eq!(summary.patients, 1);
        assert_eq!(
            summary.documents,
            patients::document_count(&source, patient).expect("n")
        );
        let index = index_of(&entries(&summary.path));
        assert_eq!(index.scope, Scope::Patient);
        assert_eq!(index.patients[0].ipp, ipp);
        import_file(
            &mut target,
            &summary.path,
            "admin",
            &ImportLimits::DEFAULT,
            &mut no_progress(),
        )
        .expect("import");
        assert_eq!(patients::count(&target).expect("count"), 1);
        let copy = patients::by_ipp(&target, &ipp)
            .expect("q")
            .expect("imported");
        assert_eq!(
            copy.identity,
            patients::get(&source, patient).expect("p").identity
        );
        assert!(matches!(
            export::patient_by_ipp(&source, "NO-SUCH-IPP"),
            Err(PortabilityError::PatientNotFound)
        ));
        // Both stores' audit trails say what happened.
        let audited = |store: &Store, code: &str| -> usize {
            store
                .query_value(
                    "SELECT count(*) FROM audit WHERE action = ?1",
                    params![code],
                )
                .expect("audit")
        };
        assert_eq!(audited(&source, "data.exported"), 1);
        assert_eq!(audited(&target, "data.imported"), 1);
    });
}
