//! Test helpers for the signature and VIHF tests: the agency's DMP fixtures, a test PKI made
//! with rcgen (RSA 2048 CA and signing certificate, made once per test binary), and the
//! external judges `xmlsec1` and `xmllint`, which must be installed: a missing tool fails the
//! test with the Debian package to install, never skips it.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    PKCS_RSA_SHA256, RsaKeySize,
};

use super::tree::Tree;
use super::{NS_DSIG, SoftwareSigner, decode_xml_bytes};

/// Directory of the agency's DMP example messages, with a trailing slash.
pub(crate) const DMP_FIXTURES: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/dmp/");

/// The bytes of one DMP fixture.
pub(crate) fn dmp_fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DMP_FIXTURES}{name}")).unwrap_or_else(|e| {
        panic!("fixture {name} unreadable ({e}); ../shared must be beside the checkout")
    })
}

/// One DMP fixture as text (ISO-8859-1 without declaration handled).
pub(crate) fn dmp_fixture_text(name: &str) -> String {
    decode_xml_bytes(&dmp_fixture(name)).expect("fixture decodes")
}

/// The signing certificate embedded in a signed agency sample.
pub(crate) fn agency_certificate(name: &str) -> Vec<u8> {
    use base64::Engine as _;
    let tree = Tree::parse(&dmp_fixture_text(name)).expect("fixture parses");
    let element = tree
        .all_named(NS_DSIG, "X509Certificate")
        .next()
        .expect("X509Certificate");
    let text: String = tree
        .text(element)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .expect("base64")
}

/// A small PKI: a CA, a signing certificate it issued, and an unrelated self-signed one.
pub(crate) struct TestPki {
    pub ca_der: Vec<u8>,
    pub signing_der: Vec<u8>,
    pub signing_pem: String,
    /// PKCS#8 PEM of the signing key.
    pub signing_key_pem: String,
    /// PKCS#8 DER of the signing key.
    pub signing_key_der: Vec<u8>,
    pub other_der: Vec<u8>,
    pub other_pem: String,
    pub other_key_pem: String,
}

impl TestPki {
    pub fn signer(&self) -> SoftwareSigner {
        SoftwareSigner::from_pem(&self.signing_key_pem, &self.signing_pem).expect("signer")
    }

    pub fn other_signer(&self) -> SoftwareSigner {
        SoftwareSigner::from_pem(&self.other_key_pem, &self.other_pem).expect("signer")
    }
}

/// The test PKI, generated on first use (RSA key generation takes a moment).
pub(crate) fn pki() -> &'static TestPki {
    static PKI: OnceLock<TestPki> = OnceLock::new();
    PKI.get_or_init(|| {
        let rsa = || KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048).expect("key");

        let ca_key = rsa();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        ca_params.distinguished_name = DistinguishedName::new();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CountryName, "FR");
        ca_params
            .distinguished_name
            .push(DnType::OrganizationName, "CHEVET TEST");
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "CHEVET TEST AC ORGANISATIONS");
        let ca = ca_params.self_signed(&ca_key).expect("CA");

        let signing_key = rsa();
        let mut params = CertificateParams::new(Vec::<String>::new()).expect("params");
        params.distinguished_name = DistinguishedName::new();
        params.distinguished_name.push(DnType::CountryName, "FR");
        params
            .distinguished_name
            .push(DnType::StateOrProvinceName, "Rhône (69)");
        params
            .distinguished_name
            .push(DnType::OrganizationName, "CENTRE HOSPITALIER TEST, SITE B");
        params
            .distinguished_name
            .push(DnType::OrganizationalUnitName, "10B0127189");
        params
            .distinguished_name
            .push(DnType::CommonName, "Chevet signature VIHF");
        let issuer = Issuer::new(ca_params, ca_key);
        let signing = params.signed_by(&signing_key, &issuer).expect("leaf");

        let other_key = rsa();
        let mut other_params = CertificateParams::new(Vec::<String>::new()).expect("params");
        other_params.distinguished_name = DistinguishedName::new();
        other_params
            .distinguished_name
            .push(DnType::CommonName, "Chevet autre certificat");
        let other = other_params.self_signed(&other_key).expect("other");

        TestPki {
            ca_der: ca.der().to_vec(),
            signing_der: signing.der().to_vec(),
            signing_pem: signing.pem(),
            signing_key_pem: signing_key.serialize_pem(),
            signing_key_der: signing_key.serialize_der(),
            other_der: other.der().to_vec(),
            other_pem: other.pem(),
            other_key_pem: other_key.serialize_pem(),
        }
    })
}

