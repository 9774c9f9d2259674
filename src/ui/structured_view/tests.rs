//! Structured view tests with egui_kittest: the discharge letter fixture renders its headings
//! and table cells as labels; a synthetic document checks span placement, lists, links,
//! placeholders, footnotes and a section that could not be read. Set `STRUCTURED_VIEW_PNG`
//! to a file path to also render the letter to a PNG, or `STRUCTURED_VIEW_PNG_DIR` to render
//! every structured fixture there (needs a GPU or lavapipe).

use egui::{OutputCommand, TextureHandle, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::*;
use crate::cda::narrative::{MediaInfo, NarrativeError, parse_narrative};

use crate::testing::CDA_FIXTURES as FIXTURES;

fn no_images(_: &str) -> Option<TextureHandle> {
    None
}

/// Text sizes of the application (`ui::widgets::install_style`), a light theme, and a bold face
/// when the system has DejaVu Sans Bold (screenshots only).
fn clinical_style(ctx: &egui::Context) {
    use egui::{FontFamily, FontId, TextStyle};
    ctx.set_visuals(egui::Visuals::light());
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (TextStyle::Heading, FontId::proportional(22.0)),
            (TextStyle::Body, FontId::proportional(15.0)),
            (TextStyle::Button, FontId::proportional(15.0)),
            (TextStyle::Small, FontId::proportional(12.0)),
            (TextStyle::Monospace, FontId::monospace(14.0)),
        ]
        .into();
        style.spacing.item_spacing = vec2(8.0, 6.0);
    });
    if let Ok(bold) = std::fs::read("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf") {
        use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
        ctx.add_font(FontInsert {
            name: BOLD_FAMILY.to_owned(),
            data: egui::FontData::from_owned(bold),
            families: vec![InsertFontFamily {
                family: FontFamily::Name(BOLD_FAMILY.into()),
                priority: FontPriority::Highest,
            }],
        });
    }
}

fn harness<'a>(doc: &'a StructuredDocument, size: egui::Vec2) -> Harness<'a, StructuredViewState> {
    Harness::builder().with_size(size).build_ui_state(
        move |ui, state: &mut StructuredViewState| {
            structured_view_ui(ui, doc, &no_images, state);
        },
        StructuredViewState::default(),
    )
}

#[test]
fn render_fixtures_to_png_on_request() {
    let Some(dir) = std::env::var_os("STRUCTURED_VIEW_PNG_DIR") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    for entry in std::fs::read_dir(FIXTURES).expect("fixtures").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".xml") else {
            continue;
        };
        let bytes = std::fs::read(entry.path()).expect("fixture");
        let doc = build(&crate::cda::parse(&bytes).expect("parses"));
        if doc.is_empty() {
            continue;
        }
        let mut h = harness(&doc, vec2(1100.0, 3000.0));
        clinical_style(&h.ctx);
        h.run();
        let image = h.render().expect("render");
        image
            .save(dir.join(format!("{stem}.png")))
            .expect("png written");
    }
}

#[test]
fn discharge_letter_headings_and_cells() {
    let bytes = std::fs::read(format!("{FIXTURES}LDL-SES_2022.01.xml")).expect("fixture");
    let doc = build(&crate::cda::parse(&bytes).expect("parses"));
    let mut h = harness(&doc, vec2(1100.0, 2400.0));
    h.run();

    let heading = h.get_by_label("Traitements à la sortie");
    let medicine = h.get_by_label("LEPONEX 100 mg");
    assert!(heading.rect().bottom() <= medicine.rect().top());
    // Same row, left to right, in column order.
    let start = h
        .get_all_by_label("03/12/2019")
        .next()
        .expect("start date")
        .rect();
    let dose = h
        .get_all_by_label("300 mg / jour")
        .next()
        .expect("dose")
        .rect();
    assert!(start.right() < medicine.rect().left() && medicine.rect().right() < dose.left());
    assert!((start.top() - dose.top()).abs() < 1.0);
    h.get_by_label("Aucune allergie / intolérance identifiée pendant le séjour");
    // The heading of a table and the section title share their text: both are there.
    assert_eq!(h.get_all_by_label("Synthèse médicale du séjour").count(), 2);

    if let Some(path) = std::env::var_os("STRUCTURED_VIEW_PNG") {
        clinical_style(&h.ctx);
        h.run();
        let image = h.render().expect("render");
        image.save(path).expect("png written");
    }
}

fn section(title: &str, level: usize, xml: &str) -> StructuredSection {
    StructuredSection {
        title: title.to_owned(),
        code_display: None,
        level,
        narrative: Some(parse_narrative(xml, None)),
        sections: Vec::new(),
    }
}

