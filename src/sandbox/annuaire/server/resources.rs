//! The sandbox Annuaire's resources as the API V2 writes them: Practitioner (IDNPS and RPPS
//! identifiers, name, profession/category and savoir-faire qualifications), PractitionerRole,
//! Organization (IDNST and FINESS identifiers, FR Core address with its street extensions),
//! each MSSanté telecom with the `MSSANTE` flag and the mailbox metadata (type, service,
//! `listeRouge`); and the Bundle and OperationOutcome around them. Mailboxes the server hides
//! (`missing_mailboxes`) are left out, as the real API leaves some out.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde_json::{Value, json};

use super::index::{Code, Index, Mailbox, Org, Person, Role};
use crate::annuaire::fhir::types::{
    EXT_EMAIL_TYPE, EXT_HOUSE_NUMBER, EXT_MAILBOX_METADATA, EXT_NUMBER_SUFFIX, EXT_STREET_NAME,
    EXT_STREET_TYPE, SYSTEM_CATEGORY, SYSTEM_FINESS, SYSTEM_IDNPS, SYSTEM_IDNST,
    SYSTEM_MAILBOX_TYPE, SYSTEM_MESSAGING_TYPE, SYSTEM_PROFESSION, SYSTEM_RPPS, SYSTEM_SPECIALTY,
};

const SYSTEM_ID_TYPE: &str = "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203";

/// What the resources are written for.
pub(super) struct Writer<'a> {
    pub index: &'a Index,
    pub hidden: &'a HashSet<String>,
}

fn meta(updated: NaiveDate, profile: &str) -> Value {
    json!({
        "versionId": "1",
        "lastUpdated": format!("{}T03:12:45.000+00:00", updated.format("%Y-%m-%d")),
        "source": "https://annuaire.sante.fr",
        "profile": [format!("https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/{profile}")],
    })
}

fn identifier(kind: &str, system: &str, value: &str) -> Value {
    json!({
        "use": "official",
        "type": {"coding": [{"system": SYSTEM_ID_TYPE, "code": kind}]},
        "system": system,
        "value": value,
    })
}

impl Writer<'_> {
    fn telecoms(&self, mailboxes: &[Mailbox]) -> Vec<Value> {
        mailboxes
            .iter()
            .filter(|m| !self.hidden.contains(&m.address.to_ascii_lowercase()))
            .map(|m| {
                let mut meta = vec![json!({
                    "url": "type",
                    "valueCodeableConcept": {"coding": [{"system": SYSTEM_MAILBOX_TYPE, "code": m.kind.code()}]},
                })];
                if !m.service.is_empty() {
                    meta.push(json!({"url": "service", "valueString": m.service}));
                }
                meta.push(json!({"url": "listeRouge", "valueBoolean": m.unlisted}));
                json!({
                    "extension": [
                        {"url": EXT_EMAIL_TYPE, "valueCoding": {"system": SYSTEM_MESSAGING_TYPE, "code": "MSSANTE", "display": "Messageries MSSanté"}},
                        {"url": EXT_MAILBOX_METADATA, "extension": meta},
                    ],
                    "system": "email",
                    "value": m.address,
                    "rank": 1,
                })
            })
            .collect()
    }

    pub(super) fn practitioner(&self, p: &Person) -> Value {
        let mut identifiers = vec![identifier("IDNPS", SYSTEM_IDNPS, &p.national_id)];
        if let Some(rpps) = &p.rpps {
            identifiers.push(identifier("RPPS", SYSTEM_RPPS, rpps));
        }
        let mut name = json!({"family": p.family});
        if !p.given.is_empty() {
            name["given"] = json!([p.given]);
        }
        if !p.civility.is_empty() {
            name["prefix"] = json!([p.civility]);
        }
        let coding =
            |system: &str, c: &Code| json!({"system": system, "code": c.code, "display": c.label});
        let mut qualifications = Vec::new();
        let mut profession = Vec::new();
        if !p.profession.code.is_empty() {
            profession.push(coding(SYSTEM_PROFESSION, &p.profession));
        }
        if !p.category.code.is_empty() {
            profession.push(coding(SYSTEM_CATEGORY, &p.category));
        }
        if !profession.is_empty() {
            qualifications.push(json!({"code": {"coding": profession}}));
        }
        if !p.specialty.code.is_empty() {
            qualifications
                .push(json!({"code": {"coding": [coding(SYSTEM_SPECIALTY, &p.specialty)]}}));
        }
        let mut out = json!({
            "resourceType": "Practitioner",
            "id": p.id,
            "meta": meta(p.updated, "as-dp-practitioner"),
            "identifier": identifiers,
            "active": true,
            "name": [name],
            "qualification": qualifications,
        });
        let telecom = self.telecoms(&p.mailboxes);
        if !telecom.is_empty() {
            out["telecom"] = Value::Array(telecom);
        }
        out
    }

    pub(super) fn role(&self, r: &Role) -> Value {
        let person = &self.index.persons[r.person];
        let org = &self.index.orgs[r.org];
        let mut out = json!({
            "resourceType": "PractitionerRole",
            "id": r.id,
            "meta": meta(r.updated, "as-dp-practitionerrole"),
            "active": true,
            "practitioner": {"reference": format!("Practitioner/{}", person.id)},
            "organization": {"reference": format!("Organization/{}", org.id)},
        });
        let telecom = self.telecoms(&r.mailboxes);
        if !telecom.is_empty() {
            out["telecom"] = Value::Array(telecom);
        }
        out
    }

    pub(super) fn organization(&self, o: &Org) -> Value {
        let mut identifiers = Vec::new();
        if !o.idnst.is_empty() {
            identifiers.push(identifier("IDNST", SYSTEM_IDNST, &o.idnst));
        }
        if let Some(f) = &o.finess {
            identifiers.push(identifier("FINEG", SYSTEM_FINESS, f));
        }
        let mut out = json!({
            "resourceType": "Organization",
            "id": o.id,
            "meta": meta(o.updated, "as-dp-organization"),
            "identifier": identifiers,
            "active": true,
            "type": [{"coding": [{"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-3307", "code": "GEOGRAPHICAL-ENTITY"}]}],
            "name": o.name,
        });
        if !o.trade_name.is_empty() {
            out["alias"] = json!([o.trade_name]);
        }
        if let Some(address) = address(o) {
            out["address"] = json!([address]);
        }
        let telecom = self.telecoms(&o.mailboxes);
        if !telecom.is_empty() {
            out["telecom"] = Value::Array(telecom);
        }
        out
    }
}

