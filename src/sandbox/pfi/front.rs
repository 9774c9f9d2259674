//! The gateway's front door: a loopback relay in front of the MLLP listener. Bytes from the
//! sender go through unchanged; each ACK frame coming back is read, and when its MSA-2 names a
//! message whose ACK a fault drops, the sender's connection is closed instead (what a gateway
//! crashing or a network cut looks like to the sender). Bounded: at most `MAX_CONNECTIONS` at
//! once, frames bounded by the decoder, a bounded stop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::Shared;
use crate::hl7::{MllpDecoder, mllp};

/// Sender connections relayed at once.
const MAX_CONNECTIONS: usize = 16;

/// A running relay.
pub struct Front {
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Front {
    /// Binds `listen` and relays to `inner`.
    pub async fn start(
        listen: SocketAddr,
        inner: SocketAddr,
        shared: Arc<Shared>,
    ) -> std::io::Result<Self> {
        let listener = TcpListener::bind(listen).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, inner, shared, stopped));
        Ok(Self { addr, stop, task })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting and waits for the open connections, at most `grace`.
    pub async fn stop(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            task.abort();
        }
    }
}

async fn accept_loop(
    listener: TcpListener,
    inner: SocketAddr,
    shared: Arc<Shared>,
    mut stopped: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut connections = JoinSet::new();
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = stopped.wait_for(|s| *s) => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = stopped.wait_for(|s| *s) => break,
        };
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((client, peer)) => {
                let shared = Arc::clone(&shared);
                let stopped = stopped.clone();
                connections.spawn(async move {
                    let _permit = permit;
                    if let Err(e) = relay(client, inner, &shared, stopped).await {
                        tracing::debug!(%peer, "sandbox PFI: connection ended: {e}");
                    }
                });
            }
            Err(e) => {
                tracing::warn!("sandbox PFI: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener);
    // Each connection's inner side is closed by the listener's own stop; wait for them.
    while connections.join_next().await.is_some() {}
}

/// One sender connection: its bytes to the listener, the listener's ACK frames back unless
/// dropped.
async fn relay(
    client: TcpStream,
    inner: SocketAddr,
    shared: &Shared,
    mut stopped: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let _ = client.set_nodelay(true);
    let upstream = TcpStream::connect(inner).await?;
    let _ = upstream.set_nodelay(true);
    let (mut client_read, mut client_write) = client.into_split();
    let (mut upstream_read, mut upstream_write) = upstream.into_split();
    let outbound = async {
        let result = tokio::io::copy(&mut client_read, &mut upstream_write).await;
        let _ = upstream_write.shutdown().await;
        result.map(|_| ())
    };
    let inbound = async {
        let mut decoder = MllpDecoder::new(mllp::DEFAULT_MAX_FRAME_BYTES);
        let mut buffer = vec![0u8; 16 * 1024];
        loop {
            let n = upstream_read.read(&mut buffer).await?;
            if n == 0 {
                let _ = client_write.shutdown().await;
                return Ok(());
            }
            decoder.push(&buffer[..n]);
            while let Some(frame) = decoder.next_frame() {
                let Ok(frame) = frame else { continue };
                if dropped(&frame, shared) {
                    // Closing the write side and leaving: the whole connection goes.
                    let _ = client_write.shutdown().await;
                    return Err(std::io::Error::other("ACK dropped by a fault"));
                }
                client_write.write_all(&mllp::encode(&frame)).await?;
            }
        }
    };
    tokio::select! {
        result = async { tokio::try_join!(outbound, inbound).map(|_| ()) } => result,
        _ = stopped.wait_for(|s| *s) => {
            // Let the frame being handled finish: the listener's own stop is bounded.
            Ok(())
        }
    }
}

/// Whether this ACK's MSA-2 names a message whose ACK a fault drops (consumed).
fn dropped(frame: &[u8], shared: &Shared) -> bool {
    let Ok(ack) = crate::hl7::parse(frame) else {
        return false;
    };
    ack.segment("MSA")
        .is_some_and(|msa| shared.take_drop(msa.field(2).text().trim()))
}
