//! Tests of the INSi client, its strategy and the sandbox INSi together: the real client over
//! mutual TLS against the real server, each case of the identities table, the demo patients,
//! the certificate and software checks, injected faults, a hang, hostile answers.

use chrono::NaiveDate;

use super::*;
use crate::domain::{InsOid, Sex};
use crate::insi::{InsiAnswer, InsiClient, InsiError, InsiQuery, InsiTraits, InsiVitale, search};

async fn sandbox() -> RunningInsi {
    start_with(FaultPlan::default(), 0)
        .await
        .expect("sandbox INSi")
}

fn client(running: &RunningInsi) -> InsiClient {
    InsiClient::new(&running.settings(ClientCn::Auto).expect("settings")).expect("client")
}

fn traits(
    name: &str,
    first: &str,
    sex: Sex,
    birth: (i32, u32, u32),
    cog: Option<&str>,
) -> InsiTraits {
    InsiTraits {
        birth_name: name.into(),
        first_names: crate::insi::split_first_names(first),
        sex,
        birth_date: NaiveDate::from_ymd_opt(birth.0, birth.1, birth.2).expect("date"),
        birthplace_cog: cog.map(str::to_owned),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue17_each_case_of_the_identities_table() {
    let running = sandbox().await;
    let c = client(&running);
    let run = |t: InsiTraits| {
        let c = c.clone();
        async move { search(&c, &t).await.expect("search") }
    };
    use Sex::{Female as F, Male as M};
    // One match, first call.
    let r = run(traits("Adrun", "Zoé", F, (1975, 3, 11), Some("63220"))).await;
    let InsiAnswer::Found(zoe) = &r.answer else {
        panic!("ADRUN: {r:?}")
    };
    assert_eq!(r.calls, 1);
    assert_eq!(zoe.ins.matricule.as_str(), "275036322001780");
    assert_eq!(zoe.ins.oid, InsOid::TestNir);
    assert_eq!(zoe.birthplace_cog.as_deref(), Some("63220"));
    // None: NESSI is not in the base.
    let r = run(traits("NESSI", "MICHELANGELO", M, (1960, 1, 1), None)).await;
    assert_eq!((r.answer, r.calls), (InsiAnswer::NotFound, 1));
    // History (Corsica: 2B in the matricule).
    let r = run(traits("CORSE", "ANTHONY", M, (1980, 5, 2), Some("2B020"))).await;
    let InsiAnswer::Found(corse) = &r.answer else {
        panic!("CORSE: {r:?}")
    };
    assert_eq!(corse.ins.matricule.as_str(), "180052B02004127");
    assert_eq!(corse.history.len(), 1);
    assert_eq!(corse.history[0].matricule.as_str(), "180052B02003929");
    // NIA.
    let r = run(traits("PROVISOIRE", "MATRICULE", M, (1999, 12, 24), None)).await;
    let InsiAnswer::Found(nia) = &r.answer else {
        panic!("PROVISOIRE: {r:?}")
    };
    assert_eq!(nia.ins.oid, InsOid::Nia);
    assert!(nia.ins.matricule.is_nia());
    // A compound first name.
    let r = run(traits(
        "ECETINSI",
        "PIERRE-ALAIN MARIE",
        M,
        (1962, 7, 14),
        None,
    ))
    .await;
    assert!(matches!(r.answer, InsiAnswer::Found(_)) && r.calls == 1);
    // Found only with one first name alone, at the second call.
    let r = run(traits("HERMANN", "JEAN GATIEN", M, (2001, 2, 28), None)).await;
    let InsiAnswer::Found(gatien) = &r.answer else {
        panic!("HERMANN: {r:?}")
    };
    assert_eq!(r.calls, 2);
    assert_eq!(gatien.first_names, ["GATIEN", "MARC"]);
    // Any of the three first names, in any order.
    let r = run(traits("TCHITCHI", "BELLA OLA", F, (1988, 6, 5), None)).await;
    assert!(matches!(r.answer, InsiAnswer::Found(_)) && r.calls == 1);
    // Several: 02 on PIERRE, then every first name and the birthplace tell them apart.
    let r = run(traits(
        "HOUILLES",
        "PIERRE JEAN",
        M,
        (1971, 9, 30),
        Some("13055"),
    ))
    .await;
    let InsiAnswer::Found(houilles) = &r.answer else {
        panic!("HOUILLES: {r:?}")
    };
    assert_eq!(r.calls, 2);
    assert_eq!(houilles.ins.matricule.as_str(), "171091305540826");
    // Without the birthplace they stay two.
    let r = run(traits("HOUILLES", "PIERRE JEAN", M, (1971, 9, 30), None)).await;
    assert_eq!((r.answer, r.calls), (InsiAnswer::Several, 2));
    let r = run(traits("HOUILLES", "PIERRE", M, (1971, 9, 30), None)).await;
    assert_eq!((r.answer, r.calls), (InsiAnswer::Several, 1));
    // The server counted what it answered.
    let s = &running.sandbox;
    assert_eq!(s.answers("02"), 4);
    assert_eq!(s.found_count(&houilles.ins), 1);
    assert_eq!(s.calls(), 13);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue17_demo_patients_are_found_with_a_valid_test_ins() {
    use crate::domain::IdentityStatus;
    let running = sandbox().await;
    let c = client(&running);
    let today = chrono::Local::now().date_naive();
    let patients = crate::sandbox::demo::demo_patients(today);
    let mut checked = 0;
    for p in patients
        .iter()
        .filter(|p| p.identity.traits.sex != Sex::Unknown)
    {
        let t = InsiTraits::from_birth(
            &p.identity.traits,
            p.identity.traits.birthplace_insee.as_deref(),
        );
        let r = search(&c, &t).await.expect("search");
        let InsiAnswer::Found(id) = r.answer else {
            panic!("demo patient not found ({:?})", p.identity.status);
        };
        assert_eq!(r.calls, 1);
        match (&p.identity.ins, p.identity.status) {
            (Some(own), _) => assert_eq!(&id.ins, own),
            (None, IdentityStatus::Provisoire | IdentityStatus::Validee) => {
                assert_eq!(id.ins.oid, InsOid::TestNir);
                checked += 1;
            }
            (None, other) => panic!("{other:?} without INS"),
        }
        assert_eq!(id.birth_date, p.identity.traits.birth_date);
        assert_eq!(id.sex, p.identity.traits.sex);
        // The INS agrees with the traits as the domain checks them.
        assert!(
            crate::domain::patient::identity_problems(
                &p.identity.traits,
                Some(&id.ins),
                IdentityStatus::Recuperee
            )
            .is_empty()
        );
    }
    assert!(
        checked >= 5,
        "{checked} provisional or validated demo patients"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue17_a_certificate_not_named_insi_auto_gets_desir_560() {
    let running = sandbox().await;
    let other =
        InsiClient::new(&running.settings(ClientCn::Other).expect("settings")).expect("client");
    let q = InsiQuery::Traits {
        traits: traits("ADRUN", "ZOE", Sex::Female, (1975, 3, 11), None),
    };
    let e = other.query(&q).await.expect_err("refused");
    let fault = e.fault().expect("a SOAP fault");
    assert!(fault.is_access_level());
    assert_eq!(fault.reason, "Niveau d'accès insuffisant");
    assert_eq!(e.message_id(), "error-insi-access");
    assert!(e.to_string().contains("« Niveau d'accès insuffisant »"));
    assert!(!e.is_retryable());
    // INSI-MANU is accepted.
    let manu =
        InsiClient::new(&running.settings(ClientCn::Manu).expect("settings")).expect("client");
    assert!(matches!(manu.query(&q).await, Ok(InsiAnswer::Found(_))));
    // An unknown software number: desir_550.
    let mut settings = running.settings(ClientCn::Auto).expect("settings");
    settings.idam = "INCONNU".into();
    let e = InsiClient::new(&settings)
        .expect("client")
        .query(&q)
        .await
        .expect_err("refused");
    assert_eq!(e.message_id(), "error-insi-software");
    assert!(
        e.to_string()
            .contains("Numéro d'autorisation du logiciel inconnu")
    );
    // A server certificate from another CA: the client refuses the handshake.
    let stranger = pki::generate().expect("pki");
    let mut settings = running.settings(ClientCn::Auto).expect("settings");
    settings.roots = trust_anchors(stranger.ca_pem.as_bytes()).expect("roots");
    let e = InsiClient::new(&settings)
        .expect("client")
        .query(&q)
        .await
        .expect_err("refused");
    // The shared HTTP wrapper tells a refused certificate apart only when reqwest's text says
    // so; either way nothing was sent and the message names the certificate.
    assert!(
        matches!(e, InsiError::Tls | InsiError::Unreachable),
        "{e:?}"
    );
    assert!(e.to_string().contains("certificat"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issue17_faults_hangs_and_hostile_answers() {
    let running = sandbox().await;
    let mut settings = running.settings(ClientCn::Auto).expect("settings");
    settings.timeout_ms = 400;
    let c = InsiClient::new(&settings).expect("client");
    let q = InsiQuery::Traits {
        traits: traits("ADRUN", "ZOE", Sex::Female, (1975, 3, 11), None),
    };
    let plan = FaultPlan::parse("fault=insi_102, hang, doctype, truncate, html=502, html=200")
        .expect("plan");
    running.sandbox.set_faults(plan);
    let e = c.query(&q).await.expect_err("fault");
    assert!(e.is_retryable());
    assert_eq!(e.message_id(), "error-insi-busy");
    assert!(e.to_string().contains("temporairement inaccessible"));
    assert_eq!(
        e.fault().and_then(|f| f.subcode.as_deref()),
        Some("siram_40")
    );
    let e = c.query(&q).await.expect_err("hang");
    assert_eq!(e, InsiError::Timeout { ms: 400 });
    assert!(e.is_retryable());
    assert_eq!(
        c.query(&q).await,
        Err(InsiError::Xml(crate::xml::XmlError::Doctype))
    );
    assert!(matches!(c.query(&q).await, Err(InsiError::Xml(_))));
    assert_eq!(
        c.query(&q).await,
        Err(InsiError::Unavailable { status: 502 })
    );
    assert_eq!(c.query(&q).await, Err(InsiError::NotSoap { status: 200 }));
    // The plan is spent: the service answers again.
    assert!(matches!(c.query(&q).await, Ok(InsiAnswer::Found(_))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn carte_vitale_search_finds_the_beneficiary() {
    let running = sandbox().await;
    let c = client(&running);
    let vitale = |nir: &str| InsiQuery::CarteVitale {
        vitale: InsiVitale {
            matricule_individu: nir.into(),
            matricule_od: nir.into(),
            birth_name: "Adrun".into(),
            birth_date: "19750311".into(),
            birth_rank: 1,
        },
    };
    let Ok(InsiAnswer::Found(id)) = c.query(&vitale("2 75 03 63 220 017 80")).await else {
        panic!("expected 00");
    };
    assert_eq!(id.birth_name, "ADRUN");
    assert_eq!(
        c.query(&vitale("275036322001880")).await,
        Ok(InsiAnswer::NotFound)
    );
}
