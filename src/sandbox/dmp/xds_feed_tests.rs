//! Tests of the sandbox's ITI-41 (TD2.1/2.2): feedings built by the client's
//! `provide_and_register` (signed with the test PKI) and carried through MTOM, replacement,
//! the integrity and identity checks.

use std::sync::atomic::{AtomicU64, Ordering};

use super::state::{DmpLife, DmpState, REPOSITORY_UNIQUE_ID};
use super::xds_side::{CallerContext, XdsReply, handle};
use super::xds_test_support::*;
use crate::dmp::client::actions;
use crate::dmp::error::DmpError;
use crate::dmp::error::Refusal;
use crate::dmp::mtom::{self, Part};
use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::test_support::agency_context;
use crate::dmp::xds::{
    AvailabilityStatus, DmpDocumentEntry, FeedDocument, FeedRequest, FindDocumentsQuery, IdGen,
    parse_registry_response, provide_and_register,
};
use crate::domain::Ins;
use crate::domain::ins::OID_INS_NIR_TEST;

static NEXT_SEED: AtomicU64 = AtomicU64::new(100);

/// A feeding of a CI-SIS fixture as the client builds it.
struct Feeding {
    body: String,
    document: Vec<u8>,
    signature: String,
    entry: DmpDocumentEntry,
}

fn feeding(file: &str, replaces: Option<String>) -> Feeding {
    let (entry, document) = entry_from_fixture(file, "10", "ETABLISSEMENT", "SA01", CISIS_FORMAT);
    let request = FeedRequest {
        submission: agency_context("20240601100000", "Alimentation", None),
        documents: vec![FeedDocument {
            entry: entry.clone(),
            bytes: &document,
            content_id: "doc1@chevet".into(),
            replaces,
        }],
        signature_content_id: "signature@chevet".into(),
    };
    let signer = crate::dmp::xmldsig::test_support::pki().signer();
    // Each feeding its own SubmissionSet and signature uniqueIds.
    let seed = NEXT_SEED.fetch_add(1, Ordering::Relaxed);
    let pnr = provide_and_register(&request, &signer, &mut IdGen::seeded(seed)).expect("PnR");
    Feeding {
        body: pnr.body,
        document,
        signature: pnr.signature,
        entry,
    }
}

/// Sends a feeding through an MTOM message, as the server receives it; `Ok` or the error.
fn send_feed(
    state: &mut DmpState,
    who: &CallerContext,
    body: &str,
    parts: &[Part],
) -> Result<(), DmpError> {
    let boundary = mtom::new_boundary();
    let wire = mtom::write(
        &boundary,
        actions::ITI41,
        &String::from_utf8(envelope(actions::ITI41, body)).expect("UTF-8"),
        parts,
    );
    let read = mtom::read(&mtom::content_type(&boundary, actions::ITI41), &wire).expect("MTOM");
    let reply = handle(
        state,
        who,
        actions::ITI41,
        &read.root.body,
        &read.attachments,
        &mut IdGen::seeded(NEXT_SEED.fetch_add(1, Ordering::Relaxed)),
    );
    let XdsReply::Soap { payload } = reply else {
        panic!("a SOAP answer");
    };
    parse_registry_response(payload.as_bytes())?
        .into_result()
        .map(|_| ())
}

fn feed(state: &mut DmpState, who: &str, f: &Feeding) -> Result<(), DmpError> {
    send_feed(
        state,
        &caller(who),
        &f.body,
        &parts(&f.document, &f.signature),
    )
}

fn code_of(result: Result<(), DmpError>) -> String {
    match result {
        Err(DmpError::Registry { errors }) => errors[0].error_code.as_str().to_owned(),
        Err(DmpError::Refused {
            code: Some(code), ..
        }) => code.as_str().to_owned(),
        other => panic!("a registry refusal, got {other:?}"),
    }
}

#[test]
fn a_fed_document_is_registered_found_and_retrieved() {
    let mut r = record();
    let f = feeding("BIO-CR-BIO_2024.01_Microbiologie_V1.xml", None);
    // Feeding needs no authorization, only an open DMP and no block.
    feed(&mut r.state, STRANGER, &f).expect("fed");
    let stored = r.state.entries.last().expect("stored");
    assert_eq!(stored.author_id, STRANGER);
    assert_eq!(stored.patient, MATRICULE);
    assert_eq!(stored.bytes.as_ref(), &f.document);
    let found = current(&mut r.state, COLLEAGUE, &f.entry.unique_id);
    assert!(found.entry_uuid.starts_with("urn:uuid:"));
    assert_eq!(found.logical_id.as_deref(), Some(found.entry_uuid.as_str()));
    assert_eq!(found.version_name.as_deref(), Some("1"));
    assert_eq!(found.status, AvailabilityStatus::Approved);
    assert_eq!(
        found.repository_unique_id.as_deref(),
        Some(REPOSITORY_UNIQUE_ID)
    );
    assert_eq!(found.size, Some(f.document.len() as u64));
    assert_eq!(found.hash, f.entry.hash);
    assert_eq!(found.type_code, f.entry.type_code);
    assert_eq!(found.title, f.entry.title);
    assert_eq!(
        count(
            &mut r.state,
            &caller(COLLEAGUE),
            &FindDocumentsQuery::new(cx())
        ),
        3
    );
    // The signature is registered as a uniqueId, not listed as a document.
    assert_eq!(r.state.unique_ids.len(), 7);
    assert_eq!(r.state.entries.len(), 6);
    // Feeding the same document again is a duplicate.
    assert_eq!(
        code_of(feed(&mut r.state, AUTHOR, &f)),
        "XDSDuplicateUniqueIdInRegistry"
    );
}

