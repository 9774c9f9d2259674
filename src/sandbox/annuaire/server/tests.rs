//! The Annuaire client against the sandbox server: paging, the look-ups, the address recipe,
//! `listeRouge`, hidden mailboxes, the refusals of the V2 API, and the injected faults.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use super::test_support::{TEST_API_KEY, settings, start};
use super::{FaultPlan, SandboxAnnuaire};
use crate::annuaire::fhir::{AddressQuery, AnnuaireClient, AnnuaireError};
use crate::domain::directory::{DirectoryEntry, DirectorySource, MailboxKind, PostalAddress};

fn address(number: &str, kind: &str, label: &str, code: &str, city: &str) -> PostalAddress {
    PostalAddress {
        street_number: number.into(),
        street_type: kind.into(),
        street_label: label.into(),
        postal_code: code.into(),
        routing_line: format!("{code} {city}"),
        country: "FRANCE".into(),
        ..PostalAddress::default()
    }
}

fn person(
    n: usize,
    family: &str,
    structure: Option<(&str, &str, PostalAddress)>,
) -> DirectoryEntry {
    let rpps = format!("10{n:09}");
    let mut e = DirectoryEntry {
        kind: MailboxKind::Personal,
        mailbox: format!("p{n}.{}@test.mssante.fr", family.to_lowercase()),
        person_id_type: "8".into(),
        national_id: format!("8{rpps}"),
        person_id: rpps,
        civility: "DR".into(),
        family_name: family.into(),
        given_name: format!("Prénom{n}"),
        profession_code: "10".into(),
        profession_label: "Médecin".into(),
        specialty_code: if n.is_multiple_of(2) { "SM54" } else { "SM04" }.into(),
        ..DirectoryEntry::default()
    };
    if let Some((finess, name, address)) = structure {
        e.structure_id_type = "1".into();
        e.structure_id = finess.into();
        e.organisation = name.into();
        e.address = address;
    }
    e
}

fn chu() -> (&'static str, &'static str, PostalAddress) {
    (
        "440000289",
        "CHU DE NANTES",
        address("5", "ALL", "DE L ILE GLORIETTE", "44000", "NANTES"),
    )
}

fn clinic() -> (&'static str, &'static str, PostalAddress) {
    (
        "440000990",
        "CLINIQUE DE LA PAIX",
        address("12", "R", "DE LA PAIX", "44000", "NANTES"),
    )
}

/// 120 MARTIN and 3 MARTÍNEZ at the CHU, 3 DUPONT at the clinic (one unlisted, one hidden),
/// a CAB mailbox, the clinic's own mailbox, one recently confirmed entry.
fn entries() -> Vec<DirectoryEntry> {
    let mut out: Vec<_> = (0..120).map(|n| person(n, "MARTIN", Some(chu()))).collect();
    out.extend((120..123).map(|n| person(n, "MARTÍNEZ", Some(chu()))));
    out.extend((200..203).map(|n| person(n, "DUPONT", Some(clinic()))));
    out[121].unlisted = true;
    let mut cab = person(0, "MARTIN", None);
    cab.kind = MailboxKind::Practice;
    cab.mailbox = "cabinet.martin@test.mssante.fr".into();
    out.push(cab);
    let (finess, name, address) = clinic();
    out.push(DirectoryEntry {
        kind: MailboxKind::Organisation,
        mailbox: "accueil@clinique-paix.mssante.fr".into(),
        structure_id_type: "1".into(),
        structure_id: finess.into(),
        organisation: name.into(),
        address,
        service: "Accueil".into(),
        ..DirectoryEntry::default()
    });
    let mut recent = person(300, "RECENT", Some(chu()));
    recent.source = DirectorySource::Api {
        confirmed_at: chrono::DateTime::parse_from_rfc3339("2026-09-01T10:00:00Z")
            .map(|d| d.to_utc())
            .unwrap_or_default(),
    };
    out.push(recent);
    out
}

async fn running(
    faults: FaultPlan,
) -> (
    SandboxAnnuaire,
    crate::sandbox::registry::Registry,
    AnnuaireClient,
) {
    let server = SandboxAnnuaire::new(entries(), TEST_API_KEY, faults);
    let (registry, base) = start(server.clone()).await.expect("start");
    let client = AnnuaireClient::new(settings(&base, TEST_API_KEY)).expect("client");
    (server, registry, client)
}

