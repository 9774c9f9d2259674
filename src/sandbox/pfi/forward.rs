//! The gateway's background work, one accepted message at a time in arrival order (a
//! replacement never overtakes the version it replaces): the DMP transaction in indirect mode
//! on behalf of the PRT `SB` author — T02 feeds (TD2.1), T10 finds the replaced entry by
//! uniqueId (TD3.1b) and feeds with RPLC (TD2.2), T04 finds it and deletes it (TD3.3c) — with
//! the visibility flags of the metadata OBX; then the ZAM to the sender's listener: `Z01` with
//! the DMP's answer, `Z02` per MSSanté recipient, `Z03` when a read receipt was asked (the
//! simulated mail is delivered and read at once; an address outside the MSSanté domains, or
//! whose local part starts with `inconnu`, is refused with SMTP 550). Nothing sent before the failure is retried
//! but a connection that could not be opened.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use tracing::Instrument as _;

use super::check::{Checked, Operation};
use super::faults::DmpFault;
use super::sink::Job;
use super::zam::{self, Parties, Zam, ZamKind};
use super::{DmpOutcome, PfiConfig, Shared};
use crate::dmp::client::{Caller, DmpClient};
use crate::dmp::error::{DmpError, Refusal};
use crate::dmp::xds::{
    AvailabilityStatus, DmpDocumentEntry, FeedParams, GetDocumentsBy, GetDocumentsQuery, ReturnType,
};

/// Runs until the queue closes (the listener stopped).
pub async fn run(
    mut queue: tokio::sync::mpsc::Receiver<Job>,
    shared: Arc<Shared>,
    config: PfiConfig,
) {
    async move {
        while let Some(job) = queue.recv().await {
            handle(job, &shared, &config).await;
        }
    }
    .instrument(tracing::info_span!("sandbox-pfi-forward"))
    .await;
}

async fn handle(job: Job, shared: &Shared, config: &PfiConfig) {
    let c = &job.checked;
    let mut zams = Vec::new();
    if c.flags.dest_dmp() {
        let result = match job.dmp_fault {
            Some(DmpFault::Closed) => Err(("DMPClosed".to_owned(), "DMP fermé".to_owned())),
            None => to_dmp(c, config).await.map_err(|e| code_of(&e)),
        };
        match &result {
            Ok(()) => {
                tracing::info!(event = %c.event, "sandbox PFI: document forwarded to the DMP");
            }
            Err((code, _)) => {
                tracing::info!(event = %c.event, %code, "sandbox PFI: the DMP refused the document");
            }
        }
        shared.update(&job.control_id, |r| {
            r.dmp = match &result {
                Ok(()) => DmpOutcome::Done,
                Err((code, _)) => DmpOutcome::Refused { code: code.clone() },
            }
        });
        zams.push(Zam {
            kind: ZamKind::Z01,
            about: job.control_id.clone(),
            ok: result.is_ok(),
            recipient: None,
            error: result.err(),
        });
    }
    let mss = c.flags.mss() || c.flags.ack_reception();
    for (wanted, kind) in [(mss, ZamKind::Z02), (c.flags.ack_reading(), ZamKind::Z03)] {
        if !wanted {
            continue;
        }
        for r in &c.recipients {
            let refusal = refusal_of(&r.address);
            if kind == ZamKind::Z03 && refusal.is_some() {
                // Never delivered: never read.
                continue;
            }
            zams.push(Zam {
                kind,
                about: job.control_id.clone(),
                ok: refusal.is_none(),
                recipient: Some(r.clone()),
                error: refusal,
            });
        }
    }
    let Some(addr) = config.ack_to else {
        return;
    };
    let parties = Parties {
        gateway: c.gateway.clone(),
        sender: c.sender.clone(),
    };
    for zam in zams {
        let control_id = zam::next_control_id();
        let timestamp = chrono::Utc::now().format("%Y%m%d%H%M%S").to_string();
        let text = zam::write(&zam, &parties, &control_id, &timestamp);
        match zam::send(addr, &text, &control_id, config.zam).await {
            Ok(code) => {
                let summary = match (&zam.ok, &zam.error) {
                    (true, _) => format!("{} Y", zam.kind.trigger()),
                    (false, Some((e, _))) => format!("{} N {e}", zam.kind.trigger()),
                    (false, None) => format!("{} N", zam.kind.trigger()),
                };
                tracing::debug!(kind = zam.kind.trigger(), %code, "sandbox PFI: business ACK sent");
                shared.update(&job.control_id, |r| r.zams.push(summary));
            }
            Err(e) => tracing::warn!(
                kind = zam.kind.trigger(),
                retryable = e.is_retryable(),
                "sandbox PFI: business ACK not delivered: {e}"
            ),
        }
    }
}

