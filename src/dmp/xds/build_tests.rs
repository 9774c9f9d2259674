//! Built messages against the agency's: the TD3.1 and TD3.2 requests, TD3.3c/d (delete,
//! archive), the TD3.3ab visibility template and the PnR body inside TD2.1's multipart —
//! compared structurally (see `test_support::shape`), every known difference spelled out.
//! Also: ITI-57 keeps the lid and sets PreviousVersion; feeding from the agency's N1 CDA.

use super::entry_read;
use super::test_support::*;
use super::*;
use crate::domain::Visibility;

fn td31_entry(uuid: &str) -> DmpDocumentEntry {
    let r = parse_query_response(&dmp_fixture("TD3.1_find_documents_response.xml")).expect("TD3.1");
    r.entries
        .into_iter()
        .find(|e| e.entry_uuid == format!("urn:uuid:{uuid}"))
        .expect("entry")
}

#[test]
fn find_documents_matches_the_td31_request() {
    let ins = Cx::from_hl7("207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20100907");
    let ours = parse(FindDocumentsQuery::new(ins).to_xml().as_bytes());
    let theirs = parse(&dmp_fixture("TD3.1_find_documents_request.xml"));
    assert_same_shape(ours, find(theirs, ns::QUERY, "AdhocQueryRequest"));
}

#[test]
fn retrieve_matches_the_td32_request() {
    let ours = retrieve_request_xml(&[DocumentRequest {
        repository_unique_id: "1.2.250.1.213.4.1.1.1.2".into(),
        document_unique_id: "1.2.250.1.999.1.1.7898.1.995657292".into(),
        home_community_id: None,
    }])
    .expect("request");
    let theirs = parse(&dmp_fixture("TD3.2_retrieve_document_request.xml"));
    assert_same_shape(
        parse(ours.as_bytes()),
        find(theirs, ns::XDSB, "RetrieveDocumentSetRequest"),
    );
}

/// Entry fe5287a2 of TD3.1 is the one TD3.3c and TD3.3d act on.
fn td33_target(status: AvailabilityStatus) -> DmpDocumentEntry {
    let mut e = td31_entry("fe5287a2-ae6a-11eb-8f5d-0050569e422e");
    e.status = status;
    // The samples' SubmissionSet carries the INS with another effective date.
    e.patient_id = Some(Cx::from_hl7(
        "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20210604092415",
    ));
    e
}

#[test]
fn delete_matches_td33c() {
    let ctx = agency_context("20210604092415", "Compte rendu", None);
    let entry = td33_target(AvailabilityStatus::Archived);
    let ours = availability_update_xml(
        &entry,
        AvailabilityStatus::Deleted,
        &ctx,
        &mut IdGen::seeded(1),
    )
    .expect("delete");
    let theirs = parse(&dmp_fixture("TD3.3c_delete_document_request.xml"));
    assert_same_shape(
        parse(ours.as_bytes()),
        find(theirs, ns::LCM, "SubmitObjectsRequest"),
    );
}

#[test]
fn archive_matches_td33d() {
    let ctx = agency_context("20210604092415", "Compte rendu", None);
    let entry = td33_target(AvailabilityStatus::Approved);
    let ours = availability_update_xml(
        &entry,
        AvailabilityStatus::Archived,
        &ctx,
        &mut IdGen::seeded(1),
    )
    .expect("archive");
    let theirs = parse(&dmp_fixture("TD3.3d_archive_document_request.xml"));
    assert_same_shape(
        parse(ours.as_bytes()),
        find(theirs, ns::LCM, "SubmitObjectsRequest"),
    );
}

#[test]
fn the_comparison_sees_differences() {
    let ctx = agency_context("20210604092415", "Compte rendu", None);
    let entry = td33_target(AvailabilityStatus::Approved);
    let archive = availability_update_xml(
        &entry,
        AvailabilityStatus::Archived,
        &ctx,
        &mut IdGen::seeded(1),
    )
    .expect("archive");
    let delete = parse(&dmp_fixture("TD3.3c_delete_document_request.xml"));
    let result = std::panic::catch_unwind(|| {
        assert_same_shape(
            parse(archive.as_bytes()),
            find(delete, ns::LCM, "SubmitObjectsRequest"),
        );
    });
    assert!(result.is_err(), "an archive must not look like a delete");
    let other_time = agency_context("20210604092416", "Compte rendu", None);
    let later = availability_update_xml(
        &entry,
        AvailabilityStatus::Archived,
        &other_time,
        &mut IdGen::seeded(1),
    )
    .expect("archive");
    assert_ne!(
        shape(parse(archive.as_bytes())),
        shape(parse(later.as_bytes()))
    );
}

