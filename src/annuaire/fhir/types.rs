//! Hand-written serde types of the FHIR R4 resources Chevet reads from the Annuaire Santé API
//! V2 — Bundle, Practitioner, PractitionerRole, Organization, ContactPoint with its MSSanté
//! extensions, OperationOutcome — and only the fields it uses. Unknown fields are ignored and
//! almost every field defaults, since real answers omit things. The server of the sandbox
//! writes the same shapes with `serde_json`; the URLs and systems shared by both live here.

use serde::Deserialize;

/// `fr-core-contact-point-email-type`: its `MSSANTE` coding flags a telecom as a mailbox.
pub const EXT_EMAIL_TYPE: &str =
    "https://hl7.fr/ig/fhir/core/StructureDefinition/fr-core-contact-point-email-type";
/// TRE_R256 TypeMessagerie, whose code `MSSANTE` the flag carries.
pub const SYSTEM_MESSAGING_TYPE: &str =
    "https://mos.esante.gouv.fr/NOS/TRE_R256-TypeMessagerie/FHIR/TRE-R256-TypeMessagerie";
/// `as-ext-mailbox-mss-metadata`: sub-extensions `type`, `description`, `service`, `listeRouge`.
pub const EXT_MAILBOX_METADATA: &str = "https://interop.esante.gouv.fr/ig/fhir/annuaire/StructureDefinition/as-ext-mailbox-mss-metadata";
/// JDV_J139 TypeBAL (PER, ORG, APP, CAB).
pub const SYSTEM_MAILBOX_TYPE: &str =
    "https://mos.esante.gouv.fr/NOS/JDV_J139-TypeBAL-RASS/FHIR/JDV-J139-TypeBAL-RASS";
pub const SYSTEM_RPPS: &str = "https://rpps.esante.gouv.fr";
/// IDNPS: a person's national id (type prefix + RPPS or ADELI).
pub const SYSTEM_IDNPS: &str = "urn:oid:1.2.250.1.71.4.2.1";
/// IDNST: a structure's national id (type prefix + FINESS, SIRET, RPPS rank…).
pub const SYSTEM_IDNST: &str = "urn:oid:1.2.250.1.71.4.2.2";
pub const SYSTEM_FINESS: &str = "https://finess.esante.gouv.fr";
pub const SYSTEM_PROFESSION: &str =
    "https://mos.esante.gouv.fr/NOS/TRE_G15-ProfessionSante/FHIR/TRE-G15-ProfessionSante";
pub const SYSTEM_SPECIALTY: &str =
    "https://mos.esante.gouv.fr/NOS/TRE_R38-SpecialiteOrdinale/FHIR/TRE-R38-SpecialiteOrdinale";
pub const SYSTEM_CATEGORY: &str = "https://mos.esante.gouv.fr/NOS/TRE_R09-CategorieProfessionnelle/FHIR/TRE-R09-CategorieProfessionnelle";
/// ISO 21090 address-part extensions FR Core puts on `Address.line` (`_line`).
pub const EXT_HOUSE_NUMBER: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-houseNumber";
pub const EXT_NUMBER_SUFFIX: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-buildingNumberSuffix";
pub const EXT_STREET_TYPE: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetNameType";
pub const EXT_STREET_NAME: &str =
    "http://hl7.org/fhir/StructureDefinition/iso21090-ADXP-streetNameBase";

/// A search answer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Bundle {
    pub resource_type: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub total: Option<u64>,
    pub link: Vec<BundleLink>,
    pub entry: Vec<BundleEntry>,
}

