//! Generation of one demo identity: sex, birth date, birthplace, names, identity status and a
//! test INS (NIR) consistent with all of them, unique within a [`InsRegistry`].

use std::collections::HashSet;

use chrono::{Datelike, Days, NaiveDate};

use super::names::{self, Origin};
use super::places::{self, Place};
use super::rng::Rng;
use crate::domain::ins::control_key;
use crate::domain::{BirthTraits, IdentityStatus, Ins, InsOid, Sex};

/// The INS matricules already handed out (by their first 13 characters), so that every
/// generated INS is unique in its set.
#[derive(Default)]
pub(crate) struct InsRegistry {
    used: HashSet<String>,
}

impl InsRegistry {
    /// Records an INS that exists already (a fixture's); false if it was taken.
    pub(crate) fn reserve(&mut self, ins: &Ins) -> bool {
        self.used.insert(ins.matricule.as_str()[..13].to_owned())
    }

    /// Issues a NIR for these traits: sex digit, year and month of birth, department and
    /// commune of birth (department 99 and the country code when born abroad), an order number
    /// not yet used, and the control key. None when the traits cannot carry a NIR (unknown sex
    /// or birthplace) or, in theory, when all 999 order numbers are taken.
    pub(crate) fn issue(
        &mut self,
        rng: &mut Rng,
        traits: &BirthTraits,
        oid: InsOid,
    ) -> Option<Ins> {
        let sex_digit = match traits.sex {
            Sex::Male => '1',
            Sex::Female => '2',
            Sex::Unknown => return None,
        };
        let place = traits.birthplace_insee.as_deref()?;
        if place.len() != 5 {
            return None;
        }
        let birth = traits.birth_date;
        let prefix = format!(
            "{sex_digit}{:02}{:02}{place}",
            birth.year().rem_euclid(100),
            birth.month()
        );
        let first_order = rng.range(1, 999);
        for step in 0..999 {
            let order = (first_order - 1 + step) % 999 + 1;
            let first13 = format!("{prefix}{order:03}");
            if self.used.contains(&first13) {
                continue;
            }
            let key = control_key(&first13).ok()?;
            let ins = Ins::parse(&format!("{first13}{key:02}"), oid.as_str()).ok()?;
            self.used.insert(first13);
            return Some(ins);
        }
        None
    }
}

/// Which birthplaces a generated identity may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlacePool {
    /// Anywhere, Corsica included.
    Any,
    /// Anywhere but Corsica (the seeded set places its Corsicans on purpose).
    NotCorsica,
    /// This Corsican commune (index into the Corsican birthplaces).
    Corsica(usize),
}

/// What the caller imposes on a generated identity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdentitySpec {
    pub(crate) status: IdentityStatus,
    pub(crate) oid: InsOid,
    pub(crate) places: PlacePool,
}

/// A generated identity, before IPP, episodes and documents are added.
pub(crate) struct Identity {
    pub(crate) traits: BirthTraits,
    pub(crate) used_name: Option<String>,
    pub(crate) used_first_name: Option<String>,
    pub(crate) status: IdentityStatus,
    pub(crate) ins: Option<Ins>,
}

/// Draws one identity. The status is the spec's; an INS is issued when the status requires
/// one (récupérée, qualifiée), never for provisoire and validée identities.
pub(crate) fn generate(
    rng: &mut Rng,
    today: NaiveDate,
    spec: IdentitySpec,
    registry: &mut InsRegistry,
) -> Identity {
    let sex = if rng.chance(50) {
        Sex::Female
    } else {
        Sex::Male
    };
    let mut birth = birth_date(rng, today);
    let place = match spec.places {
        PlacePool::Corsica(which) => {
            let place = places::CORSE
                .get(which % places::CORSE.len())
                .copied()
                .unwrap_or(places::METROPOLE[0]);
            birth = born_from(rng, birth, place.from_year, today);
            place
        }
        pool => pick_place(rng, birth, today, pool == PlacePool::Any),
    };
    let family_origin = if place.origin == Origin::France && rng.chance(15) {
        *rng.pick(IMMIGRANT_ORIGINS).unwrap_or(&Origin::France)
    } else {
        place.origin
    };
    let first_name_origin = if family_origin != place.origin && rng.chance(40) {
        Origin::France
    } else {
        family_origin
    };
    let birth_name = pick_str(rng, names::family_names(family_origin));
    let first_names = draw_first_names(rng, sex, birth, first_name_origin);
    let traits = BirthTraits {
        birth_name,
        birth_first_names: first_names.join(" "),
        birth_date: birth,
        sex,
        birthplace_insee: Some(place.code.to_owned()),
    };
    let age_years = today.years_since(birth).unwrap_or(0);
    let used_name = draw_used_name(rng, &traits, age_years);
    let used_first_name = match first_names.get(1) {
        Some(second) if rng.chance(6) => Some((*second).to_owned()),
        _ => None,
    };
    let mut status = spec.status;
    let ins = if status.requires_ins() {
        registry.issue(rng, &traits, spec.oid)
    } else {
        None
    };
    if ins.is_none() && status.requires_ins() {
        status = IdentityStatus::Provisoire;
    }
    Identity {
        traits,
        used_name,
        used_first_name,
        status,
        ins,
    }
}

