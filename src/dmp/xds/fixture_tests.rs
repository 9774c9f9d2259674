//! Reading the real messages: the agency's TD3.1 answer (212 KB, 21 DocumentEntries, CRLF,
//! long lines) field by field, TD3.2, the ITI-41/57 answers, and every message of
//! `shared/fixtures/xds` (NIST, IPF, DRIMbox).

use chrono::{TimeZone, Utc};

use super::test_support::{dmp_fixture, fixture};
use super::*;
use crate::domain::{BodyKind, Visibility};

fn td31() -> QueryResponse {
    parse_query_response(&dmp_fixture("TD3.1_find_documents_response.xml")).expect("TD3.1")
}

fn entry<'a>(r: &'a QueryResponse, uuid: &str) -> &'a DmpDocumentEntry {
    r.entries
        .iter()
        .find(|e| e.entry_uuid == format!("urn:uuid:{uuid}"))
        .unwrap_or_else(|| panic!("entry {uuid}"))
}

fn code(code: &str, scheme: &str, display: &str) -> Option<Code> {
    Some(Code::new(code, scheme, display))
}

const INS_2010: &str = "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20100907";
const INS_2010_10: &str = "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20101001";
const IPP: &str = "0456789999^^^&1.2.250.1.999.1.1.7898.2&ISO^PI";
const CHU_GENE: &str = "30B0041968/XXX123^CHU-GENE^ALAIN^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS";
const SM26: &str = "Médecin - Qualifié en Médecine Générale (SM)";

fn machepro() -> Author {
    Author {
        person: Some(Xcn::from_hl7(
            "899900062490^MACHEPRO^ULYSSE^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^EI",
        )),
        institutions: vec![Xon::from_hl7(
            "ETABLISEMENT DE SANTE DE TEST 2013^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^10B0041968",
        )],
        roles: Vec::new(),
        specialties: vec![Code::new("G15_10/SM26", OID_SPECIALTY, SM26)],
        telecommunications: Vec::new(),
    }
}

#[test]
fn td31_answer_as_a_whole() {
    let r = td31();
    assert_eq!(r.status, ResponseStatus::Success);
    assert!(r.errors.is_empty());
    assert_eq!(r.total_result_count, Some(21));
    assert_eq!(r.entries.len(), 21);
    assert_eq!(r.skipped_entries, 0);
    assert!(r.object_refs.is_empty());
    let mut unique: Vec<&str> = r.entries.iter().map(|e| e.unique_id.as_str()).collect();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 21);
    for e in &r.entries {
        assert_eq!(e.status, AvailabilityStatus::Approved);
        assert_eq!(e.logical_id.as_deref(), Some(e.entry_uuid.as_str()));
        assert_eq!(e.version_name.as_deref(), Some("1"));
        assert_eq!(e.mime_type, "text/xml");
        assert_eq!(
            e.repository_unique_id.as_deref(),
            Some("1.2.250.1.213.4.1.1.1.2")
        );
        assert_eq!(e.hl7_confidentiality().map(|c| c.code.as_str()), Some("N"));
        assert_eq!(e.source_patient_id, Some(Cx::from_hl7(IPP)));
        assert_eq!(e.authors.len(), 1);
        assert!(e.hash.as_ref().is_some_and(|h| h.len() == 40));
        assert!(e.size.is_some() && e.class_code.is_some() && e.type_code.is_some());
        assert!(e.format_code.is_some() && e.practice_setting_code.is_some());
        assert!(e.healthcare_facility_type_code.is_some());
        assert_eq!(
            e.patient_id.as_ref().map(Cx::id).as_deref(),
            Some("207058575627097")
        );
    }
    let hidden: Vec<&str> = r
        .entries
        .iter()
        .filter(|e| e.visibility().invisible_patient)
        .map(|e| &e.entry_uuid[9..17])
        .collect();
    assert_eq!(hidden, ["7953af1a", "9cded812", "e2325e04"]);
    assert!(r.entries.iter().all(|e| !e.visibility().masked_ps));
    assert!(
        r.entries
            .iter()
            .all(|e| !e.visibility().invisible_legal_reps)
    );
    let without_event: Vec<&str> = r
        .entries
        .iter()
        .filter(|e| e.event_codes.is_empty())
        .map(|e| &e.entry_uuid[9..17])
        .collect();
    assert_eq!(without_event, ["f8dd483c"]);
}

