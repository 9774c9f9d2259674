//! The Annuaire Santé: the bulk extract of MSSanté mailboxes (`extract`), the FHIR R4 API that
//! refreshes and completes it (`fhir`), and the folding every search key goes through
//! (`normalize`). The local directory itself lives in the store (`store::directory`).

pub mod extract;
pub mod fhir;
pub mod import;
pub mod normalize;
