//! DMP conformance: the client stack against the sandbox DMP over real HTTPS with mutual TLS,
//! signed VIHF and MTOM — every transaction, the patients' situations, and fault injection.
//! The common sequence also runs against a real DMP test environment when
//! `CHEVET_DMP_TEST_CONFIG` names a configuration file with `[dmp]` and `[conformance]`
//! sections (see `docs/dmp.md`); without it that test says it is skipped.

use std::sync::Arc;

use chevet::dmp::client::{Caller, DmpClient};
use chevet::dmp::error::{DmpError, Refusal};
use chevet::dmp::hl7v3::{AccessMode, AuthorizationAction, AuthorizationStatus, PatientListDate};
use chevet::dmp::setup::{DmpConfig, DmpEndpoint};
use chevet::dmp::transport::Timeouts;
use chevet::dmp::vihf::PurposeOfUse;
use chevet::dmp::xds::{
    AvailabilityStatus, DmpDocumentEntry, FeedParams, FindDocumentsQuery, GetDocumentsBy,
    GetDocumentsQuery, ReturnType,
};
use chevet::domain::{Ins, ProfessionalInfo, Visibility};
use chevet::sandbox::dmp::faults::{Fault, FaultPlan, Transaction};
use chevet::sandbox::dmp::seed::situation;
use chevet::sandbox::dmp::state::{Access, DmpLife};
use chrono::NaiveDate;

use super::support::runtime;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

struct Sandbox {
    _running: chevet::sandbox::dmp::RunningDmp,
    endpoint: DmpEndpoint,
    client: DmpClient,
    faults: Arc<FaultPlan>,
    caller: Caller,
}

fn sandbox(rt: &tokio::runtime::Runtime) -> Sandbox {
    let faults = Arc::new(FaultPlan::default());
    let running = rt
        .block_on(chevet::sandbox::dmp::start(today(), faults.clone()))
        .expect("sandbox DMP");
    let timeouts = Timeouts {
        connect_secs: 5,
        total_secs: 20,
    };
    let endpoint = running.endpoint(timeouts).expect("endpoint");
    Sandbox {
        _running: running,
        client: endpoint.client().expect("client"),
        endpoint,
        faults,
        caller: chevet::sandbox::dmp::demo_caller().expect("demo physician"),
    }
}

/// The INS of the first demo patient in `life` with the demo physician's `access`.
fn patient_in(life: DmpLife, access: Option<Access>) -> Ins {
    chevet::sandbox::demo::demo_patients(today())
        .into_iter()
        .enumerate()
        .find(|(i, p)| situation(*i) == (life, access) && p.identity.ins.is_some())
        .and_then(|(_, p)| p.identity.ins)
        .expect("a demo patient in this situation")
}

/// PAT-TROIS: open DMP, authorized, the CI-SIS example documents.
fn documented_patient() -> Ins {
    chevet::sandbox::demo::demo_patients(today())[0]
        .identity
        .ins
        .clone()
        .expect("INS")
}

fn refusal(result: Result<impl std::fmt::Debug, DmpError>) -> Option<Refusal> {
    result.expect_err("refused").refusal()
}

/// A fresh N1 document for the first demo patient (PAT-TROIS), as the hospital produces it.
fn produced_n1() -> Vec<u8> {
    use chevet::cda::produce::{self, form};
    let context = chevet::sandbox::production_context().expect("context");
    let mut filled = form::empty_form(produce::DocumentKind::CompteRenduConsultation);
    filled.sections[0].text = "Consultation de contrôle, examen normal.".into();
    let document = form::build(&filled, &context).expect("form");
    produce::produce(&document).expect("produce").n1
}