const IMMIGRANT_ORIGINS: &[Origin] = &[
    Origin::Bretagne,
    Origin::Maghreb,
    Origin::Iberie,
    Origin::Italie,
    Origin::AfriqueOuest,
    Origin::Vietnam,
    Origin::Europe,
    Origin::OutreMer,
];

/// Ages from a few days to 100 years: newborns and infants, children, adults, the old and the
/// very old.
fn birth_date(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    let band = rng.below(100);
    let days = match band {
        0..3 => rng.range(5, 364),
        3..12 => years_to_days(rng.range(1, 17)) + rng.below(365),
        12..70 => years_to_days(rng.range(18, 74)) + rng.below(365),
        70..95 => years_to_days(rng.range(75, 94)) + rng.below(365),
        _ => years_to_days(rng.range(95, 99)) + rng.below(365 + 300),
    };
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn years_to_days(years: u64) -> u64 {
    years * 365 + years / 4
}

/// Moves a birth date to `from_year` or later (same day of the year), keeping it in the past.
fn born_from(rng: &mut Rng, birth: NaiveDate, from_year: i32, today: NaiveDate) -> NaiveDate {
    if birth.year() >= from_year {
        return birth;
    }
    let last = u64::try_from(today.year() - 1 - from_year).unwrap_or(0);
    let year = from_year + i32::try_from(rng.range(0, last)).unwrap_or(0);
    birth
        .with_year(year)
        .or_else(|| NaiveDate::from_ymd_opt(year, 3, 1))
        .filter(|d| *d < today)
        .unwrap_or(birth)
}

fn pick_place(rng: &mut Rng, birth: NaiveDate, today: NaiveDate, corsica: bool) -> Place {
    let adult = today.years_since(birth).unwrap_or(0) >= 18;
    let foreign_percent = if adult { 16 } else { 5 };
    for _ in 0..20 {
        let roll = rng.below(100);
        let list = if roll < foreign_percent {
            places::ETRANGER
        } else if roll < foreign_percent + 4 {
            places::OUTRE_MER
        } else if corsica && roll < foreign_percent + 5 {
            places::CORSE
        } else {
            places::METROPOLE
        };
        if let Some(place) = rng.pick(list)
            && place.from_year <= birth.year()
        {
            return *place;
        }
    }
    places::METROPOLE[0]
}

fn pick_str(rng: &mut Rng, list: &[&str]) -> String {
    rng.pick(list).copied().unwrap_or("MARTIN").to_owned()
}

/// One to three distinct first names; the first by sex, generation and origin, the others
/// from the same fashion.
fn draw_first_names(
    rng: &mut Rng,
    sex: Sex,
    birth: NaiveDate,
    origin: Origin,
) -> Vec<&'static str> {
    let count = match rng.below(100) {
        0..45 => 1,
        45..85 => 2,
        _ => 3,
    };
    let primary = names::first_names(sex, birth, origin);
    let secondary = if primary == names::first_names(sex, birth, Origin::France) {
        names::french_first_names(sex == Sex::Female, birth.year())
    } else {
        primary
    };
    let mut out: Vec<&'static str> = Vec::with_capacity(count);
    if let Some(first) = rng.pick(primary) {
        out.push(first);
    }
    for _ in 0..count * 4 {
        if out.len() >= count {
            break;
        }
        if let Some(next) = rng.pick(secondary)
            && !out.contains(next)
        {
            out.push(next);
        }
    }
    out
}

