//! Sending by MSSanté: the flags of each allowed combination, recipients from directory
//! entries, and a send through the sandbox gateway whose receipts come back per recipient
//! (delivered then read, or refused with the SMTP code).

use super::*;
use crate::domain::directory::PostalAddress;
use crate::domain::mss::MssReceipt;

fn person(family: &str, mailbox: &str) -> DirectoryEntry {
    DirectoryEntry {
        kind: MailboxKind::Personal,
        mailbox: mailbox.into(),
        person_id_type: "8".into(),
        person_id: "10003456789".into(),
        national_id: "810003456789".into(),
        family_name: family.into(),
        given_name: "Marie".into(),
        address: PostalAddress::default(),
        ..DirectoryEntry::default()
    }
}

fn secretariat() -> DirectoryEntry {
    DirectoryEntry {
        kind: MailboxKind::Organisation,
        mailbox: "secretariat.cardiologie@chu-nantes.mssante.fr".into(),
        structure_id: "1440000289".into(),
        organisation: "CHU de Nantes".into(),
        service: "Cardiologie".into(),
        ..DirectoryEntry::default()
    }
}

#[test]
fn flags_follow_the_gateways_three_combinations() {
    let ps = flags(true, false, true);
    assert!(ps.to_mss_ps && !ps.to_mss_patient && ps.invisible_patient && !ps.to_dmp);
    assert!(!ps.patient_may_not_reply, "FIN only goes with the patient");
    let both = flags(true, true, true);
    assert!(both.to_mss_ps && both.to_mss_patient && !both.invisible_patient);
    assert!(both.patient_may_not_reply);
    let patient = flags(false, true, false);
    assert!(!patient.to_mss_ps && patient.to_mss_patient && !patient.secret_connection);
    assert!(patient.ack_reception && patient.ack_read);
}

#[test]
fn an_organisations_mailbox_is_a_structure_recipient() {
    let (m, s) = recipient_of(&secretariat());
    assert_eq!(m.kind, RecipientKind::Organisation);
    assert_eq!(m.id, "1440000289");
    assert_eq!(m.family_name, "CHU de Nantes — Cardiologie");
    assert!(s.organisation);
    let (m, _) = recipient_of(&person("DURAND", "marie.durand@medecin.mssante.fr"));
    assert_eq!(
        (m.kind, m.id.as_str()),
        (RecipientKind::Professional, "810003456789")
    );
}

#[cfg(feature = "sandbox")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue16_a_letter_reaches_professionals_and_the_patient_with_receipts_per_recipient() {
    use crate::domain::outbox::OutboxRoute;
    use crate::outbox::test_support::{Fixture, drain_until};

    let f = Fixture::new().await;
    let (pfi, listener) = crate::sandbox::outbox_run::gateway(&f.path, f.key, &f._dmp, 0).await;
    let mut settings = crate::sandbox::outbox_run::settings(OutboxRoute::Pfi);
    settings.pfi_address = Some(pfi.addr());
    let store = f.open();
    let document = f.produce(&store, 1);
    let cda = crate::store::documents::raw(&store, document).expect("raw");
    let parsed = crate::cda::parse(&cda).expect("parse");
    let recipients = [
        person("DURAND", "marie.durand@medecin.mssante.fr"),
        person("INCONNU", "inconnu.x@medecin.mssante.fr"),
        secretariat(),
    ];
    let item = enqueue_send(
        &store,
        &settings,
        &MssProduction {
            document,
            patient: &f.patient,
            episode: None,
            visit_number: None,
            cda: &cda,
            parsed: &parsed,
            author: &f.professional,
            recipients: &recipients,
            to_patient: true,
            patient_may_not_reply: true,
            body: "Chère consœur, voici le compte rendu.",
            created_by: "medecin",
            now: Utc::now(),
        },
    )
    .expect("queued");
    drop(store);
    let settled = |f: &Fixture| {
        let sends = crate::store::mss::sends_of(&f.open(), document).expect("sends");
        sends[0].recipients.iter().all(|r| {
            matches!(
                r.receipt,
                MssReceipt::Read { .. } | MssReceipt::Refused { .. }
            )
        })
    };
    drain_until(f.drainer(settings), || settled(&f)).await;

    let store = f.open();
    let sends = crate::store::mss::sends_of(&store, document).expect("sends");
    assert_eq!(sends.len(), 1);
    let send = &sends[0];
    assert_eq!(send.item, item);
    assert_eq!(send.state, OutboxState::Sent);
    assert!(send.patient_may_not_reply);
    let receipts: Vec<(&str, &MssReceipt)> = send
        .recipients
        .iter()
        .map(|r| (r.address.as_str(), &r.receipt))
        .collect();
    assert_eq!(receipts.len(), 4, "{receipts:?}");
    assert!(matches!(receipts[0].1, MssReceipt::Read { .. }));
    assert_eq!(
        receipts[1].1,
        &MssReceipt::Refused {
            code: "550".into(),
            label: "Boîte aux lettres inconnue".into()
        }
    );
    assert!(matches!(receipts[2].1, MssReceipt::Read { .. }));
    assert!(receipts[3].0.ends_with("@patient.mssante.fr"));
    assert!(matches!(receipts[3].1, MssReceipt::Read { .. }));
    assert_eq!(send.tally(), (3, 1, 4));
    let summary = crate::store::documents::summary(&store, document).expect("summary");
    assert_eq!(summary.mss_share, crate::domain::ShareState::Sent);
    assert_eq!(
        summary.dmp_share,
        crate::domain::ShareState::NotShared,
        "not a DMP job"
    );
    assert!(
        summary.sharing.is_none(),
        "the DMP column ignores MSSanté jobs"
    );

    // What the gateway got: MSSanté to professionals and the patient, not to the DMP.
    let received = pfi.received();
    assert_eq!(received.len(), 1);
    assert_eq!(
        received[0].dmp,
        crate::sandbox::pfi::DmpOutcome::NotForwarded
    );
    let unique_id = document_unique_id(&parsed).expect("id");
    assert!(
        f.registry().await.iter().all(|(u, _)| *u != unique_id),
        "nothing reached the DMP"
    );
    pfi.shutdown().await;
    listener.stop().await;
}