#[test]
fn availability_transitions() {
    use AvailabilityStatus::*;
    let ctx = agency_context("20210604092415", "Compte rendu", None);
    let mut ids = IdGen::seeded(2);
    for (from, to, ok) in [
        (Approved, Deleted, true),
        (Archived, Deleted, true),
        (Approved, Archived, true),
        (Archived, Approved, true),
        (Deleted, Approved, false),
        (Deprecated, Archived, false),
        (Approved, Deprecated, false),
        (Approved, Approved, false),
    ] {
        let entry = td33_target(from.clone());
        let got = availability_update_xml(&entry, to.clone(), &ctx, &mut ids);
        assert_eq!(got.is_ok(), ok, "{from:?} -> {to:?}");
        if let Ok(xml) = got {
            let objects = parse_registry_objects(xml.as_bytes()).expect("reparse");
            let a = &objects.associations[0];
            assert_eq!(a.target, "urn:uuid:fe5287a2-ae6a-11eb-8f5d-0050569e422e");
            assert_eq!(a.slot("OriginalStatus"), Some(&[from.urn().to_owned()][..]));
            assert_eq!(a.slot("NewStatus"), Some(&[to.urn().to_owned()][..]));
        }
    }
    let mut symbolic = td33_target(Approved);
    symbolic.entry_uuid = "Document01".into();
    assert_eq!(
        availability_update_xml(&symbolic, Deleted, &ctx, &mut ids),
        Err(DmpError::request("entryUUID"))
    );
}

#[test]
fn visibility_update_matches_the_td33ab_template() {
    let template = String::from_utf8(dmp_fixture("TD3.3ab_visibility_update_template.xml"))
        .expect("UTF-8")
        // The kit adds the namespaces when it fills the template.
        .replace(
            "<SubmitObjectsRequest >",
            "<SubmitObjectsRequest xmlns=\"urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0\">",
        )
        // The template's classifications still point at the entry it was copied from; ours
        // point at the new version they belong to.
        .replace(
            "classifiedObject=\"urn:uuid:4f196ae8-5549-11e9-9478-0050569e422e\"",
            "classifiedObject=\"Document01\"",
        )
        .replace(
            "registryObject=\"urn:uuid:4f196ae8-5549-11e9-9478-0050569e422e\"",
            "registryObject=\"Document01\"",
        )
        // Placeholders of the template that disagree with each other: PreviousVersion 5 for an
        // entry whose VersionInfo says 1; the SubmissionSet's INS dated otherwise than the
        // entry's; its own label for MASQUE_PS where TRE_A07 says another.
        .replace("<Value>5</Value>", "<Value>1</Value>")
        .replace("ISO^NH^^20190404100738", "ISO^NH^^20190402151411")
        .replace(
            "Document masqué aux professionnels de santé",
            VisibilityFlag::MasquePs.label(),
        );
    let theirs = parse(template.as_bytes());
    let objects = parse_registry_objects(template.as_bytes()).expect("template objects");
    let mut current = objects.entries[0].clone();
    let lid = current.logical_id.clone().expect("lid");
    current.entry_uuid = lid;
    current.set_visibility(Visibility::default());

    let ctx = agency_context("20190404100738", "Compte rendu", None);
    let masked = Visibility {
        masked_ps: true,
        ..Visibility::default()
    };
    let ours =
        visibility_update_xml(&current, masked, &ctx, &mut IdGen::seeded(3)).expect("update");
    assert_same_shape(
        find(parse(ours.as_bytes()), ns::RIM, "RegistryObjectList"),
        find(theirs, ns::RIM, "RegistryObjectList"),
    );
}

