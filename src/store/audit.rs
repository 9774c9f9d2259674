//! The audit trail: append-only (SQL triggers refuse UPDATE and DELETE) and hash-chained, each
//! row's hash covering the previous row's hash and its own fields, so that editing, removing or
//! reordering a row is detected by [`verify`]. Rows name local ids, never identities.

use sha2::{Digest, Sha256};

use super::db::{Backend, Row, params};
use super::{Store, StoreError, now_text};

/// What happened. The code is what the trail stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    LoginSucceeded,
    LoginFailed,
    AccountLocked,
    Logout,
    AccountCreated,
    OpenFolder,
    ReadDocument,
    DocumentProduced,
    SandboxSeeded,
    SettingChanged,
    AuditVerified,
    /// An external login (provider or card) began: who is not known yet.
    LoginStarted,
    IdentityLinked,
    LinkRequested,
    LinkRefused,
    SessionLocked,
    SessionUnlocked,
    /// The patient's information / opposition about the DMP recorded for an episode.
    ConsentRecorded,
    /// Access in bris de glace declared for an episode (the reason stays in `dmp_consent`).
    BreakGlass,
    /// One DMP transaction (the detail is the trace's CSV row: who, transaction, documents,
    /// access mode, result — no patient identity).
    DmpTransaction,
    /// The DPO's CSV extraction of the DMP accesses was written.
    DmpTracesExported,
    /// The DMP web portal was opened in a patient's context.
    DmpPortalOpened,
    /// A document received from outside (DMP…) was integrated into the folder.
    DocumentIntegrated,
    /// A workstation worked from its cache while the shared record was unreachable (the
    /// detail: from, to, how many entries were replayed).
    RecordDegraded,
    /// The GAM created or updated a patient, a stay or a movement (IHE PAM-FR).
    GamUpdate,
    /// A document received (MSSanté, HL7 v2, XDM) was filed in a folder automatically.
    DocumentReceived,
    /// A document was marked deleted at its sender's request (MDM T04).
    DocumentDeletedBySender,
    /// A person filed a document to reconcile in a folder, or refused it.
    DocumentReconciled,
    /// An identity conflict went to the identity-vigilance list, or was resolved there.
    IdentityAlert,
    /// The identity status of a patient changed, or a vigilance decision left it as it was
    /// (detail: from, to, event; the history in `identity_history` says why).
    IdentityStatusChanged,
    /// The INSi teleservice was asked for a patient's INS (detail: result code and calls, or
    /// the error's message id).
    InsiSearch,
    /// A person held, resumed, cancelled or retried a job of the outbox (detail: which).
    OutboxCommand,
    /// An administrator changed an account's display name.
    AccountUpdated,
    /// An administrator changed an account's role (detail: from, to).
    AccountRoleChanged,
    AccountDisabled,
    AccountEnabled,
    /// An administrator lifted a lock after failures.
    AccountUnlocked,
    /// An administrator gave an account a temporary password (to change at first use).
    PasswordReset,
    /// A user changed their password (detail: own, or at first use).
    PasswordChanged,
    /// A password change was refused (detail: why — policy, reuse, wrong current password).
    PasswordChangeRefused,
    /// A second factor (TOTP) was enrolled, with new recovery codes.
    SecondFactorEnrolled,
    /// An administrator removed an account's second factor.
    SecondFactorReset,
    /// A recovery code replaced the TOTP code at a sign-in (detail: how many are left).
    RecoveryCodeUsed,
    /// A wrong or replayed second-factor code after the right password.
    LoginSecondFactorFailed,
    /// The accounts list was exported (how many rows).
    AccountsExported,
    /// The typed settings were exported to a file by an administrator (detail: the version).
    SettingsExported,
    /// The typed settings were replaced by an imported file (detail: the producer's version).
    SettingsImported,
    /// A patient's folder or the whole establishment was exported as a portability archive
    /// (detail: scope, patients and documents counted; never an identity).
    DataExported,
    /// A portability archive was imported into an empty store (detail: counts).
    DataImported,
    /// The usage indicators were exported as CSV (detail: period and filters).
    IndicatorsExported,
}

