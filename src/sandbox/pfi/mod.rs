//! The sandbox PFI: the hospital gateway that takes Chevet's MDM/ORU, forwards to the sandbox DMP and answers with ZAM business acks.
//!
//! [`SandboxPfi::start`] listens on 127.0.0.1 (`front`: a relay in front of the crate's own
//! MLLP listener, `hl7::listener`, so that an ACK can be dropped on purpose) with the gateway's
//! [`Sink`](crate::hl7::listener::Sink) (`sink`): each message is checked (`check`: MSH-9,
//! MSH-21, PRT `SB`, metadata OBX order and MSSanté combinations, the CDA) and answered AA/AE
//! /AR, **deduplicated by MSH-10** (a resend gets the first answer and is not forwarded twice).
//! After an AA, a background task (`forward`, bounded queue) feeds, replaces or deletes the
//! document in the DMP in indirect mode on behalf of the PRT `SB` author, then sends the ZAM
//! (`zam`) to the sender's listener. Faults are injected from a text plan (`faults`).
//! Logs carry counts and codes, never message content, control ids or patient data.

mod check;
pub mod faults;
mod forward;
mod front;
mod sink;
#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;
pub mod zam;

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;

pub use faults::{AckFault, DmpFault, PfiFaults};

use crate::dmp::client::DmpClient;
use crate::dmp::error::DmpError;
use crate::hl7::AckCode;
use crate::hl7::listener::{self, ListenerConfig, Verdict};

/// Everything that can go wrong in the sandbox gateway.
#[derive(Debug, thiserror::Error)]
pub enum PfiError {
    #[error("le PFI simulé ne peut pas écouter : {0}")]
    Listen(#[from] std::io::Error),
    #[error("plan de pannes du PFI simulé illisible près de « {0} »")]
    Faults(String),
    #[error("le récepteur HL7 de l'expéditeur ne répond pas")]
    AckUnreachable,
    #[error("acquittement illisible ou sans rapport avec l'accusé métier envoyé")]
    AckUnreadable,
    #[error("accusé métier refusé par l'expéditeur ({code})")]
    AckRefused { code: String },
    #[error("{0}")]
    Dmp(#[from] DmpError),
}

impl PfiError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Listen(_) | Self::Faults(_) => false,
            Self::AckUnreachable | Self::AckUnreadable => true,
            Self::AckRefused { code } => code == "AR",
            Self::Dmp(e) => e.is_retryable(),
        }
    }
}

/// How the gateway runs.
#[derive(Clone)]
pub struct PfiConfig {
    /// Where it listens (`127.0.0.1:0`: a port chosen by the system).
    pub listen: SocketAddr,
    /// The DMP it feeds (the sandbox DMP), in indirect mode.
    pub dmp: DmpClient,
    /// Chevet's HL7 listener, where the ZAM go; none are sent when `None`.
    pub ack_to: Option<SocketAddr>,
    pub faults: Arc<PfiFaults>,
    /// Accepted messages waiting to be forwarded; a full queue gives AR.
    pub queue: usize,
    pub zam: zam::SendPolicy,
    /// Attempts of a DMP transaction that failed for a transient reason.
    pub dmp_attempts: u32,
    /// How long [`SandboxPfi::shutdown`] waits for the connections and the queue.
    pub stop_grace: Duration,
}

impl PfiConfig {
    pub fn new(dmp: DmpClient) -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            dmp,
            ack_to: None,
            faults: Arc::new(PfiFaults::default()),
            queue: 64,
            zam: zam::SendPolicy {
                attempts: 5,
                backoff: Duration::from_millis(200),
                timeout: Duration::from_secs(5),
            },
            dmp_attempts: 3,
            stop_grace: Duration::from_secs(5),
        }
    }
}

/// What became of a message in the DMP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmpOutcome {
    /// Not for the DMP (AE, or `DESTDMP=N`).
    NotForwarded,
    /// In the queue or being sent.
    Pending,
    /// Fed, replaced or deleted.
    Done,
    /// The DMP refused it, or could not be reached: its code (`DMPClosed`, …).
    Refused { code: String },
}

/// One message as the gateway remembers it (by MSH-10).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    pub control_id: String,
    /// MSH-9.2: `T02`, `T10`, `T04`, `R01`.
    pub event: String,
    /// The document's uniqueId, when the CDA was readable.
    pub unique_id: Option<String>,
    /// The answer given, the same to every resend.
    pub ack: AckCode,
    /// How many times it was received.
    pub deliveries: u32,
    pub dmp: DmpOutcome,
    /// The business acks the sender's listener took, e.g. `Z01 Y`, `Z01 N DMPClosed`, `Z02 Y`.
    pub zams: Vec<String>,
}