/// Every transaction, in the order a hospital uses them. Runs against the sandbox and, when
/// configured, against a real DMP test environment.
fn common_sequence(
    rt: &tokio::runtime::Runtime,
    client: &DmpClient,
    caller: &Caller,
    ins: &Ins,
    bytes: Vec<u8>,
) {
    rt.block_on(async {
        client
            .set_authorization(caller, ins, AuthorizationAction::Add)
            .await
            .expect("TD0.3 add");
        let status = client.exists(caller, ins).await.expect("TD0.2");
        assert!(status.exists());
        assert_eq!(status.authorization, Some(AuthorizationStatus::Valid));
        status
            .check_access(AccessMode::Normal)
            .expect("may consult");

        let since = NaiveDate::from_ymd_opt(2000, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("date");
        let list = client
            .authorized_patients(caller, &since, PatientListDate::LastAuthorization)
            .await
            .expect("TD0.4");
        assert!(
            list.entries
                .iter()
                .any(|e| e.ids.iter().any(|id| id.to_ins().as_ref() == Some(ins)))
        );

        // Feed a new document, invisible to the patient until the consultation d'annonce.
        let doc = chevet::cda::parse(&bytes).expect("cda");
        let mut params = FeedParams::suggested(&doc);
        params.visibility.invisible_patient = true;
        let entry = DmpDocumentEntry::from_cda(&doc, &bytes, &params).expect("entry");
        let unique_id = entry.unique_id.clone();
        client
            .feed(caller, ins, entry, &bytes, None)
            .await
            .expect("TD2.1");

        let fed = find_one(client, caller, ins, &unique_id, None).await;
        assert!(fed.visibility().invisible_patient);
        let got = client
            .retrieve(
                caller,
                ins,
                fed.repository_unique_id.as_deref().expect("repository"),
                &unique_id,
            )
            .await
            .expect("TD3.2");
        assert_eq!(got, bytes);

        // TD3.1b: the entryUUID from the uniqueId.
        let refs = client
            .get_documents(
                caller,
                ins,
                &GetDocumentsQuery {
                    by: GetDocumentsBy::UniqueIds(vec![unique_id.clone()]),
                    return_type: ReturnType::ObjectRef,
                },
            )
            .await
            .expect("TD3.1b");
        assert_eq!(refs.object_refs, vec![fed.entry_uuid.clone()]);

        // Consultation d'annonce: visible to the patient, as a new version of the entry.
        client
            .set_visibility(caller, ins, &fed, Visibility::default())
            .await
            .expect("TD3.3b");
        let visible = find_one(client, caller, ins, &unique_id, None).await;
        assert!(!visible.visibility().invisible_patient);
        assert_ne!(visible.entry_uuid, fed.entry_uuid);
        assert_eq!(visible.logical_id, fed.logical_id);

        // Archive, unarchive, delete.
        client
            .set_status(caller, ins, &visible, AvailabilityStatus::Archived)
            .await
            .expect("TD3.3d archive");
        let archived = find_one(
            client,
            caller,
            ins,
            &unique_id,
            Some(AvailabilityStatus::Archived),
        )
        .await;
        client
            .set_status(caller, ins, &archived, AvailabilityStatus::Approved)
            .await
            .expect("TD3.3d unarchive");
        let back = find_one(client, caller, ins, &unique_id, None).await;
        client
            .set_status(caller, ins, &back, AvailabilityStatus::Deleted)
            .await
            .expect("TD3.3c");
        let approved = client
            .find_documents(caller, ins, &FindDocumentsQuery::new(ins_cx(ins)))
            .await
            .expect("TD3.1");
        assert!(approved.iter().all(|e| e.unique_id != unique_id));
    });
}

fn ins_cx(ins: &Ins) -> chevet::dmp::xds::Cx {
    chevet::dmp::xds::Cx::new(ins.matricule.as_str(), ins.oid.as_str(), "NH")
}

async fn find_one(
    client: &DmpClient,
    caller: &Caller,
    ins: &Ins,
    unique_id: &str,
    status: Option<AvailabilityStatus>,
) -> DmpDocumentEntry {
    let mut query = FindDocumentsQuery::new(ins_cx(ins));
    if let Some(s) = status {
        query.statuses = vec![s];
    }
    let entries = client
        .find_documents(caller, ins, &query)
        .await
        .expect("TD3.1");
    let mut matching: Vec<DmpDocumentEntry> = entries
        .into_iter()
        .filter(|e| e.unique_id == unique_id)
        .collect();
    assert_eq!(matching.len(), 1, "one current version");
    matching.remove(0)
}

#[test]
fn sandbox_runs_every_transaction_end_to_end() {
    let rt = runtime();
    let s = sandbox(&rt);
    common_sequence(
        &rt,
        &s.client,
        &s.caller,
        &documented_patient(),
        produced_n1(),
    );
}

#[test]
fn sandbox_seeded_documents_are_found_filtered_and_retrieved() {
    let rt = runtime();
    let s = sandbox(&rt);
    let ins = documented_patient();
    rt.block_on(async {
        let approved = s
            .client
            .find_documents(&s.caller, &ins, &FindDocumentsQuery::new(ins_cx(&ins)))
            .await
            .expect("find");
        assert!(approved.len() >= 5, "{}", approved.len());
        assert!(
            approved
                .iter()
                .all(|e| e.status == AvailabilityStatus::Approved)
        );
        let mut labs = FindDocumentsQuery::new(ins_cx(&ins));
        labs.type_codes = vec![chevet::dmp::xds::Code::new(
            "11502-2",
            "2.16.840.1.113883.6.1",
            "",
        )];
        let labs = s
            .client
            .find_documents(&s.caller, &ins, &labs)
            .await
            .expect("labs");
        assert!(!labs.is_empty() && labs.len() < approved.len());
        assert!(
            labs.iter()
                .all(|e| e.type_code.as_ref().is_some_and(|c| c.code == "11502-2"))
        );
        let mut deprecated = FindDocumentsQuery::new(ins_cx(&ins));
        deprecated.statuses = vec![AvailabilityStatus::Deprecated];
        let old = s
            .client
            .find_documents(&s.caller, &ins, &deprecated)
            .await
            .expect("old");
        assert!(!old.is_empty(), "replaced versions are kept as Deprecated");
        let first = &approved[0];
        let bytes = s
            .client
            .retrieve(
                &s.caller,
                &ins,
                first.repository_unique_id.as_deref().expect("repo"),
                &first.unique_id,
            )
            .await
            .expect("retrieve");
        assert_eq!(Some(bytes.len() as u64), first.size);
        let missing = s
            .client
            .retrieve(
                &s.caller,
                &ins,
                first.repository_unique_id.as_deref().expect("repo"),
                "1.2.3.4.5.999",
            )
            .await;
        assert_eq!(refusal(missing), Some(Refusal::DocumentNotFound));
    });
}

#[test]
fn sandbox_situations_become_typed_refusals() {
    let rt = runtime();
    let s = sandbox(&rt);
    rt.block_on(async {
        let query = |ins: &Ins| FindDocumentsQuery::new(ins_cx(ins));
        let no_dmp = patient_in(DmpLife::None, None);
        let status = s.client.exists(&s.caller, &no_dmp).await.expect("TD0.2");
        assert!(!status.exists());
        assert_eq!(
            refusal(status.check_access(AccessMode::Normal)),
            Some(Refusal::NoDmp)
        );

        let closed = patient_in(DmpLife::Closed, Some(Access::Valid));
        let status = s.client.exists(&s.caller, &closed).await.expect("TD0.2");
        assert_eq!(
            refusal(status.check_access(AccessMode::Normal)),
            Some(Refusal::DmpClosed)
        );
        let r = s
            .client
            .set_authorization(&s.caller, &closed, AuthorizationAction::Add)
            .await;
        assert_eq!(refusal(r), Some(Refusal::DmpClosed));

        let blocked = patient_in(DmpLife::Open, Some(Access::Blocked));
        let status = s.client.exists(&s.caller, &blocked).await.expect("TD0.2");
        assert_eq!(status.authorization, Some(AuthorizationStatus::Forbidden));
        let r = s
            .client
            .find_documents(&s.caller, &blocked, &query(&blocked))
            .await;
        assert_eq!(refusal(r), Some(Refusal::BlockedByPatient));
        let r = s
            .client
            .set_authorization(&s.caller, &blocked, AuthorizationAction::Add)
            .await;
        assert_eq!(refusal(r), Some(Refusal::BlockedByPatient));

        let expired = patient_in(DmpLife::Open, Some(Access::Expired));
        let status = s.client.exists(&s.caller, &expired).await.expect("TD0.2");
        assert_eq!(status.authorization, Some(AuthorizationStatus::Expired));
        let r = s
            .client
            .find_documents(&s.caller, &expired, &query(&expired))
            .await;
        assert_eq!(refusal(r), Some(Refusal::AuthorizationExpired));
        // This patient opposed emergency access: bris de glace is refused too.
        let emergency = Caller {
            professional: s.caller.professional.clone(),
            purpose: PurposeOfUse::BrisDeGlace,
        };
        let r = s
            .client
            .find_documents(&emergency, &expired, &query(&expired))
            .await;
        assert_eq!(refusal(r), Some(Refusal::OppositionBrisDeGlace));

        let unauthorized = patient_in(DmpLife::Open, None);
        let status = s
            .client
            .exists(&s.caller, &unauthorized)
            .await
            .expect("TD0.2");
        assert_eq!(status.authorization, Some(AuthorizationStatus::Missing));
        let r = s
            .client
            .find_documents(&s.caller, &unauthorized, &query(&unauthorized))
            .await;
        assert_eq!(refusal(r), Some(Refusal::AuthorizationMissing));
        // Bris de glace without opposition opens it.
        s.client
            .find_documents(&emergency, &unauthorized, &query(&unauthorized))
            .await
            .expect("bris de glace");
        // The patient consents: the authorization makes it readable.
        s.client
            .set_authorization(&s.caller, &unauthorized, AuthorizationAction::Add)
            .await
            .expect("add");
        s.client
            .find_documents(&s.caller, &unauthorized, &query(&unauthorized))
            .await
            .expect("now authorized");
    });
}

#[test]
fn sandbox_fault_injection_yields_typed_errors_and_idempotent_retries() {
    let rt = runtime();
    let s = sandbox(&rt);
    let ins = documented_patient();
    let query = FindDocumentsQuery::new(ins_cx(&ins));
    rt.block_on(async {
        // A query is retried (3 attempts): a lasting fault reaches the caller, typed.
        s.faults.set(Transaction::Exists, Fault::SoapFault, None);
        let e = s.client.exists(&s.caller, &ins).await.expect_err("fault");
        assert!(matches!(e, DmpError::SoapFault(_)), "{e:?}");
        assert!(e.is_retryable());
        s.faults.clear(Transaction::Exists);
        s.client
            .exists(&s.caller, &ins)
            .await
            .expect("the DMP is back");

        s.faults
            .set(Transaction::Authorize, Fault::Http { status: 503 }, Some(1));
        let e = s
            .client
            .set_authorization(&s.caller, &ins, AuthorizationAction::Add)
            .await
            .expect_err("503");
        assert_eq!(e, DmpError::HttpStatus { status: 503 });
        assert!(e.is_retryable());

        // Queries are retried: one 503 then one reset are absorbed.
        s.faults
            .set(Transaction::Find, Fault::Http { status: 503 }, Some(1));
        s.client
            .find_documents(&s.caller, &ins, &query)
            .await
            .expect("retried");
        s.faults.set(Transaction::Find, Fault::Reset, Some(1));
        s.client
            .find_documents(&s.caller, &ins, &query)
            .await
            .expect("retried");

        // A feed is not retried: the reset reaches the caller.
        s.faults.set(Transaction::Update, Fault::Reset, Some(1));
        let entry = s
            .client
            .find_documents(&s.caller, &ins, &query)
            .await
            .expect("find")[0]
            .clone();
        let e = s
            .client
            .set_visibility(
                &s.caller,
                &ins,
                &entry,
                Visibility {
                    masked_ps: true,
                    ..Visibility::default()
                },
            )
            .await
            .expect_err("reset");
        assert_eq!(e, DmpError::ConnectionReset);

        s.faults
            .set(Transaction::Find, Fault::Slow { delay_ms: 300 }, Some(1));
        s.client
            .find_documents(&s.caller, &ins, &query)
            .await
            .expect("slow but fine");
    });
    // A DMP that never answers: the client's own timeout.
    let mut endpoint = s.endpoint.clone();
    endpoint.timeouts = Timeouts {
        connect_secs: 2,
        total_secs: 1,
    };
    let impatient = endpoint.client().expect("client");
    s.faults.set(Transaction::Update, Fault::Timeout, Some(1));
    let entry = rt
        .block_on(s.client.find_documents(&s.caller, &ins, &query))
        .expect("find")[0]
        .clone();
    let e = rt
        .block_on(impatient.set_status(&s.caller, &ins, &entry, AvailabilityStatus::Archived))
        .expect_err("timeout");
    assert_eq!(e, DmpError::Timeout { secs: 1 });
}

#[test]
fn sandbox_refuses_unknown_clients_and_bad_tokens() {
    let rt = runtime();
    let s = sandbox(&rt);
    let ins = documented_patient();
    // A client certificate from another CA is refused during the handshake.
    let other = chevet::sandbox::dmp::pki::generate("1750999005", "810101234567").expect("pki");
    let mut endpoint = s.endpoint.clone();
    endpoint.identity = chevet::dmp::transport::TlsIdentity::from_pem(
        other.structure_auth.cert_pem.as_bytes(),
        other.structure_auth.key_pem.as_bytes(),
    )
    .expect("identity");
    let stranger = endpoint.client().expect("client");
    let e = rt
        .block_on(stranger.exists(&s.caller, &ins))
        .expect_err("refused");
    assert!(
        matches!(
            e,
            DmpError::TlsRefused | DmpError::ConnectionReset | DmpError::Connect
        ),
        "{e:?}"
    );

    // A VIHF signed by a key the DMP does not trust is a WS-Security fault.
    let mut endpoint = s.endpoint.clone();
    endpoint.signer = Arc::new(
        chevet::dmp::xmldsig::SoftwareSigner::from_pem(
            &other.structure_sign.key_pem,
            &other.structure_sign.cert_pem,
        )
        .expect("signer"),
    );
    let forger = endpoint.client().expect("client");
    let e = rt
        .block_on(forger.exists(&s.caller, &ins))
        .expect_err("refused");
    assert_eq!(e.refusal(), Some(Refusal::VihfRejected), "{e:?}");
}

/// `[conformance]` of the real-environment configuration.
#[derive(serde::Deserialize)]
struct Conformance {
    ins: String,
    ins_oid: String,
    national_id: String,
    given_name: String,
    family_name: String,
    specialty_code: String,
    /// A CDA document about this patient, with a fresh uniqueId, to feed.
    document: std::path::PathBuf,
}

#[derive(serde::Deserialize)]
struct RealConfig {
    dmp: DmpConfig,
    conformance: Conformance,
}

#[test]
fn real_dmp_test_environment_when_configured() {
    let Some(path) = std::env::var_os("CHEVET_DMP_TEST_CONFIG") else {
        eprintln!(
            "skipped: real DMP conformance needs CHEVET_DMP_TEST_CONFIG (see docs/dmp.md); \
             the same sequence ran against the sandbox"
        );
        return;
    };
    let text = std::fs::read_to_string(&path).expect("CHEVET_DMP_TEST_CONFIG readable");
    let config: RealConfig = toml::from_str(&text).expect("configuration");
    let endpoint = DmpEndpoint::from_config(&config.dmp).expect("endpoint");
    let client = endpoint.client().expect("client");
    let c = &config.conformance;
    let caller = Caller::normal(ProfessionalInfo {
        national_id: c.national_id.clone(),
        given_name: c.given_name.clone(),
        family_name: c.family_name.clone(),
        title: None,
        specialty_code: c.specialty_code.clone(),
        specialty_label: String::new(),
    });
    let ins = Ins::parse(&c.ins, &c.ins_oid).expect("INS");
    let document = std::fs::read(&c.document).expect("[conformance] document readable");
    common_sequence(&runtime(), &client, &caller, &ins, document);
}
