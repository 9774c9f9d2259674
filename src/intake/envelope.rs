//! What a document message says around its documents (LPS volet 1.1 and Trans-doc volet):
//! the sender (PRT `SB`, its MSSanté address in PRT-15.4), the recipients (PRT `RCT`, and the
//! unit the gateway mapped from the mailbox in PRT-8), the mail's subject (OBX-3.2 of the
//! second group, its `XDM/1.0/DDM+` prefix hidden) and body (base64 OBX-5.5), the flags
//! (`MASQUE_PS`, `INVISIBLE_PATIENT`, `INVISIBLE_REP_LEGAUX`), and which OBX carry documents.
//! Pure reading; quirks of the agency's examples tolerated (bare `SB`, `1^XDM/1.0/DDM+…`).

use ::base64::Engine as _;
use ::base64::alphabet;
use ::base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

use crate::domain::Visibility;
use crate::hl7::{Message, Segment};
use crate::store::received::{Channel, Envelope};

/// Lenient on padding; blanks and line breaks are removed before decoding.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The largest document decoded from one OBX (the MLLP frame limit bounds it anyway).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// The subject prefix of an MSSanté mail carrying an XDM archive (SC.MSS/UX.28: not shown).
const XDM_SUBJECT_PREFIX: &str = "XDM/1.0/DDM+";

/// The envelope of a document message.
#[derive(Debug, Clone)]
pub struct MessageEnvelope {
    pub envelope: Envelope,
    pub channel: Channel,
    /// The unit the gateway routed it to (PRT-8 of `RCT`), if any.
    pub unit: Option<String>,
    pub visibility: Visibility,
}

/// Reads the envelope; `application` (MSH-3) is the sender when no address is given.
pub fn read(msg: &Message<'_>) -> MessageEnvelope {
    let mut envelope = Envelope::default();
    let mut unit = None;
    let mut mss = msg
        .msh()
        .field(21)
        .repetitions()
        .any(|r| r.component(2).text().contains("LPS"));
    for prt in msg.segments("PRT") {
        let role = prt.field(4).component(1).text();
        let address = prt
            .field(15)
            .repetitions()
            .find(|r| {
                r.component(3).text().eq_ignore_ascii_case("X.400")
                    || r.component(4).text().contains('@')
            })
            .map(|r| r.component(4).text().trim().to_owned())
            .filter(|a| !a.is_empty());
        mss |= address.is_some();
        match role.trim() {
            "SB" => {
                if let Some(address) = address {
                    envelope.sender = address;
                }
            }
            "RCT" => {
                if let Some(address) = address {
                    envelope.recipients.push(address);
                }
                let name = prt.field(8).component(1).text().trim().to_owned();
                if unit.is_none() && !name.is_empty() {
                    unit = Some(name);
                }
            }
            _ => {}
        }
    }
    if envelope.sender.is_empty() {
        envelope.sender = msg.msh().field(3).component(1).text().trim().to_owned();
    }
    let mut visibility = Visibility::default();
    for obx in msg.segments("OBX") {
        let code = obx.field(3);
        if is_mail(&obx) {
            let subject = code.component(2).text();
            let subject = subject.trim();
            envelope.subject = Some(
                subject
                    .strip_prefix(XDM_SUBJECT_PREFIX)
                    .unwrap_or(subject)
                    .trim()
                    .to_owned(),
            );
            envelope.body = decode(&obx.field(5).component(5).text())
                .ok()
                .map(|b| String::from_utf8_lossy(&b).into_owned());
            continue;
        }
        let yes = obx.field(5).component(1).text().trim() == "Y";
        match code.component(1).text().trim() {
            "MASQUE_PS" => visibility.masked_ps = yes,
            "INVISIBLE_PATIENT" => visibility.invisible_patient = yes,
            "INVISIBLE_REP_LEGAUX" => visibility.invisible_legal_reps = yes,
            _ => {}
        }
    }
    MessageEnvelope {
        envelope,
        channel: if mss { Channel::Mssante } else { Channel::Hl7 },
        unit,
        visibility,
    }
}

/// The OBX of the mail (subject and body): `XDM/1.0/DDM…` in OBX-3.2 (LPS volet), or an
/// OBX-3.1 starting with `CORPSMAIL` (Trans-doc volet).
pub fn is_mail(obx: &Segment<'_>) -> bool {
    let code = obx.field(3);
    code.component(1).text().starts_with("CORPSMAIL")
        || code.component(2).text().trim().starts_with("XDM/1.0/DDM")
}

/// An OBX carrying a document: value type ED (or RP/ST with a base64 ED-like value), not the
/// mail.
pub fn is_document(obx: &Segment<'_>) -> bool {
    obx.field(2).text().trim() == "ED" && !is_mail(obx)
}

/// Why an ED payload could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadError {
    Empty,
    NotBase64,
    TooLarge,
    Encoding,
}

impl PayloadError {
    /// What the sender reads in ERR-8.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Empty => "OBX-5 ne contient aucun document",
            Self::NotBase64 => "OBX-5.5 n'est pas du base64 valide",
            Self::TooLarge => "le document dépasse la taille maximale acceptée",
            Self::Encoding => "OBX-5.4 doit valoir Base64",
        }
    }
}

/// The bytes of an ED OBX-5 (`^text^XML^Base64^…`): base64 padded or not, lines wrapped or
/// not.
pub fn payload(obx: &Segment<'_>) -> Result<Vec<u8>, PayloadError> {
    let value = obx.field(5);
    let encoding = value.component(4).text();
    if !encoding.trim().is_empty() && !encoding.trim().eq_ignore_ascii_case("Base64") {
        return Err(PayloadError::Encoding);
    }
    decode(&value.component(5).text())
}

fn decode(text: &str) -> Result<Vec<u8>, PayloadError> {
    // Wrapped lines are rare on the wire: copy without blanks only when there are some.
    let compact: std::borrow::Cow<'_, [u8]> = if text.bytes().any(|b| b.is_ascii_whitespace()) {
        text.bytes()
            .filter(|b| !b.is_ascii_whitespace())
            .collect::<Vec<u8>>()
            .into()
    } else {
        text.as_bytes().into()
    };
    if compact.is_empty() {
        return Err(PayloadError::Empty);
    }
    if compact.len() / 4 * 3 > MAX_DOCUMENT_BYTES {
        return Err(PayloadError::TooLarge);
    }
    ENGINE.decode(&compact).map_err(|_| PayloadError::NotBase64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/hl7v2");
        std::fs::read(root.join(path)).expect("fixture")
    }

    #[test]
    fn the_lps_example_gives_sender_recipients_subject_body_and_flags() {
        let raw =
            fixture("lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7");
        let msg = crate::hl7::parse(&raw).expect("parse");
        let e = read(&msg);
        assert_eq!(e.channel, Channel::Mssante);
        assert_eq!(e.envelope.sender, "thomas.eric@medecin.mssante.fr");
        assert_eq!(e.envelope.recipients, vec!["dpi@hopitalA.mssante.fr"]);
        assert_eq!(e.unit.as_deref(), Some("Service d'urologie"));
        let subject = e.envelope.subject.clone().expect("subject");
        assert!(subject.starts_with("CR d"), "prefix hidden");
        assert_eq!(e.envelope.body.as_deref(), Some("Corps du courriel"));
        assert!(e.visibility.invisible_patient && e.visibility.invisible_legal_reps);
        assert!(!e.visibility.masked_ps);
        assert_eq!(msg.segments("OBX").filter(|o| is_document(o)).count(), 1);
    }
}
