//! Mapping tests: mailboxes merged from the three resources, idNat and qualifications, the
//! organisation's address split into the extract's lines.

use chrono::Utc;

use super::*;
use crate::annuaire::fhir::types::{Bundle, Organization, Resource};

const ORGANIZATION: &str = r#"{
  "resourceType": "Organization", "id": "001-01-44",
  "identifier": [
    {"system": "urn:oid:1.2.250.1.71.4.2.2", "value": "1440000289"},
    {"system": "https://finess.esante.gouv.fr", "value": "440000289"}
  ],
  "name": "CHU DE NANTES",
  "address": [{"line": ["BATIMENT B", "5 ALL DE L ILE GLORIETTE"], "postalCode": "44000", "city": "NANTES"}],
  "telecom": [
    {"extension": [{"url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type", "valueCoding": {"code": "MSSANTE"}}],
     "system": "email", "value": "secretariat.cardio@chu-nantes.mssante.fr"},
    {"system": "email", "value": "contact@chu-nantes.fr"}
  ]
}"#;

fn gathered() -> Gathered {
    let mut g = Gathered::default();
    let b: Bundle = serde_json::from_str(super::super::types::tests::PRACTITIONER_BUNDLE).unwrap();
    for e in b.entry {
        if let Some(r) = e.resource {
            g.add(r, true);
        }
    }
    g
}

#[test]
fn missing_references_are_listed() {
    let g = gathered();
    assert!(g.missing_practitioners().is_empty());
    assert_eq!(g.missing_organizations(), vec!["001-01-44".to_owned()]);
}

#[test]
fn one_entry_per_mailbox_from_each_resource() {
    let mut g = gathered();
    let org: Organization = serde_json::from_str(ORGANIZATION).unwrap();
    g.add(Resource::Organization(org), true);
    let entries = g.entries(Utc::now());
    assert_eq!(entries.len(), 3, "{entries:#?}");
    let by = |m: &str| entries.iter().find(|e| e.mailbox == m).unwrap();

    let cab = by("helene.martin@medecin.mssante.fr");
    assert_eq!(cab.kind, MailboxKind::Practice);
    assert_eq!(cab.rpps(), Some("10102727017"));
    assert_eq!(cab.national_id, "810102727017");
    assert_eq!(
        (cab.family_name.as_str(), cab.given_name.as_str()),
        ("MARTIN", "Hélène")
    );
    assert_eq!(cab.civility, "MME");
    assert_eq!(
        (cab.profession_code.as_str(), cab.specialty_code.as_str()),
        ("10", "SM54")
    );
    assert_eq!(cab.category_code, "C");
    assert_eq!(cab.service, "Consultations");
    assert!(cab.organisation.is_empty());
    assert!(matches!(cab.source, DirectorySource::Api { .. }));

    let per = by("helene.martin@chu-nantes.mssante.fr");
    assert_eq!(per.kind, MailboxKind::Personal);
    assert!(per.unlisted);
    assert_eq!(per.organisation, "CHU DE NANTES");
    assert_eq!(
        (per.structure_id_type.as_str(), per.structure_id.as_str()),
        ("1", "440000289")
    );
    assert_eq!(per.address.routing_line, "44000 NANTES");
    assert_eq!(per.address.complement, "BATIMENT B");
    assert_eq!(per.address.street_line(), "5 ALL DE L ILE GLORIETTE");
    assert_eq!(per.address.street_type, "ALL");
    assert_eq!(per.address.department, "44");

    let org = by("secretariat.cardio@chu-nantes.mssante.fr");
    assert_eq!(org.kind, MailboxKind::Organisation);
    assert!(org.family_name.is_empty() && org.person_id.is_empty());

    // Fetched only to complete a role: the organisation's own mailbox is not an answer.
    g.matched_organizations.clear();
    assert_eq!(g.entries(Utc::now()).len(), 2);
}

#[test]
fn streets_split_best_effort() {
    let s = |l: &str| split_street(l);
    assert_eq!(
        s("12 bis R DE LA PAIX"),
        ("12".into(), "bis".into(), "R".into(), "DE LA PAIX".into())
    );
    assert_eq!(
        s("12B AVENUE FOCH"),
        ("12".into(), "B".into(), "AVENUE".into(), "FOCH".into())
    );
    assert_eq!(s("RUE X"), ("".into(), "".into(), "RUE".into(), "X".into()));
    assert_eq!(
        s("LIEU DIT"),
        ("".into(), "".into(), "".into(), "LIEU DIT".into())
    );
    assert_eq!(s("3 R"), ("3".into(), "".into(), "".into(), "R".into()));
}

#[test]
fn the_same_mailbox_twice_is_kept_once_with_its_structure() {
    let mut g = gathered();
    let mut role = g.roles.values().next().unwrap().clone();
    role.id = "005-99-2".into();
    role.organization = None;
    g.roles.insert(role.id.clone(), role);
    let entries = g.entries(Utc::now());
    let same: Vec<_> = entries
        .iter()
        .filter(|e| e.mailbox == "helene.martin@chu-nantes.mssante.fr")
        .collect();
    assert_eq!(same.len(), 1);
}
