//! Test helpers of the sandbox's XDS side: one patient with a DMP, professionals in every
//! access situation, a record of documents made from the CI-SIS CDA fixtures (metadata from
//! `DmpDocumentEntry::from_cda`, then dates and codes set so that each filter has a known
//! answer), and round trips through the real client builders and parsers.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{TimeZone, Utc};

use super::state::{Access, DmpLife, DmpState, PatientRecord, REPOSITORY_UNIQUE_ID, StoredEntry};
use super::xds_side::{CallerContext, XdsReply, handle};
use crate::dmp::client::actions;
use crate::dmp::error::{DmpError, Refusal};
use crate::dmp::mtom::Part;
use crate::dmp::soap::{self, Headers};
use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::{
    AvailabilityStatus, Code, Cx, DmpDocumentEntry, FeedParams, FindDocumentsQuery, GetDocumentsBy,
    GetDocumentsQuery, IdGen, OID_CLASS_CODE, OID_FACILITY_TYPE, OID_FORMAT_CODE,
    OID_PRACTICE_SETTING, QueryResponse, ReturnType, VisibilityFlag, normal_confidentiality,
    parse_query_response, parse_registry_response,
};
use crate::domain::ins::OID_INS_NIR_TEST;
use crate::domain::{Ins, Visibility};

/// The patient of the CI-SIS CDA fixtures (test NIR).
pub const MATRICULE: &str = "279035121518989";
/// Author of D1, D2, D4.
pub const AUTHOR: &str = "810000000001";
/// Author of D3 (masked) and D5.
pub const OTHER_AUTHOR: &str = "810000000002";
/// The DMP treating physician.
pub const TREATING: &str = "810000000003";
/// Authorized, author of nothing.
pub const COLLEAGUE: &str = "810000000004";
pub const EXPIRED: &str = "810000000005";
pub const BLOCKED: &str = "810000000006";
/// Known to nobody.
pub const STRANGER: &str = "810000000009";

pub fn ins() -> Ins {
    Ins::parse(MATRICULE, OID_INS_NIR_TEST).expect("test INS")
}

pub fn cx() -> Cx {
    Cx::from_ins(&ins())
}

pub fn caller(national_id: &str) -> CallerContext {
    CallerContext {
        national_id: national_id.to_owned(),
        purpose: PurposeOfUse::Normal,
        patient: Some(ins()),
    }
}

pub fn patient(life: DmpLife) -> PatientRecord {
    let access: HashMap<String, Access> = [
        (AUTHOR, Access::Valid),
        (OTHER_AUTHOR, Access::Valid),
        (TREATING, Access::Valid),
        (COLLEAGUE, Access::Valid),
        (EXPIRED, Access::Expired),
        (BLOCKED, Access::Blocked),
    ]
    .into_iter()
    .map(|(id, a)| (id.to_owned(), a))
    .collect();
    PatientRecord {
        ins: ins(),
        family_name: "TEST".into(),
        given_name: "Patiente".into(),
        birth_date: "19790303".into(),
        sex: 'F',
        life,
        access,
        authorized_at: HashMap::new(),
        treating_physician: Some(TREATING.to_owned()),
        opposes_bris_de_glace: false,
        opposes_centre_15: false,
    }
}

pub fn code(code: &str, scheme: &str) -> Code {
    Code::new(code, scheme, &format!("libellé {code}"))
}

pub const CIM10: &str = "2.16.840.1.113883.6.3";
pub const CCAM: &str = "1.2.250.1.213.2.5";
pub const LAB_FORMAT: &str = "urn:ihe:lab:xd-lab:2008";
pub const CISIS_FORMAT: &str = "urn:asip:ci-sis:2010";

/// An instant of 2024 (UTC), as `YYYYMMDDhhmmss`.
pub fn dtm(month: u32, day: u32, hour: u32) -> String {
    let t = Utc
        .with_ymd_and_hms(2024, month, day, hour, 0, 0)
        .single()
        .expect("date");
    crate::dmp::xds::format_dtm(&t)
}

pub fn at(month: u32, day: u32, hour: u32) -> Option<chrono::DateTime<Utc>> {
    Utc.with_ymd_and_hms(2024, month, day, hour, 0, 0).single()
}

