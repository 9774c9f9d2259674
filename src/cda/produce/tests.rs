//! Round trips through the project's own CDA parser: for each kind in N1 and N3, the header
//! values come back, the PDF (body or copy) decodes to the very PDF bytes, the narrative and
//! the PDF hold the same content; replacement (RPLC, version 2); no INS anywhere for an
//! identity that is not qualified; escaping of `& < > " '` in every free-text field.

use super::sample::{self, ESTABLISHMENT_OID, INS_MATRICULE, INS_OID, IPP_OID, NASTY, RPPS};
use super::*;
use crate::cda::{self, AttachmentKind, CdaDocument};
use crate::domain::{BodyKind, IdentityStatus};
use crate::pdf::write::tests::{collapse, content_text};

fn parse(bytes: &[u8]) -> CdaDocument {
    cda::parse(bytes).unwrap_or_else(|e| panic!("parse: {e}"))
}

/// Text of a narrative block: tags dropped, entities resolved, blanks collapsed.
fn narrative_text(xml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    collapse(&out)
}

/// Every text the document shows in its sections, in order: titles and block texts.
fn expected_texts(doc: &ProducedDocument) -> Vec<(String, Vec<String>)> {
    doc.sections
        .iter()
        .map(|s| {
            let mut texts = Vec::new();
            for b in &s.blocks {
                match b {
                    Block::Paragraph(p) => texts.push(collapse(p)),
                    Block::List(items) => texts.extend(items.iter().map(|i| collapse(i))),
                    Block::Table(t) => texts.extend(
                        t.header
                            .iter()
                            .chain(t.rows.iter().flatten())
                            .map(|c| collapse(c)),
                    ),
                    Block::Medications(lines) => {
                        let t = MedicationLine::table(lines);
                        texts.extend(
                            t.header
                                .iter()
                                .chain(t.rows.iter().flatten())
                                .filter(|c| !c.is_empty())
                                .map(|c| collapse(c)),
                        );
                    }
                }
            }
            (collapse(&s.title), texts)
        })
        .collect()
}

fn check_header(doc: &ProducedDocument, parsed: &CdaDocument, level: Level) {
    let meta = parsed.meta();
    let h = parsed.header();
    assert_eq!(meta.cda_id, doc.ids.id.to_uid());
    assert_eq!(meta.set_id, doc.ids.set_id.to_uid());
    assert_eq!(meta.version_number, doc.ids.version);
    assert_eq!(meta.type_code, doc.kind.loinc());
    assert_eq!(meta.type_system, catalog::LOINC);
    assert_eq!(meta.type_label, doc.kind.display_name());
    assert_eq!(meta.title, doc.title);
    assert_eq!(
        meta.author,
        format!("{} {}", doc.author.given, doc.author.family)
    );
    assert_eq!(meta.organisation, doc.organisation.name);
    assert_eq!(meta.confidentiality, "N");
    assert!(meta.has_pdf);
    assert_eq!(meta.created, Some(doc.created.naive_local()));
    assert_eq!(meta.act_date, Some(doc.act.start.naive_local()));
    assert_eq!(h.language.as_deref(), Some("fr-FR"));
    assert_eq!(
        meta.replaces,
        doc.ids.replaces.as_ref().map(Identifier::to_uid)
    );
    let templates = &h.template_ids;
    assert_eq!(templates[0], catalog::TEMPLATE_HL7_FRANCE);
    assert_eq!(templates[1], catalog::TEMPLATE_CI_SIS);
    match level {
        Level::N1 => assert_eq!(templates[2..], [catalog::TEMPLATE_XDS_SD]),
        Level::N3 => {
            let model: Vec<&str> = doc.kind.n3_templates().iter().map(|t| t.root).collect();
            assert_eq!(templates[2..], model[..]);
        }
    }

    let p = h.patient.as_ref().expect("recordTarget");
    match (doc.ins_usable(), p.ins()) {
        (true, Some(ins)) => {
            assert_eq!(ins.root, INS_OID);
            assert_eq!(ins.extension.as_deref(), Some(INS_MATRICULE));
        }
        (false, None) => {}
        (usable, found) => panic!("INS usable {usable}, found {found:?}"),
    }
    let ipp: Vec<_> = p.other_ids().collect();
    assert_eq!(ipp.len(), 1);
    assert_eq!(ipp[0].root, IPP_OID);
    assert_eq!(ipp[0].extension.as_deref(), Some(doc.patient.ipp.as_str()));
    let t = &doc.patient.traits;
    let name = &p.names[0];
    assert_eq!(name.birth_family(), Some(t.birth_name.as_str()));
    assert_eq!(name.birth_given(), Some(t.birth_first_names.as_str()));
    assert_eq!(name.first_given(), Some(t.first_first_name()));
    assert_eq!(name.used_family(), doc.patient.used_name.as_deref());
    assert_eq!(name.used_given(), doc.patient.used_first_name.as_deref());
    assert_eq!(p.gender.as_deref(), Some(t.sex.code()));
    assert_eq!(p.birth_date(), Some(t.birth_date));
    assert_eq!(p.birthplace_county, t.birthplace_insee);

    let author = &h.authors[0];
    let national = author.national_id().expect("national id");
    assert_eq!(national.extension, Some(format!("8{RPPS}")));
    let specialty = author.specialty.as_ref().expect("specialty");
    assert_eq!(specialty.code, doc.author.specialty.code);
    assert_eq!(specialty.system, catalog::PS_SPECIALTY);
    let org = author.organisation.as_ref().expect("organisation");
    assert_eq!(org.ids[0].root, catalog::OID_STRUCTURE_ID);
    assert_eq!(org.ids[0].extension, Some(format!("1{}", sample::finess())));
    let custodian = h.custodian.as_ref().expect("custodian");
    assert_eq!(custodian.name, doc.custodian.name);
    let signer = h.legal_authenticator.as_ref().expect("legal authenticator");
    assert_eq!(signer.national_id(), Some(national));
    let event = &h.service_events[0];
    assert_eq!(event.time.low, Some(doc.act.start.naive_local()));
    let enc = h.encounter.as_ref().expect("encounter");
    assert_eq!(enc.time.low, Some(doc.encounter.start.naive_local()));
    assert_eq!(
        enc.facility_name.as_deref(),
        Some(doc.encounter.unit_name.as_str())
    );
    assert_eq!(
        enc.service_provider.as_deref(),
        Some(doc.organisation.name.as_str())
    );
    assert_eq!(
        enc.facility_code.as_ref().map(|c| c.code.as_str()),
        Some(doc.encounter.facility_type.code.as_str())
    );
}