#[test]
fn td31_kit_entry_with_invisible_patient_field_by_field() {
    let r = td31();
    let e = entry(&r, "7953af1a-ba1c-11eb-816f-0050569e422e");
    let expected = DmpDocumentEntry {
        entry_uuid: "urn:uuid:7953af1a-ba1c-11eb-816f-0050569e422e".into(),
        logical_id: Some("urn:uuid:7953af1a-ba1c-11eb-816f-0050569e422e".into()),
        version_name: Some("1".into()),
        status: AvailabilityStatus::Approved,
        unique_id: "1.2.250.1.999.1.1.7898.1.995657292".into(),
        repository_unique_id: Some("1.2.250.1.213.4.1.1.1.2".into()),
        mime_type: "text/xml".into(),
        creation_time: Some("20100319183244".into()),
        service_start_time: Some("20100319183244".into()),
        service_stop_time: Some("20100319183244".into()),
        size: Some(2768),
        hash: Some("af326fb44feb720121d2c277ce10f87407818089".into()),
        language_code: Some("fr-FR".into()),
        title: Some("Titre du document de TEST KIT EDITEUR CSharp".into()),
        comments: Some("commentaire du document de TEST KIT EDITEUR CSharp".into()),
        legal_authenticator: Some(Xcn::from_hl7(
            "00B2800585^OPTOLUNE0058^SEBASTIEN^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS",
        )),
        authors: vec![Author {
            person: Some(Xcn::from_hl7(
                "899900063480^Kit^Editeur^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS",
            )),
            institutions: vec![Xon::from_hl7(
                "HOPITAL DES 3 VALLEES00771^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^10B0127189",
            )],
            roles: Vec::new(),
            specialties: vec![Code::new(
                "G15_10/SM04",
                OID_SPECIALTY,
                "Médecin - Cardiologie et maladies vasculaires (SM)",
            )],
            telecommunications: Vec::new(),
        }],
        class_code: code("10", OID_CLASS_CODE, "Compte rendu"),
        type_code: code("27899-4", OID_LOINC, "CR d'acte diagnostique (autre)"),
        format_code: code(
            "urn:ihe:iti:xds-sd:text:2008",
            OID_FORMAT_CODE,
            "Document à corps non structuré en texte brut",
        ),
        practice_setting_code: code(
            "ETABLISSEMENT",
            OID_PRACTICE_SETTING,
            "Etablissement de santé",
        ),
        healthcare_facility_type_code: code(
            "SA01",
            OID_FACILITY_TYPE,
            "Etablissement public de santé",
        ),
        event_codes: vec![Code::new(
            "H33",
            "2.16.840.1.113883.6.3",
            "Décollement et déchirement de la rétine",
        )],
        confidentiality_codes: vec![
            Code::new("N", OID_HL7_CONFIDENTIALITY, "Normal"),
            Code::new(
                "INVISIBLE_PATIENT",
                OID_DMP_VISIBILITY,
                "Non visible par le patient",
            ),
        ],
        patient_id: Some(Cx::from_hl7(INS_2010)),
        source_patient_id: Some(Cx::from_hl7(IPP)),
        source_patient_info: vec![
            "PID-5|MARTINQUARANTESIX^Simonquasix^^^^^L".into(),
            "PID-7|19760717".into(),
            "PID-8|F".into(),
        ],
    };
    assert_eq!(*e, expected);
    // The typed views of the same fields.
    let author = e.authors[0].person.as_ref().expect("author");
    assert_eq!(author.id().as_deref(), Some("899900063480"));
    assert_eq!(author.family().as_deref(), Some("Kit"));
    assert_eq!(author.given().as_deref(), Some("Editeur"));
    let institution = &e.authors[0].institutions[0];
    assert_eq!(institution.name(), "HOPITAL DES 3 VALLEES00771");
    assert_eq!(institution.id().as_deref(), Some("10B0127189"));
    assert_eq!(
        e.patient_id
            .as_ref()
            .map(|p| p.query_form().as_hl7().to_owned())
            .as_deref(),
        Some("207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH")
    );
    assert_eq!(
        e.visibility(),
        Visibility {
            invisible_patient: true,
            ..Visibility::default()
        }
    );
    assert_eq!(
        e.creation_time_utc(),
        Utc.with_ymd_and_hms(2010, 3, 19, 18, 32, 44).single()
    );
    let debug = format!("{e:?}");
    assert!(!debug.contains("207058575627097") && !debug.contains("Simonquasix"));
    assert!(!debug.contains("Titre du document"));
}

