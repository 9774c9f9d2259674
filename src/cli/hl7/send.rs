//! `chevet hl7 send FICHIER… --to HÔTE:PORT [--timeout-s N]`: sends each file, one HL7 v2
//! message per file, over MLLP to a listener (ours, or a peer's), waits for its ACK and prints
//! one line per file: the file, MSA-1, MSA-2, then each ERR's ERR-3 and ERR-5 (code and
//! label). What hospital IT uses to replay a message, or to check that a listener answers.
//!
//! Choices:
//! - a file is sent **as read, byte for byte** (CR, LF or CRLF between segments: our listener
//!   accepts all three, and the journal then holds exactly the file); a file holding an MLLP
//!   byte (0x0B, 0x1C) cannot be framed and is refused;
//! - the file is parsed first, for its MSH-10: the ACK's MSA-2 must equal it, so a late ACK
//!   of an earlier message is an error, not a success;
//! - one connection for all the files, one message at a time; after a failure on a file
//!   (timeout, connection closed, ACK of another message) the connection is dropped and the
//!   next file opens a new one;
//! - `--timeout-s` (default 30) bounds the connection, the write and the wait for each ACK.
//!
//! Exit code: 0 when every file got AA (or CA), 1 when one got AE/AR (CE/CR), 2 when a file
//! could not be read or sent, or its ACK was missing or not for it (2 wins over 1). Nothing is
//! logged: the lines name files and codes, never the message's content.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use super::HL7_USAGE;
use crate::cli::CliError;
use crate::hl7::{MllpDecoder, mllp, parse};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The parsed command line.
struct Options {
    files: Vec<PathBuf>,
    to: String,
    timeout: Duration,
}

fn options(args: &[String]) -> Result<Options, CliError> {
    let usage = || CliError::Usage(HL7_USAGE);
    let mut files = Vec::new();
    let mut to = None;
    let mut timeout = DEFAULT_TIMEOUT;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--to" => to = Some(args.next().ok_or_else(usage)?.clone()),
            "--timeout-s" => {
                let secs: u64 = args.next().and_then(|s| s.parse().ok()).ok_or_else(usage)?;
                if secs == 0 {
                    return Err(usage());
                }
                timeout = Duration::from_secs(secs);
            }
            a if a.starts_with('-') => return Err(usage()),
            a => files.push(PathBuf::from(a)),
        }
    }
    match to {
        Some(to) if !files.is_empty() => Ok(Options { files, to, timeout }),
        _ => Err(usage()),
    }
}

/// What the ACK of one file said.
struct Answer {
    code: String,
    control_id: String,
    /// "ERR-3 code label" / "ERR-5 code label", per ERR segment.
    errors: Vec<String>,
}

/// Why a file got no usable answer (exit code 2). No message content in it.
#[derive(Debug)]
struct Failure {
    reason: String,
    /// The connection is in an unknown state and must be reopened.
    drop_connection: bool,
}

impl Failure {
    fn file(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            drop_connection: false,
        }
    }

    fn link(reason: impl Into<String>) -> Self {
        Self {
            reason: reason.into(),
            drop_connection: true,
        }
    }
}

