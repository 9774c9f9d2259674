//! Tests of the sandbox's ITI-18 (FindDocuments with every filter kind, statuses, masking,
//! ObjectRef; GetDocuments by uniqueId and entryUUID with full metadata), through the real
//! client builders and parsers; the test record is described in `xds_test_support::record`.

use super::state::REPOSITORY_UNIQUE_ID;
use super::xds_test_support::*;
use crate::dmp::error::Refusal;
use crate::dmp::xds::{
    AvailabilityStatus, Code, FindDocumentsQuery, GetDocumentsBy, GetDocumentsQuery,
    OID_CLASS_CODE, OID_DMP_VISIBILITY, OID_FACILITY_TYPE, OID_FORMAT_CODE,
    OID_HL7_CONFIDENTIALITY, OID_LOINC, OID_PRACTICE_SETTING, ResponseStatus, ReturnType,
    TimeRange,
};

fn q() -> FindDocumentsQuery {
    FindDocumentsQuery::new(cx())
}

#[test]
fn find_documents_default_list_and_masking() {
    let mut r = record();
    let answer = find(&mut r.state, &caller(AUTHOR), &q())
        .into_result()
        .expect("ok");
    let got: Vec<&str> = answer
        .entries
        .iter()
        .map(|e| e.entry_uuid.as_str())
        .collect();
    assert_eq!(got, [r.uuids[0].as_str(), r.uuids[1].as_str()]);
    // D3 is masked: its author and the treating physician see it, colleagues do not.
    for (who, expected) in [
        (AUTHOR, 2),
        (OTHER_AUTHOR, 3),
        (TREATING, 3),
        (COLLEAGUE, 2),
    ] {
        assert_eq!(count(&mut r.state, &caller(who), &q()), expected, "{who}");
    }
}

/// A FindDocuments with one kind of code filter.
fn by(kind: &str, codes: &[(&str, &str)]) -> FindDocumentsQuery {
    let codes: Vec<Code> = codes.iter().map(|(c, s)| Code::new(c, s, "")).collect();
    let mut query = q();
    match kind {
        "class" => query.class_codes = codes,
        "type" => query.type_codes = codes,
        "practice" => query.practice_setting_codes = codes,
        "facility" => query.healthcare_facility_type_codes = codes,
        "format" => query.format_codes = codes,
        "event" => query.event_codes = codes,
        _ => query.confidentiality_codes = codes,
    }
    query
}

#[test]
fn find_documents_code_filters() {
    let mut r = record();
    let (masque, invisible) = ("MASQUE_PS", "INVISIBLE_PATIENT");
    let vis = OID_DMP_VISIBILITY;
    let text = "urn:ihe:iti:xds-sd:text:2008";
    let cases = [
        (by("class", &[("11", OID_CLASS_CODE)]), AUTHOR, 0),
        (by("class", &[("11", OID_CLASS_CODE)]), OTHER_AUTHOR, 1),
        (by("class", &[("10", OID_CLASS_CODE)]), AUTHOR, 2),
        (by("type", &[("11502-2", OID_LOINC)]), AUTHOR, 1),
        (by("type", &[("11502-2", OID_LOINC)]), OTHER_AUTHOR, 2),
        (by("type", &[("18748-4", OID_LOINC)]), AUTHOR, 1),
        // Same code, another scheme: no match.
        (by("type", &[("18748-4", "1.2.3")]), AUTHOR, 0),
        (
            by("practice", &[("AMBULATOIRE", OID_PRACTICE_SETTING)]),
            AUTHOR,
            1,
        ),
        (by("facility", &[("SA07", OID_FACILITY_TYPE)]), AUTHOR, 1),
        (
            by(
                "facility",
                &[("SA01", OID_FACILITY_TYPE), ("SA07", OID_FACILITY_TYPE)],
            ),
            AUTHOR,
            2,
        ),
        (by("format", &[(LAB_FORMAT, OID_FORMAT_CODE)]), AUTHOR, 0),
        (
            by("format", &[(LAB_FORMAT, OID_FORMAT_CODE)]),
            OTHER_AUTHOR,
            1,
        ),
        (by("format", &[(text, OID_FORMAT_CODE)]), AUTHOR, 1),
        (by("event", &[("I10", CIM10)]), AUTHOR, 1),
        (by("event", &[("I10", CIM10)]), OTHER_AUTHOR, 2),
        // One list: ORed.
        (
            by("event", &[("E03", CIM10), ("ZBQK001", CCAM)]),
            OTHER_AUTHOR,
            2,
        ),
        (by("conf", &[(invisible, vis)]), AUTHOR, 1),
        (by("conf", &[(masque, vis)]), AUTHOR, 0),
        (by("conf", &[(masque, vis)]), COLLEAGUE, 0),
        (by("conf", &[(masque, vis)]), OTHER_AUTHOR, 1),
        (by("conf", &[(masque, vis)]), TREATING, 1),
        (
            by("conf", &[(masque, vis), (invisible, vis)]),
            OTHER_AUTHOR,
            2,
        ),
        (by("conf", &[("N", OID_HL7_CONFIDENTIALITY)]), AUTHOR, 2),
    ];
    for (n, (query, who, expected)) in cases.iter().enumerate() {
        assert_eq!(
            count(&mut r.state, &caller(who), query),
            *expected,
            "case {n}"
        );
    }
}

