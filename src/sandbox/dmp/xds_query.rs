//! ITI-18 Registry Stored Query on the sandbox (TD3.1a/b): FindDocuments with every filter the
//! client writes, applied with IHE semantics (codes match code and scheme; time bounds `From`
//! inclusive, `To` exclusive, on UTC instants; event and confidentiality code lists ANDed
//! between `Value`s; an entry without the filtered attribute does not match), and GetDocuments
//! by uniqueId or entryUUID. Access rules come from the state; entries masked to this
//! professional are left out. Answers LeafClass or ObjectRef.

use chrono::{DateTime, Utc};

use crate::dmp::xds::{
    AvailabilityStatus, Cx, DmpDocumentEntry, IdGen, QUERY_FIND_DOCUMENTS, QUERY_GET_DOCUMENTS, ns,
};
use crate::xml::Element;

use super::state::DmpState;
use super::xds_answers;
use super::xds_params::{CodeFilter, Params, all_lists_match, any_matches};
use super::xds_side::{CallerContext, Fault, XdsReply, parse_request, request_element};
use crate::dmp::soap;

const UNKNOWN_QUERY: Fault = Fault::new(
    "XDSUnknownStoredQuery",
    "Requête stockée inconnue de ce registre.",
);
const MISSING_PATIENT: Fault = Fault::new(
    "XDSStoredQueryMissingParam",
    "Paramètre obligatoire absent : $XDSDocumentEntryPatientId.",
);
const MISSING_STATUS: Fault = Fault::new(
    "XDSStoredQueryMissingParam",
    "Paramètre obligatoire absent : $XDSDocumentEntryStatus.",
);
const MISSING_DOCUMENT_IDS: Fault = Fault::new(
    "XDSStoredQueryMissingParam",
    "GetDocuments demande $XDSDocumentEntryUniqueId ou $XDSDocumentEntryEntryUUID.",
);
const BOTH_DOCUMENT_IDS: Fault = Fault::new(
    "XDSStoredQueryParamNumber",
    "GetDocuments prend $XDSDocumentEntryUniqueId ou $XDSDocumentEntryEntryUUID, pas les deux.",
);
const BAD_RETURN_TYPE: Fault = Fault::new(
    "XDSRegistryMetadataError",
    "Type de retour non pris en charge (LeafClass ou ObjectRef).",
);

/// Answers one `AdhocQueryRequest`.
pub(crate) fn stored_query(
    state: &DmpState,
    caller: &CallerContext,
    envelope: &[u8],
    ids: &mut IdGen,
) -> XdsReply {
    let payload = match run(state, caller, envelope) {
        Ok((entries, ReturnType::LeafClass)) => xds_answers::query_entries(&entries, ids),
        Ok((entries, ReturnType::ObjectRef)) => {
            let refs: Vec<&str> = entries.iter().map(|e| e.entry_uuid.as_str()).collect();
            xds_answers::query_refs(&refs)
        }
        Err(fault) => xds_answers::query_failure(fault),
    };
    XdsReply::Soap { payload }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReturnType {
    LeafClass,
    ObjectRef,
}

fn run<'s>(
    state: &'s DmpState,
    caller: &CallerContext,
    envelope: &[u8],
) -> Result<(Vec<&'s DmpDocumentEntry>, ReturnType), Fault> {
    let text = soap::decode_text(envelope);
    let doc = parse_request(&text, Fault::REGISTRY_UNREADABLE)?;
    let request = request_element(
        &doc,
        ns::QUERY,
        "AdhocQueryRequest",
        Fault::REGISTRY_UNREADABLE,
    )?;
    let return_type = match request
        .children()
        .find(|c| c.is(ns::QUERY, "ResponseOption"))
        .and_then(|o| o.attr("returnType"))
        .map(str::trim)
    {
        None | Some("LeafClass") => ReturnType::LeafClass,
        Some("ObjectRef") => ReturnType::ObjectRef,
        Some(_) => return Err(BAD_RETURN_TYPE),
    };
    let query = request
        .children()
        .find(|c| c.is(ns::RIM, "AdhocQuery"))
        .ok_or(Fault::REGISTRY_UNREADABLE)?;
    let entries = match query.attr("id").map(str::trim) {
        Some(QUERY_FIND_DOCUMENTS) => find_documents(state, caller, query)?,
        Some(QUERY_GET_DOCUMENTS) => get_documents(state, caller, query)?,
        _ => return Err(UNKNOWN_QUERY),
    };
    Ok((entries, return_type))
}

/// The filters of a FindDocuments.
struct FindFilter {
    statuses: Vec<AvailabilityStatus>,
    class: Vec<CodeFilter>,
    type_: Vec<CodeFilter>,
    practice_setting: Vec<CodeFilter>,
    facility_type: Vec<CodeFilter>,
    format: Vec<CodeFilter>,
    /// ANDed lists of ORed codes.
    events: Vec<Vec<CodeFilter>>,
    confidentiality: Vec<Vec<CodeFilter>>,
    creation: Window,
    service_start: Window,
    service_stop: Window,
}

