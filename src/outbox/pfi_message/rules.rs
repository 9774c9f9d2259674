//! What must hold before a PFI message is built: the destinations and the MSSanté combinations
//! the PFI accepts (volet 2.1 `regles-gestion-mssante`: the table is exhaustive, any other
//! combination is refused by the PFI), the document's ids in a form the DMP takes (a full OID,
//! never `OID^extension`), the INS (qualified, the same in the CDA and PID-3), the visit number
//! the volet requires, and the settings the header needs.

use crate::domain::{InsOid, Matricule, PatientIdentity};
use crate::hl7::writer::FieldValue;

use super::{PfiDocument, PfiEvent, PfiFlags, PfiMessageError, PfiSettings, RecipientKind};

const LOINC: &str = "2.16.840.1.113883.6.1";

/// Only the MSSanté combinations of the volet, when any MSSanté destination is set:
/// - professionals and patient: not masked to professionals, visible to the patient and the
///   legal representatives, no secret connection;
/// - professionals only: not masked to professionals, invisible to the patient, visible to the
///   legal representatives, no secret connection;
/// - patient only: visible to the patient, no secret connection, not sent to the DMP.
pub fn check_flags(flags: &PfiFlags) -> Result<(), PfiMessageError> {
    let f = flags;
    let allowed = match (f.to_mss_ps, f.to_mss_patient) {
        (false, false) => return Ok(()),
        (true, true) => {
            !f.masked_ps && !f.invisible_patient && !f.invisible_legal_reps && !f.secret_connection
        }
        (true, false) => {
            !f.masked_ps && f.invisible_patient && !f.invisible_legal_reps && !f.secret_connection
        }
        (false, true) => !f.invisible_patient && !f.secret_connection && !f.to_dmp,
    };
    if allowed {
        return Ok(());
    }
    Err(PfiMessageError::FlagsNotAllowed(
        match (f.to_mss_ps, f.to_mss_patient) {
            (true, true) => {
                "l'envoi aux professionnels et au patient exige un document ni masqué aux \
                 professionnels, ni invisible au patient ou à ses représentants légaux, sans \
                 connexion secrète"
            }
            (true, false) => {
                "l'envoi aux seuls professionnels exige un document non masqué aux \
                 professionnels, invisible au patient, visible de ses représentants légaux, \
                 sans connexion secrète"
            }
            _ => {
                "l'envoi au seul patient exige un document visible du patient, sans connexion \
                 secrète ni alimentation du DMP"
            }
        },
    ))
}

/// The document id as the DMP takes it: a full OID. `OID^extension` is not supported by the
/// DMP ("La version actuelle du DMP ne supporte pas le format OID^Extension").
pub fn document_id_for_dmp(root: &str, extension: Option<&str>) -> Result<String, PfiMessageError> {
    if extension.is_some_and(|e| !e.trim().is_empty()) {
        return Err(PfiMessageError::DocumentIdWithExtension);
    }
    let root = root.trim();
    if !is_oid(root) {
        return Err(PfiMessageError::DocumentIdNotOid);
    }
    Ok(root.to_owned())
}

/// `0|1|2` then dot-separated numbers without leading zeros, at most 64 characters.
fn is_oid(s: &str) -> bool {
    let mut arcs = s.split('.');
    let first_ok = matches!(arcs.next(), Some("0" | "1" | "2"));
    let mut count = 0;
    let rest_ok = arcs.all(|arc| {
        count += 1;
        !arc.is_empty()
            && arc.bytes().all(|b| b.is_ascii_digit())
            && (arc == "0" || !arc.starts_with('0'))
    });
    first_ok && rest_ok && count > 0 && s.len() <= 64
}

