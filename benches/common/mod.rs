//! What several benches share: latency percentiles and the rows of the tables they print
//! (`report`), and the whole app driven by egui_kittest (`app`). A bench includes it with
//! `mod common;` (from a bench in its own folder, `#[path = "../common/mod.rs"] mod common;`)
//! and uses what it needs: what one bench leaves unused is not dead code.

#![allow(dead_code)]

pub mod app;
pub mod report;
