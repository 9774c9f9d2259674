//! Tests on every real CI-SIS fixture of `shared/fixtures/cda` (values checked against its
//! SOURCES.md): identity and versioning, PDF placement (N1 body, PDF copy, attached document),
//! header details, auto-presentable wrapping, section tree.

use chrono::{NaiveDate, NaiveDateTime};

use super::*;
use crate::domain::InsOid;

use crate::testing::CDA_FIXTURES as FIXTURES;

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}{name}")).expect("fixture readable")
}

fn load(name: &str) -> CdaDocument {
    parse(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .and_then(|d| d.and_hms_opt(h, mi, s))
        .expect("valid date")
}

/// Where a fixture's PDF sits, per SOURCES.md.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pdf {
    None,
    N1,
    Copy,
    AttachedOnly,
}

struct Expected {
    file: &'static str,
    id: &'static str,
    set_id: &'static str,
    version: u32,
    replaces: Option<&'static str>,
    pdf: Pdf,
    author: &'static str,
    organisation: &'static str,
}

const ALL: [Expected; 13] = [
    Expected {
        file: "BIO-CR-BIO_2024.01_TSH_1.xml",
        id: "1.2.250.1.213.1.1.1.55.2024.9.1",
        set_id: "1.2.250.1.213.1.1.1.55.2024.9",
        version: 1,
        replaces: None,
        pdf: Pdf::Copy,
        author: "Marcel CAMPARINI",
        organisation: "Laboratoire des charmes",
    },
    Expected {
        file: "BIO-CR-BIO_2024.01_Microbiologie_V1.xml",
        id: "1.2.250.1.213.1.1.1.55.2024.8.1",
        set_id: "1.2.250.1.213.1.1.1.55.2024.8",
        version: 1,
        replaces: None,
        pdf: Pdf::Copy,
        author: "Marcel CAMPARINI",
        organisation: "Laboratoire des charmes",
    },
    Expected {
        file: "BIO-CR-BIO_2024.01_Microbiologie_V2.xml",
        id: "1.2.250.1.213.1.1.1.55.2024.8.2",
        set_id: "1.2.250.1.213.1.1.1.55.2024.8",
        version: 2,
        replaces: Some("1.2.250.1.213.1.1.1.55.12345.13"),
        pdf: Pdf::Copy,
        author: "Marcel CAMPARINI",
        organisation: "Laboratoire des charmes",
    },
    Expected {
        file: "LDL-SES_2022.01.xml",
        id: "1.2.250.1.213.1.1.1.29.2022.1.1",
        set_id: "1.2.250.1.213.1.1.1.29.2022.1",
        version: 1,
        replaces: None,
        pdf: Pdf::None,
        author: "Charles DAVID",
        organisation: "Hôpital Européen Georges Pompidou",
    },
    Expected {
        file: "VSM_1.4_2022.01.xml",
        id: "1.2.250.1.213.1.1.1.13.2022.1.1",
        set_id: "1.2.250.1.213.1.1.1.13.2022.1",
        version: 1,
        replaces: None,
        pdf: Pdf::None,
        author: "Stéphane MEDIONI",
        organisation: "Centre de soins le Belvédère",
    },
    Expected {
        file: "IMG_CR_IMG_2024.01.xml",
        id: "1.2.250.1.213.1.1.1.45.2024.1.1",
        set_id: "1.2.250.1.213.1.1.1.45.2024.1",
        version: 2,
        replaces: Some("90E1C8EC-F951-4B26-A305-A34848818DD6"),
        pdf: Pdf::AttachedOnly,
        author: "Jacques BIDEAULT",
        organisation: "Centre de radiologie Ambroise",
    },
    Expected {
        file: "eP-MED-DM_2024.01_PosoStruct.xml",
        id: "1.2.250.1.213.1.1.1.39.2024.2.1",
        set_id: "1.2.250.1.213.1.1.1.39.2024.2",
        version: 1,
        replaces: None,
        pdf: Pdf::Copy,
        author: "Romain PIOU",
        organisation: "Cabinet du DR Pierre JOLI",
    },
    Expected {
        file: "CSE-CS8_2024.01.xml",
        id: "1.2.250.1.213.1.1.1.5.1.2024.1.1",
        set_id: "1.2.250.1.213.1.1.1.5.1.2024.1",
        version: 1,
        replaces: Some("1.2.250.1.213.1.1.1.5.1.1"),
        pdf: Pdf::None,
        author: "Charles MULLER",
        organisation: "Clinique du Belvédère",
    },
    Expected {
        file: "BIO-TROD_2024.01_COVID-19.xml",
        id: "1.2.250.1.213.1.1.1.59.2024.2.1",
        set_id: "1.2.250.1.213.1.1.1.59.2024.2",
        version: 1,
        replaces: None,
        pdf: Pdf::None,
        author: "Pierre DIDOT",
        organisation: "Pharmacie des 4 cantons",
    },
    Expected {
        file: "BIO-CR-BIO_2021.01_Auto-Presentable.xml",
        id: "1.2.250.1.213.1.1.1.55.2021.1.1",
        set_id: "1.2.250.1.213.1.1.1.55.2021.1",
        version: 1,
        replaces: None,
        pdf: Pdf::None,
        author: "Marcel CAMPARINI",
        organisation: "Laboratoire des charmes",
    },
    Expected {
        file: "DOC_NON_STRUCTURE_CDA-R2-N1.xml",
        id: "1.3.6.1.4.1.19376.1.2.20.12345.1.1",
        set_id: "1.3.6.1.4.1.19376.1.2.20.12345.1",
        version: 1,
        replaces: None,
        pdf: Pdf::N1,
        author: "Marcel CAMPARINI",
        organisation: "Laboratoire des charmes",
    },
    Expected {
        file: "transmission_initiale_cr_imagerie.xml",
        id: "1.2.250.1.213.4.5.4.402",
        set_id: "D52DE737-001D-4031-B571-0A0ED7C42300",
        version: 1,
        replaces: None,
        pdf: Pdf::N1,
        author: "Jacques BIDEAULT",
        organisation: "Centre de radiologie Ambroise",
    },
    Expected {
        file: "remplacement_cr_imagerie.xml",
        id: "1.2.250.1.213.4.5.4.403",
        set_id: "D52DE737-001D-4031-B571-0A0ED7C42300",
        version: 2,
        replaces: Some("1.2.250.1.213.4.5.4.402"),
        pdf: Pdf::N1,
        author: "Jacques BIDEAULT",
        organisation: "Centre de radiologie Ambroise",
    },
];