/// A time window: `from` inclusive, `to` exclusive; open when both are `None`.
struct Window {
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

impl Window {
    fn read(params: &Params, prefix: &str) -> Result<Self, Fault> {
        Ok(Self {
            from: params.time(&format!("{prefix}From"))?,
            to: params.time(&format!("{prefix}To"))?,
        })
    }

    fn contains(&self, t: Option<DateTime<Utc>>) -> bool {
        if self.from.is_none() && self.to.is_none() {
            return true;
        }
        t.is_some_and(|t| self.from.is_none_or(|from| t >= from) && self.to.is_none_or(|to| t < to))
    }
}

impl FindFilter {
    fn read(params: &Params) -> Result<Self, Fault> {
        let statuses: Vec<AvailabilityStatus> = params
            .items("$XDSDocumentEntryStatus")?
            .iter()
            .map(|s| AvailabilityStatus::from_urn(s))
            .collect();
        if statuses.is_empty() {
            return Err(MISSING_STATUS);
        }
        Ok(Self {
            statuses,
            class: params.any_codes("$XDSDocumentEntryClassCode")?,
            type_: params.any_codes("$XDSDocumentEntryTypeCode")?,
            practice_setting: params.any_codes("$XDSDocumentEntryPracticeSettingCode")?,
            facility_type: params.any_codes("$XDSDocumentEntryHealthcareFacilityTypeCode")?,
            format: params.any_codes("$XDSDocumentEntryFormatCode")?,
            events: params.codes("$XDSDocumentEntryEventCodeList")?,
            confidentiality: params.codes("$XDSDocumentEntryConfidentialityCode")?,
            creation: Window::read(params, "$XDSDocumentEntryCreationTime")?,
            service_start: Window::read(params, "$XDSDocumentEntryServiceStartTime")?,
            service_stop: Window::read(params, "$XDSDocumentEntryServiceStopTime")?,
        })
    }

    fn matches(&self, e: &DmpDocumentEntry) -> bool {
        self.statuses.contains(&e.status)
            && any_matches(&self.class, e.class_code.as_ref())
            && any_matches(&self.type_, e.type_code.as_ref())
            && any_matches(&self.practice_setting, e.practice_setting_code.as_ref())
            && any_matches(
                &self.facility_type,
                e.healthcare_facility_type_code.as_ref(),
            )
            && any_matches(&self.format, e.format_code.as_ref())
            && all_lists_match(&self.events, &e.event_codes)
            && all_lists_match(&self.confidentiality, &e.confidentiality_codes)
            && self.creation.contains(e.creation_time_utc())
            && self.service_start.contains(e.service_start_utc())
            && self.service_stop.contains(e.service_stop_utc())
    }
}

/// FindDocuments: the patient's entries matching every filter, visible to the caller.
fn find_documents<'s>(
    state: &'s DmpState,
    caller: &CallerContext,
    query: Element<'_>,
) -> Result<Vec<&'s DmpDocumentEntry>, Fault> {
    let params = Params::of(query);
    let patient = params
        .single("$XDSDocumentEntryPatientId")?
        .ok_or(MISSING_PATIENT)?;
    let matricule = caller.patient_named_by(&Cx::from_hl7(patient))?;
    let filter = FindFilter::read(&params)?;
    state.check_access(matricule, &caller.national_id, caller.purpose)?;
    Ok(state
        .entries
        .iter()
        .filter(|s| s.patient == matricule && filter.matches(&s.entry))
        .filter(|s| state.visible_to(s, &caller.national_id))
        .map(|s| &s.entry)
        .collect())
}

/// GetDocuments: by uniqueId (the current version of each) or by entryUUID (that version),
/// after the access check on their patient; ids that match nothing are left out.
fn get_documents<'s>(
    state: &'s DmpState,
    caller: &CallerContext,
    query: Element<'_>,
) -> Result<Vec<&'s DmpDocumentEntry>, Fault> {
    let params = Params::of(query);
    let by_unique = params.has("$XDSDocumentEntryUniqueId");
    let by_uuid = params.has("$XDSDocumentEntryEntryUUID");
    let wanted = match (by_unique, by_uuid) {
        (true, true) => return Err(BOTH_DOCUMENT_IDS),
        (false, false) => return Err(MISSING_DOCUMENT_IDS),
        (true, false) => params.items("$XDSDocumentEntryUniqueId")?,
        (false, true) => params.items("$XDSDocumentEntryEntryUUID")?,
    };
    if wanted.is_empty() {
        return Err(MISSING_DOCUMENT_IDS);
    }
    let mut found = Vec::new();
    for id in &wanted {
        let index = if by_unique {
            state.entries.iter().rposition(|s| s.entry.unique_id == *id)
        } else {
            state.entries.iter().position(|s| s.entry.entry_uuid == *id)
        };
        if let Some(i) = index
            && !found.contains(&i)
        {
            found.push(i);
        }
    }
    found.sort_unstable();
    let mut out = Vec::with_capacity(found.len());
    for i in found {
        let stored = &state.entries[i];
        caller.check_patient(&stored.patient)?;
        state.check_access(&stored.patient, &caller.national_id, caller.purpose)?;
        if state.visible_to(stored, &caller.national_id) {
            out.push(&stored.entry);
        }
    }
    Ok(out)
}
