//! Issue 18 through the screens: an administrator opens « Indicateurs » from the
//! « Administration » menu and sees the sandbox's activity as charts and figures (the same as
//! the store's, computed beside the running app); a document type chosen in the filters changes
//! the figures; the CSV export is a French spreadsheet's file with the producer's stamp; a chart
//! exported as an image is a PNG of the chart's size carrying the producer's version. A role
//! without the right (an intern) has no such entry.

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;

use chevet::domain::indicators::{Indicator, IndicatorFilter, Month};
use chevet::store::Store;

use crate::intake_flow::text_of;
use crate::support::{LONG, harness, open_app_store, runtime, sandbox_app, step_until};
use crate::ui_accounts::log_in;

type H<'a> = egui_kittest::Harness<'a, chevet::app::ChevetApp>;

/// The twelve months the screen asks first.
fn default_filter() -> IndicatorFilter {
    let today = chrono::Local::now().format("%Y-%m").to_string();
    let to = Month::parse_iso(&today).expect("month");
    IndicatorFilter {
        sites: Vec::new(),
        type_codes: Vec::new(),
        from: Month::from_ordinal(to.ordinal() - 11),
        to,
    }
}

/// Each indicator's total over the filter, as the store has it.
fn store_totals(store: &Store, filter: &IndicatorFilter) -> [u64; Indicator::COUNT] {
    let report = chevet::indicators::compute(store, filter, "").expect("indicators");
    let mut totals = [0; Indicator::COUNT];
    for row in &report.rows {
        for (t, c) in totals.iter_mut().zip(row.counts) {
            *t += c;
        }
    }
    totals
}

/// The figure the screen shows for `label` (« Documents produits : 42 »).
fn shown_figure(h: &H<'_>, label: &str) -> Option<u64> {
    let prefix = format!("{label} : ");
    h.query_all_by_label_contains(&prefix)
        .map(|n| text_of(&n))
        .find_map(|t| t.strip_prefix(&prefix)?.trim().parse().ok())
}

/// Waits until every figure shown is the store's for `filter`.
fn wait_for_figures(h: &mut H<'_>, store: &Store, filter: &IndicatorFilter, what: &str) {
    let expected = store_totals(store, filter);
    step_until(h, what, LONG, |h| {
        Indicator::ALL
            .iter()
            .all(|k| shown_figure(h, &kind_label(*k)) == Some(expected[k.index()]))
    });
}

fn kind_label(kind: Indicator) -> String {
    chevet::i18n::I18n::default().tr(&kind.message_id())
}

/// The path after « … : » in a status line.
fn shown_path(h: &H<'_>, prefix: &str) -> std::path::PathBuf {
    let text = text_of(&h.get_by_label_contains(prefix));
    std::path::PathBuf::from(text.split(" : ").nth(1).expect("path").trim())
}

