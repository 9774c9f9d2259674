//! Public data types of a parsed CDA header: identifiers, codes, person names, professionals,
//! organisations, the patient (recordTarget), service events, the encounter and related
//! documents. Plain data; the parsing lives in `header.rs`.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::InsOid;

/// OID of the national health professional identifier (RPPS / ADELI, "identifiant national").
pub const OID_PS_NATIONAL_ID: &str = "1.2.250.1.71.4.2.1";

/// An HL7 instance identifier (`II`): `root` and optional `extension`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InstanceId {
    pub root: String,
    pub extension: Option<String>,
}

impl InstanceId {
    /// `root` or `root^extension`, the form of an XDS uniqueId.
    pub fn to_uid(&self) -> String {
        match &self.extension {
            Some(ext) => format!("{}^{}", self.root, ext),
            None => self.root.clone(),
        }
    }

    /// The INS register this id belongs to, when its root is one of the INS OIDs.
    pub fn ins_oid(&self) -> Option<InsOid> {
        InsOid::parse(&self.root)
    }

    pub fn is_ins(&self) -> bool {
        self.ins_oid().is_some()
    }
}

/// A coded value (`CD`/`CE`/`CS`); absent parts are empty strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Code {
    pub code: String,
    pub system: String,
    pub display_name: String,
}

/// One part of a person name with its HL7 qualifier (`BR` birth, `CL` used, `SP` spouse...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamePart {
    pub value: String,
    pub qualifier: Option<String>,
}

/// A person name (`PN`), parts in document order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PersonName {
    pub prefixes: Vec<String>,
    pub given: Vec<NamePart>,
    pub family: Vec<NamePart>,
    pub suffixes: Vec<String>,
}

impl PersonName {
    fn find<'n>(parts: &'n [NamePart], qualifiers: &[&str]) -> Option<&'n str> {
        qualifiers.iter().find_map(|q| {
            parts
                .iter()
                .find(|p| p.qualifier.as_deref().unwrap_or("") == *q)
                .map(|p| p.value.as_str())
        })
    }

    /// Birth family name: qualifier `BR`, else the first unqualified one, else the first one.
    pub fn birth_family(&self) -> Option<&str> {
        Self::find(&self.family, &["BR", ""]).or(self.family.first().map(|p| p.value.as_str()))
    }

    /// Used family name: `CL`, else `SP` (older documents), else the birth name.
    pub fn used_family(&self) -> Option<&str> {
        Self::find(&self.family, &["CL", "SP"]).or_else(|| self.birth_family())
    }

    /// Birth given names (all of them): the unqualified `given`, else the `BR` one.
    pub fn birth_given(&self) -> Option<&str> {
        Self::find(&self.given, &["", "BR"]).or(self.given.first().map(|p| p.value.as_str()))
    }

    /// First given name of the birth certificate: `BR`, else the first word of the given names.
    pub fn first_given(&self) -> Option<&str> {
        Self::find(&self.given, &["BR"])
            .or_else(|| self.birth_given().and_then(|g| g.split_whitespace().next()))
    }

    /// Used given name: `CL`, else the first given name.
    pub fn used_given(&self) -> Option<&str> {
        Self::find(&self.given, &["CL"]).or_else(|| self.first_given())
    }

    /// "Prénom NOM" (used names, all given names when they are not qualified), without titles;
    /// empty when the name has no parts.
    pub fn display(&self) -> String {
        let given = Self::find(&self.given, &["CL", "", "BR"])
            .or(self.given.first().map(|p| p.value.as_str()));
        let parts = [given, self.used_family()];
        parts.into_iter().flatten().collect::<Vec<_>>().join(" ")
    }

    /// "Dr Prénom NOM" when a prefix or suffix says `DR` (or `PR`), else [`Self::display`].
    pub fn display_with_title(&self) -> String {
        let title = self.prefixes.iter().chain(&self.suffixes).find_map(|t| {
            match t.trim_end_matches('.').to_ascii_uppercase().as_str() {
                "DR" => Some("Dr"),
                "PR" => Some("Pr"),
                _ => None,
            }
        });
        let name = self.display();
        match title {
            Some(t) if !name.is_empty() => format!("{t} {name}"),
            _ => name,
        }
    }
}

/// An organisation (represented, custodian, service provider).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Organisation {
    pub ids: Vec<InstanceId>,
    pub name: String,
}

/// A health professional as an author or legal authenticator (`assignedAuthor` /
/// `assignedEntity`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Professional {
    /// `author/time` or `legalAuthenticator/time`.
    pub time: Option<NaiveDateTime>,
    pub ids: Vec<InstanceId>,
    /// Profession / specialty code with its display name.
    pub specialty: Option<Code>,
    pub name: Option<PersonName>,
    /// Name of the software, when the author is a device.
    pub device: Option<String>,
    pub organisation: Option<Organisation>,
}

impl Professional {
    /// The national identifier (root 1.2.250.1.71.4.2.1), when present.
    pub fn national_id(&self) -> Option<&InstanceId> {
        self.ids.iter().find(|id| id.root == OID_PS_NATIONAL_ID)
    }

    /// "Prénom NOM", or the device name, or empty.
    pub fn display_name(&self) -> String {
        match (&self.name, &self.device) {
            (Some(name), _) if !name.display().is_empty() => name.display(),
            (_, Some(device)) => device.clone(),
            _ => String::new(),
        }
    }
}

