//! Signing and verifying generated documents, judged by xmlsec1: what we sign verifies there,
//! what xmlsec1 canonicalises is byte for byte what we canonicalise, and tampering is caught
//! by both. Also the signer loaders (PEM PKCS#8 / PKCS#1, PKCS#12) and refusals.

use super::test_support::{pki, xmlsec1_canonical_forms, xmlsec1_sign, xmlsec1_verify};
use super::*;
use crate::dmp::signer::{SignError, Signer};

const SAML: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
const AFTER_ISSUER: Placement<'static> = Placement::After {
    namespace: SAML,
    local_name: "Issuer",
};

/// A small assertion with what makes canonicalisation interesting: inherited and unused
/// declarations, QName content, escapes, non-ASCII text, a default-namespace child.
const ASSERTION: &str = concat!(
    r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" "#,
    r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:unused="urn:unused" "#,
    r#"Version="2.0" IssueInstant="2026-01-02T03:04:05.678Z" ID="_1f0e">"#,
    r#"<saml2:Issuer Format="urn:oasis:names:tc:SAML:1.1:nameid-format:X509SubjectName">CN=a\,b,O=Hôpital</saml2:Issuer>"#,
    r#"<saml2:Subject><saml2:NameID>899700123456</saml2:NameID></saml2:Subject>"#,
    r#"<saml2:AttributeStatement><saml2:Attribute Name="urn:oasis:names:tc:xacml:2.0:resource:resource-id">"#,
    r#"<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" xsi:type="xs:string">"#,
    r#"207058575627097^^^&amp;1.2.250.1.213.1.4.10&amp;ISO^NH</saml2:AttributeValue></saml2:Attribute>"#,
    r#"<saml2:Attribute Name="urn:oasis:names:tc:xacml:2.0:subject:role"><saml2:AttributeValue>"#,
    r#"<Role xmlns="urn:hl7-org:v3" xsi:type="CE" displayName="Médecin &quot;G15&quot;" codeSystem="1.2.250.1.71.1.2.7" code="10"/>"#,
    r#"</saml2:AttributeValue></saml2:Attribute></saml2:AttributeStatement></saml2:Assertion>"#
);

#[test]
fn signed_assertion_verifies_in_xmlsec1_and_here() {
    let pki = pki();
    let signed = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &pki.signer()).unwrap();
    assert!(signed.contains("</saml2:Issuer><ds:Signature "));

    let (ok, printed) = xmlsec1_verify(&signed, &pki.signing_pem);
    assert!(ok, "xmlsec1 refused our signature:\n{printed}");

    let verified = verify_enveloped(&signed, Some(&pki.ca_der)).unwrap();
    assert_eq!(verified.reference_id, "_1f0e");
    assert_eq!(verified.signature_algorithm, SignatureAlgorithm::RsaSha256);
    assert_eq!(verified.digest_algorithm, DigestAlgorithm::Sha256);
    assert_eq!(verified.trust, Trust::IssuedByTrusted);
    assert_eq!(verified.certificate_der, pki.signing_der);
    assert_eq!(
        verified.subject_dn,
        "CN=Chevet signature VIHF,OU=10B0127189,O=CENTRE HOSPITALIER TEST\\, SITE B,ST=Rhône (69),C=FR"
    );
    let same = verify_enveloped(&signed, Some(&pki.signing_der)).unwrap();
    assert_eq!(same.trust, Trust::SameCertificate);
    let unchecked = verify_enveloped(&signed, None).unwrap();
    assert_eq!(unchecked.trust, Trust::NotChecked);
}

