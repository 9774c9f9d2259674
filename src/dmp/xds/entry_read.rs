//! Reads ebRIM 3.0 registry objects: an `ExtrinsicObject` into a [`DmpDocumentEntry`]
//! (slots, Name/Description, VersionInfo, author and coded classifications, external
//! identifiers), plus the `Association`s and `ObjectRef`s met beside it. Namespace prefixes do
//! not matter; only the ebRIM namespace does.

use super::consts::*;
use super::entry::{Author, AvailabilityStatus, DmpDocumentEntry};
use super::hl7::{Code, Cx, Xcn, Xon};
use crate::dmp::error::DmpError;
use crate::dmp::soap;
use crate::xml::{Element, Limits};

/// An association read from a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Association {
    pub id: String,
    pub association_type: String,
    pub source: String,
    pub target: String,
    /// Slots in document order: name and values.
    pub slots: Vec<(String, Vec<String>)>,
}

impl Association {
    pub fn slot(&self, name: &str) -> Option<&[String]> {
        self.slots
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }
}

/// Values of the slot `name` of a registry object.
pub(crate) fn slot_values<'a>(e: Element<'a>, name: &str) -> Vec<&'a str> {
    e.children()
        .filter(|c| c.is(ns::RIM, "Slot") && c.attr("name") == Some(name))
        .flat_map(|slot| slot.children_named("ValueList"))
        .flat_map(|list| list.children_named("Value"))
        .map(|v| v.text().trim())
        .collect()
}

fn first_slot(e: Element<'_>, name: &str) -> Option<String> {
    slot_values(e, name)
        .into_iter()
        .find(|v| !v.is_empty())
        .map(str::to_owned)
}

/// All slots of a registry object, in order.
pub(crate) fn all_slots(e: Element<'_>) -> Vec<(String, Vec<String>)> {
    e.children()
        .filter(|c| c.is(ns::RIM, "Slot"))
        .map(|slot| {
            let name = slot.attr("name").unwrap_or_default().to_owned();
            let values = slot
                .children_named("ValueList")
                .flat_map(|l| l.children_named("Value"))
                .map(|v| v.text().trim().to_owned())
                .collect();
            (name, values)
        })
        .collect()
}

/// The `value` of the first `LocalizedString` of a `Name` or `Description` child.
pub(crate) fn localized(e: Element<'_>, child: &str) -> Option<String> {
    e.children()
        .filter(|c| c.is(ns::RIM, child))
        .flat_map(|c| c.children_named("LocalizedString"))
        .find_map(|s| s.attr("value"))
        .map(str::to_owned)
}

fn code_of(classification: Element<'_>) -> Code {
    Code {
        code: classification
            .attr("nodeRepresentation")
            .unwrap_or_default()
            .to_owned(),
        scheme: first_slot(classification, "codingScheme").unwrap_or_default(),
        display: localized(classification, "Name").unwrap_or_default(),
    }
}

fn author_of(classification: Element<'_>) -> Author {
    let values = |name| slot_values(classification, name).into_iter();
    Author {
        person: values("authorPerson")
            .find(|v| !v.is_empty())
            .map(Xcn::from_hl7),
        institutions: values("authorInstitution").map(Xon::from_hl7).collect(),
        roles: values("authorRole").map(str::to_owned).collect(),
        specialties: values("authorSpecialty").map(Code::from_ce).collect(),
        telecommunications: values("authorTelecommunication")
            .map(str::to_owned)
            .collect(),
    }
}

