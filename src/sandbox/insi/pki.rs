//! The sandbox INSi's test PKI, generated at every start and never written to disk: a CA
//! named like the test IGC-Santé one, the service's certificate for 127.0.0.1, and the
//! establishment's ORG certificates (OU = the structure's id) whose CN is `INSI-AUTO`,
//! `INSI-MANU`, or anything else (which the service refuses with DESIR_560).

use rcgen::{DnType, ExtendedKeyUsagePurpose, KeyPair, PKCS_ECDSA_P256_SHA256};

use crate::sandbox::dmp::pki::{Identity, PkiError, dn, leaf, localhost_server, test_ca};

/// The `Emetteur` of the sandbox establishment: the OU of its certificates.
pub const SANDBOX_EMETTEUR: &str = "10B0999013";

/// CN of the automatic-access certificate.
pub const CN_AUTO: &str = "INSI-AUTO";
/// CN of the manual-access certificate.
pub const CN_MANU: &str = "INSI-MANU";
/// CN of a structure certificate that is not an INSi one (refused with DESIR_560).
pub const CN_OTHER: &str = "CH Chevet ORG AUTH_CLI";

/// The whole test PKI of the sandbox INSi.
#[derive(Debug, Clone)]
pub struct InsiPki {
    pub ca_pem: String,
    pub ca_der: Vec<u8>,
    pub server: Identity,
    /// CN `INSI-AUTO`.
    pub auto: Identity,
    /// CN `INSI-MANU`.
    pub manu: Identity,
    /// CN [`CN_OTHER`]: chains to the CA, refused by the service.
    pub other: Identity,
}

/// Generates the PKI.
pub fn generate() -> Result<InsiPki, PkiError> {
    let (ca_pem, ca_der, issuer) =
        test_ca("TEST AC IGC-SANTE ELEMENTAIRE ORGANISATIONS (bac à sable Chevet)")?;
    let server = localhost_server(&issuer, "insi.sandbox.chevet")?;
    let org = |cn: &str| {
        dn(&[
            (DnType::CountryName, "FR"),
            (
                DnType::OrganizationName,
                crate::sandbox::demo::SANDBOX_ESTABLISHMENT_NAME,
            ),
            (DnType::OrganizationalUnitName, SANDBOX_EMETTEUR),
            (DnType::CommonName, cn),
        ])
    };
    let client = |cn: &str| {
        leaf(
            &issuer,
            org(cn),
            KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?,
            vec![ExtendedKeyUsagePurpose::ClientAuth],
            Vec::new(),
        )
    };
    Ok(InsiPki {
        ca_pem,
        ca_der,
        server,
        auto: client(CN_AUTO)?,
        manu: client(CN_MANU)?,
        other: client(CN_OTHER)?,
    })
}

/// The CN of a certificate's subject.
pub fn common_name(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .map(str::to_owned)
}
