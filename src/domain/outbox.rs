//! The sharing of a produced document with the DMP, as the outbox tracks it: the route (direct
//! ITI-41 or through the hospital's gateway), the action (feed, replace, delete), the state of
//! each job and the business acknowledgements that came back. Pure data for the store, the
//! workers and the screens.

use chrono::{DateTime, Utc};

use super::{DocumentId, PatientId};

/// One job of the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OutboxItemId(pub i64);

/// How a document reaches the DMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxRoute {
    /// Chevet speaks to the DMP itself (ITI-41, ITI-57).
    Dmp,
    /// Through the hospital's gateway (PFI) as HL7 v2 MDM/ORU; it answers with ZAM acks.
    Pfi,
}

impl OutboxRoute {
    pub fn code(self) -> &'static str {
        match self {
            Self::Dmp => "dmp",
            Self::Pfi => "pfi",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Dmp, Self::Pfi]
            .into_iter()
            .find(|r| r.code() == code)
    }
}

/// What a job does to the DMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxAction {
    /// A new document (TD2.1, MDM T02).
    Feed,
    /// A new version replacing an earlier one (TD2.2, MDM T10).
    Replace,
    /// Deletion of a version (TD3.3c, MDM T04).
    Delete,
}

impl OutboxAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::Feed => "feed",
            Self::Replace => "replace",
            Self::Delete => "delete",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Feed, Self::Replace, Self::Delete]
            .into_iter()
            .find(|a| a.code() == code)
    }
}

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxState {
    /// Deferred until its due time (or waiting for its turn, or for a retry).
    Waiting,
    /// Taken by a sender.
    Sending,
    /// The DMP (or the gateway) took it.
    Sent,
    /// The gateway's business acknowledgement (or the DMP's registry) confirmed it.
    Acknowledged,
    /// Failed: retried later, or final with its reason.
    Failed,
    /// Held by a person, or by a rule (INS not qualified) until it is resumed.
    Held,
    /// Cancelled by a person before it was sent.
    Cancelled,
    /// Not sent because a rule forbids it (the patient's opposition): the reason says which.
    NotSent,
}

impl OutboxState {
    pub const ALL: [Self; 8] = [
        Self::Waiting,
        Self::Sending,
        Self::Sent,
        Self::Acknowledged,
        Self::Failed,
        Self::Held,
        Self::Cancelled,
        Self::NotSent,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Acknowledged => "acknowledged",
            Self::Failed => "failed",
            Self::Held => "held",
            Self::Cancelled => "cancelled",
            Self::NotSent => "not_sent",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The message key of its label (`outbox-state-…`).
    pub fn label_key(self) -> &'static str {
        match self {
            Self::Waiting => "outbox-state-waiting",
            Self::Sending => "outbox-state-sending",
            Self::Sent => "outbox-state-sent",
            Self::Acknowledged => "outbox-state-acknowledged",
            Self::Failed => "outbox-state-failed",
            Self::Held => "outbox-state-held",
            Self::Cancelled => "outbox-state-cancelled",
            Self::NotSent => "outbox-state-not-sent",
        }
    }
}

/// What a person may do to a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutboxCommand {
    /// Stop a waiting job from leaving (during its delay, or between retries).
    Hold,
    /// Let a held job go (at once).
    Resume,
    /// Give up a job that has not been sent.
    Cancel,
    /// Try a failed job again now.
    Retry,
}

impl OutboxCommand {
    /// Whether the command applies to a job in `state` (`final_failure` for failed ones).
    pub fn applies_to(self, state: OutboxState, final_failure: bool) -> bool {
        use OutboxState as S;
        match self {
            Self::Hold => matches!(state, S::Waiting) || (state == S::Failed && !final_failure),
            Self::Resume => state == S::Held,
            Self::Cancel => matches!(state, S::Waiting | S::Held | S::Failed),
            Self::Retry => state == S::Failed,
        }
    }
}

/// Which business acknowledgement came back (ZAM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AckKind {
    /// Z01: the DMP received it (or refused it).
    DmpReceipt,
    /// Z02: an MSSanté recipient's server received it.
    MssReceipt,
    /// Z03: an MSSanté recipient read it.
    MssRead,
}

