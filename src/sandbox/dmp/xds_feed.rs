//! ITI-41 Provide and Register Document Set-b on the sandbox (TD2.1 new document, TD2.2
//! replacement): reads the SubmissionSet, the document ExtrinsicObjects and their `Document`
//! contents (an MTOM part by `xop:Include`, or inline base64), checks the XAdES signature entry
//! is there (a `ds:Signature` document, signing the SubmissionSet), the associations (HasMember,
//! signs, RPLC), the patient, the feeding rights, size and SHA-1 against the bytes and uniqueId
//! reuse; then registers every document at once (the replaced entries become Deprecated).

use std::sync::Arc;

use base64::Engine as _;
use chrono::Utc;

use crate::dmp::mtom::{Part, normalise_cid};
use crate::dmp::xds::entry_read::read_objects;
use crate::dmp::xds::sha1::hex_digest;
use crate::dmp::xds::{
    ASSOC_HAS_MEMBER, ASSOC_RPLC, ASSOC_SIGNS, AvailabilityStatus, Cx, DmpDocumentEntry, IdGen,
    SS_PATIENT_ID, content_id, ns, signature,
};
use crate::xml::{self, Element, Limits};

use super::state::{DmpState, REPOSITORY_UNIQUE_ID, StoredEntry};
use super::xds_answers;
use super::xds_side::{CallerContext, Fault, XdsReply, fresh_uuid, parse_request, request_element};
use crate::dmp::soap;

const fn registry(context: &'static str) -> Fault {
    Fault::new("XDSRegistryMetadataError", context)
}

const fn repository(context: &'static str) -> Fault {
    Fault::new("XDSRepositoryMetadataError", context)
}

const UNREADABLE_ENTRY: Fault = registry("Une fiche de document de la soumission est incomplète.");
const NO_SUBMISSION_SET: Fault = registry("La soumission n'a pas de lot de soumission.");
const NO_SET_PATIENT: Fault = registry("Le lot de soumission ne désigne pas le patient.");
const NO_DOCUMENT: Fault = registry("La soumission ne contient aucun document.");
const NOT_MEMBER: Fault = registry("Un document n'est pas rattaché au lot de soumission.");
const NO_PATIENT: Fault = registry("Un document ne désigne pas le patient.");
const MISSING_METADATA: Fault = registry("Une métadonnée obligatoire d'un document est absente.");
const DUPLICATE_UUID: Fault = registry("L'entryUUID d'un document est déjà utilisé.");
const UNKNOWN_REPLACED: Fault = registry("Le document remplacé est inconnu.");
const REPLACED_NOT_APPROVED: Fault =
    registry("Le document remplacé n'est pas la version approuvée.");
const TWO_REPLACEMENTS: Fault = registry("Un document ne peut en remplacer qu'un seul.");
const NO_SIGNATURE: Fault = repository("La soumission n'a pas de signature XAdES.");
const BAD_SIGNATURE: Fault = repository("La signature XAdES n'est pas un document ds:Signature.");
const NOT_SIGNED: Fault = registry("La signature ne signe pas le lot de soumission.");
const NO_CONTENT: Fault = Fault::new(
    "XDSMissingDocument",
    "Le contenu d'un document décrit est absent du message.",
);
const BAD_CONTENT: Fault = repository("Le contenu d'un document est illisible ou vide.");
const BAD_SIZE: Fault = Fault::new(
    "XDSNonIdenticalSize",
    "La taille déclarée d'un document ne correspond pas à son contenu.",
);
const BAD_HASH: Fault = Fault::new(
    "XDSNonIdenticalHash",
    "L'empreinte SHA-1 déclarée d'un document ne correspond pas à son contenu.",
);
const DUPLICATE_IN_REGISTRY: Fault = Fault::new(
    "XDSDuplicateUniqueIdInRegistry",
    "L'uniqueId d'un document est déjà enregistré.",
);
const DUPLICATE_IN_MESSAGE: Fault = Fault::new(
    "XDSRegistryDuplicateUniqueIdInMessage",
    "Deux documents de la soumission ont le même uniqueId.",
);

/// Answers one `ProvideAndRegisterDocumentSetRequest`.
pub(crate) fn provide_and_register(
    state: &mut DmpState,
    caller: &CallerContext,
    envelope: &[u8],
    attachments: &[Part],
    ids: &mut IdGen,
) -> XdsReply {
    let payload = match plan(state, caller, envelope, attachments) {
        Ok(feed) => {
            apply(state, caller, feed, ids);
            xds_answers::registry_success()
        }
        Err(fault) => xds_answers::registry_failure(&[fault]),
    };
    XdsReply::Soap { payload }
}

