//! CDA benchmarks, each against a peer in the same run (issue 3):
//! 1. parse + PDF extraction of every fixture × 100, against Python lxml doing the same;
//! 2. native structured view (build + layout of one frame) against `xsltproc` with the ANS
//!    stylesheet, per N3 document;
//! 3. first PDF page rendered by PDFium against `pdftoppm` (poppler), per embedded PDF.
//!
//! Run: `./scripts/bench.sh` (installs the peers) or `cargo bench --bench cda`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a benchmark reports on stdout

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const ROUNDS: usize = 100;

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/cda"
    ));
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn parse_and_extract(files: &[(String, Vec<u8>)]) -> (Duration, usize) {
    let start = Instant::now();
    let mut pdfs = 0;
    for _ in 0..ROUNDS {
        for (_, bytes) in files {
            let doc = chevet::cda::parse(bytes).expect("parse");
            std::hint::black_box(doc.meta());
            if let Some(pdf) = doc.pdf() {
                std::hint::black_box(pdf.decode().expect("pdf"));
                pdfs += 1;
            }
        }
    }
    (start.elapsed(), pdfs)
}

fn lxml(files: &[(String, Vec<u8>)]) -> Option<(Duration, usize)> {
    let dir = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/cda"
    ));
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/bench/lxml_extract.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(ROUNDS.to_string())
        .args(files.iter().map(|(n, _)| dir.join(n)))
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!("lxml peer failed: {}", String::from_utf8_lossy(&out.stderr));
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let secs: f64 = parts.next()?.parse().ok()?;
    let pdfs: usize = parts.next()?.parse().ok()?;
    Some((Duration::from_secs_f64(secs), pdfs))
}

/// Builds the structured view and lays out one frame of it (CPU: layout + tessellation).
fn native_structured(bytes: &[u8]) -> Duration {
    let ctx = egui::Context::default();
    chevet::ui::widgets::install_style(&ctx);
    let input = || egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    // Fonts load on the first pass: not part of what is measured.
    let _ = ctx.run_ui(input(), |_| {});
    let mut state = chevet::ui::structured_view::StructuredViewState::default();
    let no_images = |_: &str| None;
    let start = Instant::now();
    let doc = chevet::cda::parse(bytes).expect("parse");
    let structured = chevet::cda::narrative::build(&doc);
    let output = ctx.run_ui(input(), |ui| {
        egui::CentralPanel::default().show(ui, |ui| {
            chevet::ui::structured_view::structured_view_ui(
                ui,
                &structured,
                &no_images,
                &mut state,
            );
        });
    });
    std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
    start.elapsed()
}

fn xsltproc(path: &Path, stylesheet: &Path, out: &Path) -> Option<Duration> {
    let start = Instant::now();
    let status = Command::new("xsltproc")
        .arg("--nonet")
        .arg("--output")
        .arg(out)
        .arg(stylesheet)
        .arg(path)
        .status()
        .ok()?;
    status.success().then(|| start.elapsed())
}

fn pdftoppm(pdf: &Path, out_prefix: &Path) -> Option<Duration> {
    let start = Instant::now();
    let status = Command::new("pdftoppm")
        .args(["-f", "1", "-l", "1", "-r", "150", "-png"])
        .arg(pdf)
        .arg(out_prefix)
        .status()
        .ok()?;
    status.success().then(|| start.elapsed())
}

