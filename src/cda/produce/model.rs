//! What a local form yields: the production model of a document (kind, ids and versions,
//! patient, author, organisations, encounter, act, ordered sections of paragraphs, lists,
//! tables and medication lines), its validation, and the Europe/Paris time helper.

use std::fmt;

use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc, Weekday,
};

use super::catalog::{Coded, DocumentKind, SectionCode};
use super::error::ProduceError;
use crate::domain::episode::check_finess;
use crate::domain::{EpisodeKind, PatientIdentity};

/// An HL7 instance identifier: `root` (an OID) and an optional `extension`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Identifier {
    pub root: String,
    pub extension: Option<String>,
}

impl Identifier {
    pub fn new(root: &str, extension: &str) -> Self {
        Self {
            root: root.to_owned(),
            extension: Some(extension.to_owned()),
        }
    }

    /// An identifier that is one OID (the DMP takes no OID^extension): `root.arc.number`,
    /// `number` with its digits only and no leading zero (an OID arc has none). When that
    /// exceeds the 64 characters an OID may have, a `2.25.` OID (ISO/IEC 9834-8) derived from
    /// the same three values by SHA-256 stands in: as unique, and always the same for them.
    pub fn oid_under(root: &str, arc: u32, number: &str) -> Self {
        use sha2::Digest as _;
        let digits: String = number.chars().filter(char::is_ascii_digit).collect();
        let digits = digits.trim_start_matches('0');
        let full = format!(
            "{root}.{arc}.{}",
            if digits.is_empty() { "0" } else { digits }
        );
        let root = if full.len() <= 64 {
            full
        } else {
            let hash = sha2::Sha256::digest(full.as_bytes());
            let mut bytes = [0u8; 16];
            bytes.copy_from_slice(&hash[..16]);
            // Version 8 (custom) UUID bits, as a 2.25 arc wants a UUID.
            let value = (u128::from_be_bytes(bytes) & !(0xf << 76) & !(0x3 << 62))
                | (0x8 << 76)
                | (0x2 << 62);
            format!("2.25.{value}")
        };
        Self {
            root,
            extension: None,
        }
    }

    /// `root` or `root^extension` (the XDS uniqueId form, as the parser gives it back).
    pub fn to_uid(&self) -> String {
        match &self.extension {
            Some(ext) => format!("{}^{}", self.root, ext),
            None => self.root.clone(),
        }
    }
}

/// Identity of the document and of its series: a new `id` for every version, the same
/// `setId`, `versionNumber` counting from 1 and, from version 2 on, the replaced version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentIds {
    pub id: Identifier,
    pub set_id: Identifier,
    pub version: u32,
    /// The `id` of the version this one replaces (`relatedDocument typeCode="RPLC"`).
    pub replaces: Option<Identifier>,
}

impl DocumentIds {
    /// Version 1 of a new series.
    pub fn first(id: Identifier, set_id: Identifier) -> Self {
        Self {
            id,
            set_id,
            version: 1,
            replaces: None,
        }
    }

    /// The ids of a new version `id` of a stored document (its `id` and `setId` as the store
    /// keeps them, `root` or `root^extension`): same series, next number, RPLC to it.
    pub fn after_stored(id: Identifier, cda_id: &str, set_id: &str, version: u32) -> Self {
        let parse = |uid: &str| match uid.split_once('^') {
            Some((root, extension)) => Identifier::new(root, extension),
            None => Identifier {
                root: uid.to_owned(),
                extension: None,
            },
        };
        Self {
            id,
            set_id: parse(set_id),
            version: version.max(1) + 1,
            replaces: Some(parse(cda_id)),
        }
    }

    /// The ids of the version replacing `self`: same series, next number, RPLC to `self.id`.
    pub fn replacement(&self, new_id: Identifier) -> Self {
        Self {
            id: new_id,
            set_id: self.set_id.clone(),
            version: self.version + 1,
            replaces: Some(self.id.clone()),
        }
    }
}

/// A health professional (author, legal authenticator).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Professional {
    /// RPPS number (11 digits); written as national id `8` + RPPS.
    pub rpps: String,
    pub given: String,
    pub family: String,
    /// Title written as name suffix (`DR`, `PR`), when any.
    pub title: Option<String>,
    /// Profession / specialty, e.g. `G15_10/SM26` in 1.2.250.1.213.1.1.4.5.
    pub specialty: Coded,
}

impl Professional {
    pub fn national_id(&self) -> String {
        format!("8{}", self.rpps)
    }

