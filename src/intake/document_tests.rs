//! Intake of documents (MDM, ORU) on both backends: filing on an exact match, replacement,
//! deletion, the inbox and its reconciliation, and the agency's example messages.

use super::test_support::*;
use crate::hl7::AckCode;
use crate::store::testing::each_backend;
use crate::store::{hl7_journal, inbox, received as rx};

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
