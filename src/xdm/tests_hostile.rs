//! Hostile and broken archives, built in the tests: each is refused with its own clear French
//! error, before anything is trusted, and no patient value reaches a message.

use super::error::sanitize;
use super::test_zip::{TestEntry, build, metadata};
use super::*;

const META: &str = "IHE_XDM/SUBSET01/METADATA.XML";
const DOC: &str = "IHE_XDM/SUBSET01/DOC.TXT";

fn read(entries: &[TestEntry]) -> Result<XdmArchive, XdmError> {
    read_archive(&build(entries), &XdmLimits::DEFAULT)
}

/// A valid package whose document is `content`.
fn package(content: Vec<u8>) -> Vec<TestEntry> {
    vec![
        TestEntry::new(META, metadata("DOC.TXT", content.len(), "", "")),
        TestEntry::new(DOC, content),
    ]
}

/// Bytes that barely compress.
fn noise(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x1234_5678;
    (0..len)
        .map(|_| {
            x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn the_minimal_package_reads() {
    let archive = read(&package(b"texte".to_vec())).expect("read");
    let doc = archive.documents().next().expect("doc");
    assert_eq!(doc.size_matches, Some(true));
    assert_eq!(doc.hash_matches, None, "an empty hash slot is no hash");
}

#[test]
fn a_zip_bomb_is_stopped_by_its_ratio_while_inflating() {
    let err = read(&package(vec![0u8; 4 * 1024 * 1024])).expect_err("bomb");
    assert!(matches!(err, XdmError::CompressionRatio { .. }), "{err:?}");
    assert!(err.to_string().contains("DOC.TXT"), "{err}");
    // The same bomb, not named by the metadata, is never inflated.
    let mut entries = package(b"texte".to_vec());
    entries.push(TestEntry::new(
        "IHE_XDM/SUBSET01/BOMB.BIN",
        vec![0u8; 4 << 20],
    ));
    assert!(read(&entries).is_ok());
}

#[test]
fn the_total_is_counted_while_inflating_not_declared() {
    let limits = XdmLimits {
        max_total_bytes: 100_000,
        ..XdmLimits::DEFAULT
    };
    let mut entries = package(noise(200_000));
    let err = read_archive(&build(&entries), &limits).expect_err("too much");
    assert!(
        matches!(err, XdmError::TooMuchData { max: 100_000 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("bombe"), "{err}");
    // A declared size that lies is not believed: the entry is refused once it passes it.
    entries[1].declared_size = Some(10);
    let err = read_archive(&build(&entries), &XdmLimits::DEFAULT).expect_err("lie");
    assert!(matches!(err, XdmError::Corrupt { .. }), "{err:?}");
}

#[test]
fn a_huge_metadata_is_refused() {
    let limits = XdmLimits {
        max_metadata_bytes: 100,
        ..XdmLimits::DEFAULT
    };
    let err = read_archive(&build(&package(b"x".to_vec())), &limits).expect_err("large");
    assert!(matches!(
        err,
        XdmError::Metadata {
            problem: MetadataProblem::TooLarge { .. },
            ..
        }
    ));
}

#[test]
fn traversal_absolute_and_backslash_paths_are_refused() {
    for name in [
        "IHE_XDM/../../etc/passwd",
        "../IHE_XDM/SUBSET01/X",
        "/etc/passwd",
        "IHE_XDM\\SUBSET01\\DOC.TXT",
        "C:/Windows/x",
        "__MACOSX/../../x",
    ] {
        let mut entries = package(b"x".to_vec());
        entries.push(TestEntry::new(name, "x"));
        let err = read(&entries).expect_err(name);
        assert!(
            matches!(err, XdmError::UnsafePath { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("chemin dangereux"));
    }
}

#[test]
fn symlinks_and_encrypted_entries_are_refused() {
    let mut entries = package(b"x".to_vec());
    entries[1].unix_mode = Some(0o120_777);
    let err = read(&entries).expect_err("symlink");
    assert!(matches!(err, XdmError::Symlink { .. }), "{err:?}");
    assert!(err.to_string().contains("lien symbolique"));

    let mut entries = package(b"x".to_vec());
    entries[1].unix_mode = Some(0o100_644);
    assert!(read(&entries).is_ok(), "a regular Unix file is fine");
    entries[1].flags = 1;
    let err = read(&entries).expect_err("encrypted");
    assert!(matches!(err, XdmError::Encrypted { .. }), "{err:?}");
    assert!(err.to_string().contains("chiffrée"));
}

#[test]
fn too_many_entries_are_refused_before_reading() {
    let mut entries = package(b"x".to_vec());
    for i in 0..5_000 {
        let mut e = TestEntry::new(&format!("IHE_XDM/SUBSET01/F{i}.TXT"), "");
        e.deflate = false;
        entries.push(e);
    }
    let err = read(&entries).expect_err("too many");
    assert!(
        matches!(
            err,
            XdmError::TooManyEntries {
                count: 5_002,
                max: 2_000
            }
        ),
        "{err:?}"
    );
    // The count of the end record is read before parsing the directory.
    let mut bytes = build(&entries);
    let end = bytes.len() - 22;
    bytes[end + 8..end + 12].copy_from_slice(&[0xFF; 4]);
    let err = read_archive(&bytes, &XdmLimits::DEFAULT).expect_err("too many");
    assert!(
        matches!(err, XdmError::TooManyEntries { count: 65_535, .. }),
        "{err:?}"
    );
}

#[test]
fn duplicate_names_are_refused() {
    let mut entries = package(b"x".to_vec());
    entries.push(TestEntry::new(DOC, "autre"));
    let err = read(&entries).expect_err("duplicate");
    assert!(matches!(err, XdmError::DuplicateEntry), "{err:?}");
}

#[test]
fn not_xdm_not_zip_no_metadata() {
    let err = read(&[TestEntry::new("README.TXT", "bonjour")]).expect_err("no folder");
    assert!(matches!(err, XdmError::NoXdmFolder));
    let err = read(&[TestEntry::new(DOC, "x")]).expect_err("no metadata");
    assert!(matches!(err, XdmError::NoMetadata), "{err:?}");
    let err = read_archive(b"PK\x03\x04 pas un zip", &XdmLimits::DEFAULT).expect_err("zip");
    assert!(matches!(err, XdmError::NotZip));
    assert!(read_archive(b"", &XdmLimits::DEFAULT).is_err());
}

#[test]
fn a_uri_naming_a_missing_or_outside_file_is_refused() {
    let entries = [
        TestEntry::new(META, metadata("ABSENT.TXT", 1, "", "")),
        TestEntry::new(DOC, "x"),
    ];
    let err = read(&entries).expect_err("missing");
    assert!(matches!(err, XdmError::MissingDocument { .. }), "{err:?}");
    assert!(err.to_string().contains("ABSENT.TXT") && err.to_string().contains("SUBSET01"));
    for uri in [
        "../SUBSET02/DOC.TXT",
        "/etc/passwd",
        "file:///etc/passwd",
        "a\\b",
    ] {
        let entries = [
            TestEntry::new(META, metadata(uri, 1, "", "")),
            TestEntry::new(DOC, "x"),
        ];
        let err = read(&entries).expect_err(uri);
        assert!(matches!(err, XdmError::BadUri { .. }), "{uri}: {err:?}");
    }
}

#[test]
fn hostile_xml_in_metadata_is_refused_clearly() {
    let xxe = "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\
               <lcm:SubmitObjectsRequest xmlns:lcm=\"urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0\">&e;</lcm:SubmitObjectsRequest>";
    let err = read(&[TestEntry::new(META, xxe)]).expect_err("doctype");
    assert!(
        matches!(
            &err,
            XdmError::Metadata {
                problem: MetadataProblem::Xml(crate::xml::XmlError::Doctype),
                ..
            }
        ),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.contains("DOCTYPE") && text.contains("SUBSET01"),
        "{text}"
    );
    for (xml, wanted) in [
        ("<a><b></a>", "mal formé"),
        ("<Envelope/>", "SubmitObjectsRequest"),
        ("<SubmitObjectsRequest/>", "RegistryObjectList"),
    ] {
        let err = read(&[TestEntry::new(META, xml)]).expect_err(xml);
        assert!(err.to_string().contains(wanted), "{xml}: {err}");
    }
}

#[test]
fn messages_quote_no_patient_and_only_sanitized_names() {
    let long = format!("IHE_XDM/SUBSET01/{}\u{7}.TXT", "A".repeat(80));
    let name = sanitize(&long);
    assert!(name.chars().count() <= 49 && name.ends_with('…'));
    assert_eq!(sanitize("a\u{1b}[31m"), "a??31m");
    let err = read(&[
        TestEntry::new(META, metadata("ABSENT.TXT", 1, "", "")),
        TestEntry::new(DOC, "x"),
    ])
    .expect_err("missing");
    assert!(!err.to_string().contains("1.2.250.1.213.1.4.10"));
}

#[test]
fn only_a_failing_read_of_the_file_is_retryable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err =
        read_archive_file(&dir.path().join("absent.zip"), &XdmLimits::DEFAULT).expect_err("absent");
    assert!(err.is_retryable(), "{err:?}");
    let path = dir.path().join("big.zip");
    std::fs::write(&path, build(&package(b"x".to_vec()))).expect("write");
    let limits = XdmLimits {
        max_archive_bytes: 10,
        ..XdmLimits::DEFAULT
    };
    let err = read_archive_file(&path, &limits).expect_err("big");
    assert!(matches!(err, XdmError::ArchiveTooLarge { .. }) && !err.is_retryable());
    assert!(read_archive_file(&path, &XdmLimits::DEFAULT).is_ok());
}

#[test]
fn a_metadata_of_many_documents_is_read_in_linear_time_then_refused() {
    let mut xml = String::from(
        "<SubmitObjectsRequest><RegistryObjectList>\
         <RegistryPackage id=\"ss\"/>",
    );
    for i in 0..50_000 {
        xml.push_str(&format!(
            "<ExtrinsicObject id=\"d{i}\"/><Classification classifiedObject=\"d{i}\"/>"
        ));
    }
    xml.push_str("</RegistryObjectList></SubmitObjectsRequest>");
    let started = std::time::Instant::now();
    let err = read(&[TestEntry::new(META, xml)]).expect_err("too many");
    assert!(
        matches!(err, XdmError::TooManyEntries { count: 50_000, .. }),
        "{err:?}"
    );
    assert!(started.elapsed().as_secs() < 20);
    let twice = "<SubmitObjectsRequest><RegistryObjectList><ExtrinsicObject id=\"a\"/>\
                 <RegistryPackage id=\"a\"/></RegistryObjectList></SubmitObjectsRequest>";
    let err = read(&[TestEntry::new(META, twice)]).expect_err("twice");
    assert!(err.to_string().contains("même identifiant"), "{err}");
}
