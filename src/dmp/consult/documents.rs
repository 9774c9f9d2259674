//! One document of the DMP: retrieve it (TD3.2, checked against its metadata size and SHA-1),
//! make it visible to the patient and/or the legal representatives after the consultation
//! d'annonce (TD3.3b, then TD3.1b for the new metadata version), and tell whether a local copy
//! is still current, has a newer version, or was deleted ([`VersionCheck`]).
//!
//! Finding the newer version: the DMP's metadata carry neither the CDA `setId` nor the RPLC
//! link, so when the copy's entry is Deprecated the current documents of the same type created
//! since are candidates, and the first (newest first, at most [`MAX_CANDIDATES`]) whose CDA has
//! the same `setId` is the newer version. Each candidate read is a TD3.2, traced.

use super::search::DmpDocumentRow;
use super::{AccessMode, ConsultPatient, DmpConsult, Outcome, Session, TransactionCode};
use crate::dmp::error::{DmpError, Refusal};
use crate::dmp::xds::{
    AvailabilityStatus, Cx, DmpDocumentEntry, FindDocumentsQuery, GetDocumentsBy,
    GetDocumentsQuery, ReturnType, TimeRange,
};
use crate::domain::{ProfessionalInfo, Visibility};

/// How many candidate documents [`DmpConsult::newer_or_deleted`] reads at most.
pub const MAX_CANDIDATES: usize = 5;

/// A document read from the DMP.
#[derive(Clone, PartialEq, Eq)]
pub struct RetrievedDocument {
    /// The CDA, as stored.
    pub bytes: Vec<u8>,
    /// The entry's mimeType (`text/xml` for CDA).
    pub mime_type: String,
    pub row: DmpDocumentRow,
}

impl std::fmt::Debug for RetrievedDocument {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetrievedDocument")
            .field("bytes", &self.bytes.len())
            .field("mime_type", &self.mime_type)
            .field("row", &self.row)
            .finish()
    }
}

/// A local document that came from, or went to, the DMP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalDocumentRef {
    /// The CDA `id` as `root` or `root^extension` (the DMP's uniqueId).
    pub unique_id: String,
    /// The CDA `setId`, same form; read from the DMP's copy when `None`.
    pub set_id: Option<String>,
    /// The CDA `versionNumber` of the local copy.
    pub version_number: Option<u32>,
}

/// What the DMP says about a local document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionCheck {
    /// Still the current version (Approved or Archived); its current metadata.
    Current(Box<DmpDocumentRow>),
    /// Replaced: the newer version.
    Newer(Box<DmpDocumentRow>),
    /// Replaced (Deprecated), but no newer version could be found or read.
    Superseded,
    /// Deleted from the DMP.
    Deleted,
    /// Unknown to the DMP, or not visible to this professional.
    Unknown,
}

fn check_integrity(bytes: &[u8], entry: &DmpDocumentEntry) -> Result<(), DmpError> {
    if entry.size.is_some_and(|size| size != bytes.len() as u64) {
        return Err(DmpError::malformed(
            "a document of the size its metadata give",
        ));
    }
    if let Some(hash) = entry.hash.as_deref().filter(|h| !h.is_empty())
        && !crate::dmp::xds::sha1::hex_digest(bytes).eq_ignore_ascii_case(hash.trim())
    {
        return Err(DmpError::malformed("a document matching its metadata hash"));
    }
    Ok(())
}

