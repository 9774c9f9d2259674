//! The `dmp-outbox` job, when the outbox is configured (`[outbox]`) with a way to send —
//! the DMP (`[dmp]`) for the direct route, the gateway's address for the PFI route: the
//! outbox's lanes ([`crate::outbox::Drainer`]) on a runtime of their own, each with its own
//! connection to the shared record. Any number of `chevet serve` may run it: a job is taken
//! by exactly one (`FOR UPDATE SKIP LOCKED`), and one that died mid-send leaves its jobs to
//! the others once their lease ends, verified before anything is sent again.

use std::sync::Arc;
use std::time::Duration;

use super::jobs::{JobState, StatusCell, StopSignal};
use crate::dmp::client::DmpClient;
use crate::outbox::{Drainer, OutboxSettings, StopFlag};
use crate::store::{PgTarget, Store};

/// What the job needs.
pub struct OutboxJob {
    pub target: PgTarget,
    pub settings: OutboxSettings,
    pub dmp: Option<DmpClient>,
}

impl OutboxJob {
    /// The job's body, on its own thread.
    pub fn run(self, status: StatusCell, stop: StopSignal) {
        let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chevet-serve-outbox-io")
            .enable_all()
            .build()
        else {
            status.set(JobState::Failed, "no runtime");
            return;
        };
        let target = self.target.clone();
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "serve".to_owned());
        let drainer = Arc::new(Drainer {
            settings: self.settings.clone(),
            open: Arc::new(move || Store::connect(&target)),
            dmp: self.dmp.map(Arc::new),
            name: host,
            on_change: None,
            wake: Arc::new(tokio::sync::Notify::new()),
            idle: Duration::from_secs(1),
        });
        let flag = Arc::new(StopFlag::default());
        let lanes = runtime.spawn(drainer.run(Arc::clone(&flag)));
        status.set(
            JobState::Running,
            format!(
                "{} lanes towards the {}",
                self.settings.concurrency,
                match self.settings.route {
                    crate::domain::outbox::OutboxRoute::Dmp => "DMP",
                    crate::domain::outbox::OutboxRoute::Pfi => "gateway (PFI)",
                }
            ),
        );
        status.succeeded();
        while !stop.wait(Duration::from_secs(3600)) {}
        status.set(JobState::Idle, "stopping");
        flag.stop();
        let _ =
            runtime.block_on(async { tokio::time::timeout(Duration::from_secs(5), lanes).await });
        runtime.shutdown_timeout(Duration::from_secs(1));
        status.set(JobState::Idle, "stopped");
    }
}
