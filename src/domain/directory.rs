//! The professionals' directory (Annuaire Santé): one MSSanté mailbox and who holds it, as the
//! bulk extract `Extraction_Correspondance_MSSante` lists it or as the FHIR API confirmed it,
//! and what a search asks. Public data about professionals and organisations, no patient.

use chrono::{DateTime, Utc};

/// `Type de BAL` (JDV_J139): whose mailbox it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum MailboxKind {
    /// PER: a person's own mailbox.
    #[default]
    Personal,
    /// ORG: an organisation's (a service, a secretariat).
    Organisation,
    /// APP: an application's.
    Application,
    /// CAB: a practice's.
    Practice,
}

impl MailboxKind {
    /// The code in the extract and in the FHIR metadata extension.
    pub fn code(self) -> &'static str {
        match self {
            Self::Personal => "PER",
            Self::Organisation => "ORG",
            Self::Application => "APP",
            Self::Practice => "CAB",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim().to_ascii_uppercase().as_str() {
            "PER" => Some(Self::Personal),
            "ORG" => Some(Self::Organisation),
            "APP" => Some(Self::Application),
            "CAB" => Some(Self::Practice),
            _ => None,
        }
    }
}

/// Where an entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DirectorySource {
    /// The last imported bulk extract.
    #[default]
    Extract,
    /// The FHIR API, on the date it confirmed (or added) the entry.
    Api { confirmed_at: DateTime<Utc> },
}

/// The structure's postal address, as the extract's columns 21–31 give it (L2–L6 of the
/// AFNOR postal standard). Every field may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PostalAddress {
    /// L2: complement of location (building, floor, service).
    pub complement: String,
    /// L3: complement of distribution (BP, CS).
    pub distribution: String,
    /// L4: street number, its complement (bis, ter), street type code (R, AV, BD…) and label.
    pub street_number: String,
    pub street_number_complement: String,
    pub street_type: String,
    pub street_label: String,
    /// L5: lieu-dit or mention.
    pub locality: String,
    /// L6: routing line, usually "75016 PARIS".
    pub routing_line: String,
    pub postal_code: String,
    /// Department code (75, 2A, 971…).
    pub department: String,
    pub country: String,
}

impl PostalAddress {
    /// The street line: "12 bis R DE LA PAIX".
    pub fn street_line(&self) -> String {
        join_words([
            self.street_number.as_str(),
            self.street_number_complement.as_str(),
            self.street_type.as_str(),
            self.street_label.as_str(),
        ])
    }

    /// The city as the routing line names it, without its postal code.
    pub fn city(&self) -> &str {
        let line = self.routing_line.trim();
        match line.split_once(' ') {
            Some((code, rest)) if code.chars().all(|c| c.is_ascii_digit()) => rest.trim(),
            _ => line,
        }
    }

    /// One line for display: street, postal code and city.
    pub fn one_line(&self) -> String {
        let street = self.street_line();
        let town = if self.routing_line.trim().is_empty() {
            join_words([self.postal_code.as_str()])
        } else {
            self.routing_line.trim().to_owned()
        };
        match (street.is_empty(), town.is_empty()) {
            (false, false) => format!("{street}, {town}"),
            (false, true) => street,
            (true, _) => town,
        }
    }
}

