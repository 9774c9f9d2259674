//! `CardTrust` end to end against the sandbox's test IGC-Santé and its revocation list server
//! over real HTTP: lists fetched once then served from the cache, a revoked card, the server
//! failing or gone (cache, grace period, refuse or allow), a mirror given by configuration,
//! a server that never answers (timeout) and a list too large.

use std::time::{Duration, Instant};

use super::crl_store::CrlCache;
use super::revocation::{CardTrust, RevocationPolicy, RevocationStatus, WhenUnreachable};
use super::trust::TrustError;
use crate::sandbox::card::keys::{CardKeys, CardKind};
use crate::sandbox::card::pki::SandboxPki;

const ID: &str = "810101234567";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn card(sandbox: &SandboxPki, kind: CardKind) -> CardKeys {
    sandbox
        .pki()
        .issue(kind, ID, "Claire", "LAMBERT")
        .expect("card")
}

fn check(trust: &CardTrust, keys: &CardKeys) -> Result<super::TrustReport, TrustError> {
    runtime().block_on(trust.check(&keys.certificate_der, std::slice::from_ref(&keys.ca_der)))
}

#[test]
fn lists_are_fetched_once_then_reused_and_revoked_cards_refused() {
    let sandbox = SandboxPki::start().expect("pki");
    let dir = tempfile::tempdir().expect("tempdir");
    let trust = sandbox.trust(dir.path()).expect("trust");
    let genuine = card(&sandbox, CardKind::Genuine);
    let cold = Instant::now();
    let report = check(&trust, &genuine).expect("genuine card");
    let cold = cold.elapsed();
    assert_eq!(report.revocation, RevocationStatus::Checked);
    assert_eq!(
        report.certificate_sha256,
        super::certificate_sha256(&genuine.certificate_der)
    );
    // The card's list and the root's list of authorities.
    assert_eq!(sandbox.server().served(), 2);
    let warm = Instant::now();
    check(&trust, &genuine).expect("again");
    eprintln!(
        "card check: {cold:?} fetching both lists, {:?} from the cache",
        warm.elapsed()
    );
    assert_eq!(sandbox.server().served(), 2, "served from the cache");
    let revoked = card(&sandbox, CardKind::Revoked);
    // The cached list predates the revocation: still fresh, it is used as is (published
    // lists are what the authority says, when it says it).
    check(&trust, &revoked).expect("not on the cached list yet");
    let fresh = tempfile::tempdir().expect("tempdir");
    let trust = sandbox.trust(fresh.path()).expect("trust");
    assert_eq!(check(&trust, &revoked), Err(TrustError::Revoked));
    check(&trust, &genuine).expect("the others still pass");
    assert_eq!(
        check(&trust, &card(&sandbox, CardKind::ForgedSelfSigned)),
        Err(TrustError::UnknownIssuer),
        "no list is even asked for a forgery"
    );
    assert_eq!(
        check(&trust, &card(&sandbox, CardKind::Expired)),
        Err(TrustError::Expired)
    );
}

