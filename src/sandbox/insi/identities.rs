//! Who the sandbox INSi knows, and how it finds them as the real service does.
//!
//! - The CNDA-style test identities of the agency's test plan ([`cnda_persons`]), each
//!   standing for a case: one match, none (NESSI is not in the base), several (two HOUILLES
//!   PIERRE JEAN told apart by their birthplace), history (CORSE), NIA (PROVISOIRE), a match
//!   found only with one first name alone (HERMANN). docs/insi.md has the table.
//! - Every demo patient of the sandbox with a known sex ([`demo_persons`]), with the same
//!   traits as the demo data of that day: their own INS when they have one, otherwise a NIR
//!   issued here from their traits (valid key, test OID).
//!
//! Matching ([`Directory::search`]): exact birth name, birth date and sex; the first name sent
//! is one of the birth first names or the whole list; the birthplace, when sent, equal.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use crate::domain::ins::{OID_INS_NIA, OID_INS_NIR_TEST, control_key};
use crate::domain::{Ins, Sex};
use crate::insi::wire_text;

/// A person as the INSi base holds them (names as the service compares them).
#[derive(Clone, PartialEq, Eq)]
pub struct Person {
    pub birth_name: String,
    pub first_names: Vec<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub birthplace_cog: Option<String>,
    pub ins: Ins,
    pub history: Vec<Ins>,
}

impl std::fmt::Debug for Person {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Person({:?})", self.ins)
    }
}

/// What a traits search asks (RECSANSVITALE, names already as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraitsQuery {
    pub birth_name: String,
    /// The `Prenom` elements sent, joined by a space; `None` when absent.
    pub first_names: Option<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    pub birthplace_cog: Option<String>,
}

/// The base, indexed by (birth name, birth date, sex).
#[derive(Debug, Default)]
pub struct Directory {
    persons: Vec<Person>,
    by_key: HashMap<(String, NaiveDate, char), Vec<usize>>,
    /// First 13 characters of every INS handed out.
    used: HashSet<String>,
}

fn sex_char(sex: Sex) -> char {
    match sex {
        Sex::Male => 'M',
        Sex::Female => 'F',
        Sex::Unknown => 'U',
    }
}

impl Directory {
    /// Adds a person unless the same one is there already; false when it was.
    pub fn add(&mut self, p: Person) -> bool {
        let key = (p.birth_name.clone(), p.birth_date, sex_char(p.sex));
        let slot = self.by_key.entry(key).or_default();
        if slot.iter().any(|&i| self.persons[i] == p) {
            return false;
        }
        self.used.insert(p.ins.matricule.as_str()[..13].to_owned());
        slot.push(self.persons.len());
        self.persons.push(p);
        true
    }

    pub fn len(&self) -> usize {
        self.persons.len()
    }

    pub fn is_empty(&self) -> bool {
        self.persons.is_empty()
    }

    /// Whether this matricule's first 13 characters are taken.
    pub fn is_used(&self, first13: &str) -> bool {
        self.used.contains(first13)
    }

    /// The persons matching a traits search.
    pub fn search(&self, q: &TraitsQuery) -> Vec<&Person> {
        let key = (q.birth_name.clone(), q.birth_date, sex_char(q.sex));
        let Some(slot) = self.by_key.get(&key) else {
            return Vec::new();
        };
        slot.iter()
            .map(|&i| &self.persons[i])
            .filter(|p| match &q.first_names {
                None => true,
                Some(sent) => {
                    *sent == p.first_names.join(" ") || p.first_names.iter().any(|n| n == sent)
                }
            })
            .filter(|p| match &q.birthplace_cog {
                None => true,
                Some(cog) => p.birthplace_cog.as_deref() == Some(cog.as_str()),
            })
            .collect()
    }

    /// The person whose active (or earlier) INS has this matricule and this birth name
    /// (carte Vitale search).
    pub fn by_matricule(&self, matricule: &str, birth_name: &str) -> Vec<&Person> {
        self.persons
            .iter()
            .filter(|p| p.birth_name == birth_name)
            .filter(|p| {
                p.ins.matricule.as_str() == matricule
                    || p.history.iter().any(|h| h.matricule.as_str() == matricule)
            })
            .collect()
    }
}