#[test]
fn issue18_an_administrator_sees_filters_and_exports_the_indicators() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    log_in(&mut h, "admin", "chevet-admin");
    crate::support::open_admin_screen(&mut h, "Indicateurs");
    step_until(&mut h, "the charts", LONG, |h| {
        h.query_by_label("Par mois et par type :").is_some()
            && h.query_by_label("Évolution mensuelle").is_some()
    });
    let (store, _) = open_app_store(dir.path());

    // The figures of the last twelve months are the store's, and there is activity.
    let filter = default_filter();
    wait_for_figures(&mut h, &store, &filter, "the twelve months' figures");
    let all = store_totals(&store, &filter);
    assert!(
        all[Indicator::DocumentsProduced.index()] > 0,
        "the sandbox has activity: {all:?}"
    );

    // One document type: the figures change to that type's.
    let report = chevet::indicators::compute(&store, &filter, "").expect("report");
    let (code, label) = report
        .types
        .iter()
        .find(|(code, _)| {
            let one = IndicatorFilter {
                type_codes: vec![code.clone()],
                ..filter.clone()
            };
            let totals = store_totals(&store, &one);
            totals[Indicator::DocumentsProduced.index()] > 0
                && totals[Indicator::DocumentsProduced.index()]
                    < all[Indicator::DocumentsProduced.index()]
        })
        .expect("a document type with part of the documents")
        .clone();
    h.get_by_role_and_label(Role::ComboBox, "Types de document :")
        .click();
    let option = format!("{label} ({code})");
    step_until(&mut h, "the types offered", LONG, |h| {
        h.query_by_label(&option).is_some()
    });
    h.get_by_label(&option).click();
    h.run_steps(2);
    h.key_press(egui::Key::Escape);
    h.run_steps(2);
    h.get_by_label("Actualiser").click();
    let one = IndicatorFilter {
        type_codes: vec![code.clone()],
        ..filter.clone()
    };
    wait_for_figures(&mut h, &store, &one, "the figures of one type");
    assert_ne!(
        shown_figure(&h, &kind_label(Indicator::DocumentsProduced)),
        Some(all[Indicator::DocumentsProduced.index()])
    );

    // CSV for a French spreadsheet: BOM, `;`, the producer's stamp, that type's rows only.
    h.get_by_label("Exporter en CSV").click();
    step_until(&mut h, "the CSV written", LONG, |h| {
        h.query_by_label_contains("Indicateurs exportés :")
            .is_some()
    });
    let csv = std::fs::read_to_string(shown_path(&h, "Indicateurs exportés :")).expect("csv");
    assert!(csv.starts_with('\u{feff}'), "BOM");
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    let version = format!("Chevet {}", env!("CARGO_PKG_VERSION"));
    assert!(lines[0].starts_with(&version), "stamp: {}", lines[0]);
    assert!(lines[1].contains(';') && lines[1].contains("Documents produits"));
    let data_rows: Vec<&&str> = lines[2..]
        .iter()
        .filter(|l| !l.is_empty() && !l.starts_with("Total"))
        .collect();
    assert!(!data_rows.is_empty());
    assert!(
        data_rows
            .iter()
            .all(|l| l.split(';').nth(1) == Some(code.as_str())),
        "only the chosen type: {data_rows:?}"
    );

    // A chart as an image: a PNG of the chart's size, with the producer's version.
    let chart = h.get_by_label("Par mois et par type :").rect();
    h.get_by_label("Exporter l'image (par type)").click();
    step_until(&mut h, "the image written", LONG, |h| {
        h.query_by_label_contains("Image enregistrée :").is_some()
    });
    let path = shown_path(&h, "Image enregistrée :");
    let bytes = std::fs::read(&path).expect("png");
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
    let frame = reader.next_frame(&mut pixels).expect("pixels");
    let (width, height) = (frame.width as f64, frame.height as f64);
    // The block: the title row, a 220-point plot and its legend, half the window wide.
    assert!((400.0..660.0).contains(&width), "width {width}");
    assert!((220.0..480.0).contains(&height), "height {height}");
    assert!(
        f64::from(chart.width()) < width,
        "the title is inside the image"
    );
    let software = reader
        .info()
        .uncompressed_latin1_text
        .iter()
        .find(|t| t.keyword == "Software")
        .map(|t| t.text.clone());
    assert_eq!(software, Some(version));
    // Not a blank image: the bars' colours are there.
    let distinct: std::collections::HashSet<&[u8]> = pixels.chunks(4).collect();
    assert!(distinct.len() > 10, "{} colours", distinct.len());
}

#[test]
fn issue18_a_role_without_the_right_has_no_indicators_entry() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = harness(sandbox_app(&rt, dir.path()));
    assert!(!chevet::domain::Role::Interne.has(chevet::domain::Right::ExportIndicators));
    crate::support::assert_no_admin_entry(&mut h, "interne", "chevet-demo", "Indicateurs");
}
