//! A subset's `METADATA.XML`, read with the project's XML toolkit (`crate::xml`: DOCTYPE and
//! unknown entities refused, bounded): the `SubmitObjectsRequest` at the root (ebRS 3.0, or
//! ebRS/ebRIM 2.1 with its `LeafRegistryObjectList`) or anywhere inside a SOAP envelope
//! (DRIMbox writes the whole ITI-41 request). Elements are matched by local name, so the three
//! namespaces read alike. Classifications and external identifiers count whether nested in
//! their object or beside it (`classifiedObject`, `registryObject`).

use std::collections::{HashMap, HashSet};

use crate::xml::decode::{UnknownEncoding, decode};
use crate::xml::{Element, Limits, parse};

use super::error::{MetadataProblem, XdmError, sanitize};
use super::fields::{patient_id, source_patient};
use super::{
    MetadataFormat, SourcePatient, XdmAction, XdmAuthor, XdmCode, XdmPatientId, XdmSubmissionSet,
};

const NS_RS21: &str = "urn:oasis:names:tc:ebxml-regrep:registry:xsd:2.1";

const DOC_UNIQUE_ID: (&str, &str) = (
    "urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab",
    "XDSDocumentEntry.uniqueId",
);
const DOC_PATIENT_ID: (&str, &str) = (
    "urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427",
    "XDSDocumentEntry.patientId",
);
const SS_UNIQUE_ID: (&str, &str) = (
    "urn:uuid:96fdda7c-d067-4183-912e-bf5ee74998a8",
    "XDSSubmissionSet.uniqueId",
);
const SS_SOURCE_ID: (&str, &str) = (
    "urn:uuid:554ac39e-e3fe-47fe-b233-965d2a147832",
    "XDSSubmissionSet.sourceId",
);
const SS_PATIENT_ID: (&str, &str) = (
    "urn:uuid:6b5aea1a-874d-4603-a4bc-96a0a7b38446",
    "XDSSubmissionSet.patientId",
);
const DOC_CLASS_CODE: &str = "urn:uuid:41a5887f-8865-4c09-adf7-e362475b143a";
const DOC_TYPE_CODE: &str = "urn:uuid:f0306f51-975f-434e-a61c-c59651d33983";
const SS_AUTHOR: &str = "urn:uuid:a7058bb9-b4e4-4307-ba5b-e3f0ab85e12d";
const SS_NODE: &str = "urn:uuid:a54d6aa5-d40d-43f9-88c5-b4633d873bdd";

/// What a `METADATA.XML` says.
pub(crate) struct Metadata {
    pub format: MetadataFormat,
    pub submission_set: XdmSubmissionSet,
    pub entries: Vec<EntryMeta>,
}

/// One `ExtrinsicObject`, its file not yet read.
pub(crate) struct EntryMeta {
    pub entry_id: String,
    pub unique_id: Option<String>,
    pub patient_id: Option<XdmPatientId>,
    pub source_patient: SourcePatient,
    pub title: Option<String>,
    pub mime_type: Option<String>,
    pub type_code: Option<XdmCode>,
    pub class_code: Option<XdmCode>,
    pub creation_time: Option<String>,
    pub uri: Option<String>,
    pub size: Option<String>,
    pub hash: Option<String>,
    pub action: Option<XdmAction>,
}

