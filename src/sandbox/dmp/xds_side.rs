//! The XDS side of the sandbox DMP: one incoming XDS request (ITI-18 query, ITI-43 retrieve,
//! ITI-57 update, ITI-41 feed) applied to the [`DmpState`], and the SOAP Body payload of the
//! answer (plus MTOM attachments for ITI-43). This file owns the entry point ([`handle`]), the
//! caller as the VIHF describes it, the refusal type shared by the transactions ([`Fault`]) and
//! the reading of the request element out of its envelope; each transaction lives in its own
//! file (`xds_query` with `xds_params` for the stored-query syntax, `xds_retrieve`,
//! `xds_update`, `xds_feed`), the answers in `xds_answers`.

use crate::dmp::client::actions;
use crate::dmp::mtom::Part;
use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::{Cx, IdGen};
use crate::domain::Ins;
use crate::xml::{Document, Element, Limits};

use super::state::{Denial, DmpState};
use super::{xds_answers, xds_feed, xds_query, xds_retrieve, xds_update};

/// Who calls, as the verified VIHF says.
pub struct CallerContext {
    /// idNat_PS of the professional (VIHF Subject NameID)
    pub national_id: String,
    pub purpose: PurposeOfUse,
    /// INS from the VIHF resource-id, when any
    pub patient: Option<Ins>,
}

impl CallerContext {
    /// The INS matricule of the VIHF patient when `cx` names the same INS (matricule and OID).
    pub(crate) fn patient_named_by(&self, cx: &Cx) -> Result<&str, Fault> {
        let ins = self.patient.as_ref().ok_or(Fault::NO_VIHF_PATIENT)?;
        let same = cx.id() == ins.matricule.as_str()
            && cx.authority_oid().as_deref() == Some(ins.oid.as_str());
        if same {
            Ok(ins.matricule.as_str())
        } else {
            Err(Fault::PATIENT_MISMATCH)
        }
    }

    /// Checks that the VIHF names the patient whose INS matricule is `matricule`.
    pub(crate) fn check_patient(&self, matricule: &str) -> Result<(), Fault> {
        match &self.patient {
            None => Err(Fault::NO_VIHF_PATIENT),
            Some(ins) if ins.matricule.as_str() == matricule => Ok(()),
            Some(_) => Err(Fault::PATIENT_MISMATCH),
        }
    }
}

/// The answer to one XDS request.
pub enum XdsReply {
    /// The Body payload (e.g. `<query:AdhocQueryResponse …>` with its namespaces declared on it)
    Soap { payload: String },
    /// ITI-43: payload referencing attachments with xop:Include href="cid:…"
    Mtom {
        payload: String,
        attachments: Vec<Part>,
    },
}

/// Applies one XDS request. `action` is the SOAP action (constants in
/// [`crate::dmp::client::actions`]); `envelope` the whole SOAP envelope (the MTOM root part for
/// ITI-41) or the bare request element; `attachments` the MTOM parts (ITI-41); `ids` gives the
/// fresh UUIDs. Never panics: anything wrong is a Failure answer with a RegistryErrorList.
pub fn handle(
    state: &mut DmpState,
    caller: &CallerContext,
    action: &str,
    envelope: &[u8],
    attachments: &[Part],
    ids: &mut IdGen,
) -> XdsReply {
    match action {
        actions::ITI18 => xds_query::stored_query(state, caller, envelope, ids),
        actions::ITI43 => xds_retrieve::retrieve(state, caller, envelope, ids),
        actions::ITI57 => xds_update::update(state, caller, envelope, ids),
        actions::ITI41 => xds_feed::provide_and_register(state, caller, envelope, attachments, ids),
        _ => XdsReply::Soap {
            payload: xds_answers::registry_failure(&[Fault::UNKNOWN_ACTION]),
        },
    }
}

/// Why a request is refused: the `errorCode` and the `codeContext` of its RegistryError. The
/// context is a short French sentence that never quotes the request (no patient data).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fault {
    pub code: &'static str,
    pub context: &'static str,
}

impl Fault {
    pub const fn new(code: &'static str, context: &'static str) -> Self {
        Self { code, context }
    }

    pub const NO_VIHF_PATIENT: Self = Self::new(
        "XDSPatientIdDoesNotMatch",
        "Le VIHF ne désigne aucun patient.",
    );
    pub const PATIENT_MISMATCH: Self = Self::new(
        "XDSPatientIdDoesNotMatch",
        "Le patient de la requête n'est pas celui du VIHF.",
    );
    pub const UNKNOWN_ACTION: Self =
        Self::new("XDSRegistryMetadataError", "Transaction XDS inconnue.");
    pub const REGISTRY_UNREADABLE: Self = Self::new(
        "XDSRegistryMetadataError",
        "La requête n'est pas un message XML lisible.",
    );
    pub const REPOSITORY_UNREADABLE: Self = Self::new(
        "XDSRepositoryMetadataError",
        "La requête n'est pas un message XML lisible.",
    );
}

impl From<Denial> for Fault {
    fn from(denial: Denial) -> Self {
        Self::new(denial.code(), denial.text())
    }
}

/// Parses a request's SOAP envelope (its text from [`soap::decode_text`]); `unreadable` is the
/// refusal when it is not well-formed XML.
pub(crate) fn parse_request<'s>(text: &'s str, unreadable: Fault) -> Result<Document<'s>, Fault> {
    crate::xml::parse(text, &Limits::XDS).map_err(|_| unreadable)
}

/// The request element `ns`:`name` of a request, searched in the SOAP Body when the document
/// is an envelope (SOAP 1.1 or 1.2), else in the whole document. `unreadable` is the refusal
/// when the element is missing.
pub(crate) fn request_element<'a>(
    doc: &'a Document<'_>,
    ns: &str,
    name: &str,
    unreadable: Fault,
) -> Result<Element<'a>, Fault> {
    let root = doc.root();
    let scope = if root.local() == "Envelope" {
        root.child("Body").ok_or(unreadable)?
    } else {
        root
    };
    scope.find(ns, name).ok_or(unreadable)
}

/// A `urn:uuid:` no stored entry uses.
pub(crate) fn fresh_uuid(state: &DmpState, ids: &mut IdGen) -> String {
    loop {
        let uuid = ids.urn_uuid();
        if !state.entries.iter().any(|s| s.entry.entry_uuid == uuid) {
            return uuid;
        }
    }
}
