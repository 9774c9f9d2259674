//! SOAP 1.2 envelopes with WS-Addressing and WS-Security (the signed VIHF assertion), as the
//! DMP expects them, and the reading of answers with the XML toolkit (`crate::xml`): the
//! envelope parsed once into a tree, the element inside `Body` (or the `Fault`), the payload
//! of a transaction found in it. Answers may be SOAP 1.2 or 1.1, ISO-8859-1 without
//! declaration, with blank lines before the XML declaration.

use std::borrow::Cow;

use super::error::DmpError;
use crate::xml::{self, Document, Element, Limits, XmlError, XmlWriter};

pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
pub const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";

/// The header fields of a request.
#[derive(Debug, Clone)]
pub struct Headers<'a> {
    /// WS-Addressing Action (the transaction's SOAP action).
    pub action: &'a str,
    /// The endpoint URL.
    pub to: &'a str,
    /// `urn:uuid:…`, unique per request.
    pub message_id: String,
    /// The signed VIHF assertion (XML without declaration), carried in `wsse:Security`.
    pub vihf: Option<&'a str>,
}

/// A fresh WS-Addressing message id.
pub fn new_message_id() -> String {
    let b: [u8; 16] = rand::random();
    let h = hex::encode(b);
    format!(
        "urn:uuid:{}-{}-4{}-{:x}{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        (b[8] & 0x3) | 0x8,
        &h[17..20],
        &h[20..32]
    )
}

/// A SOAP 1.2 envelope around `body` (an XML element without declaration).
pub fn envelope(h: &Headers<'_>, body: &str) -> String {
    let mut w = XmlWriter::compact();
    w.declaration()
        .open(
            "soap:Envelope",
            &[("xmlns:soap", SOAP12), ("xmlns:wsa", WSA)],
        )
        .open("soap:Header", &[])
        .leaf("wsa:Action", &[("soap:mustUnderstand", "true")], h.action)
        .leaf("wsa:MessageID", &[], &h.message_id)
        .open("wsa:ReplyTo", &[])
        .leaf("wsa:Address", &[], ANONYMOUS)
        .close()
        .leaf("wsa:To", &[("soap:mustUnderstand", "true")], h.to);
    if let Some(vihf) = h.vihf {
        w.open("wsse:Security", &[("xmlns:wsse", WSSE)])
            .raw(vihf)
            .close();
    }
    w.close().open("soap:Body", &[]).raw(body);
    w.finish()
}

/// What a SOAP answer holds.
#[derive(Debug, Clone, Copy)]
pub struct Answer<'a> {
    /// The first element inside `Body` (a `Fault` for a fault).
    pub payload: Element<'a>,
    /// The envelope's `wsa:Action`, when present.
    pub action: Option<&'a str>,
    /// The envelope's `wsa:MessageID`, when present (an answer's `RelatesTo` names it).
    pub message_id: Option<&'a str>,
}

impl Answer<'_> {
    /// Local name of the payload element.
    pub fn payload_name(&self) -> &str {
        self.payload.local()
    }

    pub fn is_fault(&self) -> bool {
        is_soap(&self.payload, "Fault")
    }
}

/// Decodes bytes as UTF-8, else as their declared or guessed 8-bit encoding (answers without
/// declaration exist); valid UTF-8 is borrowed.
pub fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    xml::decode_lenient(bytes)
}

/// Parses a DMP message (answer, request, or a fragment of one) with the toolkit's reader;
/// every refusal is a [`DmpError::Malformed`] naming what was expected, never the content.
pub fn parse<'s>(text: &'s str, limits: &Limits) -> Result<Document<'s>, DmpError> {
    xml::parse(text, limits).map_err(malformed)
}

/// The toolkit's refusals in the DMP's words.
pub fn malformed(e: XmlError) -> DmpError {
    DmpError::malformed(match e {
        XmlError::TooLarge { max, .. } if max <= Limits::HL7V3.max_bytes => {
            "a response of at most 32 MiB"
        }
        XmlError::TooLarge { .. } => "a response of at most 64 MiB",
        XmlError::TooDeep { .. } | XmlError::TooManyElements { .. } => {
            "XML of reasonable depth and size"
        }
        XmlError::Doctype => "XML without DOCTYPE",
        XmlError::UnknownEntity { .. } => "only the predefined XML entities",
        XmlError::BadCharRef { .. } => "valid character references",
        XmlError::UnboundPrefix { .. } => "declared namespace prefixes",
        XmlError::Truncated { .. } => "a complete response (it is truncated)",
        XmlError::SeveralRoots { .. } => "a single root element",
        XmlError::NoRoot => "an XML element",
        XmlError::UnsupportedEncoding => "a supported character encoding",
        XmlError::Malformed { .. } => "well-formed XML",
    })
}

/// True for `local` in the SOAP 1.2 or 1.1 envelope namespace.
pub fn is_soap(e: &Element<'_>, local: &str) -> bool {
    e.local() == local && (e.ns() == SOAP12 || e.ns() == SOAP11)
}

