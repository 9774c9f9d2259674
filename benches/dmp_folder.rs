//! The DMP in the patient folder, measured in the whole app against the sandbox DMP slowed to
//! 200 ms per transaction (over mutual TLS, with the VIHF signed and checked):
//!
//! 1. opening a patient in consultation → the DMP badge and the new-document count on screen,
//!    with no click (ten openings; the app is driven by egui_kittest, no GPU): first the last
//!    known ones (this workstation's, shown with their age), then the DMP's fresh answer
//!    (TD0.2 and the TD3.1 count sent together, the authorization being known);
//! 2. the UI thread's frame time (layout + tessellation, no GPU) while 20 DMP refreshes are
//!    in flight (each one TD0.2 then two TD3.1) and the folder lists 10,000 documents.
//!
//! Run: `cargo bench --bench dmp_folder` (see docs/benchmarks.md).

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chevet::sandbox::dmp::faults::FaultPlan;
use chevet::store::KeyStorage;
use chevet::worker::WorkerConfig;
use common::app::{H, harness, log_in_strong, open_from_list, runtime, until, worker_config};
use common::report::{millis, percentile};
use egui_kittest::kittest::Queryable;

const LATENCY: &str = "exists=slow:200, authorize=slow:200, find=slow:200, retrieve=slow:200, \
                       update=slow:200";
const OPENINGS: usize = 10;
const IN_FLIGHT: usize = 20;
const BULK_DOCUMENTS: usize = 10_000;
/// Time between two frames while waiting for something on screen.
const PAUSE: Duration = Duration::from_millis(2);

fn inform(h: &mut H) {
    until(h, PAUSE, "not consulted", |h| {
        h.query_by_label("DMP non consulté").is_some()
    });
    h.key_press_modifiers(egui::Modifiers::ALT, egui::Key::Num2);
    h.run_steps(2);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    until(h, PAUSE, "badge", |h| {
        h.query_by_label("DMP : accès autorisé").is_some()
    });
}

fn badge_and_count(h: &H) -> bool {
    h.query_by_label("DMP : accès autorisé").is_some()
        && h.query_by_label_contains("nouveau(x) document(s)")
            .is_some()
}

