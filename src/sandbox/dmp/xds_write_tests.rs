//! Tests of the sandbox's ITI-57 (TD3.3): visibility updates that add a version, delete for
//! the author only, archive and unarchive, logicalId targets, with the client's own builders
//! (`visibility_update_xml`, `availability_update_xml`) and parsers.

use super::state::{DmpState, REPOSITORY_UNIQUE_ID};
use super::xds_test_support::*;
use crate::dmp::client::actions;
use crate::dmp::error::Refusal;
use crate::dmp::xds::test_support::agency_context;
use crate::dmp::xds::{
    AvailabilityStatus, DmpDocumentEntry, ErrorCode, FindDocumentsQuery, IdGen, ResponseStatus,
    availability_update_xml, parse_registry_response, parse_retrieve_response,
    retrieve_request_xml, visibility_update_xml,
};
use crate::domain::Visibility;

/// Sends an ITI-57 body; `Ok` or the errorCode.
fn update(state: &mut DmpState, who: &str, body: &str) -> Result<(), String> {
    let payload = send(state, &caller(who), actions::ITI57, body);
    let response = parse_registry_response(payload.as_bytes()).expect("RegistryResponse");
    match response.status {
        ResponseStatus::Success => Ok(()),
        _ => Err(response.errors[0].code.as_str().to_owned()),
    }
}

fn masked() -> Visibility {
    Visibility {
        masked_ps: true,
        ..Visibility::default()
    }
}

fn ctx() -> crate::dmp::xds::SubmissionContext {
    agency_context("20240601100000", "Mise à jour", None)
}

fn visibility(entry: &DmpDocumentEntry, v: Visibility) -> String {
    visibility_update_xml(entry, v, &ctx(), &mut IdGen::seeded(5)).expect("update body")
}

fn status(entry: &DmpDocumentEntry, to: AvailabilityStatus) -> String {
    availability_update_xml(entry, to, &ctx(), &mut IdGen::seeded(5)).expect("update body")
}

#[test]
fn visibility_update_adds_a_version_with_only_new_confidentiality() {
    let mut r = record();
    let before = get(&mut r.state, AUTHOR, &r.uuids[0]);
    let mut sent = before.clone();
    sent.title = Some("Titre changé en route".into());
    assert_eq!(
        update(&mut r.state, AUTHOR, &visibility(&sent, masked())),
        Ok(())
    );

    let now = current(&mut r.state, AUTHOR, &r.unique_ids[0]);
    assert_ne!(now.entry_uuid, before.entry_uuid);
    assert!(now.entry_uuid.starts_with("urn:uuid:"));
    assert_eq!(now.logical_id, before.logical_id);
    assert_eq!(now.version_name.as_deref(), Some("2"));
    assert_eq!(now.status, AvailabilityStatus::Approved);
    assert_eq!(now.visibility(), masked());
    assert_eq!(
        now.hl7_confidentiality().map(|c| c.code.as_str()),
        Some("N")
    );
    // Everything else is the stored metadata (the changed title was not taken).
    let mut expected = before.clone();
    expected.entry_uuid.clone_from(&now.entry_uuid);
    expected.version_name = Some("2".into());
    expected
        .confidentiality_codes
        .clone_from(&now.confidentiality_codes);
    assert_eq!(now, expected);

    let old = get(&mut r.state, AUTHOR, &before.entry_uuid);
    assert_eq!(old.status, AvailabilityStatus::Deprecated);
    assert_eq!(old.version_name.as_deref(), Some("1"));
    // Masked now: the colleague no longer lists it, the author and treating physician do.
    assert_eq!(
        count(
            &mut r.state,
            &caller(COLLEAGUE),
            &FindDocumentsQuery::new(cx())
        ),
        1
    );
    assert_eq!(
        count(
            &mut r.state,
            &caller(TREATING),
            &FindDocumentsQuery::new(cx())
        ),
        3
    );

    // The stale copy (version 1) is refused; so is an update of an archived entry.
    let stale = visibility(&before, Visibility::default());
    assert_eq!(
        update(&mut r.state, AUTHOR, &stale),
        Err("XDSMetadataVersionError".into())
    );
    let mut archived = get(&mut r.state, AUTHOR, &r.uuids[3]);
    archived.status = AvailabilityStatus::Approved;
    let body = visibility(&archived, masked());
    assert_eq!(
        update(&mut r.state, AUTHOR, &body),
        Err("XDSMetadataUpdateError".into())
    );
    // A copy that names another document is refused.
    let mut other = now.clone();
    other.unique_id = "1.2.3.4.5.6".into();
    let body = visibility(&other, Visibility::default());
    assert_eq!(
        update(&mut r.state, AUTHOR, &body),
        Err("XDSMetadataUpdateError".into())
    );
    // A professional the patient blocked cannot.
    let body = visibility(&now, Visibility::default());
    let payload = send(&mut r.state, &caller(BLOCKED), actions::ITI57, &body);
    let err = parse_registry_response(payload.as_bytes())
        .expect("parse")
        .into_result();
    assert_eq!(
        refusal_of(err.expect_err("refused")),
        Some(Refusal::BlockedByPatient)
    );
    assert_eq!(r.state.entries.len(), 6);
}