    /// "Dr Prénom NOM" as printed on the PDF.
    pub fn display(&self) -> String {
        let name = format!("{} {}", self.given, self.family);
        match self
            .title
            .as_deref()
            .map(str::to_ascii_uppercase)
            .as_deref()
        {
            Some("DR") => format!("Dr {name}"),
            Some("PR") => format!("Pr {name}"),
            _ => name,
        }
    }
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub street: String,
    pub postal_code: String,
    pub city: String,
}

/// An establishment (author's organisation, custodian).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    pub name: String,
    /// FINESS number (9 characters, Luhn key); written as structure id `1` + FINESS.
    pub finess: String,
    /// `tel:...` or `mailto:...` URI.
    pub telecom: Option<String>,
    pub address: Option<Address>,
    /// Practice setting (JDV_J62), e.g. `ETABLISSEMENT`.
    pub practice_setting: Coded,
}

impl Organisation {
    pub fn structure_id(&self) -> String {
        format!("1{}", self.finess)
    }
}

/// The care episode the document belongs to (`componentOf/encompassingEncounter`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encounter {
    pub kind: EpisodeKind,
    pub start: DateTime<FixedOffset>,
    pub end: Option<DateTime<FixedOffset>>,
    /// Unit (service) name, written as the facility location name.
    pub unit_name: String,
    /// Type of facility (`SAxx`, 1.2.250.1.71.4.2.4).
    pub facility_type: Coded,
}

/// The act documented (`documentationOf/serviceEvent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Act {
    pub start: DateTime<FixedOffset>,
    pub end: Option<DateTime<FixedOffset>>,
    /// Act code (CCAM, LOINC, ActCode); the kind's default when `None`.
    pub code: Option<Coded>,
}

/// A simple table: one header row and body rows of text cells.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One prescribed medication, all in free text.
#[derive(Clone, PartialEq, Eq)]
pub struct MedicationLine {
    pub medication: String,
    pub posology: String,
    pub duration: String,
    pub instructions: Option<String>,
}

impl MedicationLine {
    /// The table every output shows for a list of medication lines.
    pub fn table(lines: &[Self]) -> Table {
        Table {
            header: ["Médicament", "Posologie", "Durée", "Instructions"]
                .map(str::to_owned)
                .to_vec(),
            rows: lines
                .iter()
                .map(|l| {
                    vec![
                        l.medication.clone(),
                        l.posology.clone(),
                        l.duration.clone(),
                        l.instructions.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        }
    }
}

/// Content of a section, in order.
#[derive(Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph; line breaks inside are kept.
    Paragraph(String),
    /// An unordered list.
    List(Vec<String>),
    Table(Table),
    /// Medication lines, shown as a table (see [`MedicationLine::table`]).
    Medications(Vec<MedicationLine>),
}

/// A section of the document.
#[derive(Clone, PartialEq, Eq)]
pub struct Section {
    /// LOINC code and CI-SIS templates; `None` for an uncoded section.
    pub code: Option<SectionCode>,
    pub title: String,
    pub blocks: Vec<Block>,
}

/// Everything needed to write the document in every format.
#[derive(Clone, PartialEq, Eq)]
pub struct ProducedDocument {
    pub kind: DocumentKind,
    pub title: String,
    pub ids: DocumentIds,
    /// Date of the document (`effectiveTime`, author and signature time).
    pub created: DateTime<FixedOffset>,
    pub act: Act,
    pub patient: PatientIdentity,
    /// OID under which the establishment issues IPPs.
    pub ipp_root: String,
    pub author: Professional,
    /// Signs the document; the author when `None`.
    pub legal_authenticator: Option<Professional>,
    /// Author's organisation.
    pub organisation: Organisation,
    /// Keeper of the document (usually the same establishment).
    pub custodian: Organisation,
    pub encounter: Encounter,
    pub sections: Vec<Section>,
}

fn require(value: &str, field: &'static str) -> Result<(), ProduceError> {
    if value.trim().is_empty() {
        Err(ProduceError::Missing { field })
    } else {
        Ok(())
    }
}

fn is_oid(value: &str) -> bool {
    !value.is_empty()
        && value.split('.').all(|arc| {
            !arc.is_empty()
                && arc.bytes().all(|b| b.is_ascii_digit())
                && (arc == "0" || !arc.starts_with('0'))
        })
}

fn check_oid(value: &str, field: &'static str) -> Result<(), ProduceError> {
    require(value, field)?;
    if is_oid(value) {
        Ok(())
    } else {
        Err(ProduceError::Invalid {
            field,
            rule: "un OID (chiffres séparés par des points)",
        })
    }
}

fn check_professional(p: &Professional) -> Result<(), ProduceError> {
    if p.rpps.len() != 11 || !p.rpps.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProduceError::Invalid {
            field: "RPPS",
            rule: "11 chiffres",
        });
    }
    require(&p.family, "nom du professionnel")?;
    require(&p.given, "prénom du professionnel")?;
    require(&p.specialty.code, "spécialité du professionnel")
}

