//! The sandbox's test PKI, shaped like IGC-Santé and made at every start (never written to
//! disk): a root `TEST AC RACINE IGC-SANTE FORTE CHEVET` and an intermediate
//! `TEST AC IGC-SANTE FORTE PERSONNES CHEVET` (ECDSA P-256) that issues the cards' RSA 2048
//! authentication certificates — subject: CN and serialNumber the national id, surname,
//! givenName; the distribution point of the intermediate's revocation list — and signs that
//! list. It also makes the cards a real deployment must refuse: revoked, expired, self-signed
//! or from another authority named like the intermediate (`CardKind`).

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CrlDistributionPoint,
    DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, RevocationReason, RevokedCertParams,
    RsaKeySize, SerialNumber,
};
use zeroize::Zeroizing;

use super::VirtualCardError;

pub const ROOT_NAME: &str = "TEST AC RACINE IGC-SANTE FORTE CHEVET";
pub const INTERMEDIATE_NAME: &str = "TEST AC IGC-SANTE FORTE PERSONNES CHEVET";

/// A card's key material.
pub struct CardKeys {
    /// The authority that issued the card's certificate (DER; empty for a self-signed one):
    /// the card carries it in its authorities' file.
    pub ca_der: Vec<u8>,
    /// The card's authentication certificate (DER).
    pub certificate_der: Vec<u8>,
    /// The card's private key, PKCS#8 DER.
    pub key_pkcs8: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for CardKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CardKeys(…)")
    }
}

/// Which certificate a sandbox card carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardKind {
    /// Issued by the test intermediate, valid, not revoked.
    Genuine,
    /// Issued by it, then revoked (on its revocation list: card declared lost).
    Revoked,
    /// Issued by it, expired yesterday.
    Expired,
    /// Self-signed, carrying the holder's national id: a forgery.
    ForgedSelfSigned,
    /// From another authority that names itself like the test intermediate: a forgery.
    ForgedOtherAuthority,
}

impl std::str::FromStr for CardKind {
    type Err = VirtualCardError;

    /// `genuine`, `revoked`, `expired`, `forged` (self-signed), `forged-ca`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "" | "genuine" => Self::Genuine,
            "revoked" => Self::Revoked,
            "expired" => Self::Expired,
            "forged" => Self::ForgedSelfSigned,
            "forged-ca" => Self::ForgedOtherAuthority,
            _ => return Err(VirtualCardError::UnknownKind),
        })
    }
}

/// Midnight UTC, `days` from today, as rcgen takes dates.
macro_rules! day {
    ($days:expr) => {{
        let (y, m, d) = ymd($days);
        rcgen::date_time_ymd(y, m, d)
    }};
}

fn ymd(days: i64) -> (i32, u8, u8) {
    use chrono::Datelike;
    let date = chrono::Utc::now().date_naive() + chrono::Duration::days(days);
    // Month and day always fit in a byte.
    (
        date.year(),
        u8::try_from(date.month()).unwrap_or(1),
        u8::try_from(date.day()).unwrap_or(1),
    )
}

fn name(common_name: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CountryName, "FR");
    name.push(DnType::OrganizationName, "CHEVET BAC A SABLE");
    name.push(DnType::OrganizationalUnitName, "IGC-SANTE TEST");
    name.push(DnType::CommonName, common_name);
    name
}

/// A positive random serial (what a real authority uses: 16 unpredictable bytes).
fn random_serial() -> Vec<u8> {
    let mut serial: [u8; 16] = rand::random();
    serial[0] = (serial[0] & 0x7F) | 0x10;
    serial.to_vec()
}

/// An authority: its certificate and what signs with its key.
struct Authority {
    der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

fn authority_params(common_name: &str, path_len: u8, years: i64) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name = name(common_name);
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(path_len));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = day!(-1);
    params.not_after = day!(years * 365);
    params.serial_number = Some(SerialNumber::from(random_serial()));
    params
}

fn self_signed_authority(common_name: &str) -> Result<Authority, VirtualCardError> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let params = authority_params(common_name, 1, 20);
    let der = params.self_signed(&key)?.der().to_vec();
    Ok(Authority {
        der,
        issuer: Issuer::new(params, key),
    })
}

/// The sandbox's authorities and the cards they revoked.
pub struct TestPki {
    root: Authority,
    intermediate: Authority,
    /// Where the cards say the intermediate's list is (none: no distribution point).
    crl_url: Option<String>,
    revoked: Mutex<Vec<Vec<u8>>>,
    crl_number: AtomicU64,
}

impl std::fmt::Debug for TestPki {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestPki")
            .field("crl_url", &self.crl_url)
            .finish_non_exhaustive()
    }
}

impl TestPki {
    /// A root and its intermediate. `crl_base` (e.g. `http://127.0.0.1:4711`): the cards name
    /// `{crl_base}/crl/personnes.crl`, the intermediate `{crl_base}/crl/racine.crl`.
    pub fn generate(crl_base: Option<&str>) -> Result<Self, VirtualCardError> {
        let root = self_signed_authority(ROOT_NAME)?;
        let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
        let mut params = authority_params(INTERMEDIATE_NAME, 0, 10);
        params.use_authority_key_identifier_extension = true;
        if let Some(base) = crl_base {
            params.crl_distribution_points = vec![CrlDistributionPoint {
                uris: vec![format!("{base}/crl/racine.crl")],
            }];
        }
        let der = params.signed_by(&key, &root.issuer)?.der().to_vec();
        Ok(Self {
            root,
            intermediate: Authority {
                der,
                issuer: Issuer::new(params, key),
            },
            crl_url: crl_base.map(|base| format!("{base}/crl/personnes.crl")),
            revoked: Mutex::new(Vec::new()),
            crl_number: AtomicU64::new(1),
        })
    }

