//! The business acknowledgements (ZAM, spec part C) the sandbox gateway sends back to the
//! sender's HL7 listener, and their MLLP sending. `Z01` DMP receipt (`ACK_RECEPTION_DMP`, Y, or
//! N with `ERR|||207^…|E|<DMP code>^<label>^DMPERRORCODE`), `Z02` MSSanté receipt
//! (`ACK_RECEPTION_MSS` + `DESTINATAIRE_MSS`), `Z03` read receipt (`ACK_LECTURE_MSS` +
//! `LECTEUR_MSS`); OBX-4 of the first OBX is the MSH-10 of the document message. Written with
//! `hl7::writer`, as in the agency's examples. A ZAM is sent over MLLP, its ACK's MSA-2 checked
//! against its MSH-10; a listener that is down or answers AR is tried again a few times with
//! back-off.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::PfiError;
use super::check::Recipient;
use crate::hl7::writer::write_message;
use crate::hl7::{Delimiters, FieldValue, SegmentValue};

/// The kinds of ZAM.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZamKind {
    Z01,
    Z02,
    Z03,
}

impl ZamKind {
    pub fn trigger(self) -> &'static str {
        match self {
            Self::Z01 => "Z01",
            Self::Z02 => "Z02",
            Self::Z03 => "Z03",
        }
    }
}

/// One business acknowledgement to send.
#[derive(Debug, Clone)]
pub struct Zam {
    pub kind: ZamKind,
    /// MSH-10 of the document message it acknowledges.
    pub about: String,
    /// Y or N.
    pub ok: bool,
    /// The recipient of Z02/Z03.
    pub recipient: Option<Recipient>,
    /// On N: the DMP's (or SMTP's) code and label.
    pub error: Option<(String, String)>,
}

/// MSH-3/4 of the gateway and MSH-5/6 of the sender, as the ZAM's header names them.
#[derive(Debug, Clone)]
pub struct Parties {
    pub gateway: (String, String),
    pub sender: (String, String),
}

/// A new MSH-10 for a ZAM, unique within the process.
pub fn next_control_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    static START: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| chrono::Utc::now().timestamp());
    format!("PFI{start:x}{}", COUNTER.fetch_add(1, Ordering::Relaxed))
}

fn yes_no(ok: bool) -> FieldValue {
    FieldValue::components([if ok { "Y" } else { "N" }, "", "expandedYes-NoIndicator"])
}

/// The ZAM as ER7 text (CR separators).
pub fn write(zam: &Zam, parties: &Parties, control_id: &str, timestamp: &str) -> String {
    let t = |s: &str| FieldValue::text(s);
    let msh = SegmentValue::new("MSH")
        .with(3, t(parties.gateway.0.as_str()))
        .with(4, t(parties.gateway.1.as_str()))
        .with(5, t(parties.sender.0.as_str()))
        .with(6, t(parties.sender.1.as_str()))
        .with(7, t(timestamp))
        .with(
            9,
            FieldValue::components(["ZAM", zam.kind.trigger(), "ZAM_Z01"]),
        )
        .with(10, t(control_id))
        .with(11, t("P"))
        .with(12, t("2.6"))
        .with(17, t("FRA"))
        .with(18, t("UNICODE UTF-8"))
        .with(21, FieldValue::components(["2.1", "CISIS_CDA_HL7_V2"]));
    let evn = SegmentValue::new("EVN").with(2, t(timestamp));
    let (code, label) = match zam.kind {
        ZamKind::Z01 => ("ACK_RECEPTION_DMP", "Accusé de réception DMP"),
        ZamKind::Z02 => ("ACK_RECEPTION_MSS", "Accusé de réception MSSanté"),
        ZamKind::Z03 => ("ACK_LECTURE_MSS", "Accusé de lecture"),
    };
    let obx = |n: &str, kind: &str, code: FieldValue, key: &str, value: FieldValue| {
        SegmentValue::new("OBX")
            .with(1, t(n))
            .with(2, t(kind))
            .with(3, code)
            .with(4, t(key))
            .with(5, value)
            .with(11, t("F"))
    };
    let mut segments = vec![
        msh,
        evn,
        obx(
            "1",
            "CWE",
            FieldValue::components([code, label, "AckMetierZAM"]),
            &zam.about,
            yes_no(zam.ok),
        ),
    ];
    if let Some(recipient) = &zam.recipient {
        let (code, label) = match zam.kind {
            ZamKind::Z03 => ("LECTEUR_MSS", "Lecteur du courriel MSSanté"),
            _ => ("DESTINATAIRE_MSS", "Destinataire MSSanté"),
        };
        segments.push(obx(
            "2",
            "XTN",
            FieldValue::components([code, label, "AckMetierZAM"]),
            &recipient.id,
            FieldValue::components(["", "", "X.400", recipient.address.as_str()]),
        ));
    }
    if let (false, Some((code, label))) = (zam.ok, &zam.error) {
        let system = match zam.kind {
            ZamKind::Z01 => "DMPERRORCODE",
            _ => "SMTPERRORCODE",
        };
        segments.push(
            SegmentValue::new("ERR")
                .with(
                    3,
                    FieldValue::components([
                        "207",
                        "Application internal error",
                        "messageErrorCondition",
                    ]),
                )
                .with(4, t("E"))
                .with(
                    5,
                    FieldValue::components([code.as_str(), label.as_str(), system]),
                ),
        );
    }
    write_message(&segments, &Delimiters::default())
}