#[test]
fn spans_lists_links_media_and_errors() {
    let table = r#"<table><thead><tr><th rowspan="2">Examen</th><th colspan="2">Résultat</th></tr>
        <tr><th>Valeur</th><th>Unité</th></tr></thead>
        <tbody><tr><td rowspan="2">Glycémie</td><td>5,2</td><td>mmol/l</td></tr>
        <tr><td>0,94</td><td>g/l</td></tr></tbody></table>"#;
    let list = r#"<list listType="ordered"><item>Premier</item><item>Second</item></list>
        <paragraph><linkHtml href="https://example.org/guide">Guide</linkHtml></paragraph>
        <paragraph><linkHtml href="javascript:alert(1)">Piège</linkHtml></paragraph>
        <paragraph>H<sub>2</sub>O et note<footnote>Texte de la note</footnote></paragraph>
        <renderMultiMedia referencedObject="img1"/><renderMultiMedia referencedObject="nope"/>"#;
    let mut top = section("Résultats", 0, table);
    top.sections.push(section("Détails", 1, list));
    let mut broken = section("Cassée", 0, "");
    broken.narrative = Some(Err(NarrativeError::TooDeep {
        max: 64,
        position: 10,
    }));
    let doc = StructuredDocument {
        sections: vec![top, broken],
        media: vec![MediaInfo {
            id: "img1".into(),
            media_type: "image/png".into(),
            pdf_copy: false,
        }],
    };
    let mut h = harness(&doc, vec2(900.0, 1000.0));
    h.run();
    if let Some(dir) = std::env::var_os("STRUCTURED_VIEW_PNG_DIR") {
        clinical_style(&h.ctx);
        h.run();
        let image = h.render().expect("render");
        let path = std::path::PathBuf::from(dir).join("synthetic.png");
        image.save(path).expect("png written");
    }

    let rect = |label: &str| h.get_by_label(label).rect();
    // Row 2 of the body: its cells skip the column the rowspan covers.
    assert!((rect("0,94").left() - rect("5,2").left()).abs() < 1.0);
    assert!((rect("g/l").left() - rect("mmol/l").left()).abs() < 1.0);
    assert!(rect("Glycémie").right() < rect("0,94").left());
    // The colspan header spans "Valeur" and "Unité".
    assert!(rect("Résultat").left() < rect("Unité").left());
    assert!(rect("Valeur").left() >= rect("Examen").right());
    assert!(rect("Détails").top() > rect("g/l").bottom());
    h.get_by_label("Premier");
    h.get_by_label("H2O et note1");
    h.get_by_label("Texte de la note");
    h.get_by_label("Image non affichée (image/png)");
    h.get_by_label("Contenu référencé absent du document");
    h.get_by_label_contains("trop volumineuse ou trop imbriquée");

    h.get_by_label("Guide").click();
    h.step();
    let opened: Vec<String> = h
        .output()
        .platform_output
        .commands
        .iter()
        .filter_map(|c| match c {
            OutputCommand::OpenUrl(u) => Some(u.url.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(opened, ["https://example.org/guide"]);

    h.get_by_label("Piège").click();
    h.step();
    assert!(
        !h.output()
            .platform_output
            .commands
            .iter()
            .any(|c| matches!(c, OutputCommand::OpenUrl(_))),
        "a javascript: link never opens"
    );
}

#[test]
fn hostile_shapes_render() {
    // Tables nested to the depth limit, and a table at the cell limit.
    let nested = format!(
        "{}fond{}",
        "<table><tr><td>".repeat(21),
        "</td></tr></table>".repeat(21)
    );
    let row = format!("<tr>{}</tr>", "<td>123,4</td>".repeat(20));
    let big = format!("<table>{}</table>", row.repeat(500));
    let doc = StructuredDocument {
        sections: vec![section("Imbriqué", 0, &nested), section("Grand", 0, &big)],
        media: Vec::new(),
    };
    assert!(
        doc.sections
            .iter()
            .all(|s| matches!(s.narrative, Some(Ok(_))))
    );
    let mut h = harness(&doc, vec2(800.0, 600.0));
    h.run();
    h.get_by_label("fond");
    assert!(h.get_all_by_label("123,4").count() > 100);
}

/// A well-formed random narrative: elements in and out of their usual places, odd spans.
fn random_tree(seed: &mut u64, depth: usize, out: &mut String) {
    const TAGS: [&str; 18] = [
        "paragraph",
        "list",
        "item",
        "table",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "content",
        "sub",
        "sup",
        "linkHtml",
        "footnote",
        "renderMultiMedia",
        "foo",
    ];
    const ATTRS: [&str; 11] = [
        "",
        r#" colspan="2""#,
        r#" rowspan="3""#,
        r#" rowspan="0""#,
        r#" colspan="999999""#,
        r#" styleCode="Bold Botrule""#,
        r#" ID="i""#,
        r#" href="https://example.org""#,
        r#" referencedObject="m""#,
        r#" listType="ordered""#,
        r#" align="right""#,
    ];
    fn next(seed: &mut u64, m: usize) -> usize {
        *seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(*seed >> 33).unwrap_or(0) % m
    }
    for _ in 0..next(seed, 5) {
        match next(seed, 6) {
            0 => out.push_str("mot  "),
            1 => out.push_str("<br/>"),
            2 => out.push_str(r#"<footnoteRef IDREF="i"/>"#),
            _ if depth < 9 => {
                let tag = TAGS[next(seed, TAGS.len())];
                out.push_str(&format!("<{tag}{}>", ATTRS[next(seed, ATTRS.len())]));
                random_tree(seed, depth + 1, out);
                out.push_str(&format!("</{tag}>"));
            }
            _ => out.push('x'),
        }
    }
}

#[test]
fn random_narratives_render_at_any_width() {
    let mut seed = 42;
    let sections = (0..300)
        .map(|i| {
            let mut xml = String::new();
            random_tree(&mut seed, 0, &mut xml);
            let narrative = parse_narrative(&xml, None).expect("well-formed input parses");
            StructuredSection {
                narrative: Some(Ok(narrative)),
                ..section(&format!("S{i}"), i % 4, "")
            }
        })
        .collect();
    let doc = StructuredDocument {
        sections,
        media: Vec::new(),
    };
    for width in [700.0, 60.0] {
        harness(&doc, vec2(width, 900.0)).run();
    }
}
