//! Clinical documents as the patient folder lists them: CDA identity (`id`, `setId`,
//! `versionNumber`), type, dates, author, provenance, sharing state and visibility flags.
//! Content (the CDA bytes) is not here: it stays in the store until a viewer asks for it.

use std::cmp::Ordering;

use chrono::NaiveDateTime;

use super::episode::EpisodeId;
use super::patient::PatientId;

/// Row id of a document in the local store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocumentId(pub i64);

/// How screens and requests name a document: a row of the local store, or an entry of the
/// patient's DMP that is not in the store. Requests carry this, never the document's bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DocumentRef {
    Stored(DocumentId),
    Dmp {
        patient: PatientId,
        entry: super::dmp::DmpEntry,
    },
    /// A received document not filed yet: an item of the inbox (documents à rapprocher).
    Received(i64),
}

impl DocumentRef {
    /// The store's id, for a stored document.
    pub fn stored(&self) -> Option<DocumentId> {
        match self {
            Self::Stored(id) => Some(*id),
            Self::Dmp { .. } | Self::Received(_) => None,
        }
    }
}

impl From<DocumentId> for DocumentRef {
    fn from(id: DocumentId) -> Self {
        Self::Stored(id)
    }
}

/// Where a document came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provenance {
    /// Produced in this establishment.
    Local,
    /// Integrated from the patient's DMP.
    Dmp,
    /// Received by MSSanté (hospital gateway, HL7 v2 MDM).
    Mssante,
    /// Imported from an IHE XDM archive.
    Xdm,
}

impl Provenance {
    pub const ALL: [Self; 4] = [Self::Local, Self::Dmp, Self::Mssante, Self::Xdm];

    pub fn code(self) -> &'static str {
        match self {
            Self::Local => "local",
            Self::Dmp => "dmp",
            Self::Mssante => "mss",
            Self::Xdm => "xdm",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Local => "provenance-local",
            Self::Dmp => "provenance-dmp",
            Self::Mssante => "provenance-mss",
            Self::Xdm => "provenance-xdm",
        }
    }
}

/// State of a document towards one sharing channel (DMP or MSSanté).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ShareState {
    #[default]
    NotShared,
    /// Queued in the outbox, not yet acknowledged.
    Pending,
    /// Acknowledged by the receiver.
    Sent,
    /// The last attempt failed; the outbox still holds it.
    Failed,
    /// Was shared, then withdrawn (deleted from the DMP).
    Withdrawn,
}

impl ShareState {
    pub const ALL: [Self; 5] = [
        Self::NotShared,
        Self::Pending,
        Self::Sent,
        Self::Failed,
        Self::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NotShared => "none",
            Self::Pending => "pending",
            Self::Sent => "sent",
            Self::Failed => "failed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// DMP visibility flags (confidentiality codes of the DMP, TRE_A07).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Visibility {
    /// INVISIBLE_PATIENT: the patient does not see it yet (consultation d'annonce pending).
    pub invisible_patient: bool,
    /// INVISIBLE_REPRESENTANTS_LEGAUX: hidden from a minor's legal representatives.
    pub invisible_legal_reps: bool,
    /// MASQUE_PS: masked to other professionals.
    pub masked_ps: bool,
}

/// What the body of the CDA holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BodyKind {
    /// N3: structured sections (possibly with a PDF copy).
    Structured,
    /// N1: a PDF.
    Pdf,
    /// N1: plain text.
    Text,
    /// N1: RTF.
    Rtf,
    /// N1: an image (JPEG, TIFF, PNG).
    Image,
    /// Anything else.
    Other,
}

impl BodyKind {
    pub const ALL: [Self; 6] = [
        Self::Structured,
        Self::Pdf,
        Self::Text,
        Self::Rtf,
        Self::Image,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Structured => "n3",
            Self::Pdf => "pdf",
            Self::Text => "text",
            Self::Rtf => "rtf",
            Self::Image => "image",
            Self::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code)
    }
}

/// Metadata read from a CDA header: what the list shows and the store indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentMeta {
    /// ClinicalDocument/id, `root` or `root^extension` (= XDS uniqueId).
    pub cda_id: String,
    pub set_id: String,
    pub version_number: u32,
    /// Type code (LOINC or CI-SIS) and its code system.
    pub type_code: String,
    pub type_system: String,
    /// Display name of the type code, as written by the producer.
    pub type_label: String,
    /// DMP class code (JDV_J57) when known.
    pub class_code: Option<String>,
    pub title: String,
    /// Act date: serviceEvent start when present, else the document's effectiveTime.
    pub act_date: Option<NaiveDateTime>,
    /// Creation date (effectiveTime).
    pub created: Option<NaiveDateTime>,
    /// Author display name (first author).
    pub author: String,
    /// Author organisation name.
    pub organisation: String,
    /// HL7 confidentiality code: N, R or V.
    pub confidentiality: String,
    pub body: BodyKind,
    /// True when a PDF can be shown (N1 PDF body, or an N3 PDF copy section).
    pub has_pdf: bool,
    /// Parent id of an RPLC relatedDocument, when this version replaces another.
    pub replaces: Option<String>,
}