#[test]
fn our_canonical_forms_are_xmlsec1_s() {
    let pki = pki();
    let signed = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &pki.signer()).unwrap();
    let (pre_digest, pre_signed) = xmlsec1_canonical_forms(&signed, &pki.signing_pem);
    let verified = verify_enveloped(&signed, None).unwrap();
    assert_eq!(verified.signed_xml, pre_digest);
    // `xsi` is listed, so kept on the apex; `unused` is dropped.
    assert!(pre_digest.starts_with(concat!(
        r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="_1f0e" "#,
        r#"IssueInstant="2026-01-02T03:04:05.678Z" Version="2.0">"#
    )));
    assert!(pre_digest.contains(
        r#"<Role xmlns="urn:hl7-org:v3" code="10" codeSystem="1.2.250.1.71.1.2.7" displayName="Médecin &quot;G15&quot;" xsi:type="CE"></Role>"#
    ));

    let tree = tree::Tree::parse(&signed).unwrap();
    let info = tree.all_named(NS_DSIG, "SignedInfo").next().unwrap();
    assert_eq!(c14n::canonicalize(&tree, info, None, &[]), pre_signed);
}

#[test]
fn a_changed_attribute_value_fails_in_xmlsec1_and_here() {
    let pki = pki();
    let signed = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &pki.signer()).unwrap();
    let tampered = signed.replace("207058575627097", "207058575627098");
    assert_ne!(tampered, signed);
    let (ok, _) = xmlsec1_verify(&tampered, &pki.signing_pem);
    assert!(!ok, "xmlsec1 accepted a tampered document");
    assert!(matches!(
        verify_enveloped(&tampered, None),
        Err(XmlDsigError::DigestMismatch)
    ));

    let tampered_attr = signed.replace(r#"code="10""#, r#"code="11""#);
    assert!(!xmlsec1_verify(&tampered_attr, &pki.signing_pem).0);
    assert!(matches!(
        verify_enveloped(&tampered_attr, None),
        Err(XmlDsigError::DigestMismatch)
    ));
}

#[test]
fn a_forged_signed_info_or_a_swapped_certificate_fails() {
    let pki = pki();
    let signed = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &pki.signer()).unwrap();

    // Re-point the digest: SignedInfo no longer matches its signature.
    let start = signed.find("<ds:DigestValue>").unwrap() + "<ds:DigestValue>".len();
    let mut forged = signed.clone();
    let first = &signed[start..=start];
    forged.replace_range(start..=start, if first == "A" { "B" } else { "A" });
    assert!(matches!(
        verify_enveloped(&forged, None),
        Err(XmlDsigError::BadSignatureValue)
    ));
    assert!(!xmlsec1_verify(&forged, &pki.signing_pem).0);

    // Another certificate in KeyInfo: the signature does not match its key.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let swapped = signed.replace(&b64.encode(&pki.signing_der), &b64.encode(&pki.other_der));
    assert!(matches!(
        verify_enveloped(&swapped, None),
        Err(XmlDsigError::BadSignatureValue)
    ));
}

#[test]
fn untrusted_signers_are_refused_when_trust_is_asked() {
    let pki = pki();
    let signed = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &pki.other_signer()).unwrap();
    assert!(xmlsec1_verify(&signed, &pki.other_pem).0);
    assert_eq!(
        verify_enveloped(&signed, None).unwrap().trust,
        Trust::NotChecked
    );
    assert!(matches!(
        verify_enveloped(&signed, Some(&pki.ca_der)),
        Err(XmlDsigError::Untrusted)
    ));
    assert!(matches!(
        verify_enveloped(&signed, Some(&pki.signing_der)),
        Err(XmlDsigError::Untrusted)
    ));
}

#[test]
fn an_assertion_inside_a_soap_envelope_signs_with_inherited_namespaces() {
    let pki = pki();
    let envelope = format!(
        concat!(
            r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" "#,
            r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:saml="urn:other">"#,
            r#"<soap:Header><wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">"#,
            "\n  {}\n",
            r#"</wsse:Security></soap:Header><soap:Body/></soap:Envelope>"#
        ),
        ASSERTION.replace(
            r#" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance""#,
            ""
        )
    );
    let signed = sign_enveloped(&envelope, "_1f0e", AFTER_ISSUER, &pki.signer()).unwrap();
    assert!(xmlsec1_verify(&signed, &pki.signing_pem).0);
    let verified = verify_enveloped(&signed, None).unwrap();
    // `xsi` comes from the envelope through the PrefixList; `saml` is not listed.
    assert!(verified.signed_xml.starts_with(concat!(
        r#"<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" "#,
        r#"xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" "#
    )));
    let (pre_digest, _) = xmlsec1_canonical_forms(&signed, &pki.signing_pem);
    assert_eq!(verified.signed_xml, pre_digest);
}

