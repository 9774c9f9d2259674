//! Sending a document by MSSanté through the hospital's gateway: what the professional asks
//! (recipients from the directory, the patient's own mailbox, the mail body, whether the
//! patient may reply) and what comes back per recipient (ZAM Z02 delivered or refused with the
//! SMTP reason, Z03 read).

use chrono::{DateTime, Utc};

use super::outbox::{OutboxItemId, OutboxState};
use super::{DocumentId, PatientId};

/// The domain of the patients' Mon espace santé mailboxes: `<INS>@patient.mssante.fr`.
pub const PATIENT_MAIL_DOMAIN: &str = "patient.mssante.fr";

/// A send asked from a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MssSendRequest {
    pub document: DocumentId,
    pub patient: PatientId,
    /// Directory entries (`store::directory` ids), professionals or organisations.
    pub recipients: Vec<i64>,
    /// Also to the patient's Mon espace santé mailbox (a qualified INS is required).
    pub to_patient: bool,
    /// "Réponse non autorisée": the patient may not reply (`NTE|1|||FIN`).
    pub patient_may_not_reply: bool,
    /// The mail's text (CORPSMAIL_PS / CORPSMAIL_PATIENT); empty: the gateway's default.
    pub body: String,
}

/// Who a recipient is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MssRecipientKind {
    Professional,
    Patient,
}

/// What a recipient's mailbox answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum MssReceipt {
    /// Nothing yet.
    #[default]
    Waiting,
    Delivered {
        at: DateTime<Utc>,
    },
    /// Refused by the recipient's server: the SMTP code and its label.
    Refused {
        code: String,
        label: String,
    },
    Read {
        at: DateTime<Utc>,
    },
}

/// One recipient of a send and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MssRecipientStatus {
    pub kind: MssRecipientKind,
    /// "Dr Marie DURAND", or "Patient (Mon espace santé)".
    pub name: String,
    pub address: String,
    pub receipt: MssReceipt,
}

/// One send of a document by MSSanté (one outbox job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MssSend {
    pub item: OutboxItemId,
    pub state: OutboxState,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub patient_may_not_reply: bool,
    pub recipients: Vec<MssRecipientStatus>,
}

impl MssSend {
    /// (delivered or read, refused, total).
    pub fn tally(&self) -> (usize, usize, usize) {
        let delivered = self
            .recipients
            .iter()
            .filter(|r| {
                matches!(
                    r.receipt,
                    MssReceipt::Delivered { .. } | MssReceipt::Read { .. }
                )
            })
            .count();
        let refused = self
            .recipients
            .iter()
            .filter(|r| matches!(r.receipt, MssReceipt::Refused { .. }))
            .count();
        (delivered, refused, self.recipients.len())
    }
}

/// The patient's Mon espace santé address, from the INS matricule.
pub fn patient_mailbox(ins_matricule: &str) -> String {
    format!("{ins_matricule}@{PATIENT_MAIL_DOMAIN}")
}
