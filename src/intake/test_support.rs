//! What the intake tests share: messages built around the agency's N1 CDA and PAT-TROIS's
//! qualified identity, sent through the journal and intake as the listener runs them.

use std::sync::Arc;

use chrono::NaiveDate;

pub(super) use super::sink::record_and_file;
use crate::domain::{BirthTraits, IdentityStatus, Ins, PatientIdentity, Sex};
use crate::hl7::AckCode;
use crate::hl7::listener::{ReceivedMessage, received};
use crate::store::{Store, patients};

pub(super) const INS: &str = "279035121518989";
pub(super) const INS_OID: &str = "1.2.250.1.213.1.4.10";
pub(super) const PID_OK: &str = "PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L||19790328|F";

pub(super) fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

pub(super) fn message(raw: &[u8]) -> ReceivedMessage {
    let parsed = crate::hl7::parse(raw).expect("parse");
    received(&parsed, Arc::new(raw.to_vec()))
}

pub(super) fn send(store: &mut Store, raw: &[u8]) -> (AckCode, Vec<String>) {
    let (verdict, _) = record_and_file(store, &message(raw)).expect("committed");
    let codes = verdict
        .errors
        .iter()
        .map(|e| {
            e.application
                .map_or(e.condition.code(), |a| a.code())
                .to_owned()
        })
        .collect();
    (verdict.code, codes)
}

pub(super) fn qualified_patient(store: &Store) -> crate::domain::PatientId {
    patients::insert(
        store,
        &PatientIdentity {
            ipp: "IPP-Q".into(),
            ins: Some(Ins::parse(INS, INS_OID).expect("ins")),
            traits: BirthTraits {
                birth_name: "PAT-TROIS".into(),
                birth_first_names: "DOMINIQUE".into(),
                birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("date"),
                sex: Sex::Female,
                birthplace_insee: None,
            },
            used_name: None,
            used_first_name: None,
            status: IdentityStatus::Qualifiee,
        },
    )
    .expect("patient")
}

/// The agency's N1 CDA (same INS as the messages), as version `version` of its series.
pub(super) fn cda(version: u32) -> Vec<u8> {
    let text = std::fs::read_to_string(fixtures().join("cda/DOC_NON_STRUCTURE_CDA-R2-N1.xml"))
        .expect("cda");
    text.replacen(
        "<id root=\"1.3.6.1.4.1.19376.1.2.20.12345.1.1\"/>",
        &format!("<id root=\"1.3.6.1.4.1.19376.1.2.20.12345.1.{version}\"/>"),
        1,
    )
    .replacen(
        "<versionNumber value=\"1\"/>",
        &format!("<versionNumber value=\"{version}\"/>"),
        1,
    )
    .into_bytes()
}

pub(super) fn b64(bytes: &[u8]) -> String {
    use ::base64::Engine as _;
    ::base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(super) fn mdm(
    trigger: &str,
    control: &str,
    pid: &str,
    doc: &[u8],
    txa: (&str, &str),
    sender: &str,
) -> Vec<u8> {
    let status = match trigger {
        "T10" => "C",
        "T04" => "D",
        _ => "F",
    };
    format!(
        "MSH|^~\\&|PFI|CHU|DPI|CHU|20261205120000||MDM^{trigger}^MDM_T02|{control}|P|2.6|||||FRA|UNICODE UTF-8|||1.1^CISIS_CDA_HL7_LPS\r\
         EVN||20261205120000\r{pid}\rPV1|1|N\rORC|NW\rOBR|1|||11490-0^Lettre^LN\r\
         TXA|1|11490-0|TEXT|20261205||||||||{}|{}||||AU\r\
         OBX|1|ED|11490-0^Lettre^LN||^text^XML^Base64^{}||||||{status}\r\
         PRT||UC||SB^Send by^participation|||||||||||^^X.400^{sender}\r\
         PRT||UC||RCT^Result Copies To^participation||||Cardiologie|||||||^^X.400^dpi@chu.mssante.fr\r\
         OBX|2|ED|1^XDM/1.0/DDM+Courrier PAT-TROIS||^text^^Base64^{}||||||F\r\
         OBX|3|CWE|INVISIBLE_PATIENT^^MetaDMPMSS||Y^^expandedYes-NoIndicator||||||F\r",
        txa.0,
        txa.1,
        b64(doc),
        b64("Bonjour, ci-joint le courrier.".as_bytes()),
    )
    .into_bytes()
}

pub(super) const SENDER: &str = "dr.martin@medecin.mssante.fr";
pub(super) const V1: &str = "1.3.6.1.4.1.19376.1.2.20.12345.1.1";

/// The message with MSH-10 replaced by `n`.
pub(super) fn with_control_id(raw: &[u8], n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).into_owned();
    let end = text.find(['\r', '\n']).unwrap_or(text.len());
    let mut fields: Vec<String> = text[..end].split('|').map(str::to_owned).collect();
    fields[9] = format!("FIX{n}");
    format!("{}{}", fields.join("|"), &text[end..]).into_bytes()
}
