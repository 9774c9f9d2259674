//! Frame time of the patient list (layout + tessellation on the UI thread, no GPU) with 10,
//! 1,000 and 10,000 patients, at the top and in the middle of the list. The list is
//! virtualised, so the cost should not grow with the number of patients.
//!
//! Run: `cargo bench --bench patient_list` (see docs/benchmarks.md).

#![allow(clippy::print_stdout)] // a benchmark reports on stdout

use std::time::{Duration, Instant};

use chevet::i18n::I18n;
use chevet::store::patients::{PatientRow, SearchResult};
use chevet::ui::Command;
use chevet::ui::patient_list::{PatientListState, patient_list_ui};

fn rows(count: usize) -> SearchResult {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let rows: Vec<PatientRow> = chevet::sandbox::demo::bulk_patients(count, 7, today)
        .enumerate()
        .map(|(i, p)| {
            let display_name = format!(
                "{} {}",
                p.identity.traits.birth_name,
                p.identity.traits.first_first_name()
            );
            PatientRow {
                id: chevet::domain::PatientId(i as i64),
                display_name,
                birth_date: p.identity.traits.birth_date,
                sex: p.identity.traits.sex,
                ipp: p.identity.ipp,
                ins: p.identity.ins.map(|i| i.matricule.as_str().to_owned()),
                status: p.identity.status,
            }
        })
        .collect();
    let total = rows.len();
    SearchResult { rows, total }
}

fn input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

/// Mean and 95th percentile of `frames` frames, after warming up.
fn measure(count: usize, select_middle: bool, frames: usize) -> (Duration, Duration) {
    let ctx = egui::Context::default();
    let i18n = I18n::default();
    let mut state = PatientListState::default();
    let request = state.search_request();
    drop(request);
    state.apply(1, rows(count));
    if select_middle {
        state.select(count / 2);
    }
    let mut times = Vec::with_capacity(frames);
    for n in 0..frames + 20 {
        let start = Instant::now();
        let output = ctx.run_ui(input(), |ui| {
            let mut commands: Vec<Command> = Vec::new();
            egui::CentralPanel::default().show(ui, |ui| {
                patient_list_ui(ui, &i18n, &mut state, &mut commands);
            });
        });
        let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
        std::hint::black_box(primitives);
        if n >= 20 {
            times.push(start.elapsed());
        }
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / times.len() as u32;
    let p95 = times[times.len() * 95 / 100];
    (mean, p95)
}

fn main() {
    let frames = 300;
    println!("| patients | position | mean frame | p95 frame |");
    println!("|---:|---|---:|---:|");
    for count in [10, 1_000, 10_000] {
        for middle in [false, true] {
            let (mean, p95) = measure(count, middle, frames);
            println!(
                "| {count} | {} | {:.3} ms | {:.3} ms |",
                if middle { "middle" } else { "top" },
                mean.as_secs_f64() * 1e3,
                p95.as_secs_f64() * 1e3
            );
        }
    }
}
