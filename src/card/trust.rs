//! Whether a card's authentication certificate chains to a configured IGC-Santé root: the
//! anchors (roots and intermediate authorities, from PEM or DER files), the path from the
//! card's certificate up to a root — each link's issuer name, signature, validity dates,
//! `basicConstraints` and `keyUsage` —, the certificate's SHA-256 fingerprint that binds a
//! session to it, and `TrustError`. Revocation is `card::revocation`; nothing here does I/O
//! but reading the anchor files.

use std::path::PathBuf;

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::ParsedExtension;
use x509_parser::oid_registry::{OID_PKCS1_SHA1WITHRSA, OID_SHA1_WITH_RSA};
use x509_parser::prelude::FromDer;

/// Longest chain accepted: the card's certificate, up to 3 authorities, the root.
const MAX_DEPTH: usize = 5;

/// Why a card's certificate is not trusted. Variants carry no certificate content (a forged
/// certificate's names would be a doctor's identity).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    /// No trust root is configured: every card is refused.
    #[error("no card trust root configured")]
    NotConfigured,
    /// A configured root or intermediate file cannot be read or holds no certificate.
    #[error("card trust anchors unusable: {0}")]
    Anchors(String),
    /// The card's certificate is not X.509 DER.
    #[error("the card certificate cannot be parsed")]
    Malformed,
    /// No configured authority issued it (self-signed, or from another authority).
    #[error("the card certificate was not issued by a configured authority")]
    UnknownIssuer,
    /// An authority of the right name exists but its signature does not verify (a forgery),
    /// or uses an algorithm refused (SHA-1).
    #[error("a signature in the card certificate chain does not verify")]
    BadSignature,
    /// An authority in the path may not issue certificates (not a CA, no `keyCertSign`, path
    /// length exceeded, unknown critical extension).
    #[error("an authority in the chain may not issue certificates")]
    NotAnAuthority,
    /// The card's certificate is not for authentication (a CA, no `digitalSignature`, an
    /// unknown critical extension).
    #[error("the card certificate is not an authentication certificate")]
    WrongUsage,
    #[error("the card certificate has expired")]
    Expired,
    #[error("the card certificate is not valid yet")]
    NotYetValid,
    /// An authority of the chain is outside its validity dates.
    #[error("an authority of the card certificate is outside its validity dates")]
    AuthorityNotValid,
    /// The card (or an authority of its chain) is on its authority's revocation list.
    #[error("the card certificate is revoked")]
    Revoked,
    /// No usable revocation list (unreachable, none cached within the grace period, none
    /// named) and the policy refuses cards then.
    #[error("the revocation list could not be checked")]
    RevocationUnavailable,
}

impl TrustError {
    /// Only an unreachable revocation list may clear up by itself.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::RevocationUnavailable)
    }

    /// Fluent id of the message shown at login.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NotConfigured | Self::Anchors(_) => "error-card-trust-not-configured",
            Self::Malformed
            | Self::UnknownIssuer
            | Self::BadSignature
            | Self::NotAnAuthority
            | Self::WrongUsage => "error-card-untrusted",
            Self::Expired => "error-card-expired",
            Self::NotYetValid => "error-card-not-yet-valid",
            Self::AuthorityNotValid => "error-card-authority-not-valid",
            Self::Revoked => "error-card-revoked",
            Self::RevocationUnavailable => "error-card-crl-unavailable",
        }
    }

    /// Short code for the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotConfigured | Self::Anchors(_) => "trust-not-configured",
            Self::Malformed => "certificate-malformed",
            Self::UnknownIssuer => "unknown-issuer",
            Self::BadSignature => "bad-chain-signature",
            Self::NotAnAuthority => "not-an-authority",
            Self::WrongUsage => "wrong-usage",
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::AuthorityNotValid => "authority-not-valid",
            Self::Revoked => "revoked",
            Self::RevocationUnavailable => "crl-unavailable",
        }
    }
}

/// The configured roots and the intermediate authorities known besides the card's own.
#[derive(Clone, Default)]
pub struct TrustAnchors {
    roots: Vec<Vec<u8>>,
    intermediates: Vec<Vec<u8>>,
}

