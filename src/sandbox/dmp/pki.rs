//! The sandbox's test PKI, generated at every start: a CA, the DMP server's certificate for
//! 127.0.0.1, the establishment's authentication certificate (mutual TLS) and signing
//! certificate (VIHF, XAdES), and a professional's card certificate (direct mode). Nothing of it
//! is written to disk; it dies with the process. The certificate-making pieces (`test_ca`,
//! `localhost_server`, `leaf`, `dn`) also make the INSi's PKI.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, RsaKeySize, SanType,
};

/// A certificate with its private key, PEM.
#[derive(Clone)]
pub struct Identity {
    pub cert_pem: String,
    pub cert_der: Vec<u8>,
    pub key_pem: String,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(…)")
    }
}

/// The whole test PKI.
#[derive(Debug, Clone)]
pub struct TestPki {
    pub ca_pem: String,
    pub ca_der: Vec<u8>,
    pub server: Identity,
    /// ORG AUTH_CLI: the establishment's TLS client certificate.
    pub structure_auth: Identity,
    /// ORG SIGN: signs the VIHF and the XAdES of fed documents (RSA, as the DMP requires).
    pub structure_sign: Identity,
    /// A CPS card's authentication/signature certificate (RSA).
    pub card: Identity,
}

/// Why the PKI could not be made.
#[derive(Debug, thiserror::Error)]
#[error("test PKI generation failed: {0}")]
pub struct PkiError(#[from] rcgen::Error);

impl PkiError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// A distinguished name of these attributes, in order.
pub(crate) fn dn(pairs: &[(DnType, &str)]) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    for (kind, value) in pairs {
        name.push(kind.clone(), *value);
    }
    name
}

/// A certificate for `key` issued by `issuer`: signature and key encipherment, these extended
/// usages and alternative names.
pub(crate) fn leaf(
    issuer: &Issuer<'_, KeyPair>,
    name: DistinguishedName,
    key: KeyPair,
    usages: Vec<ExtendedKeyUsagePurpose>,
    sans: Vec<SanType>,
) -> Result<Identity, PkiError> {
    let mut params = CertificateParams::default();
    params.distinguished_name = name;
    params.extended_key_usages = usages;
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    params.subject_alt_names = sans;
    let cert = params.signed_by(&key, issuer)?;
    Ok(Identity {
        cert_pem: cert.pem(),
        cert_der: cert.der().to_vec(),
        key_pem: key.serialize_pem(),
    })
}

/// A self-signed ECDSA P-256 CA (`C=FR, O=Chevet SANDBOX, CN=common_name`): its PEM, its DER,
/// and the issuer that signs the leaves.
pub(crate) fn test_ca(
    common_name: &str,
) -> Result<(String, Vec<u8>, Issuer<'static, KeyPair>), PkiError> {
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut ca_params = CertificateParams::default();
    ca_params.distinguished_name = dn(&[
        (DnType::CountryName, "FR"),
        (DnType::OrganizationName, "Chevet SANDBOX"),
        (DnType::CommonName, common_name),
    ]);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key)?;
    Ok((
        ca_cert.pem(),
        ca_cert.der().to_vec(),
        Issuer::new(ca_params, ca_key),
    ))
}

/// A server certificate (ECDSA P-256) named `common_name`, valid for 127.0.0.1 and `localhost`.
pub(crate) fn localhost_server(
    issuer: &Issuer<'_, KeyPair>,
    common_name: &str,
) -> Result<Identity, PkiError> {
    leaf(
        issuer,
        dn(&[(DnType::CommonName, common_name)]),
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?,
        vec![ExtendedKeyUsagePurpose::ServerAuth],
        vec![
            SanType::IpAddress(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST)),
            SanType::DnsName("localhost".try_into()?),
        ],
    )
}

/// Generates the PKI for a structure (`structure_id`: Identifiant_Structure, e.g. `1750999013`)
/// and a professional (`national_id`: idNat_PS).
pub fn generate(structure_id: &str, national_id: &str) -> Result<TestPki, PkiError> {
    let (ca_pem, ca_der, issuer) = test_ca("AC de test du bac à sable Chevet")?;
    let server = localhost_server(&issuer, "dmp.sandbox.chevet")?;
    let org = |cn: &str| {
        dn(&[
            (DnType::CountryName, "FR"),
            (
                DnType::OrganizationName,
                "Centre hospitalier de démonstration Chevet",
            ),
            (DnType::OrganizationalUnitName, structure_id),
            (DnType::CommonName, cn),
        ])
    };
    let structure_auth = leaf(
        &issuer,
        org("CH Chevet ORG AUTH_CLI"),
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?,
        vec![ExtendedKeyUsagePurpose::ClientAuth],
        Vec::new(),
    )?;
    let structure_sign = leaf(
        &issuer,
        org("CH Chevet ORG SIGN"),
        KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)?,
        Vec::new(),
        Vec::new(),
    )?;
    let card = leaf(
        &issuer,
        dn(&[
            (DnType::CountryName, "FR"),
            (DnType::OrganizationName, "CPS de test"),
            (DnType::CommonName, national_id),
        ]),
        KeyPair::generate_rsa_for(&PKCS_RSA_SHA256, RsaKeySize::_2048)?,
        vec![ExtendedKeyUsagePurpose::ClientAuth],
        Vec::new(),
    )?;
    Ok(TestPki {
        ca_pem,
        ca_der,
        server,
        structure_auth,
        structure_sign,
        card,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn certificates_chain_to_the_ca() {
        let pki = generate("1750999013", "810101234567").expect("pki");
        assert!(pki.ca_pem.starts_with("-----BEGIN CERTIFICATE-----"));
        for id in [
            &pki.server,
            &pki.structure_auth,
            &pki.structure_sign,
            &pki.card,
        ] {
            assert!(id.key_pem.contains("PRIVATE KEY"));
            assert!(!id.cert_der.is_empty());
        }
        // The server certificate is accepted by a verifier that trusts only the CA.
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(pki.ca_der))
            .expect("ca");
        assert_eq!(roots.len(), 1);
    }
}
