//! How Chevet reaches INSi: [`InsiSettings`] (the endpoint, the establishment's INSI-AUTO or
//! INSI-MANU certificate and key for mutual TLS, the trust anchors, the software's IDAM, name
//! and version for `ContexteLPS`, the emitter, the timeouts), and the `[insi]` section of the
//! configuration ([`InsiConfig`]) that builds them. The certificate chain is a file; the
//! private key (PEM) or the PKCS#12 password is read from the OS keyring under
//! [`CREDENTIAL_ID`] (`chevet auth set-credential insi`): never from the configuration file.

use std::path::{Path, PathBuf};

use rustls::pki_types::CertificateDer;
use serde::Deserialize;

use crate::dmp::transport::{CredentialError, TlsIdentity, trust_anchors};

/// Keyring account of the INSi private key (PEM) or PKCS#12 password.
pub const CREDENTIAL_ID: &str = "insi";

/// Default whole-call limit.
pub const DEFAULT_TIMEOUT_MS: u64 = 15_000;
/// Default connection limit.
pub const DEFAULT_CONNECT_TIMEOUT_MS: u64 = 5_000;
/// Largest answer read (an INSi answer is a few KB).
pub const MAX_ANSWER_BYTES: usize = 256 * 1024;

/// Everything an [`InsiClient`](super::InsiClient) needs. `Debug` shows no key.
#[derive(Clone)]
pub struct InsiSettings {
    /// e.g. `https://qualiflps-services-ps-tlsm.ameli.fr:443/lps`.
    pub endpoint: String,
    /// The INSI-AUTO / INSI-MANU certificate chain (leaf first) and its key.
    pub identity: TlsIdentity,
    /// Trust anchors of the service's certificate (IGC-Santé roots; the sandbox's CA).
    pub roots: Vec<CertificateDer<'static>>,
    /// Software authorisation number (`LPS/IDAM`, `R="4"`).
    pub idam: String,
    pub software_name: String,
    pub software_version: String,
    /// `Emetteur` of both contexts: the structure certificate's OU (e.g. `10B0152872`).
    pub emetteur: String,
    pub timeout_ms: u64,
    pub connect_timeout_ms: u64,
    /// `LPS/Instance`: this installation's UUID (fresh at each start when not configured).
    pub instance: String,
}

impl std::fmt::Debug for InsiSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InsiSettings")
            .field("endpoint", &self.endpoint)
            .field("identity", &self.identity)
            .field("roots", &self.roots.len())
            .field("idam", &"…")
            .field("software", &(&self.software_name, &self.software_version))
            .field("timeout_ms", &self.timeout_ms)
            .finish_non_exhaustive()
    }
}

impl InsiSettings {
    /// Settings with Chevet's name and version, the default timeouts, a fresh instance id,
    /// and the emitter read from the certificate's OU (empty when it has none).
    pub fn new(
        endpoint: &str,
        identity: TlsIdentity,
        roots: Vec<CertificateDer<'static>>,
        idam: &str,
    ) -> Self {
        let emetteur = identity
            .certificate_chain
            .first()
            .and_then(|c| organizational_unit(c.as_ref()))
            .unwrap_or_default();
        Self {
            endpoint: endpoint.to_owned(),
            identity,
            roots,
            idam: idam.to_owned(),
            software_name: "Chevet".to_owned(),
            software_version: env!("CARGO_PKG_VERSION").to_owned(),
            emetteur,
            timeout_ms: DEFAULT_TIMEOUT_MS,
            connect_timeout_ms: DEFAULT_CONNECT_TIMEOUT_MS,
            instance: crate::dmp::hl7v3::new_uuid(),
        }
    }
}

/// The OU of a certificate's subject (the structure's id on an IGC-Santé ORG certificate).
pub fn organizational_unit(der: &[u8]) -> Option<String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    cert.subject()
        .iter_organizational_unit()
        .next()
        .and_then(|ou| ou.as_str().ok())
        .map(str::to_owned)
}

