//! The benches' MLLP sender: a blocking connection that sends one framed message and reads its
//! ACK, and the messages it sends: a 1 KB ADT^A01 (the PAM-FR consent fixture without its PD1,
//! ROL and PV2 segments), each for a new patient, and a 5 MiB MDM.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use chevet::hl7::{MllpDecoder, mllp};

/// One connection to a listener.
pub struct Client {
    stream: TcpStream,
    decoder: MllpDecoder,
    chunk: Vec<u8>,
}

impl Client {
    pub fn connect(addr: SocketAddr, timeout: Duration) -> io::Result<Self> {
        let stream = TcpStream::connect_timeout(&addr, timeout)?;
        stream.set_nodelay(true)?;
        stream.set_write_timeout(Some(timeout))?;
        Ok(Self {
            stream,
            decoder: MllpDecoder::default(),
            chunk: vec![0; 16 * 1024],
        })
    }

    /// Sends `framed` (already MLLP-framed) and returns the next ACK's payload.
    pub fn exchange(&mut self, framed: &[u8], timeout: Duration) -> io::Result<Vec<u8>> {
        self.send(framed)?;
        self.read_ack(timeout)
    }

    /// Writes a framed message whole.
    pub fn send(&mut self, framed: &[u8]) -> io::Result<()> {
        self.stream.write_all(framed)
    }

    /// The next ACK's payload, within `timeout`.
    pub fn read_ack(&mut self, timeout: Duration) -> io::Result<Vec<u8>> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.decoder.next_frame() {
                Some(Ok(frame)) => return Ok(frame),
                Some(Err(e)) => return Err(io::Error::other(e.to_string())),
                None => {}
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            self.stream.set_read_timeout(Some(left))?;
            match self.stream.read(&mut self.chunk)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => self.decoder.push(&self.chunk[..n]),
            }
        }
    }
}

/// MSA-1 and MSA-2 of an ACK.
pub fn msa(ack: &[u8]) -> Option<(String, String)> {
    let message = chevet::hl7::parse(ack).ok()?;
    let msa = message.segment("MSA")?;
    Some((
        msa.field(1).text().into_owned(),
        msa.field(2).text().into_owned(),
    ))
}

/// True when `ack` is an AA for `control_id`.
pub fn is_aa_for(ack: &[u8], control_id: &str) -> bool {
    msa(ack).is_some_and(|(code, id)| code == "AA" && id == control_id)
}

/// MSA-1 and the ERR-5 codes (`AE/902`) when `ack` answers `control_id`; panics otherwise.
pub fn code_for(ack: &[u8], control_id: &str) -> String {
    match msa(ack) {
        Some((code, id)) if id == control_id => {
            let message = chevet::hl7::parse(ack).expect("ACK");
            let errors: Vec<String> = message
                .segments("ERR")
                .map(|err| err.field(5).component(1).text().into_owned())
                .filter(|code| !code.is_empty())
                .collect();
            std::iter::once(code)
                .chain(errors)
                .collect::<Vec<_>>()
                .join("/")
        }
        _ => panic!(
            "not an ACK for {control_id}: {}",
            String::from_utf8_lossy(ack)
        ),
    }
}

/// `message` (CR between segments) with its MSH-10 replaced.
pub fn with_control_id(message: &[u8], control_id: &str) -> Vec<u8> {
    let end = message
        .iter()
        .position(|&b| b == b'\r')
        .unwrap_or(message.len());
    let mut fields: Vec<&[u8]> = message[..end].split(|&b| b == b'|').collect();
    fields[9] = control_id.as_bytes();
    let mut out = fields.join(&b'|');
    out.extend_from_slice(&message[end..]);
    out
}

/// The 1 KB ADT^A01 (CR between segments), MSH-10 as in the fixture.
pub fn adt_template() -> Vec<u8> {
    let path = crate::fixtures_dir()
        .join("pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7");
    let text = crate::with_cr(&std::fs::read(path).expect("ADT fixture"));
    let kept: Vec<&[u8]> = text
        .split(|&b| b == b'\r')
        .filter(|s| !(s.starts_with(b"PD1|") || s.starts_with(b"ROL|") || s.starts_with(b"PV2|")))
        .collect();
    kept.join(&b'\r')
}

/// `message` (CR between segments) with field `n` of every `name` segment replaced.
pub fn with_field(message: &[u8], name: &str, n: usize, value: &str) -> Vec<u8> {
    let prefix = format!("{name}|");
    let segments: Vec<Vec<u8>> = message
        .split(|&b| b == b'\r')
        .map(|segment| {
            if !segment.starts_with(prefix.as_bytes()) {
                return segment.to_vec();
            }
            let mut fields: Vec<&[u8]> = segment.split(|&b| b == b'|').collect();
            // MSH-1 is the separator itself: MSH-n is at index n - 1.
            let at = if name == "MSH" { n - 1 } else { n };
            if fields.len() <= at {
                fields.resize(at + 1, b"");
            }
            fields[at] = value.as_bytes();
            fields.join(&b'|')
        })
        .collect();
    segments.join(&b'\r')
}

/// The ADT for a new patient: MSH-10 `control_id`, which is also its IPP (PID-3, the INS
/// repetition dropped), its visit number (PV1-19) and its movement id (ZBE-1), framed.
pub fn framed_adt(template: &[u8], control_id: &str) -> Vec<u8> {
    let mut message = with_field(template, "MSH", 10, control_id);
    for (segment, n, value) in [
        ("PID", 3, format!("{control_id}^^^CHU-X&000897406&N^PI")),
        ("PV1", 19, format!("{control_id}^^^CHU-X&000897406&M^VN")),
        ("ZBE", 1, format!("{control_id}^CHU-X^000897406")),
    ] {
        message = with_field(&message, segment, n, &value);
    }
    mllp::encode(&message)
}

/// An MDM^T02 of about `size` bytes: the radiology report fixture whose CDA (base64 in
/// OBX-5.5) gets an XML comment before its end tag, as long as it takes for the message to have
/// that size; the CDA stays readable.
pub fn large_mdm(size: usize) -> Vec<u8> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let path = crate::fixtures_dir()
        .join("trans-doc-cda-v2.1/mdm-initiale/message_MDM_CR_Radio_INIT_N1_Base64.er7");
    let text = crate::with_cr(&std::fs::read(path).expect("MDM fixture"));
    let text = String::from_utf8(text).expect("UTF-8 fixture");
    // The longest component of the longest segment: the document's base64.
    let segment = text.split('\r').max_by_key(|s| s.len()).expect("segments");
    let data = segment
        .split(['|', '^'])
        .max_by_key(|s| s.len())
        .expect("components");
    let cda = b64.decode(data).expect("the fixture's base64");
    let end = cda
        .windows(b"</ClinicalDocument>".len())
        .rposition(|w| w == b"</ClinicalDocument>")
        .expect("a CDA");
    let payload_len = size.saturating_sub(text.len() - data.len());
    let cda_len = payload_len / 4 * 3;
    let padding = cda_len.saturating_sub(cda.len() + "<!--  -->".len());
    let mut big = Vec::with_capacity(cda_len);
    big.extend_from_slice(&cda[..end]);
    big.extend_from_slice(b"<!-- ");
    big.resize(big.len() + padding, b'x');
    big.extend_from_slice(b" -->");
    big.extend_from_slice(&cda[end..]);
    let big_segment = segment.replacen(data, &b64.encode(&big), 1);
    text.replacen(segment, &big_segment, 1).into_bytes()
}
