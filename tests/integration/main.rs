//! Integration tests, one binary: the encrypted store end to end, the audit chain, the privacy
//! of the database file, the OS keyring, and the screens driven by label with egui_kittest.

mod audit_chain;
mod hostile;
mod keyring;
mod privacy;
mod store_roundtrip;
mod support;
mod ui_flow;
