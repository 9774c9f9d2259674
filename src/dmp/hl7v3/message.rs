//! What every HL7v3 request of Chevet carries — the sender device (our software), message and
//! query ids, creation time — and the `PRPA_IN201307UV02` "get demographics" query shared by
//! TD0.2 (`TEST_EXST`) and TD1.3a (`CNSLT_DATA`). Also the HL7 timestamps and UUIDs.
//!
//! The query mirrors the agency's example message element for element, including the
//! `xsi:nil` `attentionLine` and `dataSource` (DRIMbox sends the same).

use chrono::{Local, NaiveDate, NaiveDateTime, NaiveTime};

use super::{DMP_DEVICE_OID, HL7_NS, REASON_CODE_SYSTEM};
use crate::domain::Ins;
use crate::xml::{NS_XSI, XmlWriter};

/// HL7 `processingCode` of our requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProcessingCode {
    /// `D`: what the agency's examples and DRIMbox send (also towards production, as far as
    /// the sources show).
    #[default]
    Debugging,
    /// `P` (unconfirmed for the DMP).
    Production,
    /// `T`.
    Training,
}

impl ProcessingCode {
    pub fn code(self) -> &'static str {
        match self {
            Self::Debugging => "D",
            Self::Production => "P",
            Self::Training => "T",
        }
    }
}

/// Our software as the sender device of HL7v3 messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sender {
    /// OID of our software installation (`sender/device/id/@root`).
    pub device_oid: String,
    /// `sender/device/softwareName` (the LPS name, as in the VIHF `LPS_Nom`).
    pub software_name: String,
    /// Root of message ids (`id/@root`); the agency's example uses `<device_oid>.1.1`.
    pub message_id_root: String,
    /// Root of query ids (`queryId/@root`); the agency's example uses `<device_oid>.2`.
    pub query_id_root: String,
    pub processing_code: ProcessingCode,
}

impl Sender {
    /// A sender whose id roots follow the agency's example (`.1.1` for messages, `.2` for
    /// queries).
    pub fn new(device_oid: &str, software_name: &str) -> Self {
        let device_oid = device_oid.trim();
        Self {
            device_oid: device_oid.to_owned(),
            software_name: software_name.trim().to_owned(),
            message_id_root: format!("{device_oid}.1.1"),
            query_id_root: format!("{device_oid}.2"),
            processing_code: ProcessingCode::default(),
        }
    }
}

/// The ids and time of one request (random ids in production, fixed ones in tests).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageIds {
    /// `id/@extension`: a UUID, echoed in the answer's `acknowledgement/targetMessage`.
    pub message_id: String,
    /// `queryId/@extension`: a UUID.
    pub query_id: String,
    /// `creationTime`, local time.
    pub creation_time: NaiveDateTime,
}

impl MessageIds {
    /// Fresh random UUIDs and the current local time.
    pub fn generate() -> Self {
        Self {
            message_id: new_uuid(),
            query_id: new_uuid(),
            creation_time: Local::now().naive_local(),
        }
    }
}

/// A random (version 4) UUID, lower case.
pub fn new_uuid() -> String {
    let mut b: [u8; 16] = rand::random();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// HL7 TS to the second, as the DMP writes them: `YYYYMMDDhhmmss`.
pub fn format_ts(t: &NaiveDateTime) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

/// Reads an HL7 TS (`YYYYMMDD[hh[mm[ss[.f]]]][±zzzz]`); the time zone, when present, is ignored
/// (the DMP writes French local time). `None` when it is not a valid date.
pub fn parse_ts(value: &str) -> Option<NaiveDateTime> {
    let value = value.trim();
    let end = value.find(['+', '-', '.']).unwrap_or(value.len());
    let digits = &value[..end];
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() < 8 {
        return None;
    }
    let date = NaiveDate::parse_from_str(&digits[..8], "%Y%m%d").ok()?;
    let part = |range: std::ops::Range<usize>| -> Option<u32> {
        match digits.get(range) {
            Some(s) => s.parse().ok(),
            None => Some(0),
        }
    };
    if !matches!(digits.len(), 8 | 10 | 12 | 14) {
        return None;
    }
    let time = NaiveTime::from_hms_opt(part(8..10)?, part(10..12)?, part(12..14)?)?;
    Some(date.and_time(time))
}

/// Reads an HL7 date (the first 8 digits of a TS).
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    parse_ts(value).map(|t| t.date())
}

