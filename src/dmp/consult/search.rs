//! The DMP's documents as the patient folder lists them (DSR §3.2.2 b steps 4–5 and d): one
//! [`DmpDocumentRow`] per DocumentEntry, with explicit visibility booleans read from the
//! confidentiality codes (TRE_A07 `INVISIBLE_PATIENT`, `INVISIBLE_REPRESENTANTS_LEGAUX`,
//! `MASQUE_PS`) and the archived status; the count of new documents authored outside the
//! establishment ([`NewDocumentsCount`]) and the multi-criteria search ([`SearchCriteria`]),
//! both TD3.1 FindDocuments.
//!
//! What the DMP's metadata do not carry:
//! - the submission time: the DocumentEntry has none and FindDocuments filters on the
//!   document's creation time, so "new since" means "created since" (a document created before
//!   `since` but fed after it is not counted);
//! - the CDA `setId` / `versionNumber`: rows carry the entry's `logicalId` and metadata
//!   `versionName` instead (they change with visibility updates, not with replacements); read
//!   the CDA for the others.
//!
//! Author and organisation criteria are applied to the answer (the client's FindDocuments has no
//! author parameter); every other criterion is a TD3.1 parameter.

use std::fmt;

use chrono::{DateTime, Utc};
use unicode_normalization::UnicodeNormalization;

use super::{AccessMode, ConsultPatient, DmpConsult, Outcome, Session, TransactionCode};
use crate::dmp::error::DmpError;
use crate::dmp::xds::{
    AvailabilityStatus, Code, Cx, DmpDocumentEntry, FindDocumentsQuery, OID_CLASS_CODE, OID_LOINC,
    TimeRange, VisibilityFlag, Xcn, Xon,
};
use crate::domain::dmp::{DmpDocument, DmpEntry, DmpFilter};
use crate::domain::{PatientId, ProfessionalInfo};

/// One document of the DMP, as a list row.
#[derive(Clone, PartialEq, Eq)]
pub struct DmpDocumentRow {
    /// entryUUID of this metadata version (changes with each visibility update).
    pub entry_uuid: String,
    /// uniqueId: the CDA `ClinicalDocument/id` (`root` or `root^extension`).
    pub unique_id: String,
    /// `lid`: stable across metadata updates of the entry.
    pub logical_id: Option<String>,
    /// Metadata version (`versionName`), not the CDA `versionNumber`.
    pub metadata_version: Option<String>,
    pub repository_unique_id: Option<String>,
    pub title: String,
    /// Type code (LOINC…) with its label in `display`.
    pub type_code: Option<Code>,
    /// The type's label, or the title when the type has none.
    pub type_label: String,
    pub class_code: Option<Code>,
    pub created: Option<DateTime<Utc>>,
    pub service_start: Option<DateTime<Utc>>,
    pub service_stop: Option<DateTime<Utc>>,
    /// First author's name (`Given FAMILY`), empty when none.
    pub author_name: String,
    /// First author's idNat_PS.
    pub author_id: Option<String>,
    /// First author's organisation name.
    pub organisation: String,
    /// First author's organisation id (idNat_Struct).
    pub organisation_id: Option<String>,
    pub status: AvailabilityStatus,
    pub mime_type: String,
    pub size: Option<u64>,
    pub invisible_to_patient: bool,
    pub invisible_to_legal_representatives: bool,
    pub masked_to_professionals: bool,
    pub archived: bool,
    entry: DmpDocumentEntry,
}

impl fmt::Debug for DmpDocumentRow {
    /// Ids, status and flags only (titles may tell the patient's condition).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DmpDocumentRow")
            .field("entry_uuid", &self.entry_uuid)
            .field("unique_id", &self.unique_id)
            .field("status", &self.status)
            .field("type_code", &self.type_code.as_ref().map(|c| &c.code))
            .field("invisible_to_patient", &self.invisible_to_patient)
            .field(
                "invisible_to_legal_representatives",
                &self.invisible_to_legal_representatives,
            )
            .field("masked_to_professionals", &self.masked_to_professionals)
            .field("archived", &self.archived)
            .finish_non_exhaustive()
    }
}

