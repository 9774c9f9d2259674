//! The DMP DocumentEntry ([`DmpDocumentEntry`]): every XDS metadata field the DMP returns or
//! takes, its availability status (IHE Approved/Deprecated, DMP Archived/Deleted), its authors,
//! and its confidentiality codes — `N`/`R`/`V` plus the DMP visibility flags (TRE_A07:
//! MASQUE_PS, INVISIBLE_PATIENT, INVISIBLE_REPRESENTANTS_LEGAUX) read and set as a
//! [`Visibility`]. Reading and writing the ebRIM form live in `entry_read.rs`/`entry_write.rs`.

use std::fmt;

use chrono::{DateTime, Utc};

use super::consts::{OID_DMP_VISIBILITY, OID_HL7_CONFIDENTIALITY};
use super::hl7::{Code, Cx, Xcn, Xon, parse_dtm};
use crate::domain::Visibility;

/// Availability status of a DocumentEntry (JDV_J52).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum AvailabilityStatus {
    #[default]
    Approved,
    /// Replaced by a newer version (RPLC).
    Deprecated,
    /// DMP: archived (hidden from the default list).
    Archived,
    /// DMP: deleted (unpublished) by its author.
    Deleted,
    /// Any other URN, kept as read.
    Other(String),
}

impl AvailabilityStatus {
    pub const APPROVED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Approved";
    pub const DEPRECATED: &str = "urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated";
    pub const ARCHIVED: &str = "urn:asip:ci-sis:2010:StatusType:Archived";
    pub const DELETED: &str = "urn:asip:ci-sis:2010:StatusType:Deleted";

    pub fn urn(&self) -> &str {
        match self {
            Self::Approved => Self::APPROVED,
            Self::Deprecated => Self::DEPRECATED,
            Self::Archived => Self::ARCHIVED,
            Self::Deleted => Self::DELETED,
            Self::Other(urn) => urn,
        }
    }

    pub fn from_urn(urn: &str) -> Self {
        match urn.trim() {
            Self::APPROVED => Self::Approved,
            Self::DEPRECATED => Self::Deprecated,
            Self::ARCHIVED => Self::Archived,
            Self::DELETED => Self::Deleted,
            other => Self::Other(other.to_owned()),
        }
    }
}

/// A DMP visibility flag (TRE_A07, code system `1.2.250.1.213.1.1.4.13`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VisibilityFlag {
    MasquePs,
    InvisiblePatient,
    InvisibleRepresentantsLegaux,
}

impl VisibilityFlag {
    pub const ALL: [Self; 3] = [
        Self::MasquePs,
        Self::InvisiblePatient,
        Self::InvisibleRepresentantsLegaux,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::MasquePs => "MASQUE_PS",
            Self::InvisiblePatient => "INVISIBLE_PATIENT",
            Self::InvisibleRepresentantsLegaux => "INVISIBLE_REPRESENTANTS_LEGAUX",
        }
    }

    /// Display name of TRE_A07.
    pub fn label(self) -> &'static str {
        match self {
            Self::MasquePs => "Masqué aux professionnels de santé",
            Self::InvisiblePatient => "Non visible par le patient",
            Self::InvisibleRepresentantsLegaux => {
                "Non visible par les représentants légaux du patient"
            }
        }
    }

    pub fn to_code(self) -> Code {
        Code::new(self.code(), OID_DMP_VISIBILITY, self.label())
    }

    fn is_set(self, v: &Visibility) -> bool {
        match self {
            Self::MasquePs => v.masked_ps,
            Self::InvisiblePatient => v.invisible_patient,
            Self::InvisibleRepresentantsLegaux => v.invisible_legal_reps,
        }
    }
}

/// The `N` (normal) HL7 confidentiality code every DMP entry carries.
pub fn normal_confidentiality() -> Code {
    Code::new("N", OID_HL7_CONFIDENTIALITY, "Normal")
}

/// One author of a document or submission set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Author {
    pub person: Option<Xcn>,
    pub institutions: Vec<Xon>,
    pub roles: Vec<String>,
    pub specialties: Vec<Code>,
    pub telecommunications: Vec<String>,
}

/// A DocumentEntry of the DMP.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct DmpDocumentEntry {
    /// `id` of the ExtrinsicObject: the entryUUID (`urn:uuid:…`), or a symbolic id in a
    /// submission. Changes with every version and every metadata update.
    pub entry_uuid: String,
    /// `lid`: stable across metadata updates.
    pub logical_id: Option<String>,
    /// `VersionInfo/@versionName` (the metadata version, needed by ITI-57).
    pub version_name: Option<String>,
    pub status: AvailabilityStatus,
    /// The CDA `ClinicalDocument/id` (root or root^extension). Retrieve by this.
    pub unique_id: String,
    pub repository_unique_id: Option<String>,
    pub mime_type: String,
    /// XDS times as written (`YYYY[MM[DD[hh[mm[ss]]]]]`, UTC).
    pub creation_time: Option<String>,
    pub service_start_time: Option<String>,
    pub service_stop_time: Option<String>,
    pub size: Option<u64>,
    /// SHA-1 of the document, hex.
    pub hash: Option<String>,
    pub language_code: Option<String>,
    /// `Name`.
    pub title: Option<String>,
    /// `Description`.
    pub comments: Option<String>,
    pub legal_authenticator: Option<Xcn>,
    pub authors: Vec<Author>,
    pub class_code: Option<Code>,
    pub type_code: Option<Code>,
    pub format_code: Option<Code>,
    pub practice_setting_code: Option<Code>,
    pub healthcare_facility_type_code: Option<Code>,
    pub event_codes: Vec<Code>,
    pub confidentiality_codes: Vec<Code>,
    /// The INS (`NH`).
    pub patient_id: Option<Cx>,
    /// The producer's patient id (IPP, `PI`).
    pub source_patient_id: Option<Cx>,
    /// `PID-5|…`, `PID-7|…`, `PID-8|…` lines as written.
    pub source_patient_info: Vec<String>,
}