/// Reads one `ExtrinsicObject`, its children in one pass.
pub(crate) fn read_entry(e: Element<'_>) -> Result<DmpDocumentEntry, DmpError> {
    let entry_uuid = e
        .attr("id")
        .filter(|v| !v.is_empty())
        .ok_or(DmpError::malformed("ExtrinsicObject/@id"))?
        .to_owned();
    let mut entry = DmpDocumentEntry {
        entry_uuid,
        logical_id: e.attr("lid").map(str::to_owned),
        status: e
            .attr("status")
            .map(AvailabilityStatus::from_urn)
            .unwrap_or_default(),
        mime_type: e.attr("mimeType").unwrap_or_default().to_owned(),
        ..DmpDocumentEntry::default()
    };
    // First non-empty value of the slots read as one value.
    let (mut legal_authenticator, mut source_patient_id, mut size): (
        Option<String>,
        Option<String>,
        Option<String>,
    ) = (None, None, None);
    let mut version_info_seen = false;
    for c in e.children() {
        if c.ns() != ns::RIM {
            continue;
        }
        match c.local() {
            "Slot" => {
                let name = c.attr("name").unwrap_or_default();
                let values = c
                    .children_named("ValueList")
                    .flat_map(|list| list.children_named("Value"))
                    .map(|v| v.text().trim());
                if name == "sourcePatientInfo" {
                    entry.source_patient_info.extend(values.map(str::to_owned));
                    continue;
                }
                let slot = match name {
                    "creationTime" => &mut entry.creation_time,
                    "serviceStartTime" => &mut entry.service_start_time,
                    "serviceStopTime" => &mut entry.service_stop_time,
                    "hash" => &mut entry.hash,
                    "languageCode" => &mut entry.language_code,
                    "repositoryUniqueId" => &mut entry.repository_unique_id,
                    "legalAuthenticator" => &mut legal_authenticator,
                    "sourcePatientId" => &mut source_patient_id,
                    "size" => &mut size,
                    _ => continue,
                };
                if slot.is_none() {
                    *slot = values
                        .into_iter()
                        .find(|v| !v.is_empty())
                        .map(str::to_owned);
                }
            }
            "Name" if entry.title.is_none() => entry.title = localized_value(c),
            "Description" if entry.comments.is_none() => entry.comments = localized_value(c),
            "VersionInfo" if !version_info_seen => {
                version_info_seen = true;
                entry.version_name = c.attr("versionName").map(str::to_owned);
            }
            "Classification" => match c.attr("classificationScheme").unwrap_or_default() {
                DE_AUTHOR => entry.authors.push(author_of(c)),
                DE_CLASS_CODE => entry.class_code = Some(code_of(c)),
                DE_TYPE_CODE => entry.type_code = Some(code_of(c)),
                DE_FORMAT_CODE => entry.format_code = Some(code_of(c)),
                DE_PRACTICE_SETTING_CODE => entry.practice_setting_code = Some(code_of(c)),
                DE_FACILITY_TYPE_CODE => entry.healthcare_facility_type_code = Some(code_of(c)),
                DE_EVENT_CODE => entry.event_codes.push(code_of(c)),
                DE_CONFIDENTIALITY_CODE => entry.confidentiality_codes.push(code_of(c)),
                _ => {}
            },
            "ExternalIdentifier" => {
                let value = c.attr("value").unwrap_or_default().trim();
                match c.attr("identificationScheme").unwrap_or_default() {
                    DE_UNIQUE_ID => entry.unique_id = value.to_owned(),
                    DE_PATIENT_ID => entry.patient_id = Some(Cx::from_hl7(value)),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    entry.legal_authenticator = legal_authenticator.as_deref().map(Xcn::from_hl7);
    entry.source_patient_id = source_patient_id.as_deref().map(Cx::from_hl7);
    if let Some(size) = size {
        entry.size = Some(size.parse().map_err(|_| DmpError::malformed("size"))?);
    }
    if entry.unique_id.is_empty() {
        return Err(DmpError::malformed("XDSDocumentEntry.uniqueId"));
    }
    Ok(entry)
}

/// The `value` of the first `LocalizedString` of a `Name` or `Description` element.
fn localized_value(e: Element<'_>) -> Option<String> {
    e.children_named("LocalizedString")
        .find_map(|s| s.attr("value"))
        .map(str::to_owned)
}

/// Reads one `Association`.
pub(crate) fn read_association(e: Element<'_>) -> Association {
    let attr = |name| e.attr(name).unwrap_or_default().to_owned();
    Association {
        id: attr("id"),
        association_type: attr("associationType"),
        source: attr("sourceObject"),
        target: attr("targetObject"),
        slots: all_slots(e),
    }
}

/// Everything a `RegistryObjectList` (or any container) holds that this layer reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryObjects {
    pub entries: Vec<DmpDocumentEntry>,
    /// ExtrinsicObjects that could not be read (no id, no uniqueId, bad size).
    pub skipped_entries: usize,
    /// ids of the `RegistryPackage`s (submission sets, folders).
    pub packages: Vec<String>,
    pub associations: Vec<Association>,
    /// `ObjectRef/@id` (answers with `returnType="ObjectRef"`).
    pub object_refs: Vec<String>,
}

/// Collects the registry objects found anywhere under `root` (in one walk; an object is not
/// looked for inside an object of its own kind).
pub(crate) fn read_objects(root: Element<'_>) -> RegistryObjects {
    const KINDS: [&str; 4] = [
        "ExtrinsicObject",
        "RegistryPackage",
        "Association",
        "ObjectRef",
    ];
    let mut found: [Vec<Element<'_>>; 4] = Default::default();
    // Per kind, the depth of the match being walked through (none: usize::MAX).
    let mut inside = [usize::MAX; 4];
    let mut stack = vec![(root, 0usize)];
    while let Some((e, depth)) = stack.pop() {
        for k in &mut inside {
            if *k != usize::MAX && *k >= depth {
                *k = usize::MAX;
            }
        }
        if depth > 0
            && let Some(k) = KINDS.iter().position(|kind| *kind == e.local())
            && inside[k] == usize::MAX
            && e.ns() == ns::RIM
        {
            found[k].push(e);
            inside[k] = depth;
        }
        let first = stack.len();
        stack.extend(e.children().map(|c| (c, depth + 1)));
        stack[first..].reverse();
    }
    let [entries, packages, associations, object_refs] = found;
    let mut out = RegistryObjects::default();
    for e in entries {
        match read_entry(e) {
            Ok(entry) => out.entries.push(entry),
            Err(_) => out.skipped_entries += 1,
        }
    }
    let ids = |list: Vec<Element<'_>>| -> Vec<String> {
        list.iter()
            .filter_map(|p| p.attr("id"))
            .map(str::to_owned)
            .collect()
    };
    out.packages = ids(packages);
    out.associations = associations.into_iter().map(read_association).collect();
    out.object_refs = ids(object_refs);
    out
}

/// Reads the registry objects of any ebRIM message (a SubmitObjectsRequest, a
/// ProvideAndRegisterDocumentSetRequest, an AdhocQueryResponse, a SOAP envelope holding one).
pub fn parse_registry_objects(xml: &[u8]) -> Result<RegistryObjects, DmpError> {
    let text = soap::decode_text(xml);
    Ok(read_objects(soap::parse(&text, &Limits::XDS)?.root()))
}