/// FR Core's address: L2, L3, L4 (with its parts as `_line` extensions), L5, postal code, city.
fn address(o: &Org) -> Option<Value> {
    let a = &o.address;
    let mut lines = Vec::new();
    let mut elements = Vec::new();
    for line in [&a.complement, &a.distribution] {
        if !line.trim().is_empty() {
            lines.push(json!(line.trim()));
            elements.push(Value::Null);
        }
    }
    let street = a.street_line();
    if !street.is_empty() {
        let mut parts = Vec::new();
        for (url, value) in [
            (EXT_HOUSE_NUMBER, &a.street_number),
            (EXT_NUMBER_SUFFIX, &a.street_number_complement),
            (EXT_STREET_TYPE, &a.street_type),
            (EXT_STREET_NAME, &a.street_label),
        ] {
            if !value.trim().is_empty() {
                parts.push(json!({"url": url, "valueString": value.trim()}));
            }
        }
        lines.push(json!(street));
        elements.push(json!({"extension": parts}));
    }
    if !a.locality.trim().is_empty() {
        lines.push(json!(a.locality.trim()));
        elements.push(Value::Null);
    }
    if lines.is_empty() && a.postal_code.trim().is_empty() && a.routing_line.trim().is_empty() {
        return None;
    }
    let mut out = json!({
        "use": "work",
        "type": "both",
        "line": lines,
        "_line": elements,
        "postalCode": a.postal_code.trim(),
        "city": a.city(),
    });
    if !a.country.trim().is_empty() {
        out["country"] = json!(a.country.trim());
    }
    Some(out)
}

/// A search page.
pub(super) fn bundle(
    total: usize,
    self_url: &str,
    next: Option<&str>,
    matches: Vec<Value>,
    includes: Vec<Value>,
) -> Value {
    let mut links = vec![json!({"relation": "self", "url": self_url})];
    if let Some(next) = next {
        links.push(json!({"relation": "next", "url": next}));
    }
    let entry = |mode: &str, resource: Value| {
        let full_url = format!(
            "{}/{}",
            resource["resourceType"].as_str().unwrap_or_default(),
            resource["id"].as_str().unwrap_or_default()
        );
        json!({"fullUrl": full_url, "resource": resource, "search": {"mode": mode}})
    };
    let entries: Vec<Value> = matches
        .into_iter()
        .map(|r| entry("match", r))
        .chain(includes.into_iter().map(|r| entry("include", r)))
        .collect();
    json!({
        "resourceType": "Bundle",
        "id": format!("{:016x}", super::index::stable_hash(self_url)),
        "meta": {"lastUpdated": chrono::Utc::now().to_rfc3339()},
        "type": "searchset",
        "total": total,
        "link": links,
        "entry": entries,
    })
}

/// An error as the API gives it.
pub(super) fn outcome(code: &str, diagnostics: &str) -> Value {
    json!({
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": code, "diagnostics": diagnostics}],
    })
}
