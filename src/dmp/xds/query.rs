//! ITI-18 Registry Stored Query bodies (`AdhocQueryRequest`): FindDocuments with every filter
//! the DMP accepts (TD3.1a) and GetDocuments by uniqueId or entryUUID (TD3.1b). Codes are
//! written `'code^^scheme'`, lists `('a','b')`, times as XDS DTM (UTC), single quotes doubled.

use chrono::{DateTime, Utc};

use super::consts::*;
use super::entry::AvailabilityStatus;
use super::hl7::{Code, Cx, format_dtm};
use crate::dmp::error::DmpError;
use crate::xml::XmlWriter;

/// What the registry returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReturnType {
    /// Full metadata (ExtrinsicObjects).
    #[default]
    LeafClass,
    /// Only the entryUUIDs (ObjectRefs).
    ObjectRef,
}

impl ReturnType {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LeafClass => "LeafClass",
            Self::ObjectRef => "ObjectRef",
        }
    }
}

/// A time window; either bound may be open. `from` is inclusive, `to` exclusive (IHE).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeRange {
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
}

/// FindDocuments (TD3.1a). Empty lists are not sent; an empty status list means Approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindDocumentsQuery {
    /// The INS (only its first five components are sent).
    pub patient_id: Cx,
    pub statuses: Vec<AvailabilityStatus>,
    pub class_codes: Vec<Code>,
    pub type_codes: Vec<Code>,
    pub practice_setting_codes: Vec<Code>,
    pub healthcare_facility_type_codes: Vec<Code>,
    /// Any of these (one OR list).
    pub event_codes: Vec<Code>,
    /// Any of these (one OR list), e.g. INVISIBLE_PATIENT, MASQUE_PS.
    pub confidentiality_codes: Vec<Code>,
    pub format_codes: Vec<Code>,
    pub creation_time: TimeRange,
    pub service_start_time: TimeRange,
    pub service_stop_time: TimeRange,
    pub return_type: ReturnType,
}

impl FindDocumentsQuery {
    /// Approved documents of this patient, full metadata.
    pub fn new(patient_id: Cx) -> Self {
        Self {
            patient_id,
            statuses: vec![AvailabilityStatus::Approved],
            class_codes: Vec::new(),
            type_codes: Vec::new(),
            practice_setting_codes: Vec::new(),
            healthcare_facility_type_codes: Vec::new(),
            event_codes: Vec::new(),
            confidentiality_codes: Vec::new(),
            format_codes: Vec::new(),
            creation_time: TimeRange::default(),
            service_start_time: TimeRange::default(),
            service_stop_time: TimeRange::default(),
            return_type: ReturnType::LeafClass,
        }
    }

    /// The `AdhocQueryRequest` element.
    pub fn to_xml(&self) -> String {
        let mut w = open_query(self.return_type, QUERY_FIND_DOCUMENTS);
        slot(
            &mut w,
            "$XDSDocumentEntryPatientId",
            &quote(self.patient_id.query_form().as_hl7()),
        );
        let statuses: Vec<&str> = if self.statuses.is_empty() {
            vec![AvailabilityStatus::APPROVED]
        } else {
            self.statuses.iter().map(AvailabilityStatus::urn).collect()
        };
        multi_slot(&mut w, "$XDSDocumentEntryStatus", statuses);
        let codes = [
            ("$XDSDocumentEntryClassCode", &self.class_codes),
            ("$XDSDocumentEntryTypeCode", &self.type_codes),
            (
                "$XDSDocumentEntryPracticeSettingCode",
                &self.practice_setting_codes,
            ),
            (
                "$XDSDocumentEntryHealthcareFacilityTypeCode",
                &self.healthcare_facility_type_codes,
            ),
            ("$XDSDocumentEntryEventCodeList", &self.event_codes),
            (
                "$XDSDocumentEntryConfidentialityCode",
                &self.confidentiality_codes,
            ),
            ("$XDSDocumentEntryFormatCode", &self.format_codes),
        ];
        for (name, codes) in codes {
            if codes.is_empty() {
                continue;
            }
            let values: Vec<String> = codes.iter().map(Code::query_value).collect();
            let values = values.iter().map(String::as_str);
            // Several Values AND their lists for these two; the others OR them, which lets a
            // long list be split to keep each Value within the schema's 256 characters.
            if AND_PARAMETERS.contains(&name) {
                slot(&mut w, name, &list(values));
            } else {
                multi_slot(&mut w, name, values);
            }
        }
        let times = [
            ("$XDSDocumentEntryCreationTime", &self.creation_time),
            (
                "$XDSDocumentEntryServiceStartTime",
                &self.service_start_time,
            ),
            ("$XDSDocumentEntryServiceStopTime", &self.service_stop_time),
        ];
        for (prefix, range) in times {
            for (suffix, bound) in [("From", range.from), ("To", range.to)] {
                if let Some(t) = bound {
                    slot(&mut w, &format!("{prefix}{suffix}"), &format_dtm(&t));
                }
            }
        }
        w.finish()
    }
}

