//! Consultation of the patient's DMP for the patient-folder screens (DSR HOP DPI vague 2,
//! §3.2.2 a, b, d): one async operation per need, each returning an [`Outcome`] — the typed
//! result and the [`DmpTrace`] of every transaction it ran, success or failure, so the caller
//! always writes its audit trail. No UI, no store: the caller keeps what it needs.
//!
//! - `status`: the badge shown beside the patient's identity (TD0.2, [`DmpBadge`]) and
//!   `authorize` (TD0.3 then TD0.2);
//! - `search`: the new documents authored outside the establishment, invisible ones included
//!   ([`NewDocumentsCount`]), and the multi-criteria search ([`SearchCriteria`]), both TD3.1,
//!   rows as [`DmpDocumentRow`];
//! - `documents`: retrieve (TD3.2), make visible to the patient / legal representatives
//!   (TD3.3b), and whether a local copy has a newer version or was deleted ([`VersionCheck`]);
//! - `portal`: the DMP professional web portal opened in the patient's context, by a
//!   single-use token asked over the DMP's channel, never the INS in the address
//!   ([`PortalClient`]);
//! - `trace`: [`DmpTrace`] and its CSV form for the DPO.
//!
//! Nothing here logs or puts in an error the patient's identity, INS or document content.

mod documents;
pub mod portal;
mod search;
mod status;
mod trace;

#[cfg(test)]
mod tests;

use std::fmt;
use std::future::Future;
use std::time::Instant;

use chrono::Utc;

pub use documents::{LocalDocumentRef, RetrievedDocument, VersionCheck};
pub use portal::PortalClient;
pub use search::{DmpDocumentRow, NewDocumentsCount, SearchCriteria, VisibilityFilter};
pub use status::{DmpFacts, StatusReport, badge_of_refusal};
pub use trace::{
    CSV_BOM, CSV_SEPARATOR, DmpTrace, TraceResult, TransactionCode, csv_document, csv_field, to_csv,
};

use super::client::{Caller, DmpClient};
use super::error::DmpError;
use super::vihf::PurposeOfUse;
use crate::domain::dmp::DmpBadge;
use crate::domain::{Ins, ProfessionalInfo};

/// How the professional accesses the DMP (the VIHF PurposeOfUse).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum AccessMode {
    /// With the professional's individual authorization.
    #[default]
    Normal,
    /// Emergency access without the patient's authorization; the reason is traced.
    BreakGlass { reason: String },
    /// Regulating physician of a centre 15 / SAMU.
    Centre15,
}

impl AccessMode {
    pub fn purpose(&self) -> PurposeOfUse {
        match self {
            Self::Normal => PurposeOfUse::Normal,
            Self::BreakGlass { .. } => PurposeOfUse::BrisDeGlace,
            Self::Centre15 => PurposeOfUse::Centre15,
        }
    }

    fn reason(&self) -> Option<String> {
        match self {
            Self::BreakGlass { reason } => Some(reason.clone()),
            Self::Normal | Self::Centre15 => None,
        }
    }
}

/// The patient a consultation is about: the INS the DMP knows them by, and the caller's opaque
/// reference that goes into the traces (a local patient id, never a name).
#[derive(Clone, PartialEq, Eq)]
pub struct ConsultPatient {
    pub ins: Ins,
    pub local_ref: String,
}

impl fmt::Debug for ConsultPatient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConsultPatient")
            .field("local_ref", &self.local_ref)
            .finish_non_exhaustive()
    }
}

/// The result of one operation and the traces of the transactions it ran (in order; empty
/// when it needed none).
#[derive(Debug)]
pub struct Outcome<T> {
    pub result: Result<T, DmpError>,
    pub traces: Vec<DmpTrace>,
}

impl<T> Outcome<T> {
    /// The badge the error of this outcome implies, if any (e.g. a search refused because the
    /// patient blocked this professional).
    pub fn badge_hint(&self) -> Option<DmpBadge> {
        self.result
            .as_ref()
            .err()
            .and_then(DmpError::refusal)
            .and_then(badge_of_refusal)
    }
}

/// The consultation service over one DMP client (the establishment's settings are the
/// client's: structure id and name for the VIHF).
#[derive(Clone)]
pub struct DmpConsult {
    client: DmpClient,
}

impl DmpConsult {
    pub fn new(client: DmpClient) -> Self {
        Self { client }
    }

    pub fn client(&self) -> &DmpClient {
        &self.client
    }

    /// Idnat_Struct of this establishment, as its VIHFs carry it.
    pub fn structure_id(&self) -> &str {
        &self.client.settings().structure_id
    }

    fn session<'a>(
        &'a self,
        professional: &'a ProfessionalInfo,
        patient: &'a ConsultPatient,
        mode: &'a AccessMode,
    ) -> Session<'a> {
        Session {
            client: &self.client,
            professional,
            patient,
            mode,
            traces: Vec::new(),
        }
    }
}

/// One operation in progress: who, about whom, how, and the traces so far.
struct Session<'a> {
    client: &'a DmpClient,
    professional: &'a ProfessionalInfo,
    patient: &'a ConsultPatient,
    mode: &'a AccessMode,
    traces: Vec<DmpTrace>,
}

impl Session<'_> {
    fn caller(&self) -> Caller {
        self.caller_with(self.mode.purpose())
    }

    fn caller_with(&self, purpose: PurposeOfUse) -> Caller {
        Caller {
            professional: self.professional.clone(),
            purpose,
        }
    }

    /// Runs one transaction and records its trace; `documents` names the documents involved
    /// from the result (and `known` those known before).
    async fn run<T, F>(
        &mut self,
        transaction: TransactionCode,
        purpose: PurposeOfUse,
        known: Vec<String>,
        documents: impl FnOnce(&T) -> Vec<String>,
        exchange: F,
    ) -> Result<T, DmpError>
    where
        F: Future<Output = Result<T, DmpError>>,
    {
        let at = Utc::now();
        let started = Instant::now();
        let result = exchange.await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let mut ids = known;
        if let Ok(value) = &result {
            for id in documents(value) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        self.traces.push(DmpTrace {
            at,
            professional_id: self.professional.national_id.clone(),
            structure_id: self.client.settings().structure_id.clone(),
            patient_ref: self.patient.local_ref.clone(),
            transaction,
            documents: ids,
            access_mode: purpose,
            break_glass_reason: match purpose {
                PurposeOfUse::BrisDeGlace => self.mode.reason(),
                PurposeOfUse::Normal | PurposeOfUse::Centre15 => None,
            },
            result: TraceResult::of(&result),
            duration_ms,
        });
        result
    }

    fn finish<T>(self, result: Result<T, DmpError>) -> Outcome<T> {
        Outcome {
            result,
            traces: self.traces,
        }
    }
}
