//! Writes the CDA header of a produced document, in the CDA R2 schema order: realm, typeId,
//! templateIds, ids and versioning, recordTarget (INS only for a qualified identity),
//! author, custodian, legalAuthenticator, documentationOf, relatedDocument, componentOf.

use super::Level;
use super::catalog::{
    self, CONFIDENTIALITY, DocumentKind, GENDER, OID_PS_NATIONAL_ID, OID_STRUCTURE_ID,
};
use super::model::{Address, Identifier, Organisation, ProducedDocument, Professional};
use super::xml::{Xml, ts};
use crate::domain::{EpisodeKind, Sex};

fn id(x: &mut Xml, name: &'static str, ident: &Identifier) {
    match &ident.extension {
        Some(ext) => x.empty(name, &[("root", &ident.root), ("extension", ext)]),
        None => x.empty(name, &[("root", &ident.root)]),
    };
}

fn coded(x: &mut Xml, name: &'static str, c: &catalog::Coded) {
    x.empty(
        name,
        &[
            ("code", &c.code),
            ("displayName", &c.display),
            ("codeSystem", &c.system),
        ],
    );
}

fn addr(x: &mut Xml, a: &Address) {
    x.open("addr", &[]);
    x.leaf("streetAddressLine", &[], &a.street);
    x.leaf("postalCode", &[], &a.postal_code);
    x.leaf("city", &[], &a.city);
    x.close();
}

/// Content of an Organization (`representedOrganization`, custodian organisation).
fn organisation_content(x: &mut Xml, o: &Organisation, with_setting: bool) {
    x.empty(
        "id",
        &[("root", OID_STRUCTURE_ID), ("extension", &o.structure_id())],
    );
    x.leaf("name", &[], &o.name);
    if let Some(t) = &o.telecom {
        x.empty("telecom", &[("value", t), ("use", "WP")]);
    }
    if let Some(a) = &o.address {
        addr(x, a);
    }
    if with_setting {
        let s = &o.practice_setting;
        x.empty(
            "standardIndustryClassCode",
            &[
                ("code", &s.code),
                ("displayName", &s.display),
                ("codeSystem", &s.system),
            ],
        );
    }
}

fn person_name(x: &mut Xml, p: &Professional) {
    x.open("name", &[]);
    x.leaf("given", &[], &p.given);
    x.leaf("family", &[], &p.family);
    if let Some(title) = &p.title {
        x.leaf("suffix", &[], title);
    }
    x.close();
}

/// `assignedAuthor` / `assignedEntity` content: id, specialty, person, organisation.
fn professional(x: &mut Xml, p: &Professional, org: &Organisation) {
    x.empty(
        "id",
        &[
            ("root", OID_PS_NATIONAL_ID),
            ("extension", &p.national_id()),
        ],
    );
    coded(x, "code", &p.specialty);
    x.open("assignedPerson", &[]);
    person_name(x, p);
    x.close();
    x.open("representedOrganization", &[]);
    organisation_content(x, org, true);
    x.close();
}

fn record_target(x: &mut Xml, doc: &ProducedDocument) {
    let p = &doc.patient;
    let t = &p.traits;
    x.open("recordTarget", &[]).open("patientRole", &[]);
    if doc.ins_usable()
        && let Some(ins) = &p.ins
    {
        x.empty(
            "id",
            &[
                ("root", ins.oid.as_str()),
                ("extension", ins.matricule.as_str()),
            ],
        );
    }
    x.empty("id", &[("root", &doc.ipp_root), ("extension", &p.ipp)]);
    x.open("patient", &[("classCode", "PSN")]);
    x.open("name", &[]);
    x.leaf("family", &[("qualifier", "BR")], &t.birth_name);
    x.leaf("given", &[], &t.birth_first_names);
    x.leaf("given", &[("qualifier", "BR")], t.first_first_name());
    let used_family = p.used_name.as_deref().unwrap_or(&t.birth_name);
    let used_given = p
        .used_first_name
        .as_deref()
        .unwrap_or_else(|| t.first_first_name());
    x.leaf("family", &[("qualifier", "CL")], used_family);
    x.leaf("given", &[("qualifier", "CL")], used_given);
    x.close();
    let gender = match t.sex {
        Sex::Male => "Masculin",
        Sex::Female => "Féminin",
        Sex::Unknown => "Inconnu",
    };
    x.empty(
        "administrativeGenderCode",
        &[
            ("code", t.sex.code()),
            ("displayName", gender),
            ("codeSystem", GENDER),
        ],
    );
    x.empty(
        "birthTime",
        &[("value", &t.birth_date.format("%Y%m%d").to_string())],
    );
    if let Some(insee) = &t.birthplace_insee {
        x.open("birthplace", &[])
            .open("place", &[])
            .open("addr", &[]);
        x.leaf("county", &[], insee);
        x.close().close().close();
    }
    x.close().close().close();
}