/// Which documents GetDocuments asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GetDocumentsBy {
    /// `$XDSDocumentEntryUniqueId` (CDA ids).
    UniqueIds(Vec<String>),
    /// `$XDSDocumentEntryEntryUUID`.
    EntryUuids(Vec<String>),
}

/// GetDocuments (TD3.1b: the entryUUID of a document known by its uniqueId, with
/// [`ReturnType::ObjectRef`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetDocumentsQuery {
    pub by: GetDocumentsBy,
    pub return_type: ReturnType,
}

impl GetDocumentsQuery {
    /// The `AdhocQueryRequest` element; at least one id is required.
    pub fn to_xml(&self) -> Result<String, DmpError> {
        let (name, ids) = match &self.by {
            GetDocumentsBy::UniqueIds(ids) => ("$XDSDocumentEntryUniqueId", ids),
            GetDocumentsBy::EntryUuids(ids) => ("$XDSDocumentEntryEntryUUID", ids),
        };
        if ids.is_empty() {
            return Err(DmpError::request("document id"));
        }
        let mut w = open_query(self.return_type, QUERY_GET_DOCUMENTS);
        multi_slot(&mut w, name, ids.iter().map(String::as_str));
        Ok(w.finish())
    }
}

fn open_query(return_type: ReturnType, query_id: &str) -> XmlWriter<'static> {
    let mut w = XmlWriter::new();
    w.open(
        "query:AdhocQueryRequest",
        &[("xmlns:query", ns::QUERY), ("xmlns:rim", ns::RIM)],
    );
    w.empty(
        "query:ResponseOption",
        &[
            ("returnComposedObjects", "true"),
            ("returnType", return_type.as_str()),
        ],
    );
    w.open("rim:AdhocQuery", &[("id", query_id)]);
    w
}

fn slot(w: &mut XmlWriter<'_>, name: &str, value: &str) {
    super::rim_write::slot(w, name, &[value]);
}

/// Parameters whose Value elements are ANDed (ITI TF-2a 3.18.4.1.2.3.5).
const AND_PARAMETERS: [&str; 2] = [
    "$XDSDocumentEntryEventCodeList",
    "$XDSDocumentEntryConfidentialityCode",
];

/// Longest `rim:Value` (rim:LongName).
const MAX_VALUE: usize = 256;

/// A list parameter, split over as many `Value`s as needed to keep each within 256
/// characters (the Values of a list parameter are ORed).
fn multi_slot<'a>(w: &mut XmlWriter<'_>, name: &str, values: impl IntoIterator<Item = &'a str>) {
    let mut chunks: Vec<Vec<String>> = vec![Vec::new()];
    let mut len = 2;
    for v in values {
        let q = quote(v);
        if let Some(last) = chunks.last_mut()
            && !last.is_empty()
            && len + 1 + q.len() > MAX_VALUE
        {
            chunks.push(Vec::new());
            len = 2;
        }
        len += q.len() + 1;
        if let Some(last) = chunks.last_mut() {
            last.push(q);
        }
    }
    let rendered: Vec<String> = chunks
        .iter()
        .map(|c| format!("({})", c.join(",")))
        .collect();
    let refs: Vec<&str> = rendered.iter().map(String::as_str).collect();
    super::rim_write::slot(w, name, &refs);
}

