//! Tests of the MLLP client against a listener in the test: real ACKs built with
//! `crate::hl7::ack`, a late ACK of another message, a peer that closes or never answers.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::*;
use crate::hl7::ack::{Ack, AckCode, AckError, AckParams, ApplicationError};
use crate::hl7::{mllp, parse};

const MESSAGE: &[u8] =
    b"MSH|^~\\&|DPI|CHU|PFI|CHU|20260101120000||MDM^T02^MDM_T02|MSG-1|P|2.6\rEVN||20260101120000\r";

fn short() -> ClientTimeouts {
    ClientTimeouts {
        connect: Duration::from_secs(5),
        write: Duration::from_secs(5),
        ack: Duration::from_millis(300),
    }
}

/// What the peer in the test does with the one frame it receives.
#[derive(Clone, Copy)]
enum Peer {
    Answer(AckCode),
    AnswerOther,
    AnswerError,
    Close,
    Silent,
    HalfFrame,
}

async fn read_frame(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut decoder = MllpDecoder::default();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(frame) = decoder.next_frame() {
            return frame.ok();
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        decoder.push(&chunk[..n]);
    }
}

fn ack_of(received: &[u8], code: AckCode, errors: &[AckError]) -> Vec<u8> {
    let message = parse(received).expect("received message");
    let params = AckParams {
        control_id: "ACK-1",
        timestamp: "20260101120001",
    };
    Ack::for_message(&message, code, errors, &params).to_bytes()
}

/// A listener answering one connection as `peer` says; its address.
async fn peer(peer: Peer) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let Some(received) = read_frame(&mut stream).await else {
            return;
        };
        let reply = match peer {
            Peer::Answer(code) => ack_of(&received, code, &[]),
            Peer::AnswerError => ack_of(
                &received,
                AckCode::Error,
                &[AckError::application(
                    ApplicationError::UnknownPatient,
                    None,
                )],
            ),
            Peer::AnswerOther => {
                let other = String::from_utf8(received)
                    .expect("utf-8")
                    .replace("MSG-1", "MSG-0");
                ack_of(other.as_bytes(), AckCode::Accept, &[])
            }
            Peer::Close => return,
            Peer::Silent => {
                tokio::time::sleep(Duration::from_secs(30)).await;
                return;
            }
            Peer::HalfFrame => {
                let _ = stream.write_all(b"\x0bMSH|^~\\&|PFI").await;
                return;
            }
        };
        let _ = stream.write_all(&mllp::encode(&reply)).await;
        let _ = stream.flush().await;
    });
    addr
}

#[tokio::test]
async fn an_accepted_message_gets_its_ack() {
    let addr = peer(Peer::Answer(AckCode::Accept)).await;
    let ack = send(addr, MESSAGE, short()).await.expect("ack");
    assert_eq!(check_ack(&ack, "MSG-1"), Ok(AckReply::Accepted));
    assert_eq!(check_ack(&ack, "MSG-2"), Err(MllpClientError::WrongAck));
}

#[tokio::test]
async fn an_error_ack_gives_its_codes_and_a_reject_is_for_later() {
    let addr = peer(Peer::AnswerError).await;
    let ack = send(addr, MESSAGE, short()).await.expect("ack");
    assert_eq!(
        check_ack(&ack, "MSG-1"),
        Ok(AckReply::Error {
            codes: vec![(
                "207".to_owned(),
                Some("902".to_owned()),
                Some(crate::hl7::ack::LABEL_902.to_owned())
            )]
        })
    );
    let addr = peer(Peer::Answer(AckCode::Reject)).await;
    let ack = send(addr, MESSAGE, short()).await.expect("ack");
    assert_eq!(check_ack(&ack, "MSG-1"), Ok(AckReply::Rejected));
}