#[test]
fn event_and_confidentiality_values_are_anded() {
    let mut r = record();
    let query = FindDocumentsQuery {
        event_codes: vec![Code::new("I10", CIM10, "")],
        ..q()
    };
    let one = "('I10^^2.16.840.1.113883.6.3')</rim:Value>";
    let xml = query.to_xml();
    assert!(xml.contains(one));
    let both = xml.replace(
        one,
        &format!("{one}<rim:Value>('E03^^2.16.840.1.113883.6.3')</rim:Value>"),
    );
    let answer = query_xml(&mut r.state, &caller(OTHER_AUTHOR), &both);
    let got: Vec<&str> = answer
        .entries
        .iter()
        .map(|e| e.entry_uuid.as_str())
        .collect();
    assert_eq!(got, [r.uuids[2].as_str()]);
}

#[test]
fn find_documents_time_ranges_from_inclusive_to_exclusive() {
    let mut r = record();
    let creation = |from, to| FindDocumentsQuery {
        creation_time: TimeRange { from, to },
        ..q()
    };
    let start = |from, to| FindDocumentsQuery {
        service_start_time: TimeRange { from, to },
        ..q()
    };
    let stop = |from, to| FindDocumentsQuery {
        service_stop_time: TimeRange { from, to },
        ..q()
    };
    let cases = [
        (creation(at(1, 10, 8), at(2, 10, 8)), AUTHOR, 1),
        (creation(at(1, 10, 8), None), AUTHOR, 2),
        (creation(None, at(1, 10, 8)), AUTHOR, 0),
        (creation(None, at(1, 10, 9)), AUTHOR, 1),
        (start(at(2, 1, 0), None), AUTHOR, 1),
        (start(at(2, 1, 0), None), OTHER_AUTHOR, 2),
        (stop(None, at(2, 2, 0)), AUTHOR, 1),
        (stop(None, at(2, 2, 1)), AUTHOR, 2),
        (stop(at(1, 9, 10), at(1, 9, 11)), AUTHOR, 1),
    ];
    for (n, (query, who, expected)) in cases.iter().enumerate() {
        assert_eq!(
            count(&mut r.state, &caller(who), query),
            *expected,
            "case {n}"
        );
    }
}

#[test]
fn find_documents_statuses_and_object_refs() {
    use AvailabilityStatus::*;
    let mut r = record();
    let with = |statuses: Vec<AvailabilityStatus>| FindDocumentsQuery { statuses, ..q() };
    let a = caller(AUTHOR);
    let archived = find(&mut r.state, &a, &with(vec![Archived])).entries;
    assert_eq!(archived.len(), 1);
    assert_eq!(archived[0].entry_uuid, r.uuids[3]);
    assert_eq!(archived[0].status, Archived);
    let deprecated = find(&mut r.state, &a, &with(vec![Deprecated])).entries;
    assert_eq!(deprecated.len(), 1);
    assert_eq!(deprecated[0].status, Deprecated);
    assert_eq!(
        count(
            &mut r.state,
            &a,
            &with(vec![Approved, Archived, Deprecated, Deleted])
        ),
        4
    );
    assert_eq!(count(&mut r.state, &a, &with(vec![Deleted])), 0);

    let refs = FindDocumentsQuery {
        return_type: ReturnType::ObjectRef,
        ..with(vec![Approved, Archived])
    };
    let answer = find(&mut r.state, &a, &refs).into_result().expect("ok");
    assert!(answer.entries.is_empty());
    assert_eq!(
        answer.object_refs,
        [r.uuids[0].clone(), r.uuids[1].clone(), r.uuids[3].clone()]
    );
    assert_eq!(answer.total_result_count, Some(3));
}

#[test]
fn get_documents_by_unique_id_and_entry_uuid_with_full_metadata() {
    let mut r = record();
    let by_unique = GetDocumentsQuery {
        by: GetDocumentsBy::UniqueIds(vec![r.unique_ids[0].clone(), "1.2.3.4.5.404".into()]),
        return_type: ReturnType::ObjectRef,
    };
    let answer = query_xml(
        &mut r.state,
        &caller(AUTHOR),
        &by_unique.to_xml().expect("query"),
    );
    assert_eq!(answer.status, ResponseStatus::Success);
    assert_eq!(answer.object_refs, [r.uuids[0].clone()]);

    let by_uuid = GetDocumentsQuery {
        by: GetDocumentsBy::EntryUuids(vec![r.uuids[1].clone(), r.uuids[2].clone()]),
        return_type: ReturnType::LeafClass,
    };
    // D3 is masked to AUTHOR: left out. D2 comes back with every field it was stored with.
    let answer = query_xml(
        &mut r.state,
        &caller(AUTHOR),
        &by_uuid.to_xml().expect("query"),
    );
    assert_eq!(answer.entries.len(), 1);
    assert_eq!(answer.entries[0], r.state.entries[1].entry);
    assert_eq!(
        answer.entries[0].repository_unique_id.as_deref(),
        Some(REPOSITORY_UNIQUE_ID)
    );
    assert_eq!(
        answer.entries[0].logical_id.as_deref(),
        Some(r.uuids[1].as_str())
    );
    assert_eq!(answer.entries[0].version_name.as_deref(), Some("1"));
    let answer = query_xml(
        &mut r.state,
        &caller(OTHER_AUTHOR),
        &by_uuid.to_xml().expect("query"),
    );
    assert_eq!(answer.entries.len(), 2);
    assert_eq!(answer.entries[1], r.state.entries[2].entry);

    let blocked = query_xml(
        &mut r.state,
        &caller(BLOCKED),
        &by_uuid.to_xml().expect("query"),
    );
    let err = blocked.into_result().expect_err("blocked");
    assert_eq!(refusal_of(err), Some(Refusal::BlockedByPatient));
}
