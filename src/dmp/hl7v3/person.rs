//! Identity data the DMP returns about a patient (TD0.2, TD1.3a): national identifiers (INS,
//! legacy INS-C), names, sex, birth date, telecoms, addresses and legal representatives.
//!
//! These are the DMP's copy, not the local identity: the UI must be able not to show them
//! ("centre de régulation" mode, RG_0320). Every type here prints as `…` through `Debug`, so
//! none of it can reach a log by accident.

use std::fmt;

use chrono::NaiveDate;

use super::message::parse_date;
use crate::dmp::error::WireCode;
use crate::domain::Sex;
use crate::domain::ins::{Ins, InsOid};
use crate::xml::Element;

/// OID of the legacy INS-C (computed INS), still returned by the DMP.
pub const OID_INS_C: &str = "1.2.250.1.213.1.4.2";

/// What kind of national identifier an id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NationalIdKind {
    /// INS-C (legacy, 22 digits).
    InsC,
    /// INS (NIR, NIA, test or demo NIR).
    Ins(InsOid),
    Other,
}

/// One patient identifier (`id` root + extension, or `nationalId` + `nationalIdType`).
#[derive(Clone, PartialEq, Eq)]
pub struct NationalId {
    /// The OID.
    pub root: String,
    /// The identifier itself.
    pub extension: String,
}

impl NationalId {
    pub fn new(root: &str, extension: &str) -> Self {
        Self {
            root: root.trim().to_owned(),
            extension: extension.trim().to_owned(),
        }
    }

    pub fn kind(&self) -> NationalIdKind {
        if self.root == OID_INS_C {
            return NationalIdKind::InsC;
        }
        InsOid::parse(&self.root).map_or(NationalIdKind::Other, NationalIdKind::Ins)
    }

    /// The INS, when this is one and its key is valid.
    pub fn to_ins(&self) -> Option<Ins> {
        match self.kind() {
            NationalIdKind::Ins(_) => Ins::parse(&self.extension, &self.root).ok(),
            _ => None,
        }
    }
}

impl fmt::Debug for NationalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({:?}, …)", self.kind())
    }
}

/// A family name with its HL7 qualifier (`BR` birth, `SP` spouse/used, `CL` chosen).
#[derive(Clone, PartialEq, Eq)]
pub struct FamilyName {
    pub qualifier: Option<String>,
    pub value: String,
}

/// One `name` (HL7 PN).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PersonName {
    /// Civility (`M`, `MME`…).
    pub prefixes: Vec<String>,
    pub given: Vec<String>,
    pub families: Vec<FamilyName>,
}

impl PersonName {
    /// Birth name: the family qualified `BR`, else an unqualified one.
    pub fn birth_name(&self) -> Option<&str> {
        self.family_with(Some("BR"))
            .or_else(|| self.family_with(None))
    }

    /// Name in use: the family qualified `SP` or `CL`, else an unqualified one.
    pub fn used_name(&self) -> Option<&str> {
        self.family_with(Some("SP"))
            .or_else(|| self.family_with(Some("CL")))
            .or_else(|| self.family_with(None))
    }

    fn family_with(&self, qualifier: Option<&str>) -> Option<&str> {
        self.families
            .iter()
            .find(|f| f.qualifier.as_deref() == qualifier)
            .map(|f| f.value.as_str())
    }

    pub(crate) fn read(name: Element<'_>) -> Self {
        let texts = |local: &str| -> Vec<String> {
            name.children_named(local)
                .filter_map(|e| e.text_trim())
                .map(str::to_owned)
                .collect()
        };
        Self {
            prefixes: texts("prefix"),
            given: texts("given"),
            families: name
                .children_named("family")
                .filter_map(|f| {
                    Some(FamilyName {
                        qualifier: f.attr_trim("qualifier").map(str::to_owned),
                        value: f.text_trim()?.to_owned(),
                    })
                })
                .collect(),
        }
    }
}

