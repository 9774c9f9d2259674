//! The sandbox virtual CPS card: `VirtualCps`, an APDU-level simulator of exactly the profile
//! the client uses (`crate::card::CPS3`), reachable in process through `VirtualChannel` (the
//! sandbox "virtual card" option, no PC/SC needed) or through pcscd's vpcd driver with
//! `serve_vpcd` (the real-peer tests). Its certificate comes from the sandbox's test
//! IGC-Santé, made at every start (`keys`), whose revocation list a loopback HTTP server
//! publishes (`crl_server`); `pki` holds both and issues genuine, revoked, expired and forged
//! cards (`CardKind`).

mod channel;
mod cps;
pub mod crl_server;
pub mod keys;
pub mod pki;
mod vpcd;

#[cfg(test)]
mod tests;

pub use channel::VirtualChannel;
pub use cps::VirtualCps;
pub use keys::CardKind;
pub use pki::{SandboxPki, sandbox_trust};
pub use vpcd::{VPCD_PORT, serve_vpcd};

/// The demo physician's card (`810101234567`, Claire LAMBERT, physician, specialty SM04).
pub const DEMO_NATIONAL_ID: &str = "810101234567";
pub const DEMO_GIVEN_NAME: &str = "Claire";
pub const DEMO_FAMILY_NAME: &str = "LAMBERT";
pub const DEMO_PROFESSION: &str = "10";
pub const DEMO_SPECIALTY: &str = "SM04";
/// The PIN of every sandbox card unless changed with `VirtualCps::with_pin`.
pub const DEFAULT_PIN: &str = "1234";

/// ATR of the sandbox card: T=0 and T=1 offered, historical bytes "CHEVET-CPS", TCK.
pub const ATR: [u8; 15] = atr();

const fn atr() -> [u8; 15] {
    let mut atr = [
        0x3B, 0x8A, 0x80, 0x01, b'C', b'H', b'E', b'V', b'E', b'T', b'-', b'C', b'P', b'S', 0,
    ];
    let mut tck = 0;
    let mut i = 1;
    while i < 14 {
        tck ^= atr[i];
        i += 1;
    }
    atr[14] = tck;
    atr
}

/// Why a virtual card could not be made.
#[derive(Debug, thiserror::Error)]
pub enum VirtualCardError {
    #[error("virtual card key generation failed: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("virtual card key rejected")]
    Key,
    #[error("the PIN must be 4 to 8 digits")]
    PinFormat,
    /// The revocation list server could not listen.
    #[error("sandbox revocation list server: {0}")]
    Server(std::io::ErrorKind),
    /// Not one of `genuine`, `revoked`, `expired`, `forged`, `forged-ca`.
    #[error("unknown sandbox card kind (genuine, revoked, expired, forged, forged-ca)")]
    UnknownKind,
    /// The shared test PKI could not be made.
    #[error("sandbox test PKI unavailable: {0}")]
    Pki(String),
}

impl VirtualCardError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// A virtual card for a holder, with fresh keys from the shared test PKI and PIN `1234`.
pub fn demo(
    national_id: &str,
    given: &str,
    family: &str,
    profession: &str,
    specialty: &str,
) -> Result<VirtualCps, VirtualCardError> {
    VirtualCps::demo(national_id, given, family, profession, specialty)
}

/// The demo physician's virtual card.
pub fn demo_physician() -> Result<VirtualCps, VirtualCardError> {
    demo(
        DEMO_NATIONAL_ID,
        DEMO_GIVEN_NAME,
        DEMO_FAMILY_NAME,
        DEMO_PROFESSION,
        DEMO_SPECIALTY,
    )
}
