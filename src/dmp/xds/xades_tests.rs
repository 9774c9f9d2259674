//! The XAdES signature document: structure as in TD2.1_xades_signature.xml (Manifest of
//! `urn:oid:` references, purposeOfSignature, SigningCertificate with the issuer and serial
//! read from the certificate), digests and canonical forms checked against libxml2
//! (`xmllint --exc-c14n`), and — when xmlsec1 and openssl are installed (`--ignored`) — a real
//! RSA-SHA256 signature verified by xmlsec1.

use base64::Engine as _;
use chrono::{TimeZone, Utc};
use sha2::{Digest, Sha256};

use super::test_support::*;
use super::*;
use crate::dmp::error::DmpError;
use crate::xml::Element;

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn input(doc: &[u8]) -> SignatureInput<'_> {
    SignatureInput {
        signature_id: "0421d1cc-b27b-4b0d-bab2-7ebcd54d47f6".into(),
        submission_set_unique_id: "2.25.1234".into(),
        documents: vec![("1.2.250.1.999.1.1.7898.4.9956570902".into(), doc)],
        signing_time: Utc
            .with_ymd_and_hms(2024, 3, 1, 9, 30, 0)
            .single()
            .expect("time"),
    }
}

fn children<'a>(e: Element<'a>, ns: &str, name: &str) -> Vec<Element<'a>> {
    e.find_all(ns, name)
}

/// The markup of the first `<name …>…</name>` of `xml` (our fragments are written verbatim).
fn fragment<'a>(xml: &'a str, name: &str) -> &'a str {
    let start = xml.find(&format!("<{name} ")).expect("start");
    let close = format!("</{name}>");
    let end = xml[start..].find(&close).expect("end") + start + close.len();
    &xml[start..end]
}

