//! The HL7 v2 message Chevet sends to the PFI (volet CISIS_CDA_HL7_V2 2.1, spec part C): one
//! CDA in an `MDM^T02|T10|T04^MDM_T02` (HL7 2.6), or in an `ORU^R01^ORU_R01` (HL7 2.5) for a
//! lab report when the establishment asks for it, with the sender (`PRT` `SB`: the VIHF and the
//! submission set's author, SC.DMP/CONF.12), one `PRT` `RCT` per MSSanté recipient and the
//! DMP/MSSanté metadata OBX in the volet's fixed order.
//!
//! Choices:
//! - `MSH-18` `UNICODE UTF-8`, segments ended by CR, every value written by
//!   [`crate::hl7::writer`] (escaped); the CDA travels base64-encoded in `OBX-5.5`;
//! - the deletion (T04) also carries the document to delete, with `OBX-11` `D`: the volet's
//!   first OBX group is required whatever the event and the agency's deletion example carries
//!   it (an ORU has no TXA: the PFI reads the id in the CDA);
//! - `PID-3` holds the IPP given and the INS only when the identity is qualified and the CDA
//!   carries the same INS (PID-3 must equal the CDA's `recordTarget` ids);
//! - `MODIF_CONF_CODE` is always `N` (nothing here knows whether a replacement only changes
//!   the masking or visibility); the `REPLY` PRT is not sent;
//! - the mail body, when given, goes base64 in `CORPSMAIL_PS` and/or `CORPSMAIL_PATIENT`
//!   (type `ED`) after the flags, one per MSSanté destination chosen;
//! - an organisation's mailbox (ORG/APP in the directory) is a `PRT` `RCT` with PRT-8 (its
//!   name and structure id) and no PRT-5, as the agency's example;
//! - the rules (destinations, MSSanté combinations, ids) are in the `rules` submodule, the
//!   segments in `segments`: nothing is built the PFI would refuse for a reason known here.
//!
//! Pure: no clock (the caller gives `now` and MSH-10), no I/O. Errors never quote patient data.

mod rules;
mod segments;

use chrono::{DateTime, FixedOffset, NaiveDateTime};

use crate::domain::{PatientIdentity, ProfessionalInfo};
use crate::hl7::Delimiters;
use crate::hl7::writer::{FieldValue, SegmentValue, write_message};

pub use rules::{check_flags, document_id_for_dmp};

/// The volet's profile (MSH-21).
pub const PROFILE: [&str; 2] = ["2.1", "CISIS_CDA_HL7_V2"];
/// Assigning authority of the health professionals' national ids.
pub const OID_PS: &str = "1.2.250.1.71.4.2.1";
/// Assigning authority of the structures' ids (FINESS).
pub const OID_STRUCTURES: &str = "1.2.250.1.71.4.2.2";
/// LOINC code of a laboratory report (CR de biologie).
pub const LAB_REPORT_CODE: &str = "11502-2";

/// What the message asks the PFI to do with the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PfiEvent {
    /// T02: first transmission (ORC-1 `NW`, OBX-11 `F`).
    New,
    /// T10: replacement of an earlier version (ORC-1 `RO`, OBX-11 `C`).
    Replace,
    /// T04: deletion (ORC-1 `CA`, OBX-11 `D`).
    Delete,
}

impl PfiEvent {
    pub fn trigger(self) -> &'static str {
        match self {
            Self::New => "T02",
            Self::Replace => "T10",
            Self::Delete => "T04",
        }
    }

    /// ORC-1, coherent with OBX-11 and the event (else the PFI rejects the message).
    pub fn order_control(self) -> &'static str {
        match self {
            Self::New => "NW",
            Self::Replace => "RO",
            Self::Delete => "CA",
        }
    }

    /// OBX-11 of the document's OBX.
    pub fn result_status(self) -> &'static str {
        match self {
            Self::New => "F",
            Self::Replace => "C",
            Self::Delete => "D",
        }
    }
}

/// The DMP/MSSanté metadata (each one a `MetaDMPMSS` OBX, `Y` or `N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PfiFlags {
    /// MASQUE_PS: hidden from health professionals.
    pub masked_ps: bool,
    /// INVISIBLE_PATIENT.
    pub invisible_patient: bool,
    /// INVISIBLE_REP_LEGAUX.
    pub invisible_legal_reps: bool,
    /// CONNEXION_SECRETE.
    pub secret_connection: bool,
    /// DESTDMP.
    pub to_dmp: bool,
    /// DESTMSSANTEPS.
    pub to_mss_ps: bool,
    /// DESTMSSANTEPAT.
    pub to_mss_patient: bool,
    /// ACK_RECEPTION: DMP and MSSanté receipts wanted (ZAM Z01/Z02).
    pub ack_reception: bool,
    /// ACK_LECTURE_MSS: read receipts wanted (ZAM Z03).
    pub ack_read: bool,
    /// `NTE|1|||FIN` after DESTMSSANTEPAT: the patient may not reply.
    pub patient_may_not_reply: bool,
}

