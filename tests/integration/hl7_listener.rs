//! The MLLP listener with the store's journal as its sink (issue 14, point 1): every fixture
//! of `../shared/fixtures/hl7v2`, sent by the Python `hl7` package's `mllp_send` (an outside
//! sender) and by a client written here for what `mllp_send` cannot produce, gets AA with
//! MSA-2 = its MSH-10 and is in the journal once; a message sent again is acknowledged again
//! and not recorded twice; garbage gets AE and the connection goes on; a truncated frame
//! records nothing; a sink that fails, or has not committed yet, never gives AA. Without
//! `mllp_send` its tests are skipped with a warning, unless `CHEVET_REQUIRE_HL7_PEER=1`
//! (scripts/test.sh), then they fail. PostgreSQL halves run when the test cluster is there.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use chevet::hl7::listener::{
    self, ListenerConfig, ListenerHandle, ReceivedMessage, Sink, SinkError, Verdict,
};
use chevet::hl7::{mllp, parse};
use chevet::intake::JournalSink;
use chevet::store::hl7_journal;
use chevet::store::testing::{pg_store, pg_target};
use chevet::store::{DbKey, Store};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("hl7-listener-test")
        .enable_all()
        .build()
        .expect("runtime")
}

fn config() -> ListenerConfig {
    ListenerConfig {
        max_connections: 8,
        max_frame_bytes: 1024 * 1024,
        idle_timeout: Duration::from_secs(30),
        stop_grace: Duration::from_secs(5),
        application: "CHEVET".to_owned(),
        facility: "TEST".to_owned(),
        ..ListenerConfig::default()
    }
}

fn start<S: Sink>(
    rt: &tokio::runtime::Runtime,
    config: ListenerConfig,
    sink: Arc<S>,
) -> ListenerHandle {
    let loopback: SocketAddr = "127.0.0.1:0".parse().expect("address");
    rt.block_on(listener::start(loopback, config, sink))
        .expect("listener")
}

/// Each store to run on: SQLite, then PostgreSQL when the test cluster is there.
fn each_store(mut body: impl FnMut(Store)) {
    body(Store::open_in_memory(&DbKey::generate()).expect("sqlite"));
    if let Some(target) = pg_target() {
        body(pg_store(&target));
    }
}

/// Every message fixture (the agency's ACK examples left out), sorted.
fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/hl7v2");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() {
                stack.push(path);
            } else if (name.ends_with(".hl7") || name.ends_with(".er7")) && !name.starts_with("ack")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    assert!(out.len() >= 10, "the HL7 v2 fixtures are missing");
    out
}

/// `bytes` with MSH-10 set to `control_id` (the agency's examples reuse `015`).
fn with_control_id(bytes: &[u8], control_id: &str) -> Vec<u8> {
    let end = bytes
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(bytes.len());
    let header = &bytes[..end];
    let mut fields: Vec<&[u8]> = header.split(|&b| b == b'|').collect();
    assert!(fields.len() > 10, "a fixture without MSH-10");
    fields[9] = control_id.as_bytes();
    let mut out = fields.join(&b'|');
    out.extend_from_slice(&bytes[end..]);
    out
}

/// What `mllp_send --loose` sends for one file's message: line ends made CR, MLLP bytes and
/// trailing blanks removed.
fn as_sent_loose(bytes: &[u8]) -> Vec<u8> {
    let kept: Vec<u8> = bytes
        .iter()
        .copied()
        .filter(|b| ![0x0B, 0x1C, 0x0C].contains(b))
        .collect();
    let mut text = Vec::with_capacity(kept.len());
    let mut i = 0;
    while i < kept.len() {
        if kept[i] == b'\r' && kept.get(i + 1) == Some(&b'\n') {
            text.push(b'\r');
            i += 2;
        } else {
            text.push(if kept[i] == b'\n' { b'\r' } else { kept[i] });
            i += 1;
        }
    }
    while text
        .last()
        .is_some_and(|b| [b'\r', b'\n', b' '].contains(b))
    {
        text.pop();
    }
    text
}

/// MSA-1 and MSA-2 of an ACK.
fn msa(ack: &[u8]) -> (String, String) {
    let message = parse(ack).expect("a readable ACK");
    let msa = message.segment("MSA").expect("MSA");
    (
        msa.field(1).text().into_owned(),
        msa.field(2).text().into_owned(),
    )
}

