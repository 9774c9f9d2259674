//! Tests of the sandbox's ITI-43 (exact bytes through MTOM, missing, deleted and masked
//! documents, wrong identifiers), of the access refusals as the client maps them, and of
//! hostile or malformed requests (failures, never panics).

use super::state::{DmpLife, REPOSITORY_UNIQUE_ID};
use super::xds_side::{XdsReply, handle};
use super::xds_test_support::*;
use crate::dmp::client::actions;
use crate::dmp::error::Refusal;
use crate::dmp::mtom;
use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::{
    DocumentContent, DocumentRequest, ErrorCode, FindDocumentsQuery, IdGen, ResponseStatus,
    TimeRange, parse_retrieve_response, retrieve_request_xml,
};

fn q() -> FindDocumentsQuery {
    FindDocumentsQuery::new(cx())
}

/// Sends an ITI-43 for these uniqueIds in `repository`.
fn retrieve(r: &mut Record, who: &str, repository: &str, unique_ids: &[&str]) -> XdsReply {
    let requests: Vec<DocumentRequest> = unique_ids
        .iter()
        .map(|u| DocumentRequest {
            repository_unique_id: repository.to_owned(),
            document_unique_id: (*u).to_owned(),
            home_community_id: None,
        })
        .collect();
    let body = retrieve_request_xml(&requests).expect("request");
    let env = envelope(actions::ITI43, &body);
    handle(
        &mut r.state,
        &caller(who),
        actions::ITI43,
        &env,
        &[],
        &mut IdGen::seeded(3),
    )
}

#[test]
fn retrieve_returns_the_exact_bytes_through_mtom() {
    let mut r = record();
    let unique_id = r.unique_ids[0].clone();
    let XdsReply::Mtom {
        payload,
        attachments,
    } = retrieve(&mut r, AUTHOR, REPOSITORY_UNIQUE_ID, &[&unique_id])
    else {
        panic!("an MTOM answer");
    };
    let answer = parse_retrieve_response(payload.as_bytes())
        .expect("parse")
        .into_result()
        .expect("ok");
    assert_eq!(answer.documents.len(), 1);
    let doc = &answer.documents[0];
    assert_eq!(doc.document_unique_id, unique_id);
    assert_eq!(doc.repository_unique_id, REPOSITORY_UNIQUE_ID);
    assert_eq!(doc.mime_type, "text/xml");
    let DocumentContent::Xop { content_id, href } = &doc.content else {
        panic!("xop:Include");
    };
    assert!(
        href.starts_with("cid:") && href.ends_with("%3Aihe%3Aiti%3Axds-b%3A2007"),
        "{href}"
    );
    // As the client reads it: through an MTOM message.
    let boundary = mtom::new_boundary();
    let wire = mtom::write(&boundary, actions::ITI43, &payload, &attachments);
    let read = mtom::read(&mtom::content_type(&boundary, actions::ITI43), &wire).expect("MTOM");
    let bytes = &read.attachment(content_id).expect("the part").body;
    assert_eq!(bytes, r.state.entries[0].bytes.as_ref());
    assert_eq!(
        bytes,
        &crate::testing::cda_fixture("DOC_NON_STRUCTURE_CDA-R2-N1.xml")
    );
}

fn retrieve_error(
    r: &mut Record,
    who: &str,
    repository: &str,
    unique_id: &str,
) -> (ErrorCode, Option<Refusal>) {
    let XdsReply::Soap { payload } = retrieve(r, who, repository, &[unique_id]) else {
        panic!("no document expected");
    };
    let answer = parse_retrieve_response(payload.as_bytes()).expect("parse");
    assert_eq!(answer.registry_response.status, ResponseStatus::Failure);
    assert!(answer.documents.is_empty());
    let code = answer.registry_response.errors[0].code.clone();
    (code, refusal_of(answer.into_result().expect_err("failure")))
}

