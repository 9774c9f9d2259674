//! The XAdES signature document of a feeding (IHE DSG detached signature as the DMP samples
//! use it, TD2.1_xades_signature.xml): a `ds:Manifest` (`Id="IHEManifest"`) referencing
//! `urn:oid:<uniqueId>` of the SubmissionSet and of each document with the SHA-256 of their
//! bytes, the `purposeOfSignature` SignatureProperty (`1.2.840.10065.1.12.1.14`) and XAdES
//! 1.1.1 QualifyingProperties / SignedProperties with the SigningCertificate. SignedInfo
//! (exclusive c14n, RSA-SHA256) references the Manifest and the SignedProperties, each through
//! an exclusive-c14n transform. Built in two steps — [`prepare_signature`] gives the exact
//! bytes to sign, [`UnsignedSignature::finish`] takes the signature value — or in one with
//! [`sign_signature`] and a [`Signer`].

use base64::Engine as _;
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::consts::{ns, signature::PURPOSE_CODE};
use super::x509::cert_ids;
use crate::dmp::error::DmpError;
use crate::dmp::signer::Signer;
use crate::dmp::xmldsig::exc_c14n;
use crate::xml::XmlWriter;

const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
const MANIFEST_TYPE: &str = "http://www.w3.org/2000/09/xmldsig#Manifest";
const SIGNED_PROPERTIES_TYPE: &str = "http://uri.etsi.org/01903/v1.1.1#SignedProperties";
const MANIFEST_ID: &str = "IHEManifest";
const SIGNED_PROPERTIES_ID: &str = "S0-SignedProperties";
/// Digest written for the SubmissionSet reference: it has no byte form, and the agency's
/// samples put this placeholder (one zero byte) there.
const SUBMISSION_SET_DIGEST: &str = "AA==";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn sha256_b64(bytes: &[u8]) -> String {
    b64(&Sha256::digest(bytes))
}

fn canonical(xml: &str) -> Result<String, DmpError> {
    exc_c14n(xml).map_err(|_| DmpError::request("XML that canonicalises"))
}

/// What is signed.
#[derive(Clone)]
pub struct SignatureInput<'a> {
    /// `Id` of the `ds:Signature` (a UUID, see [`IdGen::uuid`](super::IdGen::uuid)).
    pub signature_id: String,
    /// uniqueId (OID) of the SubmissionSet.
    pub submission_set_unique_id: String,
    /// uniqueId and exact bytes (as sent) of each signed document.
    pub documents: Vec<(String, &'a [u8])>,
    pub signing_time: DateTime<Utc>,
}

impl std::fmt::Debug for SignatureInput<'_> {
    /// No content bytes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignatureInput")
            .field("signature_id", &self.signature_id)
            .field("documents", &self.documents.len())
            .field("signing_time", &self.signing_time)
            .finish_non_exhaustive()
    }
}

/// A signature document waiting for its signature value.
#[derive(Debug, Clone)]
pub struct UnsignedSignature {
    signature_id: String,
    /// Canonical SignedInfo: the bytes to sign, and the text written in the document.
    signed_info: String,
    certificate_b64: String,
    manifest: String,
    signed_properties: String,
}

impl UnsignedSignature {
    /// The exact bytes an RSA-SHA256 signature must be computed on (canonical SignedInfo).
    pub fn bytes_to_sign(&self) -> &[u8] {
        self.signed_info.as_bytes()
    }

    /// The signature document with an empty `SignatureValue`.
    pub fn template(&self) -> String {
        self.document("")
    }

    /// The signature document, given the RSA signature of [`Self::bytes_to_sign`].
    pub fn finish(&self, signature_value: &[u8]) -> String {
        self.document(&b64(signature_value))
    }

    fn document(&self, signature_value: &str) -> String {
        let target = format!("#{}", self.signature_id);
        let mut w = XmlWriter::compact();
        w.open(
            "Signature",
            &[("xmlns", ns::DS), ("Id", &self.signature_id)],
        );
        w.raw(&self.signed_info);
        w.leaf("SignatureValue", &[], signature_value);
        w.open("KeyInfo", &[]);
        w.open("X509Data", &[]);
        w.leaf("X509Certificate", &[], &self.certificate_b64);
        w.close();
        w.close();
        w.open("Object", &[]);
        w.raw(&self.manifest);
        w.close();
        w.open("Object", &[]);
        w.open("SignatureProperties", &[]);
        w.leaf(
            "SignatureProperty",
            &[("Id", "purposeOfSignature"), ("Target", &target)],
            PURPOSE_CODE,
        );
        w.close();
        w.close();
        w.open("Object", &[]);
        w.open(
            "QualifyingProperties",
            &[("xmlns", ns::XADES), ("Target", &target)],
        );
        w.raw(&self.signed_properties);
        w.finish()
    }
}

