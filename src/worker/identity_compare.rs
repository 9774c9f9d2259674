//! The field-by-field comparison of the identity INSi returned with the folder's strict traits
//! (birth name, birth first names, sex, birth date, birthplace), shown before a professional
//! accepts or refuses it. A difference of case, accents or separators (hyphen, apostrophe,
//! space) is told apart from a real one; a trait the folder lacks (the birthplace, the other
//! first names) is "completed". Only an identity without a real difference may be accepted.
//! Pure: no I/O, nothing logged.

use std::fmt;

use chrono::NaiveDate;

use crate::domain::patient::search_key;
use crate::domain::{BirthTraits, Ins, Sex};

/// A strict trait of the RNIV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraitField {
    BirthName,
    FirstNames,
    Sex,
    BirthDate,
    Birthplace,
}

impl TraitField {
    /// Code used in the history's detail (`birth-name:accents`).
    pub fn code(self) -> &'static str {
        match self {
            Self::BirthName => "birth-name",
            Self::FirstNames => "first-names",
            Self::Sex => "sex",
            Self::BirthDate => "birth-date",
            Self::Birthplace => "birthplace",
        }
    }

    /// Fluent message id of the trait's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::BirthName => "identity-trait-birth-name",
            Self::FirstNames => "identity-trait-first-names",
            Self::Sex => "identity-trait-sex",
            Self::BirthDate => "identity-trait-birth-date",
            Self::Birthplace => "identity-trait-birthplace",
        }
    }
}

/// How a returned trait compares with the folder's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Agreement {
    /// Written the same.
    Same,
    /// The same once written alike: upper/lower case, accents, separators (each flag tells
    /// which of them differ).
    Written {
        case: bool,
        accents: bool,
        separators: bool,
    },
    /// The folder lacked it, or held only its beginning (the first first names).
    Completed,
    /// A real difference: the identity must not be accepted as it is.
    Different,
}

impl Agreement {
    /// Codes for the history's detail (`case+accents`), `None` when the same.
    pub fn code(self) -> Option<String> {
        match self {
            Self::Same => None,
            Self::Written {
                case,
                accents,
                separators,
            } => {
                let parts: Vec<&str> = [
                    (case, "case"),
                    (accents, "accents"),
                    (separators, "separators"),
                ]
                .into_iter()
                .filter_map(|(on, code)| on.then_some(code))
                .collect();
                Some(parts.join("+"))
            }
            Self::Completed => Some("completed".into()),
            Self::Different => Some("different".into()),
        }
    }
}

/// One line of the comparison table.
#[derive(Clone, PartialEq, Eq)]
pub struct TraitComparison {
    pub field: TraitField,
    /// As the folder holds it (the sex as its code, the date as `YYYY-MM-DD`).
    pub local: String,
    /// As INSi returned it.
    pub returned: String,
    pub agreement: Agreement,
}

impl fmt::Debug for TraitComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraitComparison({:?}, {:?})", self.field, self.agreement)
    }
}

/// The identity INSi returned, as the folder would store it.
#[derive(Clone, PartialEq, Eq)]
pub struct ReturnedIdentity {
    /// The active INS (`INSACTIF`).
    pub ins: Ins,
    /// How many earlier INS INSi knows for this person (`INSHISTO`).
    pub earlier_ins: usize,
    /// The reference traits: birth name, every birth first name, sex, date, birthplace.
    pub traits: BirthTraits,
}

impl fmt::Debug for ReturnedIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ReturnedIdentity({:?})", self.ins)
    }
}

/// What the professional sees before accepting or refusing: the identity returned, the
/// folder's traits it was compared with, the table, and the search's number of calls.
#[derive(Clone, PartialEq, Eq)]
pub struct InsComparison {
    pub returned: ReturnedIdentity,
    /// The folder's traits at the time of the search: accepting checks they did not change.
    pub local: BirthTraits,
    pub rows: Vec<TraitComparison>,
    /// INSi calls the search took.
    pub calls: u32,
}

impl fmt::Debug for InsComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InsComparison({:?}, {} calls)", self.rows, self.calls)
    }
}

impl InsComparison {
    /// Compares `returned` with the folder's `local` traits.
    pub fn new(returned: ReturnedIdentity, local: BirthTraits, calls: u32) -> Self {
        let rows = compare(&local, &returned.traits);
        Self {
            returned,
            local,
            rows,
            calls,
        }
    }