#[test]
fn td31_dispensation_with_invisible_patient_field_by_field() {
    let r = td31();
    let e = entry(&r, "e2325e04-ae6a-11eb-8f5d-0050569e422e");
    let expected = DmpDocumentEntry {
        entry_uuid: "urn:uuid:e2325e04-ae6a-11eb-8f5d-0050569e422e".into(),
        logical_id: Some("urn:uuid:e2325e04-ae6a-11eb-8f5d-0050569e422e".into()),
        version_name: Some("1".into()),
        status: AvailabilityStatus::Approved,
        unique_id: "1.999888777.1.28".into(),
        repository_unique_id: Some("1.2.250.1.213.4.1.1.1.2".into()),
        mime_type: "text/xml".into(),
        creation_time: Some("20100103083000".into()),
        service_start_time: Some("20100101081542".into()),
        service_stop_time: Some("20100101123000".into()),
        size: Some(10772),
        hash: Some("0ebb74f383d6b9e188b692b5e7fe1f615cf855b2".into()),
        language_code: Some("fr-FR".into()),
        title: Some("document 28".into()),
        comments: Some("document 28  - ici le commentaire".into()),
        legal_authenticator: Some(Xcn::from_hl7(CHU_GENE)),
        authors: vec![machepro()],
        class_code: code("43", OID_CLASS_CODE, "Dispensation"),
        type_code: code("29550-1", OID_LOINC, "Dispensation médicamenteuse"),
        format_code: code(
            "urn:ihe:iti:xds-sd:text:2008",
            OID_FORMAT_CODE,
            "Document à corps non structuré en texte brut",
        ),
        practice_setting_code: code("SAD", OID_PRACTICE_SETTING, "Soins à domicile"),
        healthcare_facility_type_code: code(
            "SA28",
            OID_FACILITY_TYPE,
            "Association ou organisme humanitaire",
        ),
        event_codes: vec![Code::new(
            "BAFA018",
            "1.2.250.1.213.2.5",
            "Résection cutanée suprasourcilière unilatérale",
        )],
        confidentiality_codes: vec![
            Code::new("N", OID_HL7_CONFIDENTIALITY, "Normal"),
            Code::new(
                "INVISIBLE_PATIENT",
                OID_DMP_VISIBILITY,
                "Non visible par le patient",
            ),
        ],
        patient_id: Some(Cx::from_hl7(INS_2010_10)),
        source_patient_id: Some(Cx::from_hl7(IPP)),
        source_patient_info: vec![
            "PID-5|patb-quatre^LAURENCE^^^^^L".into(),
            "PID-7|19070525".into(),
            "PID-8|M".into(),
        ],
    };
    assert_eq!(*e, expected);
    // The national id of this author is typed EI, not IDNPS: kept as written.
    let person = e.authors[0].person.as_ref().expect("person");
    assert_eq!(person.id_type().as_deref(), Some("EI"));
    assert_eq!(
        e.legal_authenticator.as_ref().and_then(Xcn::id).as_deref(),
        Some("30B0041968/XXX123")
    );
}