#[test]
fn retrieve_errors() {
    let mut r = record();
    let (d1, d3) = (r.unique_ids[0].clone(), r.unique_ids[2].clone());
    let uuid = r.uuids[0].clone();
    let cases = [
        (
            AUTHOR,
            REPOSITORY_UNIQUE_ID,
            "1.2.3.4.5.404",
            ErrorCode::MissingDocument,
            Some(Refusal::DocumentNotFound),
        ),
        (
            AUTHOR,
            REPOSITORY_UNIQUE_ID,
            uuid.as_str(),
            ErrorCode::DocumentUniqueIdError,
            Some(Refusal::DocumentNotFound),
        ),
        (
            AUTHOR,
            "1.2.3.9",
            d1.as_str(),
            ErrorCode::UnknownRepositoryId,
            None,
        ),
        // Masked to this professional: as if it did not exist.
        (
            AUTHOR,
            REPOSITORY_UNIQUE_ID,
            d3.as_str(),
            ErrorCode::MissingDocument,
            Some(Refusal::DocumentNotFound),
        ),
        (
            BLOCKED,
            REPOSITORY_UNIQUE_ID,
            d1.as_str(),
            ErrorCode::Other("DMPAccessInterdit".into()),
            Some(Refusal::BlockedByPatient),
        ),
        (
            STRANGER,
            REPOSITORY_UNIQUE_ID,
            d1.as_str(),
            ErrorCode::Other("DMPAuthorizationMissing".into()),
            Some(Refusal::AuthorizationMissing),
        ),
    ];
    for (who, repository, unique_id, code, refusal) in cases {
        assert_eq!(
            retrieve_error(&mut r, who, repository, unique_id),
            (code, refusal),
            "{who} {unique_id}"
        );
    }
    // One found, one not: PartialSuccess with the document and the error.
    let XdsReply::Mtom {
        payload,
        attachments,
    } = retrieve(&mut r, AUTHOR, REPOSITORY_UNIQUE_ID, &[&d1, "1.2.404"])
    else {
        panic!("MTOM");
    };
    let answer = parse_retrieve_response(payload.as_bytes()).expect("parse");
    assert_eq!(
        answer.registry_response.status,
        ResponseStatus::PartialSuccess
    );
    assert_eq!((answer.documents.len(), attachments.len()), (1, 1));
    assert_eq!(
        answer.registry_response.errors[0].code,
        ErrorCode::MissingDocument
    );
}

#[test]
fn access_refusals_map_to_the_clients_refusals() {
    let with = |life: DmpLife, bris: bool, centre: bool| {
        let mut r = record();
        let p = r.state.patient_mut(MATRICULE).expect("patient");
        p.life = life;
        p.opposes_bris_de_glace = bris;
        p.opposes_centre_15 = centre;
        r
    };
    let purpose = |who: &str, purpose| super::xds_side::CallerContext {
        purpose,
        ..caller(who)
    };
    let normal = PurposeOfUse::Normal;
    let cases = [
        (
            with(DmpLife::None, false, false),
            purpose(AUTHOR, normal),
            Some(Refusal::NoDmp),
        ),
        (
            with(DmpLife::Closed, false, false),
            purpose(AUTHOR, normal),
            Some(Refusal::DmpClosed),
        ),
        (
            with(DmpLife::Open, false, false),
            purpose(BLOCKED, normal),
            Some(Refusal::BlockedByPatient),
        ),
        (
            with(DmpLife::Open, false, false),
            purpose(EXPIRED, normal),
            Some(Refusal::AuthorizationExpired),
        ),
        (
            with(DmpLife::Open, false, false),
            purpose(STRANGER, normal),
            Some(Refusal::AuthorizationMissing),
        ),
        (
            with(DmpLife::Open, true, false),
            purpose(STRANGER, PurposeOfUse::BrisDeGlace),
            Some(Refusal::OppositionBrisDeGlace),
        ),
        (
            with(DmpLife::Open, false, true),
            purpose(STRANGER, PurposeOfUse::Centre15),
            Some(Refusal::OppositionCentre15),
        ),
    ];
    for (n, (mut r, who, expected)) in cases.into_iter().enumerate() {
        let err = find(&mut r.state, &who, &q())
            .into_result()
            .expect_err("refused");
        assert_eq!(refusal_of(err), expected, "case {n}");
    }
    // Emergency access without opposition needs no authorization.
    let mut r = with(DmpLife::Open, false, true);
    assert_eq!(
        count(
            &mut r.state,
            &purpose(STRANGER, PurposeOfUse::BrisDeGlace),
            &q()
        ),
        2
    );
    // A patient the DMP does not know.
    let mut r = record();
    let unknown =
        crate::domain::Ins::parse("184057645108931", crate::domain::ins::OID_INS_NIR_TEST)
            .expect("INS");
    let other = super::xds_side::CallerContext {
        patient: Some(unknown.clone()),
        ..caller(AUTHOR)
    };
    let err = find(
        &mut r.state,
        &other,
        &FindDocumentsQuery::new(crate::dmp::xds::Cx::from_ins(&unknown)),
    )
    .into_result()
    .expect_err("no DMP");
    assert_eq!(refusal_of(err), Some(Refusal::NoDmp));
    // The query names another patient than the VIHF.
    let answer = find(&mut r.state, &other, &q());
    assert_eq!(answer.status, ResponseStatus::Failure);
    assert_eq!(answer.errors[0].code, ErrorCode::PatientIdDoesNotMatch);
    assert!(!answer.errors[0].code_context.contains(MATRICULE));
}

