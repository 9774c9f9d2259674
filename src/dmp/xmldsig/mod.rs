//! XML Signature (enveloped) over documents Chevet generates — the VIHF assertion today —
//! and its verification, as the sandbox DMP server needs to check incoming VIHFs.
//!
//! What is written: one `ds:Signature` with Exclusive Canonicalization 1.0, a Reference
//! `URI="#ID"` with the enveloped-signature and exc-c14n transforms (PrefixList
//! [`REFERENCE_INCLUSIVE_PREFIXES`]), SHA-256 digest, RSA PKCS#1 v1.5 SHA-256 signature and
//! `KeyInfo/X509Data/X509Certificate`. What is read: the same, and also rsa-sha1 / sha1 (the
//! agency's 2019–2020 samples); nothing else (no other transforms, no other URIs).
//!
//! Files: `tree` (parsed XML with byte spans), `c14n` (exclusive canonicalisation), `sign`,
//! `verify`, `cert` (X.509 subject DN in RFC 2253 form, RSA checks, trust), `software_signer`
//! (a [`Signer`](crate::dmp::signer::Signer) from PEM or PKCS#12 files), `encoding` (bytes →
//! text, ISO-8859-1 without declaration included). Errors never carry key material, text
//! content or names: only what is wrong and where.

mod c14n;
mod cert;
mod encoding;
mod sign;
mod software_signer;
pub(crate) mod tree;
mod verify;

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(test)]
mod c14n_tests;
#[cfg(test)]
mod sample_tests;
#[cfg(test)]
mod sign_tests;

pub use cert::subject_dn_rfc2253;

/// Exclusive XML canonicalisation (without comments, no InclusiveNamespaces) of a standalone
/// document or fragment: what XAdES signs for SignedInfo and its references.
pub fn exc_c14n(xml: &str) -> Result<String, XmlDsigError> {
    let tree = tree::Tree::parse(xml)?;
    Ok(c14n::canonicalize(&tree, tree.root, None, &[]))
}
pub use encoding::decode_xml_bytes;
pub use sign::{Placement, sign_enveloped};
pub use software_signer::SoftwareSigner;
pub use verify::{DigestAlgorithm, SignatureAlgorithm, Trust, VerifiedSignature, verify_enveloped};

use crate::dmp::signer::SignError;

/// The XML Signature namespace.
pub const NS_DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Exclusive XML Canonicalization 1.0 without comments (also the namespace of
/// `InclusiveNamespaces`).
pub const ALG_EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// The enveloped-signature transform.
pub const ALG_ENVELOPED: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// RSA PKCS#1 v1.5 with SHA-256.
pub const ALG_RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// RSA PKCS#1 v1.5 with SHA-1 (verification only).
pub const ALG_RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
/// SHA-256 digest.
pub const ALG_SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
/// SHA-1 digest (verification only).
pub const ALG_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";

/// PrefixList written on the Reference's exc-c14n transform. The agency kit writes
/// `ds saml #default xsi`; of those only `xsi` is bound on the assertion element itself. The
/// others (and `xs`) would be taken from whatever encloses the assertion when it is checked:
/// a SOAP envelope declaring a default namespace or a `ds`/`saml`/`xs` prefix would change
/// the digest of an assertion signed on its own. So only `xsi` is listed, and a signed VIHF
/// can be put into any envelope unchanged.
pub const REFERENCE_INCLUSIVE_PREFIXES: &str = "xsi";

/// Why a document could not be signed or its signature could not be verified.
#[derive(Debug, thiserror::Error)]
pub enum XmlDsigError {
    #[error("malformed XML near byte {position}: {reason}")]
    Xml { position: usize, reason: String },
    #[error("XML refused: {0}")]
    Refused(&'static str),
    #[error("no element carries the referenced ID")]
    IdNotFound,
    #[error("several elements carry the referenced ID")]
    IdNotUnique,
    #[error("the element after which the signature goes was not found")]
    PlacementNotFound,
    #[error("expected exactly one ds:Signature, found {0}")]
    SignatureCount(usize),
    #[error("malformed signature: {0}")]
    Structure(&'static str),
    #[error("unsupported signature feature: {0}")]
    Unsupported(&'static str),
    #[error("the signature is not inside the element it signs")]
    NotEnveloped,
    #[error("unusable certificate: {0}")]
    Certificate(&'static str),
    #[error("unusable private key: {0}")]
    Key(&'static str),
    #[error("the signature value does not match the signed information")]
    BadSignatureValue,
    #[error("the signed content was changed: digest mismatch")]
    DigestMismatch,
    #[error("the certificate is neither the trusted one nor issued by it")]
    Untrusted,
    #[error(transparent)]
    Sign(#[from] SignError),
}

impl XmlDsigError {
    /// Only a signing device may work on a second try (card inserted again); a malformed
    /// document or a bad signature stays so.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Sign(e) => e.is_retryable(),
            _ => false,
        }
    }
}
