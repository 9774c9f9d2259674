//! A person's decision on a document to reconcile: file it in the folder they chose (the
//! patient search was pre-filled with what the sender gave), or refuse it. Either way the item
//! stays, with who decided and when, and the decision is traced; the journalled message is
//! marked filed once none of its documents waits any more.

use super::IntakeError;
use crate::cda;
use crate::domain::{DocumentId, PatientId, Provenance, Visibility};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::documents::{self, Integrated, NewDocument};
use crate::store::hl7_journal::{self, JournalStatus};
use crate::store::inbox::{self, ItemStatus};
use crate::store::received::{self, Action, Channel};
use crate::store::{Store, StoreError};

/// Files item `id` in `patient`'s folder on behalf of `by_login` (of `unit`); the document
/// filed (or deleted, for a deletion).
pub fn accept(
    store: &mut Store,
    id: i64,
    patient: PatientId,
    by_login: &str,
    unit: &str,
) -> Result<DocumentId, IntakeError> {
    store.in_transaction(|store| {
        let item = inbox::get(store, id)?;
        if item.status != ItemStatus::Pending {
            return Err(IntakeError::AlreadyDecided);
        }
        let document = if item.action == Action::Delete {
            let targets: Vec<String> = item
                .replaces
                .iter()
                .chain(item.cda_id.iter())
                .cloned()
                .collect();
            let target = received::target(store, &targets)?.ok_or(IntakeError::Unreadable)?;
            received::mark_deleted(store, target.document)?;
            target.document
        } else {
            let raw = inbox::raw(store, id)?;
            let doc = cda::parse(&raw).map_err(|_| IntakeError::Unreadable)?;
            let mut meta = doc.meta();
            if item.action == Action::Replace && meta.replaces.is_none() {
                meta.replaces = item.replaces.clone();
            }
            let provenance = match item.channel {
                Channel::Mssante => Provenance::Mssante,
                Channel::Xdm => Provenance::Xdm,
                Channel::Hl7 => Provenance::Local,
            };
            let new = NewDocument {
                patient_id: patient,
                episode_id: None,
                meta: &meta,
                provenance,
                visibility: Visibility::default(),
                raw: &raw,
            };
            let document = match documents::integrate(store, &new, by_login, unit)? {
                Integrated::New(d)
                | Integrated::AlreadyPresent(d)
                | Integrated::VersionTaken(d) => d,
            };
            received::record(
                store,
                document,
                patient,
                item.message,
                item.channel,
                item.action,
                &item.envelope,
            )?;
            document
        };
        inbox::decide(
            store,
            id,
            ItemStatus::Filed,
            Some(patient),
            Some(document),
            by_login,
        )
        .map_err(already_decided)?;
        audit::record(
            store,
            by_login,
            AuditAction::DocumentReconciled,
            AuditObject::InboxItem(id),
            format!("filed patient={} document={}", patient.0, document.0),
        )?;
        close_message(store, item.message)?;
        Ok(document)
    })
}

/// Refuses item `id` (not this establishment's, a duplicate…): it stays, marked refused.
pub fn refuse(store: &mut Store, id: i64, by_login: &str) -> Result<(), IntakeError> {
    store.in_transaction(|store| {
        let item = inbox::get(store, id)?;
        inbox::decide(store, id, ItemStatus::Refused, None, None, by_login)
            .map_err(already_decided)?;
        audit::record(
            store,
            by_login,
            AuditAction::DocumentReconciled,
            AuditObject::InboxItem(id),
            "refused",
        )?;
        close_message(store, item.message)?;
        Ok(())
    })
}

fn already_decided(e: StoreError) -> IntakeError {
    match e {
        StoreError::Duplicate => IntakeError::AlreadyDecided,
        other => IntakeError::Store(other),
    }
}

/// The message is filed once none of its documents waits.
fn close_message(store: &Store, message: Option<i64>) -> Result<(), StoreError> {
    let Some(message) = message else {
        return Ok(());
    };
    let waiting: usize = store.query_value(
        "SELECT count(*) FROM inbox_item WHERE message_id = ?1 AND status = 'pending'",
        crate::store::db::params![message],
    )?;
    if waiting == 0 {
        hl7_journal::set_status(store, message, JournalStatus::Filed)?;
    }
    Ok(())
}