#[test]
fn td31_pdf_synthesis_field_by_field_and_as_domain_meta() {
    let r = td31();
    let e = entry(&r, "bc756a49-ae6a-11eb-8f5d-0050569e422e");
    let expected = DmpDocumentEntry {
        entry_uuid: "urn:uuid:bc756a49-ae6a-11eb-8f5d-0050569e422e".into(),
        logical_id: Some("urn:uuid:bc756a49-ae6a-11eb-8f5d-0050569e422e".into()),
        version_name: Some("1".into()),
        status: AvailabilityStatus::Approved,
        unique_id: "1.999888777.1.22".into(),
        repository_unique_id: Some("1.2.250.1.213.4.1.1.1.2".into()),
        mime_type: "text/xml".into(),
        creation_time: Some("20100320120000".into()),
        service_start_time: Some("20100319183244".into()),
        service_stop_time: Some("20100319183244".into()),
        size: Some(169_544),
        hash: Some("41d96ae4c500540c34b5169c9c68e6405fd99270".into()),
        language_code: Some("fr-FR".into()),
        title: Some("document 22".into()),
        comments: Some("document 22  - ici le commentaire".into()),
        legal_authenticator: Some(Xcn::from_hl7(CHU_GENE)),
        authors: vec![machepro()],
        class_code: code("11", OID_CLASS_CODE, "Synthèse"),
        type_code: code("SYNTH", "1.2.250.1.213.1.1.4.12", "Synthèse"),
        format_code: code(
            "urn:ihe:iti:xds-sd:pdf:2008",
            OID_FORMAT_CODE,
            "Document à corps non structuré en Pdf/A-1",
        ),
        practice_setting_code: code(
            "ETABLISSEMENT",
            OID_PRACTICE_SETTING,
            "Etablissement de santé",
        ),
        healthcare_facility_type_code: code("SA22", OID_FACILITY_TYPE, "Recherche"),
        event_codes: vec![Code::new(
            "ACFA004",
            "1.2.250.1.213.2.5",
            "Exérèse de tumeur du clivus, par craniotomie",
        )],
        confidentiality_codes: vec![Code::new("N", OID_HL7_CONFIDENTIALITY, "Normal")],
        patient_id: Some(Cx::from_hl7(INS_2010_10)),
        source_patient_id: Some(Cx::from_hl7(IPP)),
        source_patient_info: vec![
            "PID-5|patb-quatre^LAURENCE^^^^^L".into(),
            "PID-7|19070525".into(),
            "PID-8|M".into(),
        ],
    };
    assert_eq!(*e, expected);
    assert_eq!(e.visibility(), Visibility::default());

    let meta = e.to_meta();
    assert_eq!(meta.cda_id, "1.999888777.1.22");
    assert_eq!(meta.type_code, "SYNTH");
    assert_eq!(meta.type_system, "1.2.250.1.213.1.1.4.12");
    assert_eq!(meta.type_label, "Synthèse");
    assert_eq!(meta.class_code.as_deref(), Some("11"));
    assert_eq!(meta.title, "document 22");
    assert_eq!(meta.author, "ULYSSE MACHEPRO");
    assert_eq!(meta.organisation, "ETABLISEMENT DE SANTE DE TEST 2013");
    assert_eq!(meta.confidentiality, "N");
    assert_eq!(meta.body, BodyKind::Pdf);
    assert!(meta.has_pdf);
    assert_eq!(meta.replaces, None);
    let local = |y, mo, d, h, mi, s| {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .map(|t| t.with_timezone(&chrono::Local).naive_local())
    };
    assert_eq!(meta.act_date, local(2010, 3, 19, 18, 32, 44));
    assert_eq!(meta.created, local(2010, 3, 20, 12, 0, 0));
}