#[test]
fn every_fixture_matches_sources_md() {
    for exp in &ALL {
        let doc = load(exp.file);
        let meta = doc.meta();
        let f = exp.file;
        assert_eq!(meta.cda_id, exp.id, "{f}");
        assert_eq!(meta.set_id, exp.set_id, "{f}");
        assert_eq!(meta.version_number, exp.version, "{f}");
        assert_eq!(meta.replaces.as_deref(), exp.replaces, "{f}");
        assert_eq!(meta.author, exp.author, "{f}");
        assert_eq!(meta.organisation, exp.organisation, "{f}");
        assert_eq!(meta.confidentiality, "N", "{f}");
        assert_eq!(meta.class_code, None, "{f}");
        assert!(!meta.title.is_empty() && !meta.type_label.is_empty(), "{f}");
        assert!(meta.created.is_some() && meta.act_date.is_some(), "{f}");

        let n1 = exp.pdf == Pdf::N1;
        assert_eq!(
            meta.body,
            if n1 {
                BodyKind::Pdf
            } else {
                BodyKind::Structured
            },
            "{f}"
        );
        assert_eq!(meta.has_pdf, matches!(exp.pdf, Pdf::N1 | Pdf::Copy), "{f}");
        assert_eq!(
            doc.pdf_copies().len(),
            usize::from(exp.pdf == Pdf::Copy),
            "{f}"
        );
        if let Some(pdf) = doc.pdf() {
            let bytes = pdf.decode().unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(bytes.starts_with(b"%PDF-"), "{f}");
            let expected_kind = if n1 {
                AttachmentKind::Body
            } else {
                AttachmentKind::PdfCopy
            };
            assert_eq!(pdf.kind(), expected_kind, "{f}");
        }
        for copy in doc.pdf_copies() {
            let bytes = copy.decode().unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(bytes.starts_with(b"%PDF-"), "{f}");
        }
        for att in doc.attachments() {
            assert_eq!(att.kind(), AttachmentKind::Attached, "{f}");
            assert!(att.decode().is_ok(), "{f}");
        }

        let patient = doc.header().patient.as_ref().expect("recordTarget");
        let ins = patient.ins().expect("INS");
        assert!(ins.is_ins(), "{f}");
        let name = patient.names.first().expect("patient name");
        assert!(
            name.birth_family().is_some() && name.used_given().is_some(),
            "{f}"
        );
    }
}

