//! Issue 17: the DMP web portal opened in the patient's context without the INS in the
//! browser's address. Through the workers (a session with a second factor, as the DMP needs),
//! the address handed to the browser carries only a random single-use token (no matricule, no
//! OID, no trait); the sandbox portal redeems it once and shows the right patient, then
//! refuses it. Against the portal's context side: an expired
//! token is refused, tokens are bound to the professional who asked, and a request without the
//! establishment's certificate or with a VIHF signed by another authority gets no token.

use std::sync::Arc;
use std::time::Duration;

use chevet::dmp::client::Caller;
use chevet::dmp::consult::PortalClient;
use chevet::dmp::transport::{Timeouts, TlsIdentity};
use chevet::domain::Ins;
use chevet::domain::dmp::PortalPage;
use chevet::sandbox::dmp::portal::{self, SandboxPortal};
use chevet::worker::{Event, Request};

use crate::support::runtime;

const MATRICULE: &str = "279035121518989";
const INS_OID: &str = "1.2.250.1.213.1.4.10";

fn ins() -> Ins {
    Ins::parse(MATRICULE, INS_OID).expect("INS")
}

/// Status and body of a GET, as a browser would send it.
async fn browse(url: &str) -> (u16, String) {
    let reply = reqwest::get(url).await.expect("portal reachable");
    let status = reply.status().as_u16();
    (status, reply.text().await.expect("page"))
}