/// How the ZAM sending behaves.
#[derive(Debug, Clone, Copy)]
pub struct SendPolicy {
    pub attempts: u32,
    /// The first pause between attempts, doubled each time.
    pub backoff: Duration,
    /// Connecting, and waiting for the ACK.
    pub timeout: Duration,
}

/// Sends `message` until its ACK is AA or AE (a message error: sending it again cannot help),
/// at most `policy.attempts` times; the MSA-1 received.
pub async fn send(
    addr: SocketAddr,
    message: &str,
    control_id: &str,
    policy: SendPolicy,
) -> Result<String, PfiError> {
    let mut pause = policy.backoff;
    let mut last = PfiError::AckUnreachable;
    for attempt in 1..=policy.attempts.max(1) {
        match send_once(addr, message.as_bytes(), control_id, policy.timeout).await {
            Ok(code) if code != "AR" => return Ok(code),
            Ok(code) => last = PfiError::AckRefused { code },
            Err(e) => last = e,
        }
        tracing::debug!(attempt, "sandbox PFI: business ACK not taken, trying again");
        if attempt < policy.attempts {
            tokio::time::sleep(pause).await;
            pause = pause.saturating_mul(2);
        }
    }
    Err(last)
}

/// One connection, one frame out, its ACK back (MSA-2 must be our MSH-10): the MLLP client
/// Chevet's outbox uses too.
async fn send_once(
    addr: SocketAddr,
    message: &[u8],
    control_id: &str,
    timeout: Duration,
) -> Result<String, PfiError> {
    use crate::hl7::client::{self, AckReply, ClientTimeouts};
    let timeouts = ClientTimeouts {
        connect: timeout,
        write: timeout,
        ack: timeout,
    };
    let ack = client::send(addr, message, timeouts)
        .await
        .map_err(|_| PfiError::AckUnreachable)?;
    match client::check_ack(&ack, control_id).map_err(|_| PfiError::AckUnreadable)? {
        AckReply::Accepted => Ok("AA".to_owned()),
        AckReply::Error { .. } => Ok("AE".to_owned()),
        AckReply::Rejected => Ok("AR".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_z01_reads_like_the_agency_example() {
        let zam = Zam {
            kind: ZamKind::Z01,
            about: "015".into(),
            ok: false,
            recipient: None,
            error: Some(("DMPClosed".into(), "DMP fermé".into())),
        };
        let parties = Parties {
            gateway: ("PFI-X".into(), "Organisation-X".into()),
            sender: ("SIL-Y".into(), "labo".into()),
        };
        let text = write(&zam, &parties, "017", "202106060933");
        let lines: Vec<&str> = text.split('\r').collect();
        assert_eq!(
            lines[0],
            "MSH|^~\\&|PFI-X|Organisation-X|SIL-Y|labo|202106060933||ZAM^Z01^ZAM_Z01|017|P|2.6|||||FRA|UNICODE UTF-8|||2.1^CISIS_CDA_HL7_V2"
        );
        assert_eq!(lines[1], "EVN||202106060933");
        assert_eq!(
            lines[2],
            "OBX|1|CWE|ACK_RECEPTION_DMP^Accusé de réception DMP^AckMetierZAM|015|N^^expandedYes-NoIndicator||||||F"
        );
        assert_eq!(
            lines[3],
            "ERR|||207^Application internal error^messageErrorCondition|E|DMPClosed^DMP fermé^DMPERRORCODE"
        );
    }

    #[test]
    fn a_z02_names_its_recipient() {
        let zam = Zam {
            kind: ZamKind::Z02,
            about: "015".into(),
            ok: true,
            recipient: Some(Recipient {
                id: "801234567897".into(),
                address: "adam.hoda@test-ci-sis.mssante.fr".into(),
            }),
            error: None,
        };
        let parties = Parties {
            gateway: ("PFI".into(), "X".into()),
            sender: ("CHEVET".into(), "Y".into()),
        };
        let text = write(&zam, &parties, "018", "202106060934");
        assert!(text.contains(
            "\rOBX|2|XTN|DESTINATAIRE_MSS^Destinataire MSSanté^AckMetierZAM|801234567897|^^X.400^adam.hoda@test-ci-sis.mssante.fr||||||F\r"
        ));
        assert!(!text.contains("ERR|"));
    }
}
