//! ITI-57 Update Document Set on the sandbox (TD3.3): a metadata update (a copy of the entry
//! with its `lid` and a HasMember association carrying `PreviousVersion`) adds a version whose
//! only change is the confidentiality codes (TD3.3a/b); an `UpdateAvailabilityStatus`
//! association moves an entry between Approved, Archived and Deleted (TD3.3c/d; deleting is
//! for the author only). The whole request is checked before anything changes.

use crate::dmp::xds::entry_read::read_objects;
use crate::dmp::xds::{
    ASSOC_HAS_MEMBER, ASSOC_UPDATE_AVAILABILITY_STATUS, Association, AvailabilityStatus, Code,
    DmpDocumentEntry, IdGen, ns,
};

use super::state::DmpState;
use super::xds_answers;
use super::xds_side::{CallerContext, Fault, XdsReply, fresh_uuid, parse_request, request_element};
use crate::dmp::soap;

const NOTHING_TO_DO: Fault = Fault::new(
    "XDSRegistryMetadataError",
    "La requête ne contient aucune mise à jour.",
);
const UNREADABLE_ENTRY: Fault = Fault::new(
    "XDSRegistryMetadataError",
    "Une fiche de document de la requête est incomplète.",
);
const NO_PREVIOUS_VERSION: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "La nouvelle version n'a pas d'association HasMember avec PreviousVersion.",
);
const NO_LID: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "La nouvelle version ne donne pas l'identifiant logique (lid) du document.",
);
const UNKNOWN_ENTRY: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "Le document visé par la mise à jour est inconnu.",
);
const NOT_APPROVED: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "Seule la version approuvée d'un document peut être mise à jour.",
);
const OTHER_DOCUMENT: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "La nouvelle version ne porte pas l'uniqueId du document.",
);
const WRONG_VERSION: Fault = Fault::new(
    "XDSMetadataVersionError",
    "PreviousVersion n'est pas la version courante du document.",
);
const NO_CONFIDENTIALITY: Fault = Fault::new(
    "XDSRegistryMetadataError",
    "La nouvelle version n'a aucun code de confidentialité.",
);
const NO_STATUSES: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "L'association de changement de statut n'a pas OriginalStatus et NewStatus.",
);
const STATUS_MISMATCH: Fault = Fault::new(
    "XDSMetadataUpdateError",
    "OriginalStatus n'est pas le statut courant du document.",
);
const TRANSITION: Fault = Fault::new(
    "XDSMetadataUpdateOperationError",
    "Ce changement de statut n'est pas permis.",
);
/// Words the client maps to a missing authorization.
const NOT_AUTHOR: Fault = Fault::new(
    "DMPDeleteUnauthorized",
    "Seul l'auteur d'un document peut le supprimer.",
);

/// Answers one `SubmitObjectsRequest`.
pub(crate) fn update(
    state: &mut DmpState,
    caller: &CallerContext,
    envelope: &[u8],
    ids: &mut IdGen,
) -> XdsReply {
    let payload = match plan(state, caller, envelope) {
        Ok(changes) => {
            apply(state, changes, ids);
            xds_answers::registry_success()
        }
        Err(fault) => xds_answers::registry_failure(&[fault]),
    };
    XdsReply::Soap { payload }
}

/// One checked change.
enum Change {
    /// A new version of `index` with these confidentiality codes.
    Confidentiality { index: usize, codes: Vec<Code> },
    Status {
        index: usize,
        status: AvailabilityStatus,
    },
}

fn apply(state: &mut DmpState, changes: Vec<Change>, ids: &mut IdGen) {
    for change in changes {
        match change {
            Change::Confidentiality { index, codes } => {
                let Some(current) = state.entries.get(index) else {
                    continue;
                };
                let mut entry = current.entry.clone();
                entry.confidentiality_codes = codes;
                entry.status = AvailabilityStatus::Approved;
                let uuid = fresh_uuid(state, ids);
                state.add_version(index, entry, uuid);
            }
            Change::Status { index, status } => {
                if let Some(stored) = state.entries.get_mut(index) {
                    stored.entry.status = status;
                }
            }
        }
    }
}

fn plan(state: &DmpState, caller: &CallerContext, envelope: &[u8]) -> Result<Vec<Change>, Fault> {
    let text = soap::decode_text(envelope);
    let doc = parse_request(&text, Fault::REGISTRY_UNREADABLE)?;
    let request = request_element(
        &doc,
        ns::LCM,
        "SubmitObjectsRequest",
        Fault::REGISTRY_UNREADABLE,
    )?;
    let objects = read_objects(request);
    if objects.skipped_entries > 0 {
        return Err(UNREADABLE_ENTRY);
    }
    let mut changes = Vec::new();
    for copy in &objects.entries {
        changes.push(metadata_update(state, caller, copy, &objects.associations)?);
    }
    for a in objects
        .associations
        .iter()
        .filter(|a| a.association_type == ASSOC_UPDATE_AVAILABILITY_STATUS)
    {
        changes.push(status_update(state, caller, a)?);
    }
    if changes.is_empty() {
        return Err(NOTHING_TO_DO);
    }
    Ok(changes)
}

