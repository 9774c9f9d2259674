//! The gateway's sink for the MLLP listener: draws the faults of the frame, answers a resend
//! (same MSH-10) with its first answer without forwarding it again, checks a new message on a
//! blocking thread (base64 and CDA parsing), records it with its verdict and queues an accepted
//! one for the DMP. A full queue gives AR and nothing is recorded (the sender sends again).
//! A dropped ACK is left to the relay (`front`), which closes the connection instead of
//! delivering it.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::check::{self, Checked};
use super::faults::{AckFault, DmpFault, PfiFaults};
use super::{DmpOutcome, Received, Shared};
use crate::hl7::listener::{ReceivedMessage, Sink, SinkError, Verdict};
use crate::hl7::{AckCode, AckError, ApplicationError};

/// An accepted message waiting for the DMP.
pub struct Job {
    pub control_id: String,
    pub checked: Box<Checked>,
    pub dmp_fault: Option<DmpFault>,
}

/// The gateway as the listener's sink.
pub struct PfiSink {
    shared: Arc<Shared>,
    faults: Arc<PfiFaults>,
    jobs: mpsc::Sender<Job>,
}

impl PfiSink {
    pub fn new(shared: Arc<Shared>, faults: Arc<PfiFaults>, jobs: mpsc::Sender<Job>) -> Self {
        Self {
            shared,
            faults,
            jobs,
        }
    }
}

/// AR: rejected for a circumstantial reason, to be sent again later.
fn rejected(text: &str) -> Verdict {
    Verdict {
        code: AckCode::Reject,
        errors: vec![AckError::application(ApplicationError::Other, None).explained(text)],
    }
}

impl Sink for PfiSink {
    async fn accept(&self, message: ReceivedMessage) -> Result<Verdict, SinkError> {
        let drawn = self.faults.draw();
        let control_id = message.control_id.clone();
        match drawn.ack {
            Some(AckFault::Drop) => {
                tracing::info!("sandbox PFI: fault: ACK dropped before the message was taken");
                self.shared.drop_ack(&control_id);
                return Ok(rejected("connexion coupée"));
            }
            Some(AckFault::Reject) => {
                tracing::info!("sandbox PFI: fault: AR");
                return Ok(rejected("passerelle momentanément indisponible"));
            }
            Some(AckFault::Slow { delay_ms }) => {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            Some(AckFault::DropAfter) | None => {}
        }
        let verdict = self.take(message, drawn.dmp).await;
        if drawn.ack == Some(AckFault::DropAfter) {
            tracing::info!("sandbox PFI: fault: ACK dropped after the message was taken");
            self.shared.drop_ack(&control_id);
        }
        Ok(verdict)
    }
}

impl PfiSink {
    /// The answer to a message: the first answer for a resend, else checked, recorded and
    /// queued.
    async fn take(&self, message: ReceivedMessage, dmp_fault: Option<DmpFault>) -> Verdict {
        let control_id = message.control_id.clone();
        if let Some(verdict) = self.resent(&control_id) {
            return verdict;
        }
        let raw = Arc::clone(&message.raw);
        let checked = tokio::task::spawn_blocking(move || {
            let msg = crate::hl7::parse(&raw).map_err(|_| (String::new(), Vec::new()))?;
            check::check(&msg).map_err(|errors| (msg.message_type().trigger.into_owned(), errors))
        })
        .await;
        let checked = match checked {
            Ok(Ok(checked)) => checked,
            Ok(Err((event, errors))) => {
                let errors = if errors.is_empty() {
                    vec![AckError::application(ApplicationError::Other, None)]
                } else {
                    errors
                };
                tracing::info!(
                    code = errors.first().map_or("", |e| e.condition.code()),
                    "sandbox PFI: message refused (AE)"
                );
                let verdict = Verdict {
                    code: AckCode::Error,
                    errors,
                };
                let received = Received {
                    control_id,
                    event,
                    unique_id: None,
                    ack: AckCode::Error,
                    deliveries: 1,
                    dmp: DmpOutcome::NotForwarded,
                    zams: Vec::new(),
                };
                return self.shared.insert(received, verdict).1;
            }
            Err(_) => return rejected("erreur interne de la passerelle"),
        };
        let forward = checked.flags.dest_dmp() || checked.flags.mss();
        let permit = if forward {
            match self.jobs.try_reserve() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    tracing::warn!("sandbox PFI: forwarding queue full, AR");
                    return rejected("file d'envoi de la passerelle pleine");
                }
            }
        } else {
            None
        };
        let received = Received {
            control_id: control_id.clone(),
            event: checked.event.clone(),
            unique_id: Some(checked.unique_id.clone()),
            ack: AckCode::Accept,
            deliveries: 1,
            dmp: if checked.flags.dest_dmp() {
                DmpOutcome::Pending
            } else {
                DmpOutcome::NotForwarded
            },
            zams: Vec::new(),
        };
        let (_, verdict, inserted) = self.shared.insert(received, Verdict::accepted());
        if !inserted {
            // Another connection took the same message meanwhile: its answer, no forwarding.
            return verdict;
        }
        if let Some(permit) = permit {
            permit.send(Job {
                control_id,
                checked: Box::new(checked),
                dmp_fault,
            });
        }
        tracing::debug!("sandbox PFI: message accepted");
        verdict
    }

    /// The first answer given to this MSH-10, counting the delivery.
    fn resent(&self, control_id: &str) -> Option<Verdict> {
        let (_, verdict) = self.shared.get(control_id)?;
        self.shared.update(control_id, |r| r.deliveries += 1);
        tracing::info!("sandbox PFI: message sent again, first answer repeated");
        Some(verdict)
    }
}
