//! An MLLP client: one message out, its ACK frame back, bounded in time (spec part A).
//!
//! [`send`] opens a TCP connection (bounded by [`ClientTimeouts::connect`]), writes one MLLP
//! frame (bounded by `write`), reads exactly one frame back (bounded by `ack`, and in size by
//! [`mllp::DEFAULT_MAX_FRAME_BYTES`]) and closes: one message per connection, so a late ACK of
//! an earlier message can only come from a confused peer — and [`check_ack`] refuses it anyway
//! (MSA-2 must equal the MSH-10 sent). [`send_on`] does the same exchange on a stream the
//! caller opened (a TLS stream, for one).
//!
//! [`MllpClientError`] says what to do, in French, never quoting the message or the ACK;
//! [`MllpClientError::is_retryable`] is true when the message's fate is unknown or the
//! failure transient (nothing connected, nothing or half an answer came back): the outbox
//! then resends the same bytes later. Nothing here logs.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

use super::Hl7Error;
use super::mllp::{self, MllpDecoder};

/// How long each step may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientTimeouts {
    /// Opening the TCP connection.
    pub connect: Duration,
    /// Writing the whole frame.
    pub write: Duration,
    /// From the end of the write to the end of the ACK frame.
    pub ack: Duration,
}

impl Default for ClientTimeouts {
    /// 10 s to connect, 60 s to write (a CDA with its PDF weighs megabytes), 60 s for the ACK.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            write: Duration::from_secs(60),
            ack: Duration::from_secs(60),
        }
    }
}

/// The step a timeout or an I/O failure interrupted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Connect,
    Write,
    Ack,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Connect => "de la connexion",
            Self::Write => "de l'envoi",
            Self::Ack => "de l'attente de l'acquittement",
        })
    }
}

/// One ERR segment of an AE/CE acknowledgement: ERR-3 code, ERR-5 code (when any), and a
/// label (ERR-5.2, else ERR-8, else ERR-3.2) as the peer wrote it.
pub type AckErrorCode = (String, Option<String>, Option<String>);

/// What an acknowledgement of our message says (MSA-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AckReply {
    /// `AA` / `CA`: the peer took responsibility for the message.
    Accepted,
    /// `AE` / `CE`: the message is wrong; sending it again unchanged will fail again.
    Error { codes: Vec<AckErrorCode> },
    /// `AR` / `CR`: refused for a circumstantial reason; send it again later.
    Rejected,
}

/// Why a message got no usable acknowledgement. Never carries message content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MllpClientError {
    #[error(
        "connexion au partenaire HL7 {addr} impossible ({kind}) : vérifier l'adresse, le port \
         et que le service écoute ; l'envoi sera retenté"
    )]
    Connect {
        addr: SocketAddr,
        kind: std::io::ErrorKind,
    },

    #[error(
        "délai dépassé lors {stage} avec le partenaire HL7 : le message a pu être reçu ou non ; \
         il sera renvoyé à l'identique plus tard"
    )]
    Timeout { stage: Stage },

    #[error(
        "le partenaire HL7 a fermé la connexion sans acquitter : le message a pu être reçu ou \
         non ; il sera renvoyé à l'identique plus tard"
    )]
    Closed,

    #[error(
        "connexion au partenaire HL7 interrompue lors {stage} ({kind}) : le message sera renvoyé \
         à l'identique plus tard"
    )]
    Reset {
        stage: Stage,
        kind: std::io::ErrorKind,
    },

    #[error("trame d'acquittement inexploitable : {0}")]
    Frame(Hl7Error),

    #[error(
        "l'acquittement reçu n'est pas un message HL7 lisible ({0}) : faire vérifier le \
         paramétrage du partenaire"
    )]
    Unreadable(Hl7Error),

    #[error(
        "l'acquittement reçu n'a pas de segment MSA : faire vérifier le paramétrage du partenaire"
    )]
    NoMsa,

    #[error(
        "l'acquittement reçu concerne un autre message (MSA-2 différent du MSH-10 envoyé) : il \
         est ignoré ; le message sera renvoyé à l'identique plus tard"
    )]
    WrongAck,

    #[error(
        "code d'acquittement MSA-1 inconnu : faire vérifier le paramétrage du partenaire (seuls \
         AA, AE, AR, CA, CE, CR sont attendus)"
    )]
    UnknownAckCode,

    #[error(
        "le message contient un octet de trame MLLP (0x0B ou 0x1C) : il ne peut pas être envoyé \
         tel quel ; il doit être régénéré"
    )]
    Unframable,
}

impl MllpClientError {
    /// True when the message may not have arrived, or the failure is transient: resend the
    /// same bytes later. False when the answer itself is wrong (a person must look).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect { .. }
            | Self::Timeout { .. }
            | Self::Closed
            | Self::Reset { .. }
            | Self::WrongAck => true,
            Self::Frame(e) => e.is_retryable(),
            Self::Unreadable(_) | Self::NoMsa | Self::UnknownAckCode | Self::Unframable => false,
        }
    }
}