impl fmt::Debug for DmpDocumentEntry {
    /// Shape only: no patient identity, names or titles.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DmpDocumentEntry")
            .field("entry_uuid", &self.entry_uuid)
            .field("status", &self.status)
            .field("mime_type", &self.mime_type)
            .field("class_code", &self.class_code.as_ref().map(|c| &c.code))
            .field("type_code", &self.type_code.as_ref().map(|c| &c.code))
            .field("format_code", &self.format_code.as_ref().map(|c| &c.code))
            .field("visibility", &self.visibility())
            .field("authors", &self.authors.len())
            .finish_non_exhaustive()
    }
}

impl DmpDocumentEntry {
    /// The DMP visibility flags among the confidentiality codes.
    pub fn visibility(&self) -> Visibility {
        let has = |flag: VisibilityFlag| {
            self.confidentiality_codes
                .iter()
                .any(|c| c.same_as(flag.code(), OID_DMP_VISIBILITY))
        };
        Visibility {
            invisible_patient: has(VisibilityFlag::InvisiblePatient),
            invisible_legal_reps: has(VisibilityFlag::InvisibleRepresentantsLegaux),
            masked_ps: has(VisibilityFlag::MasquePs),
        }
    }

    /// Sets the visibility flags: every other confidentiality code stays as it is (`N` is
    /// added when no HL7 code is present), flags are added or removed.
    pub fn set_visibility(&mut self, visibility: Visibility) {
        self.confidentiality_codes
            .retain(|c| c.scheme != OID_DMP_VISIBILITY);
        if !self
            .confidentiality_codes
            .iter()
            .any(|c| c.scheme == OID_HL7_CONFIDENTIALITY)
        {
            self.confidentiality_codes
                .insert(0, normal_confidentiality());
        }
        for flag in VisibilityFlag::ALL {
            if flag.is_set(&visibility) {
                self.confidentiality_codes.push(flag.to_code());
            }
        }
    }

    /// The HL7 confidentiality code (`N`, `R`, `V`), when present.
    pub fn hl7_confidentiality(&self) -> Option<&Code> {
        self.confidentiality_codes
            .iter()
            .find(|c| c.scheme == OID_HL7_CONFIDENTIALITY)
    }

    pub fn creation_time_utc(&self) -> Option<DateTime<Utc>> {
        self.creation_time.as_deref().and_then(parse_dtm)
    }

    pub fn service_start_utc(&self) -> Option<DateTime<Utc>> {
        self.service_start_time.as_deref().and_then(parse_dtm)
    }

    pub fn service_stop_utc(&self) -> Option<DateTime<Utc>> {
        self.service_stop_time.as_deref().and_then(parse_dtm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in [
            AvailabilityStatus::Approved,
            AvailabilityStatus::Deprecated,
            AvailabilityStatus::Archived,
            AvailabilityStatus::Deleted,
            AvailabilityStatus::Other("urn:x".into()),
        ] {
            assert_eq!(AvailabilityStatus::from_urn(s.urn()), s);
        }
        assert_eq!(
            AvailabilityStatus::Archived.urn(),
            "urn:asip:ci-sis:2010:StatusType:Archived"
        );
    }

    #[test]
    fn visibility_flags_keep_the_hl7_code() {
        let mut e = DmpDocumentEntry::default();
        assert_eq!(e.visibility(), Visibility::default());
        let all = Visibility {
            invisible_patient: true,
            invisible_legal_reps: true,
            masked_ps: true,
        };
        e.set_visibility(all);
        assert_eq!(e.visibility(), all);
        assert_eq!(e.confidentiality_codes.len(), 4);
        assert_eq!(e.hl7_confidentiality().map(|c| c.code.as_str()), Some("N"));

        e.confidentiality_codes[0] = Code::new("R", OID_HL7_CONFIDENTIALITY, "Restreint");
        let only_patient = Visibility {
            invisible_patient: true,
            ..Visibility::default()
        };
        e.set_visibility(only_patient);
        assert_eq!(e.visibility(), only_patient);
        assert_eq!(
            e.confidentiality_codes
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>(),
            ["R", "INVISIBLE_PATIENT"]
        );
        e.set_visibility(Visibility::default());
        assert_eq!(e.confidentiality_codes.len(), 1);
        let debug = format!("{e:?}");
        assert!(debug.contains("DmpDocumentEntry"));
    }
}