/// The metadata `from_cda` gives a CI-SIS fixture, with these class, practice setting,
/// facility and format codes.
pub fn entry_from_fixture(
    file: &str,
    class: &str,
    practice: &str,
    facility: &str,
    format: &str,
) -> (DmpDocumentEntry, Vec<u8>) {
    let bytes = crate::testing::cda_fixture(file);
    let doc = crate::cda::parse(&bytes).expect("CDA fixture parses");
    let params = FeedParams {
        class_code: code(class, OID_CLASS_CODE),
        practice_setting: code(practice, OID_PRACTICE_SETTING),
        healthcare_facility_type: Some(code(facility, OID_FACILITY_TYPE)),
        format_code: Some(code(format, OID_FORMAT_CODE)),
        visibility: Visibility::default(),
        comments: Some(format!("commentaire de {file}")),
    };
    let mut entry = DmpDocumentEntry::from_cda(&doc, &bytes, &params).expect("entry from CDA");
    // The facility of the header would win over the parameter: the filters need ours.
    entry.healthcare_facility_type_code = Some(code(facility, OID_FACILITY_TYPE));
    (entry, bytes)
}

/// D1…D5 of the test record, in submission order (see `state`).
pub struct Record {
    pub state: DmpState,
    /// entryUUIDs of D1…D5.
    pub uuids: Vec<String>,
    /// uniqueIds of D1…D5.
    pub unique_ids: Vec<String>,
}

/// The test record: one patient, five entries.
///
/// | | fixture | class | practice | facility | format | confidentiality | status | author | created | service start–stop | events |
/// |---|---|---|---|---|---|---|---|---|---|---|---|
/// | D1 | N1 | 10 | ETABLISSEMENT | SA01 | text | N | Approved | AUTHOR | 01-10 08h | 01-09 08h – 01-09 10h | I10 |
/// | D2 | IMG | 10 | AMBULATOIRE | SA07 | CI-SIS | N, INVISIBLE_PATIENT | Approved | AUTHOR | 02-10 08h | 02-01 – 02-02 | ZBQK001 |
/// | D3 | TSH | 11 | ETABLISSEMENT | SA01 | lab | N, MASQUE_PS | Approved | OTHER_AUTHOR | 03-10 08h | 03-01 – 03-03 | I10, E03 |
/// | D4 | eP-MED | 10 | ETABLISSEMENT | SA01 | CI-SIS | N | Archived | AUTHOR | 04-10 08h | — | — |
/// | D5 | VSM | 10 | ETABLISSEMENT | SA01 | CI-SIS | N | Deprecated | OTHER_AUTHOR | 05-10 08h | — | — |
pub fn record() -> Record {
    let mut state = DmpState::default();
    state.add_patient(patient(DmpLife::Open));
    let mut ids = IdGen::seeded(42);
    let rows = [
        (
            "DOC_NON_STRUCTURE_CDA-R2-N1.xml",
            "10",
            "ETABLISSEMENT",
            "SA01",
            "urn:ihe:iti:xds-sd:text:2008",
            AUTHOR,
        ),
        (
            "IMG_CR_IMG_2024.01.xml",
            "10",
            "AMBULATOIRE",
            "SA07",
            CISIS_FORMAT,
            AUTHOR,
        ),
        (
            "BIO-CR-BIO_2024.01_TSH_1.xml",
            "11",
            "ETABLISSEMENT",
            "SA01",
            LAB_FORMAT,
            OTHER_AUTHOR,
        ),
        (
            "eP-MED-DM_2024.01_PosoStruct.xml",
            "10",
            "ETABLISSEMENT",
            "SA01",
            CISIS_FORMAT,
            AUTHOR,
        ),
        (
            "VSM_1.4_2022.01.xml",
            "10",
            "ETABLISSEMENT",
            "SA01",
            CISIS_FORMAT,
            OTHER_AUTHOR,
        ),
    ];
    for (n, (file, class, practice, facility, format, author)) in rows.into_iter().enumerate() {
        let (mut entry, bytes) = entry_from_fixture(file, class, practice, facility, format);
        let month = u32::try_from(n + 1).expect("month");
        entry.entry_uuid = ids.urn_uuid();
        entry.logical_id = Some(entry.entry_uuid.clone());
        entry.version_name = Some("1".into());
        entry.repository_unique_id = Some(REPOSITORY_UNIQUE_ID.into());
        entry.creation_time = Some(dtm(month, 10, 8));
        entry.service_start_time = None;
        entry.service_stop_time = None;
        entry.event_codes = Vec::new();
        entry.confidentiality_codes = vec![normal_confidentiality()];
        match n {
            0 => {
                entry.service_start_time = Some(dtm(1, 9, 8));
                entry.service_stop_time = Some(dtm(1, 9, 10));
                entry.event_codes = vec![code("I10", CIM10)];
            }
            1 => {
                entry.service_start_time = Some("20240201".into());
                entry.service_stop_time = Some("20240202".into());
                entry.event_codes = vec![code("ZBQK001", CCAM)];
                entry
                    .confidentiality_codes
                    .push(VisibilityFlag::InvisiblePatient.to_code());
            }
            2 => {
                entry.service_start_time = Some("20240301".into());
                entry.service_stop_time = Some("20240303".into());
                entry.event_codes = vec![code("I10", CIM10), code("E03", CIM10)];
                entry
                    .confidentiality_codes
                    .push(VisibilityFlag::MasquePs.to_code());
            }
            3 => entry.status = AvailabilityStatus::Archived,
            _ => entry.status = AvailabilityStatus::Deprecated,
        }
        state.add_document(StoredEntry {
            entry,
            bytes: Arc::new(bytes),
            patient: MATRICULE.to_owned(),
            author_id: author.to_owned(),
            submitted_at: Utc::now(),
        });
    }
    let uuids = state
        .entries
        .iter()
        .map(|s| s.entry.entry_uuid.clone())
        .collect();
    let unique_ids = state
        .entries
        .iter()
        .map(|s| s.entry.unique_id.clone())
        .collect();
    Record {
        state,
        uuids,
        unique_ids,
    }
}