impl DmpDocumentRow {
    pub fn from_entry(entry: DmpDocumentEntry) -> Self {
        let visibility = entry.visibility();
        let author = entry.authors.first();
        let person = author.and_then(|a| a.person.as_ref());
        let institution = author.and_then(|a| a.institutions.first());
        let title = entry.title.clone().unwrap_or_default();
        let type_label = entry
            .type_code
            .as_ref()
            .map(|c| c.display.clone())
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| title.clone());
        Self {
            entry_uuid: entry.entry_uuid.clone(),
            unique_id: entry.unique_id.clone(),
            logical_id: entry.logical_id.clone(),
            metadata_version: entry.version_name.clone(),
            repository_unique_id: entry.repository_unique_id.clone(),
            title,
            type_code: entry.type_code.clone(),
            type_label,
            class_code: entry.class_code.clone(),
            created: entry.creation_time_utc(),
            service_start: entry.service_start_utc(),
            service_stop: entry.service_stop_utc(),
            author_name: person.map(Xcn::display).unwrap_or_default(),
            author_id: person.and_then(Xcn::id),
            organisation: institution.map(Xon::name).unwrap_or_default(),
            organisation_id: institution.and_then(Xon::id),
            archived: entry.status == AvailabilityStatus::Archived,
            status: entry.status.clone(),
            mime_type: entry.mime_type.clone(),
            size: entry.size,
            invisible_to_patient: visibility.invisible_patient,
            invisible_to_legal_representatives: visibility.invisible_legal_reps,
            masked_to_professionals: visibility.masked_ps,
            entry,
        }
    }

    /// The DocumentEntry as the DMP returned it (needed for updates).
    pub fn entry(&self) -> &DmpDocumentEntry {
        &self.entry
    }

    /// Hidden from the patient or from the legal representatives: the screens mark it and
    /// offer to make it visible.
    /// The visibility flags, as the folder stores them.
    pub fn visibility(&self) -> crate::domain::Visibility {
        crate::domain::Visibility {
            invisible_patient: self.invisible_to_patient,
            invisible_legal_reps: self.invisible_to_legal_representatives,
            masked_ps: self.masked_to_professionals,
        }
    }

    pub fn is_invisible(&self) -> bool {
        self.invisible_to_patient || self.invisible_to_legal_representatives
    }

    /// Whether one of its authors belongs to one of `structures` (idNat_Struct, e.g.
    /// `1750999005`; a bare FINESS matches its `1`-prefixed idNat_Struct too).
    pub fn authored_by(&self, structures: &[&str]) -> bool {
        self.entry
            .authors
            .iter()
            .flat_map(|a| a.institutions.iter())
            .filter_map(Xon::id)
            .any(|id| structures.iter().any(|s| same_structure(&id, s)))
    }
}

impl DmpDocumentRow {
    /// The document as the screens see it (no XDS in it); `own_structures` as for
    /// [`Self::authored_by`].
    pub fn to_document(&self, patient: PatientId, own_structures: &[&str]) -> DmpDocument {
        let mut meta = self.entry.to_meta();
        if meta.act_date.is_none() {
            meta.act_date = meta.created;
        }
        DmpDocument {
            patient,
            entry: DmpEntry(self.entry_uuid.clone()),
            unique_id: self.unique_id.clone(),
            meta,
            created: self.created,
            visibility: self.visibility(),
            archived: self.archived,
            authored_here: self.authored_by(own_structures),
        }
    }
}

fn same_structure(id: &str, ours: &str) -> bool {
    let (id, ours) = (id.trim(), ours.trim());
    if id.is_empty() || ours.is_empty() {
        return false;
    }
    id == ours || id.strip_prefix('1') == Some(ours) || ours.strip_prefix('1') == Some(id)
}

/// The documents fed since a time by professionals outside the establishment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDocumentsCount {
    pub count: usize,
    /// How many of them the patient does not see yet.
    pub invisible_to_patient: usize,
    /// The documents, newest first (the list shown when the user clicks the count).
    pub rows: Vec<DmpDocumentRow>,
}

impl NewDocumentsCount {
    /// entryUUIDs of the counted documents.
    pub fn entry_uuids(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r.entry_uuid.as_str()).collect()
    }
}

/// Which visibility restriction the search keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VisibilityFilter {
    /// Every document, whatever its visibility.
    #[default]
    Any,
    InvisibleToPatient,
    InvisibleToLegalRepresentatives,
    MaskedToProfessionals,
    /// Any of the three restrictions.
    AnyRestriction,
}

impl VisibilityFilter {
    fn flags(self) -> Vec<VisibilityFlag> {
        match self {
            Self::Any => Vec::new(),
            Self::InvisibleToPatient => vec![VisibilityFlag::InvisiblePatient],
            Self::InvisibleToLegalRepresentatives => {
                vec![VisibilityFlag::InvisibleRepresentantsLegaux]
            }
            Self::MaskedToProfessionals => vec![VisibilityFlag::MasquePs],
            Self::AnyRestriction => VisibilityFlag::ALL.to_vec(),
        }
    }

