//! The vigilance decisions on both backends: accepting INSi's identity (récupérée, or qualifiée
//! after a document), refusing it, documents of high and low trust, a doubt; each with its
//! history line and audit entry in the same transaction; the guards (traits changed since the
//! search, a real difference, an INS already on another folder); and a downgrade that takes
//! the INS and its DataMatrix out of the next document produced.

use chrono::NaiveDate;

use super::*;
use crate::domain::ins::OID_INS_NIR_TEST;
use crate::domain::{BirthTraits, Ins, PatientIdentity, Sex};
use crate::store::identity_history::HistoryEntry;
use crate::store::testing::each_backend;
use crate::worker::ReturnedIdentity;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")
}

fn local_traits() -> BirthTraits {
    BirthTraits {
        birth_name: "Adrun".into(),
        birth_first_names: "Zoé".into(),
        birth_date: NaiveDate::from_ymd_opt(1975, 12, 31).expect("date"),
        sex: Sex::Female,
        birthplace_insee: None,
    }
}

fn ins() -> Ins {
    Ins::parse("275126322000146", OID_INS_NIR_TEST).expect("ins")
}

fn insert(store: &Store, ipp: &str, status: IdentityStatus, ins: Option<Ins>) -> PatientId {
    patients::insert(
        store,
        &PatientIdentity {
            ipp: ipp.into(),
            ins,
            traits: local_traits(),
            used_name: None,
            used_first_name: None,
            status,
        },
    )
    .expect("patient")
}

/// What INSi returns for ADRUN Zoé: her reference traits, written INSi's way.
fn found() -> InsComparison {
    let returned = ReturnedIdentity {
        ins: ins(),
        earlier_ins: 0,
        traits: BirthTraits {
            birth_name: "ADRUN".into(),
            birth_first_names: "ZOE".into(),
            birth_date: NaiveDate::from_ymd_opt(1975, 12, 31).expect("date"),
            sex: Sex::Female,
            birthplace_insee: Some("63220".into()),
        },
    };
    InsComparison::new(returned, local_traits(), 2)
}

fn history(store: &Store, p: PatientId) -> Vec<HistoryEntry> {
    identity_history::for_patient(store, p, 50).expect("history")
}

fn audit_details(store: &Store, action: AuditAction) -> Vec<String> {
    audit::with_action(store, action)
        .expect("audit")
        .into_iter()
        .map(|r| r.detail)
        .collect()
}

#[test]
fn issue17_accept_then_a_passport_qualifies_with_every_step_traced() {
    each_backend(|mut store| {
        let p = insert(&store, "Q1", IdentityStatus::Provisoire, None);
        let decided = store
            .in_transaction(|s| accept_in(s, "medecin", p, &found()))
            .expect("accepted");
        assert_eq!(decided, Decided::Status(IdentityStatus::Recuperee));
        let stored = patients::get(&store, p).expect("patient").identity;
        assert_eq!(stored.ins.as_ref(), Some(&ins()));
        // INSi's traits are the reference from now on.
        assert_eq!(stored.traits.birth_name, "ADRUN");
        assert_eq!(stored.traits.birthplace_insee.as_deref(), Some("63220"));
        assert!(!stored.status.ins_usable());

        let decided = store
            .in_transaction(|s| {
                check_document_in(s, "secretaire", p, IdentityDocument::Passeport, today())
            })
            .expect("checked");
        assert_eq!(decided, Decided::Status(IdentityStatus::Qualifiee));
        let stored = patients::get(&store, p).expect("patient").identity;
        assert!(stored.status.ins_usable());

        let lines = history(&store, p);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].event, HistoryEvent::DocumentChecked);
        assert_eq!(lines[0].document, Some(IdentityDocument::Passeport));
        assert_eq!(lines[0].actor, "secretaire");
        assert_eq!(lines[1].event, HistoryEvent::InsAccepted);
        assert_eq!(lines[1].insi_calls, Some(2));
        assert_eq!(lines[1].ins.as_ref(), Some(&ins()));
        assert_eq!(
            lines[1].detail,
            "birth-name:case,first-names:case+accents,birthplace:completed"
        );
        assert_eq!(
            audit_details(&store, AuditAction::IdentityStatusChanged),
            vec!["PROV→RECUP ins-accepted", "RECUP→QUAL document-checked"]
        );
    });
}

#[test]
fn issue17_a_document_alone_validates_and_insi_then_qualifies() {
    each_backend(|mut store| {
        let p = insert(&store, "V1", IdentityStatus::Provisoire, None);
        let decided = store
            .in_transaction(|s| {
                check_document_in(s, "infirmier", p, IdentityDocument::CarteIdentite, today())
            })
            .expect("checked");
        assert_eq!(decided, Decided::Status(IdentityStatus::Validee));
        assert!(patients::get(&store, p).expect("p").identity.ins.is_none());
        let decided = store
            .in_transaction(|s| accept_in(s, "medecin", p, &found()))
            .expect("accepted");
        assert_eq!(decided, Decided::Status(IdentityStatus::Qualifiee));
    });
}