/// `body` in a SOAP 1.2 envelope, as the client sends it.
pub fn envelope(action: &str, body: &str) -> Vec<u8> {
    soap::envelope(
        &Headers {
            action,
            to: "https://127.0.0.1/si-dmp-server/v2/services/registry",
            message_id: soap::new_message_id(),
            vihf: None,
        },
        body,
    )
    .into_bytes()
}

/// Sends `body` (the request element) in an envelope; the SOAP payload of the answer.
pub fn send(state: &mut DmpState, who: &CallerContext, action: &str, body: &str) -> String {
    match handle(
        state,
        who,
        action,
        &envelope(action, body),
        &[],
        &mut IdGen::seeded(7),
    ) {
        XdsReply::Soap { payload } => payload,
        XdsReply::Mtom { .. } => panic!("a SOAP answer was expected"),
    }
}

/// Sends an ITI-18 request element; the parsed answer.
pub fn query_xml(state: &mut DmpState, who: &CallerContext, body: &str) -> QueryResponse {
    let payload = send(state, who, actions::ITI18, body);
    parse_query_response(payload.as_bytes()).expect("AdhocQueryResponse")
}

/// Runs a FindDocuments; the parsed answer.
pub fn find(state: &mut DmpState, who: &CallerContext, q: &FindDocumentsQuery) -> QueryResponse {
    query_xml(state, who, &q.to_xml())
}

/// The entry as the client has it: GetDocuments by entryUUID.
pub fn get(state: &mut DmpState, who: &str, entry_uuid: &str) -> DmpDocumentEntry {
    let query = GetDocumentsQuery {
        by: GetDocumentsBy::EntryUuids(vec![entry_uuid.to_owned()]),
        return_type: ReturnType::LeafClass,
    };
    let answer = query_xml(state, &caller(who), &query.to_xml().expect("query"));
    answer.entries.into_iter().next().expect("the entry")
}

/// The current version of the document with this uniqueId.
pub fn current(state: &mut DmpState, who: &str, unique_id: &str) -> DmpDocumentEntry {
    let query = GetDocumentsQuery {
        by: GetDocumentsBy::UniqueIds(vec![unique_id.to_owned()]),
        return_type: ReturnType::LeafClass,
    };
    let answer = query_xml(state, &caller(who), &query.to_xml().expect("query"));
    answer.entries.into_iter().next().expect("the entry")
}

/// How many entries a FindDocuments returns (asserting a Success with that totalResultCount).
pub fn count(state: &mut DmpState, who: &CallerContext, q: &FindDocumentsQuery) -> usize {
    let r = find(state, who, q).into_result().expect("query succeeds");
    assert_eq!(r.total_result_count, Some(r.entries.len() as u64));
    r.entries.len()
}

/// The client's error for a refused answer.
pub fn refusal_of(err: DmpError) -> Option<Refusal> {
    err.refusal()
}

/// The errorCode of a failed registry answer.
pub fn registry_code(payload: &str) -> String {
    let response = parse_registry_response(payload.as_bytes()).expect("RegistryResponse");
    assert_eq!(response.errors.len(), 1, "one error");
    response.errors[0].code.as_str().to_owned()
}

/// The MTOM parts of a feeding, as the client builds them.
pub fn parts(document: &[u8], signature: &str) -> Vec<Part> {
    vec![
        Part {
            content_id: "doc1@chevet".into(),
            content_type: "text/xml".into(),
            body: document.to_vec(),
        },
        Part {
            content_id: "signature@chevet".into(),
            content_type: "text/xml".into(),
            body: signature.as_bytes().to_vec(),
        },
    ]
}