    fn keeps(self, row: &DmpDocumentRow) -> bool {
        match self {
            Self::Any => true,
            Self::InvisibleToPatient => row.invisible_to_patient,
            Self::InvisibleToLegalRepresentatives => row.invisible_to_legal_representatives,
            Self::MaskedToProfessionals => row.masked_to_professionals,
            Self::AnyRestriction => row.is_invisible() || row.masked_to_professionals,
        }
    }
}

/// A multi-criteria search. Empty lists and `None` mean "any".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchCriteria {
    /// Period of the document's creation (the DMP's stand-in for its submission).
    pub created: TimeRange,
    /// Period of the start of the act (serviceStartTime).
    pub service_start: TimeRange,
    pub type_codes: Vec<Code>,
    pub class_codes: Vec<Code>,
    pub practice_setting_codes: Vec<Code>,
    /// idNat_PS, or part of the first or family name (case and accents ignored), of an author.
    pub author: Option<String>,
    /// idNat_Struct, or part of the name, of an author's organisation.
    pub organisation: Option<String>,
    /// Approved, Deprecated (replaced versions), Archived, Deleted; empty: Approved only.
    pub statuses: Vec<AvailabilityStatus>,
    pub visibility: VisibilityFilter,
}

impl SearchCriteria {
    fn query(&self, patient: Cx) -> FindDocumentsQuery {
        let mut q = FindDocumentsQuery::new(patient);
        if !self.statuses.is_empty() {
            q.statuses.clone_from(&self.statuses);
        }
        q.creation_time = self.created;
        q.service_start_time = self.service_start;
        q.type_codes.clone_from(&self.type_codes);
        q.class_codes.clone_from(&self.class_codes);
        q.practice_setting_codes
            .clone_from(&self.practice_setting_codes);
        q.confidentiality_codes = self
            .visibility
            .flags()
            .into_iter()
            .map(VisibilityFlag::to_code)
            .collect();
        q
    }

    fn keeps(&self, row: &DmpDocumentRow) -> bool {
        self.visibility.keeps(row)
            && self
                .author
                .as_deref()
                .is_none_or(|needle| author_matches(row.entry(), needle))
            && self
                .organisation
                .as_deref()
                .is_none_or(|needle| organisation_matches(row.entry(), needle))
    }
}

impl SearchCriteria {
    /// The XDS criteria of the user's search: days are local days, inclusive; current
    /// versions always, archived and replaced ones when asked.
    pub fn from_filter(filter: &DmpFilter) -> Self {
        let mut statuses = vec![AvailabilityStatus::Approved];
        if filter.archived {
            statuses.push(AvailabilityStatus::Archived);
        }
        if filter.replaced {
            statuses.push(AvailabilityStatus::Deprecated);
        }
        Self {
            created: TimeRange {
                from: filter.created_from.and_then(|d| local_day_bound(d, false)),
                to: filter.created_to.and_then(|d| local_day_bound(d, true)),
            },
            type_codes: filter
                .type_code
                .iter()
                .map(|c| Code::new(c, OID_LOINC, ""))
                .collect(),
            class_codes: filter
                .class_code
                .iter()
                .map(|c| Code::new(c, OID_CLASS_CODE, ""))
                .collect(),
            author: filter.author.clone(),
            organisation: filter.organisation.clone(),
            statuses,
            visibility: if filter.invisible_to_patient_only {
                VisibilityFilter::InvisibleToPatient
            } else {
                VisibilityFilter::Any
            },
            ..Self::default()
        }
    }
}