/// Reads the `METADATA.XML` of subset `folder`, of at most `max_documents` documents.
pub(crate) fn read(bytes: &[u8], folder: &str, max_documents: usize) -> Result<Metadata, XdmError> {
    let refused = |problem| XdmError::Metadata {
        subset: sanitize(folder),
        problem,
    };
    let decoded =
        decode(bytes, UnknownEncoding::Guess).map_err(|e| refused(MetadataProblem::Xml(e)))?;
    let doc = parse(&decoded.text, &Limits::XDS).map_err(|e| refused(MetadataProblem::Xml(e)))?;
    let root = doc.root();
    let request = root
        .descendants_or_self()
        .find(|e| e.local() == "SubmitObjectsRequest")
        .ok_or_else(|| refused(MetadataProblem::NotSubmission))?;
    let list = request
        .children()
        .find(|c| matches!(c.local(), "RegistryObjectList" | "LeafRegistryObjectList"))
        .ok_or_else(|| refused(MetadataProblem::NoObjectList))?;
    let format = if request.ns() == NS_RS21 || list.local() == "LeafRegistryObjectList" {
        MetadataFormat::Ebrim21
    } else if request != root {
        MetadataFormat::SoapEnvelope
    } else {
        MetadataFormat::Ebrs30
    };
    let documents: Vec<Element<'_>> = list.children_named("ExtrinsicObject").collect();
    if documents.len() > max_documents {
        return Err(XdmError::TooManyEntries {
            count: documents.len(),
            max: max_documents,
        });
    }
    // Unique ids (as ebRIM wants) keep every lookup below linear in the list's size.
    let mut ids = HashSet::new();
    let objects = list
        .children()
        .filter(|c| matches!(c.local(), "ExtrinsicObject" | "RegistryPackage"));
    for id in objects.filter_map(|o| o.attr_trim("id")) {
        if !ids.insert(id) {
            return Err(refused(MetadataProblem::DuplicateId));
        }
    }
    let objects = Objects::new(list);
    let entries = documents.into_iter().map(|e| objects.entry(e)).collect();
    Ok(Metadata {
        format,
        submission_set: objects.submission_set(),
        entries,
    })
}

/// The registry object list, with the classifications and external identifiers written
/// beside their object indexed by its id (one pass, whatever the number of objects).
struct Objects<'a> {
    list: Element<'a>,
    beside: HashMap<(&'static str, &'a str), Vec<Element<'a>>>,
}

impl<'a> Objects<'a> {
    fn new(list: Element<'a>) -> Self {
        let mut beside: HashMap<(&'static str, &'a str), Vec<Element<'a>>> = HashMap::new();
        for child in list.children() {
            let (local, by) = match child.local() {
                "Classification" => ("Classification", "classifiedObject"),
                "ExternalIdentifier" => ("ExternalIdentifier", "registryObject"),
                _ => continue,
            };
            if let Some(id) = child.attr_trim(by) {
                beside.entry((local, id)).or_default().push(child);
            }
        }
        Self { list, beside }
    }

