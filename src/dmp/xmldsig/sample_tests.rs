//! The agency's signed VIHF samples (rsa-sha1, 2019–2020). Finding: in all three the
//! SignatureValue is a valid RSA-SHA1 signature of the SignedInfo by the embedded
//! certificate, but the Reference digest does not match the assertion as published — the
//! samples were edited after signing. xmlsec1 and libxml2 agree (digest mismatch), and our
//! canonical form of each assertion is xmllint's byte for byte, so the mismatch is in the
//! samples, not in our canonicalisation.

use super::c14n::canonicalize;
use super::test_support::{agency_certificate, dmp_fixture_text, xmllint_exc_c14n, xmlsec1_verify};
use super::tree::Tree;
use super::{NS_DSIG, XmlDsigError, verify_enveloped};

const SIGNED_SAMPLES: [&str; 3] = [
    "VIHF_direct_signed.xml",
    "VIHF_indirect_signed.xml",
    "VIHF_indirect_reinforced_AIR_signed.xml",
];

#[test]
fn agency_samples_have_valid_signed_info_signatures_but_stale_digests() {
    for name in SIGNED_SAMPLES {
        let xml = dmp_fixture_text(name);
        // The SignatureValue is checked first: reaching the digest means RSA-SHA1 verified.
        match verify_enveloped(&xml, None) {
            Err(XmlDsigError::DigestMismatch) => {}
            other => panic!("{name}: expected a digest mismatch, got {other:?}"),
        }
        // A forged SignatureValue is caught as such.
        let forged = xml.replacen("<SignatureValue>", "<SignatureValue>AAAA", 1);
        assert!(
            matches!(
                verify_enveloped(&forged, None),
                Err(XmlDsigError::BadSignatureValue)
            ),
            "{name}"
        );
    }
}

#[test]
fn xmlsec1_agrees_the_sample_digests_do_not_match() {
    use base64::Engine as _;
    for name in SIGNED_SAMPLES {
        let der = agency_certificate(name);
        let body = base64::engine::general_purpose::STANDARD.encode(&der);
        let pem = format!("-----BEGIN CERTIFICATE-----\n{body}\n-----END CERTIFICATE-----\n");
        let (ok, printed) = xmlsec1_verify(&dmp_fixture_text(name), &pem);
        assert!(!ok, "{name}: xmlsec1 verified it");
        assert!(
            printed.contains("data and digest do not match"),
            "{name}:\n{printed}"
        );
    }
}

#[test]
fn our_canonical_form_of_each_sample_is_xmllint_s() {
    for name in SIGNED_SAMPLES.iter().chain(&["VIHF_direct_unsigned.xml"]) {
        let xml = dmp_fixture_text(name);
        let tree = Tree::parse(&xml).unwrap();
        let signature = tree.all_named(NS_DSIG, "Signature").next();
        // The document with the signature cut out of the text, for xmllint.
        let without = match signature {
            Some(s) => {
                let element = tree.get(s);
                format!("{}{}", &xml[..element.start], &xml[element.end..])
            }
            None => xml.clone(),
        };
        assert_eq!(
            canonicalize(&tree, tree.root, signature, &[]),
            xmllint_exc_c14n(&without),
            "{name}"
        );
    }
}
