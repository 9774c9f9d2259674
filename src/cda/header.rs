//! Reads the CDA header elements (children of `ClinicalDocument` before the body) into the types
//! of `model.rs`. Unknown elements and elements of other namespaces are skipped.

use super::error::CdaError;
use super::model::{
    Code, Encounter, Header, InstanceId, Interval, NamePart, Organisation, PatientRole, PersonName,
    Professional, RelatedDocument, ServiceEvent,
};
use super::reader::{Cursor, Elem};
use super::time::parse_ts;

type Res<T> = Result<T, CdaError>;

/// Collapses runs of blanks and trims.
pub(crate) fn clean(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn instance_id(e: &Elem<'_>) -> Option<InstanceId> {
    Some(InstanceId {
        root: e.attr_string("root")?,
        extension: e.attr_string("extension"),
    })
}

pub(crate) fn code(e: &Elem<'_>) -> Option<Code> {
    let c = Code {
        code: e.attr_string("code").unwrap_or_default(),
        system: e.attr_string("codeSystem").unwrap_or_default(),
        display_name: e.attr("displayName").map(|v| clean(&v)).unwrap_or_default(),
    };
    (!c.code.is_empty() || !c.display_name.is_empty()).then_some(c)
}

fn ts(e: &Elem<'_>) -> Option<chrono::NaiveDateTime> {
    e.attr("value").and_then(|v| parse_ts(&v))
}

fn text(c: &mut Cursor<'_>) -> Res<String> {
    Ok(clean(&c.text()?))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Handles one header child of `ClinicalDocument`. Returns false when the element is not a
/// header element (so the caller can look at it).
pub(crate) fn header_child(c: &mut Cursor<'_>, e: &Elem<'_>, h: &mut Header) -> Res<bool> {
    if !e.hl7 {
        return Ok(true);
    }
    match e.local {
        "id" if h.id.root.is_empty() => {
            if let Some(id) = instance_id(e) {
                h.id = id;
            }
        }
        "setId" => h.set_id = instance_id(e),
        "versionNumber" => h.version_number = e.attr("value").and_then(|v| v.parse().ok()),
        "templateId" => h.template_ids.extend(e.attr_string("root")),
        "code" => h.code = code(e),
        "title" => h.title = text(c)?,
        "effectiveTime" => h.effective_time = ts(e),
        "confidentialityCode" => h.confidentiality = code(e),
        "languageCode" => h.language = e.attr_string("code"),
        "recordTarget" => {
            let patient = record_target(c)?;
            if h.patient.is_none() {
                h.patient = patient;
            }
        }
        "author" => h.authors.push(professional(c)?),
        "custodian" => h.custodian = custodian(c)?,
        "legalAuthenticator" => h.legal_authenticator = Some(professional(c)?),
        "documentationOf" => c.each_child(|c, e| {
            if e.is("serviceEvent") {
                h.service_events.push(service_event(c)?);
            }
            Ok(())
        })?,
        "componentOf" => c.each_child(|c, e| {
            if e.is("encompassingEncounter") {
                h.encounter = Some(encounter(c)?);
            }
            Ok(())
        })?,
        "relatedDocument" => h.related.push(related(c, e)?),
        _ => return Ok(false),
    }
    Ok(true)
}

fn record_target(c: &mut Cursor<'_>) -> Res<Option<PatientRole>> {
    let mut role = None;
    c.each_child(|c, e| {
        if e.is("patientRole") {
            role = Some(patient_role(c)?);
        }
        Ok(())
    })?;
    Ok(role)
}

fn patient_role(c: &mut Cursor<'_>) -> Res<PatientRole> {
    let mut p = PatientRole::default();
    c.each_child(|c, e| {
        if e.is("id") {
            p.ids.extend(instance_id(e));
        } else if e.is("patient") {
            c.each_child(|c, e| {
                match e.local {
                    _ if !e.hl7 => {}
                    "name" => p.names.push(person_name(c)?),
                    "administrativeGenderCode" => p.gender = e.attr_string("code"),
                    "birthTime" => p.birth_time = e.attr_string("value"),
                    "birthplace" => birthplace(c, &mut p)?,
                    _ => {}
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(p)
}

fn birthplace(c: &mut Cursor<'_>, p: &mut PatientRole) -> Res<()> {
    c.each_child(|c, e| {
        if e.is("place") {
            c.each_child(|c, e| {
                if e.is("addr") {
                    c.each_child(|c, e| {
                        match e.local {
                            _ if !e.hl7 => {}
                            "county" => p.birthplace_county = non_empty(text(c)?),
                            "postalCode" => p.birthplace_postal_code = non_empty(text(c)?),
                            "city" => p.birthplace_city = non_empty(text(c)?),
                            _ => {}
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

pub(crate) fn person_name(c: &mut Cursor<'_>) -> Res<PersonName> {
    let mut n = PersonName::default();
    c.each_child(|c, e| {
        if !e.hl7 {
            return Ok(());
        }
        let qualifier = e.attr_string("qualifier");
        let value = text(c)?;
        if value.is_empty() {
            return Ok(());
        }
        match e.local {
            "prefix" => n.prefixes.push(value),
            "suffix" => n.suffixes.push(value),
            "given" => n.given.push(NamePart { value, qualifier }),
            "family" => n.family.push(NamePart { value, qualifier }),
            _ => {}
        }
        Ok(())
    })?;
    Ok(n)
}

/// `author` or `legalAuthenticator`: time plus `assignedAuthor` / `assignedEntity`.
fn professional(c: &mut Cursor<'_>) -> Res<Professional> {
    let mut p = Professional::default();
    c.each_child(|c, e| {
        if e.is("time") {
            p.time = ts(e);
        } else if e.is("assignedAuthor") || e.is("assignedEntity") {
            c.each_child(|c, e| {
                match e.local {
                    _ if !e.hl7 => {}
                    "id" => p.ids.extend(instance_id(e)),
                    "code" => p.specialty = code(e),
                    "assignedPerson" => c.each_child(|c, e| {
                        if e.is("name") {
                            p.name = Some(person_name(c)?);
                        }
                        Ok(())
                    })?,
                    "assignedAuthoringDevice" => c.each_child(|c, e| {
                        if e.is("softwareName")
                            || (e.is("manufacturerModelName") && p.device.is_none())
                        {
                            p.device = non_empty(text(c)?);
                        }
                        Ok(())
                    })?,
                    "representedOrganization" => p.organisation = Some(organisation(c)?),
                    _ => {}
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(p)
}

fn organisation(c: &mut Cursor<'_>) -> Res<Organisation> {
    let mut o = Organisation::default();
    c.each_child(|c, e| {
        if e.is("id") {
            o.ids.extend(instance_id(e));
        } else if e.is("name") && o.name.is_empty() {
            o.name = text(c)?;
        }
        Ok(())
    })?;
    Ok(o)
}

fn custodian(c: &mut Cursor<'_>) -> Res<Option<Organisation>> {
    let mut org = None;
    c.each_child(|c, e| {
        if e.is("assignedCustodian") {
            c.each_child(|c, e| {
                if e.is("representedCustodianOrganization") {
                    org = Some(organisation(c)?);
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(org)
}

fn interval(c: &mut Cursor<'_>, e: &Elem<'_>) -> Res<Interval> {
    let mut i = Interval {
        low: ts(e),
        high: None,
    };
    c.each_child(|_, e| {
        if e.is("low") {
            i.low = ts(e);
        } else if e.is("high") {
            i.high = ts(e);
        }
        Ok(())
    })?;
    Ok(i)
}

fn service_event(c: &mut Cursor<'_>) -> Res<ServiceEvent> {
    let mut s = ServiceEvent::default();
    c.each_child(|c, e| {
        if e.is("code") {
            s.code = code(e);
        } else if e.is("effectiveTime") {
            s.time = interval(c, e)?;
        }
        Ok(())
    })?;
    Ok(s)
}

fn encounter(c: &mut Cursor<'_>) -> Res<Encounter> {
    let mut enc = Encounter::default();
    c.each_child(|c, e| {
        match e.local {
            _ if !e.hl7 => {}
            "code" => enc.code = code(e),
            "effectiveTime" => enc.time = interval(c, e)?,
            "location" => c.each_child(|c, e| {
                if e.is("healthCareFacility") {
                    facility(c, &mut enc)?;
                }
                Ok(())
            })?,
            _ => {}
        }
        Ok(())
    })?;
    Ok(enc)
}

fn facility(c: &mut Cursor<'_>, enc: &mut Encounter) -> Res<()> {
    c.each_child(|c, e| {
        match e.local {
            _ if !e.hl7 => {}
            "code" => enc.facility_code = code(e),
            "location" => c.each_child(|c, e| {
                if e.is("name") {
                    enc.facility_name = non_empty(text(c)?);
                }
                Ok(())
            })?,
            "serviceProviderOrganization" => {
                enc.service_provider = non_empty(organisation(c)?.name);
            }
            _ => {}
        }
        Ok(())
    })
}

fn related(c: &mut Cursor<'_>, e: &Elem<'_>) -> Res<RelatedDocument> {
    let mut r = RelatedDocument {
        type_code: e.attr_string("typeCode").unwrap_or_default(),
        ..RelatedDocument::default()
    };
    c.each_child(|c, e| {
        if e.is("parentDocument") {
            c.each_child(|_, e| {
                match e.local {
                    _ if !e.hl7 => {}
                    "id" if r.parent_id.is_none() => r.parent_id = instance_id(e),
                    "setId" => r.parent_set_id = instance_id(e),
                    "versionNumber" => {
                        r.parent_version = e.attr("value").and_then(|v| v.parse().ok());
                    }
                    _ => {}
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(r)
}