#[test]
fn malformed_or_unknown_queries_are_failures_not_panics() {
    let mut r = record();
    let a = caller(AUTHOR);
    let code_of = |r: &mut Record, body: &[u8]| {
        let XdsReply::Soap { payload } = handle(
            &mut r.state,
            &a,
            actions::ITI18,
            body,
            &[],
            &mut IdGen::seeded(1),
        ) else {
            panic!("SOAP");
        };
        let answer =
            crate::dmp::xds::parse_query_response(payload.as_bytes()).expect("AdhocQueryResponse");
        assert_eq!(answer.status, ResponseStatus::Failure);
        answer.errors[0].code.as_str().to_owned()
    };
    let good = q().to_xml();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"not xml at all".to_vec(), "XDSRegistryMetadataError"),
        (
            b"<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>".to_vec(),
            "XDSRegistryMetadataError",
        ),
        (
            good.replace(
                "urn:uuid:14d4debf-8f97-4251-9a74-a90016b0af0d",
                "urn:uuid:0000",
            )
            .into_bytes(),
            "XDSUnknownStoredQuery",
        ),
        (
            good.replace("$XDSDocumentEntryStatus", "$Other")
                .into_bytes(),
            "XDSStoredQueryMissingParam",
        ),
        (
            good.replace("$XDSDocumentEntryPatientId", "$Other")
                .into_bytes(),
            "XDSStoredQueryMissingParam",
        ),
        (
            good.replace("('urn:oasis", "('urn:oasis'").into_bytes(),
            "XDSRegistryMetadataError",
        ),
        (
            good.replace("LeafClass", "RegistryObject").into_bytes(),
            "XDSRegistryMetadataError",
        ),
        (
            FindDocumentsQuery {
                creation_time: TimeRange {
                    from: at(1, 1, 0),
                    to: None,
                },
                ..q()
            }
            .to_xml()
            .replace("20240101000000", "2024-01-01")
            .into_bytes(),
            "XDSRegistryMetadataError",
        ),
    ];
    for (n, (body, expected)) in cases.iter().enumerate() {
        assert_eq!(code_of(&mut r, body), *expected, "case {n}");
    }
    let XdsReply::Soap { payload } = handle(
        &mut r.state,
        &a,
        "urn:x:unknown",
        good.as_bytes(),
        &[],
        &mut IdGen::seeded(1),
    ) else {
        panic!("SOAP");
    };
    assert_eq!(registry_code(&payload), "XDSRegistryMetadataError");
}
