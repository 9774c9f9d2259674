//! The reader on every real archive of `shared/fixtures/xdm` (see its `SOURCES.md`), and on
//! small built archives for what no fixture has (the PFI's `action` slot, a wrapping folder,
//! a percent-encoded URI).

use std::path::PathBuf;

use super::test_zip::{TestEntry, build, metadata, zip_folder};
use super::*;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/xdm")
}

fn read_fixture(name: &str) -> Result<XdmArchive, XdmError> {
    let bytes = std::fs::read(fixtures().join(name)).expect("fixture");
    read_archive(&bytes, &XdmLimits::DEFAULT)
}

fn only_document(archive: &XdmArchive) -> &XdmDocument {
    let docs: Vec<_> = archive.documents().collect();
    assert_eq!(docs.len(), 1, "{archive:?}");
    docs[0]
}

#[test]
fn mie_a_clean_package_with_macos_junk() {
    let archive = read_fixture("nist-xdm-samples/MIE.zip").expect("read");
    assert_eq!(archive.subsets.len(), 1);
    let subset = &archive.subsets[0];
    assert_eq!(subset.folder, "SUBSET01");
    assert_eq!(subset.format, MetadataFormat::Ebrs30);
    let set = &subset.submission_set;
    assert_eq!(set.source_id.as_deref(), Some("1.3.6.1.4.1.21367.13.2235"));
    assert_eq!(
        set.unique_id.as_deref(),
        Some("1.3.6.1.4.1.21367.13.2235.0.3.117.918169271")
    );
    let doc = only_document(&archive);
    assert_eq!(
        doc.unique_id.as_deref(),
        Some("1.3.6.1.4.1.21367.13.2235.0.2.15240")
    );
    assert_eq!(doc.title.as_deref(), Some("Doctor Note"));
    assert_eq!(doc.mime_type.as_deref(), Some("text/x-cda-r2+xml"));
    assert_eq!(doc.creation_time.as_deref(), Some("20110119134439"));
    let type_code = doc.type_code.as_ref().expect("type code");
    assert_eq!(type_code.code, "11488-4");
    assert_eq!(type_code.scheme.as_deref(), Some("LOINC"));
    assert_eq!(type_code.display.as_deref(), Some("Consultation Note"));
    assert_eq!(
        doc.class_code.as_ref().map(|c| c.code.as_str()),
        Some("Consult")
    );
    let patient = doc.patient_id.as_ref().expect("patient");
    assert_eq!(patient.id, "1192011827");
    assert_eq!(
        patient.authority.as_deref(),
        Some("1.3.6.1.4.1.21367.13.20.1000")
    );
    assert_eq!(doc.source_patient.ids.len(), 1);
    assert_eq!(doc.path, "IHE_XDM/SUBSET01/DOC00001.XML");
    assert_eq!(doc.actual_size(), 4103);
    assert_eq!(
        (doc.size_matches, doc.hash_matches),
        (Some(true), Some(true))
    );
    assert!(doc.integrity_ok() && doc.action.is_none());
    assert!(!format!("{archive:?}").contains("1192011827"));
}

#[test]
fn epic_names_its_subset_lucy_0_and_escapes_twice() {
    let archive = read_fixture("nist-xdm-samples/Epic.zip").expect("read");
    assert_eq!(archive.subsets[0].folder, "LUCY_0");
    let doc = only_document(&archive);
    assert!(doc.integrity_ok());
    let patient = doc.patient_id.as_ref().expect("patient");
    assert_eq!(patient.id, "Z2004");
    assert_eq!(
        patient.authority.as_deref(),
        Some("1.2.840.114350.1.13.252.1.7.2.688879")
    );
    let source = &doc.source_patient;
    assert_eq!(source.family.as_deref(), Some("Washington"));
    assert_eq!(source.birth_date.as_deref(), Some("19271127"));
    assert!(source.ids.is_empty(), "PID-3|^^^&&ISO has no id");
}

#[test]
fn sage_has_two_subsets_with_the_same_file_name() {
    let archive = read_fixture("nist-xdm-samples/Sage.zip").expect("read");
    let folders: Vec<_> = archive.subsets.iter().map(|s| s.folder.as_str()).collect();
    assert_eq!(folders, ["CCD1", "CCD2"]);
    let docs: Vec<_> = archive.documents().collect();
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[0].path, "IHE_XDM/CCD1/CCD_FARN.xml");
    assert_eq!(docs[1].path, "IHE_XDM/CCD2/CCD_FARN.xml");
    assert_ne!(docs[0].content, docs[1].content);
    // SOURCES.md says CCD2's hash does not match; checked with sha1sum, both do.
    assert!(docs.iter().all(|d| d.integrity_ok()));
    assert_eq!(docs[1].source_patient.family.as_deref(), Some("FARNSWORTH"));
    assert_eq!(docs[1].source_patient.sex.as_deref(), Some("M"));
}

#[test]
fn siemens_has_no_ihe_xdm_folder() {
    let err = read_fixture("nist-xdm-samples/Siemens.zip").expect_err("refused");
    assert!(matches!(err, XdmError::NoXdmFolder), "{err:?}");
    assert!(err.to_string().contains("IHE_XDM"));
    assert!(!err.is_retryable());
}

