//! The header times of a CDA as written — `effectiveTime` and the first
//! `documentationOf/serviceEvent/effectiveTime` — with their UTC offsets, which the CDA parser
//! drops, and their conversion to XDS times (UTC). A streaming pass over the XML toolkit's
//! lexer that stops at the body.

use chrono::{DateTime, FixedOffset, Local, NaiveDateTime, TimeZone, Utc};

use crate::xml::{Lexer, Token, attribute_value, decode_lenient, find_attribute};

/// Raw HL7 TS values of the header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct HeaderTimes {
    pub effective: Option<String>,
    pub service_low: Option<String>,
    pub service_high: Option<String>,
}

/// The trimmed `value` attribute of a start tag, when not blank.
fn value_of(tag: &str) -> Option<String> {
    let value = attribute_value(find_attribute(tag, "value")?, 0).ok()?;
    Some(value.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Reads the header times; anything unreadable leaves them `None` (callers fall back to the
/// parsed header).
pub(crate) fn header_times(bytes: &[u8]) -> HeaderTimes {
    let mut out = HeaderTimes::default();
    let text = decode_lenient(bytes);
    let mut lexer = Lexer::new(&text, 0);
    let mut path: Vec<&str> = Vec::new();
    let mut service_events = 0usize;
    loop {
        let (name, tag, empty) = match lexer.next_token() {
            Ok(Token::Start { name, tag, empty }) => (name, tag, empty),
            Ok(Token::End) => {
                path.pop();
                continue;
            }
            Ok(Token::Eof) | Err(_) => break,
            Ok(_) => continue,
        };
        let name = name.rsplit(':').next().unwrap_or(name);
        match (name, path.as_slice()) {
            ("component", [.., "ClinicalDocument"]) => break,
            ("serviceEvent", [.., "documentationOf"]) => service_events += 1,
            ("effectiveTime", [.., "ClinicalDocument"]) => out.effective = value_of(tag),
            ("effectiveTime", [.., "serviceEvent"]) if service_events == 1 => {
                if let Some(v) = value_of(tag) {
                    out.service_low.get_or_insert(v);
                }
            }
            ("low", [.., "serviceEvent", "effectiveTime"]) if service_events == 1 => {
                out.service_low = value_of(tag);
            }
            ("high", [.., "serviceEvent", "effectiveTime"]) if service_events == 1 => {
                out.service_high = value_of(tag);
            }
            _ => {}
        }
        if !empty {
            path.push(name);
        }
    }
    out
}

/// An HL7 TS (`YYYY[MM[DD[hh[mm[ss[.f]]]]]][±ZZZZ]`) as an XDS time in UTC. Dates alone are
/// kept as they are; a time without offset is read in this computer's time zone.
pub(crate) fn ts_to_dtm(ts: &str) -> Option<String> {
    let ts = ts.trim();
    let zone_at = ts.find(['+', '-']).unwrap_or(ts.len());
    let (stamp, zone) = ts.split_at(zone_at);
    let digits = stamp.split('.').next().unwrap_or_default();
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let naive = crate::cda::parse_ts(digits)?;
    if digits.len() <= 8 {
        return Some(digits.to_owned());
    }
    let utc = if zone.is_empty() {
        local_to_utc(&naive)?
    } else {
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let hh: i32 = zone.get(1..3)?.parse().ok()?;
        let mm: i32 = zone.get(3..5)?.parse().ok()?;
        let offset = FixedOffset::east_opt(sign * (hh * 3600 + mm * 60))?;
        offset
            .from_local_datetime(&naive)
            .single()?
            .with_timezone(&Utc)
    };
    let format = match digits.len() {
        10 => "%Y%m%d%H",
        12 => "%Y%m%d%H%M",
        _ => "%Y%m%d%H%M%S",
    };
    Some(utc.format(format).to_string())
}

/// A wall-clock time of this computer's time zone in UTC.
pub(crate) fn local_to_utc(naive: &NaiveDateTime) -> Option<DateTime<Utc>> {
    Local
        .from_local_datetime(naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_header_times_of_the_agency_n1() {
        let bytes = crate::dmp::xds::test_support::dmp_fixture("TD2.1_document_N1.xml");
        let t = header_times(&bytes);
        assert_eq!(t.effective.as_deref(), Some("20190221133445+0100"));
        assert_eq!(t.service_low.as_deref(), Some("20190221"));
        assert_eq!(t.service_high, None);
    }

    #[test]
    fn only_the_first_service_event_and_not_the_body() {
        let xml = br#"<ClinicalDocument xmlns="urn:hl7-org:v3"><effectiveTime value="20240102030405-0500"/>
            <documentationOf><serviceEvent><effectiveTime><low value="2024010203"/><high value="202401020415+0200"/></effectiveTime></serviceEvent></documentationOf>
            <documentationOf><serviceEvent><effectiveTime><low value="1999"/></effectiveTime></serviceEvent></documentationOf>
            <component><effectiveTime value="1111"/></component></ClinicalDocument>"#;
        let t = header_times(xml);
        assert_eq!(t.effective.as_deref(), Some("20240102030405-0500"));
        assert_eq!(t.service_low.as_deref(), Some("2024010203"));
        assert_eq!(t.service_high.as_deref(), Some("202401020415+0200"));
    }

    #[test]
    fn converts_to_utc_keeping_precision() {
        assert_eq!(
            ts_to_dtm("20190221133445+0100").as_deref(),
            Some("20190221123445")
        );
        assert_eq!(
            ts_to_dtm("20240102030405.123-0500").as_deref(),
            Some("20240102080405")
        );
        assert_eq!(
            ts_to_dtm("202401020415+0200").as_deref(),
            Some("202401020215")
        );
        assert_eq!(ts_to_dtm("20190221").as_deref(), Some("20190221"));
        assert_eq!(ts_to_dtm("2019").as_deref(), Some("2019"));
        assert_eq!(ts_to_dtm("2019022113+01").as_deref(), None);
        assert_eq!(ts_to_dtm("garbage"), None);
    }
}