/// The `[insi]` section of the configuration file.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct InsiConfig {
    /// e.g. `https://qualiflps-services-ps-tlsm.ameli.fr:443/lps` (test, mutual TLS).
    pub endpoint: String,
    /// PEM chain of the INSI-AUTO / INSI-MANU certificate (leaf first); its private key (PEM)
    /// is in the keyring under `insi`.
    pub certificate_pem: Option<PathBuf>,
    /// Or a PKCS#12 bundle; its password is in the keyring under `insi`.
    pub pkcs12: Option<PathBuf>,
    /// PEM file of the trust anchors of the service (IGC-Santé roots).
    pub trust_anchors_pem: PathBuf,
    /// Software authorisation number given by the Assurance Maladie (`IDAM`).
    pub idam: String,
    /// Default: the certificate's OU.
    pub emetteur: Option<String>,
    /// Default `Chevet` and the package version.
    pub software_name: Option<String>,
    pub software_version: Option<String>,
    /// Default 15000.
    pub timeout_ms: Option<u64>,
    /// Default 5000.
    pub connect_timeout_ms: Option<u64>,
    /// `LPS/Instance` UUID of this installation (default: fresh at each start).
    pub instance: Option<String>,
}

/// Why the INSi connection could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum InsiSetupError {
    #[error("lecture de {0} impossible")]
    Read(PathBuf),
    #[error("certificat ou clé INSi inutilisable ({0})")]
    Credential(#[from] CredentialError),
    #[error(
        "clé privée INSi absente du trousseau : enregistrez-la avec « chevet auth set-credential insi »"
    )]
    NoKey,
    #[error("donnez soit certificate_pem, soit pkcs12 dans [insi]")]
    Incomplete,
}

impl InsiSetupError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

impl InsiConfig {
    /// The settings, the private key (or the PKCS#12 password) from the keyring.
    pub fn settings(
        &self,
        keyrings: &[crate::store::key::Keyring],
    ) -> Result<InsiSettings, InsiSetupError> {
        let read = |p: &Path| std::fs::read(p).map_err(|_| InsiSetupError::Read(p.to_path_buf()));
        let secret = || {
            crate::auth::providers::credential(keyrings, CREDENTIAL_ID)
                .map_err(|_| InsiSetupError::NoKey)
        };
        let identity = match (&self.certificate_pem, &self.pkcs12) {
            (Some(cert), None) => TlsIdentity::from_pem(&read(cert)?, secret()?.as_bytes())?,
            (None, Some(p12)) => TlsIdentity::from_pkcs12(&read(p12)?, &secret()?)?,
            _ => return Err(InsiSetupError::Incomplete),
        };
        let roots = trust_anchors(&read(&self.trust_anchors_pem)?)?;
        let mut settings = InsiSettings::new(&self.endpoint, identity, roots, &self.idam);
        if let Some(e) = &self.emetteur {
            settings.emetteur.clone_from(e);
        }
        if let Some(n) = &self.software_name {
            settings.software_name.clone_from(n);
        }
        if let Some(v) = &self.software_version {
            settings.software_version.clone_from(v);
        }
        if let Some(i) = &self.instance {
            settings.instance.clone_from(i);
        }
        settings.timeout_ms = self.timeout_ms.unwrap_or(DEFAULT_TIMEOUT_MS);
        settings.connect_timeout_ms = self
            .connect_timeout_ms
            .unwrap_or(DEFAULT_CONNECT_TIMEOUT_MS);
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
endpoint = "https://qualiflps-services-ps-tlsm.ameli.fr:443/lps"
certificate_pem = "CERT"
trust_anchors_pem = "/etc/chevet/igc-sante-roots.pem"
idam = "12345"
timeout_ms = 8000
"#;

    #[test]
    fn the_key_comes_from_the_keyring_never_from_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let cert = dir.path().join("insi.pem");
        std::fs::write(&cert, "not read without a key").expect("write");
        let text = EXAMPLE.replace("CERT", &cert.display().to_string());
        let config: InsiConfig = toml::from_str(&text).expect("parses");
        assert_eq!(config.timeout_ms, Some(8000));
        // No keyring holds the `insi` credential: the key is missing, whatever the file says.
        assert!(matches!(config.settings(&[]), Err(InsiSetupError::NoKey)));
        let both = InsiConfig {
            pkcs12: Some(cert),
            ..config
        };
        assert!(matches!(
            both.settings(&[]),
            Err(InsiSetupError::Incomplete)
        ));
        assert!(toml::from_str::<InsiConfig>(&format!("{text}\nkey_pem = \"k.pem\"")).is_err());
    }
}
