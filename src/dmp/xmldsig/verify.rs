//! Checking an enveloped signature: exactly one `ds:Signature`, one Reference `#ID` to a
//! unique element that contains the signature, transforms enveloped-signature then exc-c14n
//! (PrefixList honoured), SHA-256 or SHA-1 digest, RSA-SHA256 or RSA-SHA1 signature with the
//! certificate of `KeyInfo/X509Data`, and optionally trust in that certificate.
//!
//! The SignatureValue is checked before the digest, so a document altered after signing
//! reports [`XmlDsigError::DigestMismatch`] while a forged SignedInfo reports
//! [`XmlDsigError::BadSignatureValue`]. Callers should read what was signed from
//! [`VerifiedSignature::signed_xml`], never from the original text (signature wrapping).

use std::fmt;

use aws_lc_rs::digest::{SHA1_FOR_LEGACY_USE_ONLY, SHA256, digest};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use super::c14n::{canonicalize, parse_prefix_list};
use super::cert;
use super::sign::find_by_id;
use super::tree::{ElemId, Tree, is_xml_space};
use super::{
    ALG_ENVELOPED, ALG_EXC_C14N, ALG_RSA_SHA1, ALG_RSA_SHA256, ALG_SHA1, ALG_SHA256, NS_DSIG,
    XmlDsigError,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureAlgorithm {
    RsaSha256,
    /// Accepted when verifying only (agency samples of 2019–2020).
    RsaSha1,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestAlgorithm {
    Sha256,
    /// Accepted when verifying only.
    Sha1,
}

/// What was established about the signing certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// No trusted certificate was given: the signature is consistent with the embedded
    /// certificate, nothing more.
    NotChecked,
    /// The embedded certificate is the trusted one.
    SameCertificate,
    /// The embedded certificate was issued and signed by the trusted one (a CA).
    IssuedByTrusted,
}

/// A signature that verified.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The referenced ID (without `#`).
    pub reference_id: String,
    pub signature_algorithm: SignatureAlgorithm,
    pub digest_algorithm: DigestAlgorithm,
    /// The embedded signing certificate, DER.
    pub certificate_der: Vec<u8>,
    /// Its subject DN in RFC 2253 form (compare with a SAML `Issuer`).
    pub subject_dn: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
    pub trust: Trust,
    /// The canonical form of the signed element without the signature: exactly the bytes the
    /// digest covers, and the only content the signature vouches for.
    pub signed_xml: String,
}

impl fmt::Debug for VerifiedSignature {
    /// The DN and the signed content may name a person or a patient: left out.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedSignature")
            .field("reference_id", &self.reference_id)
            .field("signature_algorithm", &self.signature_algorithm)
            .field("digest_algorithm", &self.digest_algorithm)
            .field("not_before", &self.not_before)
            .field("not_after", &self.not_after)
            .field("trust", &self.trust)
            .finish_non_exhaustive()
    }
}

