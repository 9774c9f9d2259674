//! The answer payloads of the sandbox's XDS side, shaped like the DMP's (TD3.1 / TD3.2 / TD3.3
//! / TD2.1 response fixtures): `rs:RegistryResponse` (ITI-41, ITI-57), `query:AdhocQueryResponse`
//! with full ExtrinsicObjects or ObjectRefs (ITI-18), `xdsb:RetrieveDocumentSetResponse` with
//! `xop:Include` references (ITI-43), and the `RegistryErrorList` of a refusal. Each payload
//! declares its namespaces on its root element.

use crate::dmp::xds::rim_write::{EntryForm, Symbols, extrinsic_object};
use crate::dmp::xds::{
    DmpDocumentEntry, IdGen, SEVERITY_ERROR, STATUS_FAILURE, STATUS_PARTIAL_SUCCESS,
    STATUS_SUCCESS, ns,
};
use crate::xml::XmlWriter;

use super::xds_side::Fault;

/// The `RegistryErrorList` of `errors` (nothing when there is none).
fn error_list(w: &mut XmlWriter<'_>, errors: &[Fault]) {
    if errors.is_empty() {
        return;
    }
    w.open(
        "rs:RegistryErrorList",
        &[("highestSeverity", SEVERITY_ERROR)],
    );
    for e in errors {
        w.empty(
            "rs:RegistryError",
            &[
                ("codeContext", e.context),
                ("errorCode", e.code),
                ("severity", SEVERITY_ERROR),
            ],
        );
    }
    w.close();
}

/// A `RegistryResponse` declaring its namespace (`declare`) or inside a parent that does.
fn registry_response(w: &mut XmlWriter<'_>, status: &str, errors: &[Fault], declare: bool) {
    let mut attrs = vec![("status", status)];
    if declare {
        attrs.push(("xmlns:rs", ns::RS));
    }
    if errors.is_empty() {
        w.empty("rs:RegistryResponse", &attrs);
    } else {
        w.open("rs:RegistryResponse", &attrs);
        error_list(w, errors);
        w.close();
    }
}

/// `RegistryResponse` Success (ITI-41, ITI-57).
pub(crate) fn registry_success() -> String {
    let mut w = XmlWriter::new();
    registry_response(&mut w, STATUS_SUCCESS, &[], true);
    w.finish()
}

/// `RegistryResponse` Failure with these errors.
pub(crate) fn registry_failure(errors: &[Fault]) -> String {
    let mut w = XmlWriter::new();
    registry_response(&mut w, STATUS_FAILURE, errors, true);
    w.finish()
}

fn open_query_response(status: &str, total: Option<usize>) -> XmlWriter<'static> {
    let total = total.map(|n| n.to_string());
    let mut attrs = vec![
        ("xmlns:query", ns::QUERY),
        ("xmlns:rim", ns::RIM),
        ("xmlns:rs", ns::RS),
    ];
    if total.is_some() {
        attrs.push(("startIndex", "0"));
    }
    attrs.push(("status", status));
    if let Some(total) = &total {
        attrs.push(("totalResultCount", total));
    }
    let mut w = XmlWriter::new();
    w.open("query:AdhocQueryResponse", &attrs);
    w
}

/// ITI-18 LeafClass answer: every entry as a full ExtrinsicObject (its id is its entryUUID;
/// classification and external identifier ids are fresh UUIDs from `ids`).
pub(crate) fn query_entries(entries: &[&DmpDocumentEntry], ids: &mut IdGen) -> String {
    let mut w = open_query_response(STATUS_SUCCESS, Some(entries.len()));
    let mut sym = Symbols::uuids(ids.fork());
    if entries.is_empty() {
        w.empty("rim:RegistryObjectList", &[]);
    } else {
        w.open("rim:RegistryObjectList", &[]);
        for e in entries {
            extrinsic_object(&mut w, &mut sym, e, &e.entry_uuid, EntryForm::Registered);
        }
        w.close();
    }
    w.finish()
}

/// ITI-18 ObjectRef answer: the entryUUIDs only.
pub(crate) fn query_refs(entry_uuids: &[&str]) -> String {
    let mut w = open_query_response(STATUS_SUCCESS, Some(entry_uuids.len()));
    if entry_uuids.is_empty() {
        w.empty("rim:RegistryObjectList", &[]);
    } else {
        w.open("rim:RegistryObjectList", &[]);
        for id in entry_uuids {
            w.empty("rim:ObjectRef", &[("id", id)]);
        }
        w.close();
    }
    w.finish()
}

/// ITI-18 Failure: the error list and an empty object list (required by the schema).
pub(crate) fn query_failure(fault: Fault) -> String {
    let mut w = open_query_response(STATUS_FAILURE, None);
    error_list(&mut w, &[fault]);
    w.empty("rim:RegistryObjectList", &[]);
    w.finish()
}

/// One document of an ITI-43 answer; its bytes travel in the MTOM part `href` names.
pub(crate) struct RetrievedRef<'a> {
    pub unique_id: &'a str,
    pub mime_type: &'a str,
    /// `cid:` URL of the MTOM part.
    pub href: String,
}

/// ITI-43 answer: Success when every document was found, PartialSuccess when some were,
/// Failure when none was.
pub(crate) fn retrieve_response(
    repository_unique_id: &str,
    documents: &[RetrievedRef<'_>],
    errors: &[Fault],
) -> String {
    let status = match (documents.is_empty(), errors.is_empty()) {
        (_, true) => STATUS_SUCCESS,
        (false, false) => STATUS_PARTIAL_SUCCESS,
        (true, false) => STATUS_FAILURE,
    };
    let mut w = XmlWriter::new();
    w.open(
        "xdsb:RetrieveDocumentSetResponse",
        &[("xmlns:rs", ns::RS), ("xmlns:xdsb", ns::XDSB)],
    );
    registry_response(&mut w, status, errors, false);
    for d in documents {
        w.open("xdsb:DocumentResponse", &[]);
        w.leaf("xdsb:RepositoryUniqueId", &[], repository_unique_id);
        w.leaf("xdsb:DocumentUniqueId", &[], d.unique_id);
        w.leaf("xdsb:mimeType", &[], d.mime_type);
        w.open("xdsb:Document", &[]);
        w.empty("xop:Include", &[("href", &d.href), ("xmlns:xop", ns::XOP)]);
        w.close();
        w.close();
    }
    w.finish()
}
