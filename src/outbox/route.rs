//! One attempt of one job, by its route, and what its outcome means: delivered, to retry
//! (ambiguous or not), or failed for good with a reason in plain French. The DMP route sends
//! the stored ITI-41 request (signed once; a fresh VIHF each time), builds a replacement's
//! request once its target's entryUUID is known, deletes through ITI-57, and asks the DMP
//! (TD3.1b) before resending after an ambiguous attempt. The gateway route sends the stored
//! HL7 v2 message over MLLP and checks the ACK against its own MSH-10.

use std::net::SocketAddr;
use std::time::Duration;

use super::author;
use super::enqueue::build_feed;
use super::request::StoredFeed;
use crate::dmp::client::{Caller, DmpClient};
use crate::dmp::error::DmpError;
use crate::dmp::xds::{
    AvailabilityStatus, DmpDocumentEntry, GetDocumentsBy, GetDocumentsQuery, ReturnType,
};
use crate::domain::outbox::OutboxAction;
use crate::domain::{Ins, ProfessionalInfo};
use crate::hl7::client::{self as mllp_client, AckReply, ClientTimeouts};
use crate::store::outbox::Taken;
use crate::store::{Store, StoreError};

pub const REASON_NO_DMP: &str = "L'accès direct au DMP n'est pas configuré pour cet envoi.";
pub const REASON_NO_PFI: &str = "L'adresse de la passerelle (PFI) n'est pas configurée.";
const REASON_AUTHOR: &str = "Auteur du document illisible dans la file d'envoi.";
const REASON_NO_INS: &str = "Le patient n'a plus d'INS qualifié : envoi impossible.";

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The DMP registered it (acknowledged), or the gateway accepted it (AA).
    Delivered { acknowledged: bool },
    /// Try again later; `ambiguous` when it may have gone through.
    Retry { reason: String, ambiguous: bool },
    /// Will not succeed as it is.
    Final(String),
}

impl Attempt {
    pub fn retry_clear(reason: String) -> Self {
        Self::Retry {
            reason,
            ambiguous: false,
        }
    }
}

