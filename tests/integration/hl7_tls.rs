//! Issue 14: MLLP over TLS. The listener, configured from PEM files as `[hl7] tls_certificate`
//! and `tls_key` name them, answers a sender that trusts its CA; a sender speaking plain MLLP
//! to it gets no ACK and nothing is journalled; with `tls_client_ca`, a sender without a
//! client certificate is refused.

use std::sync::Arc;

use chevet::hl7::listener::{self, ListenerConfig};
use chevet::hl7::{MllpDecoder, mllp, parse};
use chevet::intake::JournalSink;
use chevet::store::{DbKey, Store};
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn message(control_id: &str) -> Vec<u8> {
    format!(
        "MSH|^~\\&|GAM|CHU-X|CHEVET|CHU-X|20261205120000||ADT^A28^ADT_A05|{control_id}|P|2.5\r\
         PID|||123^^^CHU-X^PI||NOM^Prenom||19800101|F\r"
    )
    .into_bytes()
}

struct Files {
    _dir: tempfile::TempDir,
    cert: std::path::PathBuf,
    key: std::path::PathBuf,
    ca: std::path::PathBuf,
    pki: chevet::sandbox::dmp::pki::TestPki,
}

fn files() -> Files {
    let pki =
        chevet::sandbox::dmp::pki::generate("1.2.250.1.71.4.2.2", "899700000000").expect("pki");
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = dir.path().join("listener.crt");
    let key = dir.path().join("listener.key");
    let ca = dir.path().join("senders-ca.crt");
    std::fs::write(&cert, format!("{}{}", pki.server.cert_pem, pki.ca_pem)).expect("cert");
    std::fs::write(&key, &pki.server.key_pem).expect("key");
    std::fs::write(&ca, &pki.ca_pem).expect("ca");
    Files {
        _dir: dir,
        cert,
        key,
        ca,
        pki,
    }
}

fn client(pki: &chevet::sandbox::dmp::pki::TestPki, with_cert: bool) -> tokio_rustls::TlsConnector {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from(pki.ca_der.clone()))
        .expect("root");
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots);
    let config = if with_cert {
        use rustls::pki_types::PrivateKeyDer;
        use rustls::pki_types::pem::PemObject;
        let key = PrivateKeyDer::from_pem_slice(pki.card.key_pem.as_bytes()).expect("key");
        builder
            .with_client_auth_cert(vec![CertificateDer::from(pki.card.cert_der.clone())], key)
            .expect("client cert")
    } else {
        builder.with_no_client_auth()
    };
    tokio_rustls::TlsConnector::from(Arc::new(config))
}

/// Sends one frame and reads the ACK's MSA-1, or None when the connection gives none.
async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    frame: &[u8],
) -> Option<String> {
    stream.write_all(&mllp::encode(frame)).await.ok()?;
    let mut decoder = MllpDecoder::new(1 << 20);
    let mut buffer = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut buffer))
            .await
            .ok()?
            .ok()?;
        if n == 0 {
            return None;
        }
        decoder.push(&buffer[..n]);
        if let Some(frame) = decoder.next_frame() {
            let ack = frame.ok()?;
            let ack = parse(&ack).ok()?.into_owned();
            return ack.segment("MSA").map(|m| m.field(1).text().into_owned());
        }
    }
}

fn start(
    rt: &tokio::runtime::Runtime,
    files: &Files,
    client_ca: bool,
) -> (listener::ListenerHandle, Arc<JournalSink>) {
    let config = chevet::config::Hl7Config {
        tls_certificate: Some(files.cert.clone()),
        tls_key: Some(files.key.clone()),
        tls_client_ca: client_ca.then(|| files.ca.clone()),
        ..Default::default()
    }
    .listener_config()
    .expect("TLS settings");
    let sink = Arc::new(JournalSink::new(
        Store::open_in_memory(&DbKey::generate()).expect("store"),
    ));
    let handle = rt
        .block_on(listener::start(
            "127.0.0.1:0".parse().expect("addr"),
            ListenerConfig {
                handshake_timeout: std::time::Duration::from_secs(2),
                ..config
            },
            Arc::clone(&sink),
        ))
        .expect("listening");
    (handle, sink)
}

fn journalled(sink: &JournalSink) -> u64 {
    chevet::store::hl7_journal::count(&sink.store().lock().expect("store")).expect("count")
}

#[test]
fn issue14_mllp_over_tls_is_answered_and_plain_mllp_is_not() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let files = files();
    let (handle, sink) = start(&rt, &files, false);
    let addr = handle.local_addr();
    let connector = client(&files.pki, false);
    let code = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let name = ServerName::try_from("localhost").expect("name");
        let tls = connector.connect(name, tcp).await.expect("handshake");
        exchange(tls, &message("TLS1")).await
    });
    assert_eq!(code.as_deref(), Some("AA"));
    assert_eq!(journalled(&sink), 1);
    let plain = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        exchange(tcp, &message("PLAIN1")).await
    });
    assert_eq!(plain, None, "no ACK over plain MLLP");
    assert_eq!(journalled(&sink), 1, "nothing journalled");
    rt.block_on(handle.stop());
}

#[test]
fn issue14_with_a_client_ca_a_sender_without_certificate_is_refused() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let files = files();
    let (handle, sink) = start(&rt, &files, true);
    let addr = handle.local_addr();
    let name = || ServerName::try_from("localhost").expect("name");
    let refused = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        match client(&files.pki, false).connect(name(), tcp).await {
            Ok(tls) => exchange(tls, &message("NOCERT")).await,
            Err(_) => None,
        }
    });
    assert_eq!(refused, None);
    let accepted = rt.block_on(async {
        let tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
        let tls = client(&files.pki, true)
            .connect(name(), tcp)
            .await
            .expect("handshake");
        exchange(tls, &message("CERT1")).await
    });
    assert_eq!(accepted.as_deref(), Some("AA"));
    assert_eq!(journalled(&sink), 1);
    rt.block_on(handle.stop());
}
