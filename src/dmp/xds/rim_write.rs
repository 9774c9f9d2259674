//! Writes ebRIM 3.0 building blocks (prefix `rim:`): slots, localized names, coded and author
//! classifications, external identifiers, associations — and a whole `ExtrinsicObject` from a
//! [`DmpDocumentEntry`], either as a new document of a submission, as the copy an ITI-57
//! metadata update sends, or as a registry returns it (the sandbox's ITI-18 answers). Local
//! (symbolic) ids come from [`Symbols`].

use super::consts::*;
use super::entry::{Author, AvailabilityStatus, DmpDocumentEntry};
use super::hl7::Code;
use super::ids::IdGen;
use crate::xml::XmlWriter;

/// Numbering of the symbolic ids of one message (`cl1`, `ei1`, `as1`…), or fresh
/// `urn:uuid:`s when a registry writes its answer.
#[derive(Default)]
pub(crate) struct Symbols {
    next: u32,
    uuids: Option<IdGen>,
}

impl Symbols {
    /// Ids as a registry assigns them: a fresh `urn:uuid:` each time (the sandbox's registry).
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    pub fn uuids(ids: IdGen) -> Self {
        Self {
            next: 0,
            uuids: Some(ids),
        }
    }

    pub fn next(&mut self, prefix: &str) -> String {
        if let Some(ids) = self.uuids.as_mut() {
            return ids.urn_uuid();
        }
        self.next += 1;
        format!("{prefix}{}", self.next)
    }
}

pub(crate) fn slot(w: &mut XmlWriter<'_>, name: &str, values: &[&str]) {
    w.open("rim:Slot", &[("name", name)]);
    w.open("rim:ValueList", &[]);
    for v in values {
        w.leaf("rim:Value", &[], v);
    }
    w.close();
    w.close();
}

fn opt_slot(w: &mut XmlWriter<'_>, name: &str, value: Option<&str>) {
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        slot(w, name, &[v]);
    }
}

/// `<rim:Name>` or `<rim:Description>` with one LocalizedString (as the DMP writes them).
pub(crate) fn localized(w: &mut XmlWriter<'_>, element: &'static str, value: &str) {
    w.open(element, &[]);
    w.empty(
        "rim:LocalizedString",
        &[("charset", "UTF8"), ("value", value), ("xml:lang", "FR")],
    );
    w.close();
}

/// A coded classification: `nodeRepresentation`, `codingScheme` slot, display name.
pub(crate) fn code_classification(
    w: &mut XmlWriter<'_>,
    sym: &mut Symbols,
    scheme: &str,
    object: &str,
    code: &Code,
) {
    let id = sym.next("cl");
    w.open(
        "rim:Classification",
        &[
            ("classificationScheme", scheme),
            ("classifiedObject", object),
            ("id", &id),
            ("nodeRepresentation", &code.code),
        ],
    );
    slot(w, "codingScheme", &[&code.scheme]);
    let display = if code.display.is_empty() {
        &code.code
    } else {
        &code.display
    };
    localized(w, "rim:Name", display);
    w.close();
}

/// An author classification (document or submission set scheme); slots in the agency's
/// order (person, specialty, institution), then role and telecom.
pub(crate) fn author_classification(
    w: &mut XmlWriter<'_>,
    sym: &mut Symbols,
    scheme: &str,
    object: &str,
    author: &Author,
) {
    let id = sym.next("cl");
    w.open(
        "rim:Classification",
        &[
            ("classificationScheme", scheme),
            ("classifiedObject", object),
            ("id", &id),
            ("nodeRepresentation", ""),
        ],
    );
    if let Some(person) = &author.person {
        slot(w, "authorPerson", &[person.as_hl7()]);
    }
    let specialties: Vec<String> = author.specialties.iter().map(Code::to_ce).collect();
    if !specialties.is_empty() {
        let refs: Vec<&str> = specialties.iter().map(String::as_str).collect();
        slot(w, "authorSpecialty", &refs);
    }
    let institutions: Vec<&str> = author.institutions.iter().map(|i| i.as_hl7()).collect();
    if !institutions.is_empty() {
        slot(w, "authorInstitution", &institutions);
    }
    let roles: Vec<&str> = author.roles.iter().map(String::as_str).collect();
    if !roles.is_empty() {
        slot(w, "authorRole", &roles);
    }
    let telecom: Vec<&str> = author
        .telecommunications
        .iter()
        .map(String::as_str)
        .collect();
    if !telecom.is_empty() {
        slot(w, "authorTelecommunication", &telecom);
    }
    w.close();
}

pub(crate) fn external_identifier(
    w: &mut XmlWriter<'_>,
    sym: &mut Symbols,
    scheme: &str,
    object: &str,
    value: &str,
    label: &str,
) {
    let id = sym.next("ei");
    w.open(
        "rim:ExternalIdentifier",
        &[
            ("id", &id),
            ("identificationScheme", scheme),
            ("registryObject", object),
            ("value", value),
        ],
    );
    localized(w, "rim:Name", label);
    w.close();
}

