//! Serde of realistic Annuaire V2 answers, written from the IG and the API pages: an MSSanté
//! telecom with both extensions, a `listeRouge` mailbox, a Bundle with a `next` link.

use super::*;

pub(crate) const PRACTITIONER_BUNDLE: &str = r#"{
  "resourceType": "Bundle",
  "id": "5b3e0f7e-1a4b-4c55-9a0e-8a1e2f3b4c5d",
  "meta": {"lastUpdated": "2026-06-12T09:14:03.512+02:00"},
  "type": "searchset",
  "total": 73,
  "link": [
    {"relation": "self", "url": "https://gateway.api.esante.gouv.fr/fhir/v2/Practitioner?family=martin&_revinclude=PractitionerRole%3Apractitioner"},
    {"relation": "next", "url": "https://gateway.api.esante.gouv.fr/fhir/v2/_page?id=7d1c0c5e-2b1a-4f0e-b8a8-0b9c6a0e1f2d"}
  ],
  "entry": [
    {
      "fullUrl": "https://gateway.api.esante.gouv.fr/fhir/v2/Practitioner/003-1234567-8901234",
      "resource": {
        "resourceType": "Practitioner",
        "id": "003-1234567-8901234",
        "meta": {"versionId": "3", "lastUpdated": "2026-05-30T03:12:45.000+00:00",
                 "profile": ["https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-dp-practitioner"]},
        "extension": [{"url": "https://example.org/unknown", "valueString": "ignored"}],
        "identifier": [
          {"use": "official", "type": {"coding": [{"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "code": "IDNPS"}]},
           "system": "urn:oid:1.2.250.1.71.4.2.1", "value": "810102727017"},
          {"use": "official", "type": {"coding": [{"system": "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203", "code": "RPPS"}]},
           "system": "https://rpps.esante.gouv.fr", "value": "10102727017"}
        ],
        "active": true,
        "name": [{"use": "usual", "family": "MARTIN", "given": ["Hélène"], "prefix": ["MME"], "suffix": ["DR"]}],
        "telecom": [
          {"extension": [
             {"url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type",
              "valueCoding": {"system": "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie", "code": "MSSANTE", "display": "Messageries MSSanté"}},
             {"url": "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata",
              "extension": [
                {"url": "type", "valueCodeableConcept": {"coding": [{"system": "https://mos.esante.gouv.fr/NOS/JDV_J139-TypeBAL-RASS/FHIR/JDV-J139-TypeBAL-RASS", "code": "CAB"}]}},
                {"url": "description", "valueString": "Cabinet"},
                {"url": "service", "valueString": "Consultations"},
                {"url": "listeRouge", "valueBoolean": false}
              ]}
           ],
           "system": "email", "value": "helene.martin@medecin.mssante.fr", "rank": 1},
          {"system": "email", "value": "h.martin@example.org"},
          {"system": "phone", "value": "0240000000"}
        ],
        "qualification": [
          {"code": {"coding": [
            {"system": "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante", "code": "10", "display": "Médecin"},
            {"system": "https://mos.esante.gouv.fr/NOS/TRE_R09-CategorieProfessionnelle/FHIR/TRE-R09-CategorieProfessionnelle", "code": "C", "display": "Civil"}
          ]}},
          {"code": {"coding": [
            {"system": "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale", "code": "SM54", "display": "Médecine générale"}
          ]}}
        ]
      },
      "search": {"mode": "match"}
    },
    {
      "resource": {
        "resourceType": "PractitionerRole",
        "id": "005-99-1",
        "active": true,
        "practitioner": {"reference": "Practitioner/003-1234567-8901234"},
        "organization": {"reference": "Organization/001-01-44"},
        "telecom": [
          {"extension": [
             {"url": "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type",
              "valueCoding": {"code": "MSSANTE"}},
             {"url": "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata",
              "extension": [
                {"url": "type", "valueCoding": {"code": "PER"}},
                {"url": "listeRouge", "valueBoolean": true}
              ]}
           ],
           "system": "email", "value": "helene.martin@chu-nantes.mssante.fr"}
        ]
      },
      "search": {"mode": "include"}
    },
    {"resource": {"resourceType": "HealthcareService", "id": "x"}, "search": {"mode": "include"}}
  ]
}"#;

#[test]
fn a_bundle_with_next_link_reads() {
    let b: Bundle = serde_json::from_str(PRACTITIONER_BUNDLE).unwrap();
    assert_eq!(b.kind, "searchset");
    assert_eq!(b.total, Some(73));
    assert_eq!(
        b.next(),
        Some(
            "https://gateway.api.esante.gouv.fr/fhir/v2/_page?id=7d1c0c5e-2b1a-4f0e-b8a8-0b9c6a0e1f2d"
        )
    );
    assert_eq!(b.entry.len(), 3);
    assert!(matches!(b.entry[2].resource, Some(Resource::Other)));
    let Some(Resource::Practitioner(p)) = &b.entry[0].resource else {
        panic!("practitioner expected");
    };
    assert_eq!(p.identifier.len(), 2);
    assert_eq!(p.name[0].given, vec!["Hélène"]);
    let mss: Vec<_> = p.telecom.iter().filter(|t| t.is_mss()).collect();
    assert_eq!(mss.len(), 1, "plain e-mails and phones are not mailboxes");
    assert_eq!(
        mss[0].metadata(),
        MailboxMetadata {
            kind: Some("CAB".into()),
            description: Some("Cabinet".into()),
            service: Some("Consultations".into()),
            unlisted: false,
        }
    );
}

#[test]
fn a_liste_rouge_mailbox_reads_unlisted() {
    let b: Bundle = serde_json::from_str(PRACTITIONER_BUNDLE).unwrap();
    let Some(Resource::PractitionerRole(r)) = &b.entry[1].resource else {
        panic!("role expected");
    };
    assert_eq!(
        r.practitioner.as_ref().map(Reference::id),
        Some("003-1234567-8901234")
    );
    assert_eq!(
        r.organization.as_ref().map(Reference::id),
        Some("001-01-44")
    );
    assert!(r.telecom[0].is_mss());
    let meta = r.telecom[0].metadata();
    assert!(meta.unlisted);
    assert_eq!(meta.kind.as_deref(), Some("PER"));
}

#[test]
fn an_empty_bundle_and_an_outcome_read() {
    let b: Bundle =
        serde_json::from_str(r#"{"resourceType":"Bundle","type":"searchset"}"#).unwrap();
    assert!(b.entry.is_empty() && b.next().is_none() && b.total.is_none());
    let r: Resource = serde_json::from_str(
        r#"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing"}]}"#,
    )
    .unwrap();
    assert!(matches!(r, Resource::OperationOutcome(o) if o.issue[0].code == "processing"));
}
