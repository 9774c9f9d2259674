//! The outbox: every document Chevet produces, fed to the DMP in the background — directly
//! (ITI-41) or through the hospital's gateway (PFI, HL7 v2 MDM/ORU) — crash-safe and
//! cancellable. Ids and the exact request are stored before the first send and never
//! regenerated; an ambiguous failure is resolved before any resend (docs/outbox.md).

pub mod pfi_message;
pub mod zam;