#[test]
fn tsh_header_in_detail() {
    let doc = load("BIO-CR-BIO_2024.01_TSH_1.xml");
    let h = doc.header();
    let meta = doc.meta();
    assert_eq!(meta.type_code, "11502-2");
    assert_eq!(meta.type_system, "2.16.840.1.113883.6.1");
    assert_eq!(meta.type_label, "CR d'examens biologiques");
    assert_eq!(meta.title, "Compte rendu d'examens biologiques");
    assert_eq!(meta.created, Some(dt(2021, 4, 1, 17, 10, 0)));
    assert_eq!(
        meta.act_date,
        Some(dt(2021, 1, 4, 9, 22, 0)),
        "serviceEvent low"
    );
    assert_eq!(h.language.as_deref(), Some("fr-FR"));
    assert!(h.template_ids.iter().any(|t| t == "1.2.250.1.213.1.1.1.55"));

    let p = h.patient.as_ref().expect("patient");
    let ins = p.ins().expect("INS");
    assert_eq!(ins.root, "1.2.250.1.213.1.4.10");
    assert_eq!(ins.extension.as_deref(), Some("279035121518989"));
    assert_eq!(ins.ins_oid(), Some(InsOid::TestNir));
    let others: Vec<_> = p.other_ids().collect();
    assert_eq!(others.len(), 1);
    assert_eq!(others[0].root, "1.2.3.4.567.8.9.10");
    let name = &p.names[0];
    assert_eq!(name.birth_family(), Some("PAT-TROIS"));
    assert_eq!(name.used_family(), Some("PAT-TROIS"));
    assert_eq!(name.birth_given(), Some("DOMINIQUE MARIE-LOUISE"));
    assert_eq!(name.first_given(), Some("DOMINIQUE"));
    assert_eq!(name.used_given(), Some("DOMINIQUE"));
    assert_eq!(name.family[0].qualifier.as_deref(), Some("BR"));
    assert_eq!(name.family[1].qualifier.as_deref(), Some("CL"));
    assert_eq!(name.given[0].qualifier, None);
    assert_eq!(p.gender.as_deref(), Some("F"));
    assert_eq!(p.birth_date(), NaiveDate::from_ymd_opt(1979, 3, 28));
    assert_eq!(p.birthplace_county.as_deref(), Some("51215"));
    assert_eq!(p.birthplace_city.as_deref(), Some("DOMPREMY"));

    let author = &h.authors[0];
    assert_eq!(author.time, Some(dt(2021, 1, 4, 16, 5, 27)));
    let rpps = author.national_id().expect("RPPS");
    assert_eq!(rpps.extension.as_deref(), Some("801234534765"));
    let specialty = author.specialty.as_ref().expect("specialty");
    assert_eq!(specialty.code, "G15_10/SM03");
    assert_eq!(specialty.display_name, "Médecin - Biologie médicale (SM)");
    let person = author.name.as_ref().expect("name");
    assert_eq!(person.prefixes, ["M"]);
    assert_eq!(person.suffixes, ["DR"]);
    assert_eq!(person.display_with_title(), "Dr Marcel CAMPARINI");
    let org = author.organisation.as_ref().expect("organisation");
    assert_eq!(org.ids[0].to_uid(), "1.2.250.1.71.4.2.2^1120459876");

    assert_eq!(
        h.custodian.as_ref().map(|o| o.name.as_str()),
        Some("Laboratoire des charmes")
    );
    let legal = h.legal_authenticator.as_ref().expect("legal authenticator");
    assert_eq!(legal.display_name(), "Marcel CAMPARINI");
    assert_eq!(h.service_events.len(), 3);
    assert_eq!(
        h.service_events[0].time.high,
        Some(dt(2021, 1, 4, 16, 5, 0))
    );
    assert_eq!(
        h.service_events[1].code.as_ref().map(|c| c.code.as_str()),
        Some("18727-8")
    );
    assert_eq!(h.service_events[2].time, Interval::default());
    let enc = h.encounter.as_ref().expect("encounter");
    assert_eq!(enc.time.low, Some(dt(2021, 1, 4, 7, 35, 0)));
    assert_eq!(enc.code.as_ref().map(|c| c.code.as_str()), Some("AMB"));
}