pub(crate) fn association(
    w: &mut XmlWriter<'_>,
    id: &str,
    association_type: &str,
    source: &str,
    target: &str,
    slots: &[(&str, &[&str])],
) {
    w.open(
        "rim:Association",
        &[
            ("associationType", association_type),
            ("id", id),
            ("objectType", OBJECT_TYPE_ASSOCIATION),
            ("sourceObject", source),
            ("targetObject", target),
        ],
    );
    for (name, values) in slots {
        slot(w, name, values);
    }
    w.close();
}

/// Which ExtrinsicObject is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryForm {
    /// A new document of an ITI-41 submission: no `lid`, `status`, `VersionInfo`, nor the
    /// slots the repository computes (`hash`, `size`, `repositoryUniqueId`).
    NewDocument,
    /// The copy of an existing entry in an ITI-57 update: same `lid`, status Approved, every
    /// slot kept.
    MetadataUpdate,
    /// An entry as the registry holds it (ITI-18 answer): `lid`, its own status,
    /// `VersionInfo` and every slot (the sandbox's registry).
    #[cfg_attr(not(feature = "sandbox"), allow(dead_code))]
    Registered,
}

/// Writes `entry` as an ExtrinsicObject whose id is `id`.
pub(crate) fn extrinsic_object(
    w: &mut XmlWriter<'_>,
    sym: &mut Symbols,
    entry: &DmpDocumentEntry,
    id: &str,
    form: EntryForm,
) {
    // Every form but a new document carries the registry's attributes and slots.
    let full = form != EntryForm::NewDocument;
    let mut attrs: Vec<(&str, &str)> = vec![("id", id)];
    if full {
        attrs.push(("isOpaque", "false"));
        if let Some(lid) = &entry.logical_id {
            attrs.push(("lid", lid));
        }
    }
    attrs.push(("mimeType", &entry.mime_type));
    attrs.push(("objectType", OBJECT_TYPE_DOCUMENT_ENTRY));
    match form {
        EntryForm::NewDocument => {}
        EntryForm::MetadataUpdate => attrs.push(("status", AvailabilityStatus::APPROVED)),
        EntryForm::Registered => attrs.push(("status", entry.status.urn())),
    }
    w.open("rim:ExtrinsicObject", &attrs);

    let size = entry.size.map(|s| s.to_string());
    opt_slot(w, "creationTime", entry.creation_time.as_deref());
    if full {
        opt_slot(w, "hash", entry.hash.as_deref());
    }
    opt_slot(w, "languageCode", entry.language_code.as_deref());
    opt_slot(
        w,
        "legalAuthenticator",
        entry.legal_authenticator.as_ref().map(|x| x.as_hl7()),
    );
    if full {
        opt_slot(
            w,
            "repositoryUniqueId",
            entry.repository_unique_id.as_deref(),
        );
    }
    opt_slot(w, "serviceStartTime", entry.service_start_time.as_deref());
    opt_slot(w, "serviceStopTime", entry.service_stop_time.as_deref());
    if full {
        opt_slot(w, "size", size.as_deref());
    }
    opt_slot(
        w,
        "sourcePatientId",
        entry.source_patient_id.as_ref().map(|c| c.as_hl7()),
    );
    if !entry.source_patient_info.is_empty() {
        let info: Vec<&str> = entry
            .source_patient_info
            .iter()
            .map(String::as_str)
            .collect();
        slot(w, "sourcePatientInfo", &info);
    }
    if let Some(title) = &entry.title {
        localized(w, "rim:Name", title);
    }
    if let Some(comments) = entry.comments.as_deref().filter(|c| !c.is_empty()) {
        localized(w, "rim:Description", comments);
    }
    if full && let Some(version) = &entry.version_name {
        w.empty("rim:VersionInfo", &[("versionName", version)]);
    }

    for author in &entry.authors {
        author_classification(w, sym, DE_AUTHOR, id, author);
    }
    let single = [
        (DE_CLASS_CODE, &entry.class_code),
        (DE_TYPE_CODE, &entry.type_code),
    ];
    for (scheme, code) in single {
        if let Some(code) = code {
            code_classification(w, sym, scheme, id, code);
        }
    }
    for code in &entry.confidentiality_codes {
        code_classification(w, sym, DE_CONFIDENTIALITY_CODE, id, code);
    }
    for code in &entry.event_codes {
        code_classification(w, sym, DE_EVENT_CODE, id, code);
    }
    let single = [
        (DE_FORMAT_CODE, &entry.format_code),
        (DE_FACILITY_TYPE_CODE, &entry.healthcare_facility_type_code),
        (DE_PRACTICE_SETTING_CODE, &entry.practice_setting_code),
    ];
    for (scheme, code) in single {
        if let Some(code) = code {
            code_classification(w, sym, scheme, id, code);
        }
    }
    if let Some(patient) = &entry.patient_id {
        external_identifier(
            w,
            sym,
            DE_PATIENT_ID,
            id,
            patient.as_hl7(),
            "XDSDocumentEntry.patientId",
        );
    }
    external_identifier(
        w,
        sym,
        DE_UNIQUE_ID,
        id,
        &entry.unique_id,
        "XDSDocumentEntry.uniqueId",
    );
    w.close();
}
