//! The store end to end, on a real encrypted file and on the shared PostgreSQL record:
//! patients, episodes and documents go in and come back equal; search finds them by name, INS,
//! IPP and birth date; a re-integrated document is a no-op; the database reopens (with its key,
//! or from another connection).

use chevet::domain::{
    BirthTraits, EpisodeKind, IdentityStatus, Ins, PatientId, PatientIdentity, Provenance, Sex,
    Visibility,
};
use chevet::store::documents::{self, Inserted, NewDocument};
use chevet::store::episodes::{self, NewEpisode};
use chevet::store::patients;
use chevet::store::testing::{each_backend, pg_schema, pg_store_in, pg_target};
use chevet::store::{DB_FILE_NAME, DbKey, Store};
use chrono::NaiveDate;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../shared/fixtures/cda/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

fn pat_trois() -> PatientIdentity {
    PatientIdentity {
        ipp: "00042".into(),
        ins: Some(Ins::parse("279035121518989", "1.2.250.1.213.1.4.10").expect("INS")),
        traits: BirthTraits {
            birth_name: "PAT-TROIS".into(),
            birth_first_names: "DOMINIQUE MARIE-LOUISE".into(),
            birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).expect("date"),
            sex: Sex::Female,
            birthplace_insee: Some("51215".into()),
        },
        used_name: Some("MARTIN".into()),
        used_first_name: None,
        status: IdentityStatus::Qualifiee,
    }
}

#[test]
fn patients_episodes_and_documents_round_trip_through_the_encrypted_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE_NAME);
    let key = DbKey::generate();
    round_trip(&|| Store::open(&path, &key).expect("open"));
}

#[test]
fn issue13_patients_episodes_and_documents_round_trip_through_the_shared_record() {
    let Some(target) = pg_target() else { return };
    let (_owner, schema) = pg_schema(&target);
    round_trip(&|| pg_store_in(&target, &schema));
}

/// Writes through one store, reads back through another opened by `open`.
fn round_trip(open: &dyn Fn() -> Store) {
    let (pid, doc_id) = {
        let store = open();
        let pid = patients::insert(&store, &pat_trois()).expect("patient");
        let start = NaiveDate::from_ymd_opt(2024, 3, 1)
            .and_then(|d| d.and_hms_opt(8, 30, 0))
            .expect("date");
        episodes::insert(
            &store,
            &NewEpisode {
                patient_id: pid,
                kind: EpisodeKind::Consultation,
                start,
                end: None,
                unit: "Cardiologie".into(),
                finess_geo: "750712184".into(),
            },
        )
        .expect("episode");
        let raw = fixture("BIO-CR-BIO_2024.01_TSH_1.xml");
        let meta = chevet::cda::parse(&raw).expect("cda").meta();
        let doc = NewDocument {
            patient_id: pid,
            episode_id: None,
            meta: &meta,
            provenance: Provenance::Local,
            visibility: Visibility::default(),
            raw: &raw,
        };
        let Inserted::New(doc_id) = documents::insert(&store, &doc).expect("doc") else {
            panic!("first insert must be new");
        };
        assert_eq!(
            documents::insert(&store, &doc).expect("again"),
            Inserted::AlreadyPresent(doc_id)
        );
        (pid, doc_id)
    };

    let store = open();
    let p = patients::get(&store, pid).expect("get");
    assert_eq!(p.identity.traits.birth_name, "PAT-TROIS");
    assert_eq!(p.identity.status, IdentityStatus::Qualifiee);
    assert_eq!(
        p.identity.ins.as_ref().map(|i| i.matricule.as_str()),
        Some("279035121518989")
    );
    let eps = episodes::for_patient(&store, pid).expect("episodes");
    assert_eq!(eps.len(), 1);
    assert!(eps[0].is_open());
    let docs = documents::for_patient(&store, pid).expect("docs");
    assert_eq!(docs.len(), 1);
    assert_eq!(docs[0].reference.stored(), Some(doc_id));
    assert_eq!(docs[0].meta.cda_id, "1.2.250.1.213.1.1.1.55.2024.9.1");
    assert_eq!(docs[0].meta.set_id, "1.2.250.1.213.1.1.1.55.2024.9");
    assert!(docs[0].meta.has_pdf);
    assert_eq!(
        documents::raw(&store, doc_id).expect("raw"),
        fixture("BIO-CR-BIO_2024.01_TSH_1.xml")
    );

    assert_found_by_what_people_type(&store, pid);
}

/// Names, IPP, first digits of the INS, birth date find PAT-TROIS; near misses do not.
fn assert_found_by_what_people_type(store: &Store, pid: PatientId) {
    for query in [
        "pat-trois",
        "dominique pat",
        "martin",
        "279035",
        "2790351215189",
        "00042",
        "28/03/1979",
        "marie-louise",
    ] {
        let found = patients::search(store, query, 10).expect("search");
        assert_eq!(found.total, 1, "query {query:?}");
        assert_eq!(found.rows[0].id, pid);
    }
    for query in [
        "trois dominik",
        "279036",
        "27903512151899",
        "0004",
        "29/03/1979",
    ] {
        assert_eq!(
            patients::search(store, query, 10).expect("search").total,
            0,
            "query {query:?}"
        );
    }
}

#[test]
fn issue13_the_search_finds_the_same_on_both_backends() {
    each_backend(|store| {
        let pid = patients::insert(&store, &pat_trois()).expect("insert");
        assert_found_by_what_people_type(&store, pid);
        for typed in ["pat-trois", "279035", "28/03/1979"] {
            let plan = patients::search_plan(&store, typed).expect("plan");
            assert!(
                plan.iter().any(|line| !line.is_empty()),
                "{typed}: {plan:?}"
            );
        }
    });
}

#[test]
fn duplicate_ipp_or_ins_and_inconsistent_identities_are_refused() {
    each_backend(|store| {
        patients::insert(&store, &pat_trois()).expect("first");
        let mut same_ipp = pat_trois();
        same_ipp.ins = None;
        same_ipp.status = IdentityStatus::Provisoire;
        assert!(matches!(
            patients::insert(&store, &same_ipp),
            Err(chevet::store::StoreError::Duplicate)
        ));
        let mut same_ins = pat_trois();
        same_ins.ipp = "other".into();
        assert!(matches!(
            patients::insert(&store, &same_ins),
            Err(chevet::store::StoreError::Duplicate)
        ));
        let mut no_ins = pat_trois();
        no_ins.ipp = "third".into();
        no_ins.ins = None;
        assert!(
            patients::insert(&store, &no_ins).is_err(),
            "qualified identity without INS"
        );
    });
}