/// Verifies the enveloped signature of `xml`. With `trusted` (a certificate, DER), the
/// signing certificate must be that certificate or one issued by it. Validity dates are
/// returned, not checked: the caller knows which time matters.
pub fn verify_enveloped(
    xml: &str,
    trusted: Option<&[u8]>,
) -> Result<VerifiedSignature, XmlDsigError> {
    let tree = Tree::parse(xml)?;
    let signatures: Vec<ElemId> = tree.all_named(NS_DSIG, "Signature").collect();
    let [signature] = signatures[..] else {
        return Err(XmlDsigError::SignatureCount(signatures.len()));
    };
    let info = required(&tree, signature, "SignedInfo")?;

    let c14n_method = required(&tree, info, "CanonicalizationMethod")?;
    if algorithm(&tree, c14n_method)? != ALG_EXC_C14N {
        return Err(XmlDsigError::Unsupported("canonicalization method"));
    }
    let info_prefixes = inclusive_prefixes(&tree, c14n_method);
    let signature_algorithm = match algorithm(&tree, required(&tree, info, "SignatureMethod")?)? {
        ALG_RSA_SHA256 => SignatureAlgorithm::RsaSha256,
        ALG_RSA_SHA1 => SignatureAlgorithm::RsaSha1,
        _ => return Err(XmlDsigError::Unsupported("signature method")),
    };

    let references: Vec<ElemId> = tree.children_named(info, NS_DSIG, "Reference").collect();
    let [reference] = references[..] else {
        return Err(XmlDsigError::Unsupported("more or less than one Reference"));
    };
    let reference_id = tree
        .get(reference)
        .attr("URI")
        .and_then(|uri| uri.strip_prefix('#'))
        .filter(|id| !id.is_empty())
        .ok_or(XmlDsigError::Unsupported("Reference URI other than #ID"))?
        .to_owned();
    let reference_prefixes = reference_transforms(&tree, reference)?;
    let digest_algorithm = match algorithm(&tree, required(&tree, reference, "DigestMethod")?)? {
        ALG_SHA256 => DigestAlgorithm::Sha256,
        ALG_SHA1 => DigestAlgorithm::Sha1,
        _ => return Err(XmlDsigError::Unsupported("digest method")),
    };
    let expected_digest = base64_content(&tree, required(&tree, reference, "DigestValue")?)?;
    let signature_value = base64_content(&tree, required(&tree, signature, "SignatureValue")?)?;

    let certificate_der = certificate(&tree, signature)?;
    let info_cert = cert::read(&certificate_der)?;

    // 1. The signature over SignedInfo.
    let canonical_info = canonicalize(&tree, info, None, &info_prefixes);
    cert::verify_rsa(
        &info_cert.spki,
        signature_algorithm,
        canonical_info.as_bytes(),
        &signature_value,
    )?;

    // 2. The digest of the referenced element, the signature removed.
    let target = find_by_id(&tree, &reference_id)?;
    if !tree.is_ancestor_or_self(target, signature) || target == signature {
        return Err(XmlDsigError::NotEnveloped);
    }
    let signed_xml = canonicalize(&tree, target, Some(signature), &reference_prefixes);
    let computed = match digest_algorithm {
        DigestAlgorithm::Sha256 => digest(&SHA256, signed_xml.as_bytes()),
        DigestAlgorithm::Sha1 => digest(&SHA1_FOR_LEGACY_USE_ONLY, signed_xml.as_bytes()),
    };
    if computed.as_ref() != expected_digest.as_slice() {
        return Err(XmlDsigError::DigestMismatch);
    }

    // 3. Trust.
    let trust = match trusted {
        None => Trust::NotChecked,
        Some(trusted) => cert::check_trust(&certificate_der, trusted)?,
    };

    Ok(VerifiedSignature {
        reference_id,
        signature_algorithm,
        digest_algorithm,
        certificate_der,
        subject_dn: info_cert.subject_dn,
        not_before: info_cert.not_before,
        not_after: info_cert.not_after,
        trust,
        signed_xml,
    })
}

fn required(tree: &Tree, parent: ElemId, local: &'static str) -> Result<ElemId, XmlDsigError> {
    tree.child(parent, NS_DSIG, local)
        .ok_or(XmlDsigError::Structure(local))
}

fn algorithm(tree: &Tree, element: ElemId) -> Result<&str, XmlDsigError> {
    tree.get(element)
        .attr("Algorithm")
        .ok_or(XmlDsigError::Structure("Algorithm attribute"))
}

/// The PrefixList of an `ec:InclusiveNamespaces` child, if any.
fn inclusive_prefixes(tree: &Tree, method: ElemId) -> Vec<String> {
    tree.child(method, ALG_EXC_C14N, "InclusiveNamespaces")
        .and_then(|e| tree.get(e).attr("PrefixList"))
        .map(parse_prefix_list)
        .unwrap_or_default()
}

/// Accepts exactly enveloped-signature then exc-c14n; returns the exc-c14n PrefixList.
fn reference_transforms(tree: &Tree, reference: ElemId) -> Result<Vec<String>, XmlDsigError> {
    let transforms = required(tree, reference, "Transforms")?;
    let list: Vec<ElemId> = tree
        .children_named(transforms, NS_DSIG, "Transform")
        .collect();
    let [enveloped, c14n] = list[..] else {
        return Err(XmlDsigError::Unsupported(
            "transforms other than enveloped + exc-c14n",
        ));
    };
    if algorithm(tree, enveloped)? != ALG_ENVELOPED || algorithm(tree, c14n)? != ALG_EXC_C14N {
        return Err(XmlDsigError::Unsupported(
            "transforms other than enveloped + exc-c14n",
        ));
    }
    Ok(inclusive_prefixes(tree, c14n))
}

fn base64_content(tree: &Tree, element: ElemId) -> Result<Vec<u8>, XmlDsigError> {
    let text: String = tree
        .text(element)
        .chars()
        .filter(|c| !is_xml_space(*c))
        .collect();
    STANDARD
        .decode(text)
        .map_err(|_| XmlDsigError::Structure("invalid base64"))
}

fn certificate(tree: &Tree, signature: ElemId) -> Result<Vec<u8>, XmlDsigError> {
    let key_info = required(tree, signature, "KeyInfo")?;
    let data = required(tree, key_info, "X509Data")?;
    let certificate = required(tree, data, "X509Certificate")?;
    base64_content(tree, certificate)
}
