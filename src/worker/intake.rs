//! What the hospital sends, on the workstation's side: the MLLP listener run by the workers in
//! single-workstation mode (`[hl7] listen`, and always on loopback in the sandbox) with the
//! store's journal and intake as its sink; the inbox of documents to reconcile, the received
//! documents, the identity-vigilance list, the XDM import, and the sandbox's simulated GAM
//! and PFI, which send real MLLP frames to that listener. Policy stays in `crate::intake`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::context::{Context, WorkerError};
use super::{Event, FolderChanges};
use crate::domain::{DocumentId, PatientId};
use crate::hl7::listener;
use crate::intake::JournalSink;
use crate::store::identity_alerts::{self, AlertKind};
use crate::store::inbox::{self, SentIdentity};
use crate::store::received::{self, Action, Channel};
use crate::store::{Store, StoreError, patients};

/// Most rows of a list screen.
const LIST_LIMIT: usize = 500;

/// A document waiting for a person, as the inbox lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxRow {
    pub id: i64,
    pub channel: Channel,
    /// 900…906, or `import`.
    pub reason: String,
    pub title: String,
    pub identity: SentIdentity,
    pub sender: String,
    pub subject: Option<String>,
    pub action: Action,
    /// ISO 8601 UTC.
    pub received_at: String,
}

/// A received document, as the "documents reçus" list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedRow {
    pub document: DocumentId,
    pub patient: PatientId,
    /// Birth name and first names of the folder.
    pub patient_name: String,
    pub title: String,
    pub sender: String,
    pub subject: Option<String>,
    pub channel: Channel,
    pub action: Action,
    pub received_at: String,
    pub seen: bool,
    pub deleted: bool,
}

/// An identity-vigilance alert with the folders it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRow {
    pub id: i64,
    pub kind: AlertKind,
    pub patient: Option<(PatientId, String)>,
    pub other: Option<(PatientId, String)>,
    pub raised_at: String,
}

/// The counts the navigation shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IntakeCounts {
    pub inbox: usize,
    pub alerts: usize,
}

/// What the sandbox's simulated GAM and PFI can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HospitalScenario {
    /// The GAM admits a new patient, with the DMP information and opposition (ZFA).
    Admission,
    /// The PFI hands over an MSSanté document for a qualified patient of the folder list.
    MssDocument,
    /// The PFI hands over a document whose identity matches nobody exactly.
    UnmatchedDocument,
}

