//! The sandbox Annuaire Santé: a generated bulk extract in the real column format
//! (`generate`) and a FHIR R4 server over the same entries with the V2 API's search
//! parameters, paging and limits (`server`).

pub mod generate;
pub mod server;
