//! Registry of the simulated services the sandbox runs on loopback. Each service gets its own
//! listener on 127.0.0.1 with a port chosen by the system; the registry knows their addresses
//! so that the sandbox configuration can point the clients at them. The DMP, Pro Santé
//! Connect, Annuaire Santé and hospital gateway (PFI) simulators register here as they arrive.

use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr};
use std::pin::Pin;

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A future a service runs until the runtime stops.
pub type ServeFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A simulated service: given its bound listener, returns the future that serves it.
pub trait SimulatedService: Send {
    /// Short stable name (`dmp`, `psc`, …), used in the configuration and the About box.
    fn name(&self) -> &'static str;
    /// URL scheme the service speaks (`http`, `https`, `mllp`).
    fn scheme(&self) -> &'static str;
    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture;
}

/// A running service.
#[derive(Debug)]
pub struct RunningService {
    pub name: &'static str,
    pub scheme: &'static str,
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl RunningService {
    /// The base URL clients use.
    pub fn url(&self) -> String {
        format!("{}://{}", self.scheme, self.addr)
    }
}

/// The services of one sandbox run; dropping it stops them.
#[derive(Debug, Default)]
pub struct Registry {
    services: Vec<RunningService>,
}

impl Registry {
    /// Binds each service on 127.0.0.1 and starts it on the current runtime.
    pub async fn start(services: Vec<Box<dyn SimulatedService>>) -> std::io::Result<Self> {
        let mut running = Vec::with_capacity(services.len());
        for service in services {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
            let addr = listener.local_addr()?;
            let name = service.name();
            let scheme = service.scheme();
            tracing::info!(service = name, %addr, "sandbox service listening");
            let task = tokio::spawn(service.serve(listener));
            running.push(RunningService {
                name,
                scheme,
                addr,
                task,
            });
        }
        Ok(Self { services: running })
    }

    pub fn services(&self) -> &[RunningService] {
        &self.services
    }

    pub fn url_of(&self, name: &str) -> Option<String> {
        self.services
            .iter()
            .find(|s| s.name == name)
            .map(RunningService::url)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        for s in &self.services {
            s.task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// A service that answers each connection with its own name.
    struct Hello(&'static str);

    impl SimulatedService for Hello {
        fn name(&self) -> &'static str {
            self.0
        }
        fn scheme(&self) -> &'static str {
            "tcp"
        }
        fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
            Box::pin(async move {
                while let Ok((mut sock, _)) = listener.accept().await {
                    let _ = sock.write_all(self.0.as_bytes()).await;
                }
            })
        }
    }

    #[test]
    fn services_listen_on_distinct_loopback_ports() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let reg = Registry::start(vec![Box::new(Hello("a")), Box::new(Hello("b"))])
                .await
                .expect("start");
            assert_eq!(reg.services().len(), 2);
            let a = reg.services()[0].addr;
            let b = reg.services()[1].addr;
            assert_ne!(a.port(), b.port());
            assert!(a.ip().is_loopback());
            assert_eq!(reg.url_of("b"), Some(format!("tcp://{b}")));
            let mut sock = tokio::net::TcpStream::connect(b).await.expect("connect");
            let mut got = String::new();
            sock.read_to_string(&mut got).await.expect("read");
            assert_eq!(got, "b");
        });
    }
}