impl Session<'_> {
    /// TD3.2 of the document of `entry`, checked against its size and hash.
    async fn read(&mut self, entry: &DmpDocumentEntry) -> Result<Vec<u8>, DmpError> {
        let (client, ins) = (self.client, &self.patient.ins);
        let caller = self.caller();
        self.run(
            TransactionCode::Td32,
            self.mode.purpose(),
            vec![entry.unique_id.clone()],
            |_| Vec::new(),
            async move {
                let repository = entry
                    .repository_unique_id
                    .as_deref()
                    .filter(|r| !r.is_empty())
                    .ok_or(DmpError::malformed("the entry's repositoryUniqueId"))?;
                let bytes = client
                    .retrieve(&caller, ins, repository, &entry.unique_id)
                    .await?;
                check_integrity(&bytes, entry)?;
                Ok(bytes)
            },
        )
        .await
    }

    /// TD3.1b: the current metadata version of the document `unique_id`, if the DMP shows it.
    async fn current_entry(
        &mut self,
        unique_id: &str,
    ) -> Result<Option<DmpDocumentEntry>, DmpError> {
        let (client, ins) = (self.client, &self.patient.ins);
        let caller = self.caller();
        let query = GetDocumentsQuery {
            by: GetDocumentsBy::UniqueIds(vec![unique_id.to_owned()]),
            return_type: ReturnType::LeafClass,
        };
        let response = self
            .run(
                TransactionCode::Td31b,
                self.mode.purpose(),
                vec![unique_id.to_owned()],
                |_| Vec::new(),
                async move { client.get_documents(&caller, ins, &query).await },
            )
            .await?;
        // A registry may list several metadata versions: the current one wins (the last one
        // listed among equals).
        let rank = |e: &DmpDocumentEntry| match e.status {
            AvailabilityStatus::Approved | AvailabilityStatus::Archived => 3,
            AvailabilityStatus::Deleted => 2,
            AvailabilityStatus::Deprecated => 1,
            AvailabilityStatus::Other(_) => 0,
        };
        Ok(response
            .entries
            .into_iter()
            .filter(|e| e.unique_id == unique_id)
            .max_by_key(rank))
    }

    async fn version_check(&mut self, local: &LocalDocumentRef) -> Result<VersionCheck, DmpError> {
        let Some(entry) = self.current_entry(&local.unique_id).await? else {
            return Ok(VersionCheck::Unknown);
        };
        match entry.status {
            AvailabilityStatus::Approved | AvailabilityStatus::Archived => {
                return Ok(VersionCheck::Current(Box::new(DmpDocumentRow::from_entry(
                    entry,
                ))));
            }
            AvailabilityStatus::Deleted => return Ok(VersionCheck::Deleted),
            AvailabilityStatus::Deprecated => {}
            AvailabilityStatus::Other(_) => return Ok(VersionCheck::Unknown),
        }
        let set_id = match &local.set_id {
            Some(s) => s.trim().to_owned(),
            None => {
                let bytes = self.read(&entry).await?;
                match set_id_of(&bytes) {
                    Some(s) => s,
                    None => return Ok(VersionCheck::Superseded),
                }
            }
        };
        let mut query = FindDocumentsQuery::new(Cx::from_ins(&self.patient.ins));
        query.statuses = vec![AvailabilityStatus::Approved, AvailabilityStatus::Archived];
        query.type_codes = entry.type_code.iter().cloned().collect();
        query.creation_time = TimeRange {
            from: entry.creation_time_utc(),
            to: None,
        };
        let mut candidates: Vec<DmpDocumentEntry> = self
            .find(query)
            .await?
            .into_iter()
            .filter(|c| c.unique_id != local.unique_id)
            .collect();
        candidates.sort_by_key(|c| std::cmp::Reverse(c.creation_time_utc()));
        for candidate in candidates.into_iter().take(MAX_CANDIDATES) {
            let bytes = self.read(&candidate).await?;
            let Ok(doc) = crate::cda::parse(&bytes) else {
                continue;
            };
            let header = doc.header();
            let same_set = header.set_id.as_ref().is_some_and(|s| s.to_uid() == set_id);
            let later = match (local.version_number, header.version_number) {
                (Some(ours), Some(theirs)) => theirs > ours,
                _ => true,
            };
            if same_set && later {
                return Ok(VersionCheck::Newer(Box::new(DmpDocumentRow::from_entry(
                    candidate,
                ))));
            }
        }
        Ok(VersionCheck::Superseded)
    }
}

fn set_id_of(bytes: &[u8]) -> Option<String> {
    let doc = crate::cda::parse(bytes).ok()?;
    doc.header()
        .set_id
        .as_ref()
        .map(crate::cda::InstanceId::to_uid)
}

impl DmpConsult {
    /// The CDA of `row` (TD3.2), checked against the size and SHA-1 of its metadata.
    pub async fn retrieve(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
        mode: &AccessMode,
        row: &DmpDocumentRow,
    ) -> Outcome<RetrievedDocument> {
        let mut session = self.session(professional, patient, mode);
        let result = session
            .read(row.entry())
            .await
            .map(|bytes| RetrievedDocument {
                bytes,
                mime_type: row.mime_type.clone(),
                row: row.clone(),
            });
        session.finish(result)
    }

    /// Makes `row` visible to the patient (`to_patient`) and/or to the legal representatives
    /// (`to_legal_representatives`) — TD3.3b, a new metadata version of the entry; masking to
    /// professionals is kept as it is — then reads the new version (TD3.1b). Nothing is sent
    /// when the document is already visible to those asked. If the new version cannot be read
    /// back, the error is `DocumentNotFound` although the update was done (its trace says so).
    pub async fn make_visible(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
        mode: &AccessMode,
        row: &DmpDocumentRow,
        to_patient: bool,
        to_legal_representatives: bool,
    ) -> Outcome<DmpDocumentRow> {
        let mut session = self.session(professional, patient, mode);
        let visibility = Visibility {
            invisible_patient: row.invisible_to_patient && !to_patient,
            invisible_legal_reps: row.invisible_to_legal_representatives
                && !to_legal_representatives,
            masked_ps: row.masked_to_professionals,
        };
        if visibility == row.entry().visibility() {
            return session.finish(Ok(row.clone()));
        }
        let (client, ins) = (session.client, &patient.ins);
        let caller = session.caller();
        let entry = row.entry();
        let updated = session
            .run(
                TransactionCode::Td33b,
                mode.purpose(),
                vec![row.unique_id.clone()],
                |_| Vec::new(),
                async move { client.set_visibility(&caller, ins, entry, visibility).await },
            )
            .await;
        let result = match updated {
            Ok(()) => session
                .current_entry(&row.unique_id)
                .await
                .and_then(|e| e.ok_or(DmpError::refused(Refusal::DocumentNotFound)))
                .map(DmpDocumentRow::from_entry),
            Err(e) => Err(e),
        };
        session.finish(result)
    }

    /// Whether the local document `local` is still the DMP's current version, was replaced
    /// (and by which document) or deleted: TD3.1b, and for a replaced one TD3.1 and TD3.2 as
    /// the module documentation explains.
    pub async fn newer_or_deleted(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
        mode: &AccessMode,
        local: &LocalDocumentRef,
    ) -> Outcome<VersionCheck> {
        let mut session = self.session(professional, patient, mode);
        let result = session.version_check(local).await;
        session.finish(result)
    }
}
