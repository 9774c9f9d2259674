//! A patient: local identifier (IPP), INS, the five birth traits (strict traits of the RNIV),
//! the names in use and the identity status, plus the consistency rules between them.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use super::identity::IdentityStatus;
use super::ins::Ins;

/// Row id of a patient in the local store (not an identity: safe to log).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PatientId(pub i64);

/// Administrative sex as the INS knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
    Unknown,
}

impl Sex {
    /// HL7 administrative gender code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Male => "M",
            Self::Female => "F",
            Self::Unknown => "U",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "M" => Some(Self::Male),
            "F" => Some(Self::Female),
            "U" | "I" | "UN" => Some(Self::Unknown),
            _ => None,
        }
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Male => "sex-male",
            Self::Female => "sex-female",
            Self::Unknown => "sex-unknown",
        }
    }
}

/// The strict traits of the RNIV: birth name, birth first names, birth date, sex, birthplace.
#[derive(Clone, PartialEq, Eq)]
pub struct BirthTraits {
    /// Nom de naissance, upper case.
    pub birth_name: String,
    /// Prénoms de naissance, in order, space separated as on the ID document.
    pub birth_first_names: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// Code INSEE of the birthplace (`99xxx` for a foreign country); unknown allowed.
    pub birthplace_insee: Option<String>,
}

impl BirthTraits {
    /// Premier prénom de naissance.
    pub fn first_first_name(&self) -> &str {
        self.birth_first_names
            .split_whitespace()
            .next()
            .unwrap_or_default()
    }
}

impl fmt::Debug for BirthTraits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BirthTraits(…)")
    }
}

/// Who a patient is: what admission records, the store keeps and demo data generates.
#[derive(Clone, PartialEq, Eq)]
pub struct PatientIdentity {
    /// Identifiant permanent du patient in this establishment.
    pub ipp: String,
    pub ins: Option<Ins>,
    pub traits: BirthTraits,
    /// Nom utilisé, when different from the birth name.
    pub used_name: Option<String>,
    /// Prénom utilisé, when different from the first birth first name.
    pub used_first_name: Option<String>,
    pub status: IdentityStatus,
}

impl fmt::Debug for PatientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PatientIdentity({:?})", self.status)
    }
}

/// A stored patient.
#[derive(Clone, PartialEq, Eq)]
pub struct Patient {
    pub id: PatientId,
    pub identity: PatientIdentity,
}

impl fmt::Debug for Patient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Patient({:?}, {:?})", self.id, self.identity.status)
    }
}

/// A consistency problem between the traits, the INS and the status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityProblem {
    #[error("le nom de naissance est obligatoire")]
    MissingBirthName,
    #[error("au moins un prénom de naissance est obligatoire")]
    MissingFirstName,
    #[error("ce statut d'identité exige un INS")]
    MissingIns,
    #[error("le sexe ne correspond pas au premier chiffre du matricule INS")]
    SexMismatch,
    #[error("l'année de naissance ne correspond pas au matricule INS")]
    BirthYearMismatch,
}

impl PatientIdentity {
    /// Name for display: used name (birth name) and used first name, French order.
    pub fn display_name(&self) -> String {
        let first = self
            .used_first_name
            .as_deref()
            .unwrap_or_else(|| self.traits.first_first_name());
        match self.used_name.as_deref() {
            Some(used) if used != self.traits.birth_name => {
                format!("{used} ({}) {first}", self.traits.birth_name)
            }
            _ => format!("{} {first}", self.traits.birth_name),
        }
    }

    /// Checks the rules an identity must satisfy before it is saved.
    pub fn problems(&self) -> Vec<IdentityProblem> {
        identity_problems(&self.traits, self.ins.as_ref(), self.status)
    }
}

impl Patient {
    pub fn display_name(&self) -> String {
        self.identity.display_name()
    }
}

/// The rules shared by new and existing patients.
pub fn identity_problems(
    traits: &BirthTraits,
    ins: Option<&Ins>,
    status: IdentityStatus,
) -> Vec<IdentityProblem> {
    let mut out = Vec::new();
    if traits.birth_name.trim().is_empty() {
        out.push(IdentityProblem::MissingBirthName);
    }
    if traits.birth_first_names.trim().is_empty() {
        out.push(IdentityProblem::MissingFirstName);
    }
    match ins {
        None if status.requires_ins() => out.push(IdentityProblem::MissingIns),
        None => {}
        Some(ins) => {
            let digit = ins.matricule.sex_digit();
            let sex_ok = match traits.sex {
                Sex::Male => matches!(digit, 1 | 3 | 7),
                Sex::Female => matches!(digit, 2 | 4 | 8),
                Sex::Unknown => true,
            };
            if !sex_ok {
                out.push(IdentityProblem::SexMismatch);
            }
            let yy = &ins.matricule.as_str()[1..3];
            if !ins.matricule.is_nia() && yy != format!("{:02}", traits.birth_date.year() % 100) {
                out.push(IdentityProblem::BirthYearMismatch);
            }
        }
    }
    out
}

/// Folds a name for search: upper case, no diacritics, separators collapsed to one space.
pub fn search_key(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
            last_space = false;
        } else if !last_space {
            out.push(' ');
            last_space = true;
        }
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ins::{Ins, OID_INS_NIR_TEST};

    fn traits(sex: Sex, year: i32) -> BirthTraits {
        BirthTraits {
            birth_name: "MARTIN".into(),
            birth_first_names: "Jeanne Marie".into(),
            birth_date: NaiveDate::from_ymd_opt(year, 5, 17).expect("date"),
            sex,
            birthplace_insee: Some("76451".into()),
        }
    }

    fn ins() -> Ins {
        Ins::parse("184057645108931", OID_INS_NIR_TEST).expect("valid")
    }

    #[test]
    fn consistent_identity_has_no_problem() {
        let p = identity_problems(
            &traits(Sex::Male, 1984),
            Some(&ins()),
            IdentityStatus::Qualifiee,
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn sex_and_year_must_match_the_ins() {
        let p = identity_problems(
            &traits(Sex::Female, 1985),
            Some(&ins()),
            IdentityStatus::Qualifiee,
        );
        assert_eq!(
            p,
            vec![
                IdentityProblem::SexMismatch,
                IdentityProblem::BirthYearMismatch
            ]
        );
    }

    #[test]
    fn statuses_that_need_an_ins_refuse_none() {
        let p = identity_problems(&traits(Sex::Male, 1984), None, IdentityStatus::Recuperee);
        assert_eq!(p, vec![IdentityProblem::MissingIns]);
        let p = identity_problems(&traits(Sex::Male, 1984), None, IdentityStatus::Validee);
        assert!(p.is_empty());
    }

    #[test]
    fn search_key_folds_case_and_accents() {
        assert_eq!(
            search_key("  Hélène  D'Aubigné-Côté "),
            "HELENE D AUBIGNE COTE"
        );
        assert_eq!(search_key("ÉLOÏSE"), "ELOISE");
        assert_eq!(search_key(""), "");
    }

    #[test]
    fn display_name_uses_used_names_and_keeps_birth_name() {
        let p = Patient {
            id: PatientId(1),
            identity: PatientIdentity {
                ipp: "1".into(),
                ins: None,
                traits: traits(Sex::Female, 1984),
                used_name: Some("DURAND".into()),
                used_first_name: None,
                status: IdentityStatus::Provisoire,
            },
        };
        assert_eq!(p.display_name(), "DURAND (MARTIN) Jeanne");
        assert!(!format!("{p:?}").contains("MARTIN"));
    }
}
