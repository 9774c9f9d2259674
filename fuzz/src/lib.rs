//! The CDA parser, the XML toolkit it shares (`src/xml`: text decoding, entity rules, errors),
//! the domain types, the HL7 v2 parser, ACK writer and MLLP decoder (`src/hl7`, its listener
//! left out), the IHE XDM reader (`src/xdm`) and the Annuaire's bulk extract reader
//! (`src/annuaire/extract.rs`, as `annuaire_extract`), compiled from the application's own sources
//! so that the fuzz build stays small (cargo-fuzz sets `cfg(fuzzing)`, which leaves out the
//! production and inspection modules).

#![allow(dead_code, unused_imports)]

#[path = "../../src/annuaire/extract.rs"]
pub mod annuaire_extract;
#[path = "../../src/cda/mod.rs"]
pub mod cda;
#[path = "../../src/domain/mod.rs"]
pub mod domain;
#[path = "../../src/hl7/mod.rs"]
pub mod hl7;
#[path = "../../src/xdm/mod.rs"]
pub mod xdm;
#[path = "../../src/xml/mod.rs"]
pub mod xml;