/// MSH-3, MSH-4 and MSH-10 of a message.
fn sender_and_id(bytes: &[u8]) -> (String, String, String) {
    let message = parse(bytes).expect("fixture");
    let msh = message.msh();
    (
        msh.field(3).raw().to_owned(),
        msh.field(4).raw().to_owned(),
        message.control_id().into_owned(),
    )
}

/// The ACK frames' payloads in `bytes` (a client's reads or `mllp_send`'s output).
fn ack_frames(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut decoder = chevet::hl7::MllpDecoder::default();
    decoder.push(bytes);
    std::iter::from_fn(|| decoder.next_frame())
        .map(|f| f.expect("ACK frame"))
        .collect()
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    stream
}

/// Writes `bytes` and reads one ACK frame.
fn exchange(stream: &mut TcpStream, bytes: &[u8]) -> Vec<u8> {
    stream.write_all(bytes).expect("send");
    read_ack(stream)
}

fn read_ack(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).expect("an ACK before the timeout");
        assert!(n > 0, "the listener closed the connection without an ACK");
        received.extend_from_slice(&chunk[..n]);
        if received.ends_with(&[mllp::END_BLOCK, mllp::CARRIAGE_RETURN]) {
            let mut frames = ack_frames(&received);
            assert_eq!(frames.len(), 1, "one ACK per message");
            return frames.remove(0);
        }
    }
}

fn count(sink: &JournalSink) -> u64 {
    let store = sink.store();
    let store = store.lock().expect("store");
    hl7_journal::count(&store).expect("count")
}

fn find(sink: &JournalSink, sender: &(String, String, String)) -> Option<i64> {
    let store = sink.store();
    let store = store.lock().expect("store");
    hl7_journal::find(&store, &sender.0, &sender.1, &sender.2).expect("find")
}

#[allow(clippy::print_stderr, reason = "the skip message of the tests")]
fn mllp_send_available() -> bool {
    let found = Command::new("mllp_send")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CHEVET_REQUIRE_HL7_PEER").as_deref() != Ok("1"),
            "CHEVET_REQUIRE_HL7_PEER=1 but mllp_send (python3 -m pip install hl7) is missing"
        );
        eprintln!("warning: mllp_send missing (python3 -m pip install hl7): test skipped");
    }
    found
}

