//! Intake end to end on both backends: a message goes through the journal and intake in one
//! transaction (`sink::record_and_file`), as the listener runs it, and the store is read back.

use std::sync::Arc;

use chrono::NaiveDate;

use super::sink::record_and_file;
use crate::domain::{BirthTraits, IdentityStatus, Ins, PatientIdentity, Sex};
use crate::hl7::AckCode;
use crate::hl7::listener::{ReceivedMessage, received};
use crate::store::testing::each_backend;
use crate::store::{
    Store, consent, hl7_journal, identity_alerts, inbox, patients, received as rx, stays,
};

const INS: &str = "279035121518989";
const INS_OID: &str = "1.2.250.1.213.1.4.10";
const PID_OK: &str = "PID|||279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS||PAT-TROIS^DOMINIQUE^DOMINIQUE^^^^L||19790328|F";

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures")
}

fn message(raw: &[u8]) -> ReceivedMessage {
    let parsed = crate::hl7::parse(raw).expect("parse");
    received(&parsed, Arc::new(raw.to_vec()))
}

fn send(store: &mut Store, raw: &[u8]) -> (AckCode, Vec<String>) {
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

fn qualified_patient(store: &Store) -> crate::domain::PatientId {
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
fn cda(version: u32) -> Vec<u8> {
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

fn b64(bytes: &[u8]) -> String {
    use ::base64::Engine as _;
    ::base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn mdm(
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

const SENDER: &str = "dr.martin@medecin.mssante.fr";
const V1: &str = "1.3.6.1.4.1.19376.1.2.20.12345.1.1";

#[test]
fn issue14_the_gam_admits_a_patient_and_records_the_consent_from_zfa() {
    each_backend(|mut store| {
        let dir = fixtures().join("hl7v2/pam-fr-consent");
        let first =
            std::fs::read(dir.join("ConsentementConsultation_NonOppositionAlimentation.er7"))
                .expect("fixture");
        assert_eq!(send(&mut store, &first).0, AckCode::Accept);
        let patient = patients::by_ipp(&store, "000003")
            .expect("read")
            .expect("created");
        assert_eq!(patient.identity.traits.birth_name, "PAT-TROIS");
        assert!(patient.identity.ins.is_some(), "the INS of PID-3 kept");
        let stay = stays::by_visit(&store, "000897406")
            .expect("read")
            .expect("stay");
        assert_eq!(stay.patient, patient.id);
        let now = consent::current(&store, stay.episode)
            .expect("read")
            .expect("recorded");
        assert_eq!(now.recorded_by, "gam:GAM");
        assert!(!now.opposes_feeding && !now.opposes_consultation);
        assert_eq!(
            stays::movement_count(&store, stay.episode).expect("count"),
            1
        );

        // The two other stays of the same patient, with other answers.
        for (file, visit, feeding, consultation) in [
            (
                "NonConsentementConsultation_NonOppositionAlimentation.er7",
                "000197406",
                false,
                true,
            ),
            (
                "NonConsentementConsultation_OppositionAlimentation.er7",
                "000297406",
                true,
                true,
            ),
        ] {
            let raw = std::fs::read(dir.join(file)).expect("fixture");
            assert_eq!(send(&mut store, &raw).0, AckCode::Accept, "{file}");
            let stay = stays::by_visit(&store, visit).expect("read").expect("stay");
            let now = consent::current(&store, stay.episode)
                .expect("read")
                .expect("recorded");
            assert_eq!(
                (now.opposes_feeding, now.opposes_consultation),
                (feeding, consultation),
                "{file}"
            );
        }
        assert_eq!(
            patients::count(&store).expect("count"),
            1,
            "one patient, three stays"
        );
    });
}

#[test]
fn issue14_a_discharge_ends_the_stay_and_a_cancelled_discharge_reopens_it() {
    each_backend(|mut store| {
        let adt = |trigger: &str, control: &str| {
            format!(
                "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^{trigger}|{control}|P|2.5\r\
                 EVN||20260102100000||||20260102100000\r\
                 PID|||77^^^CHU&1&N^PI||DUPONT^JEAN^JEAN^^^^L||19600101|M\r\
                 PV1|1|I|CARDIO^^^CHU&000897406&M||||||||||||||||V77\r"
            )
            .into_bytes()
        };
        assert_eq!(send(&mut store, &adt("A01", "1")).0, AckCode::Accept);
        assert_eq!(send(&mut store, &adt("A03", "2")).0, AckCode::Accept);
        let stay = stays::by_visit(&store, "V77").expect("read").expect("stay");
        assert_eq!(stay.state, stays::StayState::Ended);
        assert!(stay.end.is_some());
        assert_eq!(send(&mut store, &adt("A13", "3")).0, AckCode::Accept);
        let stay = stays::by_visit(&store, "V77").expect("read").expect("stay");
        assert_eq!((stay.state, stay.end), (stays::StayState::InProgress, None));
        assert_eq!(send(&mut store, &adt("A11", "4")).0, AckCode::Accept);
        let stay = stays::by_visit(&store, "V77").expect("read").expect("stay");
        assert_eq!(stay.state, stays::StayState::Cancelled);
    });
}

#[test]
fn issue14_an_mdm_for_a_qualified_patient_is_filed_replaced_and_deleted() {
    each_backend(|mut store| {
        let patient = qualified_patient(&store);
        let raw = mdm("T02", "M1", PID_OK, &cda(1), (V1, ""), SENDER);
        assert_eq!(send(&mut store, &raw), (AckCode::Accept, vec![]));
        let list = rx::list(&store, Some(patient), 10).expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].envelope.sender, SENDER);
        assert_eq!(
            list[0].envelope.subject.as_deref(),
            Some("Courrier PAT-TROIS")
        );
        assert_eq!(rx::unseen_count(&store, patient).expect("count"), 1);
        // Sent again: the same answer, not filed twice.
        assert_eq!(send(&mut store, &raw).0, AckCode::Accept);
        assert_eq!(rx::list(&store, Some(patient), 10).expect("list").len(), 1);

        // T10 by someone else: 901, waits in the inbox.
        let v2 = mdm(
            "T10",
            "M2",
            PID_OK,
            &cda(2),
            ("", V1),
            "autre@medecin.mssante.fr",
        );
        assert_eq!(
            send(&mut store, &v2),
            (AckCode::Error, vec!["901".to_owned()])
        );
        assert_eq!(inbox::pending_count(&store).expect("count"), 1);
        // T10 by the sender: filed beside version 1.
        let v2 = mdm("T10", "M3", PID_OK, &cda(2), ("", V1), SENDER);
        assert_eq!(send(&mut store, &v2), (AckCode::Accept, vec![]));
        assert_eq!(rx::list(&store, Some(patient), 10).expect("list").len(), 2);
        // Replacing version 1 again: not the latest, 900.
        let again = mdm("T10", "M4", PID_OK, &cda(3), ("", V1), SENDER);
        assert_eq!(send(&mut store, &again).1, vec!["900".to_owned()]);
        // T04 of version 2: deleted, still there.
        let v2_id = "1.3.6.1.4.1.19376.1.2.20.12345.1.2";
        let del = mdm("T04", "M5", PID_OK, &cda(2), (v2_id, ""), SENDER);
        assert_eq!(send(&mut store, &del), (AckCode::Accept, vec![]));
        let target = rx::target(&store, &[v2_id.to_owned()])
            .expect("read")
            .expect("kept");
        assert!(target.deleted);
    });
}

#[test]
fn issue14_an_unmatched_mdm_waits_in_the_inbox_and_is_reconciled() {
    each_backend(|mut store| {
        // No patient with this INS here: 902.
        let raw = mdm("T02", "U1", PID_OK, &cda(1), (V1, ""), SENDER);
        assert_eq!(
            send(&mut store, &raw),
            (AckCode::Error, vec!["902".to_owned()])
        );
        let patient = qualified_patient(&store);
        // Other traits: 904; no INS: 903; incomplete traits: 905.
        let other = PID_OK.replace("19790328", "19790329");
        assert_eq!(
            send(
                &mut store,
                &mdm("T02", "U2", &other, &cda(1), (V1, ""), SENDER)
            )
            .1,
            vec!["904"]
        );
        let no_ins = "PID|||42^^^CHU^PI||PAT-TROIS^DOMINIQUE||19790328|F";
        assert_eq!(
            send(
                &mut store,
                &mdm("T02", "U3", no_ins, &cda(1), (V1, ""), SENDER)
            )
            .1,
            vec!["903"]
        );
        let partial = PID_OK.replace("|19790328|F", "||F");
        assert_eq!(
            send(
                &mut store,
                &mdm("T02", "U4", &partial, &cda(1), (V1, ""), SENDER)
            )
            .1,
            vec!["905"]
        );

        let pending = inbox::pending(&store, 10).expect("pending");
        assert_eq!(pending.len(), 4, "nothing received is dropped");
        assert_eq!(pending[0].reason, "902");
        assert_eq!(pending[0].identity.search_text(), "PAT-TROIS DOMINIQUE");
        let document =
            super::reconcile::accept(&mut store, pending[0].id, patient, "dr.house", "CARDIO")
                .expect("filed");
        assert_eq!(
            rx::list(&store, Some(patient), 10).expect("list")[0].document,
            document
        );
        assert!(matches!(
            super::reconcile::accept(&mut store, pending[0].id, patient, "dr.house", "CARDIO"),
            Err(super::IntakeError::AlreadyDecided)
        ));
        super::reconcile::refuse(&mut store, pending[1].id, "dr.house").expect("refused");
        assert_eq!(inbox::pending_count(&store).expect("count"), 2);
        let entry = hl7_journal::get(&store, pending[0].message.expect("message"))
            .expect("get")
            .expect("row");
        assert_eq!(entry.status, hl7_journal::JournalStatus::Filed);
    });
}

#[test]
fn issue14_a_placeholder_payload_gets_ae_and_an_ack_fixture_is_refused() {
    each_backend(|mut store| {
        let raw =
            std::fs::read(fixtures().join(
                "hl7v2/lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7",
            ))
            .expect("fixture");
        let (verdict, _) = record_and_file(&mut store, &message(&raw)).expect("committed");
        assert_eq!(verdict.code, AckCode::Error);
        let error = &verdict.errors[0];
        assert_eq!(error.application.map(|a| a.code()), Some("906"));
        assert!(
            error
                .user_message
                .as_deref()
                .is_some_and(|m| m.contains("CDA"))
        );
        let ack = std::fs::read(fixtures().join("hl7v2/lps-mssante-v1.1/mdm-initiale/ack.er7"))
            .expect("fixture");
        let (verdict, _) = record_and_file(&mut store, &message(&ack)).expect("committed");
        assert_eq!(verdict.errors[0].condition.code(), "200");
        assert_eq!(inbox::pending_count(&store).expect("count"), 0);
    });
}

#[test]
fn issue14_an_ins_on_another_patient_and_a_merge_with_documents_go_to_identity_vigilance() {
    each_backend(|mut store| {
        let holder = qualified_patient(&store);
        let adt = format!(
            "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^A28|A1|P|2.5\r\
             PID|||NEW1^^^CHU^PI~{INS}^^^X&{INS_OID}&ISO^INS||PAT-TROIS^DOMINIQUE||19790328|F\r"
        );
        assert_eq!(send(&mut store, adt.as_bytes()).0, AckCode::Accept);
        let created = patients::by_ipp(&store, "NEW1")
            .expect("read")
            .expect("created");
        assert!(
            created.identity.ins.is_none(),
            "the INS stays with its holder"
        );
        let alerts = identity_alerts::open(&store, 10).expect("alerts");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].other, Some(holder));

        // A document in the holder's folder, then a merge of the holder into NEW1: refused.
        assert_eq!(
            send(
                &mut store,
                &mdm("T02", "D1", PID_OK, &cda(1), (V1, ""), SENDER)
            )
            .0,
            AckCode::Accept
        );
        let merge = "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^A40|A2|P|2.5\r\
                     PID|||NEW1^^^CHU^PI||PAT-TROIS^DOMINIQUE||19790328|F\rMRG|IPP-Q^^^CHU^PI\r";
        assert_eq!(send(&mut store, merge.as_bytes()).0, AckCode::Accept);
        assert!(
            patients::by_ipp(&store, "IPP-Q").expect("read").is_some(),
            "nothing merged"
        );
        assert_eq!(identity_alerts::open_count(&store).expect("count"), 2);
    });
}

/// The message with MSH-10 replaced by `n`.
fn with_control_id(raw: &[u8], n: usize) -> Vec<u8> {
    let text = String::from_utf8_lossy(raw).into_owned();
    let end = text.find(['\r', '\n']).unwrap_or(text.len());
    let mut fields: Vec<String> = text[..end].split('|').map(str::to_owned).collect();
    fields[9] = format!("FIX{n}");
    format!("{}{}", fields.join("|"), &text[end..]).into_bytes()
}

/// Every document message of the agency's examples, sent in order to a record where PAT-TROIS
/// is qualified: what each one gets.
#[test]
fn issue14_the_agency_document_messages_get_the_expected_answers() {
    each_backend(|mut store| {
        qualified_patient(&store);
        let root = fixtures().join("hl7v2");
        let mut outcomes = Vec::new();
        for dir in [
            "lps-mssante-v1.0/mdm",
            "lps-mssante-v1.1/mdm-initiale",
            "lps-mssante-v1.1/mdm-remplacement",
            "lps-mssante-v1.1/mdm-suppression",
            "trans-doc-cda-v1.2/mdm",
            "trans-doc-cda-v2.1/mdm-initiale",
            "trans-doc-cda-v2.1/mdm-remplacement",
            "trans-doc-cda-v2.1/mdm-suppression",
            "trans-doc-cda-v2.1/oru-initiale",
        ] {
            let mut files: Vec<_> = std::fs::read_dir(root.join(dir))
                .expect("dir")
                .flatten()
                .map(|e| e.path())
                .filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("ack"))
                })
                .collect();
            files.sort();
            for file in files {
                // The examples reuse their MSH-10: each gets its own, as a real sender's would.
                let raw = with_control_id(&std::fs::read(&file).expect("fixture"), outcomes.len());
                let (code, errors) = send(&mut store, &raw);
                let name = file
                    .file_name()
                    .expect("name")
                    .to_string_lossy()
                    .into_owned();
                eprintln!("{dir}/{name}: {} {errors:?}", code.code());
                outcomes.push((format!("{dir}/{name}"), code, errors));
            }
        }
        let got: Vec<(&str, &str, String)> = outcomes
            .iter()
            .map(|(name, code, errors)| (name.as_str(), code.code(), errors.join(",")))
            .collect();
        let expected = [
            // A truncated placeholder, then v1.0's CDA whose INS (old OID) is not PID's.
            ("lps-mssante-v1.0/mdm/message.hl7", "AE", "906"),
            ("lps-mssante-v1.0/mdm/messageDocB64.hl7", "AE", "904"),
            // LPS 1.1: the placeholder refused, the real CDA filed, replaced, deleted.
            (
                "lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7",
                "AE",
                "906",
            ),
            (
                "lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1_Base64.er7",
                "AA",
                "",
            ),
            (
                "lps-mssante-v1.1/mdm-remplacement/message_MDM__LPS_MSS_CR_Radio_RPLC_N1.er7",
                "AA",
                "",
            ),
            (
                "lps-mssante-v1.1/mdm-suppression/message_MDM__LPS_MSS_CR_Radio_DEL_N1.er7",
                "AA",
                "",
            ),
            ("trans-doc-cda-v1.2/mdm/message.hl7", "AE", "906"),
            (
                "trans-doc-cda-v2.1/mdm-initiale/message_MDM_CR_Radio_INIT_N1.er7",
                "AE",
                "906",
            ),
            // The same document by another route: already in the folder, nothing to do.
            (
                "trans-doc-cda-v2.1/mdm-initiale/message_MDM_CR_Radio_INIT_N1_Base64.er7",
                "AA",
                "",
            ),
            // Version 1 was already replaced, version 2 already deleted: 900.
            (
                "trans-doc-cda-v2.1/mdm-remplacement/message_MDM_CR_Radio_RPLC_N1.er7",
                "AE",
                "900",
            ),
            (
                "trans-doc-cda-v2.1/mdm-suppression/message_MDM_CR_Radio_DEL_N1.er7",
                "AE",
                "900",
            ),
            (
                "trans-doc-cda-v2.1/oru-initiale/message_ORU_CR_Bio_INIT_N3_SEGUR.hl7",
                "AA",
                "",
            ),
        ];
        let expected: Vec<(&str, &str, String)> = expected
            .iter()
            .map(|(n, c, e)| (*n, *c, (*e).to_owned()))
            .collect();
        assert_eq!(got, expected);
    });
}

