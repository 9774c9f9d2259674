//! What the hospital sends Chevet, filed (issue 14): a message recorded in the journal
//! (`store::hl7_journal`) is read here **in the same transaction**, so that its ACK tells what
//! was really done:
//! - `adt`: IHE PAM-FR from the GAM: patients, stays, movements (ZBE), the DMP information
//!   and opposition of ZFA (recorded "from the GAM"), merges; identity conflicts go to the
//!   identity-vigilance list (`store::identity_alerts`), nothing is merged silently;
//! - `documents`: MDM T02/T10/T04 and ORU R01 from the messaging gateway or a hospital
//!   system: a CDA is filed only on an exact match of a qualified INS and of the traits;
//!   otherwise AE with the volet's code (900–905) and the document waits in the inbox
//!   (`store::inbox`) — nothing received is dropped;
//! - `reconcile`: a person's decision on an inbox item;
//! - `sink`: the listener's sink (journal + intake, then the ACK).
//!
//! Policy lives here, below the listener and the workers; no egui, no socket. Outcomes and
//! errors carry codes and fixed wording, never a name, an INS or document content.

pub mod adt;
#[cfg(test)]
mod document_tests;
pub mod documents;
pub mod envelope;
#[cfg(test)]
mod intake_tests;
pub mod pid;
pub mod reconcile;
pub mod sink;
pub mod stay;
#[cfg(test)]
mod test_support;
pub mod treating;
pub mod xdm_import;

pub use sink::JournalSink;

use crate::domain::PatientId;
use crate::hl7::{AckCode, AckError, ApplicationError, ErrorLocation, Hl7Condition};
use crate::store::hl7_journal::JournalStatus;
use crate::store::{Store, StoreError};

/// What intake did with one message: the journal's status, the ACK to send and a fixed
/// wording for the journal (`outcome` column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: JournalStatus,
    pub code: AckCode,
    pub errors: Vec<AckError>,
    pub note: &'static str,
    /// The folder it changed, if any (for the notifications).
    pub patient: Option<PatientId>,
}

impl Outcome {
    pub fn filed(note: &'static str, patient: Option<PatientId>) -> Self {
        Self {
            status: JournalStatus::Filed,
            code: AckCode::Accept,
            errors: Vec::new(),
            note,
            patient,
        }
    }

    /// AE: refused after reading; nothing filed.
    pub fn rejected(error: AckError, note: &'static str) -> Self {
        Self {
            status: JournalStatus::Rejected,
            code: AckCode::Error,
            errors: vec![error],
            note,
            patient: None,
        }
    }

    /// AE: the document waits in the inbox for a person.
    pub fn to_reconcile(error: AckError, note: &'static str) -> Self {
        Self {
            status: JournalStatus::ToReconcile,
            code: AckCode::Error,
            errors: vec![error],
            note,
            patient: None,
        }
    }

    /// The ERR codes as the journal keeps them: `207:902@PID^1^3`, comma separated.
    pub fn errors_code(&self) -> Option<String> {
        (!self.errors.is_empty()).then(|| encode_errors(&self.errors))
    }
}

/// Everything intake can fail on: only the store (the message is then not committed and the
/// sender gets AR, to send again).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The document named is not (or no longer) waiting in the inbox.
    #[error("ce document a déjà été traité par quelqu'un d'autre")]
    AlreadyDecided,
    /// The document to reconcile could not be read as a CDA.
    #[error("le document reçu n'est pas un document CDA lisible")]
    Unreadable,
}

impl IntakeError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::AlreadyDecided | Self::Unreadable => false,
        }
    }
}

/// Reads a journalled message and files what it carries, inside the caller's transaction.
/// `application` is MSH-3 (who sent it, for the trail).
pub fn handle(store: &mut Store, journal_id: i64, raw: &[u8]) -> Result<Outcome, StoreError> {
    let Ok(msg) = crate::hl7::parse(raw) else {
        return Ok(Outcome::rejected(
            AckError::message(Hl7Condition::OtherHl7, None),
            "unreadable",
        ));
    };
    let kind = msg.message_type();
    match (kind.code.as_ref(), kind.trigger.as_ref()) {
        ("ADT", _) => adt::apply(store, &msg, journal_id),
        ("MDM", "T02" | "T04" | "T10") | ("ORU", "R01") => {
            documents::apply(store, &msg, journal_id)
        }
        ("ZAM", _) => business_ack(store, &msg),
        ("MDM" | "ORU", _) => Ok(Outcome::rejected(
            AckError::message(
                Hl7Condition::UnsupportedEvent,
                Some(ErrorLocation::field("MSH", 1, 9)),
            ),
            "unsupported event",
        )),
        _ => Ok(Outcome::rejected(
            AckError::message(
                Hl7Condition::UnsupportedMessageType,
                Some(ErrorLocation::field("MSH", 1, 9)),
            ),
            "unsupported message type",
        )),
    }
}

