//! Every message this layer builds validates with `xmllint --schema` against the OASIS / IHE
//! schemas of `shared/fixtures/schema/ebrs30-xds` (query.xsd for AdhocQueryRequest, lcm.xsd
//! for ITI-57 SubmitObjectsRequest, XDS.b_DocumentRepository.xsd for ITI-41 and ITI-43). The
//! agency's own bodies are validated too, to prove the schema set-up. xmllint comes from the
//! Debian package libxml2-utils; without it these tests fail and say so.

use base64::Engine as _;
use chrono::{TimeZone, Utc};

use super::build_tests::feed_params;
use super::test_support::*;
use super::*;
use crate::domain::Visibility;

const QUERY: &str = "query.xsd";
const LCM: &str = "lcm.xsd";
const XDSB: &str = "XDS.b_DocumentRepository.xsd";

fn valid(xml: &str, schema: &str, name: &str) {
    if let Err(e) = xmllint_validate(xml, schema, name) {
        panic!("{name} does not validate against {schema}:\n{e}\n{xml}");
    }
}

fn td31_entries() -> Vec<DmpDocumentEntry> {
    parse_query_response(&dmp_fixture("TD3.1_find_documents_response.xml"))
        .expect("TD3.1")
        .entries
}

#[test]
fn stored_queries_validate() {
    let ins = Cx::from_hl7("207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20100907");
    valid(
        &FindDocumentsQuery::new(ins.clone()).to_xml(),
        QUERY,
        "find-minimal.xml",
    );
    let t = |d| Utc.with_ymd_and_hms(2024, 3, d, 8, 0, 0).single();
    let every = FindDocumentsQuery {
        statuses: vec![
            AvailabilityStatus::Approved,
            AvailabilityStatus::Deprecated,
            AvailabilityStatus::Archived,
            AvailabilityStatus::Deleted,
        ],
        class_codes: vec![Code::new("10", OID_CLASS_CODE, "")],
        type_codes: (0..15)
            .map(|i| Code::new(&format!("1149{i}-0"), OID_LOINC, ""))
            .collect(),
        practice_setting_codes: vec![Code::new("ETABLISSEMENT", OID_PRACTICE_SETTING, "")],
        healthcare_facility_type_codes: vec![Code::new("SA01", OID_FACILITY_TYPE, "")],
        event_codes: vec![Code::new("H33", "2.16.840.1.113883.6.3", "")],
        confidentiality_codes: VisibilityFlag::ALL.map(VisibilityFlag::to_code).to_vec(),
        format_codes: vec![Code::new(
            "urn:ihe:iti:xds-sd:pdf:2008",
            OID_FORMAT_CODE,
            "",
        )],
        creation_time: TimeRange {
            from: t(1),
            to: t(2),
        },
        service_start_time: TimeRange {
            from: t(3),
            to: t(4),
        },
        service_stop_time: TimeRange {
            from: t(5),
            to: t(6),
        },
        ..FindDocumentsQuery::new(ins)
    };
    valid(&every.to_xml(), QUERY, "find-every-filter.xml");
    for (by, return_type) in [
        (
            GetDocumentsBy::UniqueIds(vec!["1.2.250.1.999.1.1.7898.1.995657292".into()]),
            ReturnType::ObjectRef,
        ),
        (
            GetDocumentsBy::EntryUuids(vec![
                "urn:uuid:7953af1a-ba1c-11eb-816f-0050569e422e".into(),
            ]),
            ReturnType::LeafClass,
        ),
    ] {
        let xml = GetDocumentsQuery { by, return_type }
            .to_xml()
            .expect("query");
        valid(&xml, QUERY, "get-documents.xml");
    }
}

#[test]
fn retrieve_request_validates() {
    let xml = retrieve_request_xml(&[
        DocumentRequest {
            repository_unique_id: "1.2.250.1.213.4.1.1.1.2".into(),
            document_unique_id: "1.2.250.1.999.1.1.7898.1.995657292".into(),
            home_community_id: None,
        },
        DocumentRequest {
            repository_unique_id: "1.2.250.1.213.4.1.1.1.2".into(),
            document_unique_id: "1.999888777.1.22".into(),
            home_community_id: Some("urn:oid:1.2.3".into()),
        },
    ])
    .expect("request");
    valid(&xml, XDSB, "retrieve.xml");
}