    /// No real difference: the identity may be accepted.
    pub fn acceptable(&self) -> bool {
        self.rows
            .iter()
            .all(|r| r.agreement != Agreement::Different)
    }

    /// The differences as codes (`birth-name:accents,birthplace:completed`), for the history.
    pub fn detail(&self) -> String {
        self.rows
            .iter()
            .filter_map(|r| {
                r.agreement
                    .code()
                    .map(|c| format!("{}:{c}", r.field.code()))
            })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The five strict traits, compared one by one.
pub fn compare(local: &BirthTraits, returned: &BirthTraits) -> Vec<TraitComparison> {
    let date = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let place = |p: &Option<String>| p.clone().unwrap_or_default();
    vec![
        TraitComparison {
            field: TraitField::BirthName,
            local: local.birth_name.clone(),
            returned: returned.birth_name.clone(),
            agreement: compare_text(&local.birth_name, &returned.birth_name),
        },
        TraitComparison {
            field: TraitField::FirstNames,
            local: local.birth_first_names.clone(),
            returned: returned.birth_first_names.clone(),
            agreement: compare_first_names(&local.birth_first_names, &returned.birth_first_names),
        },
        TraitComparison {
            field: TraitField::Sex,
            local: local.sex.code().to_owned(),
            returned: returned.sex.code().to_owned(),
            agreement: match (local.sex, returned.sex) {
                (a, b) if a == b => Agreement::Same,
                (Sex::Unknown, _) => Agreement::Completed,
                _ => Agreement::Different,
            },
        },
        TraitComparison {
            field: TraitField::BirthDate,
            local: date(local.birth_date),
            returned: date(returned.birth_date),
            agreement: if local.birth_date == returned.birth_date {
                Agreement::Same
            } else {
                Agreement::Different
            },
        },
        TraitComparison {
            field: TraitField::Birthplace,
            local: place(&local.birthplace_insee),
            returned: place(&returned.birthplace_insee),
            agreement: match (&local.birthplace_insee, &returned.birthplace_insee) {
                (a, b) if a == b => Agreement::Same,
                (None, Some(_)) => Agreement::Completed,
                // INSi gave none: the folder's stays.
                (Some(_), None) => Agreement::Same,
                (Some(a), Some(b)) if a.trim().eq_ignore_ascii_case(b.trim()) => Agreement::Same,
                _ => Agreement::Different,
            },
        },
    ]
}

/// Letters and digits only, upper case, without accents: what is left once case, accents and
/// separators are set aside.
fn bare(text: &str) -> String {
    search_key(text).chars().filter(|c| *c != ' ').collect()
}

/// Without accents, case kept.
fn without_accents(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    text.nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect()
}

/// Separators only (what is not a letter or a digit), blanks collapsed.
fn separators(text: &str) -> String {
    let mut out = String::new();
    for c in text
        .trim()
        .chars()
        .filter(|c| !c.is_alphanumeric() && !unicode_normalization::char::is_combining_mark(*c))
    {
        if !(c == ' ' && out.ends_with(' ')) {
            out.push(c);
        }
    }
    out
}

/// Two names: the same, written differently, or different.
pub fn compare_text(local: &str, returned: &str) -> Agreement {
    use unicode_normalization::UnicodeNormalization;
    let (a, b) = (local.trim(), returned.trim());
    if a.nfc().eq(b.nfc()) {
        return Agreement::Same;
    }
    if bare(a) != bare(b) {
        return Agreement::Different;
    }
    let letters = |s: &str| -> String { s.nfc().filter(|c| c.is_alphanumeric()).collect() };
    Agreement::Written {
        case: letters(&without_accents(a)) != letters(&without_accents(b)),
        accents: letters(a).to_uppercase() != letters(b).to_uppercase(),
        separators: separators(a) != separators(b),
    }
}

/// The birth first names: the folder may hold only the first ones (completed by INSi's list);
/// otherwise compared as names.
fn compare_first_names(local: &str, returned: &str) -> Agreement {
    let words = |s: &str| -> Vec<String> {
        s.split([' ', ','])
            .filter(|w| !w.trim().is_empty())
            .map(bare)
            .collect()
    };
    let (l, r) = (words(local), words(returned));
    if !l.is_empty() && l.len() < r.len() && r.starts_with(&l) {
        return Agreement::Completed;
    }
    compare_text(local, returned)
}

#[cfg(test)]
#[path = "identity_compare_tests.rs"]
mod tests;
