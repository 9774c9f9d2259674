//! Fault injection of the sandbox PFI, so that the outbox's error paths can be seen and
//! tested: the ACK dropped before the message is taken (`ack=drop`) or after it was recorded
//! and forwarded (`ack=drop-after`, the ambiguous case: the sender never saw the ACK of a
//! message the gateway took), an AR (`ack=ar`), a slow ACK (`ack=slow:500`, milliseconds), the
//! DMP's refusal of the document coming back as a ZAM `Z01` N (`dmp=closed`), and a random mode
//! (`random:30`: 30 % of the messages get one of these, drawn by a seeded generator, `seed:7`).
//! A plan is written as text, items separated by commas; `*N` limits an item to the next N
//! messages: `ack=drop*2, dmp=closed, random:30, seed:7`.

use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::PfiError;

/// What happens to the ACK of one received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckFault {
    /// The connection is closed without ACK; nothing is recorded.
    Drop,
    /// The message is recorded and forwarded, then the connection is closed without ACK.
    DropAfter,
    /// AR (rejected for a circumstantial reason); nothing is recorded.
    Reject,
    /// The ACK is written after this delay.
    Slow { delay_ms: u64 },
}

/// What happens when the document is forwarded to the DMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmpFault {
    /// The DMP refuses the document: its patient's DMP is closed (`DMPClosed`).
    Closed,
}

/// The faults drawn for one received frame.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Drawn {
    pub ack: Option<AckFault>,
    pub dmp: Option<DmpFault>,
}

#[derive(Debug, Clone, Copy)]
struct Counted<T> {
    fault: T,
    /// `None`: every message.
    remaining: Option<u32>,
}

impl<T: Copy> Counted<T> {
    /// The fault, consuming one use; `None` once used up.
    fn take(slot: &mut Option<Self>) -> Option<T> {
        let counted = slot.as_mut()?;
        let fault = counted.fault;
        match &mut counted.remaining {
            None => {}
            Some(n) if *n <= 1 => *slot = None,
            Some(n) => *n -= 1,
        }
        Some(fault)
    }
}

#[derive(Debug)]
struct Plan {
    ack: Option<Counted<AckFault>>,
    dmp: Option<Counted<DmpFault>>,
    /// Percentage of the messages that get a random fault.
    random: u8,
    rng: StdRng,
}

/// The faults to inject, shared by the gateway's connections.
#[derive(Debug)]
pub struct PfiFaults {
    plan: Mutex<Plan>,
}

impl Default for PfiFaults {
    fn default() -> Self {
        Self::with_seed(0)
    }
}

impl PfiFaults {
    /// No fault; the random mode, if set later, draws from `seed`.
    pub fn with_seed(seed: u64) -> Self {
        Self {
            plan: Mutex::new(Plan {
                ack: None,
                dmp: None,
                random: 0,
                rng: StdRng::seed_from_u64(seed),
            }),
        }
    }

