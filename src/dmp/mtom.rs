//! MTOM/XOP packaging (`multipart/related; type="application/xop+xml"`): the SOAP envelope as
//! the root part and binary documents as further parts referenced by `xop:Include
//! href="cid:…"`. Used both ways for ITI-41 (feeding) and ITI-43 (retrieve). The reader is
//! tolerant of what real servers send: CRLF or LF line ends, quoted or bare boundaries,
//! whitespace before the XML declaration, `<cid>` with or without angle brackets.

use std::collections::HashMap;

use super::error::DmpError;

const NO_BOUNDARY: &str = "a multipart boundary in the content type";
const NO_PART: &str = "a part in the multipart body";
const BAD_PART: &str = "a header/body separator in each multipart part";

/// One part of a multipart message.
#[derive(Clone, PartialEq, Eq)]
pub struct Part {
    pub content_id: String,
    pub content_type: String,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Part {
    /// Headers and size only: parts hold clinical documents.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Part({}, {}, {} bytes)",
            self.content_id,
            self.content_type,
            self.body.len()
        )
    }
}

/// A multipart/related message: the root (SOAP envelope) and the attachments by Content-ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Multipart {
    pub root: Part,
    pub attachments: Vec<Part>,
}

impl Multipart {
    /// The attachment a `cid:` reference points at.
    pub fn attachment(&self, href: &str) -> Option<&Part> {
        let id = normalise_cid(href);
        self.attachments
            .iter()
            .find(|p| normalise_cid(&p.content_id) == id)
    }
}

/// A multipart body that cannot be read, as the DMP's one error: `what` names what was missing.
fn unreadable(what: &'static str) -> DmpError {
    DmpError::malformed(what)
}

/// `cid:abc@x`, `<abc@x>` and `abc@x` all name the same part (URL-decoded, as RFC 2392 says).
pub fn normalise_cid(id: &str) -> String {
    let id = id.trim();
    let id = id.strip_prefix("cid:").unwrap_or(id);
    let id = id.trim_start_matches('<').trim_end_matches('>');
    percent_decode(id)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A fresh boundary that cannot occur in base64 or XML text by chance.
pub fn new_boundary() -> String {
    format!(
        "MIMEBoundary_chevet_{}",
        hex::encode(rand::random::<[u8; 12]>())
    )
}

/// The `Content-Type` header of an MTOM message.
pub fn content_type(boundary: &str, soap_action: &str) -> String {
    format!(
        "multipart/related; boundary=\"{boundary}\"; type=\"application/xop+xml\"; \
         start=\"<root.message@chevet>\"; start-info=\"application/soap+xml\"; \
         action=\"{soap_action}\""
    )
}

/// Writes an MTOM message: the envelope as root, then the attachments (binary, untouched).
pub fn write(boundary: &str, soap_action: &str, envelope: &str, attachments: &[Part]) -> Vec<u8> {
    let mut out = Vec::with_capacity(
        envelope.len()
            + attachments
                .iter()
                .map(|a| a.body.len() + 200)
                .sum::<usize>()
            + 400,
    );
    out.extend_from_slice(
        format!(
            "--{boundary}\r\n\
             Content-Type: application/xop+xml; charset=UTF-8; type=\"application/soap+xml\"; \
             action=\"{soap_action}\"\r\n\
             Content-Transfer-Encoding: binary\r\n\
             Content-ID: <root.message@chevet>\r\n\r\n"
        )
        .as_bytes(),
    );
    out.extend_from_slice(envelope.as_bytes());
    out.extend_from_slice(b"\r\n");
    for a in attachments {
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Type: {}\r\nContent-Transfer-Encoding: binary\r\n\
                 Content-ID: <{}>\r\n\r\n",
                a.content_type,
                normalise_cid(&a.content_id)
            )
            .as_bytes(),
        );
        out.extend_from_slice(&a.body);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    out
}

/// The boundary parameter of a `Content-Type` header.
pub fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from >= haystack.len() {
        return None;
    }
    haystack[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_headers(text: &str) -> HashMap<String, String> {
    let mut headers = HashMap::new();
    for line in text.lines() {
        if let Some((k, v)) = line.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
        }
    }
    headers
}