/// One `telecom`: `tel:…` or `mailto:…`, with its use (`MC` mobile, `HP` home…).
#[derive(Clone, PartialEq, Eq)]
pub struct Telecom {
    pub use_code: Option<String>,
    pub value: String,
}

/// One `addr`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Address {
    /// `streetAddressLine` and `additionalLocator`, in order.
    pub lines: Vec<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country: Option<String>,
}

impl Address {
    pub(crate) fn read(addr: Element<'_>) -> Self {
        Self {
            lines: addr
                .children()
                .filter(|c| matches!(c.local(), "streetAddressLine" | "additionalLocator"))
                .filter_map(|e| e.text_trim())
                .map(str::to_owned)
                .collect(),
            postal_code: addr.child_text_trim("postalCode").map(str::to_owned),
            city: addr.child_text_trim("city").map(str::to_owned),
            country: addr.child_text_trim("country").map(str::to_owned),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
            && self.postal_code.is_none()
            && self.city.is_none()
            && self.country.is_none()
    }
}

/// The patient's identity traits as the DMP holds them (`patientPerson`).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct PatientTraits {
    pub names: Vec<PersonName>,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub deceased: Option<bool>,
    /// Duplicates as sent (the DMP repeats some).
    pub telecoms: Vec<Telecom>,
    pub addresses: Vec<Address>,
    /// Birthplace address, when not empty.
    pub birth_place: Option<Address>,
}

impl PatientTraits {
    pub(crate) fn read(person: Element<'_>) -> Self {
        Self {
            names: person
                .children_named("name")
                .map(PersonName::read)
                .collect(),
            sex: person
                .child("administrativeGenderCode")
                .and_then(|g| g.attr_trim("code"))
                .and_then(Sex::from_code),
            birth_date: person
                .child("birthTime")
                .and_then(|b| b.attr_trim("value"))
                .and_then(parse_date),
            deceased: person
                .child("deceasedInd")
                .and_then(|d| d.attr_trim("value"))
                .and_then(parse_bool),
            telecoms: read_telecoms(person),
            addresses: person
                .children_named("addr")
                .map(Address::read)
                .filter(|a| !a.is_empty())
                .collect(),
            birth_place: person
                .path(&["birthPlace", "addr"])
                .map(Address::read)
                .filter(|a| !a.is_empty()),
        }
    }
}

/// A `personalRelationship` of the patient: a legal representative.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct LegalRepresentative {
    /// `code/@code`, e.g. `FTH` (father), `MTH`, `GUARD` (HL7 PersonalRelationshipRoleType).
    pub relationship: Option<WireCode>,
    pub name: Option<PersonName>,
    pub telecoms: Vec<Telecom>,
    pub address: Option<Address>,
}

impl LegalRepresentative {
    pub(crate) fn read(rel: Element<'_>) -> Self {
        Self {
            relationship: rel
                .child("code")
                .and_then(|c| c.attr_trim("code"))
                .map(WireCode::new),
            name: rel
                .path(&["relationshipHolder1", "name"])
                .map(PersonName::read),
            telecoms: read_telecoms(rel),
            address: rel
                .child("addr")
                .map(Address::read)
                .filter(|a| !a.is_empty()),
        }
    }
}

fn read_telecoms(parent: Element<'_>) -> Vec<Telecom> {
    parent
        .children_named("telecom")
        .filter_map(|t| {
            Some(Telecom {
                use_code: t.attr_trim("use").map(str::to_owned),
                value: t.attr_trim("value")?.to_owned(),
            })
        })
        .collect()
}

/// HL7 BL: `true` / `false`.
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    match value.trim() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

macro_rules! redacted_debug {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($t), "(…)"))
            }
        }
    )*};
}

redacted_debug!(
    FamilyName,
    PersonName,
    Telecom,
    Address,
    PatientTraits,
    LegalRepresentative
);
