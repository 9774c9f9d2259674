//! Narrative parser tests on synthetic fragments: styles, whitespace, links, footnotes,
//! anchors, lists, table spans, and hostile or odd input (unknown tags, depth, entities,
//! DOCTYPE, limits, errors without content).

use super::*;

fn parse(xml: &str) -> Narrative {
    parse_narrative(xml, None).unwrap_or_else(|e| panic!("{e}"))
}

fn runs(inlines: &[Inline]) -> Vec<&Run> {
    inlines
        .iter()
        .filter_map(|i| match i {
            Inline::Text(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn paragraph(block: &Block) -> &[Inline] {
    match block {
        Block::Paragraph(p) => p,
        other => panic!("not a paragraph: {other:?}"),
    }
}

fn table(block: &Block) -> &Table {
    match block {
        Block::Table(t) => t,
        other => panic!("not a table: {other:?}"),
    }
}

fn cell_text(cell: &Cell) -> String {
    let n = Narrative {
        blocks: cell.blocks.clone(),
        ..Narrative::default()
    };
    narrative_text(&n)
}

#[test]
fn styled_runs() {
    let n = parse(
        r#"<paragraph>TSH <content styleCode="Bold">élevée</content>, <content
        styleCode="Italics Underline">à contrôler</content> : 10<sup>-3</sup> H<sub>2</sub>O
        <content revised="delete">ancien</content> <content styleCode="Emphasis">x</content></paragraph>"#,
    );
    assert_eq!(n.blocks.len(), 1);
    let r = runs(paragraph(&n.blocks[0]));
    let texts: Vec<&str> = r.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "TSH ",
            "élevée",
            ", ",
            "à contrôler",
            " : 10",
            "-3",
            " H",
            "2",
            "O ",
            "ancien",
            " ",
            "x"
        ]
    );
    assert!(r[1].style.bold && !r[1].style.italic);
    assert!(r[3].style.italic && r[3].style.underline && !r[3].style.bold);
    assert!(r[5].style.sup && !r[5].style.sub);
    assert!(r[7].style.sub);
    assert!(r[9].style.deleted);
    assert!(r[11].style.emphasis);
    assert_eq!(
        narrative_text(&n),
        "TSH élevée, à contrôler : 10-3 H2O ancien x"
    );
}

#[test]
fn loose_text_becomes_paragraphs_and_breaks_split_lines() {
    let n = parse(
        "\n  Avant   la liste<br/>  suite <list><item>un</item><item>deux<br/></item></list>\n après \
         <paragraph>P</paragraph> fin<br/><br/>",
    );
    assert_eq!(n.blocks.len(), 5, "{:?}", n.blocks);
    let first = paragraph(&n.blocks[0]);
    assert_eq!(first.len(), 3);
    assert_eq!(first[1], Inline::Break);
    assert!(matches!(&n.blocks[1], Block::List(l) if l.items.len() == 2 && !l.ordered));
    assert_eq!(
        narrative_text(&n),
        "Avant la liste\nsuite\n• un\n• deux\naprès\nP\nfin"
    );
    // Two `br` at the end of a paragraph leave one empty line (the last one is dropped).
    assert_eq!(paragraph(&n.blocks[4]).len(), 2);
}

#[test]
fn ordered_nested_list_with_blocks() {
    let n = parse(
        r#"<list listType="ordered"><caption>Traitement</caption>
          <item><paragraph>Matin</paragraph><list><item>Doliprane</item></list></item>
          <item>Soir <table><tbody><tr><td>a</td></tr></tbody></table></item>
        </list>"#,
    );
    let Block::List(list) = &n.blocks[0] else {
        panic!("list expected");
    };
    assert!(list.ordered);
    assert_eq!(inlines_text(&list.caption), "Traitement");
    assert_eq!(list.items[0].len(), 2);
    assert!(matches!(&list.items[0][1], Block::List(inner) if inner.items.len() == 1));
    assert!(matches!(&list.items[1][1], Block::Table(_)));
    assert_eq!(
        narrative_text(&n),
        "Traitement\n1. Matin\n   ◦ Doliprane\n2. Soir\n   a"
    );
}

#[test]
fn links_footnotes_and_anchors() {
    let n = parse(
        r#"<paragraph ID="p1">Voir <linkHtml href="
           https://example.org/a?b=1
           &amp;c=2 ">le <content ID="c1">guide</content></linkHtml><footnote ID="fn1">Note <content styleCode="Bold">importante</content></footnote>
           et encore<footnoteRef IDREF="fn1"/><footnoteRef IDREF="nowhere"/>.</paragraph>"#,
    );
    let p = paragraph(&n.blocks[0]);
    let r = runs(p);
    assert_eq!(r[0].text, "Voir ");
    assert_eq!(r[0].link, None);
    assert_eq!(r[1].text, "le ");
    assert_eq!(r[1].link.as_deref(), Some("https://example.org/a?b=1&c=2"));
    assert_eq!(r[2].text, "guide");
    assert_eq!(r[2].id.as_deref(), Some("c1"));
    assert!(r[2].link.is_some());
    assert_eq!(r[0].id.as_deref(), Some("p1"));
    assert!(p.contains(&Inline::Footnote(1)));
    assert!(p.contains(&Inline::FootnoteRef {
        idref: "fn1".into(),
        number: Some(1)
    }));
    assert!(p.contains(&Inline::FootnoteRef {
        idref: "nowhere".into(),
        number: None
    }));
    assert_eq!(n.footnotes.len(), 1);
    assert_eq!(n.footnotes[0].id.as_deref(), Some("fn1"));
    assert_eq!(
        narrative_text(&n),
        "Voir le guide[1] et encore[1][*].\n[1] Note importante"
    );
    assert_eq!(n.text_of("#c1"), Some("guide"));
    assert_eq!(n.text_of("p1"), Some("Voir le guide et encore."));
    assert_eq!(n.text_of("fn1"), Some("Note importante"));
    assert_eq!(n.text_of("x"), None);
}

#[test]
fn table_spans_on_the_grid() {
    let n = parse(
        r#"<table><caption>Bilan</caption>
          <tfoot><tr><td colspan="3">pied</td></tr></tfoot>
          <thead><tr><th rowspan="2">A</th><th colspan="2" styleCode="Botrule">B</th></tr>
                 <tr><th>B1</th><th>B2</th></tr></thead>
          <tbody align="right">
            <tr><td rowspan="0">x</td><td align="left">1</td><td>2</td></tr>
            <tr styleCode="Toprule"><td>3</td><td>4</td></tr>
            <tr><td>5</td><td colspan="5" rowspan="9">6</td></tr>
          </tbody>
        </table>"#,
    );
    let t = table(&n.blocks[0]);
    assert_eq!(inlines_text(&t.caption), "Bilan");
    assert_eq!(t.columns, 7);
    let kinds: Vec<RowGroupKind> = t.groups.iter().map(|g| g.kind).collect();
    assert_eq!(
        kinds,
        [RowGroupKind::Head, RowGroupKind::Body, RowGroupKind::Foot]
    );
    let place = |g: usize, r: usize| -> Vec<(String, usize, usize, usize)> {
        t.groups[g].rows[r]
            .cells
            .iter()
            .map(|c| (cell_text(c), c.column, c.colspan, c.rowspan))
            .collect()
    };
    let s = |t: &str| t.to_owned();
    assert_eq!(place(0, 0), [(s("A"), 0, 1, 2), (s("B"), 1, 2, 1)]);
    assert_eq!(place(0, 1), [(s("B1"), 1, 1, 1), (s("B2"), 2, 1, 1)]);
    assert_eq!(
        place(1, 0),
        [(s("x"), 0, 1, 3), (s("1"), 1, 1, 1), (s("2"), 2, 1, 1)]
    );
    assert_eq!(place(1, 1), [(s("3"), 1, 1, 1), (s("4"), 2, 1, 1)]);
    assert_eq!(place(1, 2), [(s("5"), 1, 1, 1), (s("6"), 2, 5, 1)]);
    assert_eq!(place(2, 0), [(s("pied"), 0, 3, 1)]);
    let head = &t.groups[0].rows[0].cells;
    assert!(head[0].header && head[1].rules.bottom);
    let body = &t.groups[1].rows;
    assert_eq!(body[0].cells[1].align, Some(CellAlign::Left));
    assert_eq!(body[0].cells[2].align, Some(CellAlign::Right));
    assert!(body[1].cells[0].rules.top && !body[0].cells[0].rules.top);
    assert_eq!(t.row_count(), 6);
}

#[test]
fn stray_table_content_is_kept_before_the_table() {
    let n = parse(
        "<table> perdu <tr><td>a</td></tr><tr><td>b</td><b>gras</b></tr><tbody><tr><td>c</td></tr></tbody>\
         <tr><td>d</td></tr></table>",
    );
    assert_eq!(n.blocks.len(), 2, "{:?}", n.blocks);
    assert_eq!(narrative_text(&n), "perdu gras\na\nb\nc\nd");
    let t = table(&n.blocks[1]);
    assert_eq!(t.groups.len(), 3, "implicit body, tbody, implicit body");
    assert_eq!(t.columns, 1);
}

#[test]
fn multimedia_reference() {
    let n = parse(
        r##"avant <renderMultiMedia referencedObject="#img1 img2"><caption>Radio</caption></renderMultiMedia> après"##,
    );
    assert_eq!(n.blocks.len(), 3);
    let Block::Media(m) = &n.blocks[1] else {
        panic!("media expected");
    };
    assert_eq!(m.references, ["img1", "img2"]);
    assert_eq!(inlines_text(&m.caption), "Radio");
}

#[test]
fn prefix_is_stripped_and_other_prefixes_are_unknown() {
    let xml = r#"<c:paragraph>a<c:br/><c:content styleCode="Bold">b</c:content></c:paragraph><x:list><x:item>c</x:item></x:list><br/>d"#;
    let n = parse_narrative(xml, Some("c")).expect("parses");
    assert_eq!(n.blocks.len(), 2);
    let r = runs(paragraph(&n.blocks[0]));
    assert!(r[1].style.bold);
    assert_eq!(narrative_text(&n), "a\nb\nc\nd");
    // Without the prefix, `c:` elements are unknown: their text stays.
    let n = parse_narrative(xml, None).expect("parses");
    assert_eq!(narrative_text(&n), "abc\nd");
}

#[test]
fn unknown_elements_comments_cdata_and_entities() {
    let n = parse(
        "<!-- c --><foo bar='1'>un <blink>deux</blink></foo> &amp; &#233;t&#xE9; &lt;5 &nbsp; \
         <![CDATA[<b>x</b>]]> <?pi x?>&#0;",
    );
    assert_eq!(
        narrative_text(&n),
        "un deux & été <5 &nbsp; <b>x</b> \u{FFFD}"
    );
}

#[test]
fn empty_and_blank() {
    for xml in [
        "",
        "   \n\t ",
        "<!-- rien -->",
        "<paragraph/>",
        "<br/><br/>",
    ] {
        let n = parse(xml);
        assert!(
            n.blocks
                .iter()
                .all(|b| matches!(b, Block::Paragraph(p) if p.iter().all(|i| *i == Inline::Break))),
            "{xml}: {:?}",
            n.blocks
        );
        assert!(narrative_text(&n).trim().is_empty());
    }
    assert!(parse("").is_empty());
    assert!(parse("<table></table>").blocks.len() == 1);
}

#[test]
fn depth_limit() {
    let nest = |n: usize| format!("{}x{}", "<content>".repeat(n), "</content>".repeat(n));
    assert_eq!(narrative_text(&parse(&nest(MAX_DEPTH))), "x");
    let err = parse_narrative(&nest(MAX_DEPTH + 1), None).expect_err("too deep");
    assert!(
        matches!(err, NarrativeError::TooDeep { max: 64, .. }),
        "{err:?}"
    );
    // Far deeper than the limit: still an error, no stack overflow.
    let err = parse_narrative(&nest(100_000), None).expect_err("too deep");
    assert!(matches!(err, NarrativeError::TooDeep { .. }));
}

#[test]
fn cell_and_column_limits() {
    let row = "<tr><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td></tr>";
    let ok = format!("<table>{}</table>", row.repeat(MAX_CELLS / 5));
    assert_eq!(table(&parse(&ok).blocks[0]).row_count(), MAX_CELLS / 5);
    let too_many = format!("<table>{}</table>", row.repeat(MAX_CELLS / 5 + 1));
    let err = parse_narrative(&too_many, None).expect_err("too many cells");
    assert!(matches!(
        err,
        NarrativeError::TooManyCells { max: 10_000, .. }
    ));

    // A huge colspan is capped at the grid limit; a cell past it is refused.
    let wide = r#"<table><tr><td colspan="999999999">a</td></tr></table>"#;
    assert_eq!(table(&parse(wide).blocks[0]).columns, MAX_COLUMNS);
    let past = r#"<table><tr><td colspan="1000">a</td><td>b</td></tr></table>"#;
    let err = parse_narrative(past, None).expect_err("too wide");
    assert!(matches!(err, NarrativeError::TooWide { max: 1000, .. }));
    // Odd span values count as 1.
    let odd =
        r#"<table><tr><td colspan="0" rowspan="x">a</td><td colspan="-2">b</td></tr></table>"#;
    assert_eq!(table(&parse(odd).blocks[0]).columns, 2);
}

#[test]
fn malformed_input_errors_carry_no_content() {
    let secret = "DUPONT Jean 1850275123456";
    let cases = [
        format!("<!DOCTYPE x [<!ENTITY e \"{secret}\">]><paragraph>&e;</paragraph>"),
        format!("<paragraph>{secret}"),
        format!("<paragraph>{secret}</content>"),
        format!("<paragraph>{secret}</paragraph></paragraph>"),
        format!("<{secret}>x</{secret}"),
        format!("<paragraph a=\"{secret}>x</paragraph>"),
    ];
    for xml in &cases {
        let err = parse_narrative(xml, None).expect_err(xml);
        let text = format!("{err} {err:?}");
        for word in secret.split(' ') {
            assert!(!text.contains(word), "{text}");
        }
    }
    assert_eq!(
        parse_narrative(&cases[0], None),
        Err(NarrativeError::Doctype)
    );
    assert!(matches!(
        parse_narrative(&cases[1], None),
        Err(NarrativeError::Truncated { .. })
    ));
    assert!(matches!(
        parse_narrative(&cases[2], None),
        Err(NarrativeError::Malformed {
            reason: XmlProblem::MismatchedEndTag,
            ..
        })
    ));
}