fn check_organisation(o: &Organisation, field: &'static str) -> Result<(), ProduceError> {
    require(&o.name, field)?;
    check_finess(&o.finess).map_err(|_| ProduceError::Invalid {
        field: "FINESS",
        rule: "9 caractères dont une clé de Luhn",
    })
}

impl ProducedDocument {
    /// The legal authenticator: the one given, else the author.
    pub fn signer(&self) -> &Professional {
        self.legal_authenticator.as_ref().unwrap_or(&self.author)
    }

    /// True when the INS may be written (qualified identity with an INS).
    pub fn ins_usable(&self) -> bool {
        self.patient.status.ins_usable() && self.patient.ins.is_some()
    }

    /// Checks what the CDA and the PDF need; says which field is wrong, never its value.
    pub fn validate(&self) -> Result<(), ProduceError> {
        require(&self.title, "titre")?;
        check_oid(&self.ids.id.root, "racine de l'identifiant du document")?;
        check_oid(&self.ids.set_id.root, "racine du setId")?;
        check_oid(&self.ipp_root, "OID des IPP")?;
        require(&self.patient.ipp, "IPP")?;
        require(&self.patient.traits.birth_name, "nom de naissance")?;
        require(
            &self.patient.traits.birth_first_names,
            "prénoms de naissance",
        )?;
        let ids = &self.ids;
        let replaces_ok = match (&ids.replaces, ids.version) {
            (None, 1) => true,
            (Some(previous), v) if v >= 2 => previous != &ids.id,
            _ => false,
        };
        if ids.id == ids.set_id || !replaces_ok {
            return Err(ProduceError::Versioning);
        }
        check_professional(&self.author)?;
        if let Some(signer) = &self.legal_authenticator {
            check_professional(signer)?;
        }
        check_organisation(&self.organisation, "nom de l'établissement")?;
        check_organisation(&self.custodian, "nom de l'établissement dépositaire")?;
        require(&self.encounter.unit_name, "unité de soins")?;
        require(&self.encounter.facility_type.code, "type d'établissement")?;
        if self.sections.is_empty() {
            return Err(ProduceError::NoSection);
        }
        for s in &self.sections {
            require(&s.title, "titre de section")?;
        }
        Ok(())
    }
}

/// Last Sunday of a month, as a date.
fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let last = first_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_days(chrono::Days::new(u64::from(back)))
        .filter(|d| d.weekday() == Weekday::Sun)
}

/// Attaches the metropolitan France offset (CET +01:00, CEST +02:00 from the last Sunday of
/// March 02:00 to the last Sunday of October 03:00, EU rule) to a wall-clock time. Times that
/// do not exist or exist twice at the switch take the winter offset.
pub fn paris_time(local: NaiveDateTime) -> DateTime<FixedOffset> {
    let year = local.year();
    let summer = match (last_sunday(year, 3), last_sunday(year, 10)) {
        (Some(start), Some(end)) => {
            let from = start.and_hms_opt(3, 0, 0);
            let to = end.and_hms_opt(2, 0, 0);
            matches!((from, to), (Some(f), Some(t)) if local >= f && local < t)
        }
        _ => false,
    };
    let hours = if summer { 2 } else { 1 };
    let offset = FixedOffset::east_opt(hours * 3600).unwrap_or_else(|| Utc.fix());
    offset
        .from_local_datetime(&local)
        .single()
        .unwrap_or_else(|| local.and_utc().fixed_offset())
}

// Debug shows the shape only: clinical text and identities never reach a log through `{:?}`.

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Table({} columns, {} rows)",
            self.header.len(),
            self.rows.len()
        )
    }
}

impl fmt::Debug for MedicationLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MedicationLine(…)")
    }
}

impl fmt::Debug for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Paragraph(text) => write!(f, "Paragraph({} chars)", text.chars().count()),
            Self::List(items) => write!(f, "List({} items)", items.len()),
            Self::Table(t) => t.fmt(f),
            Self::Medications(lines) => write!(f, "Medications({} lines)", lines.len()),
        }
    }
}

impl fmt::Debug for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Section")
            .field("code", &self.code.map(|c| c.loinc))
            .field("blocks", &self.blocks)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ProducedDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProducedDocument")
            .field("kind", &self.kind)
            .field("version", &self.ids.version)
            .field("patient", &self.patient)
            .field("sections", &self.sections)
            .finish_non_exhaustive()
    }
}
