//! ITI-43 Retrieve Document Set on the sandbox (TD3.2): each `DocumentRequest` names the
//! repository and the document **uniqueId**; the bytes go back as MTOM parts referenced by
//! `xop:Include`. Unknown, deleted or masked documents are `XDSMissingDocument`; an entryUUID
//! given as uniqueId is `XDSDocumentUniqueIdError`; another repository is
//! `XDSUnknownRepositoryId`. Access rules come from the state.

use crate::dmp::mtom::Part;
use crate::dmp::soap;
use crate::dmp::xds::{AvailabilityStatus, IdGen, cid_href, ns};
use crate::xml::Element;

use super::state::{DmpState, REPOSITORY_UNIQUE_ID};
use super::xds_answers::{self, RetrievedRef};
use super::xds_side::{CallerContext, Fault, XdsReply, parse_request, request_element};

const NO_REQUEST: Fault = Fault::new(
    "XDSRepositoryMetadataError",
    "La requête ne demande aucun document.",
);
const INCOMPLETE_REQUEST: Fault = Fault::new(
    "XDSRepositoryMetadataError",
    "Une demande de document n'a pas d'identifiant de dépôt ou de document.",
);
const UNKNOWN_REPOSITORY: Fault =
    Fault::new("XDSUnknownRepositoryId", "Ce dépôt n'est pas celui du DMP.");
const ENTRY_UUID_GIVEN: Fault = Fault::new(
    "XDSDocumentUniqueIdError",
    "L'identifiant demandé est un entryUUID, pas l'uniqueId du document.",
);
const MISSING: Fault = Fault::new("XDSMissingDocument", "Document introuvable dans le dépôt.");

/// Answers one `RetrieveDocumentSetRequest`.
pub(crate) fn retrieve(
    state: &DmpState,
    caller: &CallerContext,
    envelope: &[u8],
    ids: &mut IdGen,
) -> XdsReply {
    let text = soap::decode_text(envelope);
    let doc = match parse_request(&text, Fault::REPOSITORY_UNREADABLE) {
        Ok(doc) => doc,
        Err(fault) => return failure(fault),
    };
    let request = match request_element(
        &doc,
        ns::XDSB,
        "RetrieveDocumentSetRequest",
        Fault::REPOSITORY_UNREADABLE,
    ) {
        Ok(r) => r,
        Err(fault) => return failure(fault),
    };
    let wanted: Vec<Element<'_>> = request
        .children()
        .filter(|c| c.is(ns::XDSB, "DocumentRequest"))
        .collect();
    if wanted.is_empty() {
        return failure(NO_REQUEST);
    }
    let mut documents = Vec::new();
    let mut attachments = Vec::new();
    let mut errors = Vec::new();
    for r in wanted {
        match lookup(state, caller, r) {
            Ok(index) => {
                let stored = &state.entries[index];
                let content_id = format!("{}@urn:ihe:iti:xds-b:2007", ids.uuid());
                documents.push(RetrievedRef {
                    unique_id: &stored.entry.unique_id,
                    mime_type: &stored.entry.mime_type,
                    href: cid_href(&content_id),
                });
                attachments.push(Part {
                    content_id,
                    content_type: stored.entry.mime_type.clone(),
                    body: stored.bytes.as_ref().clone(),
                });
            }
            Err(fault) => errors.push(fault),
        }
    }
    let payload = xds_answers::retrieve_response(REPOSITORY_UNIQUE_ID, &documents, &errors);
    if attachments.is_empty() {
        XdsReply::Soap { payload }
    } else {
        XdsReply::Mtom {
            payload,
            attachments,
        }
    }
}

fn failure(fault: Fault) -> XdsReply {
    XdsReply::Soap {
        payload: xds_answers::retrieve_response(REPOSITORY_UNIQUE_ID, &[], &[fault]),
    }
}

fn text<'e>(e: Element<'e>, name: &str) -> Option<&'e str> {
    e.children()
        .find(|c| c.is(ns::XDSB, name))
        .map(|c| c.text().trim())
        .filter(|t| !t.is_empty())
}

/// The index of the stored version whose bytes answer one `DocumentRequest`.
fn lookup(state: &DmpState, caller: &CallerContext, request: Element<'_>) -> Result<usize, Fault> {
    let repository = text(request, "RepositoryUniqueId").ok_or(INCOMPLETE_REQUEST)?;
    let unique_id = text(request, "DocumentUniqueId").ok_or(INCOMPLETE_REQUEST)?;
    if repository != REPOSITORY_UNIQUE_ID {
        return Err(UNKNOWN_REPOSITORY);
    }
    if unique_id.starts_with("urn:uuid:") {
        return Err(ENTRY_UUID_GIVEN);
    }
    // The newest version carries the document's current status (all share the bytes).
    let index = state
        .entries
        .iter()
        .rposition(|s| s.entry.unique_id == unique_id)
        .ok_or(MISSING)?;
    let stored = &state.entries[index];
    caller.check_patient(&stored.patient)?;
    state.check_access(&stored.patient, &caller.national_id, caller.purpose)?;
    if stored.entry.status == AvailabilityStatus::Deleted
        || !state.visible_to(stored, &caller.national_id)
    {
        return Err(MISSING);
    }
    Ok(index)
}
