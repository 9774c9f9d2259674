//! SOAP 1.2 envelopes with WS-Addressing and WS-Security (the signed VIHF assertion), as the
//! DMP expects them, and the reading of answers: the element inside `Body`, or the `Fault`.
//! Answers may be SOAP 1.2 or 1.1, ISO-8859-1 without declaration, with blank lines before the
//! XML declaration.

use quick_xml::Reader;
use quick_xml::events::Event;

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

fn escape_attr(value: &str) -> String {
    crate::xml_escape::escape(value)
}

/// A SOAP 1.2 envelope around `body` (an XML element without declaration).
pub fn envelope(h: &Headers<'_>, body: &str) -> String {
    let security = h
        .vihf
        .map(|v| format!("<wsse:Security xmlns:wsse=\"{WSSE}\">{v}</wsse:Security>"))
        .unwrap_or_default();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<soap:Envelope xmlns:soap=\"{SOAP12}\" xmlns:wsa=\"{WSA}\">\
<soap:Header>\
<wsa:Action soap:mustUnderstand=\"true\">{action}</wsa:Action>\
<wsa:MessageID>{id}</wsa:MessageID>\
<wsa:ReplyTo><wsa:Address>{ANONYMOUS}</wsa:Address></wsa:ReplyTo>\
<wsa:To soap:mustUnderstand=\"true\">{to}</wsa:To>\
{security}\
</soap:Header>\
<soap:Body>{body}</soap:Body>\
</soap:Envelope>",
        action = escape_attr(h.action),
        id = escape_attr(&h.message_id),
        to = escape_attr(h.to),
    )
}

/// Why an answer is not a readable SOAP message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SoapError {
    #[error("the answer is not XML (near byte {0})")]
    NotXml(u64),
    #[error("the answer has no SOAP Body")]
    NoBody,
    #[error("the answer declares a DOCTYPE")]
    Doctype,
}

impl SoapError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// What a SOAP answer holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    /// Local name of the first element inside `Body` (`Fault` for a fault).
    pub payload_name: String,
    /// The XML of that element, as a standalone fragment (namespace declarations of the
    /// envelope are repeated on it so that it parses alone).
    pub payload: String,
    /// The envelope's `wsa:Action`, when present.
    pub action: Option<String>,
    /// The envelope's `wsa:MessageID`, when present (an answer's `RelatesTo` names it).
    pub message_id: Option<String>,
}

impl Answer {
    pub fn is_fault(&self) -> bool {
        self.payload_name == "Fault"
    }
}

/// Decodes bytes as UTF-8, else as ISO-8859-1 (answers without declaration exist).
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// Finds the payload of a SOAP 1.2 or 1.1 envelope.
pub fn read_answer(xml: &str) -> Result<Answer, SoapError> {
    let xml = xml.trim_start();
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut depth = 0usize;
    let mut body_depth = None;
    let mut envelope_ns: Vec<(String, String)> = Vec::new();
    let mut action = None;
    let mut message_id = None;
    let mut in_action = false;
    let mut in_message_id = false;
    loop {
        let start_pos = usize::try_from(reader.buffer_position()).unwrap_or(0);
        match reader.read_event() {
            Err(_) => {
                return Err(SoapError::NotXml(reader.error_position()));
            }
            Ok(Event::DocType(_)) => return Err(SoapError::Doctype),
            Ok(Event::Eof) => return Err(SoapError::NoBody),
            Ok(Event::Start(e)) => {
                depth += 1;
                let name = e.local_name();
                let local = name.into_inner().to_owned();
                if depth <= 2 {
                    for a in e.attributes().flatten() {
                        let key = a.key.into_inner().to_owned();
                        if key.starts_with("xmlns") {
                            envelope_ns.push((key, a.value.into_owned()));
                        }
                    }
                }
                in_action = local == "Action";
                in_message_id = local == "MessageID" && body_depth.is_none();
                if local == "Body" && depth == 2 {
                    body_depth = Some(depth);
                } else if body_depth == Some(depth - 1) {
                    // The payload element: copy it out whole.
                    let mut inner = reader.clone();
                    let end = match inner.read_to_end(e.name()) {
                        Ok(span) => usize::try_from(span.end).unwrap_or(xml.len()),
                        Err(_) => return Err(SoapError::NotXml(reader.error_position())),
                    };
                    let tail = xml[end..].find('>').map_or(xml.len(), |i| end + i + 1);
                    let fragment = &xml[start_pos..tail];
                    return Ok(Answer {
                        payload_name: local,
                        payload: with_namespaces(fragment, &envelope_ns),
                        action,
                        message_id,
                    });
                }
            }
            Ok(Event::Empty(e)) => {
                if body_depth == Some(depth) {
                    let name = e.local_name();
                    let end = usize::try_from(reader.buffer_position()).unwrap_or(xml.len());
                    return Ok(Answer {
                        payload_name: name.into_inner().to_owned(),
                        payload: with_namespaces(&xml[start_pos..end], &envelope_ns),
                        action,
                        message_id,
                    });
                }
            }
            Ok(Event::Text(t)) if in_action => {
                action = Some(t.xml10_content().trim().to_owned());
            }
            Ok(Event::Text(t)) if in_message_id => {
                message_id = Some(t.xml10_content().trim().to_owned());
            }
            Ok(Event::End(_)) => {
                in_action = false;
                in_message_id = false;
                depth = depth.saturating_sub(1);
                if body_depth.is_some_and(|d| depth < d) {
                    return Err(SoapError::NoBody);
                }
            }
            Ok(_) => {}
        }
    }
}