/// Finds the payload of a SOAP 1.2 or 1.1 envelope: the first element of the `Body` child of
/// the root, with the `Action` and `MessageID` of its `Header`.
pub fn read_answer<'a>(doc: &'a Document<'_>) -> Result<Answer<'a>, DmpError> {
    let root = doc.root();
    let body = root
        .child("Body")
        .ok_or(DmpError::malformed("a SOAP Body"))?;
    let payload = body
        .first_child()
        .ok_or(DmpError::malformed("a response in the SOAP Body"))?;
    let header = root.child("Header");
    Ok(Answer {
        payload,
        action: header.and_then(|h| h.child_text_trim("Action")),
        message_id: header.and_then(|h| h.child_text_trim("MessageID")),
    })
}

/// The payload `ns:local` of a message: `root` itself, or the first element of its SOAP Body
/// (when `root` is an Envelope or a Body), or a child of that element (a wrapper such as
/// `PRPA_IN201314UV02_Response`); elements in no namespace are accepted (lenient servers). A
/// SOAP Fault in its place becomes the Fault's error.
pub fn payload<'a>(
    root: Element<'a>,
    ns: &str,
    local: &str,
    expected: &'static str,
) -> Result<Element<'a>, DmpError> {
    let mut node = root;
    if is_soap(&node, "Envelope") {
        node = node
            .children()
            .find(|c| is_soap(c, "Body"))
            .ok_or(DmpError::malformed("a SOAP Body"))?;
    }
    if is_soap(&node, "Body") {
        node = node
            .first_child()
            .ok_or(DmpError::malformed("a response in the SOAP Body"))?;
    }
    if is_soap(&node, "Fault") {
        return Err(super::hl7v3::fault_error(&node));
    }
    if node.is_in_or_unqualified(ns, local) {
        return Ok(node);
    }
    node.children()
        .find(|c| c.is_in_or_unqualified(ns, local))
        .ok_or(DmpError::malformed(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> String {
        let bytes = std::fs::read(format!(
            "{}/../shared/fixtures/dmp/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture");
        decode_text(&bytes).into_owned()
    }

    fn read(xml: &str) -> Result<(String, Option<String>), DmpError> {
        let doc = parse(xml, &Limits::XDS)?;
        let a = read_answer(&doc)?;
        Ok((a.payload_name().to_owned(), a.action.map(str::to_owned)))
    }

    #[test]
    fn envelope_carries_addressing_security_and_body() {
        let h = Headers {
            action: "urn:hl7-org:v3:PRPA_IN201307UV02",
            to: "https://dmp.example/si-dmp-server/v2/services/patients",
            message_id: new_message_id(),
            vihf: Some("<saml2:Assertion xmlns:saml2=\"urn:oasis:names:tc:SAML:2.0:assertion\"/>"),
        };
        let xml = envelope(&h, "<x:Ping xmlns:x=\"urn:x\">1 &lt; 2</x:Ping>");
        let (name, action) = read(&xml).expect("read back");
        assert_eq!(name, "Ping");
        assert_eq!(action.as_deref(), Some("urn:hl7-org:v3:PRPA_IN201307UV02"));
        assert!(xml.contains("<wsse:Security") && xml.contains("saml2:Assertion"));
        assert!(h.message_id.starts_with("urn:uuid:") && h.message_id.len() == 45);
    }

    #[test]
    fn real_answers_give_their_payload() {
        for (file, name) in [
            ("TD0.2_existence_test_response.xml", "PRPA_IN201308UV02"),
            ("TD3.1_find_documents_response.xml", "AdhocQueryResponse"),
            (
                "TD2.1_provide_and_register_response.xml",
                "RegistryResponse",
            ),
            (
                "TD0.3_set_authorization_response.xml",
                "setAuthorizationResponse",
            ),
        ] {
            let text = fixture(file);
            let doc = parse(&text, &Limits::XDS).unwrap_or_else(|e| panic!("{file}: {e}"));
            let a = read_answer(&doc).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(a.payload_name(), name, "{file}");
            assert!(a.message_id.is_some(), "{file}");
        }
    }

    #[test]
    fn faults_and_garbage() {
        let fault = format!(
            "\n\n<?xml version=\"1.0\"?><env:Envelope xmlns:env=\"{SOAP12}\"><env:Body>\
<env:Fault><env:Code><env:Value>env:Sender</env:Value></env:Code>\
<env:Reason><env:Text xml:lang=\"fr\">VIHF invalide</env:Text></env:Reason></env:Fault>\
</env:Body></env:Envelope>"
        );
        let doc = parse(&fault, &Limits::XDS).expect("fault");
        let a = read_answer(&doc).expect("fault");
        assert!(a.is_fault());
        assert_eq!(
            a.payload.path(&["Reason", "Text"]).map(|t| t.text()),
            Some("VIHF invalide")
        );
        assert!(read("not xml <").is_err());
        assert_eq!(
            read("<!DOCTYPE x><x/>"),
            Err(DmpError::malformed("XML without DOCTYPE"))
        );
        assert_eq!(
            read(&format!("<e:Envelope xmlns:e=\"{SOAP12}\"/>")),
            Err(DmpError::malformed("a SOAP Body"))
        );
    }
}
