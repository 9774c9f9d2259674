//! How this establishment feeds the DMP (`[outbox]` in the configuration): the route, the
//! delay a professional has to hold or cancel a validated document, the gateway's address
//! and names, how many documents go at once, and the retry back-off.

use std::net::SocketAddr;
use std::time::Duration;

use crate::domain::outbox::OutboxRoute;
use crate::outbox::pfi_message::PfiSettings;

/// The outbox's settings.
#[derive(Debug, Clone)]
pub struct OutboxSettings {
    pub route: OutboxRoute,
    /// Delay between validation and sending (SC.DMP/ALI/PROG: time to hold or cancel).
    pub delay: Duration,
    /// The gateway (PFI route): where to send, and the names in MSH.
    pub pfi_address: Option<SocketAddr>,
    pub pfi: PfiSettings,
    /// OID under which this establishment assigns IPPs (PID-3 of the gateway's message).
    pub ipp_authority_oid: String,
    /// Documents sent at the same time.
    pub concurrency: usize,
    /// A sender's hold on a job; after it, another sender takes the job again (verified). It
    /// must exceed one attempt: a TD3.1b and an ITI-41, each bounded by the transport's
    /// timeout (60 s by default).
    pub lease: Duration,
    /// First retry delay; doubled at each attempt up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Attempts after which a job fails for good (with its last reason).
    pub max_attempts: u32,
    /// Time to wait for the gateway's ACK (or the DMP's answer).
    pub answer_timeout: Duration,
}

impl OutboxSettings {
    /// Direct to the DMP, 10 minutes' delay.
    pub fn direct() -> Self {
        Self {
            route: OutboxRoute::Dmp,
            delay: Duration::from_secs(600),
            pfi_address: None,
            pfi: PfiSettings {
                sending_application: "CHEVET".to_owned(),
                sending_facility: String::new(),
                receiving_application: "PFI".to_owned(),
                receiving_facility: String::new(),
                finess_geographique: String::new(),
                structure_name: String::new(),
                lab_as_oru: false,
            },
            ipp_authority_oid: String::new(),
            concurrency: 8,
            lease: Duration::from_secs(600),
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(3600),
            max_attempts: 20,
            answer_timeout: Duration::from_secs(30),
        }
    }

    /// The delay before attempt `attempts + 1` after a retryable failure.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 1u32 << attempts.saturating_sub(1).min(16);
        self.first_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

impl Default for OutboxSettings {
    fn default() -> Self {
        Self::direct()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_its_ceiling() {
        let s = OutboxSettings::direct();
        assert_eq!(s.backoff(1), Duration::from_secs(30));
        assert_eq!(s.backoff(2), Duration::from_secs(60));
        assert_eq!(s.backoff(3), Duration::from_secs(120));
        assert_eq!(s.backoff(40), Duration::from_secs(3600));
    }
}
