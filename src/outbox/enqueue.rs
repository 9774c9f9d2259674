//! Writing a job: the rules first (the episode's information and opposition, a qualified INS),
//! then the ids and the exact request, in the caller's transaction — the one that validates
//! the document. A document the patient opposed is recorded "not sent" with the reason; one
//! without a qualified INS is held with the reason and built when it is resumed.

use chrono::{DateTime, Utc};

use super::error::OutboxError;
use super::request::StoredFeed;
use super::settings::OutboxSettings;
use super::{author, pfi_message};
use crate::cda::CdaDocument;
use crate::dmp::client::{Caller, DmpClient};
use crate::dmp::xds::{DmpDocumentEntry, FeedParams};
use crate::domain::outbox::{OutboxAction, OutboxItemId, OutboxRoute, OutboxState};
use crate::domain::{
    DocumentId, Episode, IdentityStatus, Patient, ProfessionalInfo, Visibility, consent,
};
use crate::store::Store;
use crate::store::outbox::{self, NewItem};

/// The reason kept on a job the patient's opposition stopped.
pub const REASON_OPPOSED: &str =
    "Non envoyé : le patient s'est opposé à l'alimentation de son DMP pour ce séjour.";
/// The reason kept on a job held for want of a qualified INS.
pub const REASON_INS: &str = "En attente : l'identité du patient n'est pas qualifiée (INS). \
     Qualifiez l'identité puis reprenez l'envoi.";

/// The version a replacement or deletion targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Its document uniqueId (the CDA `id`).
    pub unique_id: String,
    /// The job that sent it, when Chevet did: this one waits for it.
    pub sent_by: Option<OutboxItemId>,
}

/// A document to queue.
pub struct Production<'a> {
    pub document: DocumentId,
    pub patient: &'a Patient,
    /// The care episode the document belongs to (its consent record rules).
    pub episode: Option<&'a Episode>,
    /// PV1-19 when the GAM gave one.
    pub visit_number: Option<&'a str>,
    pub cda: &'a [u8],
    pub parsed: &'a CdaDocument,
    pub author: &'a ProfessionalInfo,
    pub visibility: Visibility,
    pub action: OutboxAction,
    pub target: Option<Target>,
    pub batch: Option<&'a str>,
    pub created_by: &'a str,
    /// When it may leave (validation time + the delay, or now for the history).
    pub due_at: DateTime<Utc>,
}

/// What the rules allow for this patient and episode: `Ok(())`, or the state and reason.
fn rules(
    store: &Store,
    p: &Production<'_>,
) -> Result<Option<(OutboxState, &'static str)>, OutboxError> {
    let record = match p.episode {
        Some(e) => crate::store::consent::current(store, e.id)?,
        None => None,
    };
    if !consent::feeding(record.as_ref()).is_allowed() {
        return Ok(Some((OutboxState::NotSent, REASON_OPPOSED)));
    }
    let qualified =
        p.patient.identity.status == IdentityStatus::Qualifiee && p.patient.identity.ins.is_some();
    if !qualified && p.action != OutboxAction::Delete {
        return Ok(Some((OutboxState::Held, REASON_INS)));
    }
    Ok(None)
}