impl AuditAction {
    pub fn code(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login.ok",
            Self::LoginFailed => "login.failed",
            Self::AccountLocked => "account.locked",
            Self::Logout => "logout",
            Self::AccountCreated => "account.created",
            Self::OpenFolder => "folder.open",
            Self::ReadDocument => "document.read",
            Self::DocumentProduced => "document.produced",
            Self::SandboxSeeded => "sandbox.seeded",
            Self::SettingChanged => "setting.changed",
            Self::AuditVerified => "audit.verified",
            Self::LoginStarted => "login.started",
            Self::IdentityLinked => "identity.linked",
            Self::LinkRequested => "identity.link-requested",
            Self::LinkRefused => "identity.link-refused",
            Self::SessionLocked => "session.locked",
            Self::SessionUnlocked => "session.unlocked",
            Self::ConsentRecorded => "dmp.consent",
            Self::BreakGlass => "dmp.break-glass",
            Self::DmpTransaction => "dmp.transaction",
            Self::DmpTracesExported => "dmp.traces-exported",
            Self::DmpPortalOpened => "dmp.portal",
            Self::DocumentIntegrated => "document.integrated",
            Self::RecordDegraded => "record.degraded",
            Self::GamUpdate => "gam.update",
            Self::DocumentReceived => "document.received",
            Self::DocumentDeletedBySender => "document.deleted-by-sender",
            Self::DocumentReconciled => "document.reconciled",
            Self::IdentityAlert => "identity.alert",
            Self::IdentityStatusChanged => "identity.status",
            Self::InsiSearch => "identity.insi",
            Self::OutboxCommand => "outbox.command",
            Self::AccountUpdated => "account.updated",
            Self::AccountRoleChanged => "account.role-changed",
            Self::AccountDisabled => "account.disabled",
            Self::AccountEnabled => "account.enabled",
            Self::AccountUnlocked => "account.unlocked",
            Self::PasswordReset => "account.password-reset",
            Self::PasswordChanged => "account.password-changed",
            Self::PasswordChangeRefused => "account.password-change-refused",
            Self::SecondFactorEnrolled => "account.second-factor-enrolled",
            Self::SecondFactorReset => "account.second-factor-reset",
            Self::RecoveryCodeUsed => "login.recovery-code",
            Self::LoginSecondFactorFailed => "login.second-factor-failed",
            Self::AccountsExported => "accounts.exported",
            Self::SettingsExported => "settings.exported",
            Self::SettingsImported => "settings.imported",
            Self::DataExported => "data.exported",
            Self::DataImported => "data.imported",
            Self::IndicatorsExported => "indicators.exported",
        }
    }
}

/// What an entry is about: a local id, never an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditObject {
    Patient(i64),
    Document(i64),
    /// A document shown through its stylesheet (the trail tells it from a plain read).
    DocumentStylesheet(i64),
    /// A DMP document not in the store, by its entry.
    DmpDocument(String),
    Episode(i64),
    Account(i64),
    /// A request to link an external identity to an account.
    IdentityLink(i64),
    /// A login whose user is not known yet.
    Login,
    Setting(String),
    /// Demo patients generated (how many).
    Patients(usize),
    /// The audit trail itself (how many rows were walked or extracted).
    AuditTrail(usize),
    /// The shared record (degraded mode and its end).
    Record,
    /// A received HL7 v2 message, by its journal row.
    Message(i64),
    /// A document to reconcile, by its inbox item.
    InboxItem(i64),
    /// An identity-vigilance alert.
    IdentityAlert(i64),
    /// A job of the outbox.
    OutboxItem(i64),
    /// The local accounts as a whole (how many were exported).
    Accounts(usize),
    /// The usage indicators (how many rows were exported).
    Indicators(usize),
}

