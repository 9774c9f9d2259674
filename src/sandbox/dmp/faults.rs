//! Latency and fault injection per transaction of the sandbox DMP, so that the client's error
//! paths can be seen and tested: a slow answer, a SOAP Fault, an HTTP 5xx, a connection reset,
//! or no answer at all (the client's timeout). A plan is written as text — in the
//! configuration (`[sandbox] dmp_faults`), the `CHEVET_SANDBOX_DMP_FAULTS` variable or a test:
//! `find=slow:1500, feed=http:503*2, retrieve=reset, exists=soap-fault, update=timeout`
//! (`*N`: only the next N calls). Two faults happen after the DMP did the work — the answer
//! is lost, not the request: `reset-after` and `http-after:502`. `feed=random:30` gives 30 % of
//! the calls one of all these at random (the outbox's reliability run).

use std::collections::HashMap;
use std::sync::Mutex;

/// The transactions of the simulator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transaction {
    /// TD0.2.
    Exists,
    /// TD0.3.
    Authorize,
    /// TD0.4.
    PatientList,
    /// TD3.1 (ITI-18).
    Find,
    /// TD3.2 (ITI-43).
    Retrieve,
    /// TD3.3 (ITI-57).
    Update,
    /// TD2.1/2.2 (ITI-41).
    Feed,
}

impl Transaction {
    pub const ALL: [Self; 7] = [
        Self::Exists,
        Self::Authorize,
        Self::PatientList,
        Self::Find,
        Self::Retrieve,
        Self::Update,
        Self::Feed,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Self::Exists => "exists",
            Self::Authorize => "authorize",
            Self::PatientList => "patient-list",
            Self::Find => "find",
            Self::Retrieve => "retrieve",
            Self::Update => "update",
            Self::Feed => "feed",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

/// What goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer normally after this delay.
    Slow { delay_ms: u64 },
    /// A SOAP 1.2 Fault (`soap:Receiver`) with HTTP 500.
    SoapFault,
    /// This HTTP status with an HTML body, as a failing proxy would.
    Http { status: u16 },
    /// Close the connection without answering.
    Reset,
    /// Never answer (the client's timeout fires).
    Timeout,
    /// Do the work, then close the connection without answering.
    ResetAfter,
    /// Do the work, then answer with this HTTP status (a proxy losing the answer).
    HttpAfter { status: u16 },
    /// `percent` % of the calls get one of the faults above, drawn at random.
    Random { percent: u8 },
}

impl Fault {
    /// The faults a random draw chooses from (each as likely).
    const DRAWN: [Fault; 6] = [
        Fault::Http { status: 503 },
        Fault::SoapFault,
        Fault::Reset,
        Fault::Timeout,
        Fault::ResetAfter,
        Fault::HttpAfter { status: 502 },
    ];

    /// Whether the DMP does the work before this fault.
    pub fn after_work(self) -> bool {
        matches!(self, Self::ResetAfter | Self::HttpAfter { .. })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Injection {
    fault: Fault,
    /// `None`: every call.
    remaining: Option<u32>,
}

/// Why a plan could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plan de pannes du DMP simulé illisible près de « {0} »")]
pub struct PlanError(String);

impl PlanError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// The faults to inject, shared by the server's connections.
#[derive(Debug, Default)]
pub struct FaultPlan {
    injections: Mutex<HashMap<Transaction, Injection>>,
}

impl FaultPlan {
    /// Reads `transaction=fault[:arg][*count]` items separated by commas.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let plan = Self::default();
        for item in text
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let bad = || PlanError(item.to_owned());
            let (name, spec) = item.split_once('=').ok_or_else(bad)?;
            let transaction = Transaction::parse(name.trim()).ok_or_else(bad)?;
            let (spec, remaining) = match spec.split_once('*') {
                Some((s, n)) => (s, Some(n.trim().parse::<u32>().map_err(|_| bad())?)),
                None => (spec, None),
            };
            let (kind, arg) = spec.trim().split_once(':').unwrap_or((spec.trim(), ""));
            let fault = match kind {
                "slow" => Fault::Slow {
                    delay_ms: arg.parse().map_err(|_| bad())?,
                },
                "soap-fault" => Fault::SoapFault,
                "http" => Fault::Http {
                    status: arg
                        .parse()
                        .ok()
                        .filter(|s| (400..600).contains(s))
                        .ok_or_else(bad)?,
                },
                "reset" => Fault::Reset,
                "timeout" => Fault::Timeout,
                "reset-after" => Fault::ResetAfter,
                "http-after" => Fault::HttpAfter {
                    status: arg
                        .parse()
                        .ok()
                        .filter(|s| (400..600).contains(s))
                        .ok_or_else(bad)?,
                },
                "random" => Fault::Random {
                    percent: arg.parse().ok().filter(|p| *p <= 100).ok_or_else(bad)?,
                },
                _ => return Err(bad()),
            };
            plan.set(transaction, fault, remaining);
        }
        Ok(plan)
    }