/// TXA-12/13: a full OID when the document goes to the DMP; else `ext^^root^ISO` or `root`.
fn id_field(
    root: &str,
    extension: Option<&str>,
    to_dmp: bool,
) -> Result<FieldValue, PfiMessageError> {
    let extension = extension.map(str::trim).filter(|e| !e.is_empty());
    if to_dmp {
        return document_id_for_dmp(root, extension).map(FieldValue::text);
    }
    if !is_oid(root.trim()) {
        return Err(PfiMessageError::DocumentIdNotOid);
    }
    Ok(match extension {
        Some(ext) => FieldValue::components([ext, "", root.trim(), "ISO"]),
        None => FieldValue::text(root.trim()),
    })
}

/// What the checks established, for the builder.
pub(super) struct Checked {
    /// PID-3 carries the INS (qualified, and the CDA's).
    pub ins_in_pid: bool,
    /// OBR-4 / OBX-3: `code^label^LN|TRE_A05`.
    pub type_code: FieldValue,
    /// TXA-2.
    pub type_value: String,
    /// TXA-12.
    pub document_id: FieldValue,
    /// TXA-13.
    pub replaced_id: Option<FieldValue>,
}

pub(super) fn check(
    doc: &PfiDocument<'_>,
    settings: &PfiSettings,
    msh10: &str,
) -> Result<Checked, PfiMessageError> {
    check_settings(settings)?;
    if msh10.trim().is_empty() {
        return Err(PfiMessageError::MissingControlId);
    }
    if doc.cda.is_empty() {
        return Err(PfiMessageError::EmptyDocument);
    }
    let flags = &doc.flags;
    if !flags.to_dmp && !flags.to_mss_ps && !flags.to_mss_patient {
        return Err(PfiMessageError::NoDestination);
    }
    check_flags(flags)?;
    check_recipients(doc)?;
    if doc.author.national_id.trim().is_empty() {
        return Err(PfiMessageError::MissingAuthorId);
    }
    if flags.to_dmp && settings.finess_geographique.trim().is_empty() {
        return Err(PfiMessageError::MissingFiness);
    }
    if let Some(visit) = &doc.visit {
        let class = visit.patient_class.trim();
        let numbered = visit
            .visit_number
            .as_deref()
            .is_some_and(|v| !v.trim().is_empty());
        if matches!(class, "E" | "I" | "O" | "R") && !numbered {
            return Err(PfiMessageError::MissingVisitNumber);
        }
    }
    let ins_in_pid = check_ins(doc)?;
    let header = doc.parsed.header();
    let code = header
        .code
        .as_ref()
        .filter(|c| !c.code.trim().is_empty())
        .ok_or(PfiMessageError::MissingDocumentType)?;
    let system = if code.system == LOINC {
        "LN"
    } else {
        "TRE_A05"
    };
    let type_code = FieldValue::components([code.code.trim(), code.display_name.trim(), system]);
    let document_id = id_field(
        &header.id.root,
        header.id.extension.as_deref(),
        flags.to_dmp,
    )?;
    Ok(Checked {
        ins_in_pid,
        type_code,
        type_value: code.code.trim().to_owned(),
        document_id,
        replaced_id: replaced_id(doc)?,
    })
}

fn check_settings(s: &PfiSettings) -> Result<(), PfiMessageError> {
    for (value, name) in [
        (&s.sending_application, "MSH-3 (application émettrice)"),
        (&s.sending_facility, "MSH-4 (établissement émetteur)"),
        (&s.receiving_application, "MSH-5 (application de la PFI)"),
        (&s.receiving_facility, "MSH-6 (établissement de la PFI)"),
    ] {
        if value.trim().is_empty() {
            return Err(PfiMessageError::MissingSetting(name));
        }
    }
    Ok(())
}

