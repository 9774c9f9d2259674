//! Tests of the sandbox PFI against the real sandbox DMP (HTTPS, mutual TLS, signed VIHF) and
//! real MLLP: a T02 reaches the DMP registry and a `Z01` Y reaches the sender's listener; a
//! resend (same MSH-10) gives one entry and the same answer; a missing PRT `SB`, a forbidden
//! flag combination or a foreign profile give AE; `dmp=closed` gives a `Z01` N `DMPClosed`; an
//! ACK dropped after forwarding then a resend give one entry; T10 replaces (the older version
//! deprecated), T04 deletes; the MSSanté receipts, and the visibility flags in the entry.

use std::sync::Arc;
use std::time::Duration;

use super::test_support::*;
use super::*;
use crate::dmp::xds::{AvailabilityStatus, VisibilityFlag};
use crate::sandbox::dmp::state::{Access, DmpLife};

/// A CI-SIS example without an embedded PDF (which retargeting refuses).
const INITIAL: &str = "LDL-SES_2022.01.xml";

struct Setup {
    _dmp: crate::sandbox::dmp::RunningDmp,
    client: DmpClient,
    inbox: Arc<Inbox>,
    _inbox_listener: listener::ListenerHandle,
    pfi: SandboxPfi,
}

async fn setup(faults: &str) -> Setup {
    let (dmp, client) = dmp().await;
    let (inbox, handle) = inbox().await;
    let mut config = PfiConfig::new(client.clone());
    config.ack_to = Some(handle.local_addr());
    config.faults = Arc::new(PfiFaults::parse(faults).expect("faults"));
    let pfi = SandboxPfi::start(config).await.expect("PFI");
    Setup {
        _dmp: dmp,
        client,
        inbox,
        _inbox_listener: handle,
        pfi,
    }
}

fn uid(cda: &[u8]) -> String {
    crate::cda::parse(cda).expect("CDA").header().id.to_uid()
}

impl Setup {
    async fn settled(&self, control_id: &str) -> Received {
        eventually(|| {
            self.pfi
                .message(control_id)
                .is_some_and(|r| r.dmp != DmpOutcome::Pending && !r.zams.is_empty())
        })
        .await;
        self.pfi.message(control_id).expect("recorded")
    }

