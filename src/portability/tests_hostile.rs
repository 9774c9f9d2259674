//! Hostile and wrong archives refused with a clear error, the target store left as it was:
//! traversal, symbolic link, ratio bomb, a document whose bytes or size differ from the index,
//! a newer format, something else than a Chevet export, a store that already holds patients.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::format::{self, INDEX_JSON};
use super::tests::{entries, index_of, seed};
use super::*;
use crate::store::{DbKey, Store, documents, patients};

/// A valid establishment archive of the demo data, and its entries.
fn valid_archive(dir: &Path) -> (PathBuf, BTreeMap<String, Vec<u8>>) {
    let mut source = Store::open_in_memory(&DbKey::generate()).expect("store");
    seed(&mut source);
    let path = dir.join("valid.zip");
    export_to(
        &mut source,
        ExportScope::Establishment,
        &path,
        "admin",
        &mut |_, _| {},
    )
    .expect("export");
    let e = entries(&path);
    (path, e)
}

/// Writes `entries` as a ZIP (deflated).
fn write_zip(path: &Path, entries: &BTreeMap<String, Vec<u8>>) {
    let mut zip = ZipWriter::new(std::fs::File::create(path).expect("create"));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    // The index last, as Chevet writes it: the documents before it are read first.
    for (name, bytes) in entries.iter().filter(|(n, _)| *n != INDEX_JSON) {
        zip.start_file(name.as_str(), options).expect("start");
        zip.write_all(bytes).expect("write");
    }
    if let Some(index) = entries.get(INDEX_JSON) {
        zip.start_file(INDEX_JSON, options).expect("start");
        zip.write_all(index).expect("write");
    }
    zip.finish().expect("finish");
}

fn import(store: &mut Store, path: &Path, limits: &ImportLimits) -> PortabilityError {
    import_file(store, path, "admin", limits, &mut |_, _| {}).expect_err("refused")
}

fn assert_untouched(store: &Store) {
    assert_eq!(patients::count(store).expect("patients"), 0);
    assert_eq!(documents::count(store).expect("documents"), 0);
}

fn edit_index(e: &mut BTreeMap<String, Vec<u8>>, f: impl FnOnce(&mut serde_json::Value)) {
    let mut index: serde_json::Value = serde_json::from_slice(&e[INDEX_JSON]).expect("json");
    f(&mut index);
    e.insert(INDEX_JSON.into(), serde_json::to_vec(&index).expect("json"));
}

#[test]
fn issue18_a_changed_document_is_refused_and_nothing_is_half_imported_on_both_backends() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, valid) = valid_archive(dir.path());
    // The LAST document differs from its checksum (same size): every patient before it was
    // already written in the transaction, which is rolled back.
    let index = index_of(&valid);
    let last = index
        .patients
        .iter()
        .flat_map(|p| &p.documents)
        .last()
        .expect("doc");
    let mut changed = valid.clone();
    let bytes = changed.get_mut(&last.file).expect("entry");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    let bad_sum = dir.path().join("bad-sum.zip");
    write_zip(&bad_sum, &changed);
    let mut resized = valid.clone();
    resized.get_mut(&last.file).expect("entry").push(b'\n');
    let bad_size = dir.path().join("bad-size.zip");
    write_zip(&bad_size, &resized);
    let mut missing = valid;
    missing.remove(&last.file);
    let bad_missing = dir.path().join("missing.zip");
    write_zip(&bad_missing, &missing);
    crate::store::testing::each_backend(|mut store| {
        let e = import(&mut store, &bad_sum, &ImportLimits::DEFAULT);
        assert!(matches!(e, PortabilityError::Checksum), "{e:?}");
        assert_eq!(e.message_id(), "portability-error-checksum");
        assert_untouched(&store);
        let e = import(&mut store, &bad_size, &ImportLimits::DEFAULT);
        assert!(matches!(e, PortabilityError::SizeMismatch), "{e:?}");
        assert_untouched(&store);
        let e = import(&mut store, &bad_missing, &ImportLimits::DEFAULT);
        assert!(matches!(e, PortabilityError::MissingDocument), "{e:?}");
        assert_untouched(&store);
        let audit: usize = store
            .query_value(
                "SELECT count(*) FROM audit WHERE action = 'data.imported'",
                &[],
            )
            .expect("audit");
        assert_eq!(audit, 0, "no audit entry for a refused import");
    });
}