#[tokio::test]
async fn a_late_ack_of_another_message_is_refused() {
    let addr = peer(Peer::AnswerOther).await;
    let ack = send(addr, MESSAGE, short())
        .await
        .expect("a frame came back");
    let error = check_ack(&ack, "MSG-1").expect_err("not ours");
    assert_eq!(error, MllpClientError::WrongAck);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_peer_closing_without_answer_is_closed() {
    let addr = peer(Peer::Close).await;
    let error = send(addr, MESSAGE, short()).await.expect_err("no ack");
    assert!(
        matches!(
            error,
            MllpClientError::Closed | MllpClientError::Reset { .. }
        ),
        "{error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_silent_peer_times_out() {
    let addr = peer(Peer::Silent).await;
    let error = send(addr, MESSAGE, short()).await.expect_err("no ack");
    assert_eq!(error, MllpClientError::Timeout { stage: Stage::Ack });
    assert!(error.is_retryable());
}

#[tokio::test]
async fn half_a_frame_then_close_is_truncated() {
    let addr = peer(Peer::HalfFrame).await;
    let error = send(addr, MESSAGE, short()).await.expect_err("no ack");
    assert_eq!(error, MllpClientError::Frame(Hl7Error::FrameTruncated));
    assert!(error.is_retryable());
}

#[tokio::test]
async fn nobody_listening_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let error = send(addr, MESSAGE, short()).await.expect_err("refused");
    assert!(
        matches!(error, MllpClientError::Connect { .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
}

#[tokio::test]
async fn a_message_holding_a_frame_byte_is_not_sent() {
    let addr: SocketAddr = "127.0.0.1:9".parse().expect("addr");
    let error = send(addr, b"MSH|^~\\&|\x1c", short())
        .await
        .expect_err("unframable");
    assert_eq!(error, MllpClientError::Unframable);
    assert!(!error.is_retryable());
}

#[test]
fn unusable_acks_are_refused() {
    assert!(matches!(
        check_ack(b"not hl7", "1"),
        Err(MllpClientError::Unreadable(_))
    ));
    assert_eq!(
        check_ack(b"MSH|^~\\&|A|B|C|D|20260101||ACK|9|P|2.6\r", "1"),
        Err(MllpClientError::NoMsa)
    );
    let ack = b"MSH|^~\\&|A|B|C|D|20260101||ACK|9|P|2.6\nMSA|XX|1\n";
    assert_eq!(check_ack(ack, "1"), Err(MllpClientError::UnknownAckCode));
    let ack = b"MSH|^~\\&|A|B|C|D|20260101||ACK|9|P|2.6\rMSA|CA|1\r";
    assert_eq!(check_ack(ack, "1"), Ok(AckReply::Accepted));
    assert_eq!(check_ack(ack, ""), Err(MllpClientError::WrongAck));
    let ack = b"MSH|^~\\&|A|B|C|D|20260101||ACK|9|P|2.6\rMSA|AE|1\rERR||MSH^1^12|203^Unsupported version id^messageErrorCondition|E\r";
    assert_eq!(
        check_ack(ack, "1"),
        Ok(AckReply::Error {
            codes: vec![(
                "203".to_owned(),
                None,
                Some("Unsupported version id".to_owned())
            )]
        })
    );
}

#[test]
fn errors_say_what_to_do_in_french() {
    let errors = [
        MllpClientError::Connect {
            addr: "127.0.0.1:2575".parse().expect("addr"),
            kind: std::io::ErrorKind::ConnectionRefused,
        },
        MllpClientError::Timeout {
            stage: Stage::Write,
        },
        MllpClientError::Closed,
        MllpClientError::Reset {
            stage: Stage::Ack,
            kind: std::io::ErrorKind::ConnectionReset,
        },
        MllpClientError::Frame(Hl7Error::FrameTooLarge { max: 10 }),
        MllpClientError::Unreadable(Hl7Error::NoHeader),
        MllpClientError::NoMsa,
        MllpClientError::WrongAck,
        MllpClientError::UnknownAckCode,
        MllpClientError::Unframable,
    ];
    for e in &errors {
        let text = e.to_string();
        assert!(text.contains("HL7") || text.contains("acquittement") || text.contains("message"));
        assert!(!text.contains("MSG-1"));
    }
    let retryable: Vec<bool> = errors.iter().map(MllpClientError::is_retryable).collect();
    assert_eq!(
        retryable,
        [
            true, true, true, true, false, false, false, true, false, false
        ]
    );
}
