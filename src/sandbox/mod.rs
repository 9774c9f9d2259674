//! The sandbox: Chevet's embedded default when no configuration is given. It seeds a demo
//! database (`seed`, from the generator in `demo`) and runs simulated national services on
//! 127.0.0.1 (`registry`). Nothing in the clients knows whether they talk to the sandbox.

pub mod demo;
pub mod registry;
pub mod seed;