#[test]
fn pdf_copy_section_and_narrative() {
    let doc = load("BIO-CR-BIO_2024.01_Microbiologie_V1.xml");
    let copy = &doc.pdf_copies()[0];
    assert_eq!(copy.id(), Some("doc-1"));
    let section = copy.section().expect("section");
    assert!(section.template_ids.iter().any(|t| t == TEMPLATE_PDF_COPY));
    assert_eq!(section.title, "Copie du document");
    assert!(doc.media("doc-1").is_some());
    assert!(copy.estimated_size() > 100_000);

    let copy_section = doc
        .sections()
        .iter()
        .find(|s| s.is_pdf_copy())
        .expect("copy section");
    assert_eq!(copy_section.media_ids, ["doc-1"]);
    let narrative = copy_section.narrative_xml().expect("narrative");
    assert!(narrative.contains(r#"<renderMultiMedia referencedObject="doc-1"/>"#));
    assert!(narrative.trim_start().starts_with("<table"));
    assert_eq!(copy_section.narrative_prefix(), None);
    assert!(doc.attachments().is_empty());
}

#[test]
fn imaging_pdf_is_an_attachment_not_a_copy() {
    let doc = load("IMG_CR_IMG_2024.01.xml");
    assert!(doc.pdf().is_none());
    assert!(doc.pdf_copies().is_empty());
    let att = doc
        .attachments()
        .iter()
        .find(|a| a.is_pdf())
        .expect("attached PDF");
    assert_eq!(att.id(), Some("DOC-001"));
    let section = att.section().expect("section");
    assert!(
        section
            .template_ids
            .iter()
            .any(|t| t == TEMPLATE_ATTACHED_DOCUMENTS)
    );
    assert!(att.decode().expect("decodes").starts_with(b"%PDF-"));
    let enc = doc.header().encounter.as_ref().expect("encounter");
    assert_eq!(
        enc.facility_name.as_deref(),
        Some("Centre de radiologie Ambroise")
    );
    assert_eq!(
        enc.facility_code.as_ref().map(|c| c.code.as_str()),
        Some("SA08")
    );
    assert_eq!(enc.time.high, Some(dt(2021, 1, 8, 11, 17, 0)));
}

#[test]
fn prescription_png_declared_as_jpeg() {
    let doc = load("eP-MED-DM_2024.01_PosoStruct.xml");
    let code2d = doc.media("Code2dPDF").expect("2D code");
    assert_eq!(code2d.kind(), AttachmentKind::Attached);
    assert_eq!(code2d.declared_media_type(), "image/jpeg");
    assert_eq!(code2d.media_type(), "image/png");
    assert!(code2d.media_type_mismatch());
    assert!(code2d.decode().expect("png").starts_with(b"\x89PNG"));
    assert_eq!(doc.pdf().and_then(Attachment::id), Some("doc-1"));
}

#[test]
fn auto_presentable_wrapped_in_stylesheet() {
    let doc = load("BIO-CR-BIO_2021.01_Auto-Presentable.xml");
    let p = doc.header().patient.as_ref().expect("patient");
    let ins = p.ins().expect("INS");
    assert_eq!(ins.extension.as_deref(), Some("279035121518989"));
    assert_eq!(ins.root, "1.2.250.1.213.1.4.10");
    assert_eq!(p.names[0].birth_family(), Some("PAT-TROIS"));
    assert_eq!(doc.body_kind(), BodyKind::Structured);
    let chapter = doc.sections().first().expect("sections");
    assert!(!chapter.title.is_empty());
    let item = chapter.sections.first().expect("sub-section");
    assert_eq!(item.narrative_prefix(), Some("c"));
    assert!(item.narrative_xml().is_some_and(|x| x.contains("<c:")));
}

#[test]
fn n1_bodies() {
    for file in [
        "DOC_NON_STRUCTURE_CDA-R2-N1.xml",
        "transmission_initiale_cr_imagerie.xml",
        "remplacement_cr_imagerie.xml",
    ] {
        let doc = load(file);
        let body = doc.non_xml_body().expect("N1 body");
        assert_eq!(body.kind(), AttachmentKind::Body);
        assert_eq!(body.representation(), Representation::B64);
        assert!(doc.sections().is_empty());
        assert!(doc.attachments().is_empty());
    }
    let doc = load("DOC_NON_STRUCTURE_CDA-R2-N1.xml");
    let body = doc.non_xml_body().expect("body");
    assert_eq!(body.encoded_len(), 435_536);
    let enc = doc.header().encounter.as_ref().expect("encounter");
    assert_eq!(enc.time.low, Some(dt(2020, 7, 1, 13, 47, 45)));
    assert_eq!(
        enc.facility_code.as_ref().map(|c| c.code.as_str()),
        Some("SA07")
    );
    let remplacement = load("remplacement_cr_imagerie.xml");
    assert_eq!(remplacement.header().authors.len(), 2);
    assert_eq!(remplacement.header().related[0].type_code, "RPLC");
}

#[test]
fn section_tree_is_recursive() {
    let doc = load("VSM_1.4_2022.01.xml");
    assert!(!doc.sections().is_empty());
    fn count(sections: &[Section]) -> usize {
        sections.iter().map(|s| 1 + count(&s.sections)).sum()
    }
    assert!(
        count(doc.sections()) > doc.sections().len(),
        "nested sections"
    );
    assert!(doc.sections().iter().all(|s| !s.template_ids.is_empty()));
}
