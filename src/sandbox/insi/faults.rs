//! Latency and faults of the sandbox INSi, written as text like the other simulators'
//! (`CHEVET_SANDBOX_INSI_FAULTS`): `latency=MS` before every answer; `fault=CODE*N`, the next
//! N calls answer the SOAP fault of that code (`insi_102`: service temporarily unavailable,
//! `desir_550`, `desir_560`, or any `desir_NNN`); `hang*N`, the next N calls are never
//! answered; `html=STATUS*N`, a gateway's HTML page; `truncate*N`, an answer cut in the
//! middle; `doctype*N`, an answer declaring entities (hostile XML). Items separated by commas,
//! played in the order written.

use std::collections::VecDeque;
use std::time::Duration;

use crate::sandbox::fault_text;

/// One injected misbehaviour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Injected {
    /// The SOAP fault of this detail code.
    Fault(String),
    Hang,
    Html(u16),
    Truncate,
    Doctype,
}

/// What goes wrong, and how often.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FaultPlan {
    /// Added before every answer.
    pub latency: Duration,
    /// The next calls, one each, in order.
    pub queue: Vec<Injected>,
}

/// Why a plan could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("plan de pannes de l'INSi simulé illisible près de « {0} »")]
pub struct PlanError(String);

impl PlanError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

impl FaultPlan {
    /// Reads `latency=MS`, `fault=CODE*N`, `hang*N`, `html=STATUS*N`, `truncate*N`,
    /// `doctype*N` (N defaults to 1), separated by commas.
    pub fn parse(text: &str) -> Result<Self, PlanError> {
        let mut plan = Self::default();
        for (item, name, arg) in fault_text::items(text) {
            let bad = || PlanError(item.to_owned());
            let (value, times) = match name {
                "fault" | "html" => arg.split_once('*').unwrap_or((arg, "1")),
                _ => ("", if arg.is_empty() { "1" } else { arg }),
            };
            let times: usize = times.trim().parse().map_err(|_| bad())?;
            let injected = match name {
                "latency" => {
                    plan.latency = Duration::from_millis(arg.parse().map_err(|_| bad())?);
                    continue;
                }
                "fault" => {
                    let code = value.trim().to_ascii_lowercase();
                    if code.is_empty()
                        || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                    {
                        return Err(bad());
                    }
                    Injected::Fault(code)
                }
                "html" => {
                    let status: u16 = value.trim().parse().map_err(|_| bad())?;
                    if !(200..600).contains(&status) {
                        return Err(bad());
                    }
                    Injected::Html(status)
                }
                "hang" => Injected::Hang,
                "truncate" => Injected::Truncate,
                "doctype" => Injected::Doctype,
                _ => return Err(bad()),
            };
            plan.queue.extend(std::iter::repeat_n(injected, times));
        }
        Ok(plan)
    }
}

/// The plan and what is left of it.
#[derive(Debug, Default)]
pub(super) struct FaultState {
    pub latency: Duration,
    queue: VecDeque<Injected>,
}

impl FaultState {
    pub(super) fn new(plan: FaultPlan) -> Self {
        Self {
            latency: plan.latency,
            queue: plan.queue.into(),
        }
    }

    /// The misbehaviour of the next call, if any.
    pub(super) fn next(&mut self) -> Option<Injected> {
        self.queue.pop_front()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_read_and_play_in_order() {
        let plan = FaultPlan::parse("latency=20, fault=insi_102*2, hang, html=502, doctype*1")
            .expect("plan");
        assert_eq!(plan.latency, Duration::from_millis(20));
        let mut s = FaultState::new(plan);
        assert_eq!(s.next(), Some(Injected::Fault("insi_102".into())));
        assert_eq!(s.next(), Some(Injected::Fault("insi_102".into())));
        assert_eq!(s.next(), Some(Injected::Hang));
        assert_eq!(s.next(), Some(Injected::Html(502)));
        assert_eq!(s.next(), Some(Injected::Doctype));
        assert_eq!(s.next(), None);
        assert!(FaultPlan::parse("fault=").is_err());
        assert!(FaultPlan::parse("html=99").is_err());
        assert!(FaultPlan::parse("bogus").is_err());
        assert_eq!(FaultPlan::parse("hang*3").expect("hang").queue.len(), 3);
    }
}