/// `'value'`, single quotes inside doubled.
fn quote(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `('a','b')`.
fn list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    let quoted: Vec<String> = values.into_iter().map(quote).collect();
    format!("({})", quoted.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::xds::entry::VisibilityFlag;
    use crate::dmp::xds::test_support::parse;
    use chrono::TimeZone;

    fn slots(xml_text: &str) -> Vec<(String, String)> {
        let root = parse(xml_text.as_bytes());
        let query = root.find(ns::RIM, "AdhocQuery").expect("AdhocQuery");
        query
            .children_named("Slot")
            .map(|s| {
                let value = s.child("ValueList").and_then(|l| l.child("Value"));
                (
                    s.attr("name").unwrap_or_default().to_owned(),
                    value.map(|v| v.text().to_owned()).unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn find_documents_with_every_filter() {
        let ins = Cx::from_hl7("207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20100907");
        let t = |d| Utc.with_ymd_and_hms(2024, 3, d, 8, 0, 0).single();
        let q = FindDocumentsQuery {
            statuses: vec![
                AvailabilityStatus::Approved,
                AvailabilityStatus::Deprecated,
                AvailabilityStatus::Archived,
                AvailabilityStatus::Deleted,
            ],
            class_codes: vec![Code::new("10", OID_CLASS_CODE, "")],
            type_codes: vec![
                Code::new("11490-0", OID_LOINC, ""),
                Code::new("34133-9", OID_LOINC, ""),
            ],
            practice_setting_codes: vec![Code::new("ETABLISSEMENT", OID_PRACTICE_SETTING, "")],
            healthcare_facility_type_codes: vec![Code::new("SA01", OID_FACILITY_TYPE, "")],
            event_codes: vec![Code::new("H33", "2.16.840.1.113883.6.3", "")],
            confidentiality_codes: VisibilityFlag::ALL.map(VisibilityFlag::to_code).to_vec(),
            format_codes: vec![Code::new(
                "urn:ihe:iti:xds-sd:pdf:2008",
                OID_FORMAT_CODE,
                "",
            )],
            creation_time: TimeRange {
                from: t(1),
                to: t(2),
            },
            service_start_time: TimeRange {
                from: t(3),
                to: t(4),
            },
            service_stop_time: TimeRange {
                from: t(5),
                to: t(6),
            },
            ..FindDocumentsQuery::new(ins)
        };
        let got = slots(&q.to_xml());
        let expect = [
            (
                "$XDSDocumentEntryPatientId",
                "'207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH'",
            ),
            (
                "$XDSDocumentEntryStatus",
                "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved','urn:oasis:names:tc:ebxml-regrep:StatusType:Deprecated','urn:asip:ci-sis:2010:StatusType:Archived','urn:asip:ci-sis:2010:StatusType:Deleted')",
            ),
            (
                "$XDSDocumentEntryClassCode",
                "('10^^1.2.250.1.213.1.1.4.1')",
            ),
            (
                "$XDSDocumentEntryTypeCode",
                "('11490-0^^2.16.840.1.113883.6.1','34133-9^^2.16.840.1.113883.6.1')",
            ),
            (
                "$XDSDocumentEntryPracticeSettingCode",
                "('ETABLISSEMENT^^1.2.250.1.213.1.1.4.9')",
            ),
            (
                "$XDSDocumentEntryHealthcareFacilityTypeCode",
                "('SA01^^1.2.250.1.71.4.2.4')",
            ),
            (
                "$XDSDocumentEntryEventCodeList",
                "('H33^^2.16.840.1.113883.6.3')",
            ),
            (
                "$XDSDocumentEntryConfidentialityCode",
                "('MASQUE_PS^^1.2.250.1.213.1.1.4.13','INVISIBLE_PATIENT^^1.2.250.1.213.1.1.4.13','INVISIBLE_REPRESENTANTS_LEGAUX^^1.2.250.1.213.1.1.4.13')",
            ),
            (
                "$XDSDocumentEntryFormatCode",
                "('urn:ihe:iti:xds-sd:pdf:2008^^1.3.6.1.4.1.19376.1.2.3')",
            ),
            ("$XDSDocumentEntryCreationTimeFrom", "20240301080000"),
            ("$XDSDocumentEntryCreationTimeTo", "20240302080000"),
            ("$XDSDocumentEntryServiceStartTimeFrom", "20240303080000"),
            ("$XDSDocumentEntryServiceStartTimeTo", "20240304080000"),
            ("$XDSDocumentEntryServiceStopTimeFrom", "20240305080000"),
            ("$XDSDocumentEntryServiceStopTimeTo", "20240306080000"),
        ];
        let expect: Vec<(String, String)> = expect
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn long_lists_are_split_within_the_value_limit() {
        let mut q = FindDocumentsQuery::new(Cx::new("1", "1.2", "NH"));
        q.type_codes = (0..20)
            .map(|i| Code::new(&format!("1234{i}-5"), OID_LOINC, ""))
            .collect();
        q.event_codes = q.type_codes.clone();
        let root = parse(q.to_xml().as_bytes());
        let values = root.find_all(ns::RIM, "Slot");
        let of = |name: &str| -> Vec<String> {
            values
                .iter()
                .filter(|s| s.attr("name") == Some(name))
                .flat_map(|s| s.children_named("ValueList"))
                .flat_map(|l| l.children_named("Value"))
                .map(|v| v.text().to_owned())
                .collect()
        };
        let types = of("$XDSDocumentEntryTypeCode");
        assert!(types.len() > 1);
        assert!(
            types
                .iter()
                .all(|v| v.len() <= MAX_VALUE && v.starts_with("('"))
        );
        let joined: usize = types.iter().map(|v| v.matches("^^").count()).sum();
        assert_eq!(joined, 20);
        assert_eq!(of("$XDSDocumentEntryEventCodeList").len(), 1);
    }

    #[test]
    fn defaults_quotes_and_get_documents() {
        let mut q = FindDocumentsQuery::new(Cx::new("1'2", "1.2", "NH"));
        q.statuses.clear();
        let got = slots(&q.to_xml());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].1, "'1''2^^^&1.2&ISO^NH'");
        assert_eq!(
            got[1].1,
            "('urn:oasis:names:tc:ebxml-regrep:StatusType:Approved')"
        );

        let g = GetDocumentsQuery {
            by: GetDocumentsBy::UniqueIds(vec!["1.2.3".into(), "1.2.4^x".into()]),
            return_type: ReturnType::ObjectRef,
        };
        let text = g.to_xml().expect("query");
        assert!(text.contains("returnType=\"ObjectRef\""));
        assert!(text.contains(QUERY_GET_DOCUMENTS));
        assert_eq!(
            slots(&text),
            [(
                "$XDSDocumentEntryUniqueId".to_owned(),
                "('1.2.3','1.2.4^x')".to_owned()
            )]
        );
        let g = GetDocumentsQuery {
            by: GetDocumentsBy::EntryUuids(vec!["urn:uuid:a".into()]),
            return_type: ReturnType::LeafClass,
        };
        assert_eq!(
            slots(&g.to_xml().expect("query"))[0].0,
            "$XDSDocumentEntryEntryUUID"
        );
        let none = GetDocumentsQuery {
            by: GetDocumentsBy::UniqueIds(Vec::new()),
            return_type: ReturnType::ObjectRef,
        };
        assert!(none.to_xml().is_err());
    }
}