/// Checks one N1 and one N3 produced from `doc`, and that they carry the same content.
fn check_all(doc: &ProducedDocument) {
    let out = produce(doc).expect("produce");
    let pdf_text = content_text(&out.pdf);

    let n1 = parse(&out.n1);
    check_header(doc, &n1, Level::N1);
    assert_eq!(n1.body_kind(), BodyKind::Pdf);
    let body = n1.non_xml_body().expect("N1 body");
    assert_eq!(body.kind(), AttachmentKind::Body);
    assert_eq!(
        body.decode().expect("decodes"),
        out.pdf,
        "N1 PDF is the very PDF"
    );

    let n3 = parse(&out.n3);
    check_header(doc, &n3, Level::N3);
    assert_eq!(n3.body_kind(), BodyKind::Structured);
    let copies = n3.pdf_copies();
    assert_eq!(copies.len(), 1);
    assert_eq!(copies[0].id(), Some(catalog::PDF_COPY_MEDIA_ID));
    assert_eq!(
        copies[0].decode().expect("decodes"),
        out.pdf,
        "N3 copy is the very PDF"
    );
    assert!(n3.attachments().is_empty());

    let sections = n3.sections();
    assert_eq!(sections.len(), doc.sections.len() + 1);
    let copy = sections.last().expect("copy section");
    assert!(copy.is_pdf_copy());
    assert!(
        copy.narrative_xml()
            .expect("narrative")
            .contains(r#"<renderMultiMedia referencedObject="doc-1"/>"#)
    );
    for ((expected, parsed), (title, texts)) in
        doc.sections.iter().zip(sections).zip(expected_texts(doc))
    {
        assert_eq!(parsed.title, expected.title);
        assert_eq!(
            parsed.code.as_ref().map(|c| c.code.as_str()),
            expected.code.map(|c| c.loinc)
        );
        let templates: Vec<&str> = expected
            .code
            .map(|c| c.claimed_templates().to_vec())
            .unwrap_or_default();
        assert_eq!(parsed.template_ids, templates);
        let narrative = narrative_text(parsed.narrative_xml().expect("narrative"));
        assert!(
            pdf_text.contains(&title),
            "PDF lacks section title {title:?}"
        );
        for text in texts {
            assert!(
                narrative.contains(&text),
                "narrative lacks {text:?}: {narrative}"
            );
            assert!(pdf_text.contains(&text), "PDF lacks {text:?}: {pdf_text}");
        }
    }
    assert!(pdf_text.contains(&collapse(&doc.title)));
}

#[test]
fn every_kind_round_trips_in_n1_and_n3() {
    for kind in DocumentKind::ALL {
        check_all(&sample::document(kind));
    }
}

#[test]
fn replacement_carries_rplc_and_version_2() {
    for kind in DocumentKind::ALL {
        let first = sample::document(kind);
        let mut second = first.clone();
        second.ids = first
            .ids
            .replacement(Identifier::new(ESTABLISHMENT_OID, "DOC-2024-0002"));
        assert_eq!(second.ids.version, 2);
        check_all(&second);
        let out = produce(&second).expect("produce");
        for cda in [&out.n1, &out.n3] {
            let parsed = parse(cda);
            let h = parsed.header();
            assert_eq!(h.version_number, Some(2));
            assert_eq!(
                h.set_id.as_ref().map(|s| s.to_uid()),
                Some(first.ids.set_id.to_uid())
            );
            assert_eq!(h.related.len(), 1);
            assert_eq!(h.related[0].type_code, "RPLC");
            assert_eq!(
                h.replaces().map(|i| i.to_uid()),
                Some(first.ids.id.to_uid())
            );
        }
        assert!(content_text(&out.pdf).contains("Version : 2"));
    }
}

#[test]
fn unqualified_identity_carries_no_ins_anywhere() {
    for status in [
        IdentityStatus::Provisoire,
        IdentityStatus::Recuperee,
        IdentityStatus::Validee,
    ] {
        for kind in DocumentKind::ALL {
            let mut doc = sample::document(kind);
            doc.patient.status = status;
            check_all(&doc);
            let out = produce(&doc).expect("produce");
            for cda in [&out.n1, &out.n3] {
                let text = String::from_utf8_lossy(cda);
                assert!(
                    !text.contains(INS_MATRICULE),
                    "{status:?}: matricule written"
                );
                assert!(!text.contains(INS_OID), "{status:?}: INS OID written");
                assert!(
                    parse(cda)
                        .header()
                        .patient
                        .as_ref()
                        .and_then(|p| p.ins())
                        .is_none()
                );
            }
            let pdf = content_text(&out.pdf);
            assert!(
                !pdf.contains("INS à scanner"),
                "{status:?}: DataMatrix printed"
            );
            assert!(!pdf.contains("INS :"), "{status:?}: INS printed");
        }
    }
}

#[test]
fn qualified_identity_prints_the_ins_and_its_datamatrix() {
    let out = produce(&sample::document(DocumentKind::LettreLiaisonSortie)).expect("produce");
    let pdf = content_text(&out.pdf);
    assert!(pdf.contains("INS à scanner"));
    assert!(pdf.contains("INS : 2 79 03 51 215 189 89 (INS-NIR de test)"));
}

#[test]
fn free_text_is_escaped_everywhere() {
    for kind in DocumentKind::ALL {
        let doc = sample::nasty(kind);
        check_all(&doc);
        let out = produce(&doc).expect("produce");
        for cda in [&out.n1, &out.n3] {
            let text = String::from_utf8_lossy(cda);
            assert!(!text.contains(NASTY), "raw text leaked unescaped");
            assert!(text.contains("A&amp;B &lt;c&gt; &quot;d&quot; &apos;e&apos;"));
            let parsed = parse(cda);
            let h = parsed.header();
            assert_eq!(h.title, doc.title);
            let p = h.patient.as_ref().expect("patient");
            assert_eq!(
                p.names[0].birth_family(),
                Some(doc.patient.traits.birth_name.as_str())
            );
            assert_eq!(
                p.other_ids().next().and_then(|i| i.extension.clone()),
                Some(doc.patient.ipp.clone())
            );
            assert_eq!(
                h.custodian.as_ref().map(|c| c.name.as_str()),
                Some(doc.custodian.name.as_str())
            );
            assert_eq!(
                h.authors[0]
                    .specialty
                    .as_ref()
                    .map(|s| s.display_name.as_str()),
                Some(doc.author.specialty.display.as_str())
            );
        }
        let pdf = content_text(&out.pdf);
        assert!(pdf.contains(&format!("Paragraphe {NASTY}")));
        assert!(pdf.contains(&format!("NOM {NASTY}")));
    }
}

#[test]
fn invalid_forms_are_refused_with_the_field_named() {
    let good = sample::document(DocumentKind::OrdonnanceSortie);
    let pdf = to_pdf(&good).expect("pdf");

    let mut d = good.clone();
    d.organisation.finess = "750803440".into();
    assert!(matches!(
        to_n1(&d, &pdf),
        Err(ProduceError::Invalid {
            field: "FINESS",
            ..
        })
    ));

    let mut d = good.clone();
    d.author.rpps = "123".into();
    assert!(matches!(
        to_n3(&d, &pdf),
        Err(ProduceError::Invalid { field: "RPPS", .. })
    ));

    let mut d = good.clone();
    d.ids.version = 2;
    assert_eq!(to_n1(&d, &pdf), Err(ProduceError::Versioning));
    let mut d = good.clone();
    d.ids.set_id = d.ids.id.clone();
    assert_eq!(to_n1(&d, &pdf), Err(ProduceError::Versioning));

    let mut d = good.clone();
    d.sections.clear();
    assert_eq!(to_pdf(&d), Err(ProduceError::NoSection));

    let mut d = good.clone();
    d.ids.id.root = "1.2.abc".into();
    assert!(matches!(to_n1(&d, &pdf), Err(ProduceError::Invalid { .. })));

    assert_eq!(to_n1(&good, b"<html>"), Err(ProduceError::NotPdf));
    let err = ProduceError::Missing { field: "titre" };
    assert!(!err.is_retryable());
    assert!(!err.to_string().contains(INS_MATRICULE));
}

#[test]
fn paris_offsets_follow_summer_time() {
    use chrono::NaiveDate;
    let t = |m, d, h| {
        paris_time(
            NaiveDate::from_ymd_opt(2024, m, d)
                .and_then(|d| d.and_hms_opt(h, 0, 0))
                .expect("date"),
        )
        .offset()
        .local_minus_utc()
            / 3600
    };
    assert_eq!(t(1, 15, 12), 1);
    assert_eq!(
        t(3, 31, 1),
        1,
        "before the switch (last Sunday of March 2024 = 31st)"
    );
    assert_eq!(t(3, 31, 4), 2);
    assert_eq!(t(7, 14, 12), 2);
    assert_eq!(t(10, 27, 1), 2, "before the switch back (27 October 2024)");
    assert_eq!(t(10, 27, 4), 1);
    assert_eq!(
        xml::ts(&paris_time(
            NaiveDate::from_ymd_opt(2024, 7, 1)
                .and_then(|d| d.and_hms_opt(8, 5, 9))
                .expect("date")
        )),
        "20240701080509+0200"
    );
}

/// Writes the sample outputs to `$CHEVET_PRODUCE_DUMP` for a look with other tools.
#[test]
fn dump_samples_when_asked() {
    let Ok(dir) = std::env::var("CHEVET_PRODUCE_DUMP") else {
        return;
    };
    for kind in DocumentKind::ALL {
        let out = produce(&sample::document(kind)).expect("produce");
        let name = format!("{kind:?}");
        std::fs::write(format!("{dir}/{name}.pdf"), &out.pdf).expect("write");
        std::fs::write(format!("{dir}/{name}_N1.xml"), &out.n1).expect("write");
        std::fs::write(format!("{dir}/{name}_N3.xml"), &out.n3).expect("write");
    }
}

#[test]
fn debug_output_shows_no_identity_and_no_content() {
    let doc = sample::document(DocumentKind::LettreLiaisonSortie);
    let out = produce(&doc).expect("produce");
    let shown = format!("{doc:?} {out:?} {:?}", to_report(&doc));
    for secret in [
        "PAT-TROIS",
        "DOMINIQUE",
        INS_MATRICULE,
        "Douleur",
        "Ticagrélor",
    ] {
        assert!(!shown.contains(secret), "Debug leaks {secret}: {shown}");
    }
}

#[test]
fn issue15_produced_ids_are_full_oids_of_at_most_64_characters() {
    let short = Identifier::oid_under("1.2.250.1.999.1", 1, "20261205103000-0042");
    assert_eq!(short.root, "1.2.250.1.999.1.1.202612051030000042");
    assert_eq!(short.extension, None);
    let long_root = "2.25.147690573989494476459272630340973074963.2";
    let a = Identifier::oid_under(long_root, 1, "17330000000001234");
    let b = Identifier::oid_under(long_root, 1, "17330000000001235");
    assert!(
        a.root.starts_with("2.25.") && a.root.len() <= 64,
        "{}",
        a.root
    );
    assert_ne!(a, b);
    assert_eq!(a, Identifier::oid_under(long_root, 1, "17330000000001234"));
}