fn main() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let today = chrono::Local::now().date_naive();
    let faults = FaultPlan::parse(LATENCY).expect("fault plan");
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Arc::new(faults)))
        .expect("sandbox DMP");
    let endpoint = dmp.endpoint(Default::default()).expect("endpoint");
    let config = WorkerConfig {
        demo: Some(Arc::new(chevet::sandbox::demo_data::SandboxDemo)),
        ..worker_config(dir.path(), endpoint)
    };
    let mut h = harness(&rt, config, 100_000);
    // The DMP opens only to a strong session: the password, then a second factor enrolled.
    log_in_strong(&mut h, PAUSE, "medecin", "chevet-demo");

    // 1. Opening a patient in consultation: badge and count with no click.
    let (index, patient) = chevet::sandbox::dmp::seed::consultation_demo_patient(today)
        .expect("a demo patient in consultation");
    let name = patient.identity.traits.birth_name.clone();
    let ipp = patient.identity.ipp;
    open_from_list(&mut h, PAUSE, &ipp, &name);
    inform(&mut h);
    until(&mut h, PAUSE, "count", badge_and_count);
    let mut folder_ms = Vec::new();
    let mut cached_ms = Vec::new();
    let mut dmp_ms = Vec::new();
    for _ in 0..OPENINGS {
        open_from_list(&mut h, PAUSE, &ipp, &name);
        let start = Instant::now();
        until(&mut h, PAUSE, "folder", |h| {
            h.query_by_label("Venues").is_some()
        });
        folder_ms.push(start.elapsed());
        until(&mut h, PAUSE, "last known badge and count", |h| {
            badge_and_count(h) && h.query_by_label_contains("dernier état connu").is_some()
        });
        cached_ms.push(start.elapsed());
        until(&mut h, PAUSE, "fresh badge and count", |h| {
            badge_and_count(h) && h.query_by_label_contains("dernier état connu").is_none()
        });
        dmp_ms.push(start.elapsed());
    }
    folder_ms.sort();
    cached_ms.sort();
    dmp_ms.sort();
    println!(
        "open patient {index} (consultation), DMP at 200 ms per transaction, {OPENINGS} openings:"
    );
    println!(
        "  folder on screen: median {:.0} ms, max {:.0} ms",
        millis(percentile(&folder_ms, 50)),
        millis(percentile(&folder_ms, 100))
    );
    println!(
        "  last known badge + count on screen: median {:.0} ms, max {:.0} ms",
        millis(percentile(&cached_ms, 50)),
        millis(percentile(&cached_ms, 100))
    );
    println!(
        "  badge + new-document count on screen: median {:.0} ms, max {:.0} ms",
        millis(percentile(&dmp_ms, 50)),
        millis(percentile(&dmp_ms, 100))
    );

    // 2. PAT-TROIS with 10,000 more documents, 20 DMP refreshes in flight.
    let added = {
        let key = chevet::store::key::obtain_key(dir.path(), true, KeyStorage::File, &[])
            .expect("key")
            .0;
        let mut store =
            chevet::store::Store::open(&dir.path().join(chevet::store::DB_FILE_NAME), &key)
                .expect("store");
        let pat_trois = chevet::store::patients::search(&store, "pat-trois", 1)
            .expect("search")
            .rows[0]
            .id;
        let template = chevet::store::documents::for_patient(&store, pat_trois)
            .expect("documents")
            .into_iter()
            .min_by_key(|d| d.meta.title.len())
            .and_then(|d| d.reference.stored())
            .expect("a document");
        chevet::sandbox::seed::bulk_documents(&mut store, pat_trois, template, BULK_DOCUMENTS)
            .expect("bulk")
    };
    open_from_list(&mut h, PAUSE, "pat-trois", "PAT-TROIS");
    until(&mut h, PAUSE, "big folder", |h| {
        h.query_by_label("Venues").is_some()
    });
    inform(&mut h);
    let mut app = h.into_state();
    let ctx = egui::Context::default();
    chevet::ui::widgets::install_style(&ctx);
    let input = |events: Vec<egui::Event>| egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        events,
        ..Default::default()
    };
    let mut times = Vec::new();
    let start = Instant::now();
    let mut frame = 0;
    while start.elapsed() < Duration::from_secs(4) {
        // One Ctrl+R per frame for the first frames: 20 refreshes queued at once.
        let events = if frame < IN_FLIGHT {
            vec![egui::Event::Key {
                key: egui::Key::R,
                physical_key: None,
                pressed: true,
                repeat: false,
                modifiers: egui::Modifiers::COMMAND,
            }]
        } else {
            Vec::new()
        };
        let t = Instant::now();
        let mut output = ctx.run_ui(input(events), |ui| app.frame_ui(ui));
        // No GPU here: the font atlas updates are dropped.
        output.textures_delta.clear();
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        times.push(t.elapsed());
        frame += 1;
        // A 60 Hz display: the next frame comes 16 ms later.
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    // Idle frames, every answer applied: what one frame of the big folder costs.
    std::thread::sleep(Duration::from_secs(2));
    let mut idle = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        let mut output = ctx.run_ui(input(Vec::new()), |ui| app.frame_ui(ui));
        output.textures_delta.clear();
        std::hint::black_box(ctx.tessellate(output.shapes, output.pixels_per_point));
        idle.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(16).saturating_sub(t.elapsed()));
    }
    idle.sort();
    times.sort();
    println!(
        "PAT-TROIS with {added} more documents, {IN_FLIGHT} DMP refreshes in flight \
         (TD0.2 + 2 × TD3.1 each, 200 ms per transaction), {} frames over 4 s:",
        times.len()
    );
    println!(
        "  frame time: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        millis(percentile(&times, 50)),
        millis(percentile(&times, 95)),
        millis(percentile(&times, 99)),
        millis(percentile(&times, 100))
    );
    println!(
        "  an idle frame, every answer applied: p50 {:.3} ms, p90 {:.3} ms",
        millis(percentile(&idle, 50)),
        millis(percentile(&idle, 90))
    );
    drop(dmp);
}
