//! Chevet: a DPI workstation client for French hospital doctors, around the national shared
//! record (DMP), MSSanté, the Annuaire Santé, Pro Santé Connect and CPS cards.
//!
//! The binary (`main.rs`) wires these modules together; the library exists so that tests and
//! benchmarks drive the same code. See `docs/ARCHITECTURE.md` for the map.

pub mod annuaire;
pub mod app;
pub mod auth;
pub mod backup;
pub mod card;
pub mod cda;
pub mod cli;
pub mod config;
pub mod dmp;
pub mod domain;
pub mod export;
pub mod hl7;
pub mod http;
pub mod i18n;
pub mod indicators;
pub mod insi;
pub mod intake;
pub mod outbox;
pub mod pdf;
pub mod portability;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod serve;
pub mod settings;
pub mod store;
#[cfg(test)]
pub(crate) mod testing;
pub mod ui;
pub mod worker;
pub mod xdm;
pub mod xml;
pub mod xml_escape;
