//! The outbox: every document Chevet produces, fed to the DMP in the background — directly
//! (ITI-41) or through the hospital's gateway (PFI, HL7 v2 MDM/ORU) — crash-safe and
//! cancellable. `enqueue` applies the rules and stores ids and the exact request with the
//! document; `drain` takes each due job exactly once and sends it by its `route`; `ack` files
//! the gateway's business acknowledgements; `mss` queues sends by MSSanté on the gateway
//! route. Rows live in `store::outbox` (docs/outbox.md).

pub mod ack;
pub mod author;
pub mod drain;
pub mod enqueue;
pub mod error;
pub mod mss;
pub mod pfi_message;
pub mod request;
pub mod route;
pub mod settings;
pub mod zam;

#[cfg(all(test, feature = "sandbox"))]
mod drain_tests;
#[cfg(all(test, feature = "sandbox"))]
mod test_support;

pub use drain::{Drainer, StopFlag};
pub use enqueue::{Production, Target, enqueue};
pub use error::OutboxError;
pub use settings::OutboxSettings;