fn encounter_code(kind: EpisodeKind) -> (&'static str, &'static str) {
    match kind {
        EpisodeKind::Hospitalisation => ("IMP", "Hospitalisation"),
        EpisodeKind::Consultation => ("AMB", "Ambulatoire"),
        EpisodeKind::Urgence => ("EMER", "Urgence"),
    }
}

fn interval(
    x: &mut Xml,
    start: &chrono::DateTime<chrono::FixedOffset>,
    end: Option<&chrono::DateTime<chrono::FixedOffset>>,
) {
    x.open("effectiveTime", &[]);
    x.empty("low", &[("value", &ts(start))]);
    if let Some(end) = end {
        x.empty("high", &[("value", &ts(end))]);
    }
    x.close();
}

fn templates(x: &mut Xml, kind: DocumentKind, level: Level) {
    x.empty("templateId", &[("root", catalog::TEMPLATE_HL7_FRANCE)]);
    x.empty("templateId", &[("root", catalog::TEMPLATE_CI_SIS)]);
    match level {
        Level::N1 => {
            x.empty("templateId", &[("root", catalog::TEMPLATE_XDS_SD)]);
        }
        Level::N3 => {
            for t in kind.n3_templates() {
                match t.extension {
                    Some(ext) => x.empty("templateId", &[("root", t.root), ("extension", ext)]),
                    None => x.empty("templateId", &[("root", t.root)]),
                };
            }
        }
    }
}

/// Opens `ClinicalDocument` and writes the whole header; the caller writes the body.
pub(super) fn write(x: &mut Xml, doc: &ProducedDocument, level: Level) {
    x.open(
        "ClinicalDocument",
        &[
            ("xmlns", "urn:hl7-org:v3"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    x.empty("realmCode", &[("code", "FR")]);
    x.empty(
        "typeId",
        &[
            ("root", catalog::TYPE_ID_ROOT),
            ("extension", catalog::TYPE_ID_EXTENSION),
        ],
    );
    templates(x, doc.kind, level);
    id(x, "id", &doc.ids.id);
    x.empty(
        "code",
        &[
            ("code", doc.kind.loinc()),
            ("displayName", doc.kind.display_name()),
            ("codeSystem", catalog::LOINC),
            ("codeSystemName", "LOINC"),
        ],
    );
    x.leaf("title", &[], &doc.title);
    let created = ts(&doc.created);
    x.empty("effectiveTime", &[("value", &created)]);
    x.empty(
        "confidentialityCode",
        &[
            ("code", "N"),
            ("displayName", "Normal"),
            ("codeSystem", CONFIDENTIALITY),
        ],
    );
    x.empty("languageCode", &[("code", "fr-FR")]);
    id(x, "setId", &doc.ids.set_id);
    x.empty("versionNumber", &[("value", &doc.ids.version.to_string())]);
    record_target(x, doc);

    x.open("author", &[]);
    x.empty("time", &[("value", &created)]);
    x.open("assignedAuthor", &[]);
    professional(x, &doc.author, &doc.organisation);
    x.close().close();

    x.open("custodian", &[]).open("assignedCustodian", &[]);
    x.open("representedCustodianOrganization", &[]);
    organisation_content(x, &doc.custodian, false);
    x.close().close().close();

    x.open("legalAuthenticator", &[]);
    x.empty("time", &[("value", &created)]);
    x.empty("signatureCode", &[("code", "S")]);
    x.open("assignedEntity", &[]);
    professional(x, doc.signer(), &doc.organisation);
    x.close().close();

    x.open("documentationOf", &[]);
    x.open("serviceEvent", &[("classCode", "ACT"), ("moodCode", "EVN")]);
    if let Some(code) = doc
        .act
        .code
        .clone()
        .or_else(|| doc.kind.default_service_code())
    {
        coded(x, "code", &code);
    }
    interval(x, &doc.act.start, doc.act.end.as_ref());
    x.open("performer", &[("typeCode", "PRF")]);
    x.open("assignedEntity", &[]);
    professional(x, &doc.author, &doc.organisation);
    x.close().close().close().close();

    if let Some(previous) = &doc.ids.replaces {
        x.open("relatedDocument", &[("typeCode", "RPLC")]);
        x.open("parentDocument", &[]);
        id(x, "id", previous);
        x.close().close();
    }

    let enc = &doc.encounter;
    x.open("componentOf", &[])
        .open("encompassingEncounter", &[]);
    let (code, display) = encounter_code(enc.kind);
    x.empty(
        "code",
        &[
            ("code", code),
            ("displayName", display),
            ("codeSystem", catalog::ACT_CODE),
        ],
    );
    interval(x, &enc.start, enc.end.as_ref());
    x.open("location", &[]).open("healthCareFacility", &[]);
    coded(x, "code", &enc.facility_type);
    x.open("location", &[]);
    x.leaf("name", &[], &enc.unit_name);
    x.close();
    x.open("serviceProviderOrganization", &[]);
    x.empty(
        "id",
        &[
            ("root", OID_STRUCTURE_ID),
            ("extension", &doc.organisation.structure_id()),
        ],
    );
    x.leaf("name", &[], &doc.organisation.name);
    x.close();
    x.close().close().close().close();
}
