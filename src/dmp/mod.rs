//! The DMP client stack: SOAP 1.2 envelopes with WS-Addressing and WS-Security (`soap`),
//! MTOM packaging (`mtom`), HL7v3 and "DMP services" messages (`hl7v3`), the typed error of
//! every exchange (`error`), the XDS.b metadata of documents (`xds`), and the signing
//! interface (`signer`). Nothing here knows the UI.

pub mod client;
pub mod consult;
pub mod error;
pub mod hl7v3;
pub mod mtom;
pub mod setup;
pub mod signer;
pub mod soap;
pub mod transport;
pub mod vihf;
pub mod xds;
pub mod xmldsig;
