//! Narrative tests on the real CI-SIS documents of `shared/fixtures/cda`: every section text
//! of every fixture parses, and known content comes out where it should (lab result table,
//! discharge letter tables, lists, styles, links, spans, the PDF copy's multimedia reference,
//! the `c:` prefixed auto-presentable document).

use super::*;
use crate::cda::{CdaDocument, Section, parse};

use crate::testing::CDA_FIXTURES as FIXTURES;

fn load(name: &str) -> CdaDocument {
    let bytes = std::fs::read(format!("{FIXTURES}{name}")).expect("fixture readable");
    parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn all_sections(sections: &[Section]) -> Vec<&Section> {
    let mut out = Vec::new();
    for s in sections {
        out.push(s);
        out.extend(all_sections(&s.sections));
    }
    out
}

/// The parsed narrative of the (first) section with this title, or of its first sub-section
/// that has a text.
fn narrative(doc: &CdaDocument, title: &str) -> Narrative {
    let titled = all_sections(doc.sections())
        .into_iter()
        .find(|s| s.title == title)
        .unwrap_or_else(|| panic!("no section {title}"));
    let section = std::iter::once(titled)
        .chain(all_sections(&titled.sections))
        .find(|s| s.narrative_xml().is_some())
        .expect("section text");
    let xml = section.narrative_xml().expect("section text");
    parse_narrative(xml, section.narrative_prefix()).expect("parses")
}

fn tables(n: &Narrative) -> Vec<&Table> {
    n.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect()
}

fn cell_text(cell: &Cell) -> String {
    narrative_text(&Narrative {
        blocks: cell.blocks.clone(),
        ..Narrative::default()
    })
}

fn row_texts(row: &Row) -> Vec<String> {
    row.cells.iter().map(cell_text).collect()
}

fn first_run(blocks: &[Block]) -> &Run {
    match blocks.first() {
        Some(Block::Paragraph(p)) => match p.first() {
            Some(Inline::Text(r)) => r,
            other => panic!("run expected: {other:?}"),
        },
        other => panic!("paragraph expected: {other:?}"),
    }
}

#[test]
fn every_section_text_of_every_fixture_parses() {
    let mut files: Vec<_> = std::fs::read_dir(FIXTURES)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".xml"))
        .collect();
    files.sort();
    assert!(files.len() >= 13);
    let mut texts = 0;
    for file in &files {
        let doc = load(file);
        for section in all_sections(doc.sections()) {
            let Some(xml) = section.narrative_xml() else {
                continue;
            };
            let n = parse_narrative(xml, section.narrative_prefix())
                .unwrap_or_else(|e| panic!("{file} / {}: {e}", section.title));
            texts += 1;
            if xml.chars().any(char::is_alphanumeric) && !xml.contains("reference") {
                assert!(
                    !n.is_empty(),
                    "{file} / {}: narrative came out empty",
                    section.title
                );
            }
        }
        // The whole structured view builds too.
        let structured = build(&doc);
        assert_eq!(structured.is_empty(), doc.sections().is_empty(), "{file}");
    }
    assert!(texts > 70, "only {texts} section texts");
}

#[test]
fn tsh_result_table() {
    let doc = load("BIO-CR-BIO_2024.01_TSH_1.xml");
    let n = narrative(&doc, "BIOCHIMIE");
    let t = tables(&n)[0];
    assert_eq!(t.columns, 3);
    assert_eq!(t.groups[0].kind, RowGroupKind::Head);
    let head = &t.groups[0].rows[0];
    assert!(head.cells.iter().all(|c| c.header));
    assert_eq!(
        row_texts(head),
        ["BILAN THYROIDIEN", "Résultats", "Valeurs de référence"]
    );
    // styleCode="Bold" on the th, align inherited from the row (left) over the thead (center).
    assert!(first_run(&head.cells[0].blocks).style.bold);
    assert_eq!(head.cells[0].align, Some(CellAlign::Left));
    let body = &t.groups[1].rows;
    assert_eq!(body.len(), 2);
    assert_eq!(
        row_texts(&body[0]),
        [
            "Thyréostimuline (TSH)\n(ECL Modular)",
            "1.950 mUI/l",
            "(0.270 - 4.200)"
        ]
    );
    assert_eq!(row_texts(&body[1])[1], "7.67 pg/ml");
    assert_eq!(n.text_of("#resultat-01"), Some("Thyréostimuline (TSH)"));
    let run = first_run(&body[0].cells[0].blocks);
    assert_eq!(run.id.as_deref(), Some("resultat-01"));
}

