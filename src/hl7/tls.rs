//! TLS for the MLLP listener: the server certificate chain and key from PEM files (the
//! establishment's PKI), TLS 1.2 and 1.3 only, and, when a CA file is given, senders must
//! present a certificate it issued (mutual TLS, for a gateway on another host). Errors say
//! which file and why, never the key.

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why the listener's TLS settings cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("certificat TLS illisible ({path}) : {reason}")]
    Certificate { path: String, reason: String },
    #[error("clé privée TLS illisible ({path}) : {reason}")]
    Key { path: String, reason: String },
    #[error("autorité de certification des émetteurs illisible ({path}) : {reason}")]
    ClientCa { path: String, reason: String },
    #[error("configuration TLS refusée : {0}")]
    Config(String),
}

impl TlsSetupError {
    /// A configuration error: fixing the files is needed, retrying is not.
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// The server configuration: `certificate` (PEM chain, leaf first) and `key` (PEM); with
/// `client_ca`, senders must present a certificate issued by it.
pub fn server_config(
    certificate: &Path,
    key: &Path,
    client_ca: Option<&Path>,
) -> Result<Arc<rustls::ServerConfig>, TlsSetupError> {
    let shown = |p: &Path| p.display().to_string();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(certificate)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| TlsSetupError::Certificate {
            path: shown(certificate),
            reason: e.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsSetupError::Certificate {
            path: shown(certificate),
            reason: "aucun certificat PEM".to_owned(),
        });
    }
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| TlsSetupError::Key {
        path: shown(key),
        reason: e.to_string(),
    })?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(|e| TlsSetupError::Config(e.to_string()))?;
    let config = match client_ca {
        None => builder
            .with_no_client_auth()
            .with_single_cert(chain, key_der),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            let certs = CertificateDer::pem_file_iter(ca)
                .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
                .map_err(|e| TlsSetupError::ClientCa {
                    path: shown(ca),
                    reason: e.to_string(),
                })?;
            for cert in certs {
                roots.add(cert).map_err(|e| TlsSetupError::ClientCa {
                    path: shown(ca),
                    reason: e.to_string(),
                })?;
            }
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .map_err(|e| TlsSetupError::Config(e.to_string()))?;
            builder
                .with_client_cert_verifier(verifier)
                .with_single_cert(chain, key_der)
        }
    }
    .map_err(|e| TlsSetupError::Config(e.to_string()))?;
    Ok(Arc::new(config))
}
