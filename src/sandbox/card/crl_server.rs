//! The sandbox's revocation list server: plain HTTP/1.1 on a loopback port, on one named
//! thread (no runtime needed, so the shared test PKI can serve any test), answering
//! `GET /crl/personnes.crl` (the intermediate's list, signed afresh at each request: a card
//! revoked since shows at once) and `GET /crl/racine.crl` (the root's list of authorities),
//! with `application/pkix-crl`. It can be made to fail (HTTP 503) or be stopped (connections
//! refused), and counts the lists it served.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::keys::TestPki;

/// A running list server; dropping it stops it.
pub struct CrlServer {
    addr: SocketAddr,
    state: Arc<State>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for CrlServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CrlServer({})", self.addr)
    }
}

#[derive(Default)]
struct State {
    stop: AtomicBool,
    failing: AtomicBool,
    served: AtomicUsize,
}

/// Binds a loopback port; the PKI is made afterwards, knowing its address (`serve`).
pub fn bind() -> std::io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", 0))
}

impl CrlServer {
    /// Serves `pki`'s lists on `listener`, on the thread `chevet-sandbox-crl`.
    pub fn serve(listener: TcpListener, pki: Arc<TestPki>) -> std::io::Result<Self> {
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let state = Arc::new(State::default());
        let shared = Arc::clone(&state);
        let thread = std::thread::Builder::new()
            .name("chevet-sandbox-crl".into())
            .spawn(move || accept_loop(&listener, &pki, &shared))?;
        Ok(Self {
            addr,
            state,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:port`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// From now on, answer 503 (or serve again).
    pub fn set_failing(&self, failing: bool) {
        self.state.failing.store(failing, Ordering::Relaxed);
    }

    /// Lists served so far.
    pub fn served(&self) -> usize {
        self.state.served.load(Ordering::Relaxed)
    }

    /// Closes the port: connections are refused from now on.
    pub fn stop(&mut self) {
        self.state.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for CrlServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(listener: &TcpListener, pki: &TestPki, state: &State) {
    while !state.stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((stream, _)) => {
                if let Err(e) = answer(stream, pki, state) {
                    tracing::debug!("sandbox CRL server: {e}");
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => {
                tracing::warn!("sandbox CRL server stops: {e}");
                return;
            }
        }
    }
}

/// Reads one request (headers only, at most 8 KiB) and answers it; the connection closes.
fn answer(mut stream: TcpStream, pki: &TestPki, state: &State) -> std::io::Result<()> {
    stream.set_nonblocking(false)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut request = Vec::new();
    let mut buf = [0u8; 1024];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") && request.len() < 8192 {
        let n = stream.read(&mut buf)?;
        if n == 0 {
            break;
        }
        request.extend_from_slice(&buf[..n]);
    }
    let line = request.split(|b| *b == b'\r').next().unwrap_or_default();
    let mut parts = line.split(|b| *b == b' ');
    let (method, path) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let body = if method != b"GET" {
        Err((405, "Method Not Allowed"))
    } else if state.failing.load(Ordering::Relaxed) {
        Err((503, "Service Unavailable"))
    } else {
        match path {
            b"/crl/personnes.crl" => pki.crl_der().map_err(|_| (500, "Internal Server Error")),
            b"/crl/racine.crl" => pki.arl_der().map_err(|_| (500, "Internal Server Error")),
            _ => Err((404, "Not Found")),
        }
    };
    let (status, reason, content_type, body) = match body {
        Ok(der) => {
            state.served.fetch_add(1, Ordering::Relaxed);
            (200, "OK", "application/pkix-crl", der)
        }
        Err((status, reason)) => (status, reason, "text/plain", reason.as_bytes().to_vec()),
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(&body)?;
    stream.flush()
}
