//! The local directory on both backends: an import swapped in whole, a cancelled one leaving
//! the previous directory, ranking, accents, addresses, `listeRouge`, FHIR confirmations kept.

use chrono::{TimeZone, Utc};

use super::*;
use crate::domain::directory::{DirectoryQuery, MailboxKind, MatchRank, PostalAddress};
use crate::store::testing::each_backend;

fn person(
    family: &str,
    given: &str,
    rpps: &str,
    mailbox: &str,
    city: (&str, &str),
) -> DirectoryEntry {
    DirectoryEntry {
        kind: MailboxKind::Personal,
        mailbox: mailbox.into(),
        person_id_type: "8".into(),
        person_id: rpps.into(),
        national_id: format!("8{rpps}"),
        civility: "DR".into(),
        family_name: family.into(),
        given_name: given.into(),
        profession_code: "10".into(),
        profession_label: "Médecin".into(),
        specialty_code: "SM54".into(),
        specialty_label: "Médecine générale".into(),
        address: PostalAddress {
            street_number: "12".into(),
            street_type: "R".into(),
            street_label: "DE LA PAIX".into(),
            routing_line: format!("{} {}", city.0, city.1),
            postal_code: city.0.into(),
            ..PostalAddress::default()
        },
        ..DirectoryEntry::default()
    }
}

fn sample() -> Vec<DirectoryEntry> {
    vec![
        person(
            "DURAND",
            "Marie",
            "10003456789",
            "marie.durand@medecin.mssante.fr",
            ("44000", "NANTES"),
        ),
        person(
            "DURANDEAU",
            "Paul",
            "10003456790",
            "p.durandeau@medecin.mssante.fr",
            ("75016", "PARIS"),
        ),
        person(
            "LEFÈVRE",
            "Hélène",
            "10005678912",
            "helene.lefevre@medecin.mssante.fr",
            ("75016", "PARIS"),
        ),
        person(
            "MARTIN",
            "Jean-Luc",
            "10004567891",
            "jl.martin@chu-nantes.mssante.fr",
            ("44093", "NANTES CEDEX 1"),
        ),
        DirectoryEntry {
            kind: MailboxKind::Organisation,
            mailbox: "secretariat.cardiologie@chu-nantes.mssante.fr".into(),
            organisation: "CHU de Nantes".into(),
            service: "Cardiologie".into(),
            address: PostalAddress {
                street_number: "1".into(),
                street_type: "PL".into(),
                street_label: "ALEXIS RICORDEAU".into(),
                routing_line: "44093 NANTES CEDEX 1".into(),
                postal_code: "44093".into(),
                ..PostalAddress::default()
            },
            ..DirectoryEntry::default()
        },
    ]
}

fn import(store: &mut Store, entries: Vec<DirectoryEntry>) -> ImportInfo {
    let mut import = Import::begin(store).expect("begin");
    for e in entries {
        import.add(e).expect("add");
    }
    import.finish("test", 0).expect("finish")
}

fn find(store: &Store, text: &str) -> Vec<(String, MatchRank)> {
    search(
        store,
        &DirectoryQuery {
            text: text.into(),
            ..DirectoryQuery::default()
        },
    )
    .expect("search")
    .into_iter()
    .map(|h| (h.entry.mailbox, h.rank))
    .collect()
}

#[test]
fn an_import_is_searched_by_name_prefix_accents_ids_and_address() {
    each_backend(|mut store| {
        let info = import(&mut store, sample());
        assert_eq!(info.entries, 5);
        assert_eq!(count(&store).expect("count"), 5);
        assert_eq!(last_import(&store).expect("last").expect("some").entries, 5);

        let hits = find(&store, "durand");
        assert_eq!(
            hits[0],
            (
                "marie.durand@medecin.mssante.fr".into(),
                MatchRank::ExactName
            )
        );
        assert_eq!(hits[1].1, MatchRank::NamePrefix);
        assert_eq!(find(&store, "du").len(), 2);
        assert_eq!(
            find(&store, "helene lefevre")[0].0,
            "helene.lefevre@medecin.mssante.fr"
        );
        assert_eq!(
            find(&store, "LÉFÈVRE")[0].0,
            "helene.lefevre@medecin.mssante.fr"
        );
        assert_eq!(
            find(&store, "10004567891"),
            vec![("jl.martin@chu-nantes.mssante.fr".into(), MatchRank::ExactId)]
        );
        assert_eq!(
            find(&store, "JL.Martin@chu-nantes.mssante.fr")[0],
            (
                "jl.martin@chu-nantes.mssante.fr".into(),
                MatchRank::ExactMailbox
            )
        );
        // A postal address: street words, the type spelt out, the postal code and the city.
        let street = find(&store, "12 rue de la paix 75016");
        assert_eq!(street.len(), 2, "{street:?}");
        assert!(
            find(&store, "place ricordeau nantes")[0]
                .0
                .starts_with("secretariat")
        );
        assert!(
            find(&store, "cardiologie chu")[0]
                .0
                .starts_with("secretariat")
        );
        // Filters alone.
        let paris = search(
            &store,
            &DirectoryQuery {
                postal_code: Some("75016".into()),
                ..DirectoryQuery::default()
            },
        )
        .expect("search");
        assert_eq!(paris.len(), 2);
        let nantes = search(
            &store,
            &DirectoryQuery {
                text: "medecine generale".into(),
                city: Some("Nantes".into()),
                ..DirectoryQuery::default()
            },
        )
        .expect("search");
        assert_eq!(nantes.len(), 1);
        assert!(find(&store, "zzz").is_empty());
    });
}

