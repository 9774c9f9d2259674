//! What the sandbox DMP remembers: its patients (with or without a DMP, closed DMPs, the
//! professionals each patient authorized or blocked, oppositions to emergency access) and its
//! document entries, every version of each (an ITI-57 update or a replacement adds a version;
//! the bytes are shared between versions of the same document). Rules of access live here too,
//! so that the HL7v3 and the XDS sides of the simulator agree.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::{AvailabilityStatus, DmpDocumentEntry, VisibilityFlag};
use crate::domain::Ins;

/// Repository of the sandbox (the DMP test repository OID).
pub const REPOSITORY_UNIQUE_ID: &str = "1.2.250.1.213.4.1.1.1.2";

/// Where a patient's DMP stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DmpLife {
    /// The patient has no DMP.
    None,
    Open,
    /// Closed at the patient's request.
    Closed,
}

/// One professional's access to one DMP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Valid,
    Expired,
    /// Blocked by the patient (`INTERDIT`).
    Blocked,
}

/// A patient as the DMP knows them.
#[derive(Debug, Clone)]
pub struct PatientRecord {
    pub ins: Ins,
    pub family_name: String,
    pub given_name: String,
    /// `YYYYMMDD`.
    pub birth_date: String,
    /// `M`, `F` or `U`.
    pub sex: char,
    pub life: DmpLife,
    /// By idNat_PS.
    pub access: HashMap<String, Access>,
    /// When each authorization was last given (TD0.4 `LASTAUTORIZATION`).
    pub authorized_at: HashMap<String, DateTime<Utc>>,
    /// idNat_PS of the DMP treating physician.
    pub treating_physician: Option<String>,
    pub opposes_bris_de_glace: bool,
    pub opposes_centre_15: bool,
}

impl PatientRecord {
    pub fn key(&self) -> &str {
        self.ins.matricule.as_str()
    }
}

/// One version of one document entry.
#[derive(Clone)]
pub struct StoredEntry {
    pub entry: DmpDocumentEntry,
    pub bytes: Arc<Vec<u8>>,
    /// INS matricule of the patient.
    pub patient: String,
    /// idNat_PS of the author (who may delete it and still sees it when masked).
    pub author_id: String,
    pub submitted_at: DateTime<Utc>,
}

/// Why an access is refused, as the DMP codes it on the wire (see `docs/decisions.md`: the
/// DMP's error catalogue is not public; these codes are ours, chosen to carry the words the
/// client recognises).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    NoDmp,
    Closed,
    NotAuthorized,
    Expired,
    Blocked,
    OppositionBrisDeGlace,
    OppositionCentre15,
}

impl Denial {
    pub fn code(self) -> &'static str {
        match self {
            Self::NoDmp => "DMPNotFound",
            Self::Closed => "DMPClosed",
            Self::NotAuthorized => "DMPAuthorizationMissing",
            Self::Expired => "DMPAuthorizationExpire",
            Self::Blocked => "DMPAccessInterdit",
            Self::OppositionBrisDeGlace => "DMPOppositionBrisDeGlace",
            Self::OppositionCentre15 => "DMPOppositionCentre15",
        }
    }

    pub fn text(self) -> &'static str {
        match self {
            Self::NoDmp => "Le patient n'a pas de DMP.",
            Self::Closed => "Le DMP du patient est fermé.",
            Self::NotAuthorized => "Le professionnel n'est pas autorisé sur ce DMP.",
            Self::Expired => "L'autorisation du professionnel sur ce DMP a expiré.",
            Self::Blocked => "Le patient a interdit l'accès de ce professionnel à son DMP.",
            Self::OppositionBrisDeGlace => "Le patient s'est opposé à l'accès en bris de glace.",
            Self::OppositionCentre15 => "Le patient s'est opposé à l'accès par le centre 15.",
        }
    }
}

/// The whole memory of the simulator.
#[derive(Default)]
pub struct DmpState {
    patients: HashMap<String, PatientRecord>,
    /// Every version of every entry, in submission order.
    pub entries: Vec<StoredEntry>,
    /// uniqueIds already registered (a document uniqueId is never reused).
    pub unique_ids: HashSet<String>,
}

impl DmpState {
    pub fn add_patient(&mut self, patient: PatientRecord) {
        self.patients.insert(patient.key().to_owned(), patient);
    }

