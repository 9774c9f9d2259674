//! The reference event of the count of new DMP documents (DSR §3.2.2 b): the patient's last
//! visit (default), the last time this folder's DMP list was shown, or a fixed date. One
//! setting for the installation (`dmp.count_since` of `crate::settings::Settings`).

use chrono::NaiveDate;

/// What "new" is measured from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CountSince {
    /// The start of the patient's last visit before the episode in progress.
    #[default]
    LastVisit,
    /// The last time this folder's DMP list was shown (the last visit until it ever was).
    ListSeen,
    /// A fixed date.
    Date(NaiveDate),
}

impl CountSince {
    /// Reads the setting; anything unknown is the default.
    pub fn parse(value: &str) -> Self {
        match value.trim() {
            "seen-list" => Self::ListSeen,
            other => {
                NaiveDate::parse_from_str(other, "%Y-%m-%d").map_or(Self::LastVisit, Self::Date)
            }
        }
    }

    pub fn to_setting(self) -> String {
        match self {
            Self::LastVisit => "last-visit".to_owned(),
            Self::ListSeen => "seen-list".to_owned(),
            Self::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    /// The day new documents are counted from (`None`: every document).
    pub fn resolve(
        self,
        last_visit: Option<NaiveDate>,
        list_seen: Option<NaiveDate>,
    ) -> Option<NaiveDate> {
        match self {
            Self::LastVisit => last_visit,
            Self::ListSeen => list_seen.or(last_visit),
            Self::Date(d) => Some(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap_or_default()
    }

    #[test]
    fn the_setting_round_trips_and_unknown_values_mean_the_last_visit() {
        for since in [
            CountSince::LastVisit,
            CountSince::ListSeen,
            CountSince::Date(day(2)),
        ] {
            assert_eq!(CountSince::parse(&since.to_setting()), since);
        }
        assert_eq!(CountSince::parse("hier"), CountSince::LastVisit);
    }

    #[test]
    fn list_seen_falls_back_to_the_last_visit() {
        assert_eq!(
            CountSince::LastVisit.resolve(Some(day(1)), Some(day(9))),
            Some(day(1))
        );
        assert_eq!(
            CountSince::ListSeen.resolve(Some(day(1)), Some(day(9))),
            Some(day(9))
        );
        assert_eq!(
            CountSince::ListSeen.resolve(Some(day(1)), None),
            Some(day(1))
        );
        assert_eq!(CountSince::Date(day(5)).resolve(None, None), Some(day(5)));
    }
}
