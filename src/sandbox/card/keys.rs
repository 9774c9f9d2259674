//! The sandbox card's keys, made at every start and never written to disk: a small test CA
//! (ECDSA P-256) and the card's RSA 2048 authentication key and certificate, whose subject
//! carries the holder (CN and serialNumber: national id; surname; givenName).

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, RsaKeySize,
};
use zeroize::Zeroizing;

use super::VirtualCardError;

/// A card's key material.
pub struct CardKeys {
    /// The test CA certificate (DER), to trust in tests.
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

/// Makes the CA, then the card key and certificate for this holder.
pub fn generate(
    national_id: &str,
    given: &str,
    family: &str,
) -> Result<CardKeys, VirtualCardError> {
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut ca_params = CertificateParams::default();
    let mut ca_name = DistinguishedName::new();
    ca_name.push(DnType::CountryName, "FR");
    ca_name.push(DnType::OrganizationName, "Chevet SANDBOX");
    ca_name.push(
        DnType::CommonName,
        "AC de test des cartes CPS du bac à sable Chevet",
    );
    ca_params.distinguished_name = ca_name;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key)?;
    let ca_der = ca_cert.der().to_vec();
    let issuer = Issuer::new(ca_params, ca_key);

    let card_key = KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)?;
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CountryName, "FR");
    name.push(DnType::OrganizationName, "CPS de test (bac à sable Chevet)");
    name.push(DnType::CommonName, national_id);
    name.push(DnType::CustomDnType(vec![2, 5, 4, 5]), national_id);
    name.push(DnType::CustomDnType(vec![2, 5, 4, 4]), family);
    name.push(DnType::CustomDnType(vec![2, 5, 4, 42]), given);
    params.distinguished_name = name;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&card_key, &issuer)?;
    Ok(CardKeys {
        ca_der,
        certificate_der: cert.der().to_vec(),
        key_pkcs8: Zeroizing::new(card_key.serialize_der()),
    })
}