    pub fn patient(&self, matricule: &str) -> Option<&PatientRecord> {
        self.patients.get(matricule)
    }

    pub fn patient_mut(&mut self, matricule: &str) -> Option<&mut PatientRecord> {
        self.patients.get_mut(matricule)
    }

    pub fn patients(&self) -> impl Iterator<Item = &PatientRecord> {
        self.patients.values()
    }

    /// May `professional` read or write this patient's documents for `purpose`?
    pub fn check_access(
        &self,
        matricule: &str,
        professional: &str,
        purpose: PurposeOfUse,
    ) -> Result<&PatientRecord, Denial> {
        let patient = self.patients.get(matricule).ok_or(Denial::NoDmp)?;
        match patient.life {
            DmpLife::None => return Err(Denial::NoDmp),
            DmpLife::Closed => return Err(Denial::Closed),
            DmpLife::Open => {}
        }
        let access = patient.access.get(professional).copied();
        if access == Some(Access::Blocked) {
            return Err(Denial::Blocked);
        }
        match purpose {
            PurposeOfUse::BrisDeGlace if patient.opposes_bris_de_glace => {
                Err(Denial::OppositionBrisDeGlace)
            }
            PurposeOfUse::Centre15 if patient.opposes_centre_15 => Err(Denial::OppositionCentre15),
            PurposeOfUse::BrisDeGlace | PurposeOfUse::Centre15 => Ok(patient),
            _ => match access {
                Some(Access::Valid) => Ok(patient),
                Some(Access::Expired) => Err(Denial::Expired),
                _ => Err(Denial::NotAuthorized),
            },
        }
    }

    /// Feeding needs an open DMP and a professional the patient did not block; no
    /// authorization (the feeding profile).
    pub fn check_feed(&self, matricule: &str, professional: &str) -> Result<(), Denial> {
        let patient = self.patients.get(matricule).ok_or(Denial::NoDmp)?;
        match patient.life {
            DmpLife::None => Err(Denial::NoDmp),
            DmpLife::Closed => Err(Denial::Closed),
            DmpLife::Open if patient.access.get(professional) == Some(&Access::Blocked) => {
                Err(Denial::Blocked)
            }
            DmpLife::Open => Ok(()),
        }
    }

    /// The current version (not deprecated by a metadata update) of the entry with this
    /// entryUUID, logicalId or uniqueId.
    pub fn find_entry(&self, id: &str) -> Option<usize> {
        self.entries.iter().rposition(|s| {
            s.entry.entry_uuid == id
                || s.entry.logical_id.as_deref() == Some(id)
                || s.entry.unique_id == id
        })
    }

    /// Whether `professional` sees this entry: entries masked to professionals stay visible to
    /// their author and to the DMP treating physician.
    pub fn visible_to(&self, stored: &StoredEntry, professional: &str) -> bool {
        let masked = stored
            .entry
            .confidentiality_codes
            .iter()
            .any(|c| c.code == VisibilityFlag::MasquePs.code());
        if !masked || stored.author_id == professional {
            return true;
        }
        self.patients
            .get(&stored.patient)
            .and_then(|p| p.treating_physician.as_deref())
            == Some(professional)
    }

    /// Adds a new version of the entry at `index` (ITI-57): a new entryUUID, the same
    /// logicalId, versionName + 1; the previous version becomes Deprecated.
    pub fn add_version(&mut self, index: usize, mut entry: DmpDocumentEntry, new_uuid: String) {
        let previous = &mut self.entries[index];
        let version = previous
            .entry
            .version_name
            .as_deref()
            .and_then(|v| v.parse::<u32>().ok())
            .unwrap_or(1);
        entry.logical_id = previous
            .entry
            .logical_id
            .clone()
            .or_else(|| Some(previous.entry.entry_uuid.clone()));
        entry.version_name = Some((version + 1).to_string());
        entry.entry_uuid = new_uuid;
        let stored = StoredEntry {
            entry,
            bytes: previous.bytes.clone(),
            patient: previous.patient.clone(),
            author_id: previous.author_id.clone(),
            submitted_at: Utc::now(),
        };
        previous.entry.status = AvailabilityStatus::Deprecated;
        self.entries.push(stored);
    }

    /// Registers a newly fed document.
    pub fn add_document(&mut self, stored: StoredEntry) {
        self.unique_ids.insert(stored.entry.unique_id.clone());
        self.entries.push(stored);
    }
}