#[test]
fn structure_follows_the_agency_sample() {
    let doc = dmp_fixture("TD2.1_document_N1.xml");
    let cert = agency_certificate();
    let unsigned = prepare_signature(&input(&doc), &cert).expect("prepare");
    assert!(
        unsigned
            .template()
            .contains("<SignatureValue></SignatureValue>")
    );
    let signed = unsigned.finish(&[1, 2, 3]);
    let sig = parse(signed.as_bytes());
    assert!(sig.is(ns::DS, "Signature"));
    assert_eq!(sig.attr("Id"), Some("0421d1cc-b27b-4b0d-bab2-7ebcd54d47f6"));
    assert_eq!(find(sig, ns::DS, "SignatureValue").text(), "AQID");
    assert_eq!(find(sig, ns::DS, "X509Certificate").text(), b64(&cert));

    let signed_info = find(sig, ns::DS, "SignedInfo");
    assert_eq!(
        find(signed_info, ns::DS, "CanonicalizationMethod").attr("Algorithm"),
        Some("http://www.w3.org/2001/10/xml-exc-c14n#")
    );
    assert_eq!(
        find(signed_info, ns::DS, "SignatureMethod").attr("Algorithm"),
        Some("http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
    );
    let refs = children(signed_info, ns::DS, "Reference");
    let targets: Vec<(Option<&str>, Option<&str>)> = refs
        .iter()
        .map(|r| (r.attr("URI"), r.attr("Type")))
        .collect();
    assert_eq!(
        targets,
        [
            (
                Some("#IHEManifest"),
                Some("http://www.w3.org/2000/09/xmldsig#Manifest")
            ),
            (
                Some("#S0-SignedProperties"),
                Some("http://uri.etsi.org/01903/v1.1.1#SignedProperties")
            ),
        ]
    );

    let manifest = find(sig, ns::DS, "Manifest");
    assert_eq!(manifest.attr("Id"), Some("IHEManifest"));
    let entries: Vec<(String, String)> = children(manifest, ns::DS, "Reference")
        .iter()
        .map(|r| {
            (
                r.attr("URI").unwrap_or_default().to_owned(),
                find(*r, ns::DS, "DigestValue").text().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            ("urn:oid:2.25.1234".to_owned(), "AA==".to_owned()),
            (
                "urn:oid:1.2.250.1.999.1.1.7898.4.9956570902".to_owned(),
                b64(&Sha256::digest(&doc))
            ),
        ]
    );

    let property = find(sig, ns::DS, "SignatureProperty");
    assert_eq!(property.attr("Id"), Some("purposeOfSignature"));
    assert_eq!(
        property.attr("Target"),
        Some("#0421d1cc-b27b-4b0d-bab2-7ebcd54d47f6")
    );
    assert_eq!(property.text(), "1.2.840.10065.1.12.1.14");

    let qualifying = find(sig, ns::XADES, "QualifyingProperties");
    assert_eq!(
        qualifying.attr("Target"),
        Some("#0421d1cc-b27b-4b0d-bab2-7ebcd54d47f6")
    );
    assert_eq!(
        find(qualifying, ns::XADES, "SigningTime").text(),
        "2024-03-01T09:30:00Z"
    );
    let cert_digest = find(qualifying, ns::XADES, "CertDigest");
    assert_eq!(
        find(cert_digest, ns::DS, "DigestValue").text(),
        b64(&Sha256::digest(&cert))
    );
    assert!(
        find(qualifying, ns::XADES, "SignaturePolicyImplied")
            .first_child()
            .is_none()
    );
    // Issuer and serial as the agency's sample gives them for the same certificate.
    let sample = parse(&dmp_fixture("TD2.1_xades_signature.xml"));
    let issuer = |e: Element<'_>| find(e, ns::DS, "X509IssuerName").text().to_owned();
    let serial = |e: Element<'_>| find(e, ns::DS, "X509SerialNumber").text().to_owned();
    assert_eq!(issuer(qualifying), issuer(sample));
    assert_eq!(serial(qualifying), serial(sample));
    assert_eq!(
        serial(qualifying),
        "159655096103497701664027626074020656119"
    );
}

#[test]
fn canonical_forms_and_digests_agree_with_libxml2() {
    let doc = dmp_fixture("TD2.1_document_N1.xml");
    let unsigned = prepare_signature(&input(&doc), &agency_certificate()).expect("prepare");
    let signed = unsigned.finish(b"value");
    let sig = parse(signed.as_bytes());

    let signed_info = fragment(&signed, "SignedInfo");
    let theirs = xmllint_exc_c14n(signed_info, "signed-info.xml");
    assert_eq!(unsigned.bytes_to_sign(), theirs.as_bytes());

    let digests: Vec<String> = children(find(sig, ns::DS, "SignedInfo"), ns::DS, "DigestValue")
        .iter()
        .map(|d| d.text().to_owned())
        .collect();
    for (name, digest) in ["Manifest", "SignedProperties"].iter().zip(&digests) {
        let canonical = xmllint_exc_c14n(fragment(&signed, name), &format!("{name}.xml"));
        assert_eq!(
            *digest,
            b64(&Sha256::digest(canonical.as_bytes())),
            "{name}"
        );
    }
}

#[test]
fn signer_failures_and_bad_certificates_surface() {
    struct Absent;
    impl crate::dmp::signer::Signer for Absent {
        fn certificate_der(&self) -> &[u8] {
            &[]
        }
        fn sign_rsa_sha256(&self, _: &[u8]) -> Result<Vec<u8>, crate::dmp::signer::SignError> {
            Err(crate::dmp::signer::SignError::Device("no card".into()))
        }
    }
    let doc = b"<x/>";
    let err = sign_signature(&input(doc), &Absent).expect_err("no certificate");
    assert!(matches!(err, DmpError::Request { .. }));
    struct NoCard(Vec<u8>);
    impl crate::dmp::signer::Signer for NoCard {
        fn certificate_der(&self) -> &[u8] {
            &self.0
        }
        fn sign_rsa_sha256(&self, _: &[u8]) -> Result<Vec<u8>, crate::dmp::signer::SignError> {
            Err(crate::dmp::signer::SignError::Device("no card".into()))
        }
    }
    let err = sign_signature(&input(doc), &NoCard(agency_certificate())).expect_err("device");
    assert!(err.is_retryable());
    let ok = sign_signature(&input(doc), &FakeSigner(agency_certificate())).expect("signed");
    assert!(
        ok.contains(&b64(&Sha256::digest(
            prepare_signature(&input(doc), &agency_certificate())
                .expect("prepare")
                .bytes_to_sign()
        )))
    );
}

/// Signs with a throw-away RSA key through the openssl command line.
struct OpensslSigner {
    cert_der: Vec<u8>,
    key: std::path::PathBuf,
}

impl crate::dmp::signer::Signer for OpensslSigner {
    fn certificate_der(&self) -> &[u8] {
        &self.cert_der
    }

    fn sign_rsa_sha256(&self, data: &[u8]) -> Result<Vec<u8>, crate::dmp::signer::SignError> {
        let input = scratch("to-sign.bin");
        let output = scratch("signature.bin");
        std::fs::write(&input, data).expect("write");
        let status = std::process::Command::new("openssl")
            .args(["dgst", "-sha256", "-sign"])
            .arg(&self.key)
            .arg("-out")
            .arg(&output)
            .arg(&input)
            .status()
            .expect("openssl");
        assert!(status.success());
        Ok(std::fs::read(&output).expect("signature"))
    }
}

fn run(cmd: &mut std::process::Command) -> std::process::Output {
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{cmd:?} not runnable ({e}): install the Debian packages openssl and xmlsec1")
    });
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn xmlsec1_verifies_a_real_signature() {
    let key = scratch("key.pem");
    let cert_pem = scratch("cert.pem");
    let cert_der = scratch("cert.der");
    run(std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
        ])
        .arg("/C=FR/O=Chevet Test, Inc./CN=Chevet\\+Test")
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert_pem));
    run(std::process::Command::new("openssl")
        .args(["x509", "-outform", "der", "-in"])
        .arg(&cert_pem)
        .arg("-out")
        .arg(&cert_der));
    let signer = OpensslSigner {
        cert_der: std::fs::read(&cert_der).expect("der"),
        key,
    };
    let issuer = run(std::process::Command::new("openssl")
        .args(["x509", "-noout", "-issuer", "-nameopt", "RFC2253", "-in"])
        .arg(&cert_pem));
    let issuer = String::from_utf8_lossy(&issuer.stdout)
        .trim()
        .trim_start_matches("issuer=")
        .to_owned();

    let doc = dmp_fixture("TD2.1_document_N1.xml");
    let signed = sign_signature(&input(&doc), &signer).expect("sign");
    let sig = parse(signed.as_bytes());
    assert_eq!(find(sig, ns::DS, "X509IssuerName").text(), issuer);
    let verify = |xml: &str| {
        let file = scratch("signature.xml");
        std::fs::write(&file, xml).expect("write");
        std::process::Command::new("xmlsec1")
            .args([
                "--verify",
                "--insecure",
                "--ignore-manifests",
                "--pubkey-cert-pem",
            ])
            .arg(&cert_pem)
            .args([
                "--id-attr:Id",
                "http://www.w3.org/2000/09/xmldsig#:Manifest",
                "--id-attr:Id",
                "http://uri.etsi.org/01903/v1.1.1#:SignedProperties",
            ])
            .arg(&file)
            .output()
            .expect("xmlsec1 (Debian package xmlsec1)")
    };
    let ok = verify(&signed);
    let report = String::from_utf8_lossy(&ok.stderr);
    assert!(ok.status.success(), "{report}");
    assert!(
        report.contains("SignedInfo References (ok/all): 2/2"),
        "{report}"
    );
    // A changed document digest in the Manifest, or a changed signing time, breaks it.
    let digest = b64(&Sha256::digest(&doc));
    let tampered = signed.replace(&digest, &b64(&Sha256::digest(b"other")));
    assert!(!verify(&tampered).status.success());
    let tampered = signed.replace("2024-03-01T09:30:00Z", "2024-03-01T09:31:00Z");
    assert!(!verify(&tampered).status.success());
}