impl AckKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::DmpReceipt => "dmp",
            Self::MssReceipt => "mss",
            Self::MssRead => "read",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::DmpReceipt, Self::MssReceipt, Self::MssRead]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// One business acknowledgement of a job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessAck {
    pub kind: AckKind,
    pub ok: bool,
    /// The MSSanté address it concerns (Z02, Z03).
    pub recipient: Option<String>,
    pub code: Option<String>,
    pub label: Option<String>,
    pub received_at: DateTime<Utc>,
}

/// One job as the screens show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: OutboxItemId,
    pub document: DocumentId,
    pub patient: PatientId,
    /// The patient's display name (the outbox screen lists the whole service).
    pub patient_name: String,
    pub title: String,
    pub action: OutboxAction,
    pub route: OutboxRoute,
    pub state: OutboxState,
    pub final_failure: bool,
    /// When it leaves (waiting) or is tried again (failed, retryable).
    pub due_at: DateTime<Utc>,
    pub attempts: u32,
    /// Why it waits, is held, failed or was not sent (plain French).
    pub reason: Option<String>,
    pub batch: Option<String>,
    pub created_by: String,
    pub updated_at: DateTime<Utc>,
    pub acks: Vec<BusinessAck>,
}

impl OutboxItem {
    /// Whether `command` applies to this job now.
    pub fn allows(&self, command: OutboxCommand) -> bool {
        command.applies_to(self.state, self.final_failure)
    }
}

/// A document's sharing state, from its latest job (the document list's column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sharing {
    pub item: OutboxItemId,
    pub action: OutboxAction,
    pub state: OutboxState,
    pub final_failure: bool,
    pub due_at: DateTime<Utc>,
    pub reason: Option<String>,
}

/// What the outbox screen lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutboxFilter {
    /// Everything not finished: waiting, sending, held, failed.
    #[default]
    Pending,
    /// Failed (retryable or final).
    Failed,
    /// Sent or acknowledged.
    Done,
    /// Cancelled or not sent.
    Stopped,
    /// Every job.
    All,
}

impl OutboxFilter {
    pub const ALL: [Self; 5] = [
        Self::Pending,
        Self::Failed,
        Self::Done,
        Self::Stopped,
        Self::All,
    ];

    /// The states it keeps.
    pub fn states(self) -> &'static [OutboxState] {
        use OutboxState as S;
        match self {
            Self::Pending => &[S::Waiting, S::Sending, S::Held, S::Failed],
            Self::Failed => &[S::Failed],
            Self::Done => &[S::Sent, S::Acknowledged],
            Self::Stopped => &[S::Cancelled, S::NotSent],
            Self::All => &OutboxState::ALL,
        }
    }
}

/// Progress of a "send the history" batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BatchProgress {
    pub total: usize,
    pub sent: usize,
    pub failed: usize,
    pub cancelled: usize,
}

impl BatchProgress {
    /// True when no job of the batch is left to send.
    pub fn is_finished(&self) -> bool {
        self.sent + self.failed + self.cancelled >= self.total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_read_back() {
        for s in OutboxState::ALL {
            assert_eq!(OutboxState::from_code(s.code()), Some(s));
        }
        for r in [OutboxRoute::Dmp, OutboxRoute::Pfi] {
            assert_eq!(OutboxRoute::from_code(r.code()), Some(r));
        }
        for a in [
            OutboxAction::Feed,
            OutboxAction::Replace,
            OutboxAction::Delete,
        ] {
            assert_eq!(OutboxAction::from_code(a.code()), Some(a));
        }
    }

    #[test]
    fn commands_apply_only_where_they_mean_something() {
        use OutboxCommand as C;
        use OutboxState as S;
        assert!(C::Hold.applies_to(S::Waiting, false));
        assert!(!C::Hold.applies_to(S::Sending, false));
        assert!(!C::Hold.applies_to(S::Failed, true));
        assert!(C::Resume.applies_to(S::Held, false));
        assert!(C::Cancel.applies_to(S::Held, false));
        assert!(!C::Cancel.applies_to(S::Sent, false));
        assert!(C::Retry.applies_to(S::Failed, true));
        assert!(!C::Retry.applies_to(S::Acknowledged, false));
    }
}
