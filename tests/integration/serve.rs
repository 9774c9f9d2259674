//! `chevet serve`, the establishment's headless process, run as the real binary: against the
//! test PostgreSQL cluster it migrates a fresh schema, says READY, answers /health and /status
//! on 127.0.0.1, logs no password and stops cleanly on SIGTERM; without `[shared_record]` it
//! refuses to start (exit 2, in French); against a server that is not there it answers 503
//! while it retries and still stops on SIGTERM; in sandbox mode it seeds the demo data into an
//! empty record, once; with `[outbox]` and `[dmp]` it sends what a workstation queued in the
//! shared record to the (sandbox) DMP. Every wait is bounded: a failing test fails,
//! it never hangs (the child is killed when the test ends).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chevet::store::testing::{pg_empty_store, pg_target};
use chevet::store::{PgTarget, migrations, patients};

/// Longest wait for a line, an answer or an exit.
const BOUND: Duration = Duration::from_secs(60);

/// A running `chevet serve`, killed if still running when dropped.
struct Served {
    child: Child,
    stdout: Receiver<String>,
    stdout_seen: Vec<String>,
    stderr: Arc<Mutex<String>>,
}

impl Served {
    fn start(config: &Path, data_dir: &Path, credentials: Option<&Path>) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_chevet"));
        command
            .arg("serve")
            .arg("--config")
            .arg(config)
            .arg("--data-dir")
            .arg(data_dir)
            .args(["--status-port", "0"])
            .env("CHEVET_LOG", "debug")
            .env_remove("CREDENTIALS_DIRECTORY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = credentials {
            command.env("CREDENTIALS_DIRECTORY", dir);
        }
        let mut child = command.spawn().expect("start chevet serve");
        let stdout = child.stdout.take().expect("stdout");
        let (lines, received) = sync_channel(64);
        std::thread::Builder::new()
            .name("serve-test-stdout".into())
            .spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if lines.send(line).is_err() {
                        break;
                    }
                }
            })
            .expect("stdout reader");
        let mut stderr_pipe = child.stderr.take().expect("stderr");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::Builder::new()
            .name("serve-test-stderr".into())
            .spawn(move || {
                let mut buf = [0_u8; 4096];
                while let Ok(n) = stderr_pipe.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .expect("stderr")
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            })
            .expect("stderr reader");
        Self {
            child,
            stdout: received,
            stdout_seen: Vec::new(),
            stderr,
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr").clone()
    }

    /// Waits for the stdout line starting with `prefix`; what follows it.
    fn wait_for_line(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + BOUND;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => {
                    self.stdout_seen.push(line.clone());
                    if let Some(rest) = line.strip_prefix(prefix) {
                        return rest.trim().to_owned();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {
                    panic!(
                        "no {prefix:?} line within {BOUND:?}; stderr:\n{}",
                        self.stderr()
                    )
                }
                Err(RecvTimeoutError::Disconnected) => panic!(
                    "chevet serve ended before {prefix:?} ({:?}); stderr:\n{}",
                    self.child.try_wait(),
                    self.stderr()
                ),
            }
        }
    }

    /// Waits for the process to end (bounded).
    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + BOUND;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!(
                    "chevet serve did not stop within {BOUND:?}; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends SIGTERM (as systemd does) and waits for the end.
    fn terminate(&mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill -TERM");
        assert!(sent.success(), "kill -TERM failed");
        self.wait_exit()
    }

    /// Every stdout line received so far.
    fn stdout_lines(&mut self) -> Vec<String> {
        self.stdout_seen.extend(self.stdout.try_iter());
        self.stdout_seen.clone()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One GET on the status endpoint: status code and body.
fn get(base: &str, path: &str) -> (u16, String) {
    request(base, &format!("GET {path} HTTP/1.1"))
}

fn request(base: &str, request_line: &str) -> (u16, String) {
    let addr = base.strip_prefix("http://").expect("http URL");
    let mut stream = TcpStream::connect(addr).expect("connect to the status endpoint");
    stream.set_read_timeout(Some(BOUND)).expect("timeout");
    stream.set_write_timeout(Some(BOUND)).expect("timeout");
    write!(
        stream,
        "{request_line}\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("request");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
    assert!(head.contains("\r\nConnection: close"), "{head}");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status code");
    (status, body.to_owned())
}

/// A TOML basic string.
fn toml_str(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A configuration with `[shared_record]` on `schema` of the test cluster (the URL holds the
/// password).
fn record_config(dir: &Path, mode: &str, target: &PgTarget, schema: &str) -> PathBuf {
    let config = dir.join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "mode = {}\n\n[shared_record]\nurl = {}\nca_file = {}\nschema = {}\n",
            toml_str(mode),
            toml_str(&target.url),
            toml_str(&target.ca_file.to_string_lossy()),
            toml_str(schema)
        ),
    )
    .expect("config");
    config
}

#[test]
fn issue13_serve_migrates_the_shared_record_answers_health_and_stops_on_sigterm() {
    let Some(target) = pg_target() else { return };
    let (admin, schema) = pg_empty_store(&target);
    assert_eq!(migrations::current_version(&admin).expect("version"), 0);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = record_config(dir.path(), "production", &target, &schema);
    let mut served = Served::start(&config, &dir.path().join("data"), None);
    let base = served.wait_for_line("READY ");
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    assert_eq!(get(&base, "/health"), (200, "ok\n".to_owned()));
    let (code, body) = get(&base, "/status");
    assert_eq!(code, 200, "{body}");
    let status: serde_json::Value = serde_json::from_str(&body).expect("status JSON");
    assert_eq!(status["mode"], "establishment");
    assert_eq!(status["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(status["schema_version"], migrations::latest_version());
    assert_eq!(status["record"]["reachable"], true);
    assert!(status["record"]["last_success"].is_string(), "{body}");
    assert!(
        status["started_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z'))
    );
    let jobs = status["jobs"].as_array().expect("jobs");
    let state = |name: &str| {
        jobs.iter()
            .find(|j| j["name"] == name)
            .map(|j| j["state"].clone())
    };
    assert_eq!(state("record"), Some("running".into()), "{body}");
    for job in ["hl7-listener", "dmp-outbox", "directory-sync"] {
        assert_eq!(state(job), Some("not configured".into()), "{job}: {body}");
    }
    assert_eq!(get(&base, "/nowhere").0, 404);
    assert_eq!(request(&base, "POST /status HTTP/1.1").0, 405);
    assert_eq!(request(&base, "GET /status SPDY/3").0, 400);

    // Migrated, seen from the administrator's side.
    assert_eq!(
        migrations::current_version(&admin).expect("version"),
        migrations::latest_version()
    );

    let exit = served.terminate();
    assert!(exit.success(), "{exit:?}; stderr:\n{}", served.stderr());
    let ready: Vec<_> = served
        .stdout_lines()
        .into_iter()
        .filter(|l| l.starts_with("READY "))
        .collect();
    assert_eq!(ready.len(), 1, "{ready:?}");
    let stderr = served.stderr();
    let password = url::Url::parse(&target.url)
        .expect("test URL")
        .password()
        .map(str::to_owned)
        .expect("the test URL holds the password");
    assert!(
        !stderr.contains(&password),
        "password in the logs:\n{stderr}"
    );
    assert!(stderr.contains("stopped"), "{stderr}");
}

#[test]
fn issue13_serve_without_a_shared_record_refuses_to_start_in_french() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("serve.toml");
    std::fs::write(&config, "mode = \"production\"\n").expect("config");
    let mut served = Served::start(&config, &dir.path().join("data"), None);
    let exit = served.wait_exit();
    let stderr = served.stderr();
    assert_eq!(exit.code(), Some(2), "{stderr}");
    assert!(stderr.contains("[shared_record]"), "{stderr}");
    assert!(
        stderr.contains("la configuration n'a pas de section"),
        "{stderr}"
    );
    assert!(served.stdout_lines().is_empty());
}

#[test]
fn issue13_serve_answers_503_while_the_record_is_unreachable_and_still_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    // A CA file that parses (nothing will be reached to check it against).
    let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("ca");
    let ca_file = dir.path().join("ca.pem");
    std::fs::write(&ca_file, ca.cert.pem()).expect("ca file");
    // The password comes as systemd passes it: $CREDENTIALS_DIRECTORY/shared-record.
    let credentials = dir.path().join("credentials");
    std::fs::create_dir(&credentials).expect("credentials dir");
    let password = format!("pw-{}", hex::encode(rand::random::<[u8; 12]>()));
    std::fs::write(credentials.join("shared-record"), format!("{password}\n")).expect("credential");
    let config = dir.path().join("serve.toml");
    std::fs::write(
        &config,
        format!(
            "mode = \"production\"\n\n[shared_record]\n\
             url = \"postgres://chevet@127.0.0.1:1/chevet\"\n\
             ca_file = {}\nschema = \"nowhere\"\nconnect_timeout_secs = 1\n",
            toml_str(&ca_file.to_string_lossy())
        ),
    )
    .expect("config");
    let mut served = Served::start(&config, &dir.path().join("data"), Some(&credentials));
    let base = served.wait_for_line("LISTENING ");

    // It retries: its status shows the failure, and /health says 503 meanwhile.
    let deadline = Instant::now() + BOUND;
    loop {
        let (code, body) = get(&base, "/status");
        assert_eq!(code, 200, "{body}");
        let status: serde_json::Value = serde_json::from_str(&body).expect("status JSON");
        assert_eq!(status["record"]["reachable"], false, "{body}");
        if status["record"]["last_error"].is_string() {
            assert!(status["schema_version"].is_null(), "{body}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no failed attempt reported: {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let (code, _) = get(&base, "/health");
    assert_eq!(code, 503);

    let exit = served.terminate();
    let stderr = served.stderr();
    assert!(exit.success(), "{exit:?}; stderr:\n{stderr}");
    assert!(stderr.contains("shared record unreachable"), "{stderr}");
    assert!(stderr.contains("systemd credential"), "{stderr}");
    assert!(
        !stderr.contains(&password),
        "password in the logs:\n{stderr}"
    );
    assert!(
        !served.stdout_lines().iter().any(|l| l.starts_with("READY")),
        "READY without a record"
    );
}

#[test]
fn issue13_serve_in_sandbox_mode_seeds_the_demo_into_an_empty_record_once() {
    let Some(target) = pg_target() else { return };
    let (admin, schema) = pg_empty_store(&target);
    let dir = tempfile::tempdir().expect("tempdir");
    let config = record_config(dir.path(), "sandbox", &target, &schema);
    let mut seeded = None;
    for _ in 0..2 {
        let mut served = Served::start(&config, &dir.path().join("data"), None);
        served.wait_for_line("READY ");
        let exit = served.terminate();
        assert!(exit.success(), "{exit:?}; stderr:\n{}", served.stderr());
        let count = patients::count(&admin).expect("patients");
        assert!(count > 0, "no demo patient; stderr:\n{}", served.stderr());
        // The second start finds patients and adds none.
        assert_eq!(*seeded.get_or_insert(count), count);
    }
}

#[test]
fn issue15_serve_drains_the_shared_records_outbox_to_the_dmp() {
    let Some(target) = pg_target() else { return };
    let (_, schema) = pg_empty_store(&target);
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = crate::support::runtime();
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Default::default()))
        .expect("sandbox DMP");
    let dmp_dir = dir.path().join("dmp");
    chevet::sandbox::dmp::write_credentials(&dmp, &dmp_dir).expect("credentials");
    let config = record_config(dir.path(), "sandbox", &target, &schema);
    let file = |name: &str| toml_str(&dmp_dir.join(name).to_string_lossy());
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "\n[dmp]\nbase_url = {}\ntrust_anchors_pem = {}\nstructure_id = {}\nstructure_name = \"Sandbox\"\n\
         software_oid = {}\nhomologation = \"SANDBOX\"\n\
         [dmp.authentication]\ncertificate_pem = {}\nkey_pem = {}\n\
         [dmp.signature]\ncertificate_pem = {}\nkey_pem = {}\n\n\
         [outbox]\nroute = \"dmp\"\ndelay_minutes = 0\nconcurrency = 4\n",
        toml_str(&format!("{}{}", dmp.url, chevet::sandbox::dmp::server::BASE_PATH)),
        file("ca.pem"),
        toml_str(&chevet::sandbox::dmp::structure_id()),
        toml_str(chevet::sandbox::demo::SANDBOX_DOCUMENT_OID),
        file("auth.pem"),
        file("auth.key"),
        file("sign.pem"),
        file("sign.key"),
    ));
    std::fs::write(&config, text).expect("config");
    let mut served = Served::start(&config, &dir.path().join("data"), None);
    let base = served.wait_for_line("LISTENING ");
    served.wait_for_line("READY ");
    let (_, body) = get(&base, "/status");
    assert!(body.contains("dmp-outbox"), "{body}");
    // A workstation queues ten documents in the shared record; the process sends them.
    let mut store = chevet::store::testing::pg_store_in(&target, &schema);
    let patient = chevet::sandbox::outbox_run::open_dmp_patient(&store);
    let client = dmp
        .endpoint(Default::default())
        .expect("endpoint")
        .client()
        .expect("client");
    let settings = chevet::sandbox::outbox_run::settings(chevet::domain::outbox::OutboxRoute::Dmp);
    chevet::sandbox::outbox_run::queue_documents(&mut store, &patient, 10, &settings, &client, "s");
    let deadline = Instant::now() + BOUND;
    let acknowledged = || {
        chevet::store::outbox::counts(&store)
            .expect("counts")
            .get(&chevet::domain::outbox::OutboxState::Acknowledged)
            .copied()
            .unwrap_or(0)
    };
    while acknowledged() < 10 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(acknowledged(), 10, "stderr:\n{}", served.stderr());
    let exit = served.terminate();
    assert!(exit.success(), "{exit:?}; stderr:\n{}", served.stderr());
}

#[test]
fn issue16_serve_imports_the_directory_into_the_shared_record() {
    let Some(target) = pg_target() else { return };
    let (_, schema) = pg_empty_store(&target);
    let dir = tempfile::tempdir().expect("tempdir");
    let extract = dir.path().join("Extraction_Correspondance_MSSante.txt");
    chevet::sandbox::annuaire::generate::write_extract(&extract, 7, 5_000, false).expect("extract");
    let config = record_config(dir.path(), "production", &target, &schema);
    let mut text = std::fs::read_to_string(&config).expect("config");
    text.push_str(&format!(
        "\n[annuaire]\nextract = {}\nonline = false\n",
        toml_str(&extract.to_string_lossy())
    ));
    std::fs::write(&config, text).expect("config");
    let mut served = Served::start(&config, &dir.path().join("data"), None);
    let base = served.wait_for_line("LISTENING ");
    served.wait_for_line("READY ");
    let store = chevet::store::testing::pg_store_in(&target, &schema);
    let deadline = Instant::now() + BOUND;
    let count = || chevet::store::directory::count(&store).unwrap_or(0);
    while count() < 5_000 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(count(), 5_000, "stderr:\n{}", served.stderr());
    let (_, body) = get(&base, "/status");
    assert!(body.contains("directory-sync"), "{body}");
    // A workstation searches the shared directory.
    let hits = chevet::store::directory::search(
        &store,
        &chevet::domain::directory::DirectoryQuery {
            text: "lefevre helene".into(),
            ..Default::default()
        },
    )
    .expect("search");
    assert_eq!(
        hits[0].entry.mailbox,
        chevet::sandbox::annuaire::generate::LEFEVRE_MAILBOX
    );
    let exit = served.terminate();
    assert!(exit.success(), "{exit:?}; stderr:\n{}", served.stderr());
}