/// Queues `p` (in the caller's transaction). `dmp` signs the ITI-41 request on the DMP route;
/// a replacement or deletion on that route is built when it is first taken, once the
/// entryUUID of its target is known.
pub fn enqueue(
    store: &Store,
    settings: &OutboxSettings,
    dmp: Option<&DmpClient>,
    p: &Production<'_>,
) -> Result<OutboxItemId, OutboxError> {
    let stop = rules(store, p)?;
    let mut message_id = None;
    let mut submission = None;
    // A document Chevet cannot turn into a request is still recorded, failed for good with
    // the reason: the professional sees it on the document, nothing is lost.
    let mut unusable: Option<String> = None;
    let document_unique_id = match document_unique_id(p.parsed) {
        Ok(id) => id,
        Err(e) => {
            unusable = Some(e.to_string());
            p.parsed.header().id.to_uid()
        }
    };
    let request = match (stop, settings.route, &unusable) {
        (Some(_), _, _) | (None, _, Some(_)) => Vec::new(),
        (None, OutboxRoute::Dmp, None) if p.action == OutboxAction::Feed => {
            match dmp
                .ok_or(OutboxError::NotConfigured)
                .and_then(|c| build_feed(c, p.parsed, p.cda, p.author, p.visibility, None))
            {
                Ok(feed) => {
                    submission = Some(feed.submission_set_unique_id.clone());
                    feed.to_bytes()
                }
                Err(e) if e.is_retryable() => return Err(e),
                Err(e) => {
                    unusable = Some(e.to_string());
                    Vec::new()
                }
            }
        }
        (None, OutboxRoute::Dmp, None) => Vec::new(),
        (None, OutboxRoute::Pfi, None) => {
            let id = new_message_id();
            match pfi_request(settings, p, &id) {
                Ok(bytes) => {
                    message_id = Some(id);
                    bytes
                }
                Err(e) => {
                    unusable = Some(e.to_string());
                    Vec::new()
                }
            }
        }
    };
    let author = author::to_json(p.author);
    let unusable = unusable.map(|e| format!("Non envoyé : {e}"));
    let (state, reason) = match (stop, &unusable) {
        (Some((state, reason)), _) => (state, Some(reason)),
        (None, Some(reason)) => (OutboxState::Failed, Some(reason.as_str())),
        (None, None) => (OutboxState::Waiting, None),
    };
    let id = outbox::insert(
        store,
        &NewItem {
            document: p.document,
            patient: p.patient.id,
            action: p.action,
            route: settings.route,
            state,
            due_at: p.due_at,
            reason,
            document_unique_id: &document_unique_id,
            submission_unique_id: submission.as_deref(),
            message_id: message_id.as_deref(),
            target_unique_id: p.target.as_ref().map(|t| t.unique_id.as_str()),
            depends_on: p.target.as_ref().and_then(|t| t.sent_by),
            request: &request,
            author: &author,
            visibility: p.visibility,
            batch: p.batch,
            created_by: p.created_by,
        },
    )?;
    let share = if state == OutboxState::NotSent {
        "none"
    } else {
        "pending"
    };
    store.execute(
        "UPDATE document SET dmp_share = ?2 WHERE id = ?1",
        crate::store::db::params![p.document.0, share],
    )?;
    Ok(id)
}

/// The document's uniqueId for the DMP: its CDA `id`, which must be one OID (the DMP does not
/// take OID^extension; Chevet produces its documents so).
pub fn document_unique_id(doc: &CdaDocument) -> Result<String, OutboxError> {
    let id = &doc.header().id;
    pfi_message::document_id_for_dmp(&id.root, id.extension.as_deref())
        .map_err(|_| OutboxError::Document("id"))
}

/// Builds and signs the ITI-41 request of a feeding (or of a replacement of `replaces`).
pub fn build_feed(
    client: &DmpClient,
    parsed: &CdaDocument,
    cda: &[u8],
    professional: &ProfessionalInfo,
    visibility: Visibility,
    replaces: Option<String>,
) -> Result<StoredFeed, OutboxError> {
    let mut params = FeedParams::suggested(parsed);
    params.visibility = visibility;
    let entry = DmpDocumentEntry::from_cda(parsed, cda, &params)?;
    let caller = Caller::normal(professional.clone());
    let pnr = client.prepare_feed(&caller, entry, cda, replaces)?;
    Ok(StoredFeed::from_pnr(&pnr))
}

/// A fresh MSH-10: `CHV` + 16 random hex digits (19 characters: within HL7 2.5's 20 for ORU;
/// unique per message, never reused).
pub fn new_message_id() -> String {
    format!("CHV{:016X}", rand::random::<u64>())
}

fn pfi_request(
    settings: &OutboxSettings,
    p: &Production<'_>,
    message_id: &str,
) -> Result<Vec<u8>, OutboxError> {
    let event = match p.action {
        OutboxAction::Feed => pfi_message::PfiEvent::New,
        OutboxAction::Replace => pfi_message::PfiEvent::Replace,
        OutboxAction::Delete => pfi_message::PfiEvent::Delete,
    };
    let visit = pfi_message::PfiVisit::of(p.episode, p.visit_number);
    let flags = pfi_message::PfiFlags {
        masked_ps: p.visibility.masked_ps,
        invisible_patient: p.visibility.invisible_patient,
        invisible_legal_reps: p.visibility.invisible_legal_reps,
        to_dmp: true,
        ..pfi_message::PfiFlags::default()
    };
    let doc = pfi_message::PfiDocument {
        event,
        cda: p.cda,
        parsed: p.parsed,
        patient: &p.patient.identity,
        ipp: Some(p.patient.identity.ipp.as_str()),
        ipp_authority_oid: &settings.ipp_authority_oid,
        visit,
        author: p.author,
        flags,
        recipients: Vec::new(),
        mail_body: None,
        replaced_document_id: p.target.as_ref().map(|t| t.unique_id.clone()),
    };
    let now = chrono::Local::now().fixed_offset();
    Ok(pfi_message::build(&doc, &settings.pfi, message_id, now)?)
}
