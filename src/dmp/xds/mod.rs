//! The XDS.b metadata layer of the DMP client (ebRIM 3.0): the bodies that go inside the SOAP
//! envelopes and what comes back — no transport, no envelope, no MTOM framing.
//!
//! - `entry`: [`DmpDocumentEntry`] (every DMP DocumentEntry field, status, visibility flags);
//!   `domain_map` (+ `cda_times`): to Chevet's [`DocumentMeta`](crate::domain::DocumentMeta)
//!   and [`Visibility`](crate::domain::Visibility), and from a CDA about to be fed.
//! - `query` / `query_response`: ITI-18 FindDocuments and GetDocuments (TD3.1a/b).
//! - `retrieve`: ITI-43 (TD3.2).
//! - `update`: ITI-57 visibility/masking, delete, archive, unarchive (TD3.3a–d).
//! - `feed` / `xades`: ITI-41 Provide and Register with the XAdES signature entry and
//!   document (TD2.1/2.2); signing goes through [`Signer`](crate::dmp::signer::Signer).
//! - `registry_response`: RegistryResponse and typed [`XdsError`]s. Errors are the DMP's one
//!   [`DmpError`](crate::dmp::error::DmpError): unreadable answers are `Malformed`, requests
//!   that cannot be prepared `Request`, a registry Failure its refusal or error list.
//! - plumbing: XML through the toolkit (`crate::xml`: bounded reader, one writer), `hl7`
//!   (CX/XCN/XON/CE, DTM), `consts`,
//!   `rim_write`, `entry_read`, `submission`, `ids`, `sha1` (XDS `hash`), `x509` (issuer and
//!   serial for XAdES); canonicalisation comes from `crate::dmp::xmldsig::exc_c14n`. The
//!   sandbox DMP (`crate::sandbox::dmp`) reuses `rim_write`, `entry_read` and `sha1`.
//! - tests: `fixture_tests` (real answers), `build_tests` (built messages against the
//!   agency's), `schema_tests` (xmllint), `xades_tests` (libxml2 c14n, xmlsec1).

mod cda_times;
mod consts;
mod domain_map;
mod entry;
pub(crate) mod entry_read;
mod feed;
mod hl7;
mod ids;
mod query;
mod query_response;
mod registry_response;
mod retrieve;
pub(crate) mod rim_write;
pub(crate) mod sha1;
mod submission;
mod update;
mod x509;
mod xades;

#[cfg(test)]
mod build_tests;
#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod schema_tests;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod xades_tests;

pub use consts::*;
pub use domain_map::{FeedParams, format_code_for};
pub use entry::{
    Author, AvailabilityStatus, DmpDocumentEntry, VisibilityFlag, normal_confidentiality,
};
pub use entry_read::{Association, RegistryObjects, parse_registry_objects};
pub use feed::{
    FeedDocument, FeedRequest, PreparedFeed, ProvideAndRegister, prepare_feed, provide_and_register,
};
pub use hl7::{Code, Cx, Xcn, Xon, format_dtm, parse_dtm, specialty};
pub use ids::IdGen;
pub use query::{FindDocumentsQuery, GetDocumentsBy, GetDocumentsQuery, ReturnType, TimeRange};
pub use query_response::{QueryResponse, parse_query_response, read_query_response};
pub use registry_response::{
    ErrorCode, RegistryResponse, ResponseStatus, Severity, XdsError, parse_registry_response,
    read_first_registry_response,
};
pub use retrieve::{
    DocumentContent, DocumentRequest, RetrieveResponse, RetrievedDocument, cid_href, content_id,
    parse_retrieve_response, read_retrieve_response, retrieve_request_xml,
};
pub use submission::{SubmissionContext, content_type};
pub use update::{availability_update_xml, visibility_update_xml};
pub use xades::{SignatureInput, UnsignedSignature, prepare_signature, sign_signature};