/// The first (or last) second of a local day, in UTC.
fn local_day_bound(day: chrono::NaiveDate, end_of_day: bool) -> Option<DateTime<Utc>> {
    use chrono::TimeZone;
    let time = if end_of_day {
        day.and_hms_opt(23, 59, 59)
    } else {
        day.and_hms_opt(0, 0, 0)
    }?;
    chrono::Local
        .from_local_datetime(&time)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Lower case without accents.
fn fold(text: &str) -> String {
    text.nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect()
}

fn author_matches(entry: &DmpDocumentEntry, needle: &str) -> bool {
    let needle = fold(needle.trim());
    if needle.is_empty() {
        return true;
    }
    entry
        .authors
        .iter()
        .filter_map(|a| a.person.as_ref())
        .any(|p| {
            p.id().is_some_and(|id| fold(&id) == needle) || fold(&p.display()).contains(&needle)
        })
}

fn organisation_matches(entry: &DmpDocumentEntry, needle: &str) -> bool {
    let needle_folded = fold(needle.trim());
    if needle_folded.is_empty() {
        return true;
    }
    entry
        .authors
        .iter()
        .flat_map(|a| a.institutions.iter())
        .any(|o| {
            o.id().is_some_and(|id| same_structure(&id, needle))
                || fold(&o.name()).contains(&needle_folded)
        })
}

/// Newest first (by creation time, then service start).
fn newest_first(rows: &mut [DmpDocumentRow]) {
    rows.sort_by(|a, b| {
        b.created
            .cmp(&a.created)
            .then_with(|| b.service_start.cmp(&a.service_start))
    });
}

fn unique_ids(entries: &[DmpDocumentEntry]) -> Vec<String> {
    entries.iter().map(|e| e.unique_id.clone()).collect()
}

impl Session<'_> {
    /// TD3.1 with `query`; the trace names every document the DMP listed.
    pub(super) async fn find(
        &mut self,
        query: FindDocumentsQuery,
    ) -> Result<Vec<DmpDocumentEntry>, DmpError> {
        let (client, ins) = (self.client, &self.patient.ins);
        let caller = self.caller();
        self.run(
            TransactionCode::Td31,
            self.mode.purpose(),
            Vec::new(),
            |entries: &Vec<DmpDocumentEntry>| unique_ids(entries),
            async move { client.find_documents(&caller, ins, &query).await },
        )
        .await
    }
}

impl DmpConsult {
    /// The documents created since `since` whose authors are all outside `own_structures`
    /// (this establishment's idNat_Struct and those of its sites; see
    /// [`DmpDocumentRow::authored_by`]), documents invisible to the patient included (the query
    /// sets no confidentiality filter). Approved (current) versions only.
    pub async fn count_new(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
        mode: &AccessMode,
        since: DateTime<Utc>,
        own_structures: &[&str],
    ) -> Outcome<NewDocumentsCount> {
        let mut session = self.session(professional, patient, mode);
        let mut query = FindDocumentsQuery::new(Cx::from_ins(&patient.ins));
        query.statuses = vec![AvailabilityStatus::Approved];
        query.creation_time = TimeRange {
            from: Some(since),
            to: None,
        };
        let result = session.find(query).await.map(|entries| {
            let mut rows: Vec<DmpDocumentRow> = entries
                .into_iter()
                .map(DmpDocumentRow::from_entry)
                .filter(|r| r.status == AvailabilityStatus::Approved)
                .filter(|r| r.created.is_none_or(|t| t >= since))
                .filter(|r| !r.authored_by(own_structures))
                .collect();
            newest_first(&mut rows);
            NewDocumentsCount {
                count: rows.len(),
                invisible_to_patient: rows.iter().filter(|r| r.invisible_to_patient).count(),
                rows,
            }
        });
        session.finish(result)
    }

    /// The documents matching `criteria`, newest first.
    pub async fn search(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
        mode: &AccessMode,
        criteria: &SearchCriteria,
    ) -> Outcome<Vec<DmpDocumentRow>> {
        let mut session = self.session(professional, patient, mode);
        let query = criteria.query(Cx::from_ins(&patient.ins));
        let result = session.find(query).await.map(|entries| {
            let mut rows: Vec<DmpDocumentRow> = entries
                .into_iter()
                .map(DmpDocumentRow::from_entry)
                .filter(|r| criteria.keeps(r))
                .collect();
            newest_first(&mut rows);
            rows
        });
        session.finish(result)
    }
}

#[cfg(test)]
mod unit_tests {
    use super::*;
    use crate::dmp::xds::Author;
    use crate::domain::Visibility;

    fn entry(org_id: &str, org_name: &str) -> DmpDocumentEntry {
        let mut e = DmpDocumentEntry {
            entry_uuid: "urn:uuid:1".into(),
            unique_id: "1.2.3".into(),
            type_code: Some(Code::new("11502-2", OID_LOINC, "CR d'examens biologiques")),
            authors: vec![Author {
                person: Some(Xcn::professional("810001234567", "DUPRÉ", "Hélène")),
                institutions: vec![Xon::structure(org_name, org_id)],
                ..Author::default()
            }],
            status: AvailabilityStatus::Archived,
            ..DmpDocumentEntry::default()
        };
        e.set_visibility(Visibility {
            invisible_patient: true,
            invisible_legal_reps: false,
            masked_ps: true,
        });
        e
    }

