//! Phase `fault`: the listener in another process, killed with SIGKILL while messages arrive.
//! The child is this bench binary re-executed with `CHEVET_BENCH_HL7_CHILD` set: it opens the
//! SQLite journal file (key and port from its environment), listens, prints `READY`, and runs
//! until killed. The parent's sender sends N distinct ADTs one at a time; a message whose ACK
//! did not come (connection refused, reset, closed, timeout) is sent again on a new connection
//! until it gets AA. Its killer kills the child at K random moments (after a random number of
//! acknowledged messages, plus 0–2 ms) and restarts it at once. At the end the journal must
//! hold every acknowledged message exactly once, and nothing else.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chevet::hl7::listener::{self, ListenerConfig};
use chevet::intake::JournalSink;
use chevet::store::{DbKey, Store};
use rand::Rng;

use crate::client::{self, Client};
use crate::common::report;

pub const CHILD_ENV: &str = "CHEVET_BENCH_HL7_CHILD";
const DB_ENV: &str = "CHEVET_BENCH_HL7_DB";
const KEY_ENV: &str = "CHEVET_BENCH_HL7_KEY";
const PORT_ENV: &str = "CHEVET_BENCH_HL7_PORT";
const ACK_TIMEOUT: Duration = Duration::from_secs(5);

fn key(hex_key: &str) -> DbKey {
    let bytes: [u8; 32] = hex::decode(hex_key)
        .expect("hex key")
        .try_into()
        .expect("32 bytes");
    DbKey::from_bytes(bytes)
}

/// The child: listen on the journal file until killed.
pub fn listen_child() {
    let var = |name: &str| std::env::var(name).expect("the child's environment");
    let store = Store::open(Path::new(&var(DB_ENV)), &key(&var(KEY_ENV))).expect("store");
    let addr: SocketAddr = format!("127.0.0.1:{}", var(PORT_ENV))
        .parse()
        .expect("port");
    let rt = crate::listener::runtime();
    let sink = Arc::new(JournalSink::new(store));
    let handle = rt
        .block_on(listener::start(addr, ListenerConfig::default(), sink))
        .expect("listen");
    println!("READY {}", handle.local_addr());
    loop {
        std::thread::sleep(Duration::from_secs(3600));
    }
}

struct Listener {
    db: PathBuf,
    key: String,
    port: u16,
}