#[test]
fn ccda_uri_case_mismatch_ds_store_and_swap_file() {
    for (name, path, birth) in [
        (
            "nist-xdm-samples/CCDA_Ambulatory_in_XDM.zip",
            "IHE_XDM/SUBSET01/CCDA_Ambulatory.xml",
            "19470501",
        ),
        (
            "nist-xdm-samples/CCDA_Inpatient_in_XDM.zip",
            "IHE_XDM/SUBSET01/CCDA_Inpatient.xml",
            "19470501",
        ),
    ] {
        let archive = read_fixture(name).expect("read");
        let doc = only_document(&archive);
        assert_eq!(doc.path, path);
        assert_ne!(doc.uri, doc.path);
        assert!(doc.integrity_ok(), "{name}");
        assert_eq!(doc.source_patient.birth_date.as_deref(), Some(birth));
    }
}

#[test]
fn lynn_ebrim_2_1_is_read() {
    let archive = read_fixture("nist-lynn-xdm/xdm.zip").expect("read");
    assert_eq!(archive.subsets[0].format, MetadataFormat::Ebrim21);
    let doc = only_document(&archive);
    assert_eq!(
        doc.unique_id.as_deref(),
        Some("1.3.6.1.4.1.21367.2005.3.998.1")
    );
    assert_eq!(doc.title.as_deref(), Some("Physical"));
    assert_eq!(
        (doc.size_matches, doc.hash_matches),
        (Some(true), Some(true))
    );
    assert_eq!(
        archive.subsets[0].submission_set.source_id.as_deref(),
        Some("3670984664")
    );
}

#[test]
fn drimbox_soap_envelope_and_uris_relative_to_ihe_xdm() {
    let bytes = zip_folder(&fixtures().join("drim-m-KA202401"), "");
    let archive = read_archive(&bytes, &XdmLimits::DEFAULT).expect("read");
    let subset = &archive.subsets[0];
    assert_eq!(subset.folder, "SS000001");
    assert_eq!(subset.format, MetadataFormat::SoapEnvelope);
    let set = &subset.submission_set;
    assert_eq!(set.title.as_deref(), Some("submissionset title"));
    assert_eq!(set.source_id.as_deref(), Some("1.2.250.1.999.1.1.8121"));
    let author = set.author.as_ref().expect("author");
    assert!(
        author
            .person
            .as_deref()
            .is_some_and(|p| p.starts_with("899700367909^DOC0036790"))
    );
    assert_eq!(subset.documents.len(), 2);
    let kos = &subset.documents[0];
    assert_eq!(kos.entry_id, "DocumentKOS");
    assert_eq!(kos.mime_type.as_deref(), Some("application/dicom"));
    assert_eq!(kos.path, "IHE_XDM/SS000001/KOS_1_1.DCM");
    assert_eq!(
        kos.type_code.as_ref().map(|c| c.code.as_str()),
        Some("IMG-KOS")
    );
    assert_eq!(
        kos.type_code.as_ref().and_then(|c| c.scheme.as_deref()),
        Some("1.2.250.1.213.1.1.4.12")
    );
    assert_eq!(kos.class_code.as_ref().map(|c| c.code.as_str()), Some("31"));
    assert!(kos.integrity_ok());
    let patient = kos.patient_id.as_ref().expect("patient");
    assert_eq!(patient.id, "162018885045327");
    assert_eq!(patient.authority.as_deref(), Some("1.2.250.1.213.1.4.10"));
    let source = &kos.source_patient;
    assert_eq!(source.family.as_deref(), Some("PAT-SIX"));
    assert_eq!(source.given.as_deref(), Some("Alain"));
    assert_eq!(source.birth_date.as_deref(), Some("19960124"));
    assert_eq!(source.sex.as_deref(), Some("M"));
    let sign = &subset.documents[1];
    assert_eq!(sign.actual_size(), 3212);
    assert_eq!(sign.declared_size.as_deref(), Some("6102"));
    assert_eq!(
        (sign.size_matches, sign.hash_matches),
        (Some(false), Some(false))
    );
    assert!(!sign.integrity_ok());
}

#[test]
fn one_wrapping_folder_is_tolerated() {
    let bytes = zip_folder(&fixtures().join("drim-m-KA202401"), "KA202401/");
    let archive = read_archive(&bytes, &XdmLimits::DEFAULT).expect("read");
    assert_eq!(archive.documents().count(), 2);
    assert_eq!(
        archive.documents().next().map(|d| d.path.as_str()),
        Some("KA202401/IHE_XDM/SS000001/KOS_1_1.DCM")
    );
}

#[test]
fn action_slot_and_percent_encoded_uri() {
    let content = b"compte rendu".to_vec();
    let hash = hex::encode(aws_lc_rs::digest::digest(
        &aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY,
        &content,
    ));
    for (value, expected) in [
        ("D", XdmAction::Delete),
        ("c", XdmAction::Change),
        ("X", XdmAction::Unrecognised),
    ] {
        let slot = format!(
            r#"<rim:Slot name="action"><rim:ValueList><rim:Value>{value}</rim:Value></rim:ValueList></rim:Slot>"#
        );
        let meta = metadata(
            "CR%20du%20jour.txt",
            content.len(),
            &hash.to_uppercase(),
            &slot,
        );
        let bytes = build(&[
            TestEntry::new("IHE_XDM/SUBSET01/METADATA.XML", meta),
            TestEntry::new("IHE_XDM/SUBSET01/CR du jour.txt", content.clone()),
        ]);
        let archive = read_archive(&bytes, &XdmLimits::DEFAULT).expect("read");
        let doc = only_document(&archive);
        assert_eq!(doc.action, Some(expected));
        assert!(doc.integrity_ok());
        assert_eq!(doc.content, content);
    }
}