#[tokio::test]
async fn by_name_follows_the_pages_accents_ignored() {
    let (server, _reg, client) = running(FaultPlan::default()).await;
    let found = client.by_name("martin", None, None).await.expect("search");
    // 120 MARTIN + 3 MARTÍNEZ (prefix, accent-insensitive), each with a role at the CHU,
    // plus the CAB mailbox; the CHU itself is fetched by `_id`.
    assert_eq!(found.len(), 124, "{:?}", found.len());
    assert!(
        server.calls() >= 4,
        "3 pages of 50 and the organisation: {}",
        server.calls()
    );
    let one = found
        .iter()
        .find(|e| e.mailbox == "p7.martin@test.mssante.fr")
        .unwrap();
    assert_eq!(one.organisation, "CHU DE NANTES");
    assert_eq!(one.address.routing_line, "44000 NANTES");
    assert_eq!(one.address.street_line(), "5 ALL DE L ILE GLORIETTE");
    assert_eq!(one.rpps(), Some("10000000007"));
    assert_eq!(one.specialty_code, "SM04");
    let narrowed = client
        .by_name("MARTIN", Some("prénom12"), Some("SM54"))
        .await
        .expect("search");
    let names: HashSet<_> = narrowed.iter().map(|e| e.given_name.as_str()).collect();
    assert!(
        names.contains("Prénom12") && names.contains("Prénom120") && !names.contains("Prénom121")
    );
}

#[tokio::test]
async fn by_rpps_merges_practitioner_and_role_mailboxes() {
    let (_s, _reg, client) = running(FaultPlan::default()).await;
    let found = client.by_rpps("10000000000").await.expect("search");
    let mut mailboxes: Vec<_> = found.iter().map(|e| (e.mailbox.as_str(), e.kind)).collect();
    mailboxes.sort_by_key(|m| m.0);
    assert_eq!(
        mailboxes,
        vec![
            ("cabinet.martin@test.mssante.fr", MailboxKind::Practice),
            ("p0.martin@test.mssante.fr", MailboxKind::Personal)
        ]
    );
    assert!(
        found
            .iter()
            .all(|e| matches!(e.source, DirectorySource::Api { .. }))
    );
    assert!(
        client
            .by_rpps("19999999999")
            .await
            .expect("search")
            .is_empty()
    );
}

#[tokio::test]
async fn the_address_recipe_finds_the_people_working_there() {
    let (_s, _reg, client) = running(FaultPlan::default()).await;
    let query = AddressQuery {
        postal_code: "44000".into(),
        city: "Nantes".into(),
        street: "paix".into(),
    };
    let found = client.by_address(&query).await.expect("search");
    let mut mailboxes: Vec<_> = found.iter().map(|e| e.mailbox.as_str()).collect();
    mailboxes.sort();
    assert_eq!(
        mailboxes,
        vec![
            "accueil@clinique-paix.mssante.fr",
            "p200.dupont@test.mssante.fr",
            "p201.dupont@test.mssante.fr",
            "p202.dupont@test.mssante.fr"
        ]
    );
    let org = found
        .iter()
        .find(|e| e.kind == MailboxKind::Organisation)
        .unwrap();
    assert_eq!(
        (org.organisation.as_str(), org.service.as_str()),
        ("CLINIQUE DE LA PAIX", "Accueil")
    );
    let person = found
        .iter()
        .find(|e| e.mailbox.starts_with("p200"))
        .unwrap();
    assert_eq!(person.family_name, "DUPONT");
    assert_eq!(person.structure_id, "440000990");
    let by_name = client.by_organisation("paix").await.expect("search");
    assert_eq!(by_name.len(), 4);
}

#[tokio::test]
async fn liste_rouge_is_unlisted_and_hidden_mailboxes_are_absent() {
    let (server, _reg, client) = running(FaultPlan::default()).await;
    let found = client
        .by_name("martinez", None, None)
        .await
        .expect("search");
    let unlisted: Vec<_> = found
        .iter()
        .filter(|e| e.unlisted)
        .map(|e| e.mailbox.as_str())
        .collect();
    assert_eq!(unlisted, vec!["p121.martínez@test.mssante.fr"]);
    server.set_missing_mailboxes(HashSet::from(["P200.dupont@test.mssante.fr".to_owned()]));
    let found = client.by_rpps("10000000200").await.expect("search");
    assert!(found.is_empty(), "the extract has it, FHIR does not");
    let by_box = client.by_mailbox("p201.dupont@").await.expect("search");
    assert_eq!(by_box.len(), 1);
    assert_eq!(by_box[0].organisation, "CLINIQUE DE LA PAIX");
}

