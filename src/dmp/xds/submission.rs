//! The SubmissionSet every ITI-41 and ITI-57 request carries ([`SubmissionContext`]: who
//! submits, from which software, when, with which content type) and its ebRIM form: a
//! `RegistryPackage` with submissionTime, author, contentTypeCode (JDV_J59), the SubmissionSet
//! classification node and the patientId / sourceId / uniqueId external identifiers.

use chrono::{DateTime, Utc};

use super::consts::*;
use super::entry::Author;
use super::hl7::{Code, Cx, format_dtm};
use super::rim_write::{
    Symbols, author_classification, code_classification, external_identifier, localized, slot,
};
use crate::xml::XmlWriter;

/// Symbolic id of the SubmissionSet in the messages built here.
pub(crate) const SUBMISSION_SET_ID: &str = "SubmissionSet01";

/// What describes a submission, whatever it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionContext {
    /// OID of this software instance (`XDSSubmissionSet.sourceId`).
    pub source_id: String,
    /// The professional who submits (authorPerson, authorSpecialty, authorInstitution).
    pub author: Author,
    /// contentTypeCode (JDV_J59, scheme `1.2.250.1.213.2.2`), e.g. `04` "Hospitalisation de
    /// jour"; see [`content_type`].
    pub content_type: Code,
    /// submissionTime.
    pub time: DateTime<Utc>,
    /// `Name` of the SubmissionSet.
    pub title: Option<String>,
    /// `Description` of the SubmissionSet.
    pub comments: Option<String>,
}

/// A JDV_J59 content type code.
pub fn content_type(code: &str, label: &str) -> Code {
    Code::new(code, OID_CONTENT_TYPE_CODE, label)
}

/// Writes the SubmissionSet `RegistryPackage`.
pub(crate) fn write_submission_set(
    w: &mut XmlWriter<'_>,
    sym: &mut Symbols,
    ctx: &SubmissionContext,
    patient: &Cx,
    unique_id: &str,
) {
    let id = SUBMISSION_SET_ID;
    w.open("rim:RegistryPackage", &[("id", id)]);
    slot(w, "submissionTime", &[&format_dtm(&ctx.time)]);
    if let Some(title) = &ctx.title {
        localized(w, "rim:Name", title);
    }
    if let Some(comments) = &ctx.comments {
        localized(w, "rim:Description", comments);
    }
    author_classification(w, sym, SS_AUTHOR, id, &ctx.author);
    code_classification(w, sym, SS_CONTENT_TYPE_CODE, id, &ctx.content_type);
    let node_id = sym.next("cl");
    w.empty(
        "rim:Classification",
        &[
            ("classificationNode", SS_CLASSIFICATION_NODE),
            ("classifiedObject", id),
            ("id", &node_id),
        ],
    );
    external_identifier(
        w,
        sym,
        SS_PATIENT_ID,
        id,
        patient.as_hl7(),
        "XDSSubmissionSet.patientId",
    );
    external_identifier(
        w,
        sym,
        SS_SOURCE_ID,
        id,
        &ctx.source_id,
        "XDSSubmissionSet.sourceId",
    );
    external_identifier(
        w,
        sym,
        SS_UNIQUE_ID,
        id,
        unique_id,
        "XDSSubmissionSet.uniqueId",
    );
    w.close();
}

/// Opens `<lcm:SubmitObjectsRequest><rim:RegistryObjectList>`; `declare` adds the namespace
/// declarations (false when an enclosing element already has them).
pub(crate) fn open_submit_objects(w: &mut XmlWriter<'_>, declare: bool) {
    if declare {
        w.open(
            "lcm:SubmitObjectsRequest",
            &[("xmlns:lcm", ns::LCM), ("xmlns:rim", ns::RIM)],
        );
    } else {
        w.open("lcm:SubmitObjectsRequest", &[]);
    }
    w.open("rim:RegistryObjectList", &[]);
}