fn main() {
    let files = fixtures();
    let tmp = tempfile::tempdir().expect("tempdir");
    println!(
        "## Parse + PDF extraction, {} fixtures × {ROUNDS}",
        files.len()
    );
    let (ours, pdfs) = parse_and_extract(&files);
    println!("| tool | total | per document | PDFs decoded |");
    println!("|---|---:|---:|---:|");
    let per_doc = |d: Duration| ms(d) / (files.len() * ROUNDS) as f64;
    println!(
        "| Chevet (toolkit lexer, streaming) | {:.1} ms | {:.3} ms | {pdfs} |",
        ms(ours),
        per_doc(ours)
    );
    match lxml(&files) {
        Some((theirs, their_pdfs)) => {
            println!(
                "| Python lxml | {:.1} ms | {:.3} ms | {their_pdfs} |",
                ms(theirs),
                per_doc(theirs)
            );
            println!("\nRatio lxml / Chevet: **{:.2}×**\n", ms(theirs) / ms(ours));
        }
        None => println!("| Python lxml | not available (pip install lxml) | | |\n"),
    }

    // The agency stylesheet as Chevet ships it.
    let xsl_dir = tmp.path().join("xsl");
    std::fs::create_dir_all(&xsl_dir).expect("dir");
    for name in ["CDA-FO.xsl", "cda_l10n.xml", "cda_narrativeblock.xml"] {
        std::fs::copy(
            PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/stylesheet")).join(name),
            xsl_dir.join(name),
        )
        .expect("copy stylesheet");
    }
    let stylesheet = xsl_dir.join("CDA-FO.xsl");
    println!("## Structured view: native (build + one frame) vs xsltproc + ANS CDA-FO.xsl");
    println!("| document | Chevet native | xsltproc | ratio |");
    println!("|---|---:|---:|---:|");
    let (mut sum_ours, mut sum_theirs) = (Duration::ZERO, Duration::ZERO);
    for (name, bytes) in &files {
        let doc = chevet::cda::parse(bytes).expect("parse");
        if doc.body_kind() != chevet::domain::BodyKind::Structured {
            continue;
        }
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        // Median of 5 runs each.
        let mut ours: Vec<Duration> = (0..5).map(|_| native_structured(bytes)).collect();
        let mut theirs: Vec<Duration> = (0..5)
            .filter_map(|_| xsltproc(&path, &stylesheet, &tmp.path().join("out.html")))
            .collect();
        ours.sort();
        theirs.sort();
        let o = ours[2];
        let t = theirs.get(theirs.len() / 2).copied();
        sum_ours += o;
        match t {
            Some(t) => {
                sum_theirs += t;
                println!(
                    "| {name} | {:.1} ms | {:.1} ms | {:.0}× |",
                    ms(o),
                    ms(t),
                    ms(t) / ms(o)
                );
            }
            None => println!("| {name} | {:.1} ms | failed | |", ms(o)),
        }
    }
    println!(
        "| **total** | {:.1} ms | {:.1} ms | **{:.0}×** |\n",
        ms(sum_ours),
        ms(sum_theirs),
        ms(sum_theirs) / ms(sum_ours).max(1e-9)
    );

    println!("## First PDF page: PDFium (in process) vs pdftoppm (process per page), 150 dpi");
    let engine = match chevet::pdf::engine() {
        Ok(e) => e,
        Err(e) => {
            println!("PDFium not available: {e}");
            return;
        }
    };
    println!("| PDF of | PDFium | pdftoppm | ratio |");
    println!("|---|---:|---:|---:|");
    let (mut sum_ours, mut sum_theirs) = (Duration::ZERO, Duration::ZERO);
    for (name, bytes) in &files {
        let doc = chevet::cda::parse(bytes).expect("parse");
        let Some(pdf) = doc.pdf().and_then(|a| a.decode().ok()) else {
            continue;
        };
        let pdf_path = tmp.path().join(format!("{name}.pdf"));
        std::fs::write(&pdf_path, &pdf).expect("write");
        // A4 at 150 dpi is 1240 px wide.
        let mut ours: Vec<Duration> = (0..5)
            .map(|_| {
                let start = Instant::now();
                std::hint::black_box(engine.render(&pdf, 0, 1240).expect("render"));
                start.elapsed()
            })
            .collect();
        let mut theirs: Vec<Duration> = (0..5)
            .filter_map(|_| pdftoppm(&pdf_path, &tmp.path().join("page")))
            .collect();
        ours.sort();
        theirs.sort();
        let o = ours[2];
        sum_ours += o;
        match theirs.get(theirs.len() / 2).copied() {
            Some(t) => {
                sum_theirs += t;
                println!(
                    "| {name} | {:.1} ms | {:.1} ms | {:.1}× |",
                    ms(o),
                    ms(t),
                    ms(t) / ms(o)
                );
            }
            None => println!("| {name} | {:.1} ms | not available | |", ms(o)),
        }
    }
    println!(
        "| **total** | {:.1} ms | {:.1} ms | **{:.1}×** |",
        ms(sum_ours),
        ms(sum_theirs),
        ms(sum_theirs) / ms(sum_ours).max(1e-9)
    );
}