/// Runs `chevet hl7 send …` (the arguments after `send`).
pub fn send(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let options = options(args)?;
    let mut connection: Option<(TcpStream, MllpDecoder)> = None;
    let (mut rejected, mut failed) = (false, false);
    for path in &options.files {
        match send_file(path, &options, &mut connection) {
            Ok(answer) => {
                let mut line =
                    format!("{} : {} {}", path.display(), answer.code, answer.control_id);
                for error in &answer.errors {
                    line.push_str(" ; ");
                    line.push_str(error);
                }
                writeln!(out, "{line}")?;
                match answer.code.as_str() {
                    "AA" | "CA" => {}
                    "AE" | "AR" | "CE" | "CR" => rejected = true,
                    _ => failed = true,
                }
            }
            Err(failure) => {
                writeln!(err, "{} : {}", path.display(), failure.reason)?;
                if failure.drop_connection {
                    connection = None;
                }
                failed = true;
            }
        }
    }
    Ok(if failed {
        ExitCode::from(2)
    } else if rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads, sends and waits for the ACK of one file.
fn send_file(
    path: &Path,
    options: &Options,
    connection: &mut Option<(TcpStream, MllpDecoder)>,
) -> Result<Answer, Failure> {
    let bytes =
        std::fs::read(path).map_err(|e| Failure::file(format!("lecture impossible : {e}")))?;
    if bytes.contains(&mllp::START_BLOCK) || bytes.contains(&mllp::END_BLOCK) {
        return Err(Failure::file(
            "le fichier contient un octet de trame MLLP (0x0B ou 0x1C) : non envoyé",
        ));
    }
    let control_id = parse(&bytes)
        .map_err(|e| Failure::file(format!("non envoyé : {e}")))?
        .control_id()
        .into_owned();
    if connection.is_none() {
        *connection = Some((
            connect(&options.to, options.timeout)?,
            MllpDecoder::default(),
        ));
    }
    let Some((stream, decoder)) = connection.as_mut() else {
        return Err(Failure::link("pas de connexion"));
    };
    stream
        .write_all(&mllp::encode(&bytes))
        .and_then(|()| stream.flush())
        .map_err(|e| Failure::link(format!("envoi interrompu : {e}")))?;
    let ack = read_frame(stream, decoder, options.timeout)?;
    let answer = read_ack(&ack)?;
    if answer.control_id != control_id {
        return Err(Failure::link(format!(
            "ACK d'un autre message (MSA-2 {:?} au lieu du MSH-10 envoyé {control_id:?})",
            answer.control_id
        )));
    }
    Ok(answer)
}

/// A connection to the first address of `to` that answers within `timeout`.
fn connect(to: &str, timeout: Duration) -> Result<TcpStream, Failure> {
    let addrs: Vec<SocketAddr> = to
        .to_socket_addrs()
        .map_err(|e| Failure::link(format!("adresse {to} invalide : {e}")))?
        .collect();
    let mut last = None;
    for addr in &addrs {
        match TcpStream::connect_timeout(addr, timeout) {
            Ok(stream) => {
                let set = stream
                    .set_write_timeout(Some(timeout))
                    .and_then(|()| stream.set_nodelay(true));
                return set
                    .map(|()| stream)
                    .map_err(|e| Failure::link(format!("connexion à {addr} inutilisable : {e}")));
            }
            Err(e) => last = Some((addr, e)),
        }
    }
    Err(Failure::link(match last {
        Some((addr, e)) => format!("connexion à {addr} impossible : {e}"),
        None => format!("l'adresse {to} ne désigne aucune machine"),
    }))
}

/// The next MLLP frame's payload, within `timeout`.
fn read_frame(
    stream: &mut TcpStream,
    decoder: &mut MllpDecoder,
    timeout: Duration,
) -> Result<Vec<u8>, Failure> {
    let deadline = Instant::now() + timeout;
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        match decoder.next_frame() {
            Some(Ok(frame)) => return Ok(frame),
            Some(Err(e)) => return Err(Failure::link(format!("ACK illisible : {e}"))),
            None => {}
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Failure::link(format!(
                "pas d'ACK en {} s",
                timeout.as_secs()
            )));
        }
        stream
            .set_read_timeout(Some(left))
            .map_err(|e| Failure::link(format!("connexion inutilisable : {e}")))?;
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Err(Failure::link(
                    "connexion fermée par le destinataire avant l'ACK",
                ));
            }
            Ok(n) => decoder.push(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Failure::link(format!(
                    "pas d'ACK en {} s",
                    timeout.as_secs()
                )));
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Failure::link(format!("réception interrompue : {e}"))),
        }
    }
}

/// MSA-1, MSA-2 and the ERR segments of an ACK.
fn read_ack(bytes: &[u8]) -> Result<Answer, Failure> {
    let ack = parse(bytes).map_err(|e| Failure::link(format!("ACK illisible : {e}")))?;
    let msa = ack
        .segment("MSA")
        .ok_or_else(|| Failure::link("ACK sans segment MSA"))?;
    let mut errors = Vec::new();
    for err in ack.segments("ERR") {
        for (n, field) in [(3, err.field(3)), (5, err.field(5))] {
            if !field.is_empty() {
                let code = field.component(1).text();
                let label = field.component(2).text();
                errors.push(format!("ERR-{n} {code} {label}").trim_end().to_owned());
            }
        }
    }
    Ok(Answer {
        code: msa.field(1).text().into_owned(),
        control_id: msa.field(2).text().into_owned(),
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_need_files_and_an_address() {
        let o = options(&args(&[
            "a.hl7",
            "--to",
            "h:1",
            "b.hl7",
            "--timeout-s",
            "5",
        ]))
        .expect("options");
        assert_eq!(o.files, [PathBuf::from("a.hl7"), PathBuf::from("b.hl7")]);
        assert_eq!((o.to.as_str(), o.timeout), ("h:1", Duration::from_secs(5)));
        for bad in [
            &["a.hl7"][..],
            &["--to", "h:1"],
            &["a.hl7", "--to"],
            &["a.hl7", "--to", "h:1", "--timeout-s", "0"],
            &["a.hl7", "--to", "h:1", "--timeout-s", "x"],
            &["a.hl7", "--to", "h:1", "--bogus"],
        ] {
            assert!(options(&args(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_ack_gives_its_codes_and_errors() {
        let ack = b"MSH|^~\\&|R|F|S|F|20240101||ACK^A01^ACK|9|P|2.5\r\
            MSA|AR|C42\r\
            ERR||PID^1^3|207^Application internal error^HL70357|E|906^Erreur 'Autre'^L\r";
        let answer = read_ack(ack).expect("ack");
        assert_eq!(
            (answer.code.as_str(), answer.control_id.as_str()),
            ("AR", "C42")
        );
        assert_eq!(
            answer.errors,
            [
                "ERR-3 207 Application internal error",
                "ERR-5 906 Erreur 'Autre'"
            ]
        );
        assert!(read_ack(b"MSH|^~\\&|R\rPID|1\r").is_err());
    }
}
