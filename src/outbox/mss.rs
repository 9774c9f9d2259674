//! Sending a document by MSSanté through the gateway: recipients chosen in the directory (and
//! the patient's own mailbox, only with a qualified INS), the MSSanté flags in one of the
//! combinations the gateway allows, the mail body, "reply not allowed" for the patient; the
//! MDM/ORU built once and kept on an outbox job of channel `mss` (route PFI), due at once.
//! The gateway's Z02/Z03 receipts come back on it (`outbox::ack`), one per recipient.

use chrono::{DateTime, Utc};

use super::author;
use super::enqueue::{document_unique_id, new_message_id};
use super::error::OutboxError;
use super::pfi_message::{self, MssRecipient, PfiFlags, RecipientKind};
use super::settings::OutboxSettings;
use crate::cda::CdaDocument;
use crate::domain::directory::{DirectoryEntry, MailboxKind};
use crate::domain::mss::{MssRecipientKind, patient_mailbox};
use crate::domain::outbox::{OutboxAction, OutboxItemId, OutboxRoute, OutboxState};
use crate::domain::{DocumentId, Episode, Patient, ProfessionalInfo, Visibility};
use crate::store::Store;
use crate::store::mss::{self as rows, StoredRecipient};
use crate::store::outbox::NewItem;

/// Why a send cannot be queued: each says what to do (no patient data).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MssError {
    #[error(
        "aucun destinataire : choisir un correspondant dans l'annuaire ou la messagerie du patient"
    )]
    NoRecipient,
    #[error(
        "la messagerie du patient demande une identité qualifiée (INS) : qualifier l'identité \
         ou décocher le patient"
    )]
    PatientNotQualified,
    #[error("un correspondant choisi n'a plus de boîte MSSanté dans l'annuaire : le rechoisir")]
    RecipientGone,
}

impl MssError {
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NoRecipient => "error-mss-no-recipient",
            Self::PatientNotQualified => "error-mss-patient-ins",
            Self::RecipientGone => "error-mss-recipient-gone",
        }
    }
}

/// One send to queue.
pub struct MssProduction<'a> {
    pub document: DocumentId,
    pub patient: &'a Patient,
    pub episode: Option<&'a Episode>,
    pub visit_number: Option<&'a str>,
    pub cda: &'a [u8],
    pub parsed: &'a CdaDocument,
    pub author: &'a ProfessionalInfo,
    /// Professionals' and organisations' mailboxes, from the directory.
    pub recipients: &'a [DirectoryEntry],
    pub to_patient: bool,
    pub patient_may_not_reply: bool,
    pub body: &'a str,
    pub created_by: &'a str,
    pub now: DateTime<Utc>,
}

/// The flags of the allowed combination for these destinations (none to the DMP: its own
/// jobs feed it).
pub fn flags(to_professionals: bool, to_patient: bool, may_not_reply: bool) -> PfiFlags {
    PfiFlags {
        // "PS only" keeps the document from the patient's eyes in the gateway's rules.
        invisible_patient: to_professionals && !to_patient,
        to_mss_ps: to_professionals,
        to_mss_patient: to_patient,
        ack_reception: true,
        ack_read: true,
        patient_may_not_reply: to_patient && may_not_reply,
        ..PfiFlags::default()
    }
}

