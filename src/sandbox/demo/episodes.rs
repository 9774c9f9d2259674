//! Generation of a patient's care episodes (hospitalisations, consultations, urgences) over
//! the two years before `today`: units suited to age and sex, plausible hours and lengths of
//! stay, no overlap, and optionally a last episode still open.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::rng::Rng;
use super::{DemoEpisode, SANDBOX_FINESS_GEO};
use crate::domain::{EpisodeKind, Sex};

const HOSPITAL_ADULT: &[&str] = &[
    "Cardiologie",
    "Pneumologie",
    "Chirurgie digestive",
    "Médecine interne",
    "Neurologie",
    "Gastro-entérologie",
    "Néphrologie",
    "Chirurgie orthopédique",
    "Endocrinologie-diabétologie",
    "Oncologie médicale",
    "Maladies infectieuses",
    "Soins intensifs de cardiologie",
];
const HOSPITAL_ELDERLY: &[&str] = &[
    "Gériatrie aiguë",
    "Soins de suite et de réadaptation gériatriques",
    "Médecine interne",
    "Cardiologie",
];
const HOSPITAL_CHILD: &[&str] = &["Pédiatrie générale", "Chirurgie pédiatrique"];
const CONSULT_ADULT: &[&str] = &[
    "Cardiologie",
    "Pneumologie",
    "Dermatologie",
    "Ophtalmologie",
    "ORL",
    "Rhumatologie",
    "Anesthésie",
    "Endocrinologie-diabétologie",
    "Chirurgie digestive",
    "Neurologie",
];
const CONSULT_CHILD: &[&str] = &["Pédiatrie", "Chirurgie pédiatrique", "ORL"];

/// Who the episodes are for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Person {
    pub(crate) birth: NaiveDate,
    pub(crate) sex: Sex,
}

/// One to three episodes, oldest first, within the two years before `today` (and after birth).
/// With `open`, the last one is an ongoing hospitalisation or emergency visit (no end).
pub(crate) fn generate(
    rng: &mut Rng,
    today: NaiveDate,
    who: Person,
    open: bool,
) -> Vec<DemoEpisode> {
    let age_days = u64::try_from((today - who.birth).num_days()).unwrap_or(0);
    let window = age_days.saturating_sub(1).clamp(1, 730);
    let wanted = rng.range(1, 3);
    let count = wanted.min((window / 30).max(1));
    let slice = (window / count).max(1);
    let home_site = rng.index(SANDBOX_FINESS_GEO.len());
    let mut out = Vec::new();
    for i in 0..count {
        // Slice i covers "days ago" from hi down to lo; the last slice reaches yesterday.
        let hi = window - i * slice;
        let lo = if i + 1 == count { 1 } else { hi + 1 - slice };
        let site = if rng.chance(80) {
            home_site
        } else {
            rng.index(SANDBOX_FINESS_GEO.len())
        };
        let finess_geo = SANDBOX_FINESS_GEO
            .get(site)
            .copied()
            .unwrap_or_default()
            .to_owned();
        let episode = if open && i + 1 == count {
            open_episode(rng, today, who, hi)
        } else {
            closed_episode(rng, today, who, lo, hi)
        };
        out.push(DemoEpisode {
            finess_geo,
            ..episode
        });
    }
    out
}

fn closed_episode(rng: &mut Rng, today: NaiveDate, who: Person, lo: u64, hi: u64) -> DemoEpisode {
    let start_ago = rng.range(lo, hi);
    let day = days_ago(today, start_ago);
    let (kind, start, end) = match rng.below(100) {
        0..45 => {
            let start = at(day, rng.range(8 * 4, 17 * 4 + 2) * 15);
            (
                EpisodeKind::Consultation,
                start,
                start + minutes(rng.range(15, 60)),
            )
        }
        45..75 => {
            let stay_days = rng.range(0, (start_ago - lo).min(14));
            if stay_days == 0 {
                let start = at(day, rng.range(8 * 60, 12 * 60));
                (
                    EpisodeKind::Hospitalisation,
                    start,
                    start + minutes(rng.range(240, 480)),
                )
            } else {
                let start = at(day, rng.range(8 * 60, 20 * 60));
                let end = at(
                    days_ago(today, start_ago - stay_days),
                    rng.range(10 * 60, 17 * 60),
                );
                (EpisodeKind::Hospitalisation, start, end)
            }
        }
        _ => {
            // A night-time arrival may end the next day only if that day is still in the slice.
            let latest = if start_ago > lo {
                23 * 60 + 59
            } else {
                13 * 60
            };
            let start = at(day, rng.range(0, latest));
            (
                EpisodeKind::Urgence,
                start,
                start + minutes(rng.range(120, 600)),
            )
        }
    };
    DemoEpisode {
        kind,
        start,
        end: Some(end),
        unit: unit_for(rng, kind, who, today),
        finess_geo: String::new(),
    }
}

