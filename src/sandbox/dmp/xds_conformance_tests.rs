//! Conformance of the sandbox's XDS side with the agency's material: the real TD2.1
//! Provide and Register request (MTOM, SOAP 1.1, its quirks) is accepted and stored, and every
//! kind of answer (AdhocQueryResponse LeafClass / ObjectRef / Failure, RegistryResponse,
//! RetrieveDocumentSetResponse) validates against the ebRS / XDS.b schemas (xmllint).

use std::collections::HashMap;

use base64::Engine as _;

use super::state::{DmpLife, DmpState, PatientRecord, REPOSITORY_UNIQUE_ID};
use super::xds_side::{CallerContext, XdsReply, handle};
use super::xds_test_support::*;
use crate::dmp::client::actions;
use crate::dmp::mtom;
use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::test_support::{dmp_fixture, xmllint_validate};
use crate::dmp::xds::{
    AvailabilityStatus, DocumentRequest, FindDocumentsQuery, IdGen, ReturnType,
    parse_registry_response, retrieve_request_xml,
};
use crate::domain::Ins;
use crate::domain::ins::OID_INS_NIR_TEST;

#[test]
fn the_agency_td21_request_is_accepted() {
    let raw = dmp_fixture("TD2.1_provide_and_register_request.xml");
    let text = String::from_utf8_lossy(&raw);
    let boundary = text
        .lines()
        .next()
        .unwrap_or_default()
        .trim()
        .trim_start_matches("--")
        .to_owned();
    let message =
        mtom::read(&format!("multipart/related; boundary=\"{boundary}\""), &raw).expect("MTOM");
    let ins = Ins::parse("207058575627097", OID_INS_NIR_TEST).expect("INS");
    let mut state = DmpState::default();
    state.add_patient(PatientRecord {
        ins: ins.clone(),
        access: HashMap::new(),
        treating_physician: None,
        ..patient(DmpLife::Open)
    });
    let who = CallerContext {
        national_id: "899900063480".into(),
        purpose: PurposeOfUse::Normal,
        patient: Some(ins),
    };
    let reply = handle(
        &mut state,
        &who,
        actions::ITI41,
        &message.root.body,
        &message.attachments,
        &mut IdGen::seeded(2),
    );
    let XdsReply::Soap { payload } = reply else {
        panic!("SOAP");
    };
    parse_registry_response(payload.as_bytes())
        .expect("parse")
        .into_result()
        .expect("Success");
    assert_eq!(state.entries.len(), 1);
    let stored = &state.entries[0];
    assert_eq!(
        stored.entry.unique_id,
        "1.2.250.1.999.1.1.7898.3.1622814651504"
    );
    let part = message
        .attachment("cid:WS_DMP_TD2.1-DocumentME2.xml")
        .expect("document part");
    assert_eq!(stored.bytes.as_ref(), &part.body);
    assert_eq!(stored.entry.size, Some(part.body.len() as u64));
    assert_eq!(stored.author_id, "899900063480");
}

#[test]
fn every_answer_is_schema_valid() {
    let mut r = record();
    let valid = |xml: &str, schema: &str, name: &str| {
        if let Err(e) = xmllint_validate(xml, schema, name) {
            panic!("{name} against {schema}:\n{e}\n{xml}");
        }
    };
    let all = FindDocumentsQuery {
        statuses: vec![
            AvailabilityStatus::Approved,
            AvailabilityStatus::Archived,
            AvailabilityStatus::Deprecated,
        ],
        ..FindDocumentsQuery::new(cx())
    };
    let leaf = send(
        &mut r.state,
        &caller(OTHER_AUTHOR),
        actions::ITI18,
        &all.to_xml(),
    );
    assert_eq!(leaf.matches("<rim:ExtrinsicObject ").count(), 5);
    valid(&leaf, "query.xsd", "sandbox-leaf.xml");
    let refs = FindDocumentsQuery {
        return_type: ReturnType::ObjectRef,
        ..all
    };
    valid(
        &send(
            &mut r.state,
            &caller(AUTHOR),
            actions::ITI18,
            &refs.to_xml(),
        ),
        "query.xsd",
        "sandbox-refs.xml",
    );
    let refused = send(
        &mut r.state,
        &caller(BLOCKED),
        actions::ITI18,
        &refs.to_xml(),
    );
    valid(&refused, "query.xsd", "sandbox-query-failure.xml");
    let ok = super::xds_answers::registry_success();
    valid(&ok, "rs.xsd", "sandbox-success.xml");
    let failure = send(&mut r.state, &caller(AUTHOR), actions::ITI57, "<x/>");
    valid(&failure, "rs.xsd", "sandbox-failure.xml");

    let request = retrieve_request_xml(&[DocumentRequest {
        repository_unique_id: REPOSITORY_UNIQUE_ID.into(),
        document_unique_id: r.unique_ids[0].clone(),
        home_community_id: None,
    }])
    .expect("request");
    let XdsReply::Mtom {
        payload,
        attachments,
    } = handle(
        &mut r.state,
        &caller(AUTHOR),
        actions::ITI43,
        request.as_bytes(),
        &[],
        &mut IdGen::seeded(8),
    )
    else {
        panic!("MTOM");
    };
    // The schema types Document as base64Binary: check the answer with the part inlined.
    let start = payload.find("<xop:Include").expect("include");
    let end = start + payload[start..].find("/>").expect("end") + 2;
    let inlined = format!(
        "{}{}{}",
        &payload[..start],
        base64::engine::general_purpose::STANDARD.encode(&attachments[0].body),
        &payload[end..]
    );
    valid(
        &inlined,
        "XDS.b_DocumentRepository.xsd",
        "sandbox-retrieve.xml",
    );
    let XdsReply::Soap { payload } = handle(
        &mut r.state,
        &caller(AUTHOR),
        actions::ITI43,
        b"<x/>",
        &[],
        &mut IdGen::seeded(8),
    ) else {
        panic!("SOAP");
    };
    valid(
        &payload,
        "XDS.b_DocumentRepository.xsd",
        "sandbox-retrieve-failure.xml",
    );
}