/// The patient of the document (`recordTarget/patientRole`). Its `Debug` shows no identity.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PatientRole {
    pub ids: Vec<InstanceId>,
    pub names: Vec<PersonName>,
    /// `administrativeGenderCode/@code` (M, F, U).
    pub gender: Option<String>,
    /// `birthTime/@value` as written (may be partial).
    pub birth_time: Option<String>,
    /// Birthplace `addr/county` (INSEE code of the commune).
    pub birthplace_county: Option<String>,
    pub birthplace_postal_code: Option<String>,
    pub birthplace_city: Option<String>,
}

impl fmt::Debug for PatientRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PatientRole")
            .field("ids", &self.ids.len())
            .field("ins", &self.ins().and_then(InstanceId::ins_oid))
            .field("names", &self.names.len())
            .finish_non_exhaustive()
    }
}

impl PatientRole {
    /// The first id whose root is an INS OID.
    pub fn ins(&self) -> Option<&InstanceId> {
        self.ids.iter().find(|id| id.is_ins())
    }

    /// Ids that are not INS (local IPP...).
    pub fn other_ids(&self) -> impl Iterator<Item = &InstanceId> {
        self.ids.iter().filter(|id| !id.is_ins())
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        self.birth_time.as_deref().and_then(super::time::parse_date)
    }
}

/// An interval of time (`IVL_TS`); a single `value` is read as `low`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interval {
    pub low: Option<NaiveDateTime>,
    pub high: Option<NaiveDateTime>,
}

/// `documentationOf/serviceEvent`: the act documented.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ServiceEvent {
    pub code: Option<Code>,
    pub time: Interval,
}

/// `componentOf/encompassingEncounter`: the care episode.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Encounter {
    pub code: Option<Code>,
    pub time: Interval,
    /// `location/healthCareFacility/code` (type of facility).
    pub facility_code: Option<Code>,
    /// `location/healthCareFacility/location/name`.
    pub facility_name: Option<String>,
    /// `location/healthCareFacility/serviceProviderOrganization/name`.
    pub service_provider: Option<String>,
}

/// `relatedDocument`: the previous version this document replaces (`RPLC`) or appends (`APND`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RelatedDocument {
    pub type_code: String,
    pub parent_id: Option<InstanceId>,
    pub parent_set_id: Option<InstanceId>,
    pub parent_version: Option<u32>,
}

/// Everything read from the CDA header.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    pub id: InstanceId,
    pub set_id: Option<InstanceId>,
    pub version_number: Option<u32>,
    /// Roots of the document-level templateIds.
    pub template_ids: Vec<String>,
    pub code: Option<Code>,
    pub title: String,
    pub effective_time: Option<NaiveDateTime>,
    pub confidentiality: Option<Code>,
    pub language: Option<String>,
    pub patient: Option<PatientRole>,
    pub authors: Vec<Professional>,
    pub custodian: Option<Organisation>,
    pub legal_authenticator: Option<Professional>,
    pub service_events: Vec<ServiceEvent>,
    pub encounter: Option<Encounter>,
    pub related: Vec<RelatedDocument>,
}

impl Header {
    /// Parent id of the `RPLC` relation, when this version replaces another one.
    pub fn replaces(&self) -> Option<&InstanceId> {
        self.related
            .iter()
            .find(|r| r.type_code.eq_ignore_ascii_case("RPLC"))
            .and_then(|r| r.parent_id.as_ref())
    }

    /// Start of the first service event that has one.
    pub fn service_start(&self) -> Option<NaiveDateTime> {
        self.service_events.iter().find_map(|s| s.time.low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part(value: &str, qualifier: Option<&str>) -> NamePart {
        NamePart {
            value: value.into(),
            qualifier: qualifier.map(Into::into),
        }
    }

    #[test]
    fn name_qualifiers() {
        let name = PersonName {
            prefixes: vec!["M".into()],
            given: vec![
                part("JEAN PIERRE", None),
                part("JEAN", Some("BR")),
                part("JP", Some("CL")),
            ],
            family: vec![part("MARTIN", Some("BR")), part("DURAND", Some("SP"))],
            suffixes: vec!["DR".into()],
        };
        assert_eq!(name.birth_family(), Some("MARTIN"));
        assert_eq!(name.used_family(), Some("DURAND"));
        assert_eq!(name.birth_given(), Some("JEAN PIERRE"));
        assert_eq!(name.first_given(), Some("JEAN"));
        assert_eq!(name.used_given(), Some("JP"));
        assert_eq!(name.display(), "JP DURAND");
        assert_eq!(name.display_with_title(), "Dr JP DURAND");

        let plain = PersonName {
            given: vec![part("Marcel", None)],
            family: vec![part("CAMPARINI", None)],
            ..PersonName::default()
        };
        assert_eq!(plain.display(), "Marcel CAMPARINI");
        assert_eq!(plain.display_with_title(), "Marcel CAMPARINI");
        assert_eq!(PersonName::default().display(), "");
    }

    #[test]
    fn uid_and_ins() {
        let id = InstanceId {
            root: "1.2.250.1.213.1.4.10".into(),
            extension: Some("279035121518989".into()),
        };
        assert_eq!(id.to_uid(), "1.2.250.1.213.1.4.10^279035121518989");
        assert_eq!(id.ins_oid(), Some(InsOid::TestNir));
        let ipp = InstanceId {
            root: "1.2.3".into(),
            extension: None,
        };
        assert_eq!(ipp.to_uid(), "1.2.3");
        assert!(!ipp.is_ins());
    }
}