/// Sends `file` with `mllp_send --loose`; the ACK payloads it printed.
fn mllp_send(addr: SocketAddr, file: &Path) -> Vec<Vec<u8>> {
    let output = Command::new("mllp_send")
        .args(["--loose", "--port", &addr.port().to_string(), "--file"])
        .arg(file)
        .arg(addr.ip().to_string())
        .output()
        .expect("mllp_send");
    assert!(
        output.status.success(),
        "mllp_send failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    ack_frames(&output.stdout)
}

#[test]
fn issue14_every_fixture_sent_by_mllp_send_is_answered_after_it_is_journalled() {
    if !mllp_send_available() {
        return;
    }
    let rt = runtime();
    each_store(|store| {
        let sink = Arc::new(JournalSink::new(store));
        let handle = start(&rt, config(), Arc::clone(&sink));
        let dir = tempfile::tempdir().expect("tempdir");
        // One file, every fixture with its own MSH-10: one connection, one message at a time.
        let mut all = Vec::new();
        let mut expected = Vec::new();
        for (n, path) in fixtures().iter().enumerate() {
            let bytes = with_control_id(&std::fs::read(path).expect("fixture"), &format!("T{n}"));
            expected.push(as_sent_loose(&bytes));
            all.extend_from_slice(&bytes);
            all.extend_from_slice(b"\n");
        }
        let file = dir.path().join("all.hl7");
        std::fs::write(&file, &all).expect("write");
        let acks = mllp_send(handle.local_addr(), &file);
        assert_eq!(acks.len(), expected.len(), "one ACK per message");
        // Journalled before any answer; AA when filed, AE when refused after reading (an
        // ACK fixture, a placeholder payload, a patient unknown here), never AR.
        let mut first = Vec::new();
        for (sent, ack) in expected.iter().zip(&acks) {
            let sender = sender_and_id(sent);
            let (code, id) = msa(ack);
            assert_eq!(id, sender.2);
            assert!(code == "AA" || code == "AE", "{code}");
            first.push(code);
            let id = find(&sink, &sender).expect("journalled before its AA");
            let store = sink.store();
            let entry = hl7_journal::get(&store.lock().expect("store"), id)
                .expect("get")
                .expect("row");
            assert_eq!(&entry.raw, sent, "the bytes as received");
        }
        assert_eq!(count(&sink), expected.len() as u64);

        // The same file again: acknowledged again, recorded once.
        let again = mllp_send(handle.local_addr(), &file);
        assert_eq!(again.len(), expected.len());
        for ((sent, ack), code) in expected.iter().zip(&again).zip(&first) {
            assert_eq!(
                msa(ack),
                (code.clone(), sender_and_id(sent).2),
                "the same answer"
            );
        }
        assert_eq!(
            count(&sink),
            expected.len() as u64,
            "nothing recorded twice"
        );
        rt.block_on(handle.stop());
    });
}

#[test]
fn issue14_one_fixture_sent_twice_by_mllp_send_gets_the_same_answer_and_one_row() {
    if !mllp_send_available() {
        return;
    }
    let rt = runtime();
    let sink = memory_journal();
    let handle = start(&rt, config(), Arc::clone(&sink));
    let file = fixtures().into_iter().next().expect("a fixture");
    let sender = sender_and_id(&std::fs::read(&file).expect("fixture"));
    let mut codes = Vec::new();
    for _ in 0..2 {
        let acks = mllp_send(handle.local_addr(), &file);
        assert_eq!(acks.len(), 1);
        let (code, id) = msa(&acks[0]);
        assert_eq!(id, sender.2);
        assert_ne!(code, "AR");
        codes.push(code);
    }
    assert_eq!(codes[0], codes[1], "the same answer twice");
    assert_eq!(count(&sink), 1);
    rt.block_on(handle.stop());
}

#[test]
fn issue14_fixtures_from_a_client_on_each_backend_are_answered_with_one_row_each() {
    let rt = runtime();
    each_store(|store| {
        let sink = Arc::new(JournalSink::new(store));
        let handle = start(&rt, config(), Arc::clone(&sink));
        let mut stream = connect(handle.local_addr());
        let paths = fixtures();
        for (n, path) in paths.iter().enumerate() {
            // As the agency wrote them (LF line ends), MSH-10 made unique.
            let bytes = with_control_id(&std::fs::read(path).expect("fixture"), &format!("R{n}"));
            let ack = exchange(&mut stream, &mllp::encode(&bytes));
            let (code, id) = msa(&ack);
            assert_eq!(id, format!("R{n}"));
            assert_ne!(code, "AR");
            let id = find(&sink, &sender_and_id(&bytes)).expect("journalled");
            let store = sink.store();
            let entry = hl7_journal::get(&store.lock().expect("store"), id)
                .expect("get")
                .expect("row");
            assert_eq!(entry.raw, bytes, "byte for byte");
            // Sent again on the same connection: AA again, no second row.
            let ack = exchange(&mut stream, &mllp::encode(&bytes));
            assert_eq!(msa(&ack).0, code, "the same answer");
        }
        assert_eq!(count(&sink), paths.len() as u64);
        rt.block_on(handle.stop());
    });
}

/// A journal on a fresh in-memory SQLite store.
fn memory_journal() -> Arc<JournalSink> {
    Arc::new(JournalSink::new(
        Store::open_in_memory(&DbKey::generate()).expect("sqlite"),
    ))
}

fn small_message(control_id: &str) -> Vec<u8> {
    format!(
        "MSH|^~\\&|GAM|CHU-X|CHEVET|CHU-X|20261205120000||ADT^A28^ADT_A05|{control_id}|P|2.5\r\
         EVN||20261205120000\rPID|||123^^^CHU-X^PI||NOM^Prenom||19800101|F\r"
    )
    .into_bytes()
}

#[test]
fn issue14_garbage_and_oversized_frames_get_ae_and_the_connection_goes_on() {
    let rt = runtime();
    let sink = memory_journal();
    let handle = start(
        &rt,
        ListenerConfig {
            max_frame_bytes: 4096,
            ..config()
        },
        Arc::clone(&sink),
    );
    let mut stream = connect(handle.local_addr());
    // Bytes before the frame are ignored; the frame itself is no HL7 message.
    let ack = exchange(
        &mut stream,
        &[b"noise".as_slice(), &mllp::encode(b"not hl7 at all")].concat(),
    );
    let (code, id) = msa(&ack);
    assert_eq!((code.as_str(), id.as_str()), ("AE", ""));
    assert!(parse(&ack).expect("ack").segment("ERR").is_some());
    let ack = exchange(&mut stream, &mllp::encode(&vec![b'x'; 10_000]));
    assert_eq!(msa(&ack).0, "AE", "a frame over the limit");
    let ack = exchange(&mut stream, &mllp::encode(&small_message("OK1")));
    assert_eq!(msa(&ack), ("AA".to_owned(), "OK1".to_owned()));
    assert_eq!(count(&sink), 1);
    rt.block_on(handle.stop());
}

#[test]
fn issue14_a_truncated_frame_records_nothing() {
    let rt = runtime();
    let sink = memory_journal();
    let handle = start(&rt, config(), Arc::clone(&sink));
    {
        let mut stream = connect(handle.local_addr());
        let frame = mllp::encode(&small_message("CUT1"));
        stream.write_all(&frame[..frame.len() - 2]).expect("send");
        stream.shutdown(std::net::Shutdown::Write).expect("close");
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        assert!(rest.is_empty(), "no ACK for a truncated frame");
    }
    {
        // A new start block inside a frame: the first is dropped, the second answered.
        let mut stream = connect(handle.local_addr());
        let first = mllp::encode(&small_message("CUT2"));
        let ack = exchange(
            &mut stream,
            &[
                &first[..first.len() - 2],
                &mllp::encode(&small_message("NEXT")),
            ]
            .concat(),
        );
        assert_eq!(msa(&ack), ("AA".to_owned(), "NEXT".to_owned()));
    }
    assert_eq!(count(&sink), 1, "only the complete frame");
    rt.block_on(handle.stop());
}

/// A sink whose store is down.
struct Failing;

impl Sink for Failing {
    async fn accept(&self, _: ReceivedMessage) -> Result<Verdict, SinkError> {
        Err(SinkError("the store is unreachable".to_owned()))
    }
}

#[test]
fn issue14_a_sink_that_fails_never_gives_aa() {
    let rt = runtime();
    let handle = start(&rt, config(), Arc::new(Failing));
    let mut stream = connect(handle.local_addr());
    for id in ["F1", "F2"] {
        let ack = exchange(&mut stream, &mllp::encode(&small_message(id)));
        assert_eq!(msa(&ack), ("AR".to_owned(), id.to_owned()));
        let ack = parse(&ack).expect("ack").into_owned();
        let err = ack.segment("ERR").expect("ERR");
        assert_eq!(err.field(3).component(1).text(), "207");
        assert_eq!(err.field(5).component(1).text(), "906");
    }
    rt.block_on(handle.stop());
}

/// A sink that commits only when the test says so.
struct Gated {
    journal: JournalSink,
    gate: tokio::sync::Semaphore,
}

impl Sink for Gated {
    async fn accept(&self, message: ReceivedMessage) -> Result<Verdict, SinkError> {
        let _pass = self.gate.acquire().await.expect("gate");
        self.journal.accept(message).await
    }
}

#[test]
fn issue14_no_ack_before_the_commit_and_the_stop_waits_for_it() {
    let rt = runtime();
    let sink = Arc::new(Gated {
        journal: JournalSink::new(Store::open_in_memory(&DbKey::generate()).expect("sqlite")),
        gate: tokio::sync::Semaphore::new(0),
    });
    let handle = start(&rt, config(), Arc::clone(&sink));
    let addr = handle.local_addr();
    let mut stream = connect(addr);
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    stream
        .write_all(&mllp::encode(&small_message("G1")))
        .expect("send");
    let mut byte = [0u8; 1];
    assert!(
        stream.read(&mut byte).is_err(),
        "an ACK came before the message was committed"
    );
    assert_eq!(count(&sink.journal), 0);
    // Stopping now waits for the message in hand: committed, then acknowledged.
    let stopping = rt.spawn(handle.stop());
    std::thread::sleep(Duration::from_millis(100));
    sink.gate.add_permits(1);
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let ack = read_ack(&mut stream);
    assert_eq!(msa(&ack), ("AA".to_owned(), "G1".to_owned()));
    assert_eq!(count(&sink.journal), 1);
    rt.block_on(stopping).expect("stopped");
    assert!(
        TcpStream::connect(addr).is_err(),
        "still accepting after the stop"
    );
}

#[test]
fn issue14_an_idle_connection_is_closed_and_many_connections_are_served() {
    let rt = runtime();
    let sink = memory_journal();
    let handle = start(
        &rt,
        ListenerConfig {
            idle_timeout: Duration::from_millis(300),
            max_connections: 3,
            ..config()
        },
        Arc::clone(&sink),
    );
    let addr = handle.local_addr();
    let mut idle = connect(addr);
    idle.write_all(&[mllp::START_BLOCK, b'M'])
        .expect("start a frame");
    let mut rest = Vec::new();
    let _ = idle.read_to_end(&mut rest);
    assert!(rest.is_empty(), "closed without an ACK");
    // More senders than connection slots: each is served in turn.
    let senders: Vec<_> = (0..6)
        .map(|s| {
            std::thread::Builder::new()
                .name(format!("hl7-sender-{s}"))
                .spawn(move || {
                    let mut stream = connect(addr);
                    for m in 0..5 {
                        let id = format!("S{s}M{m}");
                        let ack = exchange(&mut stream, &mllp::encode(&small_message(&id)));
                        assert_eq!(msa(&ack), ("AA".to_owned(), id));
                    }
                })
                .expect("sender")
        })
        .collect();
    for sender in senders {
        sender.join().expect("sender");
    }
    assert_eq!(count(&sink), 30);
    rt.block_on(handle.stop());
}

/// A TOML basic string.
fn toml_str(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The body of `GET path` on the status endpoint `base` (`127.0.0.1:PORT`).
fn status_body(base: &str) -> String {
    let mut stream = TcpStream::connect(base).expect("status endpoint");
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    write!(
        stream,
        "GET /status HTTP/1.1\r\nHost: {base}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("answer");
    raw.split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .expect("head and body")
}

/// `chevet serve` with `[hl7] listen`: the job listens, journals in the shared record before
/// its AA, and stops on SIGTERM.
#[test]
fn issue14_serve_runs_the_listener_when_configured() {
    use std::io::BufRead;
    let Some(target) = pg_target() else { return };
    let (_admin, schema) = chevet::store::testing::pg_empty_store(&target);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("chevet.toml");
    std::fs::write(
        &config,
        format!(
            "mode = \"production\"\n\n[shared_record]\nurl = {}\nca_file = {}\nschema = {}\n\n\
             [hl7]\nlisten = \"127.0.0.1:0\"\nidle_timeout_secs = 30\n",
            toml_str(&target.url),
            toml_str(&target.ca_file.to_string_lossy()),
            toml_str(&schema)
        ),
    )
    .expect("config");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chevet"))
        .arg("serve")
        .arg("--config")
        .arg(&config)
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .args(["--status-port", "0"])
        .env_remove("CREDENTIALS_DIRECTORY")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chevet serve");
    struct KillOnDrop(std::process::Child);
    impl Drop for KillOnDrop {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let stdout = child.stdout.take().expect("stdout");
    let mut child = KillOnDrop(child);
    let (lines, received) = std::sync::mpsc::sync_channel(16);
    std::thread::Builder::new()
        .name("hl7-serve-stdout".into())
        .spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if lines.send(line).is_err() {
                    break;
                }
            }
        })
        .expect("reader");
    let base = loop {
        let line = received
            .recv_timeout(Duration::from_secs(60))
            .expect("a READY line");
        if let Some(rest) = line.strip_prefix("READY http://") {
            break rest.trim().to_owned();
        }
    };
    // The job's detail names the bound address.
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let addr: SocketAddr = loop {
        let body = status_body(&base);
        let status: serde_json::Value = serde_json::from_str(&body).expect("status JSON");
        let job = status["jobs"]
            .as_array()
            .and_then(|jobs| jobs.iter().find(|j| j["name"] == "hl7-listener").cloned())
            .expect("hl7-listener job");
        if job["state"] == "running" {
            let detail = job["detail"].as_str().expect("detail");
            break detail
                .strip_prefix("listening on ")
                .and_then(|d| d.split(' ').next())
                .and_then(|a| a.parse().ok())
                .expect("the listening address");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "listener not running: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut stream = connect(addr);
    for _ in 0..2 {
        let ack = exchange(&mut stream, &mllp::encode(&small_message("SRV1")));
        assert_eq!(msa(&ack), ("AA".to_owned(), "SRV1".to_owned()));
    }
    drop(stream);
    let record = chevet::store::testing::pg_store_in(&target, &schema);
    assert_eq!(hl7_journal::count(&record).expect("count"), 1);
    let sent = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(sent.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    let exit = loop {
        if let Some(exit) = child.0.try_wait().expect("wait") {
            break exit;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "chevet serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
}