    fn zams_about(&self, control_id: &str) -> Vec<String> {
        self.inbox
            .all()
            .into_iter()
            .filter(|m| m.contains(&format!("|{control_id}|")))
            .collect()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_t02_is_fed_and_acknowledged_once_even_when_sent_again() {
    let s = setup("").await;
    let (patient, author) = (patient(), doctor());
    let doc = cda(INITIAL, &patient, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-T02-1", &doc, &author)
        .flag("INVISIBLE_PATIENT", true)
        .write();
    let first = send(s.pfi.addr(), &message).await.expect("ACK");
    assert_eq!(first.0, "AA", "{}", first.1);
    let received = s.settled("MSG-T02-1").await;
    assert_eq!(received.dmp, DmpOutcome::Done);
    assert_eq!(received.zams, vec!["Z01 Y".to_owned()]);
    let zams = s.zams_about("MSG-T02-1");
    assert_eq!(zams.len(), 1);
    assert!(zams[0].contains("|ZAM^Z01^ZAM_Z01|"), "{}", zams[0]);
    assert!(zams[0].contains("|ACK_RECEPTION_DMP^Accusé de réception DMP^AckMetierZAM|MSG-T02-1|Y^^expandedYes-NoIndicator|"));

    let entries = entries(&s.client, &ins(&patient), &uid(&doc)).await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].status, AvailabilityStatus::Approved);
    assert!(
        entries[0]
            .confidentiality_codes
            .iter()
            .any(|c| c.code == VisibilityFlag::InvisiblePatient.code()),
        "the flag of the message is in the entry"
    );

    // The sender's resend after a timeout: the same answer, nothing fed again.
    let again = send(s.pfi.addr(), &message).await.expect("ACK");
    assert_eq!(again, first);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(s.pfi.received().len(), 1);
    assert_eq!(s.pfi.message("MSG-T02-1").map(|r| r.deliveries), Some(2));
    assert_eq!(entries_count(&s, &patient, &doc).await, 1);
    assert_eq!(s.zams_about("MSG-T02-1").len(), 1);
    s.pfi.shutdown().await;
}

async fn entries_count(
    s: &Setup,
    patient: &crate::sandbox::demo::DemoPatient,
    cda: &[u8],
) -> usize {
    entries(&s.client, &ins(patient), &uid(cda)).await.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_messages_get_an_ae_with_its_reason() {
    let s = setup("").await;
    let (patient, author) = (patient(), doctor());
    let doc = cda(INITIAL, &patient, &fresh_suffix());

    let mut no_sb = Mdm::new("T02", "MSG-NOSB", &doc, &author);
    no_sb.author = None;
    let (code, errors) = send(s.pfi.addr(), &no_sb.write()).await.expect("ACK");
    assert_eq!(code, "AE");
    assert!(
        errors.contains("207^") && errors.contains("PRT SB"),
        "{errors}"
    );

    // Mailed to a professional while masked to professionals.
    let mut masked = Mdm::new("T02", "MSG-MASKED", &doc, &author)
        .flag("MASQUE_PS", true)
        .flag("DESTMSSANTEPS", true);
    masked.recipients = vec![("801234567897", "adam.hoda@test.mssante.fr")];
    let (code, errors) = send(s.pfi.addr(), &masked.write()).await.expect("ACK");
    assert_eq!(code, "AE");
    assert!(errors.contains("combinaison"), "{errors}");

    // A required flag missing.
    let mut missing = Mdm::new("T02", "MSG-MISSING", &doc, &author);
    missing.flags.retain(|(c, _)| *c != "CONNEXION_SECRETE");
    let (code, errors) = send(s.pfi.addr(), &missing.write()).await.expect("ACK");
    assert_eq!(code, "AE");
    assert!(errors.contains("désordre"), "{errors}");

    // Another volet.
    let text = String::from_utf8(Mdm::new("T02", "MSG-V1", &doc, &author).write())
        .expect("UTF-8")
        .replace("2.1^CISIS_CDA_HL7_V2", "1.2^CISIS_CDA_HL7_V1");
    let (code, errors) = send(s.pfi.addr(), text.as_bytes()).await.expect("ACK");
    assert_eq!(code, "AE");
    assert!(errors.contains("203^"), "{errors}");

    // Nothing forwarded, and the resend of a refused message is refused alike.
    let again = send(s.pfi.addr(), &no_sb.write()).await.expect("ACK");
    assert_eq!(again.0, "AE");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        s.pfi
            .received()
            .iter()
            .all(|r| r.ack == AckCode::Error && r.dmp == DmpOutcome::NotForwarded)
    );
    assert_eq!(entries_count(&s, &patient, &doc).await, 0);
    assert!(s.inbox.all().is_empty());
    s.pfi.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_dmp_comes_back_as_a_z01_n() {
    let s = setup("dmp=closed*1").await;
    let (patient, author) = (patient(), doctor());
    let doc = cda(INITIAL, &patient, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-CLOSED", &doc, &author).write();
    assert_eq!(send(s.pfi.addr(), &message).await.expect("ACK").0, "AA");
    let received = s.settled("MSG-CLOSED").await;
    assert_eq!(
        received.dmp,
        DmpOutcome::Refused {
            code: "DMPClosed".into()
        }
    );
    let zams = s.zams_about("MSG-CLOSED");
    assert_eq!(zams.len(), 1);
    assert!(zams[0].contains("|MSG-CLOSED|N^^expandedYes-NoIndicator|"));
    assert!(
        zams[0].contains("ERR|||207^") && zams[0].contains("|DMPClosed^DMP fermé^DMPERRORCODE")
    );
    assert_eq!(entries_count(&s, &patient, &doc).await, 0);

    // A DMP really closed: its own refusal comes back the same way.
    let closed = patient_in(DmpLife::Closed, Some(Access::Valid));
    let doc = cda(INITIAL, &closed, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-REALLY-CLOSED", &doc, &author).write();
    assert_eq!(send(s.pfi.addr(), &message).await.expect("ACK").0, "AA");
    let received = s.settled("MSG-REALLY-CLOSED").await;
    assert_eq!(
        received.dmp,
        DmpOutcome::Refused {
            code: "DMPClosed".into()
        }
    );
    assert_eq!(received.zams, vec!["Z01 N DMPClosed".to_owned()]);
    s.pfi.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ack_dropped_after_forwarding_then_a_resend_give_one_entry() {
    let s = setup("ack=drop-after*1").await;
    let (patient, author) = (patient(), doctor());
    let doc = cda(INITIAL, &patient, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-AMBIGUOUS", &doc, &author).write();
    assert_eq!(send(s.pfi.addr(), &message).await, None, "no ACK");
    let resent = send(s.pfi.addr(), &message).await.expect("ACK");
    assert_eq!(resent.0, "AA");
    let received = s.settled("MSG-AMBIGUOUS").await;
    assert_eq!((received.deliveries, received.dmp), (2, DmpOutcome::Done));
    assert_eq!(entries_count(&s, &patient, &doc).await, 1);

    // Dropped before: nothing taken, the resend is a first delivery.
    s.pfi.faults().set_ack(Some(AckFault::Drop), Some(1));
    let doc2 = cda(INITIAL, &patient, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-LOST", &doc2, &author).write();
    assert_eq!(send(s.pfi.addr(), &message).await, None);
    assert!(s.pfi.message("MSG-LOST").is_none());
    assert_eq!(send(s.pfi.addr(), &message).await.expect("ACK").0, "AA");
    assert_eq!(s.settled("MSG-LOST").await.deliveries, 1);

    // AR: nothing taken either.
    s.pfi.faults().set_ack(Some(AckFault::Reject), Some(1));
    let doc3 = cda(INITIAL, &patient, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-AR", &doc3, &author).write();
    assert_eq!(send(s.pfi.addr(), &message).await.expect("ACK").0, "AR");
    assert!(s.pfi.message("MSG-AR").is_none());
    s.pfi.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_t10_replaces_and_a_t04_deletes() {
    let s = setup("").await;
    let (patient, author) = (patient(), doctor());
    // The new version has its own id; the replaced one is named by TXA-13.
    let (v1, v2) = (
        cda(INITIAL, &patient, &fresh_suffix()),
        cda(INITIAL, &patient, &fresh_suffix()),
    );
    let ins = ins(&patient);
    let t02 = Mdm::new("T02", "MSG-V1", &v1, &author).write();
    assert_eq!(send(s.pfi.addr(), &t02).await.expect("ACK").0, "AA");
    assert_eq!(s.settled("MSG-V1").await.dmp, DmpOutcome::Done);

    let replaced = uid(&v1);
    let mut t10 = Mdm::new("T10", "MSG-V2", &v2, &author);
    t10.replaced = Some(&replaced);
    let t10 = t10.write();
    assert_eq!(send(s.pfi.addr(), &t10).await.expect("ACK").0, "AA");
    let received = s.settled("MSG-V2").await;
    assert_eq!(received.dmp, DmpOutcome::Done, "{received:?}");
    let old = entries(&s.client, &ins, &uid(&v1)).await;
    assert_eq!(old.len(), 1);
    assert_eq!(old[0].status, AvailabilityStatus::Deprecated);
    let new = entries(&s.client, &ins, &uid(&v2)).await;
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].status, AvailabilityStatus::Approved);

    let t04 = Mdm::new("T04", "MSG-DEL", &v2, &author).write();
    assert_eq!(send(s.pfi.addr(), &t04).await.expect("ACK").0, "AA");
    assert_eq!(s.settled("MSG-DEL").await.dmp, DmpOutcome::Done);
    let deleted = entries(&s.client, &ins, &uid(&v2)).await;
    assert!(
        deleted
            .iter()
            .all(|e| e.status != AvailabilityStatus::Approved),
        "{:?}",
        deleted.iter().map(|e| e.status.clone()).collect::<Vec<_>>()
    );
    assert_eq!(s.zams_about("MSG-DEL").len(), 1);
    s.pfi.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mssante_recipients_get_their_receipts() {
    let s = setup("").await;
    let (patient, author) = (patient(), doctor());
    let doc = cda(INITIAL, &patient, &fresh_suffix());
    let mut message = Mdm::new("T02", "MSG-MSS", &doc, &author)
        .flag("DESTMSSANTEPS", true)
        .flag("ACK_RECEPTION", true)
        .flag("ACK_LECTURE_MSS", true);
    message.recipients = vec![
        ("801234567897", "adam.hoda@test.mssante.fr"),
        ("801234567898", "eve.durand@test.mssante.fr"),
    ];
    assert_eq!(
        send(s.pfi.addr(), &message.write()).await.expect("ACK").0,
        "AA"
    );
    s.settled("MSG-MSS").await;
    eventually(|| s.pfi.message("MSG-MSS").is_some_and(|r| r.zams.len() == 5)).await;
    let zams = s.zams_about("MSG-MSS");
    let count = |kind: &str| zams.iter().filter(|z| z.contains(kind)).count();
    assert_eq!(
        (count("ZAM^Z01"), count("ZAM^Z02"), count("ZAM^Z03")),
        (1, 2, 2)
    );
    assert!(zams.iter().any(|z| z.contains(
        "OBX|2|XTN|LECTEUR_MSS^Lecteur du courriel MSSanté^AckMetierZAM|801234567898|^^X.400^eve.durand@test.mssante.fr"
    )));
    s.pfi.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_random_faults_resends_converge_to_one_entry_per_message() {
    let s = setup("random:50, seed:11").await;
    let (patient, author) = (patient(), doctor());
    let (mut sent, mut total) = (Vec::new(), 0);
    for n in 0..8 {
        let doc = cda(INITIAL, &patient, &fresh_suffix());
        let control_id = format!("MSG-RANDOM-{n}");
        let message = Mdm::new("T02", &control_id, &doc, &author).write();
        // The sender's loop: again until an AA (a drop or an AR is no answer).
        let mut attempts = 0;
        loop {
            attempts += 1;
            assert!(attempts < 20, "no AA after {attempts} attempts");
            if let Some((code, _)) = send(s.pfi.addr(), &message).await
                && code == "AA"
            {
                break;
            }
        }
        total += attempts;
        sent.push((control_id, doc));
    }
    assert!(total > sent.len(), "some ACKs were lost or refused");
    let mut closed = 0;
    for (control_id, doc) in &sent {
        let received = s.settled(control_id).await;
        let expected = match received.dmp {
            DmpOutcome::Done => 1,
            DmpOutcome::Refused { ref code } if code == "DMPClosed" => {
                closed += 1;
                0
            }
            ref other => panic!("{other:?}"),
        };
        assert_eq!(entries_count(&s, &patient, doc).await, expected);
        assert_eq!(received.zams.len(), 1);
    }
    assert!(closed < sent.len());
    s.pfi.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_zam_waits_for_a_sender_listener_that_comes_back() {
    let (_dmp, client) = dmp().await;
    // A port nobody listens on yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let mut config = PfiConfig::new(client);
    config.ack_to = Some(port);
    let pfi = SandboxPfi::start(config).await.expect("PFI");
    let (patient, author) = (patient(), doctor());
    let doc = cda(INITIAL, &patient, &fresh_suffix());
    let message = Mdm::new("T02", "MSG-LATE", &doc, &author).write();
    assert_eq!(send(pfi.addr(), &message).await.expect("ACK").0, "AA");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let inbox = Arc::new(Inbox::default());
    let _listener = listener::start(port, ListenerConfig::default(), Arc::clone(&inbox))
        .await
        .expect("the sender's listener back");
    eventually(|| pfi.message("MSG-LATE").is_some_and(|r| !r.zams.is_empty())).await;
    assert_eq!(
        pfi.message("MSG-LATE").map(|r| r.zams),
        Some(vec!["Z01 Y".to_owned()])
    );
    assert!(inbox.all().iter().any(|m| m.contains("|MSG-LATE|Y^")));
    pfi.shutdown().await;
}