#[test]
fn pdf_copy_section_references_the_pdf() {
    let doc = load("BIO-CR-BIO_2024.01_TSH_1.xml");
    let copy = doc
        .sections()
        .iter()
        .find(|s| s.is_pdf_copy())
        .expect("copy section");
    let xml = copy.narrative_xml().expect("text");
    let n = parse_narrative(xml, None).expect("parses");
    let t = tables(&n)[0];
    let cell = &t.groups[0].rows[0].cells[0];
    assert_eq!(
        cell.blocks,
        [Block::Media(Media {
            references: vec!["doc-1".into()],
            caption: Vec::new(),
        })]
    );
    // The structured view leaves the PDF copy out but knows what doc-1 is.
    let s = build(&doc);
    assert!(
        s.all_sections()
            .iter()
            .all(|s| s.title != "Copie du document")
    );
    assert!(s.all_sections().iter().any(|s| s.title == "BIOCHIMIE"));
    let media = s.media("#doc-1").expect("doc-1");
    assert!(media.pdf_copy && !media.is_image());
    assert_eq!(media.media_type, "application/pdf");
}

#[test]
fn discharge_letter_tables() {
    let doc = load("LDL-SES_2022.01.xml");
    let s = build(&doc);
    let levels: Vec<(usize, &str)> = s
        .all_sections()
        .iter()
        .map(|s| (s.level, s.title.as_str()))
        .take(3)
        .collect();
    assert_eq!(
        levels,
        [
            (0, "Statut du document"),
            (0, "Motif de l'hospitalisation"),
            (0, "Synthèse médicale du séjour")
        ]
    );
    let n = narrative(&doc, "Traitements à la sortie");
    let t = tables(&n)[0];
    assert_eq!(t.columns, 9);
    assert_eq!(row_texts(&t.groups[0].rows[0])[2], "Médicament");
    let row = &t.groups[1].rows[0];
    assert_eq!(row_texts(row)[2], "LEPONEX 100 mg");
    assert_eq!(row_texts(row)[8], "", "empty cell kept");
    assert_eq!(row.cells[8].column, 8);

    let n = narrative(&doc, "Synthèse médicale du séjour");
    let t = tables(&n)[0];
    let head = &t.groups[0].rows[0].cells[0];
    assert_eq!((head.colspan, t.columns), (2, 2));
    assert_eq!(n.text_of("transfu"), Some("Non"));

    // Three tables separated by `br`: no empty paragraph between them.
    let n = narrative(&doc, "Suites à donner");
    assert_eq!(n.blocks.len(), 3);
    assert_eq!(tables(&n).len(), 3);
    assert_eq!(tables(&n)[0].columns, 3);

    let n = narrative(&doc, "Allergies identifiées pendant le séjour");
    assert_eq!(
        narrative_text(&n),
        "Aucune allergie / intolérance identifiée pendant le séjour"
    );
}

