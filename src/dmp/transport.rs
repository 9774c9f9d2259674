//! HTTPS with mutual TLS to the DMP: the establishment's authentication certificate (PEM or
//! PKCS#12) as client identity, configurable trust anchors (the national health PKI roots in
//! production, the sandbox's CA otherwise, never the system's web roots), timeouts, and
//! retries only where the transaction is idempotent. Posts SOAP (plain or MTOM) through the
//! shared HTTP wrapper (`crate::http`) and hands back the answer's bytes and content type.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::error::DmpError;
use crate::http;

/// The client side of mutual TLS.
#[derive(Clone)]
pub struct TlsIdentity {
    pub certificate_chain: Vec<CertificateDer<'static>>,
    pub key: Arc<PrivateKeyDer<'static>>,
}

impl std::fmt::Debug for TlsIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "TlsIdentity({} certificates, key …)",
            self.certificate_chain.len()
        )
    }
}

/// Why a certificate or key could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("no certificate found in the PEM data")]
    NoCertificate,
    #[error("no private key found in the PEM data")]
    NoKey,
    #[error("the TLS configuration was refused: {0}")]
    Tls(String),
}

impl TlsIdentity {
    /// From PEM: the certificate chain (leaf first) and the private key (PKCS#8 or PKCS#1).
    pub fn from_pem(certificates: &[u8], key: &[u8]) -> Result<Self, CredentialError> {
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(certificates)
            .filter_map(Result::ok)
            .collect();
        if chain.is_empty() {
            return Err(CredentialError::NoCertificate);
        }
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|_| CredentialError::NoKey)?;
        Ok(Self {
            certificate_chain: chain,
            key: Arc::new(key),
        })
    }
}

impl TlsIdentity {
    /// From a PKCS#12 bundle: its first private key, the end-entity certificate first, then
    /// the CA certificates it carries.
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, CredentialError> {
        let archive = p12_keystore::Pkcs12Archive::from_pkcs12(data, password)
            .map_err(|_| CredentialError::Tls("PKCS#12 illisible ou mot de passe faux".into()))?;
        let key = archive.keys.first().ok_or(CredentialError::NoKey)?;
        let is_ca = |der: &[u8]| {
            x509_parser::parse_x509_certificate(der)
                .ok()
                .and_then(|(_, c)| c.basic_constraints().ok().flatten().map(|b| b.value.ca))
                .unwrap_or(false)
        };
        let mut chain: Vec<CertificateDer<'static>> = archive
            .certs
            .iter()
            .map(|c| CertificateDer::from(c.cert.as_der().to_vec()))
            .collect();
        chain.sort_by_key(|c| is_ca(c.as_ref()));
        if chain.is_empty() {
            return Err(CredentialError::NoCertificate);
        }
        let key = PrivateKeyDer::try_from(key.key.as_der().to_vec())
            .map_err(|_| CredentialError::NoKey)?;
        Ok(Self {
            certificate_chain: chain,
            key: Arc::new(key),
        })
    }
}

/// Certificates to trust, from PEM.
pub fn trust_anchors(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, CredentialError> {
    let roots: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(pem)
        .filter_map(Result::ok)
        .collect();
    if roots.is_empty() {
        Err(CredentialError::NoCertificate)
    } else {
        Ok(roots)
    }
}

/// Timeouts of one exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect_secs: u64,
    pub total_secs: u64,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect_secs: 10,
            total_secs: 60,
        }
    }
}

/// A body to post.
pub enum Body {
    /// `application/soap+xml` with the SOAP action.
    Soap { xml: String },
    /// MTOM `multipart/related`.
    Mtom {
        content_type: String,
        bytes: Vec<u8>,
    },
}

/// What came back.
pub use crate::http::HttpReply as Reply;

/// Largest answer read: an XDS answer of at most 64 MiB of XML, or an MTOM answer carrying a
/// document of the same order.
pub const MAX_ANSWER_BYTES: usize = 160 * 1024 * 1024;

/// An HTTPS client bound to one client identity and one set of trust anchors.
#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    timeouts: Timeouts,
}

impl Transport {
    pub fn new(
        identity: &TlsIdentity,
        roots: &[CertificateDer<'static>],
        timeouts: Timeouts,
    ) -> Result<Self, CredentialError> {
        let mut store = rustls::RootCertStore::empty();
        for root in roots {
            store
                .add(root.clone())
                .map_err(|e| CredentialError::Tls(e.to_string()))?;
        }
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
            .map_err(|e| CredentialError::Tls(e.to_string()))?
            .with_root_certificates(store)
            .with_client_auth_cert(identity.certificate_chain.clone(), identity.key.clone_key())
            .map_err(|e| CredentialError::Tls(e.to_string()))?;
        let settings = http::Settings {
            connect_timeout: Duration::from_secs(timeouts.connect_secs),
            total_timeout: Duration::from_secs(timeouts.total_secs),
            https_only: true,
            follow_redirects: true,
        };
        let client = http::client(&settings, http::Tls::Rustls(Box::new(config)))
            .map_err(|e| CredentialError::Tls(e.to_string()))?;
        Ok(Self { client, timeouts })
    }

    /// Posts once.
    pub async fn post_once(&self, url: &str, action: &str, body: &Body) -> Result<Reply, DmpError> {
        let (content_type, bytes) = match body {
            Body::Soap { xml } => (
                format!("application/soap+xml; charset=UTF-8; action=\"{action}\""),
                xml.as_bytes().to_vec(),
            ),
            Body::Mtom {
                content_type,
                bytes,
            } => (content_type.clone(), bytes.clone()),
        };
        let request = self
            .client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .header("SOAPAction", format!("\"{action}\""))
            .body(bytes);
        http::send(request, MAX_ANSWER_BYTES)
            .await
            .map_err(|e| transport_error(e, self.timeouts))
    }

    /// Posts, retrying up to `attempts` times on retryable failures when the transaction is
    /// idempotent (queries, retrieves); once otherwise.
    pub async fn post(
        &self,
        url: &str,
        action: &str,
        body: &Body,
        idempotent: bool,
    ) -> Result<Reply, DmpError> {
        let attempts = if idempotent { 3 } else { 1 };
        let mut delay = Duration::from_millis(300);
        let mut last = None;
        for attempt in 1..=attempts {
            match self.post_once(url, action, body).await {
                Ok(reply) if reply.status >= 500 && attempt < attempts => {
                    tracing::warn!(status = reply.status, attempt, "DMP answered 5xx; retrying");
                    last = Some(Ok(reply));
                }
                Ok(reply) => return Ok(reply),
                Err(e) if e.is_retryable() && attempt < attempts => {
                    tracing::warn!(attempt, "DMP exchange failed, retrying: {e}");
                    last = Some(Err(e));
                }
                Err(e) => return Err(e),
            }
            tokio::time::sleep(delay).await;
            delay *= 2;
        }
        last.unwrap_or(Err(DmpError::Malformed { what: "no answer" }))
    }
}

fn transport_error(e: http::Failure, timeouts: Timeouts) -> DmpError {
    match e {
        http::Failure::Timeout => DmpError::Timeout {
            secs: timeouts.total_secs,
        },
        http::Failure::Connect { tls: true } => DmpError::TlsRefused,
        http::Failure::Connect { tls: false } => DmpError::Connect,
        http::Failure::TooLarge { .. } => DmpError::malformed("an answer of reasonable size"),
        http::Failure::Transfer | http::Failure::Request => DmpError::ConnectionReset,
    }
}
