//! Latency and faults of the sandbox Annuaire, after what users of the real API V2 report: a
//! fixed latency on every call, a 429 with `Retry-After` every N calls (the 17 calls/s cap),
//! a wave of 502/504 answers, `next` links pointing back to their own page (#165), and calls
//! never answered (searches past the 30 s limit). Written as text like the other simulators:
//! `latency=200, throttle=5:1, wave=502*3, loop, hang*1`.

use std::collections::VecDeque;
use std::time::Duration;

use crate::sandbox::fault_text;

/// What goes wrong, and how often.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// Added before every answer.
    pub latency: Duration,
    /// Every N-th call answers 429 (0: never)…
    pub throttle_every: u32,
    /// …with this `Retry-After` (seconds).
    pub retry_after_secs: u32,
    /// The next calls answer these statuses, one each, in order (a 502/504 wave; a 429 with
    /// `retry_after_secs`).
    pub wave: Vec<u16>,
    /// Every page's `next` link points to the page itself.
    pub looping_next: bool,
    /// The next N calls (after the wave) are never answered.
    pub hang_calls: u32,
}

/// Why a plan could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plan de pannes de l'Annuaire simulé illisible près de « {0} »")]
pub struct PlanError(String);

impl PlanError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

impl FaultPlan {
    /// Reads `latency=MS`, `throttle=N[:SECS]`, `wave=STATUS*N`, `loop`, `hang*N`, separated
    /// by commas.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let mut plan = Self::default();
        for (item, name, arg) in fault_text::items(text) {
            let bad = || PlanError(item.to_owned());
            let number = |s: &str| s.trim().parse::<u32>().map_err(|_| bad());
            match name {
                "latency" => plan.latency = Duration::from_millis(u64::from(number(arg)?)),
                "throttle" => {
                    let (every, secs) = arg.split_once(':').unwrap_or((arg, "1"));
                    plan.throttle_every = number(every)?;
                    plan.retry_after_secs = number(secs)?;
                }
                "wave" => {
                    let (status, times) = arg.split_once('*').unwrap_or((arg, "1"));
                    let status = u16::try_from(number(status)?).map_err(|_| bad())?;
                    if !(400..600).contains(&status) {
                        return Err(bad());
                    }
                    plan.wave
                        .extend(std::iter::repeat_n(status, number(times)? as usize));
                }
                "loop" => plan.looping_next = true,
                "hang" => plan.hang_calls = if arg.is_empty() { 1 } else { number(arg)? },
                _ => return Err(bad()),
            }
        }
        Ok(plan)
    }
}

/// What one call meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Injected {
    None,
    Status {
        status: u16,
        retry_after: Option<u32>,
    },
    Hang,
}

/// The plan and its counters.
#[derive(Debug, Default)]
pub(super) struct FaultState {
    pub plan: FaultPlan,
    calls: u64,
    wave: VecDeque<u16>,
    hangs: u32,
}

impl FaultState {
    pub(super) fn new(plan: FaultPlan) -> Self {
        Self {
            wave: plan.wave.iter().copied().collect(),
            hangs: plan.hang_calls,
            plan,
            calls: 0,
        }
    }

    /// The fault of the next call.
    pub(super) fn next(&mut self) -> Injected {
        self.calls += 1;
        if let Some(status) = self.wave.pop_front() {
            return Injected::Status {
                status,
                retry_after: (status == 429).then_some(self.plan.retry_after_secs),
            };
        }
        if self.hangs > 0 {
            self.hangs -= 1;
            return Injected::Hang;
        }
        let every = u64::from(self.plan.throttle_every);
        if every > 0 && self.calls.is_multiple_of(every) {
            return Injected::Status {
                status: 429,
                retry_after: Some(self.plan.retry_after_secs),
            };
        }
        Injected::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_and_play_in_order() {
        let plan = FaultPlan::parse("latency=20, throttle=3:2, wave=502*2, loop").unwrap();
        assert_eq!(plan.latency, Duration::from_millis(20));
        assert_eq!(plan.wave, vec![502, 502]);
        assert!(plan.looping_next);
        let mut s = FaultState::new(plan);
        assert!(matches!(s.next(), Injected::Status { status: 502, .. }));
        assert!(matches!(s.next(), Injected::Status { status: 502, .. }));
        assert_eq!(
            s.next(),
            Injected::Status {
                status: 429,
                retry_after: Some(2)
            }
        );
        assert_eq!(s.next(), Injected::None);
        assert_eq!(s.next(), Injected::None);
        let mut h = FaultState::new(FaultPlan::parse("hang*1").unwrap());
        assert_eq!(h.next(), Injected::Hang);
        assert_eq!(h.next(), Injected::None);
        assert!(FaultPlan::parse("wave=200").is_err());
        assert!(FaultPlan::parse("bogus").is_err());
    }
}
