//! A TCP relay between a workstation and the test PostgreSQL cluster that the test can cut
//! (every connection reset, new ones refused) and restore on the same port: the workstation
//! loses its shared record as it would in a network or server outage, while the other tests
//! sharing the cluster go on.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

#[derive(Default)]
struct State {
    open: AtomicBool,
    stop: AtomicBool,
    streams: Mutex<Vec<TcpStream>>,
}

/// The relay; stops when dropped.
pub struct CutProxy {
    port: u16,
    state: Arc<State>,
}

impl CutProxy {
    /// Relays a free port of 127.0.0.1 to `upstream`.
    pub fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("proxy port");
        let port = listener.local_addr().expect("addr").port();
        let state = Arc::new(State::default());
        state.open.store(true, Ordering::SeqCst);
        let shared = Arc::clone(&state);
        std::thread::Builder::new()
            .name("test-cut-proxy".into())
            .spawn(move || accept_loop(Some(listener), port, upstream, &shared))
            .expect("proxy thread");
        Self { port, state }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Resets every relayed connection and refuses new ones.
    pub fn cut(&self) {
        self.state.open.store(false, Ordering::SeqCst);
        for s in self
            .state
            .streams
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .drain(..)
        {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// Accepts connections again, on the same port.
    pub fn restore(&self) {
        self.state.open.store(true, Ordering::SeqCst);
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        self.cut();
        self.state.stop.store(true, Ordering::SeqCst);
    }
}

/// A relay to the shared record `record` (on the test cluster) that the test can cut, and the
/// workstation's target through it.
pub fn relay(record: &chevet::store::PgTarget) -> (CutProxy, chevet::store::PgTarget) {
    let mut url = url::Url::parse(&record.url).expect("url");
    let upstream = SocketAddr::from(([127, 0, 0, 1], url.port().expect("test cluster port")));
    let proxy = CutProxy::start(upstream);
    url.set_port(Some(proxy.port())).expect("port");
    let relayed = chevet::store::PgTarget {
        url: url.to_string(),
        ..record.clone()
    };
    (proxy, relayed)
}

fn accept_loop(mut listener: Option<TcpListener>, port: u16, upstream: SocketAddr, state: &State) {
    while !state.stop.load(Ordering::SeqCst) {
        if !state.open.load(Ordering::SeqCst) {
            listener = None;
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        let Some(l) = listener.as_ref() else {
            listener = TcpListener::bind(("127.0.0.1", port)).ok();
            if let Some(l) = &listener {
                l.set_nonblocking(true).expect("nonblocking");
            }
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        l.set_nonblocking(true).expect("nonblocking");
        match l.accept() {
            Ok((client, _)) => relay_connection(client, upstream, state),
            Err(e) if e.kind() == ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

fn relay_connection(client: TcpStream, upstream: SocketAddr, state: &State) {
    let Ok(server) = TcpStream::connect(upstream) else {
        return;
    };
    let _ = client.set_nonblocking(false);
    let mut streams = state.streams.lock().unwrap_or_else(PoisonError::into_inner);
    for s in [&client, &server] {
        if let Ok(clone) = s.try_clone() {
            streams.push(clone);
        }
    }
    drop(streams);
    for (from, to) in [(&client, &server), (&server, &client)] {
        let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("test-cut-proxy-pipe".into())
            .spawn(move || {
                let mut buf = [0_u8; 16 * 1024];
                loop {
                    match from.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                    }
                }
                let _ = to.shutdown(Shutdown::Both);
                let _ = from.shutdown(Shutdown::Both);
            });
    }
}