    /// Injects `fault` into the next `times` calls of `transaction` (every call when `None`).
    pub fn set(&self, transaction: Transaction, fault: Fault, times: Option<u32>) {
        if let Ok(mut map) = self.injections.lock() {
            map.insert(
                transaction,
                Injection {
                    fault,
                    remaining: times,
                },
            );
        }
    }

    pub fn clear(&self, transaction: Transaction) {
        if let Ok(mut map) = self.injections.lock() {
            map.remove(&transaction);
        }
    }

    /// The fault for this call, consuming one of a counted injection.
    pub fn take(&self, transaction: Transaction) -> Option<Fault> {
        let mut map = self.injections.lock().ok()?;
        let injection = map.get_mut(&transaction)?;
        let fault = injection.fault;
        match &mut injection.remaining {
            None => {}
            Some(0) => {
                map.remove(&transaction);
                return None;
            }
            Some(n) => {
                *n -= 1;
                if *n == 0 {
                    map.remove(&transaction);
                }
            }
        }
        match fault {
            Fault::Random { percent } => {
                use rand::Rng;
                let mut rng = rand::rng();
                (rng.random_range(0..100u8) < percent)
                    .then(|| Fault::DRAWN[rng.random_range(0..Fault::DRAWN.len())])
            }
            f => Some(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_parse_and_counted_faults_run_out() {
        let plan =
            FaultPlan::parse("find=slow:1500, feed=http:503*2; retrieve=reset").expect("plan");
        assert_eq!(
            plan.take(Transaction::Find),
            Some(Fault::Slow { delay_ms: 1500 })
        );
        assert_eq!(
            plan.take(Transaction::Find),
            Some(Fault::Slow { delay_ms: 1500 })
        );
        assert_eq!(
            plan.take(Transaction::Feed),
            Some(Fault::Http { status: 503 })
        );
        assert_eq!(
            plan.take(Transaction::Feed),
            Some(Fault::Http { status: 503 })
        );
        assert_eq!(plan.take(Transaction::Feed), None);
        assert_eq!(plan.take(Transaction::Retrieve), Some(Fault::Reset));
        assert_eq!(plan.take(Transaction::Exists), None);
        plan.clear(Transaction::Find);
        assert_eq!(plan.take(Transaction::Find), None);
    }

    #[test]
    fn bad_plans_are_refused_with_the_culprit() {
        for bad in [
            "find",
            "nothing=reset",
            "find=slow",
            "feed=http:200",
            "find=reset*x",
        ] {
            let e = FaultPlan::parse(bad).expect_err(bad);
            assert!(
                e.to_string().contains(bad.split('=').next().unwrap_or(bad)),
                "{e}"
            );
        }
        assert!(FaultPlan::parse("").is_ok());
    }

    #[test]
    fn random_plans_draw_real_faults_at_about_their_rate() {
        let plan = FaultPlan::parse("feed=random:30, find=reset-after, update=http-after:502")
            .expect("plan");
        let hits = (0..2_000)
            .filter_map(|_| plan.take(Transaction::Feed))
            .inspect(|f| assert!(!matches!(f, Fault::Random { .. })))
            .count();
        assert!((400..800).contains(&hits), "{hits}");
        assert_eq!(plan.take(Transaction::Find), Some(Fault::ResetAfter));
        assert_eq!(
            plan.take(Transaction::Update),
            Some(Fault::HttpAfter { status: 502 })
        );
        assert!(FaultPlan::parse("feed=random:101").is_err());
    }
}