#[test]
fn metadata_updates_validate() {
    let ctx = agency_context("20240301100000", "Compte rendu", Some("mise à jour"));
    let mut ids = IdGen::seeded(10);
    for entry in td31_entries().iter().take(4) {
        let all = Visibility {
            invisible_patient: true,
            invisible_legal_reps: true,
            masked_ps: true,
        };
        let xml = visibility_update_xml(entry, all, &ctx, &mut ids).expect("visibility");
        valid(&xml, LCM, "visibility.xml");
    }
    let mut entry = td31_entries().remove(0);
    for (from, to) in [
        (AvailabilityStatus::Approved, AvailabilityStatus::Deleted),
        (AvailabilityStatus::Approved, AvailabilityStatus::Archived),
        (AvailabilityStatus::Archived, AvailabilityStatus::Approved),
    ] {
        entry.status = from;
        let xml = availability_update_xml(&entry, to, &ctx, &mut ids).expect("availability");
        valid(&xml, LCM, "availability.xml");
    }
}

/// The body as the receiver sees it once MTOM is resolved: each `xop:Include` replaced by the
/// base64 of its part (the schema types `Document` as base64Binary; with the `xop:Include`
/// child it is only valid as an XOP package).
fn resolve_xop(body: &str, parts: &[(&str, &[u8])]) -> String {
    let mut out = body.to_owned();
    for (content_id, bytes) in parts {
        let include = format!(
            "<xop:Include xmlns:xop=\"{}\" href=\"{}\"/>",
            ns::XOP,
            cid_href(content_id)
        );
        assert!(out.contains(&include), "include of {content_id}");
        out = out.replace(
            &include,
            &base64::engine::general_purpose::STANDARD.encode(bytes),
        );
    }
    out
}

#[test]
fn provide_and_register_validates() {
    let cda = dmp_fixture("TD2.1_document_N1.xml");
    let doc = crate::cda::parse(&cda).expect("cda");
    let entry = DmpDocumentEntry::from_cda(&doc, &cda, &feed_params()).expect("entry");
    let req = FeedRequest {
        submission: agency_context("20240301100000", "Alimentation", Some("CR")),
        documents: vec![FeedDocument {
            entry,
            bytes: &cda,
            content_id: "doc-1@chevet.invalid".into(),
            replaces: Some("urn:uuid:7953af1a-ba1c-11eb-816f-0050569e422e".into()),
        }],
        signature_content_id: "sig-1@chevet.invalid".into(),
    };
    let built = provide_and_register(
        &req,
        &FakeSigner(agency_certificate()),
        &mut IdGen::seeded(11),
    )
    .expect("PnR");
    let resolved = resolve_xop(
        &built.body,
        &[
            ("doc-1@chevet.invalid", &cda),
            ("sig-1@chevet.invalid", built.signature.as_bytes()),
        ],
    );
    valid(&resolved, XDSB, "pnr.xml");
    // As sent (with xop:Include), the schema refuses the Document elements, as expected.
    assert!(xmllint_validate(&built.body, XDSB, "pnr-xop.xml").is_err());
}

#[test]
fn agency_bodies_against_the_same_schemas() {
    let body = |file: &str, namespace: &str, element: &str| {
        to_xml(find(parse(&dmp_fixture(file)), namespace, element))
    };
    let valid_cases = [
        (
            "TD3.1_find_documents_request.xml",
            ns::QUERY,
            "AdhocQueryRequest",
            QUERY,
        ),
        (
            "TD3.1_find_documents_response.xml",
            ns::QUERY,
            "AdhocQueryResponse",
            QUERY,
        ),
        (
            "TD3.2_retrieve_document_request.xml",
            ns::XDSB,
            "RetrieveDocumentSetRequest",
            XDSB,
        ),
        (
            "TD2.1_provide_and_register_response.xml",
            ns::RS,
            "RegistryResponse",
            "rs.xsd",
        ),
    ];
    for (file, namespace, element, schema) in valid_cases {
        valid(&body(file, namespace, element), schema, file);
    }
    // The agency's TD3.3c/d omit `classifiedObject` / `registryObject` inside the
    // SubmissionSet, which rim.xsd requires (ours always write them).
    for file in [
        "TD3.3c_delete_document_request.xml",
        "TD3.3d_archive_document_request.xml",
    ] {
        let errors = xmllint_validate(&body(file, ns::LCM, "SubmitObjectsRequest"), LCM, file)
            .expect_err("the sample is not schema-valid");
        let complaints: Vec<&str> = errors
            .lines()
            .filter(|l| l.contains("validity error"))
            .collect();
        assert_eq!(complaints.len(), 4, "{errors}");
        assert!(
            complaints
                .iter()
                .all(|l| l.contains("'classifiedObject' is required")
                    || l.contains("'registryObject' is required"))
        );
    }
}