/// Reads a multipart/related body. The first part, or the one named by `start`, is the root.
pub fn read(content_type: &str, body: &[u8]) -> Result<Multipart, DmpError> {
    let boundary = boundary_of(content_type).ok_or_else(|| unreadable(NO_BOUNDARY))?;
    let start = content_type.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("start")
            .then(|| normalise_cid(v.trim().trim_matches('"')))
    });
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut pos = find(body, delimiter, 0).ok_or_else(|| unreadable(NO_PART))?;
    loop {
        let after = pos + delimiter.len();
        if body[after..].starts_with(b"--") {
            break;
        }
        let Some(next) = find(body, delimiter, after) else {
            break;
        };
        // The part sits between the delimiter line and the CRLF before the next delimiter.
        let mut chunk = &body[after..next];
        chunk = chunk
            .strip_prefix(b"\r\n")
            .or_else(|| chunk.strip_prefix(b"\n"))
            .unwrap_or(chunk);
        chunk = chunk
            .strip_suffix(b"\r\n")
            .or_else(|| chunk.strip_suffix(b"\n"))
            .unwrap_or(chunk);
        let (head_end, body_start) = find(chunk, b"\r\n\r\n", 0)
            .map(|i| (i, i + 4))
            .or_else(|| find(chunk, b"\n\n", 0).map(|i| (i, i + 2)))
            .ok_or_else(|| unreadable(BAD_PART))?;
        let headers = parse_headers(&String::from_utf8_lossy(&chunk[..head_end]));
        parts.push(Part {
            content_id: headers
                .get("content-id")
                .map(|c| normalise_cid(c))
                .unwrap_or_default(),
            content_type: headers.get("content-type").cloned().unwrap_or_default(),
            body: chunk[body_start..].to_vec(),
        });
        pos = next;
    }
    if parts.is_empty() {
        return Err(unreadable(NO_PART));
    }
    let root_index = start
        .and_then(|s| parts.iter().position(|p| p.content_id == s))
        .unwrap_or(0);
    let mut root = parts.remove(root_index);
    // Some servers put blank lines before the XML declaration of the root part.
    let skip = root
        .body
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    root.body.drain(..skip);
    Ok(Multipart {
        root,
        attachments: parts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_messages_read_back_with_binary_attachments_intact() {
        let boundary = new_boundary();
        let binary: Vec<u8> = (0..=255).cycle().take(5000).collect();
        let body = write(
            &boundary,
            "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
            "<Envelope/>",
            &[Part {
                content_id: "doc1@chevet".into(),
                content_type: "text/xml".into(),
                body: binary.clone(),
            }],
        );
        let ct = content_type(
            &boundary,
            "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-b",
        );
        let m = read(&ct, &body).expect("read");
        assert_eq!(m.root.body, b"<Envelope/>");
        assert_eq!(
            m.attachment("cid:doc1@chevet").map(|p| &p.body),
            Some(&binary)
        );
        assert_eq!(
            m.attachment("<doc1@chevet>").map(|p| p.body.len()),
            Some(5000)
        );
    }

    #[test]
    fn the_agency_feeding_request_is_read() {
        let raw = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/dmp/TD2.1_provide_and_register_request.xml"
        ))
        .expect("fixture");
        // The file starts with its boundary line: take the boundary from it.
        let text = String::from_utf8_lossy(&raw);
        let first = text.lines().next().unwrap_or_default().trim();
        let boundary = first.trim_start_matches("--");
        let ct =
            format!("multipart/related; boundary=\"{boundary}\"; type=\"application/xop+xml\"");
        let m = read(&ct, &raw).expect("read");
        let root = String::from_utf8_lossy(&m.root.body);
        assert!(root.contains("ProvideAndRegisterDocumentSetRequest"));
        assert!(!m.attachments.is_empty(), "documents travel as parts");
        let cids: Vec<&str> = m
            .attachments
            .iter()
            .map(|p| p.content_id.as_str())
            .collect();
        for cid in &cids {
            assert!(
                root.contains(&format!("cid:{cid}")) || root.contains(cid),
                "{cid} referenced"
            );
        }
    }

    #[test]
    fn tolerant_of_lf_bare_boundaries_and_leading_whitespace() {
        let body = b"--b\nContent-Type: application/xop+xml\nContent-ID: <r>\n\n  \n<?xml version=\"1.0\"?><E/>\n--b\nContent-ID: x%40y\n\nDATA\n--b--\n";
        let m = read("multipart/related; boundary=b", body).expect("read");
        assert!(m.root.body.starts_with(b"<?xml"));
        assert_eq!(
            m.attachment("cid:x@y").map(|p| p.body.as_slice()),
            Some(&b"DATA"[..])
        );
    }

    #[test]
    fn broken_bodies_are_errors_not_panics() {
        assert_eq!(
            read("multipart/related", b"x"),
            Err(unreadable(NO_BOUNDARY))
        );
        assert_eq!(
            read("multipart/related; boundary=b", b"nothing"),
            Err(unreadable(NO_PART))
        );
        assert_eq!(
            read(
                "multipart/related; boundary=b",
                b"--b\r\nno separator\r\n--b--"
            ),
            Err(unreadable(BAD_PART))
        );
        let _ = read("multipart/related; boundary=b", b"--b");
        let _ = read("multipart/related; boundary=b", b"--b--b--b");
    }
}