/// A NIR (or NIA) from its first 13 characters, the key computed.
fn ins(first13: &str, oid: &str) -> Ins {
    let key = control_key(first13).unwrap_or(0);
    // The tables below are fixed and checked by the tests.
    Ins::parse(&format!("{first13}{key:02}"), oid).expect("a valid fixed matricule")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn person(
    name: &str,
    first_names: &str,
    sex: Sex,
    birth: NaiveDate,
    cog: &str,
    ins: Ins,
) -> Person {
    Person {
        birth_name: wire_text(name),
        first_names: first_names.split(' ').map(wire_text).collect(),
        sex,
        birth_date: birth,
        birthplace_cog: Some(cog.to_owned()),
        ins,
        history: Vec::new(),
    }
}

/// The CNDA-style test identities (NESSI MICHELANGELO is deliberately absent: "01").
pub fn cnda_persons() -> Vec<Person> {
    use Sex::{Female as F, Male as M};
    let t = OID_INS_NIR_TEST;
    let mut corse = person(
        "CORSE",
        "ANTHONY",
        M,
        date(1980, 5, 2),
        "2B020",
        ins("180052B020041", t),
    );
    corse.history = vec![ins("180052B020039", t)];
    vec![
        person(
            "ADRUN",
            "ZOE",
            F,
            date(1975, 3, 11),
            "63220",
            ins("2750363220017", t),
        ),
        corse,
        person(
            "PROVISOIRE",
            "MATRICULE",
            M,
            date(1999, 12, 24),
            "99134",
            ins("7991299134123", OID_INS_NIA),
        ),
        person(
            "ECETINSI",
            "PIERRE-ALAIN MARIE",
            M,
            date(1962, 7, 14),
            "69123",
            ins("1620769123254", t),
        ),
        person(
            "HERMANN",
            "GATIEN MARC",
            M,
            date(2001, 2, 28),
            "67482",
            ins("1010267482311", t),
        ),
        person(
            "HOUILLES",
            "PIERRE JEAN",
            M,
            date(1971, 9, 30),
            "78311",
            ins("1710978311072", t),
        ),
        person(
            "HOUILLES",
            "PIERRE JEAN",
            M,
            date(1971, 9, 30),
            "13055",
            ins("1710913055408", t),
        ),
        person(
            "TCHITCHI",
            "OLA CATARINA BELLA",
            F,
            date(1988, 6, 5),
            "97411",
            ins("2880697411186", t),
        ),
    ]
}

/// A stable number from text (FNV-1a), to draw the order number of an issued NIR.
fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The demo patients of the sandbox set for `day`, as INSi would know them.
pub fn demo_persons(day: NaiveDate, base: &Directory) -> Vec<Person> {
    let mut used: HashSet<String> = HashSet::new();
    crate::sandbox::demo::demo_patients(day)
        .into_iter()
        .filter_map(|p| {
            let t = &p.identity.traits;
            let sex_digit = match t.sex {
                Sex::Male => '1',
                Sex::Female => '2',
                Sex::Unknown => return None,
            };
            let ins = match &p.identity.ins {
                Some(ins) => ins.clone(),
                None => {
                    let place = t
                        .birthplace_insee
                        .as_deref()
                        .filter(|c| c.len() == 5)
                        .unwrap_or("99999");
                    let prefix = format!(
                        "{sex_digit}{:02}{:02}{place}",
                        t.birth_date.year().rem_euclid(100),
                        t.birth_date.month()
                    );
                    let start = stable_hash(&p.identity.ipp) % 999;
                    let first13 = (0..999)
                        .map(|step| format!("{prefix}{:03}", (start + step) % 999 + 1))
                        .find(|f| !base.is_used(f) && !used.contains(f))?;
                    used.insert(first13.clone());
                    ins(&first13, OID_INS_NIR_TEST)
                }
            };
            Some(Person {
                birth_name: wire_text(&t.birth_name),
                first_names: crate::insi::split_first_names(&t.birth_first_names)
                    .iter()
                    .map(|n| wire_text(n))
                    .collect(),
                sex: t.sex,
                birth_date: t.birth_date,
                birthplace_cog: t.birthplace_insee.clone(),
                ins,
                history: Vec::new(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cnda_identities_have_valid_keys_and_the_intended_cases() {
        let mut d = Directory::default();
        for p in cnda_persons() {
            // Keys recomputed from the 13 first characters by the domain's parser.
            assert!(
                crate::domain::ins::Matricule::parse(p.ins.matricule.as_str()).is_ok(),
                "{p:?}"
            );
            assert!(d.add(p));
        }
        assert_eq!(d.len(), 8);
        let q = |name: &str, first: Option<&str>, sex, birth, cog: Option<&str>| TraitsQuery {
            birth_name: name.into(),
            first_names: first.map(str::to_owned),
            sex,
            birth_date: birth,
            birthplace_cog: cog.map(str::to_owned),
        };
        let houilles = date(1971, 9, 30);
        assert_eq!(
            d.search(&q("HOUILLES", Some("PIERRE"), Sex::Male, houilles, None))
                .len(),
            2
        );
        assert_eq!(
            d.search(&q(
                "HOUILLES",
                Some("PIERRE JEAN"),
                Sex::Male,
                houilles,
                Some("13055")
            ))
            .len(),
            1
        );
        let hermann = date(2001, 2, 28);
        assert!(
            d.search(&q("HERMANN", Some("JEAN"), Sex::Male, hermann, None))
                .is_empty()
        );
        assert_eq!(
            d.search(&q("HERMANN", Some("GATIEN"), Sex::Male, hermann, None))
                .len(),
            1
        );
        assert!(
            d.search(&q("HERMANN", Some("JEAN GATIEN"), Sex::Male, hermann, None))
                .is_empty()
        );
        let corse = d.search(&q("CORSE", None, Sex::Male, date(1980, 5, 2), None));
        assert_eq!(corse[0].history.len(), 1);
        assert!(corse[0].ins.matricule.as_str().contains("2B"));
    }
}
