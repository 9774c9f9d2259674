//! The MLLP listener (tokio): accepts the senders' connections (the PFI, the GAM), reads frames
//! with [`MllpDecoder`], and answers each frame with an HL7 ACK, one frame at a time per
//! connection. A readable message goes to the caller's [`Sink`] (the journal and intake,
//! `crate::intake::JournalSink`);
//! **its ACK is written only after the sink returned**, so an AA always means "committed". A sink
//! failure gives AR (ERR 207/906: "rejected for a circumstantial reason, may be sent again"),
//! never AA. An unreadable frame gives AE (`Ack::for_unreadable`) and the connection goes on.
//!
//! MLLP runs over TLS when the configuration gives a certificate (`hl7::tls`); the handshake
//! is bounded in time.
//!
//! Bounds: at most `max_connections` at once (further senders wait in the kernel's backlog),
//! frames over `max_frame_bytes` refused (AE), a connection idle for `idle_timeout` closed. A
//! truncated frame (end of stream, or a new start block inside a frame) is dropped unanswered:
//! nothing was acknowledged, the sender sends it again. Stopping ([`ListenerHandle::stop`])
//! stops accepting, lets each connection finish the frame it is handling (commit and ACK), then
//! closes them. Logs carry sizes, counts, the sender's address and the message type, never
//! the message's content or its control id.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use super::ack::{Ack, AckCode, AckError, AckParams, ApplicationError, Hl7Condition};
use super::er7::Message;
use super::mllp::{self, MllpDecoder};
use super::{Hl7Error, parse};

/// How the listener behaves.
#[derive(Debug, Clone)]
pub struct ListenerConfig {
    /// Connections served at once.
    pub max_connections: usize,
    /// The largest frame accepted (the decoder's limit).
    pub max_frame_bytes: usize,
    /// A connection with no byte received for this long is closed.
    pub idle_timeout: Duration,
    /// How long [`ListenerHandle::stop`] waits for connections to finish their frame.
    pub stop_grace: Duration,
    /// MSH-3/MSH-4 of the ACK of an unreadable frame (whose sender is unknown).
    pub application: String,
    pub facility: String,
    /// MLLP over TLS when set (`[hl7] tls_certificate`/`tls_key`, see `hl7::tls`); plain
    /// MLLP otherwise (a gateway on the same host or network segment).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    /// How long a TLS handshake may take.
    pub handshake_timeout: Duration,
}

impl Default for ListenerConfig {
    fn default() -> Self {
        Self {
            max_connections: 64,
            max_frame_bytes: mllp::DEFAULT_MAX_FRAME_BYTES,
            idle_timeout: Duration::from_secs(300),
            stop_grace: Duration::from_secs(5),
            application: "CHEVET".to_owned(),
            facility: String::new(),
            tls: None,
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// A readable message handed to the sink: its header values and its bytes as received.
#[derive(Debug, Clone)]
pub struct ReceivedMessage {
    /// MSH-3, MSH-4 (as sent, raw).
    pub sending_application: String,
    pub sending_facility: String,
    /// MSH-10.
    pub control_id: String,
    /// MSH-9 as sent.
    pub message_type: String,
    /// The frame's payload.
    pub raw: Arc<Vec<u8>>,
}

/// Why the sink could not take a message (technical text, no message content).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SinkError(pub String);

/// What the sink decided for a message: the MSA-1 to send and the ERR segments with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    pub code: AckCode,
    pub errors: Vec<AckError>,
}

impl Verdict {
    /// AA, no ERR.
    pub fn accepted() -> Self {
        Self {
            code: AckCode::Accept,
            errors: Vec::new(),
        }
    }
}

/// Where readable messages go (the store's journal and intake: `crate::intake::JournalSink`).
/// `accept` returns once the message is committed, with the ACK to send; an error means
/// nothing was committed (the sender gets AR and sends again).
pub trait Sink: Send + Sync + 'static {
    fn accept(
        &self,
        message: ReceivedMessage,
    ) -> impl Future<Output = Result<Verdict, SinkError>> + Send;
}

/// A running listener.
pub struct ListenerHandle {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl ListenerHandle {
    /// The address it listens on (the real port when bound to port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting, lets the connections finish the frame they handle, and waits for them
    /// (at most the configured grace, after which they are aborted).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }

    /// A signal that stops the listener when set to true (for a caller outside the runtime).
    pub fn stop_sender(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }

    /// Waits until the listener has stopped.
    pub async fn stopped(self) {
        let _ = self.task.await;
    }
}

/// Binds `addr` and starts listening on the current runtime.
pub async fn start<S: Sink>(
    addr: SocketAddr,
    config: ListenerConfig,
    sink: Arc<S>,
) -> std::io::Result<ListenerHandle> {
    let listener = TcpListener::bind(addr).await?;
    let local_addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept_loop(listener, config, sink, stopped));
    tracing::info!(%local_addr, "hl7 listener started");
    Ok(ListenerHandle {
        local_addr,
        stop,
        task,
    })
}

async fn accept_loop<S: Sink>(
    listener: TcpListener,
    config: ListenerConfig,
    sink: Arc<S>,
    mut stopped: watch::Receiver<bool>,
) {
    let config = Arc::new(config);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
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
        // Reap the connections already closed, so the set does not grow.
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, peer)) => {
                let (config, sink, stopped) =
                    (Arc::clone(&config), Arc::clone(&sink), stopped.clone());
                connections.spawn(async move {
                    let _permit = permit;
                    serve_accepted(stream, peer, &config, sink.as_ref(), stopped).await;
                });
            }
            Err(e) => {
                tracing::warn!("hl7 listener: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    drop(listener);
    let grace = config.stop_grace;
    if tokio::time::timeout(grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await
    .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "hl7 listener: connections still open after the grace period, aborted"
        );
        connections.shutdown().await;
    }
    tracing::info!("hl7 listener stopped");
}