/// Starts the listener when configured (single-workstation mode: the establishment's runs in
/// `chevet serve`), on its own connection to the record file; every committed message
/// refreshes the counts and the folder it changed.
pub(super) fn start_listener(ctx: &Arc<Context>, store: Store) {
    let Some((addr, config)) = ctx.config.hl7_listen.clone() else {
        return;
    };
    let worker = Arc::clone(ctx);
    let sink = JournalSink::with_callback(store, move |outcome| {
        worker.emit_now(Event::RecordChanged {
            patient: outcome.patient,
            changes: FolderChanges::ALL,
        });
        let counter = Arc::clone(&worker);
        tokio::spawn(async move {
            if let Err(e) = emit_counts(&counter).await {
                tracing::debug!("intake counts not read: {}", e.message_id());
            }
        });
    });
    let worker = Arc::clone(ctx);
    tokio::spawn(async move {
        match listener::start(addr, config, Arc::new(sink)).await {
            Ok(handle) => {
                let local = handle.local_addr();
                tracing::info!(%local, "hl7 listener of the workstation started");
                worker.set_hl7_addr(local);
                // Runs until the workers stop (the runtime's shutdown drops it).
                let stopper = handle.stop_sender();
                while !worker.is_stopping() {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                let _ = stopper.send(true);
                handle.stopped().await;
            }
            Err(e) => tracing::error!(%addr, "hl7 listener not started: {e}"),
        }
    });
}

/// Sends the counts of the navigation.
pub(super) async fn emit_counts(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    let counts = ctx
        .with_store(|store| {
            Ok(IntakeCounts {
                inbox: inbox::pending_count(store)?,
                alerts: identity_alerts::open_count(store)?,
            })
        })
        .await?;
    ctx.emit(Event::IntakeCounts(counts)).await;
    Ok(())
}

fn name_of(store: &Store, id: PatientId) -> Result<String, StoreError> {
    let p = patients::get(store, id)?;
    Ok(format!(
        "{} {}",
        p.identity.traits.birth_name, p.identity.traits.birth_first_names
    ))
}

/// The inbox, oldest first.
pub(super) fn inbox_rows(store: &Store) -> Result<Vec<InboxRow>, StoreError> {
    Ok(inbox::pending(store, LIST_LIMIT)?
        .into_iter()
        .map(|item| InboxRow {
            id: item.id,
            channel: item.channel,
            reason: item.reason,
            title: item.title,
            identity: item.identity,
            sender: item.envelope.sender,
            subject: item.envelope.subject,
            action: item.action,
            received_at: item.received_at,
        })
        .collect())
}

/// The received documents of every folder, newest first.
pub(super) fn received_rows(store: &Store) -> Result<Vec<ReceivedRow>, StoreError> {
    received::list(store, None, LIST_LIMIT)?
        .into_iter()
        .map(|r| {
            Ok(ReceivedRow {
                patient_name: name_of(store, r.patient)?,
                document: r.document,
                patient: r.patient,
                title: r.title,
                sender: r.envelope.sender,
                subject: r.envelope.subject,
                channel: r.channel,
                action: r.action,
                received_at: r.received_at,
                seen: r.seen,
                deleted: r.deleted,
            })
        })
        .collect()
}

/// The open identity-vigilance alerts.
pub(super) fn alert_rows(store: &Store) -> Result<Vec<AlertRow>, StoreError> {
    identity_alerts::open(store, LIST_LIMIT)?
        .into_iter()
        .map(|a| {
            let named = |id: Option<PatientId>| -> Result<Option<(PatientId, String)>, StoreError> {
                id.map(|id| Ok((id, name_of(store, id)?))).transpose()
            };
            Ok(AlertRow {
                id: a.id,
                kind: a.kind,
                patient: named(a.patient)?,
                other: named(a.other)?,
                raised_at: a.raised_at,
            })
        })
        .collect()
}

/// Sends one message to `addr` over MLLP and returns the ACK's MSA-1 (the sandbox's GAM and
/// PFI, which are outside senders: they use the socket, not the store).
pub(super) async fn send_mllp(addr: SocketAddr, message: &[u8]) -> Result<String, WorkerError> {
    let failed = |_| WorkerError::NotConfigured("error-hl7-send");
    let timeouts = crate::hl7::client::ClientTimeouts {
        connect: Duration::from_secs(5),
        write: Duration::from_secs(30),
        ack: Duration::from_secs(30),
    };
    let ack = crate::hl7::client::send(addr, message, timeouts)
        .await
        .map_err(failed)?;
    let ack = crate::hl7::parse(&ack).map_err(|_| WorkerError::NotConfigured("error-hl7-send"))?;
    Ok(ack
        .segment("MSA")
        .map(|msa| msa.field(1).text().into_owned())
        .unwrap_or_default())
}

/// Reads an XDM archive and queues its documents (the archive's refusal comes back as
/// a text that says why in the user's terms).
pub(super) fn import_xdm(
    store: &mut Store,
    bytes: &[u8],
    by_login: &str,
) -> Result<Result<crate::intake::xdm_import::XdmReport, String>, StoreError> {
    let archive = match crate::xdm::read_archive(bytes, &crate::xdm::XdmLimits::DEFAULT) {
        Ok(archive) => archive,
        Err(e) => return Ok(Err(e.to_string())),
    };
    crate::intake::xdm_import::import(store, &archive, by_login).map(Ok)
}
