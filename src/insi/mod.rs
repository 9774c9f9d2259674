//! The INSi teleservice of the Assurance Maladie (docs/insi.md): the INS of a patient, looked
//! up by identity traits (`rechercherInsAvecTraitsIdentite`, RECSANSVITALE) or from a carte
//! Vitale (`rechercherInsAvecCarteVitale`, RECVITALE), over SOAP 1.2 with mutual TLS under the
//! establishment's INSI-AUTO / INSI-MANU certificate.
//!
//! - `settings`: [`InsiSettings`] (endpoint, TLS identity, IDAM, emitter, timeouts) and the
//!   `[insi]` configuration section ([`InsiConfig`]), the private key from the keyring.
//! - `soap`: the request, written with `crate::xml::XmlWriter` (ContexteBAM, ContexteLPS,
//!   WS-Addressing, then the body).
//! - `answer`: the `RESULTAT` answer or the SOAP 1.2 fault, read with `crate::xml` (DOCTYPE
//!   refused, bounded), INS keys checked with [`Matricule`](crate::domain::ins::Matricule).
//! - `client`: [`InsiClient`], one call per [`InsiClient::query`].
//! - `strategy`: [`search`], the query sequence the agency's test plan expects.
//! - `error`: [`InsiError`], the service's one error.
//!
//! Identities (traits, INS) never reach a log or an error text: the types holding them redact
//! their `Debug`.

mod answer;
mod client;
mod error;
mod settings;
mod soap;
mod strategy;
mod types;

pub use answer::{LIMITS, parse_answer};
pub use client::InsiClient;
pub use error::{Fault, InsiError};
pub use settings::{
    CREDENTIAL_ID, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_TIMEOUT_MS, InsiConfig, InsiSettings,
    InsiSetupError, MAX_ANSWER_BYTES, organizational_unit,
};
pub use soap::{
    ACTION_TRAITS, ACTION_VITALE, NS_CTXBAM, NS_CTXLPS, NS_RECSANS, NS_RECVIT, NS_RESULTAT,
    NS_SIRAM, content_type, wire_text, write_request,
};
pub use strategy::{search, strategy_queries};
pub use types::{
    InsiAnswer, InsiIdentity, InsiQuery, InsiReport, InsiTraits, InsiVitale, RequestContext,
    split_first_names,
};
