//! The sandbox's mutual-TLS front shared by the simulated services that require a client
//! certificate (DMP, DMP portal context, INSi): the rustls server configuration over a test CA
//! (`server_config`) and the accept loop (`serve`) that completes each handshake within 10 s
//! and hands the TLS stream to the service, which builds its hyper service from it.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};

/// An accepted TLS connection; its client certificate is in `get_ref().1`.
pub type ServerTls = tokio_rustls::server::TlsStream<TcpStream>;

/// Longest a client may take to complete the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// TLS 1.2/1.3 with this server certificate (chained to the CA); client certificates issued
/// by the CA only.
pub fn server_config(
    ca_der: &[u8],
    server_cert_der: &[u8],
    server_key_pem: &str,
) -> Result<rustls::ServerConfig, String> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(ca_der.to_vec()))
        .map_err(|e| e.to_string())?;
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .map_err(|e| e.to_string())?;
    let chain = vec![
        CertificateDer::from(server_cert_der.to_vec()),
        CertificateDer::from(ca_der.to_vec()),
    ];
    let key =
        PrivateKeyDer::from_pem_slice(server_key_pem.as_bytes()).map_err(|e| e.to_string())?;
    rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(|e| e.to_string())
}

/// Accepts connections until the listener fails: each one on its own task, its handshake
/// bounded by [`HANDSHAKE_TIMEOUT`] (a refused or late one is dropped, logged at debug under
/// `name`), then served over HTTP/1.1 by the service `service_for` makes from the stream.
pub async fn serve<F, S>(
    listener: TcpListener,
    tls: Arc<rustls::ServerConfig>,
    name: &'static str,
    service_for: F,
) where
    F: Fn(&ServerTls) -> S + Send + Sync + 'static,
    S: hyper::service::Service<Request<Incoming>, Response = Response<Full<Bytes>>>
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let service_for = Arc::new(service_for);
    while let Ok((socket, _)) = listener.accept().await {
        let acceptor = acceptor.clone();
        let service_for = service_for.clone();
        tokio::spawn(async move {
            let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(socket));
            let Ok(Ok(tls)) = handshake.await else {
                tracing::debug!("{name}: TLS handshake refused or timed out");
                return;
            };
            let service = service_for(&tls);
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(tls), service)
                .await;
        });
    }
}