fn join_words<'a>(words: impl IntoIterator<Item = &'a str>) -> String {
    words
        .into_iter()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One MSSanté mailbox and its holder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectoryEntry {
    pub kind: MailboxKind,
    /// The MSSanté address (`Adresse BAL`).
    pub mailbox: String,
    /// `Type Identifiant PP`: `8` RPPS, `0` ADELI (empty for an organisation's mailbox).
    pub person_id_type: String,
    /// `Identifiant PP`: the RPPS (11 digits) or ADELI number.
    pub person_id: String,
    /// `Identification nationale PP`: type prefix + id (`8` + RPPS), the idNat_PS.
    pub national_id: String,
    /// `Type identifiant structure` (TRE_G07) and `Identification Structure`.
    pub structure_id_type: String,
    pub structure_id: String,
    /// `Service de rattachement`.
    pub service: String,
    /// Civility code (M, MME, DR, PR…).
    pub civility: String,
    pub family_name: String,
    pub given_name: String,
    /// `Catégorie profession` (TRE_R09: C civil, M military…) and its label.
    pub category_code: String,
    pub category_label: String,
    /// `Code Profession` (TRE_G15: 10 médecin…) and its label.
    pub profession_code: String,
    pub profession_label: String,
    /// `Code savoir-faire` (TRE_R38: SM54 médecine générale…) and its label.
    pub specialty_code: String,
    pub specialty_label: String,
    /// `Dématérialisation` as given (`O`/`N` when present).
    pub dematerialisation: String,
    /// `Raison Sociale structure BAL` and `Enseigne commerciale structure BAL`.
    pub organisation: String,
    pub trade_name: String,
    pub address: PostalAddress,
    /// `listeRouge` of the FHIR metadata: never shown nor proposed.
    pub unlisted: bool,
    pub source: DirectorySource,
}

/// The columns of the bulk extract (and of the store's rows, in the same order).
pub const FIELD_COUNT: usize = 31;

impl DirectoryEntry {
    /// The extract's 31 columns, in its order: the mailbox type's code, then the texts.
    pub fn fields(&self) -> [&str; FIELD_COUNT] {
        let a = &self.address;
        [
            self.kind.code(),
            &self.mailbox,
            &self.person_id_type,
            &self.person_id,
            &self.national_id,
            &self.structure_id_type,
            &self.structure_id,
            &self.service,
            &self.civility,
            &self.family_name,
            &self.given_name,
            &self.category_code,
            &self.category_label,
            &self.profession_code,
            &self.profession_label,
            &self.specialty_code,
            &self.specialty_label,
            &self.dematerialisation,
            &self.organisation,
            &self.trade_name,
            &a.complement,
            &a.distribution,
            &a.street_number,
            &a.street_number_complement,
            &a.street_type,
            &a.street_label,
            &a.locality,
            &a.routing_line,
            &a.postal_code,
            &a.department,
            &a.country,
        ]
    }

    /// An entry (from the extract, listed) from the 31 columns; `None` for an unknown
    /// mailbox type.
    pub fn from_fields(fields: [String; FIELD_COUNT]) -> Option<Self> {
        let [
            kind,
            mailbox,
            person_id_type,
            person_id,
            national_id,
            structure_id_type,
            structure_id,
            service,
            civility,
            family_name,
            given_name,
            category_code,
            category_label,
            profession_code,
            profession_label,
            specialty_code,
            specialty_label,
            dematerialisation,
            organisation,
            trade_name,
            complement,
            distribution,
            street_number,
            street_number_complement,
            street_type,
            street_label,
            locality,
            routing_line,
            postal_code,
            department,
            country,
        ] = fields;
        Some(Self {
            kind: MailboxKind::from_code(&kind)?,
            mailbox,
            person_id_type,
            person_id,
            national_id,
            structure_id_type,
            structure_id,
            service,
            civility,
            family_name,
            given_name,
            category_code,
            category_label,
            profession_code,
            profession_label,
            specialty_code,
            specialty_label,
            dematerialisation,
            organisation,
            trade_name,
            address: PostalAddress {
                complement,
                distribution,
                street_number,
                street_number_complement,
                street_type,
                street_label,
                locality,
                routing_line,
                postal_code,
                department,
                country,
            },
            unlisted: false,
            source: DirectorySource::Extract,
        })
    }

    /// "Dr Marie DURAND" / the organisation's name for an ORG mailbox.
    pub fn display_name(&self) -> String {
        let person = join_words([self.given_name.as_str(), self.family_name.as_str()]);
        if person.is_empty() {
            if self.organisation.trim().is_empty() {
                self.mailbox.clone()
            } else {
                self.organisation.trim().to_owned()
            }
        } else {
            person
        }
    }

    /// The RPPS when the person id is one (type 8, 11 digits).
    pub fn rpps(&self) -> Option<&str> {
        let id = self.person_id.trim();
        (self.person_id_type.trim() == "8"
            && id.len() == 11
            && id.bytes().all(|b| b.is_ascii_digit()))
        .then_some(id)
    }
}

/// What the user typed and the filters beside it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DirectoryQuery {
    /// Free text: name, first name, RPPS, profession, specialty, organisation, street, postal
    /// code, city or mailbox; accents and case ignored.
    pub text: String,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    /// A profession code (TRE_G15) or words of its label.
    pub profession: Option<String>,
    pub limit: usize,
}

/// Why an entry matched, best first (the order of the results).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MatchRank {
    /// The RPPS (or ADELI, or idNat) typed exactly.
    ExactId,
    /// The mailbox typed exactly.
    ExactMailbox,
    /// The family name equals the first word, the rest matched.
    ExactName,
    /// The family (or given) name starts with the first word.
    NamePrefix,
    /// Every word starts a word somewhere in the entry.
    Elsewhere,
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryHit {
    /// The store's id of the entry (stable until the next import).
    pub id: i64,
    pub entry: DirectoryEntry,
    pub rank: MatchRank,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn street_line_and_city_read_the_afnor_lines() {
        let a = PostalAddress {
            street_number: "12".into(),
            street_number_complement: "B".into(),
            street_type: "R".into(),
            street_label: "DE LA PAIX".into(),
            routing_line: "75002 PARIS".into(),
            postal_code: "75002".into(),
            ..PostalAddress::default()
        };
        assert_eq!(a.street_line(), "12 B R DE LA PAIX");
        assert_eq!(a.city(), "PARIS");
        assert_eq!(a.one_line(), "12 B R DE LA PAIX, 75002 PARIS");
    }

    #[test]
    fn rpps_only_for_type_8_with_eleven_digits() {
        let mut e = DirectoryEntry {
            person_id_type: "8".into(),
            person_id: "10101234567".into(),
            ..DirectoryEntry::default()
        };
        assert_eq!(e.rpps(), Some("10101234567"));
        e.person_id_type = "0".into();
        assert_eq!(e.rpps(), None);
        assert_eq!(
            MailboxKind::from_code("org"),
            Some(MailboxKind::Organisation)
        );
    }
}