#[test]
fn a_replacement_deprecates_the_replaced_entry() {
    let mut r = record();
    let first = feeding("transmission_initiale_cr_imagerie.xml", None);
    feed(&mut r.state, AUTHOR, &first).expect("fed");
    let old = r
        .state
        .entries
        .last()
        .expect("stored")
        .entry
        .entry_uuid
        .clone();
    let second = feeding("remplacement_cr_imagerie.xml", Some(old.clone()));
    feed(&mut r.state, AUTHOR, &second).expect("replaced");
    assert_eq!(
        get(&mut r.state, AUTHOR, &old).status,
        AvailabilityStatus::Deprecated
    );
    let new = current(&mut r.state, AUTHOR, &second.entry.unique_id);
    assert_eq!(new.status, AvailabilityStatus::Approved);
    let listed = find(
        &mut r.state,
        &caller(AUTHOR),
        &FindDocumentsQuery::new(cx()),
    )
    .entries;
    assert!(listed.iter().any(|e| e.entry_uuid == new.entry_uuid));
    assert!(!listed.iter().any(|e| e.entry_uuid == old));
    // Replacing a deprecated or archived entry is refused.
    let again = feeding("LDL-SES_2022.01.xml", Some(old));
    assert_eq!(
        code_of(feed(&mut r.state, AUTHOR, &again)),
        "XDSRegistryMetadataError"
    );
    let archived = feeding("LDL-SES_2022.01.xml", Some(r.uuids[3].clone()));
    assert_eq!(
        code_of(feed(&mut r.state, AUTHOR, &archived)),
        "XDSRegistryMetadataError"
    );
}

/// `body` with a `hash` and a `size` slot added to the first document entry.
fn with_slots(body: &str, hash: &str, size: usize) -> String {
    let open = "objectType=\"urn:uuid:7edca82f-054d-47f2-a032-9b2a5b5186c1\">";
    let slot = |name: &str, value: &str| {
        format!(
            "<rim:Slot name=\"{name}\"><rim:ValueList><rim:Value>{value}</rim:Value></rim:ValueList></rim:Slot>"
        )
    };
    body.replacen(
        open,
        &format!(
            "{open}{}{}",
            slot("hash", hash),
            slot("size", &size.to_string())
        ),
        1,
    )
}

#[test]
fn integrity_and_identity_checks() {
    let mut r = record();
    let f = feeding("BIO-TROD_2024.01_COVID-19.xml", None);
    let (hash, size) = (f.entry.hash.clone().expect("hash"), f.document.len());
    let who = caller(AUTHOR);
    let good_parts = parts(&f.document, &f.signature);
    let mut tampered = f.document.clone();
    tampered[size / 2] ^= 0x20;
    let cases: Vec<(String, Vec<Part>, &str)> = vec![
        (
            with_slots(&f.body, &hash, size),
            parts(&tampered, &f.signature),
            "XDSNonIdenticalHash",
        ),
        (
            with_slots(&f.body, &hash, size + 1),
            good_parts.clone(),
            "XDSNonIdenticalSize",
        ),
        (
            f.body.clone(),
            good_parts[1..].to_vec(),
            "XDSMissingDocument",
        ),
        (
            f.body.clone(),
            parts(&f.document, "<x/>"),
            "XDSRepositoryMetadataError",
        ),
        (
            f.body
                .replace("urn:ihe:iti:2007:AssociationType:signs", "urn:x"),
            good_parts.clone(),
            "XDSRegistryMetadataError",
        ),
        (
            f.body
                .replace("targetObject=\"Document01\"", "targetObject=\"Document99\""),
            good_parts.clone(),
            "XDSRegistryMetadataError",
        ),
        (
            "<x/>".into(),
            good_parts.clone(),
            "XDSRepositoryMetadataError",
        ),
    ];
    for (n, (body, attachments, expected)) in cases.iter().enumerate() {
        assert_eq!(
            code_of(send_feed(&mut r.state, &who, body, attachments)),
            *expected,
            "case {n}"
        );
    }
    assert_eq!(r.state.entries.len(), 5);
    // The right hash and size are accepted.
    send_feed(
        &mut r.state,
        &who,
        &with_slots(&f.body, &hash.to_uppercase(), size),
        &good_parts,
    )
    .expect("fed");

    // Another patient in the VIHF; a blocked professional; a closed DMP.
    let other = Ins::parse("184057645108931", OID_INS_NIR_TEST).expect("INS");
    let elsewhere = CallerContext {
        patient: Some(other),
        ..caller(AUTHOR)
    };
    let g = feeding("BIO-CR-BIO_2024.01_Microbiologie_V2.xml", None);
    let g_parts = parts(&g.document, &g.signature);
    assert_eq!(
        code_of(send_feed(&mut r.state, &elsewhere, &g.body, &g_parts)),
        "XDSPatientIdDoesNotMatch"
    );
    let refusal = |result: Result<(), DmpError>| refusal_of(result.expect_err("refused"));
    assert_eq!(
        refusal(feed(&mut r.state, BLOCKED, &g)),
        Some(Refusal::BlockedByPatient)
    );
    let emergency = CallerContext {
        purpose: PurposeOfUse::BrisDeGlace,
        ..caller(BLOCKED)
    };
    assert_eq!(
        refusal(send_feed(&mut r.state, &emergency, &g.body, &g_parts)),
        Some(Refusal::BlockedByPatient)
    );
    r.state.patient_mut(MATRICULE).expect("patient").life = DmpLife::Closed;
    assert_eq!(
        refusal(feed(&mut r.state, AUTHOR, &g)),
        Some(Refusal::DmpClosed)
    );
    assert_eq!(r.state.entries.len(), 6);
}