#[test]
fn issue14_a_transfer_and_its_cancellation_move_the_stay_between_units() {
    each_backend(|mut store| {
        let pv1 = |unit: &str| {
            let mut f = vec![String::new(); 20];
            f[0] = "PV1".into();
            f[1] = "1".into();
            f[2] = "I".into();
            f[3] = format!("{unit}^^^CHU&000897406&M");
            f[19] = "V9".into();
            f.join("|")
        };
        let adt = |trigger: &str, control: &str, unit: &str, zbe: &str| {
            format!(
                "MSH|^~\\&|GAM|CHU|DPI|CHU|20260101||ADT^{trigger}|{control}|P|2.5\r\
                 EVN||20260102100000\rPID|||9^^^CHU&1&N^PI||MARTIN^PAUL||19700101|M\r{}\r{zbe}\r",
                pv1(unit)
            )
            .into_bytes()
        };
        let zbe = |id: &str, action: &str, unit: &str| {
            format!("ZBE|{id}^CHU|20260102100000||{action}|N||{unit}^^^^^CHU&1&N^UF^^^{unit}||HMS")
        };
        assert_eq!(
            send(
                &mut store,
                &adt("A01", "1", "CARDIO", &zbe("M1", "INSERT", "CARDIO"))
            )
            .0,
            AckCode::Accept
        );
        assert_eq!(
            send(
                &mut store,
                &adt("A02", "2", "NEPHRO", &zbe("M2", "INSERT", "NEPHRO"))
            )
            .0,
            AckCode::Accept
        );
        let stay = stays::by_visit(&store, "V9").expect("read").expect("stay");
        let unit = |store: &Store| {
            crate::store::episodes::for_patient(store, stay.patient).expect("episodes")[0]
                .unit
                .clone()
        };
        assert_eq!(unit(&store), "NEPHRO");
        assert_eq!(
            stays::movement_count(&store, stay.episode).expect("count"),
            2
        );
        // A12: the transfer is cancelled, the stay is back where it was.
        let cancel = adt(
            "A12",
            "3",
            "NEPHRO",
            &zbe("M2", "CANCEL", "NEPHRO").replace("||HMS", "|A02|HMS"),
        );
        assert_eq!(send(&mut store, &cancel).0, AckCode::Accept);
        assert_eq!(unit(&store), "CARDIO");
        assert_eq!(
            stays::movement_count(&store, stay.episode).expect("count"),
            1
        );
        // A08 changes a trait: the identity follows the GAM (not qualified here).
        let update = String::from_utf8(adt("A08", "4", "CARDIO", ""))
            .expect("text")
            .replace("MARTIN^PAUL", "MARTIN^PAUL-HENRI")
            .into_bytes();
        assert_eq!(send(&mut store, &update).0, AckCode::Accept);
        let p = patients::by_ipp(&store, "9")
            .expect("read")
            .expect("patient");
        assert_eq!(p.identity.traits.birth_first_names, "PAUL-HENRI");
    });
}