    /// Children of `object` named `local` (`Classification`, `ExternalIdentifier`), and the
    /// list's own ones pointing at `object`.
    fn related(&self, object: Element<'a>, local: &'static str) -> Vec<Element<'a>> {
        let mut out: Vec<Element<'a>> = object.children_named(local).collect();
        if let Some(found) = object
            .attr_trim("id")
            .and_then(|id| self.beside.get(&(local, id)))
        {
            out.extend(found);
        }
        out
    }

    /// The value of the external identifier of this scheme (or, failing that, this name).
    fn external_id(&self, object: Element<'a>, (scheme, name): (&str, &str)) -> Option<String> {
        let ids = self.related(object, "ExternalIdentifier");
        let by_scheme = ids.iter().find(|i| {
            i.attr_trim("identificationScheme")
                .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
        });
        by_scheme
            .or_else(|| ids.iter().find(|i| name_of(**i).as_deref() == Some(name)))
            .and_then(|i| i.attr_trim("value"))
            .map(str::to_owned)
    }

    fn classification(&self, object: Element<'a>, scheme: &str) -> Option<Element<'a>> {
        self.related(object, "Classification")
            .into_iter()
            .find(|c| {
                c.attr_trim("classificationScheme")
                    .is_some_and(|s| s.eq_ignore_ascii_case(scheme))
            })
    }

    fn code(&self, object: Element<'a>, scheme: &str) -> Option<XdmCode> {
        let c = self.classification(object, scheme)?;
        Some(XdmCode {
            code: c.attr_trim("nodeRepresentation")?.to_owned(),
            scheme: slot(c, "codingScheme").into_iter().next(),
            display: name_of(c),
        })
    }

    fn entry(&self, e: Element<'a>) -> EntryMeta {
        let first = |name| slot(e, name).into_iter().next();
        let action = e
            .children_named("Slot")
            .find(|s| {
                s.attr_trim("name").is_some_and(|n| {
                    n.eq_ignore_ascii_case("action") || n.to_ascii_lowercase().ends_with(":action")
                })
            })
            .and_then(|s| slot_values(s).into_iter().next())
            .map(|v| match v.to_ascii_uppercase().as_str() {
                "C" => XdmAction::Change,
                "D" => XdmAction::Delete,
                _ => XdmAction::Unrecognised,
            });
        let info = slot(e, "sourcePatientInfo");
        EntryMeta {
            entry_id: e.attr_trim("id").unwrap_or_default().to_owned(),
            unique_id: self.external_id(e, DOC_UNIQUE_ID),
            patient_id: self
                .external_id(e, DOC_PATIENT_ID)
                .as_deref()
                .and_then(patient_id),
            source_patient: source_patient(info.iter().map(String::as_str)),
            title: name_of(e),
            mime_type: e.attr_trim("mimeType").map(str::to_owned),
            type_code: self.code(e, DOC_TYPE_CODE),
            class_code: self.code(e, DOC_CLASS_CODE),
            creation_time: first("creationTime"),
            uri: uri(e),
            size: first("size"),
            hash: first("hash"),
            action,
        }
    }

    /// The submission set: the package with a submission-set unique id, or classified as
    /// one, or the only package.
    fn submission_set(&self) -> XdmSubmissionSet {
        let packages: Vec<Element<'a>> = self.list.children_named("RegistryPackage").collect();
        let classified = |p: &Element<'a>| {
            self.related(*p, "Classification")
                .iter()
                .any(|c| c.attr_trim("classificationNode") == Some(SS_NODE))
        };
        let chosen = packages
            .iter()
            .find(|p| self.external_id(**p, SS_UNIQUE_ID).is_some())
            .or_else(|| packages.iter().find(|p| classified(p)))
            .or(if packages.len() == 1 {
                packages.first()
            } else {
                None
            });
        let Some(&p) = chosen else {
            return XdmSubmissionSet::default();
        };
        let author = self.classification(p, SS_AUTHOR).map(|c| XdmAuthor {
            person: slot(c, "authorPerson").into_iter().next(),
            institution: slot(c, "authorInstitution").into_iter().next(),
        });
        XdmSubmissionSet {
            unique_id: self.external_id(p, SS_UNIQUE_ID),
            source_id: self.external_id(p, SS_SOURCE_ID),
            title: name_of(p),
            author,
            submission_time: slot(p, "submissionTime").into_iter().next(),
            patient_id: self
                .external_id(p, SS_PATIENT_ID)
                .as_deref()
                .and_then(patient_id),
        }
    }
}

/// The `URI` slot. Very long URIs were split across several values in XDS.a; they are
/// joined (`n|part` prefixes removed).
fn uri(e: Element<'_>) -> Option<String> {
    let values = slot(e, "URI");
    match values.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        parts => Some(
            parts
                .iter()
                .map(|p| p.split_once('|').map_or(p.as_str(), |(_, rest)| rest))
                .collect(),
        ),
    }
}

/// The trimmed, non-blank values of the slot `name` of `object`.
fn slot(object: Element<'_>, name: &str) -> Vec<String> {
    object
        .children_named("Slot")
        .find(|s| s.attr_trim("name") == Some(name))
        .map(slot_values)
        .unwrap_or_default()
}

fn slot_values(slot: Element<'_>) -> Vec<String> {
    slot.children_named("ValueList")
        .flat_map(|l| l.children_named("Value"))
        .filter_map(|v| v.text_trim())
        .map(str::to_owned)
        .collect()
}

/// The first `Name/LocalizedString/@value`, when not blank.
fn name_of(object: Element<'_>) -> Option<String> {
    object
        .child("Name")?
        .child("LocalizedString")?
        .attr_trim("value")
        .map(str::to_owned)
}