#[tokio::test]
async fn updated_since_gives_what_changed() {
    let (_s, _reg, client) = running(FaultPlan::default()).await;
    let since = chrono::NaiveDate::from_ymd_opt(2026, 8, 1).unwrap();
    let mut pages = 0;
    let handed = client
        .updated_since(since, |page| {
            pages += usize::from(!page.is_empty());
            assert!(
                page.iter()
                    .all(|e| e.mailbox == "p300.recent@test.mssante.fr")
            );
        })
        .await
        .expect("refresh");
    assert!(handed >= 1 && pages >= 1);
}

#[tokio::test]
async fn unknown_parameters_and_missing_key_are_refused_like_the_real_api() {
    let (_s, _reg, client) = running(FaultPlan::default()).await;
    let base = client.settings().base_url.clone();
    let http = reqwest::Client::new();
    let r = http
        .get(format!("{base}/PractitionerRole?name=martin"))
        .header("ESANTE-API-KEY", TEST_API_KEY)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert!(r.text().await.unwrap().contains("OperationOutcome"));
    let r = http
        .get(format!("{base}/Practitioner?family=martin"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let wrong = AnnuaireClient::new(settings(&base, "not-the-key")).unwrap();
    let e = wrong.by_name("martin", None, None).await.unwrap_err();
    assert_eq!(e, AnnuaireError::Unauthorized { status: 401 });
    assert!(!e.is_retryable());
    assert!(e.to_string().contains("vérifiez la clé"));
    assert!(!e.to_string().contains("not-the-key") && !e.to_string().contains("martin"));
}

#[tokio::test]
async fn a_429_is_waited_out_as_retry_after_says() {
    let plan = FaultPlan {
        wave: vec![429],
        retry_after_secs: 1,
        ..FaultPlan::default()
    };
    let (server, _reg, client) = running(plan).await;
    let start = Instant::now();
    let found = client.by_rpps("10000000201").await.expect("after the 429");
    assert_eq!(found.len(), 1);
    assert!(start.elapsed() >= Duration::from_secs(1));
    assert!(server.calls() >= 2);
}

#[tokio::test]
async fn a_502_504_wave_is_retried_then_given_up() {
    let (server, _reg, client) = running(FaultPlan::parse("wave=502*2, wave=504").unwrap()).await;
    let found = client.by_rpps("10000000201").await.expect("after the wave");
    assert_eq!(found.len(), 1);
    server.set_faults(FaultPlan::parse("wave=502*10").unwrap());
    let e = client.by_rpps("10000000201").await.unwrap_err();
    assert_eq!(e, AnnuaireError::Unavailable { status: 502 });
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_next_link_loop_is_stopped() {
    let (_s, _reg, client) = running(FaultPlan::parse("loop").unwrap()).await;
    let e = client.by_name("dupont", None, None).await.unwrap_err();
    assert!(matches!(e, AnnuaireError::PagingLoop { pages: 2 }), "{e:?}");
    assert!(e.to_string().contains("boucle"));
}

#[tokio::test]
async fn no_answer_is_a_retryable_timeout() {
    let (_s, _reg, client) = running(FaultPlan::parse("hang*1").unwrap()).await;
    let mut s = client.settings().clone();
    s.timeout = Duration::from_millis(400);
    let client = AnnuaireClient::new(s).unwrap();
    let e = client.by_name("dupont", None, None).await.unwrap_err();
    assert!(matches!(e, AnnuaireError::Timeout { .. }), "{e:?}");
    assert!(e.is_retryable());
    assert!(e.to_string().contains("annuaire local"));
}

#[test]
fn a_large_directory_is_indexed_and_searched_quickly() {
    let families = [
        "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "PETIT", "DURAND",
    ];
    let entries: Vec<_> = (0..100_000)
        .map(|n| {
            let family = format!("{}{}", families[n % families.len()], n % 97);
            person(n, &family, Some(chu()))
        })
        .collect();
    let server = SandboxAnnuaire::new(entries, TEST_API_KEY, FaultPlan::default());
    assert_eq!(server.resource_counts(), (100_000, 100_000, 1));
    let search = super::search::Search::parse(
        super::search::Kind::Practitioner,
        &[("family".into(), "durand4".into())],
    )
    .unwrap();
    let start = Instant::now();
    let found = search.run(&server.shared.index, &HashSet::new());
    assert!(!found.is_empty());
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "{:?}",
        start.elapsed()
    );
}