impl AuditObject {
    /// The `object_kind` and `object_id` columns.
    pub fn columns(&self) -> (&'static str, String) {
        match self {
            Self::Patient(id) => ("patient", id.to_string()),
            Self::Document(id) => ("document", id.to_string()),
            Self::DocumentStylesheet(id) => ("document", format!("{id}:stylesheet")),
            Self::DmpDocument(entry) => ("dmp-document", entry.clone()),
            Self::Episode(id) => ("episode", id.to_string()),
            Self::Account(id) => ("account", id.to_string()),
            Self::IdentityLink(id) => ("identity-link", id.to_string()),
            Self::Login => ("login", String::new()),
            Self::Setting(key) => ("setting", key.clone()),
            Self::Patients(count) => ("patients", count.to_string()),
            Self::AuditTrail(rows) => ("audit", rows.to_string()),
            Self::Record => ("record", String::new()),
            Self::Message(id) => ("hl7-message", id.to_string()),
            Self::InboxItem(id) => ("inbox-item", id.to_string()),
            Self::IdentityAlert(id) => ("identity-alert", id.to_string()),
            Self::OutboxItem(id) => ("outbox-item", id.to_string()),
            Self::Accounts(count) => ("accounts", count.to_string()),
            Self::Indicators(rows) => ("indicators", rows.to_string()),
        }
    }
}

/// One entry to append: who, what, about what, and a detail without identities.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    /// Account login, `system`, or `anonymous` before sign-in.
    pub actor: &'a str,
    pub action: AuditAction,
    pub object: AuditObject,
    pub detail: String,
}

impl<'a> AuditEntry<'a> {
    pub fn new(actor: &'a str, action: AuditAction, object: AuditObject) -> Self {
        Self {
            actor,
            action,
            object,
            detail: String::new(),
        }
    }

    #[must_use]
    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// A row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object_kind: String,
    pub object_id: String,
    pub detail: String,
}

const GENESIS: [u8; 32] = [0; 32];

fn row_hash(prev: &[u8], row: &AuditRow) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(prev);
    for field in [
        row.seq.to_string().as_str(),
        &row.at,
        &row.actor,
        &row.action,
        &row.object_kind,
        &row.object_id,
        &row.detail,
    ] {
        // Length-prefixed so that moving text between fields changes the hash.
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    h.finalize().into()
}

/// Traces one event: who, what, about what, and a detail without identities. The one way every
/// layer writes to the trail (inside a caller's transaction too).
pub fn record(
    store: &mut Store,
    actor: &str,
    action: AuditAction,
    object: AuditObject,
    detail: impl Into<String>,
) -> Result<i64, StoreError> {
    append(
        store,
        &AuditEntry::new(actor, action, object).detail(detail),
    )
}

/// Key of the PostgreSQL advisory lock that orders the writers of the chain (written out in
/// migration 13's `chevet_audit_append`, which takes it).
#[cfg(test)]
const AUDIT_LOCK: i64 = 0x4348_4556_4554_0002;

/// Appends an entry, chained to the last one. Works inside a caller's transaction too. On the
/// shared database, writers from every workstation take their turn on an advisory lock held
/// to the end of the transaction, so that each row chains to the one committed before it:
/// `chevet_audit_append` (migration 13) does it in one round trip, with the same hash.
pub fn append(store: &mut Store, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    if store.is_cache() {
        // Degraded mode: the entry waits in the cache's queue for the record (0: no row yet).
        super::replay::enqueue_audit(
            store,
            entry.actor,
            entry.action,
            &entry.object,
            &entry.detail,
        )?;
        return Ok(0);
    }
    let (object_kind, object_id) = entry.object.columns();
    append_row(
        store,
        entry.actor,
        entry.action.code(),
        (object_kind, &object_id),
        &entry.detail,
        None,
        &now_text(),
    )
}

/// Appends an entry with the time it happened at (ISO 8601 UTC): the sandbox's generated
/// history (demo data, the indicators' load) and tests; never in production, where the trail's
/// time is the time of writing. Call it inside a transaction (the chain's last row is read,
/// then the new one written).
#[cfg(any(test, feature = "sandbox"))]
pub fn append_at(store: &Store, at: &str, entry: &AuditEntry<'_>) -> Result<i64, StoreError> {
    let (object_kind, object_id) = entry.object.columns();
    let object = (object_kind, object_id.as_str());
    if store.backend() == Backend::Postgres {
        return append_pg(
            store,
            entry.actor,
            entry.action.code(),
            object,
            &entry.detail,
            None,
            at,
        );
    }
    insert_chained(
        store,
        entry.actor,
        entry.action.code(),
        object,
        &entry.detail,
        None,
        at,
    )
}