#[test]
fn visibility_update_keeps_the_lid_sets_previous_version_and_changes_only_flags() {
    let current = td31_entry("7953af1a-ba1c-11eb-816f-0050569e422e");
    assert!(current.visibility().invisible_patient);
    let ctx = agency_context("20240301100000", "Visibilité", None);
    let shown = Visibility {
        invisible_legal_reps: true,
        ..Visibility::default()
    };
    let xml = visibility_update_xml(&current, shown, &ctx, &mut IdGen::seeded(4)).expect("update");
    let objects = parse_registry_objects(xml.as_bytes()).expect("reparse");
    assert_eq!(objects.packages, ["SubmissionSet01"]);
    assert_eq!(objects.entries.len(), 1);
    let copy = &objects.entries[0];
    assert_ne!(copy.entry_uuid, current.entry_uuid);
    assert_eq!(copy.logical_id, current.logical_id);
    assert_eq!(copy.status, AvailabilityStatus::Approved);
    assert_eq!(copy.visibility(), shown);
    let mut expected = current.clone();
    expected.entry_uuid = copy.entry_uuid.clone();
    expected.confidentiality_codes = vec![
        normal_confidentiality(),
        VisibilityFlag::InvisibleRepresentantsLegaux.to_code(),
    ];
    assert_eq!(*copy, expected, "only the confidentiality codes change");

    assert_eq!(objects.associations.len(), 1);
    let a = &objects.associations[0];
    assert_eq!(a.association_type, ASSOC_HAS_MEMBER);
    assert_eq!(
        (a.source.as_str(), a.target.as_str()),
        ("SubmissionSet01", copy.entry_uuid.as_str())
    );
    assert_eq!(
        a.slot("SubmissionSetStatus"),
        Some(&["Original".to_owned()][..])
    );
    assert_eq!(a.slot("PreviousVersion"), Some(&["1".to_owned()][..]));

    let mut no_lid = current.clone();
    no_lid.logical_id = None;
    assert_eq!(
        visibility_update_xml(&no_lid, shown, &ctx, &mut IdGen::seeded(4)),
        Err(DmpError::request("lid"))
    );
    let mut no_version = current.clone();
    no_version.version_name = None;
    assert_eq!(
        visibility_update_xml(&no_version, shown, &ctx, &mut IdGen::seeded(4)),
        Err(DmpError::request("versionName"))
    );
    let mut archived = current;
    archived.status = AvailabilityStatus::Archived;
    assert!(matches!(
        visibility_update_xml(&archived, shown, &ctx, &mut IdGen::seeded(4)),
        Err(DmpError::Request { .. })
    ));
}

/// An association seen as (type, source kind, target kind, slots).
type AssociationRole = (String, String, String, Vec<(String, Vec<String>)>);

/// The ProvideAndRegisterDocumentSetRequest of the TD2.1 multipart.
fn agency_pnr() -> Element<'static> {
    let bytes = dmp_fixture("TD2.1_provide_and_register_request.xml");
    let text = String::from_utf8_lossy(&bytes);
    let start = text.find("<soap:Envelope").expect("envelope");
    let end = text.find("</soap:Envelope>").expect("end") + "</soap:Envelope>".len();
    let envelope = text[start..end]
        // The sample's Document element says `documentME2` for the ExtrinsicObject
        // `DocumentME2`.
        .replace("id=\"documentME2\"", "id=\"DocumentME2\"")
        // Its SubmissionSet author classification lacks the (empty) nodeRepresentation that
        // ebRIM requires of external classifications and that TD3.3c/d carry.
        .replace(
            "classifiedObject=\"SubmissionSet01\" id=\"cla1\">",
            "classifiedObject=\"SubmissionSet01\" id=\"cla1\" nodeRepresentation=\"\">",
        );
    find(
        parse(envelope.as_bytes()),
        ns::XDSB,
        "ProvideAndRegisterDocumentSetRequest",
    )
}

use crate::dmp::error::DmpError;
use crate::xml::Element;