/// A document row of the patient folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    /// The store's row, or the DMP entry of a document listed from the DMP.
    pub reference: DocumentRef,
    pub patient_id: PatientId,
    pub episode_id: Option<EpisodeId>,
    pub meta: DocumentMeta,
    pub provenance: Provenance,
    pub dmp_share: ShareState,
    pub mss_share: ShareState,
    pub visibility: Visibility,
    /// When the document entered this store.
    pub integrated_at: NaiveDateTime,
    /// Its latest outbox job, when it was ever queued for the DMP.
    pub sharing: Option<super::outbox::Sharing>,
}

impl DocumentSummary {
    /// A DMP document listed or shown but not in the store.
    pub fn from_dmp(
        reference: DocumentRef,
        patient: PatientId,
        meta: DocumentMeta,
        visibility: Visibility,
    ) -> Self {
        Self {
            reference,
            patient_id: patient,
            episode_id: None,
            meta,
            provenance: Provenance::Dmp,
            dmp_share: ShareState::NotShared,
            mss_share: ShareState::NotShared,
            visibility,
            integrated_at: chrono::Utc::now().naive_utc(),
            sharing: None,
        }
    }
}

/// Columns the document list can be sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentSort {
    ActDate,
    Type,
}

/// Order of two documents for a list column; ties fall back to the newest act date first.
pub fn compare_documents(
    a: &DocumentSummary,
    b: &DocumentSummary,
    sort: DocumentSort,
    ascending: bool,
) -> Ordering {
    let primary = match sort {
        DocumentSort::ActDate => a.meta.act_date.cmp(&b.meta.act_date),
        DocumentSort::Type => a
            .meta
            .type_label
            .to_lowercase()
            .cmp(&b.meta.type_label.to_lowercase()),
    };
    let primary = if ascending {
        primary
    } else {
        primary.reverse()
    };
    primary.then_with(|| b.meta.act_date.cmp(&a.meta.act_date))
}

/// Sorts documents by a list column.
pub fn sort_documents(docs: &mut [DocumentSummary], sort: DocumentSort, ascending: bool) {
    docs.sort_by(|a, b| compare_documents(a, b, sort, ascending));
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::NaiveDate;

    /// A local document of patient 1, acted on day `day` of March 2024.
    pub(crate) fn doc(id: i64, label: &str, day: u32) -> DocumentSummary {
        let date = NaiveDate::from_ymd_opt(2024, 3, day)
            .and_then(|d| d.and_hms_opt(10, 0, 0))
            .expect("date");
        DocumentSummary {
            reference: DocumentRef::Stored(DocumentId(id)),
            patient_id: PatientId(1),
            episode_id: None,
            meta: DocumentMeta {
                cda_id: format!("1.2.3.{id}"),
                set_id: format!("1.2.3.{id}.0"),
                version_number: 1,
                type_code: "11502-2".into(),
                type_system: "2.16.840.1.113883.6.1".into(),
                type_label: label.into(),
                class_code: None,
                title: label.into(),
                act_date: Some(date),
                created: Some(date),
                author: String::new(),
                organisation: String::new(),
                confidentiality: "N".into(),
                body: BodyKind::Structured,
                has_pdf: false,
                replaces: None,
            },
            provenance: Provenance::Local,
            dmp_share: ShareState::NotShared,
            mss_share: ShareState::NotShared,
            visibility: Visibility::default(),
            integrated_at: date,
            sharing: None,
        }
    }

    #[test]
    fn sorts_by_date_and_by_type() {
        let mut docs = vec![doc(1, "b", 3), doc(2, "A", 1), doc(3, "b", 9)];
        sort_documents(&mut docs, DocumentSort::ActDate, false);
        assert_eq!(
            docs.iter()
                .filter_map(|d| d.reference.stored())
                .map(|i| i.0)
                .collect::<Vec<_>>(),
            [3, 1, 2]
        );
        sort_documents(&mut docs, DocumentSort::Type, true);
        assert_eq!(
            docs.iter()
                .filter_map(|d| d.reference.stored())
                .map(|i| i.0)
                .collect::<Vec<_>>(),
            [2, 3, 1]
        );
    }

    #[test]
    fn codes_round_trip() {
        for p in Provenance::ALL {
            assert_eq!(Provenance::from_code(p.code()), Some(p));
        }
        for s in ShareState::ALL {
            assert_eq!(ShareState::from_code(s.code()), Some(s));
        }
        for b in BodyKind::ALL {
            assert_eq!(BodyKind::from_code(b.code()), Some(b));
        }
    }
}