/// Repeats the envelope's namespace declarations on the fragment's first tag so that it parses
/// alone (declarations the fragment already has win).
fn with_namespaces(fragment: &str, ns: &[(String, String)]) -> String {
    let Some(tag_end) = start_tag_end(fragment) else {
        return fragment.to_owned();
    };
    let (head, rest) = fragment.split_at(tag_end);
    let mut extra = String::new();
    for (key, value) in ns {
        if !head.contains(&format!("{key}=")) {
            extra.push_str(&format!(" {key}=\"{}\"", escape_attr(value)));
        }
    }
    format!("{head}{extra}{rest}")
}

/// Where the first start tag's attributes end: its `>` or `/>`, quotes skipped (attribute
/// values hold `/` and `>`).
fn start_tag_end(fragment: &str) -> Option<usize> {
    let mut quote = None;
    for (i, c) in fragment.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => {
                return Some(if fragment[..i].ends_with('/') {
                    i - 1
                } else {
                    i
                });
            }
            (None, _) => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_go_after_attributes_holding_slashes() {
        let ns = [("xmlns:soap".to_owned(), "urn:s".to_owned())];
        let out = with_namespaces(
            r#"<soap:Fault xmlns:x="http://a/b>c"><y/></soap:Fault>"#,
            &ns,
        );
        assert_eq!(
            out,
            r#"<soap:Fault xmlns:x="http://a/b>c" xmlns:soap="urn:s"><y/></soap:Fault>"#
        );
        let out = with_namespaces(
            r#"<a:e k="1/2"/>"#,
            &[("xmlns:a".to_owned(), "u".to_owned())],
        );
        assert_eq!(out, r#"<a:e k="1/2" xmlns:a="u"/>"#);
    }

    fn fixture(name: &str) -> String {
        let bytes = std::fs::read(format!(
            "{}/../shared/fixtures/dmp/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture");
        decode_text(&bytes)
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
        let a = read_answer(&xml).expect("read back");
        assert_eq!(a.payload_name, "Ping");
        assert_eq!(
            a.action.as_deref(),
            Some("urn:hl7-org:v3:PRPA_IN201307UV02")
        );
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
            let a = read_answer(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(a.payload_name, name, "{file}");
            // The payload parses alone.
            let mut r = quick_xml::NsReader::from_str(&a.payload);
            loop {
                match r.read_resolved_event() {
                    Ok((_, Event::Eof)) => break,
                    Ok(_) => {}
                    Err(e) => panic!("{file}: payload does not parse alone: {e}"),
                }
            }
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
        let a = read_answer(&fault).expect("fault");
        assert!(a.is_fault());
        assert!(a.payload.contains("VIHF invalide"));
        assert!(read_answer("not xml <").is_err());
        assert_eq!(read_answer("<!DOCTYPE x><x/>"), Err(SoapError::Doctype));
        assert_eq!(
            read_answer(&format!("<e:Envelope xmlns:e=\"{SOAP12}\"/>")),
            Err(SoapError::NoBody)
        );
    }
}