impl std::fmt::Debug for TrustAnchors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TrustAnchors({} roots, {} intermediates)",
            self.roots.len(),
            self.intermediates.len()
        )
    }
}

impl TrustAnchors {
    /// Anchors from DER certificates; each must parse.
    pub fn new(roots: Vec<Vec<u8>>, intermediates: Vec<Vec<u8>>) -> Result<Self, TrustError> {
        for der in roots.iter().chain(&intermediates) {
            parse(der).map_err(|_| TrustError::Anchors("a certificate is not X.509".into()))?;
        }
        Ok(Self {
            roots,
            intermediates,
        })
    }

    /// Anchors from files, each PEM (one or several certificates) or DER.
    pub fn from_files(roots: &[PathBuf], intermediates: &[PathBuf]) -> Result<Self, TrustError> {
        let read = |paths: &[PathBuf]| -> Result<Vec<Vec<u8>>, TrustError> {
            let mut all = Vec::new();
            for path in paths {
                let bytes = std::fs::read(path).map_err(|e| {
                    TrustError::Anchors(format!("{}: {}", path.display(), e.kind()))
                })?;
                let found = certificates_in(&bytes);
                if found.is_empty() {
                    return Err(TrustError::Anchors(format!(
                        "{}: no certificate",
                        path.display()
                    )));
                }
                all.extend(found);
            }
            Ok(all)
        };
        Self::new(read(roots)?, read(intermediates)?)
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    pub fn roots(&self) -> &[Vec<u8>] {
        &self.roots
    }
}

/// The certificates in a file: every `CERTIFICATE` block of a PEM file, else the file as DER.
pub fn certificates_in(bytes: &[u8]) -> Vec<Vec<u8>> {
    if bytes.starts_with(&[0x30]) {
        return parse(bytes)
            .map(|_| vec![bytes.to_vec()])
            .unwrap_or_default();
    }
    x509_parser::pem::Pem::iter_from_buffer(bytes)
        .filter_map(Result::ok)
        .filter(|pem| pem.label == "CERTIFICATE" && parse(&pem.contents).is_ok())
        .map(|pem| pem.contents)
        .collect()
}

/// The SHA-256 of a certificate (DER), lower-case hex: what a session is bound to.
pub fn certificate_sha256(der: &[u8]) -> String {
    hex::encode(aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, der))
}

/// A verified path: the card's certificate first, the configured root last.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    pub certificates: Vec<Vec<u8>>,
}

impl std::fmt::Debug for VerifiedChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "VerifiedChain({} certificates)", self.certificates.len())
    }
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, TrustError> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        _ => Err(TrustError::Malformed),
    }
}

/// Whether `cert` is inside its validity dates at `now` (Unix seconds).
fn dates(cert: &X509Certificate<'_>, now: i64) -> Result<(), TrustError> {
    let validity = cert.validity();
    if now < validity.not_before.timestamp() {
        Err(TrustError::NotYetValid)
    } else if now > validity.not_after.timestamp() {
        Err(TrustError::Expired)
    } else {
        Ok(())
    }
}

/// An extension marked critical that this parser does not understand (RFC 5280: refuse).
fn unknown_critical(cert: &X509Certificate<'_>) -> bool {
    cert.extensions()
        .iter()
        .any(|e| e.critical && e.parsed_extension().unsupported())
}

/// The card's certificate is for authentication: not a CA, `digitalSignature` when
/// `keyUsage` is present, no unknown critical extension.
fn end_entity(cert: &X509Certificate<'_>) -> Result<(), TrustError> {
    let is_ca = cert
        .basic_constraints()
        .map_err(|_| TrustError::Malformed)?
        .is_some_and(|bc| bc.value.ca);
    let signs = cert
        .key_usage()
        .map_err(|_| TrustError::Malformed)?
        .is_none_or(|ku| ku.value.digital_signature());
    if is_ca || !signs || unknown_critical(cert) {
        return Err(TrustError::WrongUsage);
    }
    Ok(())
}