/// The recipient of a directory entry, as the message and the job keep it.
pub fn recipient_of(e: &DirectoryEntry) -> (MssRecipient, StoredRecipient) {
    let organisation = matches!(e.kind, MailboxKind::Organisation | MailboxKind::Application)
        || (e.family_name.trim().is_empty() && e.given_name.trim().is_empty());
    let message = if organisation {
        let name = [e.organisation.trim(), e.service.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" — ");
        MssRecipient {
            id: e.structure_id.trim().to_owned(),
            family_name: name,
            given_name: String::new(),
            address: e.mailbox.trim().to_owned(),
            kind: RecipientKind::Organisation,
        }
    } else {
        let id = if e.national_id.trim().is_empty() {
            format!("{}{}", e.person_id_type.trim(), e.person_id.trim())
        } else {
            e.national_id.trim().to_owned()
        };
        MssRecipient {
            id,
            family_name: e.family_name.trim().to_owned(),
            given_name: e.given_name.trim().to_owned(),
            address: e.mailbox.trim().to_owned(),
            kind: RecipientKind::Professional,
        }
    };
    let stored = StoredRecipient {
        kind: MssRecipientKind::Professional,
        organisation,
        name: e.display_name(),
        address: e.mailbox.trim().to_owned(),
    };
    (message, stored)
}

/// Queues the send (in the caller's transaction). A message the gateway would refuse is not
/// queued: the error says why.
pub fn enqueue_send(
    store: &Store,
    settings: &OutboxSettings,
    p: &MssProduction<'_>,
) -> Result<OutboxItemId, OutboxError> {
    let mut recipients = Vec::new();
    let mut stored = Vec::new();
    for e in p.recipients {
        let (m, s) = recipient_of(e);
        recipients.push(m);
        stored.push(s);
    }
    if p.to_patient {
        let ins = p
            .patient
            .identity
            .ins
            .as_ref()
            .filter(|_| p.patient.identity.status.ins_usable())
            .ok_or(OutboxError::Mss(MssError::PatientNotQualified))?;
        let matricule = ins.matricule.as_str().to_owned();
        recipients.push(MssRecipient {
            id: matricule.clone(),
            family_name: p.patient.identity.traits.birth_name.clone(),
            given_name: p.patient.identity.traits.birth_first_names.clone(),
            address: patient_mailbox(&matricule),
            kind: RecipientKind::Patient,
        });
        stored.push(StoredRecipient {
            kind: MssRecipientKind::Patient,
            organisation: false,
            name: "Patient (Mon espace santé)".to_owned(),
            address: patient_mailbox(&matricule),
        });
    }
    if recipients.is_empty() {
        return Err(OutboxError::Mss(MssError::NoRecipient));
    }
    let flags = flags(
        !p.recipients.is_empty(),
        p.to_patient,
        p.patient_may_not_reply,
    );
    let visit = pfi_message::PfiVisit::of(p.episode, p.visit_number);
    let body = p.body.trim();
    let doc = pfi_message::PfiDocument {
        event: pfi_message::PfiEvent::New,
        cda: p.cda,
        parsed: p.parsed,
        patient: &p.patient.identity,
        ipp: Some(p.patient.identity.ipp.as_str()),
        ipp_authority_oid: &settings.ipp_authority_oid,
        visit,
        author: p.author,
        flags,
        recipients,
        mail_body: (!body.is_empty()).then(|| body.to_owned()),
        replaced_document_id: None,
    };
    let message_id = new_message_id();
    let now = chrono::Local::now().fixed_offset();
    let request = pfi_message::build(&doc, &settings.pfi, &message_id, now)?;
    let unique_id = document_unique_id(p.parsed)?;
    let author = author::to_json(p.author);
    let visibility = Visibility {
        invisible_patient: flags.invisible_patient,
        ..Visibility::default()
    };
    Ok(rows::insert_send(
        store,
        &NewItem {
            document: p.document,
            patient: p.patient.id,
            action: OutboxAction::Feed,
            route: OutboxRoute::Pfi,
            state: OutboxState::Waiting,
            due_at: p.now,
            reason: None,
            document_unique_id: &unique_id,
            submission_unique_id: None,
            message_id: Some(&message_id),
            target_unique_id: None,
            depends_on: None,
            request: &request,
            author: &author,
            visibility,
            batch: None,
            created_by: p.created_by,
        },
        &stored,
        p.patient_may_not_reply,
    )?)
}

#[cfg(test)]
#[path = "mss_tests.rs"]
mod tests;