#[test]
fn imaging_report_lists_links_and_styles() {
    let doc = load("IMG_CR_IMG_2024.01.xml");
    let n = narrative(&doc, "Résultats");
    let lists: Vec<&List> = n
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::List(l) => Some(l),
            _ => None,
        })
        .collect();
    assert_eq!(lists.len(), 2);
    assert_eq!(lists[0].items.len(), 4);
    assert_eq!(lists[1].items.len(), 7);
    let text = narrative_text(&n);
    assert!(
        text.starts_with("(texte libre)\nA l'étage sus-diaphragmatique :\n• Pas d'adénomégalie")
    );
    assert!(text.contains("\n• Rate de taille normale homogène.\n"));

    let n = narrative(&doc, "Catalogue d’objets DICOM");
    let link = tables(&n)[0].groups[1].rows[0].cells[2]
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Paragraph(p) => p.iter().find_map(|i| match i {
                Inline::Text(r) if r.link.is_some() => Some(r),
                _ => None,
            }),
            _ => None,
        });
    let link = link.expect("link run");
    assert_eq!(link.text, "images examen 1");
    let href = link.link.as_deref().unwrap_or_default();
    assert!(href.starts_with("http://www.example.org/wado?requestType=WADO&studyUID="));
    assert!(!href.contains(char::is_whitespace));

    let n = narrative(&doc, "Documents liés");
    let t = tables(&n)[0];
    let title = first_run(&t.groups[0].rows[0].cells[0].blocks);
    assert!(title.style.bold && title.style.italic, "BoldItalics");
    assert!(matches!(
        t.groups[1].rows[0].cells[0].blocks.first(),
        Some(Block::Media(m)) if m.references == ["DOC-001"]
    ));
}

#[test]
fn microbiology_rowspan_and_bold_paragraph() {
    let doc = load("BIO-CR-BIO_2024.01_Microbiologie_V1.xml");
    let all = all_sections(doc.sections());
    let section = all
        .iter()
        .find(|s| s.narrative_xml().is_some_and(|x| x.contains("isolat-1")))
        .expect("ECBU section");
    let n = parse_narrative(section.narrative_xml().unwrap_or_default(), None).expect("parses");
    let isolate = tables(&n)
        .into_iter()
        .find(|t| {
            narrative_text(&Narrative {
                blocks: vec![Block::Table((*t).clone())],
                ..Narrative::default()
            })
            .contains("Escherichia coli")
        })
        .expect("isolate table");
    assert_eq!(isolate.columns, 4);
    let body = &isolate.groups[1].rows;
    let antibiogram = &body[1].cells[0];
    assert_eq!((antibiogram.column, antibiogram.rowspan), (0, 4));
    assert_eq!(cell_text(antibiogram), "Antibiogramme (CMI)");
    let amox: Vec<(String, usize)> = body[2]
        .cells
        .iter()
        .map(|c| (cell_text(c), c.column))
        .collect();
    assert_eq!(
        amox,
        [
            ("Amoxicilline".to_owned(), 1),
            (">=0,512 µg/ml".to_owned(), 2),
            ("R".to_owned(), 3)
        ]
    );
    let bold = n.blocks.iter().find_map(|b| match b {
        Block::Paragraph(p) => match p.first() {
            Some(Inline::Text(r)) if r.text == "Traitement immédiat" => Some(r),
            _ => None,
        },
        _ => None,
    });
    assert!(bold.expect("paragraph").style.bold);
}

#[test]
fn auto_presentable_prefixed_narrative() {
    let doc = load("BIO-CR-BIO_2021.01_Auto-Presentable.xml");
    let all = all_sections(doc.sections());
    let mut found_rowspan = false;
    let mut found_value = false;
    for section in all {
        let Some(xml) = section.narrative_xml() else {
            continue;
        };
        assert_eq!(section.narrative_prefix(), Some("c"));
        let n = parse_narrative(xml, Some("c")).expect("parses");
        for t in tables(&n) {
            for (_, row) in t.rows() {
                for cell in &row.cells {
                    found_rowspan |= cell.rowspan == 6 && cell_text(cell) == "Facteurs de risque";
                    found_value |= cell_text(cell) == "Triglycérides" && t.columns == 6;
                }
            }
        }
    }
    assert!(found_rowspan && found_value);
}