/// Appends an entry recorded while a workstation was degraded, with its origin id: a second
/// replay of the same entry is refused as a duplicate (unique origin id).
pub(crate) fn append_replayed(
    store: &mut Store,
    actor: &str,
    action_code: &str,
    object: (&str, &str),
    detail: &str,
    origin: &str,
) -> Result<i64, StoreError> {
    append_row(
        store,
        actor,
        action_code,
        object,
        detail,
        Some(origin),
        &now_text(),
    )
}

fn append_row(
    store: &mut Store,
    actor: &str,
    action_code: &str,
    (object_kind, object_id): (&str, &str),
    detail: &str,
    origin: Option<&str>,
    at: &str,
) -> Result<i64, StoreError> {
    if store.backend() == Backend::Postgres {
        return append_pg(
            store,
            actor,
            action_code,
            (object_kind, object_id),
            detail,
            origin,
            at,
        );
    }
    store.in_transaction(|store| {
        insert_chained(
            store,
            actor,
            action_code,
            (object_kind, object_id),
            detail,
            origin,
            at,
        )
    })
}

/// The shared database's append, in one round trip (migration 13).
fn append_pg(
    store: &Store,
    actor: &str,
    action_code: &str,
    (object_kind, object_id): (&str, &str),
    detail: &str,
    origin: Option<&str>,
    at: &str,
) -> Result<i64, StoreError> {
    store.query_value(
        "SELECT chevet_audit_append(?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            at,
            actor,
            action_code,
            object_kind,
            object_id,
            detail,
            origin
        ],
    )
}

/// A SQLite row chained to the last one (inside the caller's transaction).
fn insert_chained(
    store: &Store,
    actor: &str,
    action_code: &str,
    (object_kind, object_id): (&str, &str),
    detail: &str,
    origin: Option<&str>,
    at: &str,
) -> Result<i64, StoreError> {
    {
        let (last_seq, prev): (i64, Vec<u8>) =
            match store.query_opt("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", &[])? {
                Some(r) => (r.get(0)?, r.get(1)?),
                None => (0, GENESIS.to_vec()),
            };
        let row = AuditRow {
            seq: last_seq + 1,
            at: at.to_owned(),
            actor: actor.to_owned(),
            action: action_code.to_owned(),
            object_kind: object_kind.to_owned(),
            object_id: object_id.to_owned(),
            detail: detail.to_owned(),
        };
        let hash = row_hash(&prev, &row);
        store.execute(
            "INSERT INTO audit (seq, at, actor, action, object_kind, object_id, detail,
                prev_hash, hash, origin_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                row.seq,
                row.at,
                row.actor,
                row.action,
                row.object_kind,
                row.object_id,
                row.detail,
                prev,
                hash.as_slice(),
                origin
            ],
        )?;
        Ok(row.seq)
    }
}

/// Result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub rows: usize,
    /// The first row whose content, order or link does not match.
    pub first_broken: Option<i64>,
}

impl Verification {
    pub fn is_intact(&self) -> bool {
        self.first_broken.is_none()
    }
}

/// Reads the seven row fields, in the order every query here selects them.
fn row_from(r: &Row) -> Result<AuditRow, StoreError> {
    Ok(AuditRow {
        seq: r.get(0)?,
        at: r.get(1)?,
        actor: r.get(2)?,
        action: r.get(3)?,
        object_kind: r.get(4)?,
        object_id: r.get(5)?,
        detail: r.get(6)?,
    })
}

/// Rows read at a time while verifying, so that a long trail is walked in bounded memory.
const VERIFY_PAGE: i64 = 5_000;