/// Whom an MSSanté recipient is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecipientKind {
    Professional,
    /// An organisation's or application's mailbox: no person, PRT-8.
    Organisation,
    Patient,
}

/// One MSSanté recipient, chosen from the Annuaire at send time.
#[derive(Clone, PartialEq, Eq)]
pub struct MssRecipient {
    /// idNat_PS of a professional, INS matricule of the patient, idNat of the structure of an
    /// organisation's mailbox (may be empty there).
    pub id: String,
    pub family_name: String,
    pub given_name: String,
    /// The MSSanté address.
    pub address: String,
    pub kind: RecipientKind,
}

impl std::fmt::Debug for MssRecipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MssRecipient({:?})", self.kind)
    }
}

/// The establishment's side of the link with the PFI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PfiSettings {
    /// MSH-3 (ours).
    pub sending_application: String,
    /// MSH-4.
    pub sending_facility: String,
    /// MSH-5 (the PFI).
    pub receiving_application: String,
    /// MSH-6.
    pub receiving_facility: String,
    /// PRT-8.10 of the sender (SC.DMP/CONF.12), also the authority of the NDA and visit ids.
    pub finess_geographique: String,
    /// PRT-8.1.
    pub structure_name: String,
    /// A lab report (11502-2) goes as an ORU^R01 rather than an MDM.
    pub lab_as_oru: bool,
}

/// The stay the document belongs to (PV1, and PID-18).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PfiVisit {
    /// PV1-19, required when PV1-2 is E, I, O or R.
    pub visit_number: Option<String>,
    /// PV1-2: `I`, `O`, `E`, `R`, `N`…
    pub patient_class: String,
    /// PV1-44.
    pub admitted: Option<NaiveDateTime>,
    /// PV1-45.
    pub discharged: Option<NaiveDateTime>,
    /// PID-18, the administrative file number.
    pub nda: Option<String>,
}

impl PfiVisit {
    /// The stay of `episode` when the GAM gave its visit number (PV1-19 is required for an
    /// in-patient, out-patient or emergency stay: without it the stay is not sent, PV1-2 "N").
    pub fn of(
        episode: Option<&crate::domain::Episode>,
        visit_number: Option<&str>,
    ) -> Option<Self> {
        episode.zip(visit_number).map(|(e, visit)| Self {
            visit_number: Some(visit.to_owned()),
            patient_class: e.kind.code().to_owned(),
            admitted: Some(e.start),
            discharged: e.end,
            nda: None,
        })
    }
}

/// Everything one message carries.
pub struct PfiDocument<'a> {
    pub event: PfiEvent,
    /// The CDA as stored (signed bytes: sent unchanged).
    pub cda: &'a [u8],
    pub parsed: &'a crate::cda::CdaDocument,
    pub patient: &'a PatientIdentity,
    /// The IPP, when the CDA's `recordTarget` carries it.
    pub ipp: Option<&'a str>,
    pub ipp_authority_oid: &'a str,
    pub visit: Option<PfiVisit>,
    /// The professional at the origin of the request (PRT `SB`).
    pub author: &'a ProfessionalInfo,
    pub flags: PfiFlags,
    pub recipients: Vec<MssRecipient>,
    /// The mail's text for the MSSanté recipients (`CORPSMAIL_*`); `None`: the gateway's.
    pub mail_body: Option<String>,
    /// The id of the version replaced (T10; T04 when known); else the CDA's `RPLC` parent.
    pub replaced_document_id: Option<String>,
}

