//! HL7 v3 timestamps (`TS`): `YYYY[MM[DD[HH[MM[SS[.fff]]]]]][+/-ZZZZ]`, read as the local time
//! written in the document (the offset is ignored, as the producer's wall clock is what a doctor
//! expects to see).

use chrono::{NaiveDate, NaiveDateTime};

/// Parses an HL7 TS. Missing parts default to the first month/day and midnight; an invalid
/// value gives `None`.
pub fn parse_ts(value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    let end = value.find(['+', '-']).unwrap_or(value.len());
    let (stamp, zone) = value.split_at(end);
    if !zone.is_empty() && !valid_zone(&zone[1..]) {
        return None;
    }
    let (digits, fraction) = match stamp.split_once('.') {
        Some((d, f)) => (d, Some(f)),
        None => (stamp, None),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit())
        || !matches!(digits.len(), 4 | 6 | 8 | 10 | 12 | 14)
    {
        return None;
    }
    let nanos = match fraction {
        Some(f) if digits.len() == 14 && !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => {
            let f = &f[..f.len().min(9)];
            let scale = 10u32.pow(9 - f.len() as u32);
            f.parse::<u32>().ok()? * scale
        }
        Some(_) => return None,
        None => 0,
    };
    let field = |from: usize, len: usize, default: u32| -> Option<u32> {
        if digits.len() >= from + len {
            digits[from..from + len].parse().ok()
        } else {
            Some(default)
        }
    };
    let year = i32::try_from(field(0, 4, 0)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, field(4, 2, 1)?, field(6, 2, 1)?)?;
    date.and_hms_nano_opt(field(8, 2, 0)?, field(10, 2, 0)?, field(12, 2, 0)?, nanos)
}

/// Parses an HL7 TS as a date only (birth dates); precision down to the year is accepted.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    parse_ts(value).map(|t| t.date())
}

fn valid_zone(zone: &str) -> bool {
    zone.len() == 4 && zone.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|d| d.and_hms_opt(h, mi, s))
            .expect("valid")
    }

    #[test]
    fn full_and_partial_stamps() {
        assert_eq!(
            parse_ts("20210401171000+0100"),
            Some(dt(2021, 4, 1, 17, 10, 0))
        );
        assert_eq!(
            parse_ts("202101040735+0100"),
            Some(dt(2021, 1, 4, 7, 35, 0))
        );
        assert_eq!(parse_ts("20200701134745"), Some(dt(2020, 7, 1, 13, 47, 45)));
        assert_eq!(parse_ts("19790328"), Some(dt(1979, 3, 28, 0, 0, 0)));
        assert_eq!(parse_ts("197903"), Some(dt(1979, 3, 1, 0, 0, 0)));
        assert_eq!(parse_ts("1979"), Some(dt(1979, 1, 1, 0, 0, 0)));
        assert_eq!(
            parse_ts("20210108102500-0500"),
            Some(dt(2021, 1, 8, 10, 25, 0))
        );
        let frac = parse_ts("20210108102500.25+0100").expect("fraction");
        assert_eq!(frac.and_utc().timestamp_subsec_millis(), 250);
    }

    #[test]
    fn invalid_stamps() {
        for bad in [
            "",
            "x",
            "2021130",
            "20211301",
            "20210230",
            "2021010425",
            "20210101+01",
            "20210101.5",
            "2021-01-01",
        ] {
            assert_eq!(parse_ts(bad), None, "{bad}");
        }
        assert_eq!(parse_date("20210101"), NaiveDate::from_ymd_opt(2021, 1, 1));
    }
}
