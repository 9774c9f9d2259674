//! The business acknowledgements (ZAM, HL7 2.6, structure `ZAM_Z01`, volet CISIS_CDA_HL7_V2
//! 2.1, spec part C end) the PFI sends once the DMP or MSSanté answered: `ZAM^Z01` DMP receipt
//! (`ACK_RECEPTION_DMP`), `ZAM^Z02` MSSanté receipt (`ACK_RECEPTION_MSS` + `DESTINATAIRE_MSS`),
//! `ZAM^Z03` read receipt (`ACK_LECTURE_MSS` + `LECTEUR_MSS`). OBX-4 of the first OBX is the
//! MSH-10 of our MDM/ORU: the outbox correlates on it. On `N`, ERR-5 holds the DMP's code
//! (`DMPERRORCODE`, e.g. `DMPClosed^DMP fermé`), the SMTP code (`SMTPERRORCODE`) or the
//! application's code of a read receipt (`applicationErrorCondition`).
//!
//! [`read`] is tolerant (any segment separator the parser takes, no EVN, the `ACK_LECTURE`
//! spelling of some agency examples, the kind taken from OBX-3 when MSH-9.2 is missing);
//! [`write`] builds one as the PFI would (the sandbox's simulated PFI, the tests). Pure: no
//! clock, no I/O; errors never quote the message.

use chrono::{DateTime, FixedOffset};

use super::pfi_message::{PROFILE, PfiSettings};
use crate::hl7::writer::{FieldValue, SegmentValue, write_message};
use crate::hl7::{Delimiters, Message, Segment};

/// Which business acknowledgement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZamKind {
    /// Z01: the DMP's answer to the feeding.
    DmpReceipt,
    /// Z02: a recipient's mail server took (or refused) the mail.
    MssReceipt,
    /// Z03: a recipient read (or processed) the mail.
    MssRead,
}

impl ZamKind {
    pub const ALL: [Self; 3] = [Self::DmpReceipt, Self::MssReceipt, Self::MssRead];

    /// MSH-9.2.
    pub fn trigger(self) -> &'static str {
        match self {
            Self::DmpReceipt => "Z01",
            Self::MssReceipt => "Z02",
            Self::MssRead => "Z03",
        }
    }

    /// OBX-3 of the status OBX (code, label).
    pub fn status_code(self) -> (&'static str, &'static str) {
        match self {
            Self::DmpReceipt => ("ACK_RECEPTION_DMP", "Accusé de réception DMP"),
            Self::MssReceipt => ("ACK_RECEPTION_MSS", "Accusé de réception MSSanté"),
            Self::MssRead => ("ACK_LECTURE_MSS", "Accusé de lecture"),
        }
    }

    /// OBX-3 of the recipient's OBX (Z02, Z03).
    pub fn recipient_code(self) -> Option<(&'static str, &'static str)> {
        match self {
            Self::DmpReceipt => None,
            Self::MssReceipt => Some(("DESTINATAIRE_MSS", "Destinataire MSSanté")),
            Self::MssRead => Some(("LECTEUR_MSS", "Lecteur du courriel MSSanté")),
        }
    }

    /// The coding system of ERR-5.
    pub fn error_system(self) -> &'static str {
        match self {
            Self::DmpReceipt => "DMPERRORCODE",
            Self::MssReceipt => "SMTPERRORCODE",
            Self::MssRead => "applicationErrorCondition",
        }
    }

    fn from_trigger(trigger: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|k| k.trigger().eq_ignore_ascii_case(trigger.trim()))
    }

    /// The kind a status OBX-3.1 names (`ACK_LECTURE` accepted for `ACK_LECTURE_MSS`).
    fn from_status(code: &str) -> Option<Self> {
        let code = code.trim();
        if code.eq_ignore_ascii_case("ACK_LECTURE") {
            return Some(Self::MssRead);
        }
        Self::ALL
            .into_iter()
            .find(|k| k.status_code().0.eq_ignore_ascii_case(code))
    }
}

/// One business acknowledgement. Its `Debug` shows neither the address nor the ids.
#[derive(Clone, PartialEq, Eq)]
pub struct Zam {
    pub kind: ZamKind,
    /// OBX-4 of the first OBX: the MSH-10 of the message that carried the document.
    pub our_msh10: String,
    /// OBX-5.1 `Y` (success) or `N`.
    pub ok: bool,
    /// Z02/Z03: the recipient's (or reader's) address, OBX-5.4 of the XTN OBX.
    pub recipient: Option<String>,
    /// ERR-5.1.
    pub error_code: Option<String>,
    /// ERR-5.2.
    pub error_label: Option<String>,
    /// EVN-2 as written.
    pub at: Option<String>,
}

impl std::fmt::Debug for Zam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zam")
            .field("kind", &self.kind)
            .field("ok", &self.ok)
            .field("recipient", &self.recipient.is_some())
            .field("error_code", &self.error_code)
            .finish_non_exhaustive()
    }
}

/// Why a message is not a usable ZAM. No message content in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ZamError {
    #[error("le message n'est pas un accusé métier ZAM (MSH-9 différent de ZAM)")]
    NotZam,
    #[error("accusé métier ZAM d'un type inconnu (ni Z01, ni Z02, ni Z03) : faire vérifier la PFI")]
    UnknownKind,
    #[error("accusé métier ZAM sans segment OBX de statut : faire vérifier la PFI")]
    NoStatus,
    #[error(
        "accusé métier ZAM sans référence au message acquitté (OBX-4 vide) : il ne peut être \
         rattaché à aucun envoi"
    )]
    NoReference,
    #[error("accusé métier ZAM dont le statut (OBX-5) n'est ni Y ni N : faire vérifier la PFI")]
    BadStatus,
}