    /// The root to trust (DER).
    pub fn root_der(&self) -> &[u8] {
        &self.root.der
    }

    /// The intermediate that issues the cards (DER).
    pub fn intermediate_der(&self) -> &[u8] {
        &self.intermediate.der
    }

    /// Where the cards say their revocation list is.
    pub fn crl_url(&self) -> Option<&str> {
        self.crl_url.as_deref()
    }

    /// Makes a card's key and certificate for this holder, of this kind.
    pub fn issue(
        &self,
        kind: CardKind,
        national_id: &str,
        given: &str,
        family: &str,
    ) -> Result<CardKeys, VirtualCardError> {
        let card_key = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)?;
        let mut params = CertificateParams::default();
        let mut subject = DistinguishedName::new();
        subject.push(DnType::CountryName, "FR");
        subject.push(DnType::OrganizationName, "CPS de test (bac à sable Chevet)");
        subject.push(DnType::CommonName, national_id);
        subject.push(DnType::CustomDnType(vec![2, 5, 4, 5]), national_id);
        subject.push(DnType::CustomDnType(vec![2, 5, 4, 4]), family);
        subject.push(DnType::CustomDnType(vec![2, 5, 4, 42]), given);
        params.distinguished_name = subject;
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let serial = random_serial();
        params.serial_number = Some(SerialNumber::from(serial.clone()));
        params.not_before = day!(-1);
        params.not_after = day!(3 * 365);
        params.use_authority_key_identifier_extension = true;
        if let Some(url) = &self.crl_url {
            params.crl_distribution_points = vec![CrlDistributionPoint {
                uris: vec![url.clone()],
            }];
        }
        let (certificate_der, ca_der) = match kind {
            CardKind::Genuine | CardKind::Revoked | CardKind::Expired => {
                if kind == CardKind::Expired {
                    params.not_before = day!(-3 * 365);
                    params.not_after = day!(-1);
                }
                let cert = params.signed_by(&card_key, &self.intermediate.issuer)?;
                if kind == CardKind::Revoked {
                    self.revoke(&serial);
                }
                (cert.der().to_vec(), self.intermediate.der.clone())
            }
            CardKind::ForgedSelfSigned => {
                params.use_authority_key_identifier_extension = false;
                (params.self_signed(&card_key)?.der().to_vec(), Vec::new())
            }
            CardKind::ForgedOtherAuthority => {
                // Same name as the real intermediate, another key; no key identifier that
                // would give it away at once: only the signature tells.
                let forger = self_signed_authority(INTERMEDIATE_NAME)?;
                params.use_authority_key_identifier_extension = false;
                let cert = params.signed_by(&card_key, &forger.issuer)?;
                (cert.der().to_vec(), forger.der)
            }
        };
        Ok(CardKeys {
            ca_der,
            certificate_der,
            key_pkcs8: Zeroizing::new(card_key.serialize_der()),
        })
    }

    /// Puts a card's serial on the intermediate's revocation list.
    pub fn revoke(&self, serial: &[u8]) {
        let mut revoked = self
            .revoked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if !revoked.iter().any(|s| s == serial) {
            revoked.push(serial.to_vec());
        }
    }

    /// The intermediate's revocation list: issued today, next one due in 7 days.
    pub fn crl_der(&self) -> Result<Vec<u8>, VirtualCardError> {
        self.crl_der_dated(0, 7)
    }

    /// The intermediate's list, issued `this_days` from today and due `next_days` from today
    /// (a stale list: both in the past).
    pub fn crl_der_dated(
        &self,
        this_days: i64,
        next_days: i64,
    ) -> Result<Vec<u8>, VirtualCardError> {
        let revoked = self
            .revoked
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .map(|serial| RevokedCertParams {
                serial_number: SerialNumber::from(serial.clone()),
                revocation_time: day!(this_days.min(0) - 1),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect();
        self.list(&self.intermediate.issuer, revoked, this_days, next_days)
    }

    /// The root's list of revoked authorities (empty: the intermediate is in good standing).
    pub fn arl_der(&self) -> Result<Vec<u8>, VirtualCardError> {
        self.list(&self.root.issuer, Vec::new(), 0, 7)
    }

    fn list(
        &self,
        issuer: &Issuer<'static, KeyPair>,
        revoked_certs: Vec<RevokedCertParams>,
        this_days: i64,
        next_days: i64,
    ) -> Result<Vec<u8>, VirtualCardError> {
        let params = CertificateRevocationListParams {
            this_update: day!(this_days),
            next_update: day!(next_days),
            crl_number: SerialNumber::from(self.crl_number.fetch_add(1, Ordering::Relaxed)),
            issuing_distribution_point: None,
            revoked_certs,
            key_identifier_method: KeyIdMethod::Sha256,
        };
        Ok(params.signed_by(issuer)?.der().to_vec())
    }
}

/// A genuine card's keys for this holder, from the sandbox's shared test PKI.
pub fn generate(
    national_id: &str,
    given: &str,
    family: &str,
) -> Result<CardKeys, VirtualCardError> {
    super::pki::shared()?
        .pki()
        .issue(CardKind::Genuine, national_id, given, family)
}