/// `authority` may issue `below` more authorities under it (then the card's certificate).
fn may_issue(authority: &X509Certificate<'_>, below: usize, is_root: bool) -> bool {
    let Ok(bc) = authority.basic_constraints() else {
        return false;
    };
    let bc_ok = match bc {
        Some(bc) => {
            bc.value.ca
                && bc
                    .value
                    .path_len_constraint
                    .is_none_or(|max| below <= max as usize)
        }
        // A v1 root without extensions is still a root; an intermediate must say it is a CA.
        None => is_root,
    };
    let ku_ok = match authority.key_usage() {
        Ok(ku) => ku.is_none_or(|ku| ku.value.key_cert_sign()),
        Err(_) => false,
    };
    bc_ok && ku_ok && !unknown_critical(authority)
}

/// The key identifiers, when both sides carry one, agree.
fn key_ids_match(child: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    let aki = child
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::AuthorityKeyIdentifier(aki) => {
                aki.key_identifier.as_ref().map(|k| k.0)
            }
            _ => None,
        });
    let ski = issuer
        .extensions()
        .iter()
        .find_map(|e| match e.parsed_extension() {
            ParsedExtension::SubjectKeyIdentifier(ski) => Some(ski.0),
            _ => None,
        });
    match (aki, ski) {
        (Some(a), Some(s)) => a == s,
        _ => true,
    }
}

/// `child` is signed by `issuer`'s key, with an algorithm accepted (SHA-1 is not).
fn signed_by(child: &X509Certificate<'_>, issuer: &X509Certificate<'_>) -> bool {
    let algorithm = &child.signature_algorithm.algorithm;
    if *algorithm == OID_PKCS1_SHA1WITHRSA || *algorithm == OID_SHA1_WITH_RSA {
        return false;
    }
    child.verify_signature(Some(issuer.public_key())).is_ok()
}

/// Verifies the path from `leaf` (the card's certificate) up to a configured root, through the
/// configured intermediates and those the card holds (`card_cas`), at `now` (Unix seconds).
pub fn verify_chain(
    anchors: &TrustAnchors,
    leaf: &[u8],
    card_cas: &[Vec<u8>],
    now: i64,
) -> Result<VerifiedChain, TrustError> {
    if anchors.is_empty() {
        return Err(TrustError::NotConfigured);
    }
    let cert = parse(leaf)?;
    end_entity(&cert)?;
    dates(&cert, now)?;
    let mut candidates: Vec<(&[u8], bool)> = Vec::new();
    for (der, is_root) in anchors.roots.iter().map(|d| (d, true)).chain(
        anchors
            .intermediates
            .iter()
            .chain(card_cas)
            .map(|d| (d, false)),
    ) {
        if !candidates.iter().any(|(known, _)| *known == der.as_slice()) {
            candidates.push((der, is_root));
        }
    }
    let mut path = vec![leaf];
    climb(&candidates, &cert, &mut path, now)?;
    Ok(VerifiedChain {
        certificates: path.into_iter().map(<[u8]>::to_vec).collect(),
    })
}

/// Extends `path` (ending with `current`) to a root, trying every authority of the right name;
/// on failure, the most telling reason among the candidates tried.
fn climb<'a>(
    candidates: &[(&'a [u8], bool)],
    current: &X509Certificate<'_>,
    path: &mut Vec<&'a [u8]>,
    now: i64,
) -> Result<(), TrustError> {
    let mut failure = TrustError::UnknownIssuer;
    for &(der, is_root) in candidates {
        if path.contains(&der) {
            continue;
        }
        let Ok(authority) = parse(der) else { continue };
        if authority.subject().as_raw() != current.issuer().as_raw()
            || !key_ids_match(current, &authority)
        {
            continue;
        }
        // Authorities between this one and the card's certificate.
        let below = path.len() - 1;
        let step = if !signed_by(current, &authority) {
            Err(TrustError::BadSignature)
        } else if !may_issue(&authority, below, is_root) {
            Err(TrustError::NotAnAuthority)
        } else if dates(&authority, now).is_err() {
            Err(TrustError::AuthorityNotValid)
        } else {
            Ok(())
        };
        if let Err(e) = step {
            failure = e;
            continue;
        }
        path.push(der);
        if is_root {
            return Ok(());
        }
        if path.len() < MAX_DEPTH {
            match climb(candidates, &authority, path, now) {
                Ok(()) => return Ok(()),
                Err(TrustError::UnknownIssuer) => {}
                Err(e) => failure = e,
            }
        }
        path.pop();
    }
    Err(failure)
}