/// One accepted connection: its TLS handshake first when configured (bounded in time), then
/// its frames.
async fn serve_accepted<S: Sink>(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    config: &ListenerConfig,
    sink: &S,
    stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let Some(tls) = config.tls.clone() else {
        serve_connection(stream, peer, config, sink, stopped).await;
        return;
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    match tokio::time::timeout(config.handshake_timeout, acceptor.accept(stream)).await {
        Ok(Ok(stream)) => serve_connection(stream, peer, config, sink, stopped).await,
        Ok(Err(e)) => tracing::warn!(%peer, "hl7 listener: TLS handshake failed: {e}"),
        Err(_) => tracing::warn!(%peer, "hl7 listener: TLS handshake timed out"),
    }
}

/// Why a connection ended (for the log).
enum Ended {
    Closed,
    Idle,
    Stopped,
    Failed(std::io::Error),
}

async fn serve_connection<S: Sink, T: AsyncRead + AsyncWrite + Unpin>(
    mut stream: T,
    peer: SocketAddr,
    config: &ListenerConfig,
    sink: &S,
    mut stopped: watch::Receiver<bool>,
) {
    let mut decoder = MllpDecoder::new(config.max_frame_bytes);
    let mut buffer = vec![0u8; 64 * 1024];
    let mut frames = 0u64;
    let ended = loop {
        let read = tokio::select! {
            read = tokio::time::timeout(config.idle_timeout, stream.read(&mut buffer)) => read,
            _ = stopped.wait_for(|s| *s) => break Ended::Stopped,
        };
        match read {
            Err(_) => break Ended::Idle,
            Ok(Err(e)) => break Ended::Failed(e),
            Ok(Ok(0)) => break Ended::Closed,
            Ok(Ok(n)) => decoder.push(&buffer[..n]),
        }
        let mut failed = None;
        while let Some(frame) = decoder.next_frame() {
            let reply = match frame {
                Ok(payload) => {
                    frames += 1;
                    Some(answer(payload, config, sink, peer).await)
                }
                Err(Hl7Error::FrameTruncated) => {
                    tracing::warn!(%peer, "hl7 listener: truncated frame dropped, not acknowledged");
                    None
                }
                Err(e) => {
                    tracing::warn!(%peer, "hl7 listener: frame refused: {e}");
                    Some(unreadable_ack(config, &e))
                }
            };
            if let Some(reply) = reply
                && let Err(e) = stream.write_all(&mllp::encode(&reply)).await
            {
                failed = Some(e);
                break;
            }
        }
        if let Some(e) = failed {
            break Ended::Failed(e);
        }
    };
    let open_frame = decoder.in_frame();
    if decoder.finish().is_some() {
        tracing::warn!(%peer, "hl7 listener: connection ended inside a frame, frame dropped");
    }
    match ended {
        Ended::Closed => tracing::debug!(%peer, frames, "hl7 connection closed by the sender"),
        Ended::Idle => tracing::info!(%peer, frames, open_frame, "hl7 connection idle, closed"),
        Ended::Stopped => tracing::debug!(%peer, frames, "hl7 connection closed: stopping"),
        Ended::Failed(e) => tracing::warn!(%peer, frames, "hl7 connection failed: {e}"),
    }
    let _ = stream.shutdown().await;
}

/// The ACK bytes for one frame: the sink's verdict for a readable message, AE otherwise.
async fn answer<S: Sink>(
    payload: Vec<u8>,
    config: &ListenerConfig,
    sink: &S,
    peer: SocketAddr,
) -> Vec<u8> {
    // The frame is handed over as it is: a 5 MB message is not copied again.
    let raw = Arc::new(payload);
    let message = match parse(&raw) {
        Ok(message) => message,
        Err(e) => {
            tracing::warn!(%peer, bytes = raw.len(), "hl7 listener: unreadable message: {e}");
            return unreadable_ack(config, &e);
        }
    };
    let received = received(&message, Arc::clone(&raw));
    let message_type = received.message_type.clone();
    let (code, errors) = match sink.accept(received).await {
        Ok(verdict) => (verdict.code, verdict.errors),
        Err(e) => {
            tracing::warn!(%peer, %message_type, "hl7 listener: message not committed: {e}");
            let error = AckError::application(ApplicationError::Other, None);
            (AckCode::Reject, vec![error])
        }
    };
    tracing::debug!(%peer, %message_type, bytes = raw.len(), code = code.code(), "hl7 message acknowledged");
    let (control_id, timestamp) = ack_header();
    Ack::for_message(
        &message,
        code,
        &errors,
        &AckParams {
            control_id: &control_id,
            timestamp: &timestamp,
        },
    )
    .to_bytes()
}

/// The header values the sink needs, read once.
pub fn received(message: &Message<'_>, raw: Arc<Vec<u8>>) -> ReceivedMessage {
    let msh = message.msh();
    ReceivedMessage {
        sending_application: msh.field(3).raw().to_owned(),
        sending_facility: msh.field(4).raw().to_owned(),
        control_id: message.control_id().into_owned(),
        message_type: msh.field(9).raw().to_owned(),
        raw,
    }
}

fn unreadable_ack(config: &ListenerConfig, error: &Hl7Error) -> Vec<u8> {
    let condition = match error {
        Hl7Error::UnsupportedCharset => Hl7Condition::DataType,
        _ => Hl7Condition::OtherHl7,
    };
    let (control_id, timestamp) = ack_header();
    Ack::for_unreadable(
        &config.application,
        &config.facility,
        &AckError::message(condition, None),
        &AckParams {
            control_id: &control_id,
            timestamp: &timestamp,
        },
    )
    .to_bytes()
}

/// MSH-10 and MSH-7 of an ACK: unique within the process and across restarts (the start time
/// in seconds, then a counter).
fn ack_header() -> (String, String) {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static START: std::sync::OnceLock<i64> = std::sync::OnceLock::new();
    let start = *START.get_or_init(|| chrono::Utc::now().timestamp());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let now = chrono::Utc::now().format("%Y%m%d%H%M%S+0000").to_string();
    (format!("CHV{start:x}{n}"), now)
}