/// Path of a required external tool; panics naming the Debian package when it is missing.
pub(crate) fn require_tool(tool: &str, package: &str) -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|candidate| candidate.is_file())
    });
    found.unwrap_or_else(|| {
        panic!("`{tool}` is required by this test: install it with `apt-get install {package}`")
    })
}

/// Runs `xmlsec1 --verify` on `xml` with the signer's PEM certificate, as the protocol notes
/// describe; returns (success, everything it printed).
pub(crate) fn xmlsec1_verify(xml: &str, cert_pem: &str) -> (bool, String) {
    xmlsec1_verify_with(xml, cert_pem, &[])
}

/// `xmlsec1 --verify` with extra options (`--store-references`, `--store-signatures`…).
pub(crate) fn xmlsec1_verify_with(xml: &str, cert_pem: &str, extra: &[&str]) -> (bool, String) {
    let tool = require_tool("xmlsec1", "xmlsec1");
    let dir = tempfile::tempdir().expect("tempdir");
    let cert_path = dir.path().join("cert.pem");
    let xml_path = dir.path().join("signed.xml");
    std::fs::write(&cert_path, cert_pem).expect("write cert");
    std::fs::write(&xml_path, xml).expect("write xml");
    let output = Command::new(tool)
        .arg("--verify")
        .args(extra)
        .arg("--pubkey-cert-pem")
        .arg(&cert_path)
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .arg(&xml_path)
        .output()
        .expect("xmlsec1 runs");
    let mut printed = String::from_utf8_lossy(&output.stdout).into_owned();
    printed.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status.success(), printed)
}

/// What xmlsec1 canonicalised while verifying: the Reference's pre-digest bytes and the
/// SignedInfo's pre-signature bytes.
pub(crate) fn xmlsec1_canonical_forms(xml: &str, cert_pem: &str) -> (String, String) {
    let (ok, printed) =
        xmlsec1_verify_with(xml, cert_pem, &["--store-references", "--store-signatures"]);
    assert!(ok, "xmlsec1 failed:\n{printed}");
    let between = |what: &str| {
        let start_marker = format!("== {what} data - start buffer:\n");
        let end_marker = format!("\n== {what} data - end buffer");
        let start = printed.find(&start_marker).expect("start marker") + start_marker.len();
        let end = printed[start..].find(&end_marker).expect("end marker") + start;
        printed[start..end].to_owned()
    };
    (between("PreDigest"), between("PreSigned"))
}

/// Signs an XML Signature template with xmlsec1 (`--sign`), for documents signed by others.
pub(crate) fn xmlsec1_sign(template: &str, key_pem: &str, cert_pem: &str) -> String {
    let tool = require_tool("xmlsec1", "xmlsec1");
    let dir = tempfile::tempdir().expect("tempdir");
    let key_path = dir.path().join("key.pem");
    let cert_path = dir.path().join("cert.pem");
    let template_path = dir.path().join("template.xml");
    std::fs::write(&key_path, key_pem).expect("write key");
    std::fs::write(&cert_path, cert_pem).expect("write cert");
    std::fs::write(&template_path, template).expect("write template");
    let output = Command::new(tool)
        .arg("--sign")
        .arg("--privkey-pem")
        .arg(format!("{},{}", key_path.display(), cert_path.display()))
        .args([
            "--id-attr:ID",
            "urn:oasis:names:tc:SAML:2.0:assertion:Assertion",
        ])
        .arg(&template_path)
        .output()
        .expect("xmlsec1 runs");
    assert!(
        output.status.success(),
        "xmlsec1 --sign failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 from xmlsec1")
}

/// `xmllint --exc-c14n` of a whole document.
pub(crate) fn xmllint_exc_c14n(xml: &str) -> String {
    let tool = require_tool("xmllint", "libxml2-utils");
    let mut child = Command::new(tool)
        .args(["--exc-c14n", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("xmllint runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(xml.as_bytes())
        .expect("write to xmllint");
    let output = child.wait_with_output().expect("xmllint output");
    assert!(
        output.status.success(),
        "xmllint failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 from xmllint")
}