#[test]
fn signatures_made_by_xmlsec1_with_the_kit_prefix_list_verify_here() {
    let pki = pki();
    let template = r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#_1f0e"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"><ec:InclusiveNamespaces xmlns:ec="http://www.w3.org/2001/10/xml-exc-c14n#" PrefixList="ds saml #default xsi"/></ds:Transform></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo></ds:Signature>"##;
    let assertion = ASSERTION.replace("</saml2:Issuer>", &format!("</saml2:Issuer>{template}"));
    // Inside an envelope whose default namespace and `saml` prefix the PrefixList pulls in.
    let document = format!(
        r#"<Envelope xmlns="urn:envelope" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><Header>{assertion}</Header></Envelope>"#
    );
    let signed = xmlsec1_sign(&document, &pki.signing_key_pem, &pki.signing_pem);
    let verified = verify_enveloped(&signed, Some(&pki.ca_der)).unwrap();
    assert!(verified.signed_xml.starts_with(concat!(
        r#"<saml2:Assertion xmlns="urn:envelope" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" "#,
        r#"xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xsi="#
    )));
    let (pre_digest, _) = xmlsec1_canonical_forms(&signed, &pki.signing_pem);
    assert_eq!(verified.signed_xml, pre_digest);
    // Taken out of its envelope, that signature no longer holds: why we list only `xsi`.
    let tree = tree::Tree::parse(&signed).unwrap();
    let apex = tree.all_named(SAML, "Assertion").next().unwrap();
    let element = tree.get(apex);
    let alone = &signed[element.start..element.end];
    assert!(matches!(
        verify_enveloped(alone, None),
        Err(XmlDsigError::DigestMismatch)
    ));
}

#[test]
fn first_and_last_child_placements_verify() {
    let pki = pki();
    for placement in [Placement::FirstChild, Placement::LastChild] {
        let signed = sign_enveloped(ASSERTION, "_1f0e", placement, &pki.signer()).unwrap();
        assert!(xmlsec1_verify(&signed, &pki.signing_pem).0, "{placement:?}");
        verify_enveloped(&signed, None).unwrap();
    }
    let missing = Placement::After {
        namespace: SAML,
        local_name: "Conditions",
    };
    assert!(matches!(
        sign_enveloped(ASSERTION, "_1f0e", missing, &pki.signer()),
        Err(XmlDsigError::PlacementNotFound)
    ));
    assert!(matches!(
        sign_enveloped(ASSERTION, "_nope", AFTER_ISSUER, &pki.signer()),
        Err(XmlDsigError::IdNotFound)
    ));
}

#[test]
fn duplicate_ids_and_unsupported_shapes_are_refused() {
    let pki = pki();
    let signed = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &pki.signer()).unwrap();
    // Signature wrapping: a second element with the same ID.
    let wrapped = signed.replace(
        "<saml2:Subject>",
        r#"<saml2:Advice><saml2:Assertion ID="_1f0e"/></saml2:Advice><saml2:Subject>"#,
    );
    assert!(matches!(
        verify_enveloped(&wrapped, None),
        Err(XmlDsigError::IdNotUnique)
    ));
    assert!(matches!(
        verify_enveloped(ASSERTION, None),
        Err(XmlDsigError::SignatureCount(0))
    ));
    let other_transform = signed.replace(
        ALG_ENVELOPED,
        "http://www.w3.org/TR/1999/REC-xpath-19991116",
    );
    assert!(matches!(
        verify_enveloped(&other_transform, None),
        Err(XmlDsigError::Unsupported(_))
    ));
    let whole_document = signed.replace(r##"URI="#_1f0e""##, r#"URI="""#);
    assert!(matches!(
        verify_enveloped(&whole_document, None),
        Err(XmlDsigError::Unsupported(_))
    ));
}

