//! ITI-57 Update Document Set bodies (`SubmitObjectsRequest`), as the DMP takes them:
//! - visibility / masking (TD3.3a/b, agency template TD3.3ab): a new SubmissionSet, a copy of
//!   the current ExtrinsicObject with the same `lid`, a new id, status Approved and only its
//!   confidentiality classifications changed (`N` kept, flags added or removed), and a
//!   HasMember association with `SubmissionSetStatus=Original` and
//!   `PreviousVersion=<versionName>`;
//! - delete, archive, unarchive (TD3.3c/d): a SubmissionSet and an `UpdateAvailabilityStatus`
//!   association to the entry's entryUUID with `OriginalStatus` / `NewStatus`.

use super::consts::*;
use super::entry::{AvailabilityStatus, DmpDocumentEntry};
use super::ids::IdGen;
use super::rim_write::{EntryForm, Symbols, association, extrinsic_object};
use super::submission::{
    SUBMISSION_SET_ID, SubmissionContext, open_submit_objects, write_submission_set,
};
use crate::dmp::error::DmpError;
use crate::domain::Visibility;
use crate::xml::XmlWriter;

/// Symbolic id of the new version of the entry in an update.
const NEW_ENTRY_ID: &str = "Document01";

/// TD3.3a/b: changes the visibility flags of `current` (an Approved entry as TD3.1 returned
/// it, with its `lid` and `versionName`). Every other field of the entry is sent unchanged.
pub fn visibility_update_xml(
    current: &DmpDocumentEntry,
    visibility: Visibility,
    ctx: &SubmissionContext,
    ids: &mut IdGen,
) -> Result<String, DmpError> {
    if current.status != AvailabilityStatus::Approved {
        return Err(DmpError::request(
            "an Approved entry (only its metadata can be updated)",
        ));
    }
    let lid = current
        .logical_id
        .as_deref()
        .filter(|l| !l.is_empty())
        .ok_or(DmpError::request("lid"))?;
    let previous = current
        .version_name
        .as_deref()
        .filter(|v| !v.is_empty())
        .ok_or(DmpError::request("versionName"))?;
    let patient = current
        .patient_id
        .as_ref()
        .ok_or(DmpError::request("patientId"))?;
    let mut copy = current.clone();
    copy.logical_id = Some(lid.to_owned());
    copy.set_visibility(visibility);

    let mut w = XmlWriter::new();
    let mut sym = Symbols::default();
    open_submit_objects(&mut w, true);
    write_submission_set(&mut w, &mut sym, ctx, patient, &ids.oid());
    association(
        &mut w,
        &sym.next("as"),
        ASSOC_HAS_MEMBER,
        SUBMISSION_SET_ID,
        NEW_ENTRY_ID,
        &[
            ("SubmissionSetStatus", &["Original"]),
            ("PreviousVersion", &[previous]),
        ],
    );
    extrinsic_object(
        &mut w,
        &mut sym,
        &copy,
        NEW_ENTRY_ID,
        EntryForm::MetadataUpdate,
    );
    Ok(w.finish())
}

/// TD3.3c/d: moves `entry` from its current status to `new_status`. Allowed: Approved →
/// Deleted, Archived → Deleted (delete), Approved → Archived (archive), Archived → Approved
/// (unarchive).
pub fn availability_update_xml(
    entry: &DmpDocumentEntry,
    new_status: AvailabilityStatus,
    ctx: &SubmissionContext,
    ids: &mut IdGen,
) -> Result<String, DmpError> {
    use AvailabilityStatus::{Approved, Archived, Deleted};
    let allowed = matches!(
        (&entry.status, &new_status),
        (Approved | Archived, Deleted) | (Approved, Archived) | (Archived, Approved)
    );
    if !allowed {
        return Err(DmpError::request(
            "an availability change the registry allows",
        ));
    }
    if !entry.entry_uuid.starts_with("urn:uuid:") {
        return Err(DmpError::request("entryUUID"));
    }
    let patient = entry
        .patient_id
        .as_ref()
        .ok_or(DmpError::request("patientId"))?;
    let mut w = XmlWriter::new();
    let mut sym = Symbols::default();
    open_submit_objects(&mut w, true);
    write_submission_set(&mut w, &mut sym, ctx, patient, &ids.oid());
    association(
        &mut w,
        &sym.next("as"),
        ASSOC_UPDATE_AVAILABILITY_STATUS,
        SUBMISSION_SET_ID,
        &entry.entry_uuid,
        &[
            ("OriginalStatus", &[entry.status.urn()]),
            ("NewStatus", &[new_status.urn()]),
        ],
    );
    Ok(w.finish())
}