/// A business acknowledgement (ZAM) of a document the outbox sent through the gateway: kept
/// on its job (matched by OBX-4 = our MSH-10). One for no job of ours, or unreadable, gets AE
/// 906 with the reason, so that the gateway's operators see it.
fn business_ack(store: &mut Store, msg: &crate::hl7::Message<'_>) -> Result<Outcome, StoreError> {
    match crate::outbox::ack::apply(store, msg)? {
        Ok(Some(item)) => {
            let patient = store
                .query_opt(
                    "SELECT patient_id FROM outbox_item WHERE id = ?1",
                    crate::store::db::params![item.0],
                )?
                .map(|r| r.get::<i64>(0))
                .transpose()?
                .map(PatientId);
            Ok(Outcome::filed("business ack", patient))
        }
        Ok(None) => Ok(Outcome::rejected(
            app_error(
                ApplicationError::Other,
                Some(("OBX", 1, 4)),
                "Accusé métier d'un envoi que Chevet ne connaît pas",
            ),
            "business ack for an unknown message",
        )),
        Err(_) => Ok(Outcome::rejected(
            app_error(
                ApplicationError::Other,
                None,
                "Accusé métier illisible (ZAM attendu)",
            ),
            "unreadable business ack",
        )),
    }
}

/// An application error (ERR-3 207) at a place, with its ERR-8 explanation.
pub(crate) fn app_error(
    code: ApplicationError,
    at: Option<(&str, usize, usize)>,
    explanation: &str,
) -> AckError {
    AckError::application(code, at.map(|(s, n, f)| ErrorLocation::field(s, n, f)))
        .explained(explanation)
}

/// `207:902@PID^1^3,101@PV1^1^19`.
pub fn encode_errors(errors: &[AckError]) -> String {
    errors
        .iter()
        .map(|e| {
            let mut code = e.condition.code().to_owned();
            if let Some(app) = e.application {
                code.push(':');
                code.push_str(app.code());
            }
            if let Some(at) = &e.location {
                code.push_str(&format!("@{}^{}^{}", at.segment, at.sequence, at.field));
            }
            code
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The ERR segments of [`encode_errors`] (a message sent again gets the same ACK; the ERR-8
/// explanation is not kept).
pub fn decode_errors(text: &str) -> Vec<AckError> {
    text.split(',')
        .filter_map(|one| {
            let (codes, at) = one
                .split_once('@')
                .map_or((one, None), |(c, a)| (c, Some(a)));
            let (condition, app) = codes
                .split_once(':')
                .map_or((codes, None), |(c, a)| (c, Some(a)));
            let condition = Hl7Condition::from_code(condition)?;
            let location = at.and_then(|at| {
                let mut parts = at.split('^');
                let segment = parts.next()?;
                let sequence = parts.next()?.parse().ok()?;
                let field = parts.next()?.parse().ok()?;
                Some(ErrorLocation::field(segment, sequence, field))
            });
            Some(match app.and_then(ApplicationError::from_code) {
                Some(app) => AckError::application(app, location),
                None => AckError::message(condition, location),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_kept_and_read_back() {
        let errors = vec![
            app_error(ApplicationError::UnknownPatient, Some(("PID", 1, 3)), "x"),
            AckError::message(Hl7Condition::RequiredFieldMissing, None),
        ];
        let text = encode_errors(&errors);
        assert_eq!(text, "207:902@PID^1^3,101");
        let back = decode_errors(&text);
        assert_eq!(back[0].application, Some(ApplicationError::UnknownPatient));
        assert_eq!(back[0].location, errors[0].location);
        assert_eq!(back[1].condition, Hl7Condition::RequiredFieldMissing);
    }
}
