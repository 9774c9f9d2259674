//! The `hl7-listener` job, when `[hl7] listen` is configured: connects to the shared record
//! (retrying with the `record` job's backoff), then runs the MLLP listener
//! ([`crate::hl7::listener`]) on a small runtime of its own, with the store's journal as its
//! sink: a message is acknowledged AA only once it is committed to the shared record. On the
//! stop signal it stops accepting, lets each connection finish the message in hand, and ends.
//! An address that cannot be bound stops the process (a configuration error).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::jobs::{JobState, StatusCell, StopSignal};
use super::record::{Backoff, describe};
use super::{Control, ServeError};
use crate::hl7::listener::{self, ListenerConfig};
use crate::intake::JournalSink;
use crate::store::{PgTarget, Store};

/// Connections to the shared record the listener commits on.
const POOL_CONNECTIONS: usize = 4;

/// What the job needs.
pub struct Hl7Job {
    pub target: PgTarget,
    pub listen: SocketAddr,
    pub config: ListenerConfig,
    pub control: mpsc::Sender<Control>,
}

impl Hl7Job {
    /// The job's body, on its own thread.
    pub fn run(self, status: StatusCell, stop: StopSignal) {
        status.set(JobState::Idle, "connecting to the shared record");
        let mut backoff = Backoff::default();
        let store = loop {
            if stop.is_stopped() {
                return;
            }
            match Store::connect(&self.target) {
                Ok(store) => break store,
                Err(e) => {
                    let detail = describe(&e);
                    tracing::warn!("hl7-listener: shared record unreachable: {detail}");
                    status.failed(detail);
                    if stop.wait(backoff.next_delay()) {
                        return;
                    }
                }
            }
        };
        let runtime = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chevet-serve-hl7-io")
            .enable_all()
            .build()
        {
            Ok(runtime) => runtime,
            Err(e) => {
                status.set(JobState::Failed, "no runtime");
                let _ = self
                    .control
                    .try_send(Control::Fatal(ServeError::Runtime(e)));
                return;
            }
        };
        // More connections let several senders commit side by side (docs/benchmarks.md).
        let mut stores = vec![store];
        while stores.len() < POOL_CONNECTIONS {
            match Store::connect(&self.target) {
                Ok(store) => stores.push(store),
                Err(e) => {
                    tracing::warn!("hl7-listener: fewer connections: {}", describe(&e));
                    break;
                }
            }
        }
        let sink = Arc::new(JournalSink::pooled(stores));
        let handle = match runtime.block_on(listener::start(self.listen, self.config, sink)) {
            Ok(handle) => handle,
            Err(source) => {
                status.set(
                    JobState::Failed,
                    format!("cannot listen on {}", self.listen),
                );
                let _ = self.control.try_send(Control::Fatal(ServeError::Hl7Bind {
                    addr: self.listen,
                    source,
                }));
                return;
            }
        };
        let addr = handle.local_addr();
        tracing::info!(%addr, "hl7-listener: listening");
        status.set(JobState::Running, format!("listening on {addr} (MLLP)"));
        status.succeeded();
        while !stop.wait(Duration::from_secs(3600)) {}
        status.set(JobState::Idle, "stopping");
        runtime.block_on(handle.stop());
        runtime.shutdown_timeout(Duration::from_secs(1));
        status.set(JobState::Idle, "stopped");
    }
}