#[test]
fn td31_formats_map_to_body_kinds() {
    let r = td31();
    let kind = |uuid: &str| entry(&r, uuid).to_meta().body;
    assert_eq!(kind("7953af1a-ba1c-11eb-816f-0050569e422e"), BodyKind::Text);
    assert_eq!(kind("c7400505-ae6a-11eb-8f5d-0050569e422e"), BodyKind::Rtf);
    assert_eq!(
        kind("ccf3d420-ae6a-11eb-8f5d-0050569e422e"),
        BodyKind::Image
    );
    assert_eq!(
        kind("d6efd426-ae6a-11eb-8f5d-0050569e422e"),
        BodyKind::Image
    );
    // N3: XD-LAB and the CS8 certificate.
    assert_eq!(
        kind("75c4d73c-ae6b-11eb-8f5d-0050569e422e"),
        BodyKind::Structured
    );
    let cs8 = entry(&r, "f8dd483c-ae6a-11eb-8f5d-0050569e422e");
    assert_eq!(cs8.to_meta().body, BodyKind::Structured);
    assert_eq!(
        cs8.type_code,
        code(
            "CERT_DECL",
            "1.2.250.1.213.1.1.4.12",
            "Certificat, déclaration"
        )
    );
    assert_eq!(
        cs8.comments.as_deref(),
        Some("document 32  - volet de contenu structuré CDA - CS8")
    );
    assert!(cs8.event_codes.is_empty());
}

#[test]
fn td32_answer_refers_to_an_mtom_part() {
    let r = parse_retrieve_response(&dmp_fixture("TD3.2_retrieve_document_response.xml"))
        .expect("TD3.2")
        .into_result()
        .expect("success");
    assert_eq!(r.registry_response.status, ResponseStatus::Success);
    assert_eq!(r.documents.len(), 1);
    let d = &r.documents[0];
    assert_eq!(d.repository_unique_id, "1.2.250.1.213.4.1.1.1.2");
    assert_eq!(d.document_unique_id, "1.2.250.1.999.1.1.7898.1.995657292");
    assert_eq!(d.mime_type, "text/xml");
    assert_eq!(
        d.content,
        DocumentContent::Xop {
            content_id: "b857abb7-a2c3-4db8-bd69-d5ff76826e72-2@urn:ihe:iti:xds-b:2007".into(),
            href: "cid:b857abb7-a2c3-4db8-bd69-d5ff76826e72-2@urn%3Aihe%3Aiti%3Axds-b%3A2007"
                .into(),
        }
    );
}