fn check_recipients(doc: &PfiDocument<'_>) -> Result<(), PfiMessageError> {
    let flags = &doc.flags;
    for (kind, wanted, name) in [
        (
            RecipientKind::Professional,
            flags.to_mss_ps,
            "professionnel",
        ),
        (RecipientKind::Patient, flags.to_mss_patient, "patient"),
    ] {
        let count = doc
            .recipients
            .iter()
            .filter(|r| {
                r.kind == kind
                    || (r.kind == RecipientKind::Organisation
                        && kind == RecipientKind::Professional)
            })
            .count();
        if wanted && count == 0 {
            return Err(PfiMessageError::RecipientMissing(name));
        }
        if !wanted && count > 0 {
            return Err(PfiMessageError::UnexpectedRecipient(name));
        }
    }
    if doc.recipients.iter().any(|r| {
        r.address.trim().is_empty()
            || (r.id.trim().is_empty() && r.kind != RecipientKind::Organisation)
    }) {
        return Err(PfiMessageError::RecipientIncomplete);
    }
    if flags.to_mss_patient {
        let qualified =
            qualified_ins(doc.patient).ok_or(PfiMessageError::PatientWithoutQualifiedIns)?;
        let same = doc
            .recipients
            .iter()
            .filter(|r| r.kind == RecipientKind::Patient)
            .all(|r| Matricule::parse(&r.id).is_ok_and(|m| m == qualified.0));
        if !same {
            return Err(PfiMessageError::PatientRecipientMismatch);
        }
    }
    Ok(())
}

fn qualified_ins(patient: &PatientIdentity) -> Option<(Matricule, InsOid)> {
    patient
        .ins
        .as_ref()
        .filter(|_| patient.status.ins_usable())
        .map(|ins| (ins.matricule.clone(), ins.oid))
}

/// The INS goes in PID-3 when the identity is qualified and the CDA carries the same one; a
/// CDA carrying another INS (or one the identity cannot vouch for) is refused.
fn check_ins(doc: &PfiDocument<'_>) -> Result<bool, PfiMessageError> {
    let in_cda = doc.parsed.header().patient.as_ref().and_then(|p| p.ins());
    let qualified = qualified_ins(doc.patient);
    let ins_in_pid = match (in_cda, &qualified) {
        (None, _) => false,
        (Some(id), Some((matricule, oid))) => {
            let same_number = id
                .extension
                .as_deref()
                .and_then(|e| Matricule::parse(e).ok())
                .is_some_and(|m| &m == matricule);
            if !same_number || id.ins_oid() != Some(*oid) {
                return Err(PfiMessageError::InsMismatch);
            }
            true
        }
        (Some(_), None) => return Err(PfiMessageError::InsMismatch),
    };
    if doc.flags.to_dmp && !ins_in_pid {
        return Err(PfiMessageError::NoQualifiedIns);
    }
    Ok(ins_in_pid)
}

/// TXA-13: the replaced version, required for T10, written for T04 when known.
fn replaced_id(doc: &PfiDocument<'_>) -> Result<Option<FieldValue>, PfiMessageError> {
    if doc.event == PfiEvent::New {
        return Ok(None);
    }
    let parent = doc.parsed.header().replaces();
    let given = doc
        .replaced_document_id
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let uid = match (given, parent) {
        (Some(given), Some(parent)) => {
            if given != parent.to_uid() {
                return Err(PfiMessageError::ReplacedIdMismatch);
            }
            given.to_owned()
        }
        (Some(given), None) => given.to_owned(),
        (None, Some(parent)) => parent.to_uid(),
        (None, None) if doc.event == PfiEvent::Replace => {
            return Err(PfiMessageError::MissingReplacedId);
        }
        (None, None) => return Ok(None),
    };
    let (root, extension) = match uid.split_once('^') {
        Some((root, ext)) => (root, Some(ext)),
        None => (uid.as_str(), None),
    };
    id_field(root, extension, doc.flags.to_dmp).map(Some)
}

/// The OID of a patient recipient's INS: the identity's own when it is that INS, else the
/// production register its number belongs to.
pub(super) fn recipient_ins_oid(id: &str, patient: &PatientIdentity) -> InsOid {
    let matricule = Matricule::parse(id).ok();
    match (&patient.ins, &matricule) {
        (Some(ins), Some(m)) if &ins.matricule == m => ins.oid,
        (_, Some(m)) if m.is_nia() => InsOid::Nia,
        _ => InsOid::Nir,
    }
}