#[test]
fn issue18_traversal_symlinks_and_bombs_are_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().expect("dir");
    let (_, valid) = valid_archive(dir.path());
    let mut store = Store::open_in_memory(&DbKey::generate()).expect("store");

    let mut traversal = valid.clone();
    traversal.insert("../evil.xml".into(), b"<x/>".to_vec());
    let path = dir.path().join("traversal.zip");
    write_zip(&path, &traversal);
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(matches!(e, PortabilityError::UnsafePath), "{e:?}");
    assert_eq!(e.message_id(), "portability-error-hostile");

    let path = dir.path().join("link.zip");
    let mut zip = ZipWriter::new(std::fs::File::create(&path).expect("create"));
    zip.add_symlink(
        "documents/a.xml",
        "/etc/passwd",
        SimpleFileOptions::default(),
    )
    .expect("link");
    zip.finish().expect("finish");
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(matches!(e, PortabilityError::Symlink), "{e:?}");

    // 4 MiB of zeros deflate to a few KiB: refused while inflating, whatever the index says.
    let mut bomb = valid.clone();
    let index = index_of(&valid);
    let first = &index
        .patients
        .iter()
        .flat_map(|p| &p.documents)
        .next()
        .expect("doc");
    let zeros = vec![0u8; 4 * 1024 * 1024];
    let (file, sum) = (first.file.clone(), format::sha256_hex(&zeros));
    bomb.insert(file.clone(), zeros);
    // The index agrees with the bytes (size and sum): only the ratio refuses it.
    edit_index(&mut bomb, |i| {
        for p in i["patients"].as_array_mut().expect("patients") {
            for d in p["documents"].as_array_mut().expect("documents") {
                if d["file"] == file.as_str() {
                    d["size"] = (4 * 1024 * 1024).into();
                    d["sha256"] = sum.clone().into();
                }
            }
        }
    });
    let path = dir.path().join("bomb.zip");
    write_zip(&path, &bomb);
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(
        matches!(e, PortabilityError::CompressionRatio { .. }),
        "{e:?}"
    );

    let few = ImportLimits {
        max_entries: 3,
        ..ImportLimits::DEFAULT
    };
    let path = dir.path().join("valid.zip");
    let e = import(&mut store, &path, &few);
    assert!(
        matches!(e, PortabilityError::TooManyEntries { .. }),
        "{e:?}"
    );

    std::fs::write(dir.path().join("not.zip"), b"not a zip at all").expect("write");
    let e = import(
        &mut store,
        &dir.path().join("not.zip"),
        &ImportLimits::DEFAULT,
    );
    assert!(matches!(e, PortabilityError::NotZip), "{e:?}");
    assert_untouched(&store);
}

#[test]
fn issue18_newer_formats_foreign_archives_and_non_empty_stores_are_refused_clearly() {
    let dir = tempfile::tempdir().expect("dir");
    let (valid_path, valid) = valid_archive(dir.path());
    let mut store = Store::open_in_memory(&DbKey::generate()).expect("store");

    let mut newer = valid.clone();
    edit_index(&mut newer, |i| i["format_version"] = 2.into());
    let path = dir.path().join("newer.zip");
    write_zip(&path, &newer);
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(
        matches!(
            e,
            PortabilityError::NewerVersion {
                found: 2,
                supported: 1
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.message_id(), "portability-error-newer");

    let mut foreign = valid.clone();
    edit_index(&mut foreign, |i| i["format"] = "other-export".into());
    let path = dir.path().join("foreign.zip");
    write_zip(&path, &foreign);
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(matches!(e, PortabilityError::BadIndex("format")), "{e:?}");

    let mut no_index = valid.clone();
    no_index.remove(INDEX_JSON);
    let path = dir.path().join("no-index.zip");
    write_zip(&path, &no_index);
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(matches!(e, PortabilityError::MissingIndex), "{e:?}");

    let mut bad_ins = valid;
    edit_index(&mut bad_ins, |i| {
        let ins = &mut i["patients"].as_array_mut().expect("patients")[0]["ins"];
        *ins = serde_json::json!({"matricule": "123", "oid": "1.2.250.1.213.1.4.8"});
    });
    let path = dir.path().join("bad-ins.zip");
    write_zip(&path, &bad_ins);
    let e = import(&mut store, &path, &ImportLimits::DEFAULT);
    assert!(matches!(e, PortabilityError::InvalidRecord("INS")), "{e:?}");
    assert_untouched(&store);

    // A store that already holds patients: refused before the archive is even opened.
    import_file(
        &mut store,
        &valid_path,
        "admin",
        &ImportLimits::DEFAULT,
        &mut |_, _| {},
    )
    .expect("first import");
    let before = patients::count(&store).expect("count");
    let e = import(&mut store, &valid_path, &ImportLimits::DEFAULT);
    assert!(matches!(e, PortabilityError::NotEmpty { patients } if patients == before));
    assert_eq!(e.message_id(), "portability-error-not-empty");
    assert!(!e.to_string().is_empty() && !e.is_retryable());
}
