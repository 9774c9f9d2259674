//! An IHE XDM archive a user imported (file chooser, drag-and-drop): every CDA it carries
//! waits in the inbox, with the identity its metadata give (`patientId`, `sourcePatientInfo`)
//! to pre-fill the patient search; a size or hash that does not match the metadata is kept
//! as the item's reason (`import-integrity`), shown, not hidden. Entries that are not CDA
//! documents (a DICOM KOS, a signature manifest) are listed in the report, not imported.

use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::inbox::{self, NewItem, SentIdentity};
use crate::store::received::{Action, Channel, Envelope};
use crate::store::{Store, StoreError};
use crate::xdm::{XdmAction, XdmArchive, XdmDocument};

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct XdmReport {
    /// Documents queued in the inbox.
    pub queued: usize,
    /// Of which, with a size or hash that does not match the metadata.
    pub integrity_mismatches: usize,
    /// Entries not imported (not a CDA), by file name in the archive.
    pub skipped: Vec<String>,
}

/// Queues the archive's CDA documents in the inbox (one transaction); `by_login` is traced.
pub fn import(
    store: &mut Store,
    archive: &XdmArchive,
    by_login: &str,
) -> Result<XdmReport, StoreError> {
    store.in_transaction(|store| {
        let mut report = XdmReport::default();
        for subset in &archive.subsets {
            let envelope = Envelope {
                sender: subset
                    .submission_set
                    .author
                    .as_ref()
                    .and_then(|a| a.person.clone().or_else(|| a.institution.clone()))
                    .or_else(|| subset.submission_set.source_id.clone())
                    .unwrap_or_default(),
                recipients: Vec::new(),
                subject: subset.submission_set.title.clone(),
                body: None,
            };
            for doc in &subset.documents {
                let Some(cda) = crate::cda::parse(&doc.content).ok() else {
                    report.skipped.push(doc.path.clone());
                    continue;
                };
                let meta = cda.meta();
                let intact = doc.integrity_ok();
                if !intact {
                    report.integrity_mismatches += 1;
                }
                let title = doc
                    .title
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or(meta.title.clone());
                let id = inbox::add(
                    store,
                    &NewItem {
                        message: None,
                        channel: Channel::Xdm,
                        reason: if intact { "import" } else { "import-integrity" },
                        cda_id: Some(&meta.cda_id),
                        title: &title,
                        raw: &doc.content,
                        identity: &identity(doc, subset.submission_set.patient_id.as_ref()),
                        envelope: &envelope,
                        action: match doc.action {
                            Some(XdmAction::Change) => Action::Replace,
                            Some(XdmAction::Delete) => Action::Delete,
                            _ => Action::New,
                        },
                        replaces: meta.replaces.as_deref(),
                    },
                )?;
                audit::record(
                    store,
                    by_login,
                    AuditAction::DocumentReceived,
                    AuditObject::InboxItem(id),
                    format!("xdm import intact={intact}"),
                )?;
                report.queued += 1;
            }
        }
        Ok(report)
    })
}

/// The identity the metadata give: the INS of `patientId` (or of `sourcePatientInfo`), the
/// traits of `sourcePatientInfo`.
fn identity(doc: &XdmDocument, submission: Option<&crate::xdm::XdmPatientId>) -> SentIdentity {
    let source = &doc.source_patient;
    let ins = doc
        .patient_id
        .iter()
        .chain(submission)
        .chain(source.ids.iter())
        .find(|id| {
            id.authority
                .as_deref()
                .is_some_and(|a| crate::domain::InsOid::parse(a).is_some())
        });
    let birth_date = source.birth_date.as_deref().and_then(|d| {
        chrono::NaiveDate::parse_from_str(d.get(..8)?, "%Y%m%d")
            .ok()
            .map(|d| d.format("%Y-%m-%d").to_string())
    });
    SentIdentity {
        ins: ins.map(|i| i.id.clone()),
        ins_oid: ins.and_then(|i| i.authority.clone()),
        ipp: None,
        birth_name: source.family.clone(),
        given: source.given.clone(),
        birth_date,
        sex: source.sex.clone(),
    }
}
