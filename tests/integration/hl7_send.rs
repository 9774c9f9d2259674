//! `chevet hl7 send` (issue 14) run as a process against the MLLP listener started here, with
//! the journal on a temporary SQLite file: the PAM-FR ADT fixtures (LF between segments) are
//! acknowledged AA and journalled byte for byte; a store that refuses gives AR with its ERR codes and exit 1;
//! an ACK for another message, a refused connection and an unreadable file exit 2, and the
//! other files are still sent.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use chevet::hl7::listener::{self, ListenerConfig, ListenerHandle};
use chevet::hl7::{MllpDecoder, mllp};
use chevet::intake::JournalSink;
use chevet::store::{DbKey, Store, hl7_journal};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("hl7-send-test")
        .enable_all()
        .build()
        .expect("runtime")
}

fn start(rt: &tokio::runtime::Runtime, sink: Arc<JournalSink>) -> ListenerHandle {
    let loopback: SocketAddr = "127.0.0.1:0".parse().expect("address");
    let config = ListenerConfig {
        idle_timeout: Duration::from_secs(30),
        ..ListenerConfig::default()
    };
    rt.block_on(listener::start(loopback, config, sink))
        .expect("listener")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures/hl7v2")
        .join(name)
}

/// `chevet hl7 send FILES --to ADDR --timeout-s 10`.
fn send(files: &[&Path], to: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chevet"))
        .args(["hl7", "send"])
        .args(files)
        .args(["--to", to, "--timeout-s", "10"])
        .output()
        .expect("chevet hl7 send")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn issue14_send_gets_aa_for_adt_fixtures_journalled_as_read() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("journal.db"), &DbKey::generate()).expect("store");
    let sink = Arc::new(JournalSink::new(store));
    let handle = start(&rt, Arc::clone(&sink));
    let files = [
        fixture("pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7"),
        fixture("pam-fr-consent/NonConsentementConsultation_NonOppositionAlimentation.er7"),
        fixture("pam-fr-consent/NonConsentementConsultation_OppositionAlimentation.er7"),
    ];
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let output = send(&paths, &handle.local_addr().to_string());
    let (out, err) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(output.status.code(), Some(0), "{out}{err}");
    assert!(err.is_empty(), "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), files.len(), "{out}");
    let store = sink.store();
    let store = store.lock().expect("store");
    for (path, line) in files.iter().zip(&lines) {
        let bytes = std::fs::read(path).expect("fixture");
        let message = chevet::hl7::parse(&bytes).expect("fixture");
        let msh = message.msh();
        let control_id = message.control_id();
        assert_eq!(
            *line,
            format!("{} : AA {control_id}", path.display()),
            "one line per file"
        );
        let id = hl7_journal::find(&store, msh.field(3).raw(), msh.field(4).raw(), &control_id)
            .expect("find")
            .expect("journalled");
        let entry = hl7_journal::get(&store, id).expect("get").expect("row");
        assert_eq!(entry.raw, bytes, "sent as read, LF kept");
    }
    assert_eq!(hl7_journal::count(&store).expect("count"), 3);
    drop(store);
    rt.block_on(handle.stop());
}

#[test]
fn issue14_send_exits_1_on_ar_and_prints_the_err_codes() {
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    // A workstation's cache refuses the journal: the listener answers AR (ERR 207 / 906).
    let cache = Store::open_cache(&dir.path().join("cache.db"), &DbKey::generate()).expect("c");
    let handle = start(&rt, Arc::new(JournalSink::new(cache)));
    let file = fixture("lps-mssante-v1.0/mdm/message.hl7");
    let output = send(&[&file], &handle.local_addr().to_string());
    let out = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{out}");
    let line = out.lines().next().expect("one line");
    assert!(line.contains(" : AR "), "{line}");
    assert!(line.contains("ERR-3 207"), "{line}");
    assert!(line.contains("ERR-5 906"), "{line}");
    rt.block_on(handle.stop());
}

/// A peer that answers every frame with an ACK for the control id `LATE`.
fn wrong_ack_peer() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    std::thread::Builder::new()
        .name("hl7-send-wrong-ack".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                let mut stream = stream;
                let mut decoder = MllpDecoder::default();
                let mut chunk = [0u8; 8192];
                while let Ok(n) = stream.read(&mut chunk) {
                    if n == 0 {
                        break;
                    }
                    decoder.push(&chunk[..n]);
                    while let Some(Ok(_)) = decoder.next_frame() {
                        let ack = b"MSH|^~\\&|X|Y|A|B|20260101||ACK|1|P|2.5\rMSA|AA|LATE\r";
                        let _ = stream.write_all(&mllp::encode(ack));
                    }
                }
            }
        })
        .expect("peer");
    addr
}

#[test]
fn issue14_send_exits_2_on_a_foreign_ack_a_refused_connection_or_an_unreadable_file() {
    let file = fixture("trans-doc-cda-v1.2/mdm/message.hl7");
    // An ACK whose MSA-2 is not the MSH-10 sent.
    let output = send(&[&file], &wrong_ack_peer().to_string());
    let err = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("LATE"), "{err}");
    assert!(output.stdout.is_empty());
    // Nobody listening.
    let closed = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr").to_string();
    drop(closed);
    let output = send(&[&file], &addr);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stderr).lines().count(), 1);
    // An unreadable file among good ones: the others are sent.
    let rt = runtime();
    let store = Store::open_in_memory(&DbKey::generate()).expect("store");
    let sink = Arc::new(JournalSink::new(store));
    let handle = start(&rt, Arc::clone(&sink));
    let dir = tempfile::tempdir().expect("tempdir");
    let not_hl7 = dir.path().join("not.hl7");
    std::fs::write(&not_hl7, "PID|||123\r").expect("write");
    let missing = dir.path().join("missing.hl7");
    let output = send(
        &[&not_hl7, &file, &missing],
        &handle.local_addr().to_string(),
    );
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(text(&output.stderr).lines().count(), 2);
    assert_eq!(text(&output.stdout).lines().count(), 1);
    let store = sink.store();
    assert_eq!(
        hl7_journal::count(&store.lock().expect("store")).expect("count"),
        1
    );
    rt.block_on(handle.stop());
}