/// A checked document.
struct NewDocument {
    entry: DmpDocumentEntry,
    bytes: Vec<u8>,
    /// Index of the entry it replaces (RPLC).
    replaces: Option<usize>,
}

/// A checked feeding.
struct Feed {
    matricule: String,
    documents: Vec<NewDocument>,
    signature_unique_ids: Vec<String>,
}

fn apply(state: &mut DmpState, caller: &CallerContext, feed: Feed, ids: &mut IdGen) {
    for d in feed.documents {
        let mut entry = d.entry;
        if !entry.entry_uuid.starts_with("urn:uuid:") {
            entry.entry_uuid = fresh_uuid(state, ids);
        }
        entry.logical_id = Some(entry.entry_uuid.clone());
        entry.version_name = Some("1".to_owned());
        entry.status = AvailabilityStatus::Approved;
        entry.repository_unique_id = Some(REPOSITORY_UNIQUE_ID.to_owned());
        entry.size = Some(d.bytes.len() as u64);
        entry.hash = Some(hex_digest(&d.bytes));
        if let Some(old) = d.replaces.and_then(|i| state.entries.get_mut(i)) {
            old.entry.status = AvailabilityStatus::Deprecated;
        }
        state.add_document(StoredEntry {
            entry,
            bytes: Arc::new(d.bytes),
            patient: feed.matricule.clone(),
            author_id: caller.national_id.clone(),
            submitted_at: Utc::now(),
        });
    }
    state.unique_ids.extend(feed.signature_unique_ids);
}

fn is_signature(e: &DmpDocumentEntry) -> bool {
    e.class_code
        .as_ref()
        .is_some_and(|c| c.code == signature::CLASS_CODE)
        || e.format_code
            .as_ref()
            .is_some_and(|c| c.code == signature::FORMAT_CODE)
}

fn plan(
    state: &DmpState,
    caller: &CallerContext,
    envelope: &[u8],
    attachments: &[Part],
) -> Result<Feed, Fault> {
    let text = soap::decode_text(envelope);
    let doc = parse_request(&text, Fault::REPOSITORY_UNREADABLE)?;
    let request = request_element(
        &doc,
        ns::XDSB,
        "ProvideAndRegisterDocumentSetRequest",
        Fault::REPOSITORY_UNREADABLE,
    )?;
    let objects = read_objects(request);
    if objects.skipped_entries > 0 {
        return Err(UNREADABLE_ENTRY);
    }
    let set_id = objects.packages.first().ok_or(NO_SUBMISSION_SET)?;
    let set_patient = submission_set_patient(request, set_id).ok_or(NO_SET_PATIENT)?;
    let matricule = caller.patient_named_by(&set_patient)?.to_owned();
    state.check_feed(&matricule, &caller.national_id)?;

    let (signatures, documents): (Vec<_>, Vec<_>) =
        objects.entries.iter().partition(|e| is_signature(e));
    if documents.is_empty() {
        return Err(NO_DOCUMENT);
    }
    if signatures.is_empty() {
        return Err(NO_SIGNATURE);
    }
    let mut unique_ids: Vec<&str> = Vec::new();
    for e in objects.entries.iter() {
        if unique_ids.contains(&e.unique_id.as_str()) {
            return Err(DUPLICATE_IN_MESSAGE);
        }
        if state.unique_ids.contains(&e.unique_id) {
            return Err(DUPLICATE_IN_REGISTRY);
        }
        unique_ids.push(&e.unique_id);
        let member = objects.associations.iter().any(|a| {
            a.association_type == ASSOC_HAS_MEMBER
                && a.source == *set_id
                && a.target == e.entry_uuid
        });
        if !member {
            return Err(NOT_MEMBER);
        }
        if let Some(patient) = &e.patient_id {
            caller.patient_named_by(patient)?;
        }
    }
    for s in &signatures {
        let bytes = content(request, &s.entry_uuid, attachments)?;
        let text = soap::decode_text(&bytes);
        let doc = xml::parse(&text, &Limits::XDS).map_err(|_| BAD_SIGNATURE)?;
        if !doc.root().is(ns::DS, "Signature") {
            return Err(BAD_SIGNATURE);
        }
        let signs = objects.associations.iter().any(|a| {
            a.association_type == ASSOC_SIGNS && a.source == s.entry_uuid && a.target == *set_id
        });
        if !signs {
            return Err(NOT_SIGNED);
        }
    }
    let mut checked = Vec::with_capacity(documents.len());
    for e in documents {
        e.patient_id.as_ref().ok_or(NO_PATIENT)?;
        check_metadata(e)?;
        let bytes = content(request, &e.entry_uuid, attachments)?;
        if e.size.is_some_and(|size| size != bytes.len() as u64) {
            return Err(BAD_SIZE);
        }
        if e.hash
            .as_deref()
            .is_some_and(|h| !h.trim().eq_ignore_ascii_case(&hex_digest(&bytes)))
        {
            return Err(BAD_HASH);
        }
        if e.entry_uuid.starts_with("urn:uuid:")
            && state
                .entries
                .iter()
                .any(|s| s.entry.entry_uuid == e.entry_uuid)
        {
            return Err(DUPLICATE_UUID);
        }
        let mut targets = objects
            .associations
            .iter()
            .filter(|a| a.association_type == ASSOC_RPLC && a.source == e.entry_uuid)
            .map(|a| a.target.trim());
        let replaces = match (targets.next(), targets.next()) {
            (None, _) => None,
            (Some(_), Some(_)) => return Err(TWO_REPLACEMENTS),
            (Some(target), None) => Some(replaced(state, &matricule, target)?),
        };
        checked.push(NewDocument {
            entry: e.clone(),
            bytes,
            replaces,
        });
    }
    Ok(Feed {
        matricule,
        documents: checked,
        signature_unique_ids: signatures.iter().map(|s| s.unique_id.clone()).collect(),
    })
}