/// `reasonCode` of a get-demographics query.
pub(crate) struct QueryReason {
    pub code: &'static str,
    pub display_name: &'static str,
}

/// A `PRPA_IN201307UV02` query on one patient, as the SOAP Body content.
pub(crate) fn write_patient_query(
    reason: &QueryReason,
    ins: &Ins,
    sender: &Sender,
    ids: &MessageIds,
) -> String {
    let mut w = XmlWriter::new();
    w.open(
        "PRPA_IN201307UV02",
        &[
            ("xmlns", HL7_NS),
            ("xmlns:xsi", NS_XSI),
            ("ITSVersion", "XML_1.0"),
        ],
    );
    w.empty(
        "id",
        &[
            ("root", &sender.message_id_root),
            ("extension", &ids.message_id),
        ],
    );
    w.empty("creationTime", &[("value", &format_ts(&ids.creation_time))]);
    w.empty(
        "interactionId",
        &[
            ("root", "2.16.840.1.113883.1.6"),
            ("extension", "PRPA_IN201307UV02"),
        ],
    );
    w.empty("processingCode", &[("code", sender.processing_code.code())]);
    w.empty("processingModeCode", &[("code", "T")]);
    w.empty("acceptAckCode", &[("code", "AL")]);
    write_device(&mut w, "receiver", "RCV", DMP_DEVICE_OID, "DMP");
    write_device(
        &mut w,
        "sender",
        "SND",
        &sender.device_oid,
        &sender.software_name,
    );
    w.empty("attentionLine", &[("xsi:nil", "true")]);
    w.open(
        "controlActProcess",
        &[("classCode", "CACT"), ("moodCode", "EVN")],
    );
    w.empty(
        "reasonCode",
        &[
            ("code", reason.code),
            ("codeSystem", REASON_CODE_SYSTEM),
            ("displayName", reason.display_name),
        ],
    );
    w.open("queryByParameter", &[]);
    w.empty(
        "queryId",
        &[
            ("root", &sender.query_id_root),
            ("extension", &ids.query_id),
        ],
    );
    w.empty("statusCode", &[("code", "new")]);
    w.open("parameterList", &[]);
    w.empty("dataSource", &[("xsi:nil", "true")]);
    w.open("patientIdentifier", &[]);
    w.empty(
        "value",
        &[
            ("root", ins.oid.as_str()),
            ("extension", ins.matricule.as_str()),
        ],
    );
    w.leaf("semanticsText", &[], "Patient.id");
    w.close();
    w.close();
    w.close();
    w.close();
    w.close();
    w.finish()
}

fn write_device<'n>(w: &mut XmlWriter<'n>, role: &'n str, type_code: &str, oid: &str, name: &str) {
    w.open(role, &[("typeCode", type_code)]);
    w.open(
        "device",
        &[("classCode", "DEV"), ("determinerCode", "INSTANCE")],
    );
    w.empty("id", &[("root", oid)]);
    w.leaf("softwareName", &[], name);
    w.close();
    w.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_and_distinct() {
        let a = new_uuid();
        let b = new_uuid();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn timestamps_round_trip_and_partial_forms_are_read() {
        let t = parse_ts("20210601125305").expect("full");
        assert_eq!(format_ts(&t), "20210601125305");
        assert_eq!(
            parse_ts("202106011253").map(|t| format_ts(&t)).as_deref(),
            Some("20210601125300")
        );
        assert_eq!(
            parse_ts("20210601125305.123+0200")
                .map(|t| format_ts(&t))
                .as_deref(),
            Some("20210601125305")
        );
        assert_eq!(
            parse_date("19070525").map(|d| d.to_string()).as_deref(),
            Some("1907-05-25")
        );
        for bad in [
            "",
            "2021",
            "2021060",
            "20211301",
            "20210601256000",
            "2021060112530",
            "abcdefgh",
        ] {
            assert!(parse_ts(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn sender_roots_follow_the_agency_example() {
        let s = Sender::new(" 1.3.6.1.4.1.48364 ", "LPS GIE-SV");
        assert_eq!(s.message_id_root, "1.3.6.1.4.1.48364.1.1");
        assert_eq!(s.query_id_root, "1.3.6.1.4.1.48364.2");
        assert_eq!(s.processing_code.code(), "D");
    }
}
