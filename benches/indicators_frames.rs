//! Frame times of « Indicateurs » (issue 18; goal: no frame over 8 ms): the whole app under
//! egui_kittest, without a GPU (layout and tessellation on the UI thread), over a store filled
//! by `sandbox::indicators_load::fill` (by default 1,000,000 documents and 100,000 DMP traces,
//! three sites, six document types, 24 months). Two phases: the frames while the workers
//! compute the report (the screen just opened, asking for the last 12 months; the frame that
//! applies the report — the charts' aggregation — included), then 600 frames with the big
//! report on screen (the charts, the figures and the table), the table scrolled on the way.
//! Prints max and p99 of each phase.
//!
//! Run: `cargo bench --bench indicators_frames` (release). Sizes:
//! `CHEVET_BENCH_INDICATOR_DOCUMENTS`, `CHEVET_BENCH_INDICATOR_TRACES` (small ones for a quick
//! debug run: `cargo bench --profile dev --bench indicators_frames`).

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

mod common;

use std::time::{Duration, Instant};

use chevet::app::ChevetApp;
use common::app::{H, app_key, harness, log_in, runtime, sandbox_dmp, until, worker_config};
use common::report::ms;
use egui_kittest::kittest::Queryable;

const SEED: u64 = 0x4348_4556_4554_0118;
/// Between steps while waiting for the workers.
const PAUSE: Duration = Duration::from_millis(5);
/// Frames measured with the report on screen.
const SHOWN_FRAMES: usize = 600;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().expect("a number in the CHEVET_BENCH_* variable"))
        .unwrap_or(default)
}

fn input(events: Vec<egui::Event>) -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        events,
        ..Default::default()
    }
}

/// One frame as the window draws it (layout, then tessellation); its time.
fn frame(ctx: &egui::Context, app: &mut ChevetApp, events: Vec<egui::Event>) -> Duration {
    let t = Instant::now();
    let mut output = ctx.run_ui(input(events), |ui| app.frame_ui(ui));
    output.textures_delta.clear();
    std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
    t.elapsed()
}

fn summary(what: &str, mut times: Vec<Duration>) {
    times.sort();
    let p = |q: usize| times[(times.len() * q).div_ceil(100).clamp(1, times.len()) - 1];
    let over = times
        .iter()
        .filter(|t| **t > Duration::from_millis(8))
        .count();
    println!(
        "| {what} | {} | {} | {} | {} | {over} |",
        times.len(),
        ms(p(50)),
        ms(p(99)),
        ms(p(100)),
    );
}

fn main() {
    let documents = env_usize("CHEVET_BENCH_INDICATOR_DOCUMENTS", 1_000_000);
    let traces = env_usize("CHEVET_BENCH_INDICATOR_TRACES", 100_000);
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (dmp, endpoint) = sandbox_dmp(&rt);
    let config = chevet::worker::WorkerConfig {
        demo: Some(std::sync::Arc::new(chevet::sandbox::demo_data::SandboxDemo)),
        ..worker_config(dir.path(), endpoint)
    };
    let mut h: H = harness(&rt, config, 1_000_000);
    until(&mut h, PAUSE, "login form", |h| {
        h.query_by_label("Se connecter").is_some()
    });
    // The store is open (and the demo seeded): the activity goes in beside the app.
    let started = Instant::now();
    {
        let key = app_key(dir.path());
        let store = chevet::store::Store::open(&dir.path().join(chevet::store::DB_FILE_NAME), &key)
            .expect("store");
        chevet::sandbox::indicators_load::fill(&store, documents, traces, SEED).expect("fill");
    }
    println!(
        "filled {documents} documents and {traces} DMP traces in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    log_in(&mut h, PAUSE, "admin", "chevet-admin");
    h.get_by_label("Administration").click();
    until(&mut h, PAUSE, "the menu", |h| {
        h.query_by_label("Indicateurs").is_some()
    });
    h.get_by_label("Indicateurs").click();
    h.run_steps(1);

    // Phase 1: the report is being computed on the workers.
    let mut app = h.into_state();
    let ctx = egui::Context::default();
    chevet::ui::widgets::install_style(&ctx);
    // A new context loads its fonts at the first frame: that is the window's start, not this
    // screen's, so it is warmed up first with text in the same fonts.
    for _ in 0..10 {
        let mut output = ctx.run_ui(input(Vec::new()), |ui| {
            ui.heading("Indicateurs d'usage — 0123456789 ×·…");
            ui.label(
                "àâçéèêëîïôùûü ÀÂÇÉÈÊËÎÏÔÙÛÜ abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            );
            ui.strong(
                "àâçéèêëîïôùûü abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789",
            );
        });
        output.textures_delta.clear();
        std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
    }
    let mut computing = Vec::new();
    let started = Instant::now();
    let mut answered = false;
    while started.elapsed() < Duration::from_secs(900) {
        let t = frame(&ctx, &mut app, Vec::new());
        computing.push(t);
        if !app.indicators_state().is_computing() {
            answered = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t));
    }
    assert!(answered, "the report did not come");
    let report = app.indicators_state().report().expect("a report");
    let (rows, computed_ms) = (report.rows.len(), report.computed_ms);
    println!(
        "report: {rows} rows, computed in {computed_ms} ms; arrived after {:.2} s",
        started.elapsed().as_secs_f64()
    );

    // Phase 2: the big report on screen; the table scrolled down then up along the way.
    let mut shown = Vec::with_capacity(SHOWN_FRAMES);
    for n in 0..SHOWN_FRAMES {
        let events = if n % 60 < 30 {
            vec![egui::Event::PointerMoved(egui::pos2(640.0, 720.0))]
        } else {
            let dy = if n < SHOWN_FRAMES / 2 { -60.0 } else { 60.0 };
            vec![
                egui::Event::PointerMoved(egui::pos2(640.0, 720.0)),
                egui::Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta: egui::vec2(0.0, dy),
                    phase: egui::TouchPhase::Move,
                    modifiers: egui::Modifiers::NONE,
                    source: egui::MouseWheelSource::Wheel,
                },
            ]
        };
        shown.push(frame(&ctx, &mut app, events));
    }
    println!("| Indicateurs | frames | p50 | p99 | max | over 8 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    summary("while the workers compute", computing);
    summary(&format!("report of {rows} rows shown"), shown);
    drop(app);
    drop(dmp);
}