/// The simulated mail servers' answer to an address: refused (SMTP 550, unknown mailbox)
/// outside the MSSanté domains or when its local part starts with `inconnu`; delivered else.
fn refusal_of(address: &str) -> Option<(String, String)> {
    let address = address.trim().to_ascii_lowercase();
    let unknown = match address.split_once('@') {
        Some((local, domain)) => local.starts_with("inconnu") || !domain.ends_with("mssante.fr"),
        None => true,
    };
    unknown.then(|| ("550".to_owned(), "Boîte aux lettres inconnue".to_owned()))
}

/// The DMP transaction of the message.
async fn to_dmp(c: &Checked, config: &PfiConfig) -> Result<(), DmpError> {
    let client = &config.dmp;
    let caller = Caller::normal(c.author.clone());
    let attempts = config.dmp_attempts.max(1);
    match c.operation {
        Operation::Feed => {
            let entry = entry(c)?;
            retry(attempts, || {
                client.feed(&caller, &c.ins, entry.clone(), &c.cda, None)
            })
            .await?;
        }
        Operation::Replace => {
            let replaced = c.replaced.as_deref().unwrap_or_default();
            let previous = current(client, &caller, c, replaced, attempts).await?;
            let entry = entry(c)?;
            let target = Some(previous.entry_uuid);
            retry(attempts, || {
                client.feed(&caller, &c.ins, entry.clone(), &c.cda, target.clone())
            })
            .await?;
        }
        Operation::Delete => {
            let entry = current(client, &caller, c, &c.unique_id, attempts).await?;
            retry(attempts, || {
                client.set_status(&caller, &c.ins, &entry, AvailabilityStatus::Deleted)
            })
            .await?;
        }
    }
    Ok(())
}

/// The entry of the CDA, with the visibility flags of the message.
fn entry(c: &Checked) -> Result<DmpDocumentEntry, DmpError> {
    let mut params = FeedParams::suggested(&c.document);
    params.visibility = c.flags.visibility();
    DmpDocumentEntry::from_cda(&c.document, &c.cda, &params)
}

/// The current (not deprecated) entry of a document known by its uniqueId (TD3.1b).
async fn current(
    client: &DmpClient,
    caller: &Caller,
    c: &Checked,
    unique_id: &str,
    attempts: u32,
) -> Result<DmpDocumentEntry, DmpError> {
    let query = GetDocumentsQuery {
        by: GetDocumentsBy::UniqueIds(vec![unique_id.to_owned()]),
        return_type: ReturnType::LeafClass,
    };
    let response = retry(attempts, || client.get_documents(caller, &c.ins, &query)).await?;
    response
        .entries
        .into_iter()
        .rev()
        .find(|e| e.status != AvailabilityStatus::Deprecated)
        .ok_or(DmpError::refused(Refusal::DocumentNotFound))
}

/// Runs `call` again after a short pause while the DMP could not be reached at all.
async fn retry<T, F, Fut>(attempts: u32, mut call: F) -> Result<T, DmpError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, DmpError>>,
{
    let mut pause = Duration::from_millis(200);
    let mut attempt = 1;
    loop {
        match call().await {
            Err(DmpError::Connect) if attempt < attempts => {
                tokio::time::sleep(pause).await;
                pause = pause.saturating_mul(2);
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// The DMP's code and a French label for ERR-5 of a `Z01` N (fixed wording, never the DMP's
/// own text).
fn code_of(e: &DmpError) -> (String, String) {
    let owned = |code: &str, label: &str| (code.to_owned(), label.to_owned());
    match e {
        DmpError::Refused {
            kind: Refusal::DmpClosed,
            ..
        } => owned("DMPClosed", "DMP fermé"),
        DmpError::Refused { kind, code } => (
            code.as_ref()
                .map_or_else(|| format!("{kind:?}"), |c| c.local().to_owned()),
            kind.to_string(),
        ),
        DmpError::Registry { errors } => (
            errors.first().map_or_else(
                || "XDSRegistryError".to_owned(),
                |e| e.error_code.local().to_owned(),
            ),
            "document refusé par le registre du DMP".to_owned(),
        ),
        DmpError::Request { .. } | DmpError::Malformed { .. } => {
            owned("DMPRequestError", "métadonnées du document incomplètes")
        }
        _ => owned("DMPUnavailable", "DMP injoignable"),
    }
}