fn open_episode(rng: &mut Rng, today: NaiveDate, who: Person, hi: u64) -> DemoEpisode {
    let (kind, start) = if rng.chance(70) {
        let start_ago = rng.range(1, hi.min(10));
        (
            EpisodeKind::Hospitalisation,
            at(days_ago(today, start_ago), rng.range(8 * 60, 20 * 60)),
        )
    } else {
        (
            EpisodeKind::Urgence,
            at(days_ago(today, 1), rng.range(18 * 60, 23 * 60 + 50)),
        )
    };
    DemoEpisode {
        kind,
        start,
        end: None,
        unit: unit_for(rng, kind, who, today),
        finess_geo: String::new(),
    }
}

/// A unit (service) fitting the kind of episode, the patient's age and sex.
fn unit_for(rng: &mut Rng, kind: EpisodeKind, who: Person, today: NaiveDate) -> String {
    let age = today.years_since(who.birth).unwrap_or(0);
    let age_days = (today - who.birth).num_days();
    let unit = match kind {
        EpisodeKind::Urgence if age < 15 => "Urgences pédiatriques",
        EpisodeKind::Urgence => "Urgences adultes",
        EpisodeKind::Hospitalisation if age_days < 28 => "Néonatologie",
        EpisodeKind::Hospitalisation if age < 18 => pick(rng, HOSPITAL_CHILD),
        EpisodeKind::Hospitalisation if age >= 75 && rng.chance(50) => pick(rng, HOSPITAL_ELDERLY),
        EpisodeKind::Hospitalisation
            if who.sex == Sex::Female && (18..=45).contains(&age) && rng.chance(20) =>
        {
            "Gynécologie-obstétrique"
        }
        EpisodeKind::Hospitalisation => pick(rng, HOSPITAL_ADULT),
        EpisodeKind::Consultation if age < 18 => pick(rng, CONSULT_CHILD),
        EpisodeKind::Consultation if age >= 75 && rng.chance(30) => "Gériatrie",
        EpisodeKind::Consultation => pick(rng, CONSULT_ADULT),
    };
    unit.to_owned()
}

fn pick(rng: &mut Rng, list: &[&'static str]) -> &'static str {
    rng.pick(list).copied().unwrap_or("Médecine interne")
}

fn days_ago(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn at(day: NaiveDate, minute_of_day: u64) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + minutes(minute_of_day)
}

fn minutes(m: u64) -> TimeDelta {
    TimeDelta::minutes(i64::try_from(m).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::episode::check_finess;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
    }

    fn check(episodes: &[DemoEpisode], who: Person, open: bool) {
        let midnight = today().and_time(NaiveTime::MIN);
        let earliest = days_ago(today(), 731).and_time(NaiveTime::MIN);
        assert!((1..=3).contains(&episodes.len()));
        for (i, e) in episodes.iter().enumerate() {
            assert!(e.start >= earliest && e.start < midnight);
            assert!(e.start.date() > who.birth);
            assert!(!e.unit.is_empty());
            assert_eq!(check_finess(&e.finess_geo), Ok(()));
            match e.end {
                Some(end) => {
                    assert!(end > e.start && end < midnight);
                    if let Some(next) = episodes.get(i + 1) {
                        assert!(end < next.start, "episodes overlap");
                    }
                }
                None => assert!(open && i + 1 == episodes.len()),
            }
        }
    }

    #[test]
    fn episodes_fit_the_two_years_and_never_overlap() {
        let mut rng = Rng::new(1);
        for n in 0..2000u64 {
            let birth = days_ago(today(), 6 + n * 17);
            let sex = if n % 2 == 0 { Sex::Female } else { Sex::Male };
            let who = Person { birth, sex };
            let open = n % 3 == 0;
            let episodes = generate(&mut rng, today(), who, open);
            check(&episodes, who, open);
            assert_eq!(episodes.last().map(|e| e.end.is_none()), Some(open));
        }
    }

    #[test]
    fn units_follow_age() {
        let mut rng = Rng::new(2);
        let child = Person {
            birth: days_ago(today(), 3000),
            sex: Sex::Male,
        };
        for _ in 0..50 {
            let u = unit_for(&mut rng, EpisodeKind::Urgence, child, today());
            assert_eq!(u, "Urgences pédiatriques");
            let h = unit_for(&mut rng, EpisodeKind::Hospitalisation, child, today());
            assert!(HOSPITAL_CHILD.contains(&h.as_str()));
        }
        let adult = Person {
            birth: days_ago(today(), 15000),
            sex: Sex::Male,
        };
        assert_eq!(
            unit_for(&mut rng, EpisodeKind::Urgence, adult, today()),
            "Urgences adultes"
        );
    }
}