#[test]
fn feed_matches_the_td21_body() {
    let theirs = agency_pnr();
    let their_objects = entry_read::read_objects(theirs);
    let their_doc = their_objects
        .entries
        .iter()
        .find(|e| e.entry_uuid == "DocumentME2")
        .expect("document entry");
    let their_sig = their_objects
        .entries
        .iter()
        .find(|e| e.entry_uuid == "Signature01")
        .expect("signature entry");

    let cda = dmp_fixture("TD2.1_document_N1.xml");
    let req = FeedRequest {
        submission: agency_context(
            "20210604135051",
            "lot du document originel",
            Some("Compte rendu test"),
        ),
        documents: vec![FeedDocument {
            entry: their_doc.clone(),
            bytes: &cda,
            content_id: "WS_DMP_TD2.1-DocumentME2.xml".into(),
            replaces: None,
        }],
        signature_content_id: "WS_DMP_TD2.1-SignatureXades.xml".into(),
    };
    let signer = FakeSigner(agency_certificate());
    let built = provide_and_register(&req, &signer, &mut IdGen::seeded(5)).expect("PnR");
    let ours = parse(built.body.as_bytes());
    let our_objects = entry_read::read_objects(ours);

    // SubmissionSet: identical but for its (random) uniqueId.
    assert_same_shape(
        find(ours, ns::RIM, "RegistryPackage"),
        find(theirs, ns::RIM, "RegistryPackage"),
    );
    // Document entry: identical.
    let mut our_doc = our_objects.entries[0].clone();
    assert_eq!(our_doc.entry_uuid, "Document01");
    our_doc.entry_uuid = "DocumentME2".into();
    assert_eq!(our_doc, *their_doc);
    // Signature entry: identical but for three deliberate differences.
    let mut our_sig = our_objects.entries[1].clone();
    assert_eq!(our_sig.entry_uuid, "Signature01");
    assert_eq!(our_sig.unique_id, built.signature_unique_id);
    assert_eq!(our_sig.source_patient_id, their_doc.source_patient_id);
    assert_eq!(
        our_sig.confidentiality_codes,
        their_doc.confidentiality_codes
    );
    our_sig.unique_id = their_sig.unique_id.clone();
    // The sample gives the signature the INS as sourcePatientId; ours repeats the document's.
    our_sig.source_patient_id = their_sig.source_patient_id.clone();
    // The sample masks the signature (MASQUE_PS, INVISIBLE_PATIENT) but not the document it
    // signs; ours carries the document's confidentiality codes.
    our_sig.confidentiality_codes = their_sig.confidentiality_codes.clone();
    assert_eq!(our_sig, *their_sig);

    // Associations: same types between the same kinds of objects, same slots.
    let roles = |objects: &RegistryObjects| -> Vec<AssociationRole> {
        let role = |id: &str| match id {
            "SubmissionSet01" => "set".to_owned(),
            "Signature01" => "signature".to_owned(),
            _ => "document".to_owned(),
        };
        let mut v: Vec<_> = objects
            .associations
            .iter()
            .map(|a| {
                (
                    a.association_type.clone(),
                    role(&a.source),
                    role(&a.target),
                    a.slots.clone(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(roles(&our_objects), roles(&their_objects));

    // Document parts: the same MTOM references for the same objects.
    let parts = |e: Element<'_>| -> Vec<(String, String)> {
        e.children()
            .filter(|c| c.is(ns::XDSB, "Document"))
            .map(|d| {
                let include = d
                    .children()
                    .find(|c| c.is(ns::XOP, "Include"))
                    .expect("xop");
                (
                    d.attr("id")
                        .unwrap_or_default()
                        .replace("DocumentME2", "Document01"),
                    include.attr("href").unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(parts(ours), parts(theirs));
}

#[test]
fn feed_replacement_adds_rplc() {
    let cda = dmp_fixture("TD2.1_document_N1.xml");
    let doc = crate::cda::parse(&cda).expect("cda");
    let entry = DmpDocumentEntry::from_cda(&doc, &cda, &feed_params()).expect("entry");
    let req = FeedRequest {
        submission: agency_context("20240301100000", "Remplacement", None),
        documents: vec![FeedDocument {
            entry,
            bytes: &cda,
            content_id: "doc@chevet".into(),
            replaces: Some("urn:uuid:7953af1a-ba1c-11eb-816f-0050569e422e".into()),
        }],
        signature_content_id: "sig@chevet".into(),
    };
    let built = provide_and_register(
        &req,
        &FakeSigner(agency_certificate()),
        &mut IdGen::seeded(6),
    )
    .expect("PnR");
    let objects = parse_registry_objects(built.body.as_bytes()).expect("reparse");
    let rplc: Vec<_> = objects
        .associations
        .iter()
        .filter(|a| a.association_type == ASSOC_RPLC)
        .collect();
    assert_eq!(rplc.len(), 1);
    assert_eq!(rplc[0].source, "Document01");
    assert_eq!(
        rplc[0].target,
        "urn:uuid:7953af1a-ba1c-11eb-816f-0050569e422e"
    );
    assert_eq!(objects.entries[0].visibility(), feed_params().visibility);
    assert_eq!(objects.entries[1].visibility(), feed_params().visibility);

    let mut empty = req.clone();
    empty.documents.clear();
    assert!(
        provide_and_register(
            &empty,
            &FakeSigner(agency_certificate()),
            &mut IdGen::seeded(6)
        )
        .is_err()
    );
}

pub(crate) fn feed_params() -> FeedParams {
    FeedParams {
        class_code: Code::new("10", OID_CLASS_CODE, "Compte rendu"),
        practice_setting: Code::new(
            "ETABLISSEMENT",
            OID_PRACTICE_SETTING,
            "Etablissement de santé",
        ),
        healthcare_facility_type: None,
        format_code: None,
        visibility: Visibility {
            masked_ps: true,
            invisible_patient: true,
            invisible_legal_reps: false,
        },
        comments: Some("commentaire".into()),
    }
}

#[test]
fn entry_from_the_agency_n1_cda() {
    let cda = dmp_fixture("TD2.1_document_N1.xml");
    let doc = crate::cda::parse(&cda).expect("cda");
    let e = DmpDocumentEntry::from_cda(&doc, &cda, &feed_params()).expect("entry");
    let expected = DmpDocumentEntry {
        entry_uuid: String::new(),
        logical_id: None,
        version_name: None,
        status: AvailabilityStatus::Approved,
        unique_id: "1.2.250.1.999.1.1.7898.4.9956570902".into(),
        repository_unique_id: None,
        mime_type: "text/xml".into(),
        // 2019-02-21 13:34:45 +01:00.
        creation_time: Some("20190221123445".into()),
        service_start_time: Some("20190221".into()),
        service_stop_time: None,
        size: Some(4268),
        hash: Some("e1e83780fa1fb60c781c055eec69f452ccf808c1".into()),
        language_code: Some("fr-FR".into()),
        title: Some("Exemple de Document CDA R2 non Structure".into()),
        comments: Some("commentaire".into()),
        legal_authenticator: Some(Xcn::professional("899900063480", "LIBRE", "MAX")),
        authors: vec![Author {
            person: Some(Xcn::professional("899900063480", "MAX", "LIBRE")),
            institutions: vec![Xon::structure("CABINET DR LIBRE", "499900063480001")],
            ..Author::default()
        }],
        class_code: Some(Code::new("10", OID_CLASS_CODE, "Compte rendu")),
        type_code: Some(Code::new(
            "27899-4",
            OID_LOINC,
            "CR d'acte diagnostique (autre)",
        )),
        format_code: Some(Code::new(
            "urn:ihe:iti:xds-sd:text:2008",
            OID_FORMAT_CODE,
            "Document à corps non structuré en texte brut",
        )),
        practice_setting_code: Some(Code::new(
            "ETABLISSEMENT",
            OID_PRACTICE_SETTING,
            "Etablissement de santé",
        )),
        healthcare_facility_type_code: Some(Code::new(
            "SA07",
            OID_FACILITY_TYPE,
            "Cabinet individuel",
        )),
        event_codes: vec![Code::new("BACA008", "1.2.250.1.213.2.5", "suture sourcil")],
        confidentiality_codes: vec![
            Code::new("N", OID_HL7_CONFIDENTIALITY, "Normal"),
            VisibilityFlag::MasquePs.to_code(),
            VisibilityFlag::InvisiblePatient.to_code(),
        ],
        patient_id: Some(Cx::from_hl7(
            "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH",
        )),
        source_patient_id: Some(Cx::from_hl7(
            "0456789999^^^&1.2.250.1.999.1.1.7898.2&ISO^PI",
        )),
        source_patient_info: vec![
            "PID-5|patb-quatre^LAURENCE^^^^^L".into(),
            "PID-7|19790328".into(),
            "PID-8|F".into(),
        ],
    };
    assert_eq!(e, expected);
    assert_eq!(format_code_for(&doc), expected.format_code);

    // The same through the domain: what the folder would list.
    let meta = e.to_meta();
    assert_eq!(meta.cda_id, doc.meta().cda_id);
    assert_eq!(meta.type_code, doc.meta().type_code);
    assert_eq!(meta.body, doc.meta().body);

    let mut params = feed_params();
    params.class_code = Code::new("10", OID_CLASS_CODE, "");
    let no_ins = String::from_utf8(cda)
        .expect("UTF-8")
        .replace("root=\"1.2.250.1.213.1.4.10\"", "root=\"1.2.3\"");
    let doc = crate::cda::parse(no_ins.as_bytes()).expect("cda");
    assert_eq!(
        DmpDocumentEntry::from_cda(&doc, no_ins.as_bytes(), &params),
        Err(DmpError::request("INS of the patient"))
    );
}