/// Runs `f` on the lane's connection on a blocking thread (the connection moves there and
/// back).
pub async fn with_store<T, F>(store: &mut Option<Store>, f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce(&mut Store) -> Result<T, StoreError> + Send + 'static,
{
    let Some(mut s) = store.take() else {
        return Err(StoreError::Corrupt(
            "outbox lane without a connection".into(),
        ));
    };
    let (s, result) = tokio::task::spawn_blocking(move || {
        let r = f(&mut s);
        (s, r)
    })
    .await
    .map_err(|_| StoreError::Corrupt("outbox lane".into()))?;
    *store = Some(s);
    result
}

/// What an attempt needs from the record.
pub struct Loaded {
    pub ins: Option<Ins>,
    pub cda: Vec<u8>,
    pub professional: Option<ProfessionalInfo>,
}

pub async fn load(store: &mut Option<Store>, item: &Taken) -> Result<Loaded, StoreError> {
    let (patient, document) = (item.patient, item.document);
    let professional = author::from_json(&item.author);
    let (ins, cda) = with_store(store, move |s| {
        let p = crate::store::patients::get(s, patient)?;
        let qualified = p.identity.status == crate::domain::IdentityStatus::Qualifiee;
        let cda = crate::store::documents::raw(s, document)?;
        Ok((p.identity.ins.filter(|_| qualified), cda))
    })
    .await?;
    Ok(Loaded {
        ins,
        cda,
        professional,
    })
}

/// Whether a failed exchange may have reached the DMP.
fn ambiguous(e: &DmpError) -> bool {
    match e {
        DmpError::Timeout { .. } | DmpError::ConnectionReset => true,
        DmpError::HttpStatus { status } => (500..600).contains(status),
        DmpError::SoapFault(_) => e.is_retryable(),
        _ => false,
    }
}

fn failed(e: &DmpError) -> Attempt {
    if e.is_retryable() {
        Attempt::Retry {
            reason: e.to_string(),
            ambiguous: ambiguous(e),
        }
    } else {
        Attempt::Final(format!("Refusé par le DMP : {e}"))
    }
}

fn duplicate_submission(e: &DmpError) -> bool {
    matches!(e, DmpError::Registry { errors }
        if errors.iter().any(|x| x.error_code.as_str() == "XDSDuplicateUniqueIdInRegistry"))
}

/// TD3.1b: the approved entry with this uniqueId, when the DMP has one.
async fn find(
    client: &DmpClient,
    caller: &Caller,
    ins: &Ins,
    unique_id: &str,
) -> Result<Option<DmpDocumentEntry>, DmpError> {
    let query = GetDocumentsQuery {
        by: GetDocumentsBy::UniqueIds(vec![unique_id.to_owned()]),
        return_type: ReturnType::LeafClass,
    };
    let found = client.get_documents(caller, ins, &query).await?;
    Ok(found
        .entries
        .into_iter()
        .find(|e| e.unique_id == unique_id && e.status == AvailabilityStatus::Approved))
}

/// One attempt on the DMP route.
pub async fn dmp(
    client: &DmpClient,
    store: &mut Option<Store>,
    item: &Taken,
    loaded: Loaded,
) -> Attempt {
    let Some(professional) = loaded.professional else {
        return Attempt::Final(REASON_AUTHOR.to_owned());
    };
    let Some(ins) = loaded.ins else {
        return Attempt::Final(REASON_NO_INS.to_owned());
    };
    let caller = Caller::normal(professional.clone());
    if item.action == OutboxAction::Delete {
        let target = item.target_unique_id.clone().unwrap_or_default();
        return match find(client, &caller, &ins, &target).await {
            Ok(None) => Attempt::Delivered { acknowledged: true },
            Ok(Some(entry)) => match client
                .set_status(&caller, &ins, &entry, AvailabilityStatus::Deleted)
                .await
            {
                Ok(()) => Attempt::Delivered { acknowledged: true },
                Err(e) => failed(&e),
            },
            Err(e) => failed(&e),
        };
    }
    if item.verify {
        match find(client, &caller, &ins, &item.document_unique_id).await {
            Ok(Some(_)) => return Attempt::Delivered { acknowledged: true },
            Ok(None) => {}
            Err(e) => return failed(&e),
        }
    }
    let feed = match StoredFeed::from_bytes(&item.request) {
        Some(feed) => feed,
        None => match build_late(
            client,
            store,
            item,
            &caller,
            &ins,
            &loaded.cda,
            &professional,
        )
        .await
        {
            Ok(feed) => feed,
            Err(attempt) => return attempt,
        },
    };
    match client
        .send_feed(&caller, &ins, &feed.to_pnr(), &loaded.cda)
        .await
    {
        Ok(()) => Attempt::Delivered { acknowledged: true },
        Err(e) if duplicate_submission(&e) => {
            match find(client, &caller, &ins, &item.document_unique_id).await {
                Ok(Some(_)) => Attempt::Delivered { acknowledged: true },
                Ok(None) => Attempt::Final(format!("Refusé par le DMP : {e}")),
                Err(e) => failed(&e),
            }
        }
        Err(e) => failed(&e),
    }
}

/// A replacement (or a job held for its INS) gets its request at its first take, once what
/// it needs is known; it is stored before it is sent, and never built again.
async fn build_late(
    client: &DmpClient,
    store: &mut Option<Store>,
    item: &Taken,
    caller: &Caller,
    ins: &Ins,
    cda: &[u8],
    professional: &ProfessionalInfo,
) -> Result<StoredFeed, Attempt> {
    let mut replaces = None;
    if item.action == OutboxAction::Replace {
        let uuid = match &item.entry_uuid {
            Some(u) => u.clone(),
            None => {
                let target = item.target_unique_id.clone().unwrap_or_default();
                match find(client, caller, ins, &target).await {
                    Ok(Some(entry)) => entry.entry_uuid,
                    Ok(None) => {
                        return Err(Attempt::Final(
                            "La version à remplacer n'est pas (ou plus) dans le DMP.".to_owned(),
                        ));
                    }
                    Err(e) => return Err(failed(&e)),
                }
            }
        };
        replaces = Some(uuid);
    }
    let parsed = crate::cda::parse(cda)
        .map_err(|_| Attempt::Final("Le document n'a pas pu être relu pour l'envoi.".to_owned()))?;
    let feed = build_feed(
        client,
        &parsed,
        cda,
        professional,
        item.visibility,
        replaces.clone(),
    )
    .map_err(|e| Attempt::Final(e.to_string()))?;
    let (id, bytes, submission) = (
        item.id,
        feed.to_bytes(),
        feed.submission_set_unique_id.clone(),
    );
    with_store(store, move |s| {
        s.in_durable_transaction(|s| {
            s.execute(
                "UPDATE outbox_item SET request = ?2, submission_unique_id = ?3,
                    entry_uuid = COALESCE(?4, entry_uuid) WHERE id = ?1",
                crate::store::db::params![id.0, bytes, submission, replaces],
            )
        })
    })
    .await
    .map_err(|e| Attempt::retry_clear(e.to_string()))?;
    Ok(feed)
}

/// One attempt on the gateway route.
pub async fn pfi(addr: SocketAddr, answer_timeout: Duration, item: &Taken) -> Attempt {
    let Some(msh10) = item.message_id.as_deref() else {
        return Attempt::Final("Message pour la passerelle absent de la file.".to_owned());
    };
    let timeouts = ClientTimeouts {
        connect: Duration::from_secs(10).min(answer_timeout),
        write: answer_timeout,
        ack: answer_timeout,
    };
    let ack = match mllp_client::send(addr, &item.request, timeouts).await {
        Ok(ack) => ack,
        Err(e) => {
            return Attempt::Retry {
                reason: e.to_string(),
                ambiguous: e.is_retryable(),
            };
        }
    };
    match mllp_client::check_ack(&ack, msh10) {
        Ok(AckReply::Accepted) => Attempt::Delivered {
            acknowledged: false,
        },
        Ok(AckReply::Rejected) => Attempt::retry_clear(
            "La passerelle a refusé temporairement le document (AR).".to_owned(),
        ),
        Ok(AckReply::Error { codes }) => {
            let labels: Vec<String> = codes
                .iter()
                .map(|(err3, err5, label)| {
                    label
                        .clone()
                        .or_else(|| err5.clone())
                        .unwrap_or_else(|| err3.clone())
                })
                .collect();
            Attempt::Final(format!("Refusé par la passerelle : {}", labels.join(" ; ")))
        }
        Err(e) => Attempt::Retry {
            reason: e.to_string(),
            ambiguous: true,
        },
    }
}