#[test]
fn delete_is_for_the_author_only() {
    let mut r = record();
    let d1 = get(&mut r.state, AUTHOR, &r.uuids[0]);
    let body = status(&d1, AvailabilityStatus::Deleted);
    let payload = send(&mut r.state, &caller(OTHER_AUTHOR), actions::ITI57, &body);
    let err = parse_registry_response(payload.as_bytes())
        .expect("parse")
        .into_result();
    assert_eq!(
        refusal_of(err.expect_err("refused")),
        Some(Refusal::AuthorizationMissing)
    );
    assert_eq!(
        r.state.entries[0].entry.status,
        AvailabilityStatus::Approved
    );

    assert_eq!(update(&mut r.state, AUTHOR, &body), Ok(()));
    assert_eq!(r.state.entries[0].entry.status, AvailabilityStatus::Deleted);
    assert_eq!(
        count(
            &mut r.state,
            &caller(AUTHOR),
            &FindDocumentsQuery::new(cx())
        ),
        1
    );
    // Not retrievable any more.
    let request = retrieve_request_xml(&[crate::dmp::xds::DocumentRequest {
        repository_unique_id: REPOSITORY_UNIQUE_ID.into(),
        document_unique_id: r.unique_ids[0].clone(),
        home_community_id: None,
    }])
    .expect("request");
    let payload = send(&mut r.state, &caller(AUTHOR), actions::ITI43, &request);
    let answer = parse_retrieve_response(payload.as_bytes()).expect("parse");
    assert_eq!(
        answer.registry_response.errors[0].code,
        ErrorCode::MissingDocument
    );
    // Deleted stays deleted; an archived entry may be deleted too (TD3.3c sample).
    let body = status(&d1, AvailabilityStatus::Archived);
    assert_eq!(
        update(&mut r.state, AUTHOR, &body),
        Err("XDSMetadataUpdateError".into())
    );
    let d4 = get(&mut r.state, AUTHOR, &r.uuids[3]);
    assert_eq!(
        update(
            &mut r.state,
            AUTHOR,
            &status(&d4, AvailabilityStatus::Deleted)
        ),
        Ok(())
    );
}

#[test]
fn archive_unarchive_and_logical_id_targets() {
    let mut r = record();
    let query = FindDocumentsQuery::new(cx());
    let d2 = get(&mut r.state, AUTHOR, &r.uuids[1]);
    assert_eq!(
        update(
            &mut r.state,
            COLLEAGUE,
            &status(&d2, AvailabilityStatus::Archived)
        ),
        Ok(())
    );
    assert_eq!(count(&mut r.state, &caller(AUTHOR), &query), 1);
    let archived = FindDocumentsQuery {
        statuses: vec![AvailabilityStatus::Archived],
        ..query.clone()
    };
    assert_eq!(count(&mut r.state, &caller(AUTHOR), &archived), 2);
    // OriginalStatus must be the current status.
    let body = status(&d2, AvailabilityStatus::Archived);
    assert_eq!(
        update(&mut r.state, AUTHOR, &body),
        Err("XDSMetadataUpdateError".into())
    );
    let d2 = get(&mut r.state, AUTHOR, &r.uuids[1]);
    assert_eq!(
        update(
            &mut r.state,
            AUTHOR,
            &status(&d2, AvailabilityStatus::Approved)
        ),
        Ok(())
    );
    assert_eq!(count(&mut r.state, &caller(AUTHOR), &query), 2);
    // Another transition is not allowed.
    let d2 = get(&mut r.state, AUTHOR, &r.uuids[1]);
    assert_eq!(d2.status, AvailabilityStatus::Approved);
    let body = status(&d2, AvailabilityStatus::Archived)
        .replace(AvailabilityStatus::ARCHIVED, AvailabilityStatus::DEPRECATED);
    assert_eq!(
        update(&mut r.state, AUTHOR, &body),
        Err("XDSMetadataUpdateOperationError".into())
    );
    // After a metadata update the logicalId still designates the document.
    let d1 = get(&mut r.state, AUTHOR, &r.uuids[0]);
    assert_eq!(
        update(&mut r.state, AUTHOR, &visibility(&d1, masked())),
        Ok(())
    );
    let v2 = current(&mut r.state, AUTHOR, &r.unique_ids[0]);
    let body = status(&v2, AvailabilityStatus::Archived).replace(&v2.entry_uuid, &r.uuids[0]);
    assert_eq!(update(&mut r.state, AUTHOR, &body), Ok(()));
    assert_eq!(
        r.state.entries[5].entry.status,
        AvailabilityStatus::Archived
    );
    assert_eq!(
        r.state.entries[0].entry.status,
        AvailabilityStatus::Deprecated
    );
}