/// A nom d'usage for some married adults (mostly women), always different from the birth name.
fn draw_used_name(rng: &mut Rng, traits: &BirthTraits, age_years: u32) -> Option<String> {
    let percent = match (traits.sex, age_years) {
        (Sex::Female, 22..) => 45,
        (Sex::Male, 25..) => 3,
        _ => 0,
    };
    if percent == 0 || !rng.chance(percent) {
        return None;
    }
    for _ in 0..8 {
        let name = pick_str(rng, names::spouse_names());
        if name != traits.birth_name {
            return Some(name);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::patient::identity_problems;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn spec(places: PlacePool) -> IdentitySpec {
        IdentitySpec {
            status: IdentityStatus::Qualifiee,
            oid: InsOid::TestNir,
            places,
        }
    }

    #[test]
    fn nir_matches_sex_birth_month_and_place() {
        let mut registry = InsRegistry::default();
        let mut rng = Rng::new(3);
        for _ in 0..500 {
            let id = generate(&mut rng, today(), spec(PlacePool::Any), &mut registry);
            let ins = id.ins.as_ref().expect("qualified identities have an INS");
            let m = ins.matricule.as_str();
            let t = &id.traits;
            assert!(identity_problems(t, id.ins.as_ref(), id.status).is_empty());
            assert_eq!(&m[3..5], format!("{:02}", t.birth_date.month()));
            assert_eq!(Some(&m[5..10]), t.birthplace_insee.as_deref());
            assert_eq!(ins.oid, InsOid::TestNir);
            assert!(t.birth_date < today());
        }
    }

    #[test]
    fn corsicans_get_2a_2b_and_are_born_after_1975() {
        let mut registry = InsRegistry::default();
        let mut rng = Rng::new(5);
        for which in 0..50 {
            let id = generate(
                &mut rng,
                today(),
                spec(PlacePool::Corsica(which)),
                &mut registry,
            );
            let m = id.ins.as_ref().expect("ins").matricule.as_str().to_owned();
            assert!(
                &m[5..7] == "2A" || &m[5..7] == "2B",
                "department of a Corsican"
            );
            assert!(id.traits.birth_date.year() >= 1976);
        }
    }

    #[test]
    fn statuses_without_ins_get_none_and_order_numbers_do_not_repeat() {
        let mut registry = InsRegistry::default();
        let mut rng = Rng::new(9);
        for status in [IdentityStatus::Provisoire, IdentityStatus::Validee] {
            let s = IdentitySpec {
                status,
                ..spec(PlacePool::NotCorsica)
            };
            let id = generate(&mut rng, today(), s, &mut registry);
            assert!(id.ins.is_none());
            assert_eq!(id.status, status);
        }
        // Same traits a thousand times: 999 order numbers, then the registry is exhausted.
        let traits = BirthTraits {
            birth_name: "MARTIN".into(),
            birth_first_names: "Paul".into(),
            birth_date: NaiveDate::from_ymd_opt(1980, 6, 1).unwrap_or_default(),
            sex: Sex::Male,
            birthplace_insee: Some("2B033".into()),
        };
        let mut seen = HashSet::new();
        for _ in 0..999 {
            let ins = registry
                .issue(&mut rng, &traits, InsOid::DemoNir)
                .expect("free order");
            assert!(seen.insert(ins.matricule.as_str().to_owned()));
        }
        assert!(registry.issue(&mut rng, &traits, InsOid::DemoNir).is_none());
    }

    #[test]
    fn used_names_differ_from_birth_names() {
        let mut registry = InsRegistry::default();
        let mut rng = Rng::new(11);
        let mut used = 0;
        for _ in 0..300 {
            let id = generate(&mut rng, today(), spec(PlacePool::Any), &mut registry);
            if let Some(name) = &id.used_name {
                assert_ne!(name, &id.traits.birth_name);
                used += 1;
            }
            let n = id.traits.birth_first_names.split(' ').count();
            assert!((1..=3).contains(&n));
        }
        assert!(used > 20, "{used}");
    }
}