    /// Reads `ack=drop|drop-after|ar|slow:MS[*N]`, `dmp=closed[*N]`, `random:PERCENT` and
    /// `seed:N` items separated by commas.
    pub fn parse(text: &str) -> Result<Self, PfiError> {
        let mut plan = Plan {
            ack: None,
            dmp: None,
            random: 0,
            rng: StdRng::seed_from_u64(0),
        };
        for item in text
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let bad = || PfiError::Faults(item.to_owned());
            if let Some(percent) = item.strip_prefix("random:") {
                plan.random = percent
                    .trim()
                    .parse::<u8>()
                    .ok()
                    .filter(|p| *p <= 100)
                    .ok_or_else(bad)?;
                continue;
            }
            if let Some(seed) = item.strip_prefix("seed:") {
                plan.rng = StdRng::seed_from_u64(seed.trim().parse().map_err(|_| bad())?);
                continue;
            }
            let (target, spec) = item.split_once('=').ok_or_else(bad)?;
            let (spec, remaining) = match spec.split_once('*') {
                Some((s, n)) => (s.trim(), Some(n.trim().parse::<u32>().map_err(|_| bad())?)),
                None => (spec.trim(), None),
            };
            match (target.trim(), spec.split_once(':').unwrap_or((spec, ""))) {
                ("ack", (kind, arg)) => {
                    let fault = match kind {
                        "drop" => AckFault::Drop,
                        "drop-after" => AckFault::DropAfter,
                        "ar" => AckFault::Reject,
                        "slow" => AckFault::Slow {
                            delay_ms: arg.parse().map_err(|_| bad())?,
                        },
                        _ => return Err(bad()),
                    };
                    plan.ack = Some(Counted { fault, remaining });
                }
                ("dmp", ("closed", "")) => {
                    plan.dmp = Some(Counted {
                        fault: DmpFault::Closed,
                        remaining,
                    });
                }
                _ => return Err(bad()),
            }
        }
        Ok(Self {
            plan: Mutex::new(plan),
        })
    }

    /// Sets the ACK fault of the next `times` messages (every message when `None`).
    pub fn set_ack(&self, fault: Option<AckFault>, times: Option<u32>) {
        if let Ok(mut plan) = self.plan.lock() {
            plan.ack = fault.map(|fault| Counted {
                fault,
                remaining: times,
            });
        }
    }

    /// Sets the DMP fault of the next `times` messages (every message when `None`).
    pub fn set_dmp(&self, fault: Option<DmpFault>, times: Option<u32>) {
        if let Ok(mut plan) = self.plan.lock() {
            plan.dmp = fault.map(|fault| Counted {
                fault,
                remaining: times,
            });
        }
    }

    /// The faults of the next received frame, consuming counted ones; a random fault only
    /// when no planned one applies.
    pub fn draw(&self) -> Drawn {
        let Ok(mut plan) = self.plan.lock() else {
            return Drawn::default();
        };
        let mut drawn = Drawn {
            ack: Counted::take(&mut plan.ack),
            dmp: Counted::take(&mut plan.dmp),
        };
        if drawn == Drawn::default()
            && plan.random > 0
            && plan.rng.random_range(0..100u8) < plan.random
        {
            let delay_ms = plan.rng.random_range(100..1000u64);
            match plan.rng.random_range(0..5u8) {
                0 => drawn.ack = Some(AckFault::Drop),
                1 => drawn.ack = Some(AckFault::DropAfter),
                2 => drawn.ack = Some(AckFault::Reject),
                3 => drawn.ack = Some(AckFault::Slow { delay_ms }),
                _ => drawn.dmp = Some(DmpFault::Closed),
            }
        }
        drawn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_parse_and_counted_faults_run_out() {
        let faults = PfiFaults::parse("ack=drop*2, dmp=closed").expect("plan");
        for _ in 0..2 {
            let d = faults.draw();
            assert_eq!(d.ack, Some(AckFault::Drop));
            assert_eq!(d.dmp, Some(DmpFault::Closed));
        }
        let d = faults.draw();
        assert_eq!(d.ack, None);
        assert_eq!(d.dmp, Some(DmpFault::Closed));
        let slow = PfiFaults::parse("ack=slow:500").expect("plan");
        assert_eq!(slow.draw().ack, Some(AckFault::Slow { delay_ms: 500 }));
        let after = PfiFaults::parse("ack=drop-after*1; ack=ar").expect("plan");
        assert_eq!(
            after.draw().ack,
            Some(AckFault::Reject),
            "the last item wins"
        );
    }

    #[test]
    fn the_random_mode_is_reproducible_and_near_its_rate() {
        let draws = |text: &str| {
            let faults = PfiFaults::parse(text).expect("plan");
            (0..1000).map(|_| faults.draw()).collect::<Vec<_>>()
        };
        let a = draws("random:30, seed:7");
        assert_eq!(a, draws("random:30, seed:7"));
        let hit = a.iter().filter(|d| **d != Drawn::default()).count();
        assert!((200..400).contains(&hit), "{hit}");
        assert!(draws("random:0").iter().all(|d| *d == Drawn::default()));
    }

    #[test]
    fn bad_plans_are_refused_with_the_culprit() {
        for bad in [
            "ack",
            "ack=nothing",
            "ack=slow",
            "dmp=open",
            "random:200",
            "ack=drop*x",
            "x=drop",
        ] {
            let e = PfiFaults::parse(bad).expect_err(bad);
            assert!(e.to_string().contains(bad), "{e}");
        }
        assert!(PfiFaults::parse("").is_ok());
    }
}