#[test]
fn issue17_refusals_and_low_trust_documents_store_nothing_but_are_traced() {
    each_backend(|mut store| {
        let p = insert(&store, "R1", IdentityStatus::Provisoire, None);
        let before = patients::get(&store, p).expect("p");
        let decided = store
            .in_transaction(|s| refuse_in(s, "medecin", p, &found()))
            .expect("refused");
        assert_eq!(decided, Decided::Refused);
        let decided = store
            .in_transaction(|s| {
                check_document_in(s, "medecin", p, IdentityDocument::PermisConduire, today())
            })
            .expect("traced");
        assert_eq!(decided, Decided::LowTrust);
        // The family record book does not prove an adult's identity.
        let decided = store
            .in_transaction(|s| {
                check_document_in(s, "medecin", p, IdentityDocument::LivretFamille, today())
            })
            .expect("traced");
        assert_eq!(decided, Decided::LowTrust);
        assert_eq!(patients::get(&store, p).expect("p"), before);
        let lines = history(&store, p);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.from == l.to));
        assert_eq!(lines[2].event, HistoryEvent::InsRefused);
        assert!(lines[2].ins.is_none(), "a refused INS is not kept");
        assert_eq!(lines[1].detail, "low-trust");
    });
}

#[test]
fn issue17_a_doubt_goes_back_to_provisional_and_keeps_the_ins_unusable() {
    each_backend(|mut store| {
        let p = insert(&store, "D1", IdentityStatus::Qualifiee, Some(ins()));
        let decided = store
            .in_transaction(|s| doubt_in(s, "infirmier", p, DoubtReason::SuspectedFraud))
            .expect("doubt");
        assert_eq!(decided, Decided::Status(IdentityStatus::Provisoire));
        let stored = patients::get(&store, p).expect("p").identity;
        assert_eq!(stored.ins.as_ref(), Some(&ins()));
        assert!(!stored.status.ins_usable());
        let line = &history(&store, p)[0];
        assert_eq!(line.reason, Some(DoubtReason::SuspectedFraud));
        assert_eq!(
            (line.from, line.to),
            (IdentityStatus::Qualifiee, IdentityStatus::Provisoire)
        );
    });
}

#[test]
fn issue17_accepting_is_refused_when_traits_changed_or_differ_or_the_ins_is_taken() {
    each_backend(|mut store| {
        let p = insert(&store, "G1", IdentityStatus::Provisoire, None);
        // The folder changed since the search.
        let mut stale = found();
        stale.local.birth_first_names = "Zoé Marie".into();
        let e = store
            .in_transaction(|s| accept_in(s, "medecin", p, &stale))
            .expect_err("stale");
        assert_eq!(e.message_id(), "error-identity-traits-changed");
        // A real difference (another birth date).
        let mut other = found();
        other.returned.traits.birth_date = NaiveDate::from_ymd_opt(1975, 12, 30).expect("d");
        let e = store
            .in_transaction(|s| accept_in(s, "medecin", p, &other))
            .expect_err("differs");
        assert_eq!(e.message_id(), "error-identity-traits-differ");
        assert!(history(&store, p).is_empty(), "nothing written");
        // The INS is already another folder's: an alert, nothing else.
        let holder = insert(&store, "G2", IdentityStatus::Recuperee, Some(ins()));
        let decided = store
            .in_transaction(|s| accept_in(s, "medecin", p, &found()))
            .expect("alert");
        assert_eq!(decided, Decided::InsOnOtherFolder);
        let alerts = identity_alerts::open(&store, 10).expect("alerts");
        assert_eq!(alerts.len(), 1);
        assert_eq!(alerts[0].other, Some(holder));
        assert!(patients::get(&store, p).expect("p").identity.ins.is_none());
    });
}

#[test]
#[cfg(feature = "sandbox")]
fn issue17_a_downgrade_takes_the_ins_and_its_datamatrix_out_of_new_documents() {
    use crate::cda::produce::catalog::DocumentKind;
    use crate::cda::produce::form::{build, empty_form};
    use crate::pdf::write::tests::content_text;
    let mut store = Store::open_in_memory(&crate::store::DbKey::generate()).expect("store");
    let p = insert(&store, "DM1", IdentityStatus::Provisoire, None);
    store
        .in_transaction(|s| accept_in(s, "medecin", p, &found()))
        .expect("accepted");
    store
        .in_transaction(|s| {
            check_document_in(s, "medecin", p, IdentityDocument::Passeport, today())
        })
        .expect("qualified");
    // As `produce_document` does: the identity read from the store at production time.
    let produce = |store: &Store| {
        let mut context = crate::sandbox::production_context().expect("context");
        context.patient = patients::get(store, p).expect("p").identity;
        let mut form = empty_form(DocumentKind::CompteRenduConsultation);
        form.title = "Consultation".into();
        if let Some(section) = form.sections.first_mut() {
            section.text = "Examen sans particularité.".into();
        }
        crate::cda::produce::produce(&build(&form, &context).expect("form")).expect("produce")
    };
    let qualified = produce(&store);
    assert!(String::from_utf8_lossy(&qualified.n3).contains("275126322000146"));
    assert!(content_text(&qualified.pdf).contains("INS à scanner"));

    store
        .in_transaction(|s| doubt_in(s, "medecin", p, DoubtReason::DocumentDoubtful))
        .expect("doubt");
    let downgraded = produce(&store);
    assert!(!String::from_utf8_lossy(&downgraded.n3).contains("275126322000146"));
    let pdf = content_text(&downgraded.pdf);
    assert!(!pdf.contains("INS à scanner"), "no DataMatrix");
    assert!(!pdf.contains("INS :"), "no INS printed");
}
