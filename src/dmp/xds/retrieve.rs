//! ITI-43 Retrieve Document Set (TD3.2): the `RetrieveDocumentSetRequest` body (repository +
//! document **uniqueId**, never the entryUUID) and its answer, whose documents are either an
//! MTOM reference (`xop:Include href="cid:…"`: the Content-ID is returned, the MTOM layer holds
//! the bytes) or inline base64.

use base64::Engine as _;

use super::consts::ns;
use super::registry_response::{
    RegistryResponse, ResponseStatus, read_registry_response, registry_failure,
};
use crate::dmp::error::DmpError;
use crate::dmp::soap;
use crate::xml::{Element, Limits, XmlWriter};

/// One document to retrieve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRequest {
    /// `repositoryUniqueId` of the entry (from TD3.1).
    pub repository_unique_id: String,
    /// `uniqueId` of the entry (the CDA id), not its entryUUID.
    pub document_unique_id: String,
    /// Only for cross-community retrieves; the DMP does not use it.
    pub home_community_id: Option<String>,
}

/// The `RetrieveDocumentSetRequest` element; at least one document is required.
pub fn retrieve_request_xml(requests: &[DocumentRequest]) -> Result<String, DmpError> {
    if requests.is_empty() {
        return Err(DmpError::request("document request"));
    }
    let mut w = XmlWriter::new();
    w.open(
        "xdsb:RetrieveDocumentSetRequest",
        &[("xmlns:xdsb", ns::XDSB)],
    );
    for r in requests {
        w.open("xdsb:DocumentRequest", &[]);
        if let Some(home) = &r.home_community_id {
            w.leaf("xdsb:HomeCommunityId", &[], home);
        }
        w.leaf("xdsb:RepositoryUniqueId", &[], &r.repository_unique_id);
        w.leaf("xdsb:DocumentUniqueId", &[], &r.document_unique_id);
        w.close();
    }
    Ok(w.finish())
}

/// Where the bytes of a retrieved document are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentContent {
    /// In an MTOM part. `content_id` is the percent-decoded Content-ID to look for (without
    /// `cid:` and angle brackets); `href` the attribute as written.
    Xop { content_id: String, href: String },
    /// Inline in the SOAP body (decoded).
    Inline(Vec<u8>),
}

/// One `DocumentResponse`.
#[derive(Clone, PartialEq, Eq)]
pub struct RetrievedDocument {
    pub repository_unique_id: String,
    pub document_unique_id: String,
    pub home_community_id: Option<String>,
    pub mime_type: String,
    pub content: DocumentContent,
}

impl std::fmt::Debug for RetrievedDocument {
    /// No content bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let content = match &self.content {
            DocumentContent::Xop { content_id, .. } => format!("xop {content_id}"),
            DocumentContent::Inline(bytes) => format!("{} inline bytes", bytes.len()),
        };
        f.debug_struct("RetrievedDocument")
            .field("document_unique_id", &self.document_unique_id)
            .field("mime_type", &self.mime_type)
            .field("content", &content)
            .finish_non_exhaustive()
    }
}

/// A `RetrieveDocumentSetResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrieveResponse {
    pub registry_response: RegistryResponse,
    pub documents: Vec<RetrievedDocument>,
}

impl RetrieveResponse {
    /// `Ok` unless the repository answered Failure.
    pub fn into_result(self) -> Result<Self, DmpError> {
        match self.registry_response.status {
            ResponseStatus::Success | ResponseStatus::PartialSuccess => Ok(self),
            ResponseStatus::Failure | ResponseStatus::Other(_) => {
                Err(registry_failure(&self.registry_response.errors))
            }
        }
    }
}

/// Reads a `RetrieveDocumentSetResponse` (bare or inside its SOAP envelope).
pub fn parse_retrieve_response(xml_bytes: &[u8]) -> Result<RetrieveResponse, DmpError> {
    let text = soap::decode_text(xml_bytes);
    read_retrieve_response(soap::parse(&text, &Limits::XDS)?.root())
}