#[test]
fn unlisted_entries_are_never_returned_and_confirmations_survive_a_new_import() {
    each_backend(|mut store| {
        import(&mut store, sample());
        let at = Utc
            .with_ymd_and_hms(2026, 11, 30, 8, 0, 0)
            .single()
            .expect("date");
        let mut hidden = sample()[0].clone();
        hidden.unlisted = true;
        hidden.source = DirectorySource::Api { confirmed_at: at };
        let mut fhir_only = person(
            "NOUVEAU",
            "Anne",
            "10009999999",
            "anne.nouveau@medecin.mssante.fr",
            ("44000", "NANTES"),
        );
        fhir_only.source = DirectorySource::Api { confirmed_at: at };
        assert_eq!(
            merge_confirmed(&mut store, &[hidden, fhir_only]).expect("merge"),
            1
        );
        assert!(find(&store, "marie durand").is_empty());
        assert_eq!(find(&store, "nouveau").len(), 1);

        // The next extract still lists Marie Durand and lacks Anne Nouveau.
        import(&mut store, sample());
        assert!(find(&store, "marie durand").is_empty(), "listeRouge kept");
        let kept = search(
            &store,
            &DirectoryQuery {
                text: "nouveau".into(),
                ..DirectoryQuery::default()
            },
        )
        .expect("search");
        assert_eq!(kept.len(), 1, "the API's entry carried over");
        assert_eq!(
            kept[0].entry.source,
            DirectorySource::Api { confirmed_at: at }
        );
    });
}

#[test]
fn an_abandoned_import_leaves_the_previous_directory() {
    each_backend(|mut store| {
        import(&mut store, sample());
        {
            let mut half = Import::begin(&mut store).expect("begin");
            for i in 0..450 {
                half.add(person(
                    "AUTRE",
                    "X",
                    &format!("1{i:010}"),
                    &format!("x{i}@m.mssante.fr"),
                    ("1000", "X"),
                ))
                .expect("add");
            }
            half.abort();
        }
        assert_eq!(count(&store).expect("count"), 5);
        assert_eq!(find(&store, "durand").len(), 2);
        // And a later import still works (the copy was dropped).
        import(&mut store, sample().into_iter().take(2).collect());
        assert_eq!(count(&store).expect("count"), 2);
        assert_eq!(find(&store, "durand").len(), 2);
    });
}

#[test]
fn the_copys_indexes_take_a_new_generation() {
    assert_eq!(
        for_copy(
            "CREATE INDEX directory_entry_family_g12 ON public.directory_entry USING btree (family_key)",
            "_g13"
        ),
        "CREATE INDEX directory_entry_family_g13 ON public.directory_entry_next USING btree (family_key)"
    );
    assert_eq!(
        for_copy(
            "CREATE INDEX directory_entry_postal ON directory_entry (postal_code)",
            "_g2"
        ),
        "CREATE INDEX directory_entry_postal_g2 ON directory_entry_next (postal_code)"
    );
}

#[test]
fn a_second_import_is_refused_while_one_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = crate::store::DbKey::generate();
    let path = dir.path().join("record.db");
    let mut first = Store::open(&path, &key).expect("store");
    let mut second = Store::open(&path, &key).expect("second connection");
    {
        let _running = Import::begin(&mut first).expect("first import");
        assert!(matches!(
            Import::begin(&mut second),
            Err(StoreError::Duplicate)
        ));
    }
    // Released when the first one ends (here: abandoned).
    import(&mut second, sample());
    assert_eq!(count(&second).expect("count"), 5);
}
