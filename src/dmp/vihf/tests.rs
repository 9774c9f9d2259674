//! Building and signing VIHFs: every mode and access purpose signs and verifies in xmlsec1
//! and here, tampering is caught by both, build → parse gives the request back, the written
//! shape is the samples' one, and nothing personal leaks through Debug or errors.

use chrono::{DateTime, Utc};

use super::*;
use crate::dmp::xmldsig::test_support::{pki, xmlsec1_verify};
use crate::dmp::xmldsig::{self, Trust, XmlDsigError};
use crate::domain::Ins;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

fn lps() -> Lps {
    Lps {
        name: "Chevet".into(),
        version: "0.1.0".into(),
        instance_id: Some("poste-42".into()),
        homologation: "DMP-TEST-0001".into(),
    }
}

fn request(mode: AuthMode) -> VihfRequest {
    let mut request = VihfRequest::new(mode, "899700123456", "1750000018", "SA01", lps());
    request.id = "_0b6f2c1e-5a4d-4f3e-9c2b-1a0d9e8f7c6b".into();
    request.issue_instant = at("2026-03-04T10:11:12.345Z");
    request.authn_instant = at("2026-03-04T10:05:00.000Z");
    request.issuer = "CN=Chevet signature VIHF,OU=10B0127189,O=CENTRE HOSPITALIER TEST\\, SITE B,ST=Rhône (69),C=FR".into();
    request.subject_id = Some("Dr LAMBERT Claire".into());
    request.roles = vec![
        Coded::profession("10", "Médecin"),
        Coded::savoir_faire("SM26", "Qualifié en Médecine Générale (SM)"),
    ];
    request.resource = Some(Ins::parse("207058575627097", "1.2.250.1.213.1.4.10").unwrap());
    if mode == AuthMode::IndirecteRenforcee {
        request.authn_context_decl = Some("APP_BROWSER_AUTH".into());
    }
    request
}

/// Every variant the tests sign: the three modes, the two emergency purposes, the minors'
/// secret connection, a validity window, a call about no patient.
fn variants() -> Vec<VihfRequest> {
    let mut all: Vec<VihfRequest> = AuthMode::ALL.into_iter().map(request).collect();
    let mut glass = request(AuthMode::Directe);
    glass.purpose = PurposeOfUse::BrisDeGlace;
    all.push(glass);
    let mut samu = request(AuthMode::IndirecteRenforcee);
    samu.purpose = PurposeOfUse::Centre15;
    all.push(samu);
    let mut minor = request(AuthMode::Indirecte);
    minor.confidentiality = Some(Confidentiality::InvisibleRepresentantsLegaux);
    minor.conditions = Some(Conditions {
        not_before: Some(at("2026-03-04T10:11:12.345Z")),
        not_on_or_after: Some(at("2026-03-04T10:21:12.345Z")),
    });
    all.push(minor);
    let mut no_patient = request(AuthMode::Indirecte);
    no_patient.resource = None;
    no_patient.subject_id = None;
    no_patient.lps.instance_id = None;
    no_patient.authn_context = AuthnContext::Unspecified;
    all.push(no_patient);
    all
}

#[test]
fn every_mode_and_purpose_signs_and_verifies_in_xmlsec1() {
    let pki = pki();
    let signer = pki.signer();
    for request in variants() {
        let signed = build_signed(&request, &signer).unwrap();
        let (ok, printed) = xmlsec1_verify(&signed, &pki.signing_pem);
        assert!(
            ok,
            "{:?} {:?}: xmlsec1 refused:\n{printed}",
            request.mode, request.purpose
        );

        let verified = verify_and_parse(&signed, Some(&pki.ca_der)).unwrap();
        assert_eq!(verified.signature.trust, Trust::IssuedByTrusted);
        assert!(verified.issuer_matches_certificate);
        assert!(verified.vihf.signed);
        assert!(verified.vihf.missing_required().is_empty());
        // Round trip through the signed bytes.
        assert_eq!(verified.vihf.to_request().unwrap(), request);
    }
}

