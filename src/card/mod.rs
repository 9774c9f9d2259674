//! The CPS card over PC/SC: readers and hot-plug, card events, holder identity, PIN, and the
//! proof of key possession.
//!
//! - `profile`: every card constant, as data (`CPS3`).
//! - `apdu`: C-APDU building, R-APDU parsing, GET RESPONSE, chunked READ BINARY.
//! - `identity`: the holder identity file layout; `certificate`: subject and signature check.
//! - `cps`: the operations (`read_holder`, `verify_pin`, `sign_sha256`, `prove_possession`).
//! - `reader`, `monitor`: PC/SC channel and the blocking event monitor.
//! - `trust`: the certificate's chain to the configured IGC-Santé roots, its fingerprint;
//!   `crl`: revocation lists checked against their authority; `crl_store`: lists fetched and
//!   cached; `revocation`: `CardTrust`, the whole decision and its policy; `settings`: the
//!   `[card]` section.
//! - `error`: `CardError`.
//!
//! The sandbox card (`crate::sandbox::card`) speaks the same APDUs. See `docs/card.md`.

pub mod apdu;
pub mod certificate;
pub mod cps;
pub mod crl;
pub mod crl_store;
pub mod error;
pub mod identity;
pub mod monitor;
pub mod profile;
pub mod reader;
pub mod revocation;
pub mod settings;
pub mod trust;

#[cfg(all(test, feature = "sandbox"))]
mod revocation_tests;
#[cfg(all(test, feature = "sandbox"))]
mod trust_tests;

pub use cps::{
    CardChannel, CardHolder, pin_attempts_left, prove_possession, read_holder, sign_sha256,
    verify_pin,
};
pub use error::CardError;
pub use profile::{CPS3, CardProfile, SignMethod};
pub use reader::{CardEvent, PcscChannel, list_readers, monitor};
pub use revocation::{CardTrust, RevocationPolicy, RevocationStatus, TrustReport, WhenUnreachable};
pub use trust::{TrustAnchors, TrustError, certificate_sha256};

/// A card in a reader that software can pull and put back: the sandbox's virtual card, for
/// machines without a reader. The workers treat it like a PC/SC card otherwise.
pub trait VirtualCard: CardChannel + Send + Sync {
    /// Pulls the card: every command fails until it is back.
    fn remove(&mut self);
    /// Puts the card back, powered up afresh.
    fn insert(&mut self);
}