/// Recomputes every hash from the first row.
pub fn verify(store: &Store) -> Result<Verification, StoreError> {
    let mut prev = GENESIS.to_vec();
    let mut expected_seq = 1;
    let mut count = 0;
    let mut after = 0_i64;
    loop {
        let page = store.query(
            "SELECT seq, at, actor, action, object_kind, object_id, detail, prev_hash, hash
             FROM audit WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![after, VERIFY_PAGE],
        )?;
        let Some(last) = page.last() else { break };
        after = last.get(0)?;
        for r in &page {
            let row = row_from(r)?;
            let stored_prev: Vec<u8> = r.get(7)?;
            let stored_hash: Vec<u8> = r.get(8)?;
            count += 1;
            if row.seq != expected_seq
                || stored_prev != prev
                || stored_hash != row_hash(&prev, &row)
            {
                return Ok(Verification {
                    rows: count,
                    first_broken: Some(row.seq),
                });
            }
            prev = stored_hash;
            expected_seq += 1;
        }
    }
    Ok(Verification {
        rows: count,
        first_broken: None,
    })
}

/// The most recent rows, newest first.
pub fn recent(store: &Store, limit: usize) -> Result<Vec<AuditRow>, StoreError> {
    store
        .query(
            "SELECT seq, at, actor, action, object_kind, object_id, detail FROM audit
             ORDER BY seq DESC LIMIT ?1",
            params![limit],
        )?
        .iter()
        .map(row_from)
        .collect()
}

/// Every row of one action, oldest first (e.g. the DMP transactions for the DPO's extraction).
pub fn with_action(store: &Store, action: AuditAction) -> Result<Vec<AuditRow>, StoreError> {
    store
        .query(
            "SELECT seq, at, actor, action, object_kind, object_id, detail FROM audit
             WHERE action = ?1 ORDER BY seq",
            params![action.code()],
        )?
        .iter()
        .map(row_from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::each_backend;

    fn entry(n: u32) -> AuditEntry<'static> {
        AuditEntry::new(
            "medecin",
            AuditAction::OpenFolder,
            AuditObject::Patient(n.into()),
        )
    }

    #[test]
    fn empty_and_appended_chains_verify() {
        each_backend(|mut store| {
            assert!(verify(&store).expect("verify").is_intact());
            for n in 0..5 {
                append(&mut store, &entry(n)).expect("append");
            }
            let v = verify(&store).expect("verify");
            assert_eq!(v.rows, 5);
            assert!(v.is_intact());
            assert_eq!(recent(&store, 2).expect("recent")[0].seq, 5);
        });
    }

    #[test]
    fn updates_and_deletes_are_refused_by_the_database() {
        each_backend(|mut store| {
            append(&mut store, &entry(1)).expect("append");
            for sql in ["UPDATE audit SET detail = 'x'", "DELETE FROM audit"] {
                let refused = store.execute(sql, &[]).expect_err(sql);
                assert_eq!(
                    refused.constraint(),
                    Some(crate::store::db::Constraint::Refused)
                );
            }
            assert!(verify(&store).expect("verify").is_intact());
        });
    }

    #[test]
    fn entries_hashed_in_the_server_verify_with_the_same_hash() {
        each_backend(|mut store| {
            // Multi-byte text: the lengths hashed are UTF-8 byte lengths on both sides.
            for detail in ["", "é€ 𝄞 kind=ß", "a\nb\tc"] {
                append(&mut store, &entry(7).detail(detail)).expect("append");
            }
            append_replayed(
                &mut store,
                "infirmière",
                "folder.open",
                ("patient", "7"),
                "é",
                "o1",
            )
            .expect("replayed");
            let v = verify(&store).expect("verify");
            assert_eq!((v.rows, v.first_broken), (4, None));
        });
    }

    #[test]
    fn the_server_function_takes_the_chains_lock() {
        let function = include_str!("migrations/postgres/0013_audit_append.sql");
        assert!(function.contains(&format!("pg_advisory_xact_lock({AUDIT_LOCK})")));
    }

    #[test]
    fn hash_separates_fields() {
        let a = AuditRow {
            seq: 1,
            at: "t".into(),
            actor: "ab".into(),
            action: "c".into(),
            object_kind: String::new(),
            object_id: String::new(),
            detail: String::new(),
        };
        let b = AuditRow {
            actor: "a".into(),
            action: "bc".into(),
            ..a.clone()
        };
        assert_ne!(row_hash(&GENESIS, &a), row_hash(&GENESIS, &b));
    }
}
