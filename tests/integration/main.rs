//! Integration tests, one binary: the encrypted store end to end, the audit chain, the privacy
//! of the database file, the OS keyring, the DMP client against the sandbox DMP, the screens
//! driven by label with egui_kittest, the README's establishment-mode screenshots (`screenshots`,
//! ignored unless asked for), and the code's shape (`structure`).

mod annuaire_cli;
mod audit_chain;
mod backup;
mod card_peer;
mod cut_proxy;
mod dmp_conformance;
mod dmp_documents;
mod dmp_folder;
mod establishment;
mod hl7_listener;
mod hl7_peers;
mod hl7_send;
mod hl7_tls;
mod hostile;
mod identity_flow;
mod intake_flow;
mod keyring;
mod oidc_peer;
mod outbox_fault;
mod outbox_flow;
mod portability;
mod portal;
mod privacy;
mod psc_login;
mod screenshots;
mod serve;
mod shared_store;
mod shutdown;
mod store_roundtrip;
mod structure;
mod support;
mod ui_accounts;
mod ui_annuaire;
mod ui_backups;
mod ui_flow;
mod ui_identity;
mod ui_indicators;
mod ui_settings;
