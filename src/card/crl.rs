//! Certificate revocation lists (RFC 5280 §5), as the card's trust needs them: where a
//! certificate says its list is (`crlDistributionPoints`, HTTP and HTTPS only), and a list
//! checked against the authority that must have signed it — issuer name, signature, `cRLSign`,
//! complete (no delta, no indirect list) — with its dates and the serials it revokes. Pure:
//! fetching and caching are `card::revocation`.

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::FromDer;
use x509_parser::revocation_list::CertificateRevocationList;

/// Why a revocation list cannot be used. No variant quotes the list or a certificate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CrlError {
    #[error("the revocation list cannot be parsed")]
    Malformed,
    /// Issued by another authority than the certificate's.
    #[error("the revocation list is not from the certificate's authority")]
    WrongIssuer,
    #[error("the revocation list's signature does not verify")]
    BadSignature,
    /// A delta or indirect list, or one the authority may not sign (`cRLSign` missing).
    #[error("the revocation list is of a kind not supported")]
    Unsupported,
    /// Its `thisUpdate` is in the future (the workstation's clock, or a forged list).
    #[error("the revocation list is not valid yet")]
    NotYetValid,
}

impl CrlError {
    pub fn is_retryable(&self) -> bool {
        false
    }

    /// Every variant means the list could not be used to check the card.
    pub fn message_id(&self) -> &'static str {
        "error-card-crl-unavailable"
    }
}

/// A list checked against its authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCrl {
    /// `thisUpdate`, Unix seconds.
    pub this_update: i64,
    /// `nextUpdate`, Unix seconds (`None`: the list does not say; treated as stale at once).
    pub next_update: Option<i64>,
    /// The revoked serial numbers, big-endian bytes without leading zeros.
    revoked: Vec<Vec<u8>>,
}

impl CheckedCrl {
    /// Whether the certificate with this serial (DER INTEGER content) is on the list.
    pub fn revokes(&self, raw_serial: &[u8]) -> bool {
        let serial = trim_serial(raw_serial);
        self.revoked.iter().any(|r| r.as_slice() == serial)
    }

    /// Still current at `now`: before its `nextUpdate`.
    pub fn is_current(&self, now: i64) -> bool {
        self.next_update.is_some_and(|next| now <= next)
    }

    pub fn revoked_count(&self) -> usize {
        self.revoked.len()
    }
}

fn trim_serial(raw: &[u8]) -> &[u8] {
    let start = raw.iter().position(|b| *b != 0).unwrap_or(raw.len());
    &raw[start..]
}

/// The HTTP(S) addresses of the certificate's revocation list, in its order (LDAP and other
/// schemes are left out).
pub fn distribution_points(cert_der: &[u8]) -> Vec<String> {
    let Ok(([], cert)) = X509Certificate::from_der(cert_der) else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for ext in cert.extensions() {
        let ParsedExtension::CRLDistributionPoints(points) = ext.parsed_extension() else {
            continue;
        };
        for point in points.iter() {
            let Some(DistributionPointName::FullName(names)) = &point.distribution_point else {
                continue;
            };
            for name in names {
                if let GeneralName::URI(uri) = name {
                    let lower = uri.to_ascii_lowercase();
                    if (lower.starts_with("http://") || lower.starts_with("https://"))
                        && !urls.iter().any(|u| u == uri)
                    {
                        urls.push((*uri).to_owned());
                    }
                }
            }
        }
    }
    urls
}

/// Delta CRL indicator (RFC 5280 §5.2.4).
const DELTA_CRL_INDICATOR: &str = "2.5.29.27";

/// Checks that `crl_der` is a complete list signed by `authority_der`, covering the kind of
/// certificate checked (`of_authority`: an intermediate authority rather than a card), and not
/// dated in the future (`now`, Unix seconds; a passed `nextUpdate` is for the caller to judge).
pub fn check(
    crl_der: &[u8],
    authority_der: &[u8],
    of_authority: bool,
    now: i64,
) -> Result<CheckedCrl, CrlError> {
    let Ok(([], crl)) = CertificateRevocationList::from_der(crl_der) else {
        return Err(CrlError::Malformed);
    };
    let Ok(([], authority)) = X509Certificate::from_der(authority_der) else {
        return Err(CrlError::Malformed);
    };
    if crl.issuer().as_raw() != authority.subject().as_raw() {
        return Err(CrlError::WrongIssuer);
    }
    let may_sign = authority
        .key_usage()
        .map_err(|_| CrlError::Malformed)?
        .is_none_or(|ku| ku.value.crl_sign());
    if !may_sign {
        return Err(CrlError::Unsupported);
    }
    crl.verify_signature(authority.public_key())
        .map_err(|_| CrlError::BadSignature)?;
    for ext in crl.extensions() {
        let unsupported = match ext.parsed_extension() {
            ParsedExtension::IssuingDistributionPoint(idp) => {
                idp.indirect_crl
                    || idp.only_contains_attribute_certs
                    || idp.only_some_reasons.is_some()
                    || (idp.only_contains_ca_certs && !of_authority)
                    || (idp.only_contains_user_certs && of_authority)
            }
            other => {
                ext.oid.to_id_string() == DELTA_CRL_INDICATOR
                    || (ext.critical && other.unsupported())
            }
        };
        if unsupported {
            return Err(CrlError::Unsupported);
        }
    }
    let this_update = crl.last_update().timestamp();
    if this_update > now {
        return Err(CrlError::NotYetValid);
    }
    let revoked = crl
        .iter_revoked_certificates()
        .map(|r| trim_serial(r.raw_serial()).to_vec())
        .collect();
    Ok(CheckedCrl {
        this_update,
        next_update: crl.next_update().map(|t| t.timestamp()),
        revoked,
    })
}

/// The raw serial (DER INTEGER content) of a certificate.
pub fn serial_of(cert_der: &[u8]) -> Option<Vec<u8>> {
    match X509Certificate::from_der(cert_der) {
        Ok(([], cert)) => Some(cert.raw_serial().to_vec()),
        _ => None,
    }
}