/// A signing device that is absent.
struct AbsentCard(Vec<u8>);

impl Signer for AbsentCard {
    fn certificate_der(&self) -> &[u8] {
        &self.0
    }
    fn sign_rsa_sha256(&self, _data: &[u8]) -> Result<Vec<u8>, SignError> {
        Err(SignError::Device("no card in the reader".into()))
    }
}

#[test]
fn signer_failures_pass_through_and_say_whether_to_retry() {
    let card = AbsentCard(pki().signing_der.clone());
    let error = sign_enveloped(ASSERTION, "_1f0e", AFTER_ISSUER, &card).unwrap_err();
    assert!(matches!(error, XmlDsigError::Sign(SignError::Device(_))));
    assert!(error.is_retryable());
    assert!(!XmlDsigError::DigestMismatch.is_retryable());
}

#[test]
fn pem_pkcs1_and_pkcs12_loaders_give_the_same_signer() {
    use x509_parser::der_parser::ber::BerObjectContent;
    let pki = pki();
    let reference = pki.signer();
    let message = b"SignedInfo";
    let expected = reference.sign_rsa_sha256(message).unwrap();

    // PKCS#1 "RSA PRIVATE KEY": the OCTET STRING inside the PKCS#8 structure.
    let (_, info) = x509_parser::der_parser::parse_der(&pki.signing_key_der).unwrap();
    let BerObjectContent::Sequence(items) = &info.content else {
        panic!("PKCS#8 is a SEQUENCE")
    };
    let BerObjectContent::OctetString(pkcs1) = &items[2].content else {
        panic!("privateKey OCTET STRING")
    };
    use base64::Engine as _;
    let body = base64::engine::general_purpose::STANDARD.encode(pkcs1);
    let pkcs1_pem =
        format!("-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n");
    let from_pkcs1 = SoftwareSigner::from_pem(&pkcs1_pem, &pki.signing_pem).unwrap();
    // PKCS#1 v1.5 is deterministic: same key, same signature.
    assert_eq!(from_pkcs1.sign_rsa_sha256(message).unwrap(), expected);

    for algorithm in [
        p12_keystore::EncryptionAlgorithm::PbeWithHmacSha256AndAes256,
        p12_keystore::EncryptionAlgorithm::PbeWithShaAnd3KeyTripleDesCbc,
    ] {
        let mut store = p12_keystore::KeyStore::new();
        let chain = p12_keystore::PrivateKeyChain::new(
            b"k1".to_vec(),
            p12_keystore::PrivateKey::from_der(&pki.signing_key_der).unwrap(),
            [
                p12_keystore::Certificate::from_der(&pki.signing_der).unwrap(),
                p12_keystore::Certificate::from_der(&pki.ca_der).unwrap(),
            ],
        );
        store.add_entry("sign", p12_keystore::KeyStoreEntry::PrivateKeyChain(chain));
        let p12 = store
            .writer("secret")
            .encryption_algorithm(algorithm)
            .encryption_iterations(1000)
            .mac_iterations(1000)
            .write()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sign.p12");
        std::fs::write(&path, &p12).unwrap();
        let from_p12 = SoftwareSigner::from_pkcs12_file(&path, "secret").unwrap();
        assert_eq!(from_p12.certificate_der(), pki.signing_der.as_slice());
        assert_eq!(from_p12.sign_rsa_sha256(message).unwrap(), expected);
        assert!(matches!(
            SoftwareSigner::from_pkcs12(&p12, "wrong"),
            Err(XmlDsigError::Key(_))
        ));
    }
}

#[test]
fn a_key_that_does_not_match_its_certificate_is_refused() {
    let pki = pki();
    let error = SoftwareSigner::from_pem(&pki.other_key_pem, &pki.signing_pem).unwrap_err();
    assert!(matches!(error, XmlDsigError::Key(_)));
    assert!(!format!("{error} {error:?}").contains("MII"));
    assert_eq!(format!("{:?}", pki.signer()), "SoftwareSigner(…)");
    assert!(SoftwareSigner::from_pem("no key here", &pki.signing_pem).is_err());
}
