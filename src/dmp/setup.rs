//! How Chevet reaches a DMP: the `[dmp]` section of the configuration (base address, the
//! establishment's authentication and signing certificates as PEM files or PKCS#12 bundles,
//! the trust anchors, who the installation is for the VIHF) turned into a ready
//! [`DmpClient`]. The sandbox builds the same [`DmpEndpoint`] from its test PKI.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::pki_types::CertificateDer;
use serde::Deserialize;

use super::client::{DmpClient, DmpSettings};
use super::signer::Signer;
use super::transport::{CredentialError, Timeouts, TlsIdentity, Transport, trust_anchors};
use super::vihf::{AuthMode, Lps};
use super::xmldsig::SoftwareSigner;

/// Environment variable holding the password of the PKCS#12 bundles named in `[dmp]`.
pub const PKCS12_PASSWORD_VAR: &str = "CHEVET_DMP_PKCS12_PASSWORD";

/// A certificate with its private key: PEM files or a PKCS#12 bundle.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CredentialFiles {
    pub certificate_pem: Option<PathBuf>,
    pub key_pem: Option<PathBuf>,
    pub pkcs12: Option<PathBuf>,
}

/// The `[dmp]` section of the configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DmpConfig {
    /// e.g. `https://lps2.dmp.gouv.fr/si-dmp-server/v2/services`.
    pub base_url: String,
    /// ORG AUTH_CLI: mutual TLS.
    pub authentication: CredentialFiles,
    /// ORG SIGN: VIHF and XAdES.
    pub signature: CredentialFiles,
    /// PEM file of the national health PKI roots.
    pub trust_anchors_pem: PathBuf,
    /// Identifiant_Structure (`1` + FINESS).
    pub structure_id: String,
    pub structure_name: String,
    #[serde(default = "default_secteur")]
    pub secteur_activite: String,
    /// OID of this installation.
    pub software_oid: String,
    /// LPS_ID_HOMOLOGATION_DMP.
    pub homologation: String,
    #[serde(default)]
    pub connect_timeout_secs: Option<u64>,
    #[serde(default)]
    pub timeout_secs: Option<u64>,
    /// Contextual access to the DMP professional web portal: the `https://` address where
    /// Chevet posts the patient's context (mutual TLS, signed VIHF) and receives the
    /// single-use address the browser opens (see `dmp::consult::PortalClient`). No INS ever
    /// goes into a browser address.
    #[serde(default)]
    pub portal_context_url: Option<String>,
}

fn default_secteur() -> String {
    "SA01".to_owned()
}

/// Why the DMP connection could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("lecture de {0} impossible")]
    Read(PathBuf),
    #[error("certificat ou clé inutilisable ({0})")]
    Credential(#[from] CredentialError),
    #[error("certificat de signature inutilisable ({0})")]
    Signer(#[from] super::xmldsig::XmlDsigError),
    #[error("fichier PKCS#12 : définissez le mot de passe dans {PKCS12_PASSWORD_VAR}")]
    NoPassword,
    #[error("donnez soit certificate_pem et key_pem, soit pkcs12")]
    Incomplete,
}

/// Everything a [`DmpClient`] needs.
#[derive(Clone)]
pub struct DmpEndpoint {
    pub settings: DmpSettings,
    pub identity: TlsIdentity,
    pub roots: Vec<CertificateDer<'static>>,
    pub signer: Arc<dyn Signer>,
    pub timeouts: Timeouts,
    /// The web portal's context address (see `dmp::consult::PortalClient`).
    pub portal_context_url: Option<String>,
}

impl DmpEndpoint {
    pub fn client(&self) -> Result<DmpClient, CredentialError> {
        let transport = Transport::new(&self.identity, &self.roots, self.timeouts)?;
        Ok(DmpClient::new(
            transport,
            self.settings.clone(),
            self.signer.clone(),
        ))
    }

    /// From the configuration file's `[dmp]` section.
    pub fn from_config(config: &DmpConfig) -> Result<Self, SetupError> {
        let read = |p: &Path| std::fs::read(p).map_err(|_| SetupError::Read(p.to_path_buf()));
        let password = || std::env::var(PKCS12_PASSWORD_VAR).map_err(|_| SetupError::NoPassword);
        let identity = match &config.authentication {
            CredentialFiles {
                certificate_pem: Some(cert),
                key_pem: Some(key),
                ..
            } => TlsIdentity::from_pem(&read(cert)?, &read(key)?)?,
            CredentialFiles {
                pkcs12: Some(p12), ..
            } => TlsIdentity::from_pkcs12(&read(p12)?, &password()?)?,
            _ => return Err(SetupError::Incomplete),
        };
        let signer = match &config.signature {
            CredentialFiles {
                certificate_pem: Some(cert),
                key_pem: Some(key),
                ..
            } => SoftwareSigner::from_pem(
                &String::from_utf8_lossy(&read(key)?),
                &String::from_utf8_lossy(&read(cert)?),
            )?,
            CredentialFiles {
                pkcs12: Some(p12), ..
            } => SoftwareSigner::from_pkcs12(&read(p12)?, &password()?)?,
            _ => return Err(SetupError::Incomplete),
        };
        let default = Timeouts::default();
        Ok(Self {
            settings: DmpSettings {
                base_url: config.base_url.clone(),
                lps: chevet_lps(&config.homologation),
                software_oid: config.software_oid.clone(),
                structure_id: config.structure_id.clone(),
                structure_name: config.structure_name.clone(),
                secteur_activite: config.secteur_activite.clone(),
                mode: AuthMode::IndirecteRenforcee,
            },
            identity,
            roots: trust_anchors(&read(&config.trust_anchors_pem)?)?,
            signer: Arc::new(signer),
            timeouts: Timeouts {
                connect_secs: config.connect_timeout_secs.unwrap_or(default.connect_secs),
                total_secs: config.timeout_secs.unwrap_or(default.total_secs),
            },
            portal_context_url: config.portal_context_url.clone(),
        })
    }
}

/// Chevet as a "logiciel professionnel de santé".
pub fn chevet_lps(homologation: &str) -> Lps {
    Lps {
        name: "Chevet".to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
        instance_id: None,
        homologation: homologation.to_owned(),
    }
}