#[test]
fn an_unreachable_list_refuses_unless_a_cached_one_is_current_or_in_grace() {
    let mut sandbox = SandboxPki::start().expect("pki");
    let genuine = card(&sandbox, CardKind::Genuine);
    let dir = tempfile::tempdir().expect("tempdir");
    let url = sandbox.pki().crl_url().expect("url").to_owned();

    // Nothing cached, server failing: refused (default), or let in (policy allow).
    sandbox.server().set_failing(true);
    let trust = sandbox.trust(dir.path()).expect("trust");
    assert_eq!(
        check(&trust, &genuine),
        Err(TrustError::RevocationUnavailable)
    );
    let allow = RevocationPolicy {
        when_unreachable: WhenUnreachable::Allow,
        ..RevocationPolicy::default()
    };
    let lenient = sandbox.trust_with(dir.path(), allow).expect("trust");
    assert_eq!(
        check(&lenient, &genuine).expect("allowed").revocation,
        RevocationStatus::Unchecked
    );

    // A current list cached, due for a refresh (refresh after 0 s): the server gone, the
    // cached list serves until its nextUpdate.
    sandbox.server().set_failing(false);
    let refresh_now = RevocationPolicy {
        refresh_after: Duration::ZERO,
        ..RevocationPolicy::default()
    };
    let trust = sandbox.trust_with(dir.path(), refresh_now).expect("trust");
    check(&trust, &genuine).expect("fetched");
    sandbox.server_mut().stop();
    assert_eq!(
        check(&trust, &genuine).expect("cached").revocation,
        RevocationStatus::Checked
    );

    // A list past its nextUpdate (today 00:00): within the day of grace, then not.
    let cache = CrlCache::new(dir.path());
    let stale = sandbox.pki().crl_der_dated(-3, 0).expect("stale");
    cache.save(&url, &stale).expect("save");
    let trust = sandbox.trust(dir.path()).expect("trust");
    assert_eq!(
        check(&trust, &genuine).expect("grace").revocation,
        RevocationStatus::StaleList
    );
    let no_grace = RevocationPolicy {
        grace: Duration::ZERO,
        ..RevocationPolicy::default()
    };
    let strict = sandbox.trust_with(dir.path(), no_grace).expect("trust");
    assert_eq!(
        check(&strict, &genuine),
        Err(TrustError::RevocationUnavailable)
    );
}

#[test]
fn configured_addresses_replace_the_distribution_points() {
    let sandbox = SandboxPki::start().expect("pki");
    let base = sandbox.server().base_url();
    let dir = tempfile::tempdir().expect("tempdir");
    // A mirror listing both lists, in any order: each certificate finds its authority's.
    let mirror = RevocationPolicy {
        crl_urls: vec![
            format!("{base}/crl/racine.crl"),
            format!("{base}/crl/personnes.crl"),
        ],
        ..RevocationPolicy::default()
    };
    let trust = sandbox.trust_with(dir.path(), mirror).expect("trust");
    let revoked = card(&sandbox, CardKind::Revoked);
    check(&trust, &card(&sandbox, CardKind::Genuine)).expect("genuine");
    assert_eq!(check(&trust, &revoked), Err(TrustError::Revoked));
    let served = sandbox.server().served();
    check(&trust, &card(&sandbox, CardKind::Genuine)).expect("cached");
    assert_eq!(sandbox.server().served(), served, "no list asked again");
    // A mirror without the card authority's list: the card is not covered, refused.
    let partial = RevocationPolicy {
        crl_urls: vec![format!("{base}/crl/racine.crl")],
        ..RevocationPolicy::default()
    };
    let other = tempfile::tempdir().expect("tempdir");
    let trust = sandbox.trust_with(other.path(), partial).expect("trust");
    assert_eq!(
        check(&trust, &card(&sandbox, CardKind::Genuine)),
        Err(TrustError::RevocationUnavailable)
    );
}

#[test]
fn a_silent_server_times_out_and_a_huge_list_is_refused() {
    let sandbox = SandboxPki::start().expect("pki");
    let genuine = card(&sandbox, CardKind::Genuine);
    // Accepts connections (the kernel's backlog) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = RevocationPolicy {
        crl_urls: vec![format!(
            "http://{}/crl/personnes.crl",
            silent.local_addr().expect("addr")
        )],
        timeout: Duration::from_secs(1),
        ..RevocationPolicy::default()
    };
    let trust = sandbox.trust_with(dir.path(), policy).expect("trust");
    let started = Instant::now();
    assert_eq!(
        check(&trust, &genuine),
        Err(TrustError::RevocationUnavailable)
    );
    assert!(started.elapsed() < Duration::from_secs(5), "bounded wait");
    let tiny = RevocationPolicy {
        max_bytes: 64,
        ..RevocationPolicy::default()
    };
    let trust = sandbox.trust_with(dir.path(), tiny).expect("trust");
    assert_eq!(
        check(&trust, &genuine),
        Err(TrustError::RevocationUnavailable)
    );
}