/// The address opens `/portail` with one query parameter, `ctx`, a 43-character base64url
/// token (256 random bits) — and none of PAT-TROIS's identity.
fn assert_no_identity(url: &str) {
    let parsed = url::Url::parse(url).expect("URL");
    assert_eq!(parsed.path(), portal::PORTAL_PATH, "{url}");
    let pairs: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    assert_eq!(pairs.len(), 1, "one parameter: {url}");
    let (key, token) = &pairs[0];
    assert_eq!(key, "ctx", "{url}");
    assert_eq!(token.len(), 43, "{url}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    let after_host =
        format!("{}?{}", parsed.path(), parsed.query().unwrap_or_default()).to_ascii_lowercase();
    for identity in [
        MATRICULE,
        INS_OID,
        "ins=",
        "pat-trois",
        "pat%2dtrois",
        "dominique",
        "marie-louise",
        "1979-03-28",
        "19790328",
        "28031979",
        "28%2f03%2f1979",
    ] {
        assert!(!after_host.contains(identity), "{identity} in {url}");
    }
}

#[test]
fn issue17_the_browser_gets_a_single_use_address_without_the_ins() {
    crate::support::logs();
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (dmp, handle, mut events) = crate::support::workers_with_sandbox_dmp(&rt, dir.path());
    let mut next = |what: &str, pick: &mut dyn FnMut(Event) -> bool| {
        crate::support::next_event(&rt, &mut events, what, false, pick);
    };
    let send = |r: Request| handle.send(r).expect("send");
    let (patient, episode) = crate::support::workers_strong_session_on_pat_trois(&send, &mut next);
    crate::support::workers_record_informed(&send, &mut next, patient, episode);

    let mut open = |page: PortalPage| {
        send(Request::OpenDmpPortal { patient, page });
        let mut url = String::new();
        next("portal address", &mut |e| match e {
            Event::OpenInBrowser { url: u } => {
                url = u;
                true
            }
            _ => false,
        });
        url
    };
    let url = open(PortalPage::VaccinationNote);
    assert_no_identity(&url);
    assert_eq!(dmp.portal.outstanding(), 1);

    // The sandbox portal redeems it once and shows PAT-TROIS's page for this professional.
    let (status, page) = rt.block_on(browse(&url));
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Note de vaccination"), "{page}");
    assert!(page.contains(MATRICULE), "the right patient: {page}");
    assert!(page.contains("810101234567"), "the professional: {page}");
    assert_eq!(dmp.portal.outstanding(), 0);
    // A second use (a reload, the history, a copied link) is refused.
    let (status, page) = rt.block_on(browse(&url));
    assert_eq!(status, 403);
    assert!(page.contains("déjà utilisé"), "{page}");

    // Each opening gets its own token.
    let summary = open(PortalPage::Summary);
    assert_no_identity(&summary);
    assert_ne!(summary, url);
    let (status, page) = rt.block_on(browse(&summary));
    assert_eq!(status, 200);
    assert!(page.contains("Synthèse du DMP") && page.contains(MATRICULE));
}

/// The demo physician, and another professional of the same establishment.
fn callers() -> (Caller, Caller) {
    let doctor = chevet::sandbox::dmp::demo_caller().expect("demo physician");
    let mut other = doctor.clone();
    other.professional.national_id = "810109999999".into();
    other.professional.family_name = "AUTRE".into();
    (doctor, other)
}

#[test]
fn issue17_portal_tokens_expire_are_bound_to_the_professional_and_need_the_establishment() {
    crate::support::logs();
    let rt = runtime();
    let today = chrono::Local::now().date_naive();
    let dmp = rt
        .block_on(chevet::sandbox::dmp::start(today, Arc::default()))
        .expect("sandbox DMP");
    let endpoint = dmp.endpoint(Timeouts::default()).expect("endpoint");
    let (doctor, other) = callers();

    // Bound to the professional who asked: each page names its own.
    let client = PortalClient::from_endpoint(&endpoint).expect("portal client");
    let (mine, theirs) = rt.block_on(async {
        let mine = client
            .portal_url(&doctor, &ins(), PortalPage::Documents)
            .await
            .expect("token");
        let theirs = client
            .portal_url(&other, &ins(), PortalPage::Documents)
            .await
            .expect("token");
        (browse(&mine).await, browse(&theirs).await)
    });
    assert_eq!((mine.0, theirs.0), (200, 200));
    assert!(mine.1.contains("810101234567") && !mine.1.contains("810109999999"));
    assert!(theirs.1.contains("810109999999") && !theirs.1.contains("810101234567"));
    assert!(mine.1.contains("Documents du DMP"));

    // Expired: a portal whose tokens live one second, on the same test PKI.
    let short = SandboxPortal::new(&dmp.pki, Duration::from_secs(1)).expect("portal");
    let registry = rt
        .block_on(chevet::sandbox::registry::Registry::start(vec![
            short.browser_side(),
            short.context_side(),
        ]))
        .expect("portal started");
    short.publish(&registry);
    let mut short_endpoint = endpoint.clone();
    short_endpoint.portal_context_url = registry
        .url_of(portal::CONTEXT_SERVICE)
        .map(|u| portal::context_url(&u));
    let short_client = PortalClient::from_endpoint(&short_endpoint).expect("client");
    let (status, page) = rt.block_on(async {
        let url = short_client
            .portal_url(&doctor, &ins(), PortalPage::Summary)
            .await
            .expect("token");
        assert_no_identity(&url);
        tokio::time::sleep(Duration::from_millis(1_200)).await;
        browse(&url).await
    });
    assert_eq!(status, 403);
    assert!(page.contains("expiré"), "{page}");

    // Without the establishment: a client certificate of another authority is refused at the
    // TLS handshake; a VIHF signed by another authority gets a SOAP Fault. No token either way.
    let stranger = chevet::sandbox::dmp::pki::generate(
        &chevet::sandbox::dmp::structure_id(),
        chevet::sandbox::dmp::seed::demo_physician(),
    )
    .expect("stranger PKI");
    let mut foreign_tls = endpoint.clone();
    foreign_tls.identity = TlsIdentity::from_pem(
        stranger.structure_auth.cert_pem.as_bytes(),
        stranger.structure_auth.key_pem.as_bytes(),
    )
    .expect("identity");
    let mut foreign_vihf = endpoint;
    foreign_vihf.signer = Arc::new(
        chevet::dmp::xmldsig::SoftwareSigner::from_pem(
            &stranger.structure_sign.key_pem,
            &stranger.structure_sign.cert_pem,
        )
        .expect("signer"),
    );
    for (what, endpoint) in [("TLS", foreign_tls), ("VIHF", foreign_vihf)] {
        let client = PortalClient::from_endpoint(&endpoint).expect("client");
        let result = rt.block_on(client.portal_url(&doctor, &ins(), PortalPage::Summary));
        assert!(result.is_err(), "{what}: no address");
    }
    assert_eq!(dmp.portal.outstanding(), 0, "no token issued to a stranger");
}