fn digest_method(w: &mut XmlWriter<'_>, name: &'static str) {
    w.empty(name, &[("Algorithm", SHA256)]);
}

fn manifest(input: &SignatureInput<'_>) -> String {
    let mut w = XmlWriter::compact();
    w.open("Manifest", &[("xmlns", ns::DS), ("Id", MANIFEST_ID)]);
    let submission_uri = format!("urn:oid:{}", input.submission_set_unique_id);
    w.open("Reference", &[("URI", &submission_uri)]);
    digest_method(&mut w, "DigestMethod");
    w.leaf("DigestValue", &[], SUBMISSION_SET_DIGEST);
    w.close();
    for (unique_id, bytes) in &input.documents {
        let uri = format!("urn:oid:{unique_id}");
        w.open("Reference", &[("URI", &uri)]);
        digest_method(&mut w, "DigestMethod");
        w.leaf("DigestValue", &[], &sha256_b64(bytes));
        w.close();
    }
    w.finish()
}

fn signed_properties(time: &DateTime<Utc>, certificate: &[u8]) -> Result<String, DmpError> {
    let ids = cert_ids(certificate)?;
    let mut w = XmlWriter::compact();
    w.open(
        "SignedProperties",
        &[
            ("xmlns", ns::XADES),
            ("xmlns:ds", ns::DS),
            ("Id", SIGNED_PROPERTIES_ID),
        ],
    );
    w.open("SignedSignatureProperties", &[]);
    w.leaf(
        "SigningTime",
        &[],
        &time.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    w.open("SigningCertificate", &[]);
    w.open("Cert", &[]);
    w.open("CertDigest", &[]);
    digest_method(&mut w, "ds:DigestMethod");
    w.leaf("ds:DigestValue", &[], &sha256_b64(certificate));
    w.close();
    w.open("IssuerSerial", &[]);
    w.leaf("ds:X509IssuerName", &[], &ids.issuer);
    w.leaf("ds:X509SerialNumber", &[], &ids.serial);
    w.close();
    w.close();
    w.close();
    w.open("SignaturePolicyIdentifier", &[]);
    w.empty("SignaturePolicyImplied", &[]);
    w.close();
    w.close();
    w.empty("SignedDataObjectProperties", &[]);
    Ok(w.finish())
}

fn reference(w: &mut XmlWriter<'_>, reference_type: &str, uri: &str, digest: &str) {
    w.open("Reference", &[("Type", reference_type), ("URI", uri)]);
    w.open("Transforms", &[]);
    w.empty("Transform", &[("Algorithm", EXC_C14N)]);
    w.close();
    digest_method(w, "DigestMethod");
    w.leaf("DigestValue", &[], digest);
    w.close();
}

/// Builds everything but the signature value. `certificate_der` is the signer's certificate.
pub fn prepare_signature(
    input: &SignatureInput<'_>,
    certificate_der: &[u8],
) -> Result<UnsignedSignature, DmpError> {
    let manifest = manifest(input);
    let signed_properties = signed_properties(&input.signing_time, certificate_der)?;
    let mut w = XmlWriter::compact();
    w.open("SignedInfo", &[("xmlns", ns::DS)]);
    w.empty("CanonicalizationMethod", &[("Algorithm", EXC_C14N)]);
    w.empty("SignatureMethod", &[("Algorithm", RSA_SHA256)]);
    reference(
        &mut w,
        MANIFEST_TYPE,
        &format!("#{MANIFEST_ID}"),
        &sha256_b64(canonical(&manifest)?.as_bytes()),
    );
    reference(
        &mut w,
        SIGNED_PROPERTIES_TYPE,
        &format!("#{SIGNED_PROPERTIES_ID}"),
        &sha256_b64(canonical(&signed_properties)?.as_bytes()),
    );
    let signed_info = canonical(&w.finish())?;
    Ok(UnsignedSignature {
        signature_id: input.signature_id.clone(),
        signed_info,
        certificate_b64: b64(certificate_der),
        manifest,
        signed_properties,
    })
}

/// Builds and signs the signature document.
pub fn sign_signature(input: &SignatureInput<'_>, signer: &dyn Signer) -> Result<String, DmpError> {
    let unsigned = prepare_signature(input, signer.certificate_der())?;
    let value = signer.sign_rsa_sha256(unsigned.bytes_to_sign())?;
    Ok(unsigned.finish(&value))
}