#[test]
fn agency_registry_responses_are_success() {
    for name in [
        "TD2.1_provide_and_register_response.xml",
        "TD3.3c_delete_document_response.xml",
        "TD3.3d_archive_document_response.xml",
    ] {
        let r =
            parse_registry_response(&dmp_fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(r.status, ResponseStatus::Success, "{name}");
        assert!(r.errors.is_empty());
        assert!(r.into_result().is_ok());
    }
}

/// The SOAP part of an MTOM multipart body: from the first `<` after the part headers to the
/// end of the envelope.
fn soap_part(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    let start = text
        .find("<soap:Envelope")
        .or_else(|| text.find("<soapenv:Envelope"))
        .expect("envelope");
    let end_tag = if text[start..].starts_with("<soap:") {
        "</soap:Envelope>"
    } else {
        "</soapenv:Envelope>"
    };
    let end = text[start..].find(end_tag).expect("envelope end") + start + end_tag.len();
    text[start..end].as_bytes().to_vec()
}

#[test]
fn xds_fixtures_parse() {
    // NIST stored query answers.
    for name in ["nist/sq-resp-lc.xml", "nist/soap-xcq-resp.xml"] {
        let r = parse_query_response(&fixture(&format!("xds/{name}"))).expect(name);
        assert_eq!(r.status, ResponseStatus::Success, "{name}");
        assert_eq!(r.entries.len(), 2, "{name}");
        assert_eq!(r.skipped_entries, 0, "{name}");
        for e in &r.entries {
            assert!(!e.unique_id.is_empty() && e.patient_id.is_some(), "{name}");
            assert!(e.class_code.is_some() && e.format_code.is_some(), "{name}");
        }
    }
    let sq = parse_query_response(&fixture("xds/nist/sq-resp-lc.xml")).expect("sq");
    assert_eq!(
        sq.entries[0].entry_uuid,
        "urn:uuid:974330cc-26ff-4ef8-aca5-f71efc3f1fb0"
    );
    assert_eq!(sq.entries[0].creation_time.as_deref(), Some("20061224"));

    // Registry responses: a success carrying an error, and a SOAP-wrapped success.
    let r = parse_registry_response(&fixture("xds/nist/regresp-suc-err.xml")).expect("regresp");
    assert_eq!(r.status, ResponseStatus::Success);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].code, ErrorCode::UnknownPatientId);
    assert_eq!(r.errors[0].severity, Severity::Error);
    assert!(
        r.errors[0]
            .code_context
            .starts_with("XDS Unknown Patient Id")
    );
    assert!(r.errors[0].location.is_some());
    assert!(!r.errors[0].is_retryable());
    let r = parse_registry_response(&fixture("xds/nist/soap-pnr-resp.xml")).expect("pnr resp");
    assert_eq!(r.status, ResponseStatus::Success);

    // Retrieve answer with inline base64 documents.
    let r = parse_retrieve_response(&fixture("xds/nist/soap-ret-resp.xml")).expect("ret");
    assert_eq!(r.documents.len(), 2);
    match &r.documents[0].content {
        DocumentContent::Inline(bytes) => assert!(bytes.starts_with(b"R0lGODlh")),
        other => panic!("inline expected, got {other:?}"),
    }

    // Submissions: IPF register and update, NIST deprecate, NIST PnR (metadata only).
    let objects =
        parse_registry_objects(&fixture("xds/ipf/SubmitObjectsRequest_ebrs30.xml")).expect("ipf");
    assert_eq!(objects.entries.len(), 1);
    assert_eq!(objects.packages.len(), 1);
    assert!(
        objects
            .associations
            .iter()
            .any(|a| a.association_type == ASSOC_HAS_MEMBER)
    );
    let update = parse_registry_objects(&fixture("xds/ipf/SubmitObjectsRequest_ebrs30_update.xml"))
        .expect("ipf update");
    let has_member = update
        .associations
        .iter()
        .find(|a| a.association_type == ASSOC_HAS_MEMBER && a.target == "Document01")
        .expect("HasMember");
    assert_eq!(
        has_member.slot("PreviousVersion"),
        Some(&["1".to_owned()][..])
    );
    let doc = update
        .entries
        .iter()
        .find(|e| e.entry_uuid == "Document01")
        .expect("Document01");
    assert_eq!(
        doc.logical_id.as_deref(),
        Some("urn:uuid:20744602-ba65-44e9-87ee-a52303a5183e")
    );
    let deprecate = parse_registry_objects(&fixture("xds/nist/deprecate.xml")).expect("deprecate");
    let a = deprecate
        .associations
        .iter()
        .find(|a| a.association_type == ASSOC_UPDATE_AVAILABILITY_STATUS)
        .expect("UpdateAvailabilityStatus");
    assert_eq!(
        a.slot("NewStatus"),
        Some(&[AvailabilityStatus::DEPRECATED.to_owned()][..])
    );
    let pnr = parse_registry_objects(&fixture("xds/nist/soap-pnr.xml")).expect("nist pnr");
    assert!(!pnr.entries.is_empty());

    // The NIST raw HTTP MTOM request and the two DRIMbox multipart messages: their SOAP parts.
    let http = soap_part(&fixture("xds/nist/http-mtom-pnr.txt"));
    let objects = parse_registry_objects(&http).expect("nist mtom");
    assert_eq!(objects.entries.len(), 1);
    let drimbox = soap_part(&fixture("xds/dmp-drimbox/publication.xml"));
    let objects = parse_registry_objects(&drimbox).expect("drimbox publication");
    assert_eq!(objects.entries.len(), 2);
    let kos = objects
        .entries
        .iter()
        .find(|e| {
            e.class_code
                .as_ref()
                .is_some_and(|c| c.scheme == OID_CLASS_CODE)
        })
        .expect("KOS entry");
    assert_eq!(
        kos.patient_id
            .as_ref()
            .and_then(Cx::authority_oid)
            .as_deref(),
        Some("1.2.250.1.213.1.4.10")
    );
    assert!(
        objects
            .associations
            .iter()
            .any(|a| a.association_type == ASSOC_SIGNS)
    );
    let response = soap_part(&fixture("xds/dmp-drimbox/response.xml"));
    let r = parse_registry_response(&response).expect("drimbox response");
    assert_eq!(r.status, ResponseStatus::Success);
}