/// The patientId external identifier of the SubmissionSet `set_id`.
fn submission_set_patient(request: Element<'_>, set_id: &str) -> Option<Cx> {
    let packages = request.find_all(ns::RIM, "RegistryPackage");
    packages
        .into_iter()
        .filter(|p| p.attr("id") == Some(set_id))
        .flat_map(|p| p.children())
        .filter(|c| c.is(ns::RIM, "ExternalIdentifier"))
        .find(|c| c.attr("identificationScheme") == Some(SS_PATIENT_ID))
        .and_then(|c| c.attr("value"))
        .map(|v| Cx::from_hl7(v.trim()))
}

/// The metadata the DMP requires of a document entry.
fn check_metadata(e: &DmpDocumentEntry) -> Result<(), Fault> {
    let present = !e.mime_type.is_empty()
        && e.class_code.is_some()
        && e.type_code.is_some()
        && e.format_code.is_some()
        && e.practice_setting_code.is_some()
        && e.healthcare_facility_type_code.is_some()
        && !e.confidentiality_codes.is_empty()
        && e.creation_time.is_some()
        && e.source_patient_id.is_some();
    if present {
        Ok(())
    } else {
        Err(MISSING_METADATA)
    }
}

/// The index of the entry an RPLC targets: an Approved entry of the same patient.
fn replaced(state: &DmpState, matricule: &str, target: &str) -> Result<usize, Fault> {
    let index = state
        .entries
        .iter()
        .position(|s| s.entry.entry_uuid == target)
        .ok_or(UNKNOWN_REPLACED)?;
    let stored = &state.entries[index];
    if stored.patient != matricule {
        return Err(Fault::PATIENT_MISMATCH);
    }
    if stored.entry.status != AvailabilityStatus::Approved {
        return Err(REPLACED_NOT_APPROVED);
    }
    Ok(index)
}

/// The bytes of the `Document` whose id is `id` (exact, else ASCII case-insensitive, as the
/// agency's TD2.1 sample writes `documentME2` for `DocumentME2`).
fn content(request: Element<'_>, id: &str, attachments: &[Part]) -> Result<Vec<u8>, Fault> {
    let found = request.find_all(ns::XDSB, "Document");
    let document = found
        .iter()
        .find(|d| d.attr("id") == Some(id))
        .or_else(|| {
            found
                .iter()
                .find(|d| d.attr("id").is_some_and(|d| d.eq_ignore_ascii_case(id)))
        })
        .ok_or(NO_CONTENT)?;
    let bytes = match document.children().find(|c| c.is(ns::XOP, "Include")) {
        Some(include) => {
            let cid = include
                .attr("href")
                .and_then(|h| content_id(h).ok())
                .ok_or(BAD_CONTENT)?;
            attachments
                .iter()
                .find(|p| normalise_cid(&p.content_id) == cid)
                .map(|p| p.body.clone())
                .ok_or(NO_CONTENT)?
        }
        None => {
            let b64: String = document
                .text()
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .collect();
            base64::engine::general_purpose::STANDARD
                .decode(b64)
                .map_err(|_| BAD_CONTENT)?
        }
    };
    if bytes.is_empty() {
        return Err(BAD_CONTENT);
    }
    Ok(bytes)
}