/// [`parse_retrieve_response`] of a message already parsed (its envelope or the payload).
pub fn read_retrieve_response(root: Element<'_>) -> Result<RetrieveResponse, DmpError> {
    let response = root
        .find(ns::XDSB, "RetrieveDocumentSetResponse")
        .ok_or(DmpError::malformed("RetrieveDocumentSetResponse"))?;
    let registry_response = response
        .children()
        .find(|c| c.is(ns::RS, "RegistryResponse"))
        .ok_or(DmpError::malformed("RegistryResponse"))
        .and_then(read_registry_response)?;
    let documents = response
        .children()
        .filter(|c| c.is(ns::XDSB, "DocumentResponse"))
        .map(document_response)
        .collect::<Result<_, _>>()?;
    Ok(RetrieveResponse {
        registry_response,
        documents,
    })
}

fn text_of(e: Element<'_>, name: &'static str) -> Option<String> {
    e.children()
        .find(|c| c.is(ns::XDSB, name))
        .map(|c| c.text().trim().to_owned())
}

fn document_response(e: Element<'_>) -> Result<RetrievedDocument, DmpError> {
    let document = e
        .children()
        .find(|c| c.is(ns::XDSB, "Document"))
        .ok_or(DmpError::malformed("Document"))?;
    let content = match document.children().find(|c| c.is(ns::XOP, "Include")) {
        Some(include) => {
            let href = include
                .attr("href")
                .ok_or(DmpError::malformed("xop:Include/@href"))?;
            DocumentContent::Xop {
                content_id: content_id(href)?,
                href: href.to_owned(),
            }
        }
        None => {
            let b64: String = document
                .text()
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            DocumentContent::Inline(
                base64::engine::general_purpose::STANDARD
                    .decode(b64)
                    .map_err(|_| DmpError::malformed("Document"))?,
            )
        }
    };
    Ok(RetrievedDocument {
        repository_unique_id: text_of(e, "RepositoryUniqueId").unwrap_or_default(),
        document_unique_id: text_of(e, "DocumentUniqueId")
            .ok_or(DmpError::malformed("DocumentUniqueId"))?,
        home_community_id: text_of(e, "HomeCommunityId"),
        mime_type: text_of(e, "mimeType").unwrap_or_default(),
        content,
    })
}

/// The Content-ID a `cid:` URL names (RFC 2392: percent-decoded, no brackets).
pub fn content_id(href: &str) -> Result<String, DmpError> {
    let invalid = DmpError::malformed("xop:Include/@href");
    let rest = href.trim();
    let rest = rest
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("cid:"))
        .map(|_| &rest[4..])
        .ok_or(invalid.clone())?;
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = rest.get(i + 1..i + 3).ok_or(invalid.clone())?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| invalid.clone())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    let id = String::from_utf8(out).map_err(|_| invalid.clone())?;
    let id = id.trim_start_matches('<').trim_end_matches('>').to_owned();
    if id.is_empty() {
        return Err(invalid);
    }
    Ok(id)
}

/// `cid:` URL for a Content-ID (percent-encodes what RFC 2392 does not allow).
pub fn cid_href(content_id: &str) -> String {
    let mut out = String::from("cid:");
    for b in content_id.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cid_urls() {
        assert_eq!(
            content_id("cid:b857abb7-a2c3-2@urn%3Aihe%3Aiti%3Axds-b%3A2007").expect("cid"),
            "b857abb7-a2c3-2@urn:ihe:iti:xds-b:2007"
        );
        assert_eq!(
            content_id("CID:WS_DMP_TD2.1-DocumentME2.xml").expect("cid"),
            "WS_DMP_TD2.1-DocumentME2.xml"
        );
        assert!(content_id("http://x").is_err());
        assert!(content_id("cid:%zz").is_err());
        assert!(content_id("cid:").is_err());
        let id = "doc-1@urn:ihe:iti:xds-b:2007";
        assert_eq!(content_id(&cid_href(id)).expect("round trip"), id);
    }

    #[test]
    fn request_body() {
        let xml = retrieve_request_xml(&[DocumentRequest {
            repository_unique_id: "1.2.250.1.213.4.1.1.1.2".into(),
            document_unique_id: "1.2.3^a&b".into(),
            home_community_id: None,
        }])
        .expect("request");
        assert!(xml.contains("<xdsb:DocumentUniqueId>1.2.3^a&amp;b</xdsb:DocumentUniqueId>"));
        assert!(!xml.contains("HomeCommunityId"));
        assert!(retrieve_request_xml(&[]).is_err());
    }
}
