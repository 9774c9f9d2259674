//! The Annuaire Santé FHIR R4 API V2 (`https://gateway.api.esante.gouv.fr/fhir/v2`): the serde
//! types of what Chevet reads (`types`), their mapping to [`DirectoryEntry`]s, one per MSSanté
//! mailbox (`map`), one careful GET with key, rate limit, retries and size limit
//! (`transport`), the look-ups and the incremental refresh (`client`), and their errors
//! (`error`). No hyper here: the sandbox's server lives in `sandbox::annuaire::server`.
//!
//! The API key lives in the OS keyring under [`CREDENTIAL_ID`]:
//! `AnnuaireSettings::new(crate::auth::providers::credential(&crate::store::key::platform_keyrings(), CREDENTIAL_ID)?)`.
//!
//! [`DirectoryEntry`]: crate::domain::directory::DirectoryEntry

pub mod client;
pub mod error;
pub mod map;
pub mod transport;
pub mod types;

pub use client::{AddressQuery, AnnuaireClient};
pub use error::AnnuaireError;
pub use map::Gathered;
pub use transport::{API_KEY_HEADER, AnnuaireSettings, CREDENTIAL_ID, PRODUCTION_BASE_URL};