impl ZamError {
    /// Always false: the message itself is wrong; the PFI must send a correct one.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// MSH-9.1 is `ZAM`.
pub fn is_zam(msg: &Message<'_>) -> bool {
    msg.message_type().code.trim().eq_ignore_ascii_case("ZAM")
}

fn owned(text: std::borrow::Cow<'_, str>) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

fn obx_code(obx: &Segment<'_>) -> String {
    obx.field(3).component(1).text().trim().to_owned()
}

/// Reads a ZAM.
pub fn read(msg: &Message<'_>) -> Result<Zam, ZamError> {
    if !is_zam(msg) {
        return Err(ZamError::NotZam);
    }
    let status = msg
        .segments("OBX")
        .find(|o| ZamKind::from_status(&obx_code(o)).is_some())
        .or_else(|| msg.segment("OBX"))
        .ok_or(ZamError::NoStatus)?;
    let kind = ZamKind::from_trigger(&msg.message_type().trigger)
        .or_else(|| ZamKind::from_status(&obx_code(&status)))
        .ok_or(ZamError::UnknownKind)?;
    let our_msh10 = owned(status.field(4).text()).ok_or(ZamError::NoReference)?;
    let ok = match status.field(5).component(1).text().trim() {
        y if y.eq_ignore_ascii_case("Y") => true,
        n if n.eq_ignore_ascii_case("N") => false,
        _ => return Err(ZamError::BadStatus),
    };
    let recipient = msg
        .segments("OBX")
        .filter(|o| {
            let code = obx_code(o);
            code.eq_ignore_ascii_case("DESTINATAIRE_MSS")
                || code.eq_ignore_ascii_case("LECTEUR_MSS")
                || o.field(2).text().trim() == "XTN"
        })
        .find_map(|o| {
            let value = o.field(5);
            owned(value.component(4).text())
                .or_else(|| owned(value.component(1).text()).filter(|a| a.contains('@')))
        });
    let err = msg.segment("ERR");
    let error_code = err
        .as_ref()
        .and_then(|e| owned(e.field(5).component(1).text()));
    let error_label = err
        .as_ref()
        .and_then(|e| owned(e.field(5).component(2).text()).or_else(|| owned(e.field(8).text())));
    let at = msg
        .segment("EVN")
        .and_then(|e| owned(e.field(2).component(1).text()));
    Ok(Zam {
        kind,
        our_msh10,
        ok,
        recipient,
        error_code,
        error_label,
        at,
    })
}

/// A ZAM as the PFI writes it: MSH-3/4 are the PFI (`settings.receiving_*`), MSH-5/6 the
/// document's sender (`settings.sending_*`); EVN-2 is `zam.at`, else `now`. UTF-8, CR-ended.
pub fn write(
    zam: &Zam,
    settings: &PfiSettings,
    msh10: &str,
    now: DateTime<FixedOffset>,
) -> Vec<u8> {
    let stamp = now.format("%Y%m%d%H%M%S%z").to_string();
    let t = |s: &str| FieldValue::text(s);
    let msh = SegmentValue::new("MSH")
        .with(3, t(&settings.receiving_application))
        .with(4, t(&settings.receiving_facility))
        .with(5, t(&settings.sending_application))
        .with(6, t(&settings.sending_facility))
        .with(7, t(&stamp))
        .with(
            9,
            FieldValue::components(["ZAM", zam.kind.trigger(), "ZAM_Z01"]),
        )
        .with(10, t(msh10))
        .with(11, t("P"))
        .with(12, t("2.6"))
        .with(17, t("FRA"))
        .with(18, t("UNICODE UTF-8"))
        .with(21, FieldValue::components(PROFILE));
    let evn = SegmentValue::new("EVN").with(2, t(zam.at.as_deref().unwrap_or(&stamp)));
    let (code, label) = zam.kind.status_code();
    let yes_no = if zam.ok { "Y" } else { "N" };
    let status = SegmentValue::new("OBX")
        .with(1, t("1"))
        .with(2, t("CWE"))
        .with(3, FieldValue::components([code, label, "AckMetierZAM"]))
        .with(4, t(&zam.our_msh10))
        .with(
            5,
            FieldValue::components([yes_no, "", "expandedYes-NoIndicator"]),
        )
        .with(11, t("F"));
    let mut segments = vec![msh, evn, status];
    if let (Some((code, label)), Some(address)) = (zam.kind.recipient_code(), &zam.recipient) {
        segments.push(
            SegmentValue::new("OBX")
                .with(1, t("2"))
                .with(2, t("XTN"))
                .with(3, FieldValue::components([code, label, "AckMetierZAM"]))
                .with(
                    5,
                    FieldValue::components(["", "", "X.400", address.as_str()]),
                )
                .with(11, t("F")),
        );
    }
    if !zam.ok {
        let mut err = SegmentValue::new("ERR")
            .with(
                3,
                FieldValue::components(["207", "Application error", "messageErrorCondition"]),
            )
            .with(4, t("E"));
        if zam.error_code.is_some() || zam.error_label.is_some() {
            let code = zam.error_code.as_deref().unwrap_or_default();
            let label = zam.error_label.as_deref().unwrap_or_default();
            err.set(
                5,
                FieldValue::components([code, label, zam.kind.error_system()]),
            );
        }
        segments.push(err);
    }
    write_message(&segments, &Delimiters::STANDARD).into_bytes()
}

#[cfg(test)]
#[path = "zam_tests.rs"]
mod tests;