impl Bundle {
    /// `link[relation=next].url`, when there is one.
    pub fn next(&self) -> Option<&str> {
        self.link
            .iter()
            .find(|l| l.relation == "next")
            .map(|l| l.url.as_str())
            .filter(|u| !u.trim().is_empty())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BundleLink {
    pub relation: String,
    pub url: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BundleEntry {
    /// Absent or of a type Chevet does not read: [`Resource::Other`].
    pub resource: Option<Resource>,
    pub search: Option<EntrySearch>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EntrySearch {
    /// `match` or `include` (`outcome` for warnings).
    pub mode: String,
}

/// One entry's resource, by `resourceType`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "resourceType")]
pub enum Resource {
    Practitioner(Practitioner),
    PractitionerRole(PractitionerRole),
    Organization(Organization),
    OperationOutcome(OperationOutcome),
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Coding {
    pub system: String,
    pub code: String,
    pub display: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CodeableConcept {
    pub coding: Vec<Coding>,
    pub text: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Identifier {
    pub system: String,
    pub value: String,
    #[serde(rename = "type")]
    pub kind: Option<CodeableConcept>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// `Practitioner/<id>` (or an absolute URL ending so).
    pub reference: String,
}

impl Reference {
    /// The id after the last `Type/`.
    pub fn id(&self) -> &str {
        let r = self.reference.trim();
        let r = r.split(['?', '#']).next().unwrap_or(r);
        r.rsplit('/').next().unwrap_or(r)
    }
}

/// An extension, with the value types the Annuaire uses.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Extension {
    pub url: String,
    pub extension: Vec<Extension>,
    pub value_coding: Option<Coding>,
    pub value_codeable_concept: Option<CodeableConcept>,
    pub value_code: Option<String>,
    pub value_string: Option<String>,
    pub value_boolean: Option<bool>,
}

impl Extension {
    /// The first code of this extension's value, whatever its type.
    pub fn code(&self) -> Option<&str> {
        self.value_coding
            .as_ref()
            .map(|c| c.code.as_str())
            .or_else(|| {
                self.value_codeable_concept
                    .as_ref()
                    .and_then(|c| c.coding.first())
                    .map(|c| c.code.as_str())
            })
            .or(self.value_code.as_deref())
            .or(self.value_string.as_deref())
            .map(str::trim)
            .filter(|c| !c.is_empty())
    }

    pub fn sub(&self, url: &str) -> Option<&Extension> {
        self.extension.iter().find(|e| e.url == url)
    }
}

/// A telecom.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ContactPoint {
    pub system: String,
    pub value: String,
    #[serde(rename = "use")]
    pub usage: String,
    pub rank: Option<u32>,
    pub extension: Vec<Extension>,
}

/// What the `as-ext-mailbox-mss-metadata` extension says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailboxMetadata {
    /// `type` (JDV_J139), as given.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub service: Option<String>,
    /// `listeRouge`: not to be published.
    pub unlisted: bool,
}

impl ContactPoint {
    /// An MSSanté mailbox: an e-mail flagged `MSSANTE` by `fr-core-contact-point-email-type`.
    pub fn is_mss(&self) -> bool {
        self.system.eq_ignore_ascii_case("email")
            && !self.value.trim().is_empty()
            && self.extension.iter().any(|e| {
                e.url == EXT_EMAIL_TYPE
                    && e.code().is_some_and(|c| c.eq_ignore_ascii_case("MSSANTE"))
            })
    }

    pub fn metadata(&self) -> MailboxMetadata {
        let Some(ext) = self
            .extension
            .iter()
            .find(|e| e.url == EXT_MAILBOX_METADATA)
        else {
            return MailboxMetadata::default();
        };
        let text = |name: &str| ext.sub(name).and_then(Extension::code).map(str::to_owned);
        MailboxMetadata {
            kind: text("type"),
            description: text("description"),
            service: text("service"),
            unlisted: ext
                .sub("listeRouge")
                .and_then(|e| e.value_boolean)
                .unwrap_or(false),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct HumanName {
    #[serde(rename = "use")]
    pub usage: String,
    pub family: String,
    pub given: Vec<String>,
    pub prefix: Vec<String>,
    pub suffix: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Qualification {
    pub code: CodeableConcept,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Meta {
    #[serde(rename = "lastUpdated")]
    pub last_updated: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Practitioner {
    pub id: String,
    pub meta: Meta,
    pub identifier: Vec<Identifier>,
    pub active: Option<bool>,
    pub name: Vec<HumanName>,
    pub telecom: Vec<ContactPoint>,
    pub qualification: Vec<Qualification>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PractitionerRole {
    pub id: String,
    pub meta: Meta,
    pub active: Option<bool>,
    pub practitioner: Option<Reference>,
    pub organization: Option<Reference>,
    pub code: Vec<CodeableConcept>,
    pub telecom: Vec<ContactPoint>,
}

/// A primitive's sibling element (`_line`): its extensions.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Element {
    pub extension: Vec<Extension>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Address {
    pub line: Vec<String>,
    /// The extensions of each line (FR Core's house number, street type and name).
    #[serde(rename = "_line")]
    pub line_elements: Vec<Option<Element>>,
    pub postal_code: String,
    pub city: String,
    pub district: String,
    pub country: String,
    pub extension: Vec<Extension>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Organization {
    pub id: String,
    pub meta: Meta,
    pub active: Option<bool>,
    pub identifier: Vec<Identifier>,
    pub name: String,
    pub alias: Vec<String>,
    #[serde(rename = "type")]
    pub kind: Vec<CodeableConcept>,
    pub address: Vec<Address>,
    pub telecom: Vec<ContactPoint>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OperationOutcome {
    pub issue: Vec<Issue>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Issue {
    pub severity: String,
    pub code: String,
    pub diagnostics: String,
}

#[cfg(test)]
#[path = "types_tests.rs"]
pub(crate) mod tests;