/// Messages kept for deduplication and tests; the oldest are forgotten beyond this.
const MAX_RECORDS: usize = 10_000;

#[derive(Default)]
struct Records {
    by_id: HashMap<String, (Received, Verdict)>,
    order: VecDeque<String>,
}

/// What the sink, the relay and the forwarding task share.
#[derive(Default)]
struct Shared {
    records: Mutex<Records>,
    /// MSH-10 of the messages whose ACK the relay must not deliver.
    drops: Mutex<HashSet<String>>,
}

impl Shared {
    fn get(&self, control_id: &str) -> Option<(Received, Verdict)> {
        self.records.lock().ok()?.by_id.get(control_id).cloned()
    }

    /// Records a message unless another connection did first; the record kept.
    fn insert(&self, received: Received, verdict: Verdict) -> (Received, Verdict, bool) {
        let Ok(mut records) = self.records.lock() else {
            return (received, verdict, false);
        };
        if let Some(existing) = records.by_id.get(&received.control_id) {
            let (r, v) = existing.clone();
            return (r, v, false);
        }
        let id = received.control_id.clone();
        records
            .by_id
            .insert(id.clone(), (received.clone(), verdict.clone()));
        records.order.push_back(id);
        while records.order.len() > MAX_RECORDS {
            if let Some(old) = records.order.pop_front() {
                records.by_id.remove(&old);
            }
        }
        (received, verdict, true)
    }

    fn update(&self, control_id: &str, f: impl FnOnce(&mut Received)) {
        if let Ok(mut records) = self.records.lock()
            && let Some((received, _)) = records.by_id.get_mut(control_id)
        {
            f(received);
        }
    }

    fn drop_ack(&self, control_id: &str) {
        if let Ok(mut drops) = self.drops.lock() {
            drops.insert(control_id.to_owned());
        }
    }

    fn take_drop(&self, control_id: &str) -> bool {
        self.drops
            .lock()
            .map(|mut d| d.remove(control_id))
            .unwrap_or(false)
    }
}

/// A running sandbox gateway.
pub struct SandboxPfi {
    addr: SocketAddr,
    shared: Arc<Shared>,
    faults: Arc<PfiFaults>,
    front: front::Front,
    listener: listener::ListenerHandle,
    forward: tokio::task::JoinHandle<()>,
    stop_grace: Duration,
}

impl SandboxPfi {
    /// Starts the gateway on the current runtime.
    pub async fn start(config: PfiConfig) -> Result<Self, PfiError> {
        let shared = Arc::new(Shared::default());
        let (jobs, queue) = mpsc::channel(config.queue.max(1));
        let sink = Arc::new(sink::PfiSink::new(
            Arc::clone(&shared),
            Arc::clone(&config.faults),
            jobs,
        ));
        let listener_config = ListenerConfig {
            max_connections: 16,
            application: "PFI".to_owned(),
            stop_grace: config.stop_grace,
            ..ListenerConfig::default()
        };
        let inner = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        let listener = listener::start(inner, listener_config, sink).await?;
        let front =
            front::Front::start(config.listen, listener.local_addr(), Arc::clone(&shared)).await?;
        let forward = tokio::spawn(forward::run(queue, Arc::clone(&shared), config.clone()));
        tracing::info!(addr = %front.addr(), "sandbox PFI started");
        Ok(Self {
            addr: front.addr(),
            shared,
            faults: config.faults,
            front,
            listener,
            forward,
            stop_grace: config.stop_grace,
        })
    }

    /// The address senders connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The fault plan, to change while running.
    pub fn faults(&self) -> &PfiFaults {
        &self.faults
    }

    /// Every message received, in order of first arrival.
    pub fn received(&self) -> Vec<Received> {
        let Ok(records) = self.shared.records.lock() else {
            return Vec::new();
        };
        records
            .order
            .iter()
            .filter_map(|id| records.by_id.get(id).map(|(r, _)| r.clone()))
            .collect()
    }

    /// One message by MSH-10.
    pub fn message(&self, control_id: &str) -> Option<Received> {
        self.shared.get(control_id).map(|(r, _)| r)
    }

    /// Stops accepting and closes the senders' connections (a frame being handled is still
    /// taken, its ACK lost, as when a gateway stops), then gives the queue the grace period to
    /// empty; what is left then is abandoned.
    pub async fn shutdown(self) {
        self.front.stop(self.stop_grace).await;
        // The listener owns the queue's sender: once it stopped, the queue ends.
        self.listener.stop().await;
        let mut forward = self.forward;
        if tokio::time::timeout(self.stop_grace, &mut forward)
            .await
            .is_err()
        {
            tracing::warn!("sandbox PFI: forwarding still busy after the grace period, aborted");
            forward.abort();
        }
        tracing::info!("sandbox PFI stopped");
    }
}