    #[test]
    fn rows_carry_flags_and_provenance() {
        let row = DmpDocumentRow::from_entry(entry("1750999005", "CH Test"));
        assert!(row.invisible_to_patient && row.masked_to_professionals && row.archived);
        assert!(!row.invisible_to_legal_representatives);
        assert_eq!(row.type_label, "CR d'examens biologiques");
        assert_eq!(row.author_id.as_deref(), Some("810001234567"));
        assert_eq!(row.organisation_id.as_deref(), Some("1750999005"));
        assert!(row.authored_by(&["1750999005"]));
        assert!(row.authored_by(&["750999005"]));
        assert!(!row.authored_by(&["1750999013", ""]));
        let debug = format!("{row:?}");
        assert!(!debug.contains("DUPR") && !debug.contains("CH Test"));
    }

    #[test]
    fn author_and_organisation_criteria_ignore_case_and_accents() {
        let e = entry("1750999005", "Clinique Sainte-Thérèse");
        assert!(author_matches(&e, "dupre"));
        assert!(author_matches(&e, "HELENE"));
        assert!(author_matches(&e, "810001234567"));
        assert!(!author_matches(&e, "8100012345"));
        assert!(!author_matches(&e, "martin"));
        assert!(organisation_matches(&e, "therese"));
        assert!(organisation_matches(&e, "1750999005"));
        assert!(!organisation_matches(&e, "1750999013"));
    }

    #[test]
    fn criteria_become_query_parameters() {
        let criteria = SearchCriteria {
            statuses: vec![AvailabilityStatus::Approved, AvailabilityStatus::Archived],
            visibility: VisibilityFilter::AnyRestriction,
            type_codes: vec![Code::new("11502-2", OID_LOINC, "")],
            ..SearchCriteria::default()
        };
        let q = criteria.query(Cx::new("1", "1.2", "NH"));
        assert_eq!(q.statuses.len(), 2);
        assert_eq!(q.confidentiality_codes.len(), 3);
        assert_eq!(q.type_codes.len(), 1);
        let q = SearchCriteria::default().query(Cx::new("1", "1.2", "NH"));
        assert_eq!(q.statuses, vec![AvailabilityStatus::Approved]);
        assert!(q.confidentiality_codes.is_empty());
    }

    /// Issue 12: the user's search is a domain filter; this is where it becomes XDS.
    #[test]
    fn issue12_a_domain_filter_becomes_xds_criteria() {
        let day = |d| chrono::NaiveDate::from_ymd_opt(2024, 3, d).expect("day");
        let c = SearchCriteria::from_filter(&DmpFilter {
            created_from: Some(day(1)),
            created_to: Some(day(31)),
            type_code: Some("11488-4".into()),
            class_code: Some("10".into()),
            author: Some("Martin".into()),
            invisible_to_patient_only: true,
            archived: true,
            ..DmpFilter::default()
        });
        assert!(c.created.from < c.created.to);
        assert_eq!(c.type_codes[0].code, "11488-4");
        assert_eq!(c.type_codes[0].scheme, OID_LOINC);
        assert_eq!(c.class_codes[0].scheme, OID_CLASS_CODE);
        assert_eq!(c.author.as_deref(), Some("Martin"));
        assert_eq!(c.visibility, VisibilityFilter::InvisibleToPatient);
        assert_eq!(
            c.statuses,
            vec![AvailabilityStatus::Approved, AvailabilityStatus::Archived]
        );
        // The folder's default list asks what it always asked: current versions, any flag.
        let q = SearchCriteria::from_filter(&DmpFilter::default()).query(Cx::new("1", "1.2", "NH"));
        assert_eq!(q.statuses, vec![AvailabilityStatus::Approved]);
        assert!(q.confidentiality_codes.is_empty() && q.type_codes.is_empty());
    }

    #[test]
    fn a_row_becomes_a_document_without_xds() {
        let row = DmpDocumentRow::from_entry(entry("1750999005", "CH Test"));
        let d = row.to_document(PatientId(7), &["750999005"]);
        assert_eq!(d.entry.as_str(), "urn:uuid:1");
        assert_eq!(d.unique_id, "1.2.3");
        assert!(d.authored_here && d.archived && d.visibility.invisible_patient);
        assert_eq!(d.meta.type_label, "CR d'examens biologiques");
        assert!(!row.to_document(PatientId(7), &["1750999013"]).authored_here);
    }
}