#[test]
fn a_vihf_signed_alone_still_verifies_inside_any_soap_envelope() {
    let pki = pki();
    let signed = build_signed(&request(AuthMode::IndirecteRenforcee), &pki.signer()).unwrap();
    // Ancestors declaring every prefix the kit's PrefixList names, and more.
    let envelope = format!(
        concat!(
            r#"<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="urn:not-schema" "#,
            r#"xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:ds="urn:not-dsig">"#,
            r#"<Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">"#,
            "{}</wsse:Security></Header><Body/></Envelope>"
        ),
        signed
    );
    assert!(xmlsec1_verify(&envelope, &pki.signing_pem).0);
    let verified = verify_and_parse(&envelope, Some(&pki.ca_der)).unwrap();
    assert_eq!(
        verified.vihf.to_request().unwrap(),
        request(AuthMode::IndirecteRenforcee)
    );
    assert_eq!(parse(&envelope).unwrap(), parse(&signed).unwrap());
}

#[test]
fn build_then_parse_gives_the_request_back() {
    for request in variants() {
        let parsed = parse(&build(&request)).unwrap();
        assert!(!parsed.signed);
        assert_eq!(parsed.to_request().unwrap(), request);
    }
}

#[test]
fn a_tampered_vihf_fails_in_xmlsec1_and_here() {
    let pki = pki();
    let mut glass = request(AuthMode::Directe);
    glass.purpose = PurposeOfUse::BrisDeGlace;
    let signed = build_signed(&glass, &pki.signer()).unwrap();
    for (from, to) in [
        ("SA01^", "SA02^"),
        (r#"code="bris_de_glace""#, r#"code="normal""#),
        ("207058575627097", "184057645108931"),
        (">899700123456<", ">899700123457<"),
    ] {
        let tampered = signed.replacen(from, to, 1);
        assert_ne!(tampered, signed, "{from}");
        assert!(
            !xmlsec1_verify(&tampered, &pki.signing_pem).0,
            "xmlsec1 accepted {from}"
        );
        assert!(matches!(
            verify_and_parse(&tampered, None),
            Err(VihfError::Signature(XmlDsigError::DigestMismatch))
        ));
    }
    // A VIHF signed by another key is refused when the sandbox trusts only its CA.
    let other = build_signed(&glass, &pki.other_signer()).unwrap();
    assert!(matches!(
        verify_and_parse(&other, Some(&pki.ca_der)),
        Err(VihfError::Signature(XmlDsigError::Untrusted))
    ));
}

#[test]
fn the_written_shape_is_the_samples_one() {
    let mut request = request(AuthMode::Directe);
    request.roles.truncate(1);
    request.lps.instance_id = None;
    request.subject_id = None;
    let expected = concat!(
        r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_0b6f2c1e-5a4d-4f3e-9c2b-1a0d9e8f7c6b" IssueInstant="2026-03-04T10:11:12.345Z" Version="2.0">"#,
        r#"<saml2:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName">CN=Chevet signature VIHF,OU=10B0127189,O=CENTRE HOSPITALIER TEST\, SITE B,ST=Rhône (69),C=FR</saml2:Issuer>"#,
        r#"<saml2:Subject><saml2:NameID>899700123456</saml2:NameID></saml2:Subject>"#,
        r#"<saml2:AuthnStatement AuthnInstant="2026-03-04T10:05:00.000Z"><saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:SmartcardPKI</saml2:AuthnContextClassRef></saml2:AuthnContext></saml2:AuthnStatement>"#,
        r#"<saml2:AttributeStatement>"#,
        r#"<saml2:Attribute Name="Identifiant_Structure"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">1750000018</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="Secteur_Activite"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">SA01^1.2.250.1.71.4.2.4</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="urn:oasis:names:tc:xacml:2.0:subject:role"><saml2:AttributeValue><Role xmlns="urn:hl7-org:v3" code="10" codeSystem="1.2.250.1.71.1.2.7" displayName="Médecin" xsi:type="CE"/></saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="VIHF_Version"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">3.0</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="Authentification_mode"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">DIRECTE</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="urn:oasis:names:tc:xacml:2.0:resource:resource-id"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">207058575627097^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="Ressource_URN"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">urn:dmp</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="urn:oasis:names:tc:xspa:1.0:subject:purposeofuse"><saml2:AttributeValue><PurposeOfUse xmlns="urn:hl7-org:v3" code="normal" codeSystem="1.2.250.1.213.1.1.4.248" codeSystemName="mode acces VIHF 2.0" displayName="Accès normal" xsi:type="CE"/></saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="LPS_Nom"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">Chevet</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="LPS_Version"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">0.1.0</saml2:AttributeValue></saml2:Attribute>"#,
        r#"<saml2:Attribute Name="LPS_ID_HOMOLOGATION_DMP"><saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">DMP-TEST-0001</saml2:AttributeValue></saml2:Attribute>"#,
        r#"</saml2:AttributeStatement></saml2:Assertion>"#
    );
    assert_eq!(build(&request), expected);

    let signed = build_signed(&request, &pki().signer()).unwrap();
    let issuer_end = signed.find("</saml2:Issuer>").unwrap() + "</saml2:Issuer>".len();
    assert!(signed[issuer_end..].starts_with(
        r#"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>"#
    ));
}

#[test]
fn the_issuer_comes_from_the_signing_certificate() {
    let pki = pki();
    let mut request = request(AuthMode::Indirecte);
    request.issuer = "CN=whatever".into();
    let parsed = parse(&build_signed(&request, &pki.signer()).unwrap()).unwrap();
    assert_eq!(
        parsed.issuer,
        xmldsig::subject_dn_rfc2253(&pki.signing_der).unwrap()
    );
    assert!(parsed.signed);
}

#[test]
fn characters_xml_forbids_are_dropped_and_escapes_round_trip() {
    let mut request = request(AuthMode::Directe);
    request.subject_id = Some("Dr <O'Brien> & \u{1}Fils\u{FFFF}".into());
    request.roles[0].display_name = Some("a\"b\tc\nd".into());
    let parsed = parse(&build(&request)).unwrap().to_request().unwrap();
    assert_eq!(parsed.subject_id.as_deref(), Some("Dr <O'Brien> & Fils"));
    assert_eq!(parsed.roles[0].display_name.as_deref(), Some("a\"b\tc\nd"));
}

#[test]
fn fresh_ids_are_underscore_uuids_v4() {
    let a = VihfRequest::new_id();
    let b = VihfRequest::new_id();
    assert_ne!(a, b);
    assert_eq!(a.len(), 37);
    let parts: Vec<&str> = a[1..].split('-').collect();
    assert!(a.starts_with('_'));
    assert_eq!(
        parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(parts[2].starts_with('4'));
    assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"));
    let fresh = VihfRequest::new(AuthMode::Directe, "8", "1", "SA01", lps());
    assert_eq!(fresh.issue_instant.timestamp_subsec_nanos() % 1_000_000, 0);
    assert_eq!(fresh.authn_context, AuthnContext::SmartcardPki);
}

#[test]
fn incomplete_requests_are_refused_naming_the_field_only() {
    let pki = pki();
    let mut no_roles = request(AuthMode::Directe);
    no_roles.roles.clear();
    let error = build_signed(&no_roles, &pki.signer()).unwrap_err();
    assert!(matches!(error, VihfError::Invalid("role")));
    assert!(!error.is_retryable());
    let mut bad_id = request(AuthMode::Directe);
    bad_id.id = "1 2".into();
    assert!(matches!(
        build_signed(&bad_id, &pki.signer()),
        Err(VihfError::Invalid(_))
    ));
}

#[test]
fn debug_and_errors_never_show_names_ins_or_issuer() {
    let request = request(AuthMode::IndirecteRenforcee);
    let xml = build(&request);
    let parsed = parse(&xml).unwrap();
    let shown = format!("{request:?} {parsed:?}");
    for secret in [
        "LAMBERT",
        "207058575627097",
        "899700123456",
        "Chevet signature",
    ] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
    let bad_ins = xml.replace("207058575627097", "207058575627096");
    let error = parse(&bad_ins).unwrap().to_request().unwrap_err();
    assert!(matches!(error, VihfError::Invalid(ATTR_RESOURCE_ID)));
    assert!(!format!("{error} {error:?}").contains("20705857562709"));
}

#[test]
fn missing_required_attributes_are_listed() {
    let xml = build(&request(AuthMode::Directe))
        .replace(r#"Name="Secteur_Activite""#, r#"Name="Secteur""#)
        .replace(
            r#"Name="Authentification_mode""#,
            r#"Name="Authentification_Mode""#,
        );
    let parsed = parse(&xml).unwrap();
    assert_eq!(parsed.missing_required(), vec![ATTR_SECTEUR]);
    assert_eq!(parsed.authentication_mode(), Some("DIRECTE"));
    assert!(matches!(parse("<a/>"), Err(VihfError::AssertionCount(0))));
    assert!(matches!(parse("<a"), Err(VihfError::Xml(_))));
}
