//! `serve_vpcd`: the virtual card behind pcscd's vpcd driver (vsmartcard-vpcd). The card side
//! connects to vpcd's TCP port (35963 for reader "Virtual PCD 00 00") and answers frames of a
//! 2-byte big-endian length and a payload: a 1-byte payload is a control (0 power off, 1 power
//! on, 2 reset, 4 send the ATR), anything else a C-APDU answered with an R-APDU. Setting the
//! stop flag closes the socket: vpcd then reports the card removed.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{ATR, VirtualCps};

/// vpcd's port for its first reader, "Virtual PCD 00 00".
pub const VPCD_PORT: u16 = 35963;

const POLL: Duration = Duration::from_millis(100);

/// Serves `card` to vpcd at `addr` until `stop` is set (checked every 100 ms). Blocks. When
/// vpcd is not listening yet, or closes the connection (pcscd restart), connects again.
/// Returns an error only for a socket failure that retrying cannot fix.
pub fn serve_vpcd(
    addr: SocketAddr,
    mut card: VirtualCps,
    stop: Arc<AtomicBool>,
) -> std::io::Result<()> {
    while !stop.load(Ordering::Relaxed) {
        let stream = match TcpStream::connect_timeout(&addr, Duration::from_millis(250)) {
            Ok(stream) => stream,
            Err(e) if is_transient(e.kind()) => {
                std::thread::sleep(POLL);
                continue;
            }
            Err(e) => return Err(e),
        };
        tracing::debug!(%addr, "virtual card connected to vpcd");
        card.reset();
        match session(&stream, &mut card, &stop) {
            Ok(()) => {}
            Err(e) if is_transient(e.kind()) => {
                tracing::debug!(error = %e, "vpcd connection lost");
            }
            Err(e) => return Err(e),
        }
        // Closing the socket is the card leaving the reader; errors here change nothing.
        let _ = stream.shutdown(Shutdown::Both);
        card.reset();
        if !stop.load(Ordering::Relaxed) {
            std::thread::sleep(POLL);
        }
    }
    Ok(())
}

fn is_transient(kind: ErrorKind) -> bool {
    matches!(
        kind,
        ErrorKind::ConnectionRefused
            | ErrorKind::ConnectionReset
            | ErrorKind::ConnectionAborted
            | ErrorKind::BrokenPipe
            | ErrorKind::TimedOut
            | ErrorKind::UnexpectedEof
    )
}

/// Answers vpcd until it closes the connection (`Ok`) or `stop` is set (`Ok`).
fn session(
    mut stream: &TcpStream,
    card: &mut VirtualCps,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    stream.set_read_timeout(Some(POLL))?;
    stream.set_nodelay(true)?;
    loop {
        let mut length = [0u8; 2];
        if !read_full(stream, &mut length, stop)? {
            return Ok(());
        }
        let mut payload =
            zeroize::Zeroizing::new(vec![0u8; usize::from(u16::from_be_bytes(length))]);
        if !read_full(stream, &mut payload, stop)? {
            return Ok(());
        }
        let answer = match payload.as_slice() {
            [] => continue,
            [0] => {
                card.reset();
                continue;
            }
            [1] | [2] => {
                card.reset();
                continue;
            }
            [4] => ATR.to_vec(),
            [_] => continue,
            apdu => card.process(apdu),
        };
        let len = u16::try_from(answer.len())
            .map_err(|_| std::io::Error::new(ErrorKind::InvalidData, "answer too long"))?;
        let mut frame = Vec::with_capacity(answer.len() + 2);
        frame.extend_from_slice(&len.to_be_bytes());
        frame.extend_from_slice(&answer);
        stream.write_all(&frame)?;
    }
}

/// Fills `buf`, waiting across read timeouts. `Ok(false)`: stopped, or vpcd closed the socket.
fn read_full(mut stream: &TcpStream, buf: &mut [u8], stop: &AtomicBool) -> std::io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        if stop.load(Ordering::Relaxed) {
            return Ok(false);
        }
        match stream.read(&mut buf[filled..]) {
            Ok(0) => return Ok(false),
            Ok(n) => filled += n,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                ) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    fn frame(stream: &mut TcpStream, payload: &[u8]) -> Vec<u8> {
        let mut out = u16::try_from(payload.len())
            .expect("len")
            .to_be_bytes()
            .to_vec();
        out.extend_from_slice(payload);
        stream.write_all(&out).expect("write");
        if payload.len() == 1 && payload[0] != 4 {
            return Vec::new();
        }
        let mut len = [0u8; 2];
        stream.read_exact(&mut len).expect("len");
        let mut answer = vec![0u8; usize::from(u16::from_be_bytes(len))];
        stream.read_exact(&mut answer).expect("answer");
        answer
    }

    /// Plays vpcd's side on a local port: power on, ATR, one APDU; then stop closes the socket.
    #[test]
    fn speaks_the_vpcd_protocol_and_closes_on_stop() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let card = super::super::tests::demo_card();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let server = std::thread::Builder::new()
            .name("vpcd-card".into())
            .spawn(move || serve_vpcd(addr, card, flag))
            .expect("thread");
        let (mut vpcd, _) = listener.accept().expect("accept");
        vpcd.set_read_timeout(Some(Duration::from_secs(5)))
            .expect("timeout");
        frame(&mut vpcd, &[1]);
        assert_eq!(frame(&mut vpcd, &[4]), ATR.to_vec());
        let mut select = vec![0x00, 0xA4, 0x04, 0x0C, 13];
        select.extend_from_slice(&crate::card::profile::CPS3_IAS_AID);
        assert_eq!(frame(&mut vpcd, &select), vec![0x90, 0x00]);
        assert_eq!(frame(&mut vpcd, &[0x00, 0x99, 0, 0]), vec![0x6D, 0x00]);
        stop.store(true, Ordering::Relaxed);
        let mut rest = Vec::new();
        // The card closes the connection: vpcd sees end of stream.
        assert_eq!(vpcd.read_to_end(&mut rest).expect("eof"), 0);
        assert!(server.join().expect("join").is_ok());
    }
}
