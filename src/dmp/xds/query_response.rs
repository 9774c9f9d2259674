//! Reads the ITI-18 answer (`AdhocQueryResponse`, bare or inside its SOAP envelope): status,
//! RegistryErrorList, totalResultCount, every ExtrinsicObject as a [`DmpDocumentEntry`] and the
//! ObjectRefs of an `ObjectRef` query.

use super::consts::ns;
use super::entry::DmpDocumentEntry;
use super::entry_read::{Association, read_objects};
use super::registry_response::{ResponseStatus, XdsError, read_errors, registry_failure};
use crate::dmp::error::DmpError;
use crate::dmp::soap;
use crate::xml::{Element, Limits};

/// An answer to a stored query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryResponse {
    pub status: ResponseStatus,
    pub errors: Vec<XdsError>,
    pub total_result_count: Option<u64>,
    pub entries: Vec<DmpDocumentEntry>,
    /// ExtrinsicObjects left out because they could not be read (no id or uniqueId…).
    pub skipped_entries: usize,
    /// entryUUIDs of a `returnType="ObjectRef"` answer.
    pub object_refs: Vec<String>,
    /// Associations, when the query returns some.
    pub associations: Vec<Association>,
}

impl QueryResponse {
    /// `Ok` unless the registry answered Failure (or an unknown status).
    pub fn into_result(self) -> Result<Self, DmpError> {
        match self.status {
            ResponseStatus::Success | ResponseStatus::PartialSuccess => Ok(self),
            ResponseStatus::Failure | ResponseStatus::Other(_) => {
                Err(registry_failure(&self.errors))
            }
        }
    }
}

/// Reads an `AdhocQueryResponse` (bare or inside its SOAP envelope).
pub fn parse_query_response(xml_bytes: &[u8]) -> Result<QueryResponse, DmpError> {
    let text = soap::decode_text(xml_bytes);
    read_query_response(soap::parse(&text, &Limits::XDS)?.root())
}

/// [`parse_query_response`] of a message already parsed (its envelope or the payload).
pub fn read_query_response(root: Element<'_>) -> Result<QueryResponse, DmpError> {
    let response = root
        .find(ns::QUERY, "AdhocQueryResponse")
        .ok_or(DmpError::malformed("AdhocQueryResponse"))?;
    let status = response
        .attr("status")
        .ok_or(DmpError::malformed("AdhocQueryResponse/@status"))?;
    let total_result_count = match response.attr("totalResultCount") {
        Some(n) => Some(
            n.trim()
                .parse()
                .map_err(|_| DmpError::malformed("totalResultCount"))?,
        ),
        None => None,
    };
    let objects = read_objects(response);
    Ok(QueryResponse {
        status: ResponseStatus::from_urn(status),
        errors: read_errors(response),
        total_result_count,
        entries: objects.entries,
        skipped_entries: objects.skipped_entries,
        object_refs: objects.object_refs,
        associations: objects.associations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn object_refs_and_failure() {
        let xml = r#"<query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Success"><rim:RegistryObjectList><rim:ObjectRef id="urn:uuid:a"/><rim:ObjectRef id="urn:uuid:b"/></rim:RegistryObjectList></query:AdhocQueryResponse>"#;
        let r = parse_query_response(xml.as_bytes()).expect("parse");
        assert_eq!(r.object_refs, ["urn:uuid:a", "urn:uuid:b"]);
        assert!(r.entries.is_empty());
        assert_eq!(r.total_result_count, None);

        let xml = r#"<query:AdhocQueryResponse xmlns:query="urn:oasis:names:tc:ebxml-regrep:xsd:query:3.0" xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"><rs:RegistryErrorList><rs:RegistryError errorCode="XDSTooManyResults" codeContext="trop" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/></rs:RegistryErrorList></query:AdhocQueryResponse>"#;
        let r = parse_query_response(xml.as_bytes()).expect("parse");
        assert_eq!(r.status, ResponseStatus::Failure);
        let err = r.into_result().expect_err("failure");
        assert!(!err.is_retryable());
        assert!(matches!(
            parse_query_response(b"<x/>"),
            Err(DmpError::Malformed {
                what: "AdhocQueryResponse"
            })
        ));
    }
}