/// Connects to `addr`, sends `message` in one MLLP frame and returns the payload of the one
/// frame that comes back (the raw ACK, for [`check_ack`] and the journal).
pub async fn send(
    addr: SocketAddr,
    message: &[u8],
    timeouts: ClientTimeouts,
) -> Result<Vec<u8>, MllpClientError> {
    refuse_unframable(message)?;
    let mut stream = tokio::time::timeout(timeouts.connect, TcpStream::connect(addr))
        .await
        .map_err(|_| MllpClientError::Timeout {
            stage: Stage::Connect,
        })?
        .map_err(|e| MllpClientError::Connect {
            addr,
            kind: e.kind(),
        })?;
    // Latency only: a failure here changes nothing to the exchange.
    let _ = stream.set_nodelay(true);
    let reply = send_on(&mut stream, message, timeouts).await;
    // Best effort: the connection is dropped whatever happens.
    let _ = tokio::time::timeout(Duration::from_millis(200), stream.shutdown()).await;
    reply
}

/// The exchange of [`send`] on a stream the caller opened (`timeouts.connect` unused).
pub async fn send_on<S>(
    stream: &mut S,
    message: &[u8],
    timeouts: ClientTimeouts,
) -> Result<Vec<u8>, MllpClientError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    refuse_unframable(message)?;
    let frame = mllp::encode(message);
    let write = async {
        stream.write_all(&frame).await?;
        stream.flush().await
    };
    tokio::time::timeout(timeouts.write, write)
        .await
        .map_err(|_| MllpClientError::Timeout {
            stage: Stage::Write,
        })?
        .map_err(|e| io_failure(Stage::Write, &e))?;
    read_one_frame(stream, timeouts.ack).await
}

fn refuse_unframable(message: &[u8]) -> Result<(), MllpClientError> {
    if message
        .iter()
        .any(|&b| b == mllp::START_BLOCK || b == mllp::END_BLOCK)
    {
        return Err(MllpClientError::Unframable);
    }
    Ok(())
}

/// A broken pipe or a reset: the peer went away.
fn io_failure(stage: Stage, e: &std::io::Error) -> MllpClientError {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::UnexpectedEof => MllpClientError::Closed,
        K::TimedOut | K::WouldBlock => MllpClientError::Timeout { stage },
        kind => MllpClientError::Reset { stage, kind },
    }
}

/// The first frame the stream brings within `limit`.
async fn read_one_frame<S>(stream: &mut S, limit: Duration) -> Result<Vec<u8>, MllpClientError>
where
    S: AsyncRead + Unpin,
{
    let deadline = tokio::time::Instant::now() + limit;
    let mut decoder = MllpDecoder::new(mllp::DEFAULT_MAX_FRAME_BYTES);
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        match decoder.next_frame() {
            Some(Ok(frame)) => return Ok(frame),
            Some(Err(e)) => return Err(MllpClientError::Frame(e)),
            None => {}
        }
        let read = tokio::time::timeout_at(deadline, stream.read(&mut chunk))
            .await
            .map_err(|_| MllpClientError::Timeout { stage: Stage::Ack })?;
        match read {
            Ok(0) => {
                return Err(match decoder.finish() {
                    Some(e) => MllpClientError::Frame(e),
                    None => MllpClientError::Closed,
                });
            }
            Ok(n) => decoder.push(chunk.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_failure(Stage::Ack, &e)),
        }
    }
}

/// Reads an acknowledgement of the message whose MSH-10 was `expected_msh10`.
pub fn check_ack(ack: &[u8], expected_msh10: &str) -> Result<AckReply, MllpClientError> {
    let message = super::parse(ack).map_err(MllpClientError::Unreadable)?;
    let msa = message.segment("MSA").ok_or(MllpClientError::NoMsa)?;
    let acknowledged = msa.field(2).repetition(0).component(1).text();
    if acknowledged.trim() != expected_msh10.trim() || expected_msh10.trim().is_empty() {
        return Err(MllpClientError::WrongAck);
    }
    let code = msa.field(1).text();
    match code.trim() {
        "AA" | "CA" => Ok(AckReply::Accepted),
        "AR" | "CR" => Ok(AckReply::Rejected),
        "AE" | "CE" => {
            let codes = message
                .segments("ERR")
                .map(|err| {
                    let owned = |s: std::borrow::Cow<'_, str>| {
                        let s = s.trim();
                        (!s.is_empty()).then(|| s.to_owned())
                    };
                    let err3 = err.field(3).component(1).text().trim().to_owned();
                    let err5 = owned(err.field(5).component(1).text());
                    let label = owned(err.field(5).component(2).text())
                        .or_else(|| owned(err.field(8).text()))
                        .or_else(|| owned(err.field(3).component(2).text()));
                    (err3, err5, label)
                })
                .collect();
            Ok(AckReply::Error { codes })
        }
        _ => Err(MllpClientError::UnknownAckCode),
    }
}

#[cfg(test)]
#[path = "client_tests.rs"]
mod tests;