/// Why a message cannot be built. No patient data in it: each says what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PfiMessageError {
    #[error(
        "combinaison de destinataires MSSanté non permise par la PFI : {0} ; revoir les \
         options de masquage, de visibilité et de destination"
    )]
    FlagsNotAllowed(&'static str),
    #[error("aucune destination choisie : cocher le DMP ou un envoi MSSanté")]
    NoDestination,
    #[error("envoi MSSanté {0} demandé sans destinataire : en choisir un dans l'annuaire")]
    RecipientMissing(&'static str),
    #[error("un destinataire {0} est choisi sans que l'envoi correspondant soit coché")]
    UnexpectedRecipient(&'static str),
    #[error("un destinataire MSSanté n'a pas d'adresse ou pas d'identifiant : le rechoisir")]
    RecipientIncomplete,
    #[error(
        "l'envoi MSSanté au patient exige un INS qualifié (adresse <INS>@patient.mssante.fr) : \
         qualifier l'identité d'abord"
    )]
    PatientWithoutQualifiedIns,
    #[error("le destinataire MSSanté patient n'est pas le patient du document : le rechoisir")]
    PatientRecipientMismatch,
    #[error(
        "l'alimentation du DMP exige l'INS qualifié du patient dans le document : qualifier \
         l'identité puis régénérer le document"
    )]
    NoQualifiedIns,
    #[error(
        "l'INS du document ne correspond pas à l'INS qualifié du patient : vérifier le patient \
         et régénérer le document"
    )]
    InsMismatch,
    #[error(
        "le format OID^extension n'est pas supporté par le DMP : le document doit être identifié \
         par un OID complet (sans extension)"
    )]
    DocumentIdWithExtension,
    #[error("l'identifiant du document n'est pas un OID valide : régénérer le document")]
    DocumentIdNotOid,
    #[error("le document n'a pas de type (ClinicalDocument/code) : régénérer le document")]
    MissingDocumentType,
    #[error(
        "un remplacement doit nommer la version remplacée (relatedDocument RPLC ou identifiant \
         fourni)"
    )]
    MissingReplacedId,
    #[error(
        "l'identifiant de la version remplacée diffère de celui du document \
         (relatedDocument RPLC) : vérifier la version remplacée"
    )]
    ReplacedIdMismatch,
    #[error(
        "le numéro de venue (PV1-19) est requis pour un patient hospitalisé, externe, aux \
         urgences ou en séances (E, I, O, R)"
    )]
    MissingVisitNumber,
    #[error(
        "l'expéditeur n'a pas d'identifiant national (RPPS) : compléter le profil du \
         professionnel"
    )]
    MissingAuthorId,
    #[error(
        "le FINESS géographique de l'établissement n'est pas paramétré : requis pour alimenter \
         le DMP par la PFI"
    )]
    MissingFiness,
    #[error("paramétrage de la liaison avec la PFI incomplet : {0} manquant")]
    MissingSetting(&'static str),
    #[error("identifiant de message (MSH-10) vide")]
    MissingControlId,
    #[error("le document à transmettre est vide")]
    EmptyDocument,
}

impl PfiMessageError {
    /// Always false: every error describes the data, which a resend would not change.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// True when `doc` goes as an ORU^R01 (a lab report, and the establishment asks for it).
pub fn is_oru(doc: &PfiDocument<'_>, settings: &PfiSettings) -> bool {
    settings.lab_as_oru
        && doc
            .parsed
            .header()
            .code
            .as_ref()
            .is_some_and(|c| c.code == LAB_REPORT_CODE)
}

/// The message, in UTF-8 with CR-ended segments.
pub fn build(
    doc: &PfiDocument<'_>,
    settings: &PfiSettings,
    msh10: &str,
    now: DateTime<FixedOffset>,
) -> Result<Vec<u8>, PfiMessageError> {
    let checked = rules::check(doc, settings, msh10)?;
    let oru = is_oru(doc, settings);
    let stamp = now.format("%Y%m%d%H%M%S%z").to_string();
    let mut out = vec![segments::msh(doc.event, settings, msh10, &stamp, oru)];
    if !oru {
        out.push(segments::evn(&stamp));
    }
    out.push(segments::pid(doc, settings, checked.ins_in_pid));
    out.push(segments::pv1(doc.visit.as_ref(), settings));
    out.push(SegmentValue::new("ORC").with(1, FieldValue::text(doc.event.order_control())));
    out.push(
        SegmentValue::new("OBR")
            .with(1, FieldValue::text("1"))
            .with(4, checked.type_code.clone()),
    );
    if !oru {
        out.push(segments::txa(doc, &checked));
    }
    out.push(segments::document(doc, checked.type_code, oru));
    out.push(segments::sender(doc.author, settings));
    out.extend(
        doc.recipients
            .iter()
            .map(|r| segments::recipient(r, doc.patient)),
    );
    let value_type = if oru { "CE" } else { "CWE" };
    segments::metadata(&mut out, &doc.flags, value_type);
    if let Some(body) = doc.mail_body.as_deref().filter(|b| !b.trim().is_empty()) {
        segments::mail_bodies(&mut out, &doc.flags, body);
    }
    Ok(write_message(&out, &Delimiters::STANDARD).into_bytes())
}

#[cfg(test)]
#[path = "pfi_message_rules_tests.rs"]
mod rules_tests;
#[cfg(test)]
#[path = "pfi_message_tests.rs"]
mod tests;
