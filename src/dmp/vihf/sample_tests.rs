//! The agency's four VIHF samples read field by field (two are ISO-8859-1 without
//! declaration; the AIR one writes `AttributeValue` in the default namespace), and turned
//! into typed requests.

use super::*;
use crate::dmp::xmldsig::test_support::dmp_fixture;
use crate::domain::InsOid;

const RESOURCE: &str = "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH";
const SMARTCARD: &str = "urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI";

fn sample(name: &str) -> ParsedVihf {
    parse_bytes(&dmp_fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn names(vihf: &ParsedVihf) -> Vec<&str> {
    vihf.attributes.iter().map(|a| a.name.as_str()).collect()
}

fn coded(code: &str, system: &str, system_name: Option<&str>, display: &str) -> Coded {
    Coded {
        code: code.into(),
        code_system: system.into(),
        code_system_name: system_name.map(Into::into),
        display_name: Some(display.into()),
    }
}

/// What all four samples share.
fn check_common(vihf: &ParsedVihf, role_display: &str, system_names: [Option<&str>; 2]) {
    assert_eq!(vihf.version, "2.0");
    assert_eq!(vihf.issuer_format.as_deref(), Some(ISSUER_FORMAT));
    assert_eq!(vihf.name_id, "899900063480");
    assert_eq!(vihf.conditions, None);
    assert_eq!(vihf.authn_context_class_ref.as_deref(), Some(SMARTCARD));
    assert_eq!(vihf.text(ATTR_SECTEUR), Some("SA07^1.2.250.1.71.4.2.4"));
    assert_eq!(vihf.text(ATTR_VERSION), Some("3.0"));
    assert_eq!(vihf.text(ATTR_RESOURCE_ID), Some(RESOURCE));
    assert_eq!(vihf.text(ATTR_RESOURCE_URN), Some("urn:dmp"));
    assert_eq!(vihf.text(ATTR_LPS_ID), Some("01.01.01.01"));
    assert_eq!(vihf.text(ATTR_LPS_NOM), Some("LPS GIE-SV"));
    assert_eq!(vihf.text(ATTR_LPS_VERSION), Some("1"));
    assert_eq!(vihf.text(ATTR_LPS_HOMOLOGATION), Some("NumAutorisation"));
    assert_eq!(
        vihf.coded(ATTR_ROLE)[0],
        &coded("10", OID_PROFESSION, system_names[0], role_display)
    );
    assert_eq!(vihf.coded(ATTR_ROLE)[1].code, "SM26");
    assert_eq!(vihf.coded(ATTR_ROLE)[1].code_system, OID_SAVOIR_FAIRE);
    assert_eq!(
        vihf.coded(ATTR_ROLE)[1].code_system_name.as_deref(),
        system_names[1]
    );
    assert_eq!(vihf.coded(ATTR_PURPOSE).len(), 1);
    let purpose = vihf.coded(ATTR_PURPOSE)[0];
    assert_eq!(purpose.code, "normal");
    assert_eq!(purpose.code_system, OID_PURPOSE_OF_USE);
    assert_eq!(
        purpose.code_system_name.as_deref(),
        Some("mode acces VIHF 2.0")
    );
    assert_eq!(purpose.display_name.as_deref(), Some("Accès normal"));
    assert!(
        vihf.missing_required().is_empty(),
        "{:?}",
        vihf.missing_required()
    );
    let ins = vihf.resource_ins().unwrap().unwrap();
    assert_eq!(ins.matricule.as_str(), "207058575627097");
    assert_eq!(ins.oid, InsOid::TestNir);
}

#[test]
fn direct_samples_latin1_without_declaration() {
    let signed = sample("VIHF_direct_signed.xml");
    assert_eq!(signed.id, "_ead25c4d-891c-48e1-8f3c-2b81e295e07f");
    assert_eq!(signed.issue_instant, "2019-06-26T08:08:55.849Z");
    assert_eq!(
        signed.authn_instant.as_deref(),
        Some("2019-06-26T08:08:55.849Z")
    );
    // The sample's Issuer is Java's RFC 2253 rendering (hex for SN/GN, '?' for 'é').
    assert_eq!(
        signed.issuer,
        "CN=899900038839+2.5.4.4=#14045452414c+2.5.4.42=#14064144454d4953,OU=M?decin,O=TEST,C=FR"
    );
    assert!(signed.signed);
    // These files mix encodings: "Accès" is ISO-8859-1 (one byte), but the role display
    // names are UTF-8 byte pairs, which ISO-8859-1 reads as two characters each.
    check_common(&signed, "MÃ©decin", [None, None]);
    assert_eq!(
        signed.coded(ATTR_ROLE)[1].display_name.as_deref(),
        Some("QualifiÃ© en MÃ©decine GÃ©nÃ©rale (SM)")
    );
    assert_eq!(signed.text(ATTR_STRUCTURE), Some("499900063480001"));
    assert_eq!(signed.authentication_mode(), Some("DIRECTE"));
    assert_eq!(signed.text(ATTR_SUBJECT_ID), None);
    assert_eq!(signed.authn_context_decl, None);
    assert_eq!(
        names(&signed),
        [
            ATTR_STRUCTURE,
            ATTR_SECTEUR,
            ATTR_ROLE,
            ATTR_VERSION,
            ATTR_AUTH_MODE,
            ATTR_RESOURCE_ID,
            ATTR_RESOURCE_URN,
            ATTR_PURPOSE,
            ATTR_LPS_ID,
            ATTR_LPS_NOM,
            ATTR_LPS_VERSION,
            ATTR_LPS_HOMOLOGATION
        ]
    );

    let unsigned = sample("VIHF_direct_unsigned.xml");
    assert_eq!(unsigned.id, "_ce088e5a-e31d-42d0-ba37-fda5fcbc889d");
    assert_eq!(unsigned.issue_instant, "2019-06-26T08:08:55.469Z");
    assert_eq!(
        unsigned.authn_instant.as_deref(),
        Some("2019-06-26T08:08:55.482Z")
    );
    assert!(!unsigned.signed);
    check_common(&unsigned, "MÃ©decin", [None, None]);
    assert_eq!(names(&unsigned), names(&signed));
    assert_eq!(unsigned.attributes, signed.attributes);
}

#[test]
fn indirect_sample() {
    let vihf = sample("VIHF_indirect_signed.xml");
    assert_eq!(vihf.id, "_65db4fa8-b44a-4c11-adc5-135dcc327b24");
    assert_eq!(vihf.issue_instant, "2019-06-26T08:46:06.839Z");
    assert_eq!(
        vihf.authn_instant.as_deref(),
        Some("2019-06-26T08:46:06.839Z")
    );
    assert_eq!(
        vihf.issuer,
        "CN=serviceps.sesam-vitale.fr,OU=339172288100052,O=GIE SESAM VITALE,ST=Sarthe (72),C=FR"
    );
    assert!(vihf.signed);
    // This sample's display names are doubly encoded in the file itself: read as written.
    check_common(&vihf, "MÃ©decin", [None, None]);
    assert_eq!(vihf.text(ATTR_STRUCTURE), Some("339172288100052"));
    assert_eq!(vihf.text(ATTR_SUBJECT_ID), Some("MAX LIBRE"));
    assert_eq!(vihf.authentication_mode(), Some("INDIRECTE"));
    assert_eq!(vihf.attributes.len(), 13);
}

#[test]
fn indirect_reinforced_air_sample() {
    let vihf = sample("VIHF_indirect_reinforced_AIR_signed.xml");
    assert_eq!(vihf.id, "_232075b3-174d-4f82-a871-76afd7ac6b67");
    assert_eq!(vihf.issue_instant, "2020-08-04T07:12:16.918Z");
    assert_eq!(
        vihf.issuer,
        "CN=Certificat Wizard DMP 2019-R2,OU=10B0127189,O=CENTRE DE SANTE RPPS12718,ST=Rhône (69),C=FR"
    );
    assert!(vihf.signed);
    check_common(
        &vihf,
        "Médecin",
        [Some("professions"), Some("specialites RPPS")],
    );
    assert_eq!(vihf.authn_context_decl.as_deref(), Some(SMARTCARD));
    assert_eq!(vihf.text(ATTR_STRUCTURE), Some("10B0127189"));
    assert_eq!(vihf.text(ATTR_SUBJECT_ID), Some("MAX LIBRE"));
    assert_eq!(vihf.authentication_mode(), Some("INDIRECTE_RENFORCEE"));
    assert_eq!(vihf.attributes.len(), 13);
}

#[test]
fn samples_become_typed_requests() {
    let direct = sample("VIHF_direct_signed.xml").to_request().unwrap();
    assert_eq!(direct.mode, AuthMode::Directe);
    assert_eq!(direct.authn_context, AuthnContext::SmartcardPki);
    assert_eq!(direct.secteur_activite, "SA07");
    assert_eq!(direct.purpose, PurposeOfUse::Normal);
    assert_eq!(direct.roles.len(), 2);
    assert_eq!(direct.lps.instance_id.as_deref(), Some("01.01.01.01"));
    assert_eq!(
        direct
            .issue_instant
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "2019-06-26T08:08:55.849Z"
    );

    let air = sample("VIHF_indirect_reinforced_AIR_signed.xml")
        .to_request()
        .unwrap();
    assert_eq!(air.mode, AuthMode::IndirecteRenforcee);
    assert_eq!(air.subject_id.as_deref(), Some("MAX LIBRE"));
    assert_eq!(air.authn_context_decl.as_deref(), Some(SMARTCARD));
    assert_eq!(air.confidentiality, None);
    assert_eq!(air.resource.as_ref().unwrap().oid, InsOid::TestNir);

    let indirect = sample("VIHF_indirect_signed.xml").to_request().unwrap();
    assert_eq!(indirect.mode, AuthMode::Indirecte);
    assert_eq!(indirect.structure_id, "339172288100052");

    // Rebuilding a sample's request and reading it back loses nothing.
    let rebuilt = parse(&build(&air)).unwrap().to_request().unwrap();
    assert_eq!(rebuilt, air);
}
