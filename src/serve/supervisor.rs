//! The process's life: a small tokio runtime for the status endpoint and the signals, the jobs
//! on their own threads, and one inbox ([`Control`]) the supervisor waits on. It announces
//! `LISTENING http://127.0.0.1:PORT` once the endpoint is bound and `READY
//! http://127.0.0.1:PORT` once the record is migrated (one line each, on stdout). On SIGTERM or
//! SIGINT it stops accepting, signals the jobs, joins them within 10 s, then the runtime within
//! 2 s; a second signal exits at once.

use std::io::Write;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::hl7::Hl7Job;
use super::jobs::{Job, Registry};
use super::record::RecordJob;
use super::status::Shared;
use super::{Control, ServeError, http};
use crate::hl7::listener::ListenerConfig;
use crate::store::PgTarget;
use crate::worker::DemoData;

/// Time the jobs have to stop after a signal.
const STOP_JOBS_SECS: u64 = 10;
/// Time the runtime's tasks (open connections of the endpoint) have to end.
const RUNTIME_SHUTDOWN_SECS: u64 = 2;
/// Messages waiting for the supervisor (a few: one ready, one fatal, signals).
const INBOX_CAPACITY: usize = 16;

/// What the process serves.
pub struct Setup {
    /// The shared record, with its password.
    pub target: PgTarget,
    /// The sandbox's demo data (sandbox mode only).
    pub demo: Option<Box<dyn DemoData>>,
    /// Port of the status endpoint on 127.0.0.1 (0: any free port).
    pub status_port: u16,
    /// The HL7 v2 listener's address and settings, when configured.
    pub hl7: Option<(std::net::SocketAddr, ListenerConfig)>,
    /// The outbox's settings and DMP client, when it has somewhere to send.
    pub outbox: Option<(
        crate::outbox::OutboxSettings,
        Option<crate::dmp::client::DmpClient>,
    )>,
    /// The directory's daily refresh, when configured.
    pub directory: Option<super::directory::DirectoryJob>,
}

/// Runs until a signal (`Ok`) or a job's fatal error.
pub fn serve(setup: Setup) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("chevet-serve-io")
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    let result = runtime.block_on(supervise(setup));
    runtime.shutdown_timeout(Duration::from_secs(RUNTIME_SHUTDOWN_SECS));
    if result.is_ok() {
        tracing::info!("chevet serve stopped");
    }
    result
}

async fn supervise(setup: Setup) -> Result<(), ServeError> {
    let (control, mut inbox) = mpsc::channel(INBOX_CAPACITY);
    listen_for_signals(&control)?;
    let bind_error = |source| ServeError::Bind {
        port: setup.status_port,
        source,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, setup.status_port))
        .await
        .map_err(bind_error)?;
    let port = listener.local_addr().map_err(bind_error)?.port();
    let mut registry = Registry::new().reporting_to(control.clone());
    let shared = Arc::new(Shared::new(registry.statuses()));
    let accept = tokio::spawn(http::accept_loop(listener, Arc::clone(&shared)));
    tracing::info!(port, "status endpoint listening on 127.0.0.1");
    announce(&format!("LISTENING http://127.0.0.1:{port}"));

    let hl7 = setup.hl7.map(|(listen, config)| Hl7Job {
        target: setup.target.clone(),
        listen,
        config: ListenerConfig {
            // Well within the time the jobs have to stop.
            stop_grace: Duration::from_secs(STOP_JOBS_SECS / 2),
            ..config
        },
        control: control.clone(),
    });
    let outbox = setup
        .outbox
        .map(|(settings, dmp)| super::outbox::OutboxJob {
            target: setup.target.clone(),
            settings,
            dmp,
        });
    let record = RecordJob {
        target: setup.target,
        demo: setup.demo,
        shared,
        control: control.clone(),
    };
    let started = registry
        .start(Job::Record, move |status, stop| record.run(status, stop))
        .and_then(|()| match hl7 {
            Some(job) => {
                registry.start(Job::Hl7Listener, move |status, stop| job.run(status, stop))
            }
            None => Ok(()),
        })
        .and_then(|()| match outbox {
            Some(job) => registry.start(Job::DmpOutbox, move |status, stop| job.run(status, stop)),
            None => Ok(()),
        })
        .and_then(|()| match setup.directory {
            Some(job) => registry.start(Job::DirectorySync, move |status, stop| {
                job.run(status, stop);
            }),
            None => Ok(()),
        });
    let outcome = match started {
        Ok(()) => wait_for_the_end(&mut inbox, port).await,
        Err(e) => Err(e),
    };
    accept.abort();
    registry.stop();
    stop_jobs(&mut registry, &mut inbox).await;
    outcome
}

/// Waits for a signal or a fatal error; announces readiness on the way.
async fn wait_for_the_end(
    inbox: &mut mpsc::Receiver<Control>,
    port: u16,
) -> Result<(), ServeError> {
    loop {
        match inbox.recv().await {
            Some(Control::Ready { schema_version }) => {
                tracing::info!(schema_version, port, "ready");
                announce(&format!("READY http://127.0.0.1:{port}"));
            }
            Some(Control::Fatal(e)) => return Err(e),
            Some(Control::Signal(name)) => {
                tracing::info!(signal = name, "stopping");
                return Ok(());
            }
            None => return Ok(()),
        }
    }
}

/// Gives the jobs [`STOP_JOBS_SECS`] to stop; a second signal meanwhile exits at once.
async fn stop_jobs(registry: &mut Registry, inbox: &mut mpsc::Receiver<Control>) {
    let started = Instant::now();
    let deadline = started + Duration::from_secs(STOP_JOBS_SECS);
    while !registry.all_finished() && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_millis(50), inbox.recv()).await {
            Ok(Some(Control::Signal(name))) => {
                tracing::warn!(signal = name, "second signal: exiting now");
                std::process::exit(if name == "SIGINT" { 130 } else { 143 });
            }
            Ok(None) => tokio::time::sleep(Duration::from_millis(50)).await,
            Ok(Some(_)) | Err(_) => {}
        }
    }
    let running = registry.join_finished();
    let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    if running.is_empty() {
        tracing::info!(duration_ms, "jobs stopped");
    } else {
        tracing::warn!(jobs = ?running, duration_ms, "jobs still running; leaving them");
    }
}

/// One line on stdout, flushed (scripts and tests wait for it).
fn announce(line: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        tracing::warn!(kind = ?e.kind(), "stdout closed; announcement not written");
    }
}

/// SIGTERM (systemd's stop) and SIGINT (Ctrl-C) become [`Control::Signal`]s.
#[cfg(unix)]
fn listen_for_signals(control: &mpsc::Sender<Control>) -> Result<(), ServeError> {
    use tokio::signal::unix::{SignalKind, signal};
    for (kind, name) in [
        (SignalKind::terminate(), "SIGTERM"),
        (SignalKind::interrupt(), "SIGINT"),
    ] {
        let mut stream = signal(kind).map_err(ServeError::Runtime)?;
        let control = control.clone();
        tokio::spawn(async move {
            while stream.recv().await.is_some() {
                if control.send(Control::Signal(name)).await.is_err() {
                    break;
                }
            }
        });
    }
    Ok(())
}

/// Ctrl-C becomes a [`Control::Signal`].
#[cfg(not(unix))]
fn listen_for_signals(control: &mpsc::Sender<Control>) -> Result<(), ServeError> {
    let control = control.clone();
    tokio::spawn(async move {
        while tokio::signal::ctrl_c().await.is_ok() {
            if control.send(Control::Signal("SIGINT")).await.is_err() {
                break;
            }
        }
    });
    Ok(())
}
