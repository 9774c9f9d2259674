//! The gateway's business acknowledgements (ZAM) coming back through the HL7 v2 listener:
//! matched to the job that sent the document by OBX-4 = our MSH-10, kept on it, and a DMP
//! refusal turns the job into a final failure with the DMP's reason.

use chrono::Utc;

use super::zam::{self, Zam, ZamKind};
use crate::domain::outbox::{AckKind, BusinessAck, OutboxItemId};
use crate::hl7::Message;
use crate::store::outbox;
use crate::store::{Store, StoreError};

/// Records `msg` (a ZAM) on its job; `Ok(None)` when no job sent that MSH-10, `Err` with a
/// short reason when the message is not a readable ZAM.
pub fn apply(
    store: &mut Store,
    msg: &Message<'_>,
) -> Result<Result<Option<OutboxItemId>, String>, StoreError> {
    let zam = match zam::read(msg) {
        Ok(z) => z,
        Err(e) => return Ok(Err(e.to_string())),
    };
    let ack = business_ack(&zam);
    let reason = (!zam.ok && zam.kind == ZamKind::DmpReceipt).then(|| {
        format!(
            "Refusé par le DMP (accusé de la passerelle) : {}",
            zam.error_label
                .clone()
                .or_else(|| zam.error_code.clone())
                .unwrap_or_else(|| "motif non précisé".to_owned())
        )
    });
    outbox::record_ack(store, &zam.our_msh10, &ack, reason.as_deref()).map(Ok)
}

fn business_ack(z: &Zam) -> BusinessAck {
    BusinessAck {
        kind: match z.kind {
            ZamKind::DmpReceipt => AckKind::DmpReceipt,
            ZamKind::MssReceipt => AckKind::MssReceipt,
            ZamKind::MssRead => AckKind::MssRead,
        },
        ok: z.ok,
        recipient: z.recipient.clone(),
        code: z.error_code.clone(),
        label: z.error_label.clone(),
        received_at: Utc::now(),
    }
}