impl Listener {
    /// Starts the child and waits for its READY line; returns it and how long that took.
    fn spawn(&self) -> (Child, Duration) {
        let t = Instant::now();
        let mut child = Command::new(std::env::current_exe().expect("this binary"))
            .env(CHILD_ENV, "listen")
            .env(DB_ENV, &self.db)
            .env(KEY_ENV, &self.key)
            .env(PORT_ENV, self.port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("listener process");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("READY");
        assert!(line.starts_with("READY"), "the listener did not start");
        (child, t.elapsed())
    }
}

/// Sends `n` messages while the listener is killed `kills` times; prints the checks.
pub fn run(n: usize, kills: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key_bytes: [u8; 32] = rand::random();
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        probe.local_addr().expect("addr").port()
    };
    let spec = Arc::new(Listener {
        db: dir.path().join("fault.db"),
        key: hex::encode(key_bytes),
        port,
    });
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().expect("addr");
    let (first, _) = spec.spawn();
    let acked = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let killer = {
        let (spec, acked, done) = (Arc::clone(&spec), Arc::clone(&acked), Arc::clone(&done));
        std::thread::Builder::new()
            .name("hl7-bench-killer".into())
            .spawn(move || killer(first, &spec, &acked, &done, n, kills))
            .expect("killer")
    };
    let template = client::adt_template();
    let start = Instant::now();
    let (mut sent, mut resent, mut confirmed) = (0usize, 0usize, Vec::with_capacity(n));
    // Frames written whole whose ACK did not come: the listener may have committed them.
    let mut written_unacked = 0usize;
    let mut connection: Option<Client> = None;
    for i in 0..n {
        let id = format!("F{i:06}");
        let frame = client::framed_adt(&template, &id);
        let mut attempts = 0;
        loop {
            let client = match connection.as_mut() {
                Some(client) => client,
                None => match Client::connect(addr, ACK_TIMEOUT) {
                    Ok(client) => connection.insert(client),
                    Err(_) => {
                        std::thread::sleep(Duration::from_millis(5));
                        continue;
                    }
                },
            };
            attempts += 1;
            sent += 1;
            if client.send(&frame).is_err() {
                connection = None;
                continue;
            }
            match client.read_ack(ACK_TIMEOUT) {
                Ok(ack) if client::is_aa_for(&ack, &id) => break,
                Ok(_) | Err(_) => {
                    written_unacked += 1;
                    connection = None;
                }
            }
        }
        resent += usize::from(attempts > 1);
        confirmed.push(id);
        acked.fetch_add(1, Ordering::SeqCst);
    }
    let wall = start.elapsed();
    done.store(true, Ordering::SeqCst);
    let (restarts, last) = killer.join().expect("killer");
    let mut last = last;
    let _ = last.kill();
    let _ = last.wait();
    // The checks, on the file the child wrote.
    let store = Store::open(&spec.db, &key(&spec.key)).expect("reopen the journal");
    let rows: i64 = store
        .query_value("SELECT count(*) FROM hl7_message", &[])
        .expect("count");
    let distinct: i64 = store
        .query_value("SELECT count(DISTINCT control_id) FROM hl7_message", &[])
        .expect("distinct");
    let ids: HashSet<String> = store
        .query("SELECT control_id FROM hl7_message", &[])
        .expect("ids")
        .into_iter()
        .map(|row| row.get::<String>(0).expect("control id"))
        .collect();
    let missing = confirmed.iter().filter(|id| !ids.contains(*id)).count();
    let ok = rows as usize == n && distinct as usize == n && missing == 0;
    println!("### Fault run: {n} ADTs, listener process killed (SIGKILL) {kills} times\n");
    println!("| measure | value |");
    println!("|---|---:|");
    println!(
        "| messages acknowledged AA (distinct MSH-10) | {} |",
        confirmed.len()
    );
    println!("| frames sent (first sends + resends) | {sent} |");
    println!("| messages sent more than once | {resent} |");
    println!(
        "| of the failed sends, frames written whole but not acknowledged (resent; maybe already committed) | {written_unacked} |"
    );
    println!("| kills + restarts | {} |", restarts.len());
    if !restarts.is_empty() {
        let s = report::summarize(restarts);
        println!(
            "| restart to READY, p50 / max | {} / {} |",
            report::ms(s.p50),
            report::ms(s.max)
        );
    }
    println!("| wall time | {} |", report::ms(wall));
    println!("| journal rows / distinct MSH-10 | {rows} / {distinct} |");
    println!("| acknowledged but missing from the journal | {missing} |");
    println!(
        "| **every AA in the journal exactly once, no duplicate** | **{}** |\n",
        if ok { "yes" } else { "NO" }
    );
}

/// Kills and restarts the child `kills` times, each after a random number of acknowledged
/// messages; returns the restart times and the running child.
fn killer(
    mut child: Child,
    spec: &Listener,
    acked: &AtomicUsize,
    done: &AtomicBool,
    n: usize,
    kills: usize,
) -> (Vec<Duration>, Child) {
    let mut rng = rand::rng();
    let mut thresholds: Vec<usize> = (0..kills).map(|_| rng.random_range(n / 20..n)).collect();
    thresholds.sort_unstable();
    let mut restarts = Vec::new();
    for threshold in thresholds {
        while acked.load(Ordering::SeqCst) < threshold {
            if done.load(Ordering::SeqCst) {
                return (restarts, child);
            }
            std::thread::sleep(Duration::from_micros(100));
        }
        std::thread::sleep(Duration::from_micros(rng.random_range(0..2000)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let (next, took) = spec.spawn();
        child = next;
        restarts.push(took);
    }
    (restarts, child)
}