fn first<'a>(a: &'a Association, slot: &str) -> Option<&'a str> {
    a.slot(slot)
        .and_then(|v| v.first())
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
}

/// Checks that the caller may act on the entry at `index` (VIHF patient, access, masking).
fn check_reach(state: &DmpState, caller: &CallerContext, index: usize) -> Result<(), Fault> {
    let stored = state.entries.get(index).ok_or(UNKNOWN_ENTRY)?;
    caller.check_patient(&stored.patient)?;
    state.check_access(&stored.patient, &caller.national_id, caller.purpose)?;
    if !state.visible_to(stored, &caller.national_id) {
        return Err(UNKNOWN_ENTRY);
    }
    Ok(())
}

/// TD3.3a/b: the copy `copy` of an entry; only its confidentiality codes are taken.
fn metadata_update(
    state: &DmpState,
    caller: &CallerContext,
    copy: &DmpDocumentEntry,
    associations: &[Association],
) -> Result<Change, Fault> {
    let previous = associations
        .iter()
        .filter(|a| a.association_type == ASSOC_HAS_MEMBER && a.target == copy.entry_uuid)
        .find_map(|a| first(a, "PreviousVersion"))
        .ok_or(NO_PREVIOUS_VERSION)?;
    let lid = copy
        .logical_id
        .as_deref()
        .filter(|l| !l.is_empty())
        .ok_or(NO_LID)?;
    let index = state
        .entries
        .iter()
        .rposition(|s| s.entry.logical_id.as_deref().unwrap_or(&s.entry.entry_uuid) == lid)
        .ok_or(UNKNOWN_ENTRY)?;
    check_reach(state, caller, index)?;
    let current = &state.entries[index].entry;
    if let Some(patient) = &copy.patient_id {
        caller.patient_named_by(patient)?;
    }
    if current.status != AvailabilityStatus::Approved {
        return Err(NOT_APPROVED);
    }
    if copy.unique_id != current.unique_id {
        return Err(OTHER_DOCUMENT);
    }
    if current.version_name.as_deref().unwrap_or("1") != previous {
        return Err(WRONG_VERSION);
    }
    if copy.confidentiality_codes.is_empty() {
        return Err(NO_CONFIDENTIALITY);
    }
    Ok(Change::Confidentiality {
        index,
        codes: copy.confidentiality_codes.clone(),
    })
}

/// TD3.3c/d: an `UpdateAvailabilityStatus` association to an entryUUID (or a logicalId).
fn status_update(
    state: &DmpState,
    caller: &CallerContext,
    association: &Association,
) -> Result<Change, Fault> {
    use AvailabilityStatus::{Approved, Archived, Deleted};
    let original = first(association, "OriginalStatus").ok_or(NO_STATUSES)?;
    let new = first(association, "NewStatus").ok_or(NO_STATUSES)?;
    let target = association.target.trim();
    // A logicalId names the current version; the first version's entryUUID is also its
    // logicalId, so that reading wins.
    let index = state
        .entries
        .iter()
        .rposition(|s| s.entry.logical_id.as_deref() == Some(target))
        .or_else(|| {
            state
                .entries
                .iter()
                .position(|s| s.entry.entry_uuid == target)
        })
        .ok_or(UNKNOWN_ENTRY)?;
    let stored = &state.entries[index];
    let (from, to) = (
        AvailabilityStatus::from_urn(original),
        AvailabilityStatus::from_urn(new),
    );
    if to == Deleted {
        // Deleting follows the feeding profile: no authorization, but only the author.
        caller.check_patient(&stored.patient)?;
        state.check_feed(&stored.patient, &caller.national_id)?;
        if !state.visible_to(stored, &caller.national_id) {
            return Err(UNKNOWN_ENTRY);
        }
    } else {
        check_reach(state, caller, index)?;
    }
    if stored.entry.status != from {
        return Err(STATUS_MISMATCH);
    }
    match (&from, &to) {
        (Approved | Archived, Deleted) if stored.author_id != caller.national_id => Err(NOT_AUTHOR),
        (Approved | Archived, Deleted) | (Approved, Archived) | (Archived, Approved) => {
            Ok(Change::Status { index, status: to })
        }
        _ => Err(TRANSITION),
    }
}
