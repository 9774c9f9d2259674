//! The OpenID Connect client against a real peer: the npm `oidc-provider` configured like Pro
//! Santé Connect (tests/peers/oidc/psc-peer.mjs). The peer's URL comes from
//! `CHEVET_OIDC_PEER_URL`; without it these tests print a skip message and pass, unless
//! `CHEVET_REQUIRE_OIDC_PEER=1` (scripts/test.sh), then they fail.
//!
//! The tests play the browser themselves (reqwest, cookies carried by hand) through the
//! peer's login page at /interaction/:uid, and approve or deny CIBA requests through the
//! peer's /test/ routes.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use chevet::auth::oidc::jose::RsaSigningKey;
use chevet::auth::oidc::{
    self, CibaPoll, ClientAuth, LoopbackListener, OidcError, Provider, ProviderConfig,
    ProviderKind, TokenSet,
};
use zeroize::Zeroizing;

use super::support;

const CLAIRE: &str = "810101234567";
const PAUL: &str = "899700366240";
const SECRET: &str = "chevet-test-secret";

#[allow(clippy::print_stderr, reason = "the skip message of the tests")]
fn peer() -> Option<String> {
    match std::env::var("CHEVET_OIDC_PEER_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            assert!(
                std::env::var("CHEVET_REQUIRE_OIDC_PEER").as_deref() != Ok("1"),
                "CHEVET_REQUIRE_OIDC_PEER=1 but CHEVET_OIDC_PEER_URL is not set"
            );
            eprintln!(
                "skipped: CHEVET_OIDC_PEER_URL is not set (start tests/peers/oidc/psc-peer.mjs)"
            );
            None
        }
    }
}

fn psc_config(issuer: &str) -> ProviderConfig {
    ProviderConfig::psc(
        "psc-peer",
        "Pro Santé Connect (peer)",
        issuer,
        "chevet",
        ClientAuth::SecretBasic {
            secret: Zeroizing::new(SECRET.to_owned()),
        },
    )
}

async fn discover(issuer: &str) -> Provider {
    Provider::discover(psc_config(issuer))
        .await
        .expect("discovery")
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("browser")
}

/// Cookies carried by hand (reqwest has no cookie store here).
#[derive(Default)]
struct Jar(HashMap<String, String>);

impl Jar {
    fn take(&mut self, response: &reqwest::Response) {
        for header in response.headers().get_all(reqwest::header::SET_COOKIE) {
            let Ok(text) = header.to_str() else { continue };
            let pair = text.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("expires=Thu, 01 Jan 1970") {
                    self.0.remove(name.trim());
                } else {
                    self.0.insert(name.trim().to_owned(), value.to_owned());
                }
            }
        }
    }

    fn header(&self) -> String {
        self.0
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Plays the browser from the authorization URL to the loopback redirect: follows redirects,
/// posts `form` to the peer's login page, and finally calls the loopback listener. Returns
/// the listener's page.
async fn play_browser(start: &str, redirect_uri: &str, form: &[(&str, &str)]) -> String {
    let client = browser();
    let mut jar = Jar::default();
    let mut url = url::Url::parse(start).expect("start url");
    let mut posted = false;
    for _ in 0..20 {
        if url.as_str().starts_with(redirect_uri) {
            let page = client.get(url).send().await.expect("loopback");
            return page.text().await.expect("page");
        }
        let response = client
            .get(url.clone())
            .header(reqwest::header::COOKIE, jar.header())
            .send()
            .await
            .expect("get");
        jar.take(&response);
        let status = response.status().as_u16();
        let response = if status == 200 && url.path().starts_with("/interaction/") && !posted {
            posted = true;
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            let response = client
                .post(url.clone())
                .header(reqwest::header::COOKIE, jar.header())
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/x-www-form-urlencoded",
                )
                .body(body)
                .send()
                .await
                .expect("post");
            jar.take(&response);
            response
        } else {
            response
        };
        let status = response.status().as_u16();
        assert!(
            (300..400).contains(&status),
            "browser stopped at {} with HTTP {status}",
            url.path()
        );
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .expect("location")
            .to_owned();
        url = url.join(&location).expect("redirect url");
    }
    panic!("too many redirects");
}

/// A browser login of `national_id`: loopback listener, PKCE, code exchange.
async fn browser_login(provider: &Provider, national_id: &str) -> Result<TokenSet, OidcError> {
    let listener = LoopbackListener::bind("/callback").await.expect("listener");
    let redirect_uri = listener.redirect_uri();
    let request = provider.authorization_request(&redirect_uri);
    let state = request.state.clone();
    let waiting = tokio::spawn(async move {
        let cancel = AtomicBool::new(false);
        listener
            .wait_for_code(&state, &cancel, Duration::from_secs(30))
            .await
    });
    let page = play_browser(&request.url, &redirect_uri, &[("login", national_id)]).await;
    assert!(page.contains("Connexion réussie"), "loopback page: {page}");
    let code = waiting.await.expect("listener task")?;
    provider.exchange_code(&request, &code).await
}

#[derive(serde::Deserialize)]
struct Pending {
    id: String,
    #[serde(rename = "bindingMessage")]
    binding_message: Option<String>,
    scope: String,
    #[serde(rename = "acrValues")]
    acr_values: Option<String>,
}

/// Waits for the CIBA request with `binding` to reach the peer's "phone", then answers it.
async fn answer_ciba(issuer: &str, binding: &str, approve: bool) {
    let client = browser();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let list: Vec<Pending> = serde_json::from_slice(
            &client
                .get(format!("{issuer}/test/ciba"))
                .send()
                .await
                .expect("list")
                .bytes()
                .await
                .expect("body"),
        )
        .expect("json");
        if let Some(p) = list
            .iter()
            .find(|p| p.binding_message.as_deref() == Some(binding))
        {
            assert_eq!(p.scope, "openid scope_all");
            assert_eq!(p.acr_values.as_deref(), Some("eidas1"));
            let action = if approve { "approve" } else { "deny" };
            let status = client
                .post(format!("{issuer}/test/ciba/{}/{action}", p.id))
                .send()
                .await
                .expect("answer")
                .status();
            assert!(status.is_success());
            return;
        }
        assert!(
            Instant::now() < deadline,
            "CIBA request never reached the peer"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[test]
fn discovery_uses_the_wallet_path_and_checks_the_issuer() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let m = p.metadata();
        assert_eq!(m.issuer, issuer);
        assert!(m.backchannel_authentication_endpoint.is_some());
        assert!(m.revocation_endpoint.is_some());
        assert!(m.end_session_endpoint.is_some());
        assert_eq!(m.acr_values_supported, vec!["eidas1"]);
        assert!(
            m.code_challenge_methods_supported
                .iter()
                .any(|c| c == "S256")
        );
        assert!(!p.jwks().keys.is_empty());

        let mut generic = psc_config(&issuer);
        generic.kind = ProviderKind::Generic;
        assert!(Provider::discover(generic).await.is_ok());

        let mut other = psc_config(&format!("{issuer}/"));
        other.discovery_url = Some(format!("{issuer}/.well-known/wallet-openid-configuration"));
        assert_eq!(
            Provider::discover(other)
                .await
                .err()
                .map(|e| e.message_id()),
            Some("error-oidc-config")
        );
        let mut missing = psc_config(&issuer);
        missing.discovery_url = Some(format!("{issuer}/.well-known/nothing-here"));
        assert!(Provider::discover(missing).await.is_err());
    });
}

#[test]
fn browser_flow_pkce_loopback_id_token_userinfo_and_psc_claims() {
    let Some(issuer) = peer() else { return };
    support::logs();
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let tokens = browser_login(&p, CLAIRE).await.expect("login");
        assert_eq!(tokens.claims.acr.as_deref(), Some("eidas1"));
        assert_eq!(tokens.claims.iss, issuer);
        assert_ne!(
            tokens.claims.sub, CLAIRE,
            "the peer's sub is Keycloak-style"
        );
        assert!(tokens.refresh_token.is_some());
        assert!(tokens.access_expires_at > chrono::Utc::now());
        assert!(!format!("{tokens:?}").contains(tokens.access_token.as_str()));

        let claims = p.userinfo_for(&tokens).await.expect("userinfo");
        let person = oidc::psc_identity(&claims).expect("identity");
        assert_eq!(person.national_id, CLAIRE);
        assert_eq!(person.rpps.as_deref(), Some("10101234567"));
        assert_eq!(person.given_name, "Claire");
        assert_eq!(person.family_name, "LAMBERT");
        assert_eq!(person.civility.as_deref(), Some("MME"));
        assert_eq!(person.exercices.len(), 1);
        let e = &person.exercices[0];
        assert_eq!(e.profession_code, "10");
        assert_eq!(e.savoir_faire_code.as_deref(), Some("SM04"));
        assert_eq!(e.activities.len(), 2);
        assert_eq!(e.activities[0].finess_site.as_deref(), Some("690781810"));
        assert_eq!(e.activities[1].siret.as_deref(), Some("12345678900017"));

        // The peer's own ID token, checked again, then with one byte changed.
        p.verify_id_token(&tokens.id_token, None)
            .expect("still valid");
        assert!(
            p.verify_id_token(&tokens.id_token, Some("other-nonce"))
                .is_err()
        );
        for position in [10, tokens.id_token.len() / 2, tokens.id_token.len() - 3] {
            let mut bytes = tokens.id_token.clone().into_bytes();
            bytes[position] = if bytes[position] == b'A' { b'B' } else { b'A' };
            let tampered = String::from_utf8(bytes).expect("ascii");
            assert!(
                p.verify_id_token_fresh(&tampered, None).await.is_err(),
                "byte {position} changed"
            );
        }
        assert!(p.userinfo("not-a-valid-token").await.is_err());

        let logged = support::logs().text();
        assert!(!logged.contains(CLAIRE) && !logged.contains("LAMBERT"));
        assert!(!logged.contains(tokens.access_token.as_str()));
    });
}

#[test]
fn browser_flow_denied_by_the_user() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let listener = LoopbackListener::bind("/callback").await.expect("listener");
        let redirect_uri = listener.redirect_uri();
        let request = p.authorization_request(&redirect_uri);
        let state = request.state.clone();
        let waiting = tokio::spawn(async move {
            let cancel = AtomicBool::new(false);
            listener
                .wait_for_code(&state, &cancel, Duration::from_secs(30))
                .await
        });
        let page = play_browser(&request.url, &redirect_uri, &[("deny", "1")]).await;
        assert!(page.contains("Connexion refusée"), "{page}");
        assert_eq!(waiting.await.expect("task"), Err(OidcError::Denied));
    });
}

#[test]
fn refresh_then_logout_revokes_the_refresh_token() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let tokens = browser_login(&p, PAUL).await.expect("login");
        let refreshed = p.refresh(&tokens).await.expect("refresh");
        assert_ne!(*refreshed.access_token, *tokens.access_token);
        assert_eq!(refreshed.claims.sub, tokens.claims.sub);
        assert!(refreshed.refresh_token.is_some());
        let claims = p.userinfo(&refreshed.access_token).await.expect("userinfo");
        assert_eq!(
            oidc::psc_identity(&claims).expect("identity").national_id,
            PAUL
        );
        let again = p.refresh(&refreshed).await.expect("second refresh");

        assert!(p.end_session_url(&again.id_token, "st").is_some());
        p.logout(&again).await.expect("logout");
        assert_eq!(p.refresh(&again).await.err(), Some(OidcError::InvalidGrant));
    });
}

#[test]
fn ciba_approved_on_the_phone() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let request = p.ciba_start(CLAIRE, "t-approve").await.expect("start");
        assert_eq!(request.interval_s, 5, "the peer sends no interval");
        let phone = tokio::spawn({
            let issuer = issuer.clone();
            async move { answer_ciba(&issuer, "t-approve", true).await }
        });
        let cancel = AtomicBool::new(false);
        let ticks = Arc::new(AtomicU32::new(0));
        let counter = Arc::clone(&ticks);
        let mut on_wait = move |left: u64| {
            assert!(left <= 120);
            counter.fetch_add(1, Ordering::SeqCst);
        };
        let tokens = oidc::ciba_wait(&p, request, &cancel, &mut on_wait)
            .await
            .expect("approved");
        phone.await.expect("phone");
        assert!(
            ticks.load(Ordering::SeqCst) >= 4,
            "a countdown tick each second"
        );
        assert_eq!(tokens.claims.acr.as_deref(), Some("eidas1"));
        let claims = p.userinfo_for(&tokens).await.expect("userinfo");
        let person = oidc::psc_identity(&claims).expect("identity");
        assert_eq!(person.national_id, CLAIRE);
        assert_eq!(person.exercices[0].activities.len(), 2);
    });
}

#[test]
fn ciba_denied_on_the_phone() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let request = p.ciba_start(PAUL, "t-deny").await.expect("start");
        assert_eq!(
            p.ciba_poll(&request)
                .await
                .ok()
                .map(|r| matches!(r, CibaPoll::Pending)),
            Some(true)
        );
        answer_ciba(&issuer, "t-deny", false).await;
        let cancel = AtomicBool::new(false);
        let result = oidc::ciba_wait(&p, request, &cancel, &mut |_| {}).await;
        assert_eq!(result.err(), Some(OidcError::Denied));
    });
}

#[test]
fn ciba_expires_and_can_be_cancelled() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let p = discover(&issuer).await;
        let request = p
            .ciba_start_with_expiry(CLAIRE, "t-expire", Some(2))
            .await
            .expect("start");
        let started = Instant::now();
        let cancel = AtomicBool::new(false);
        let mut last = u64::MAX;
        let result = oidc::ciba_wait(&p, request.clone(), &cancel, &mut |left| last = left).await;
        assert_eq!(result.err(), Some(OidcError::Expired));
        assert_eq!(last, 0, "the countdown reached zero");
        eprintln!("CIBA expiry noticed after {:?}", started.elapsed());
        // The provider agrees once its own clock has passed the expiry.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(p.ciba_poll(&request).await.err(), Some(OidcError::Expired));

        let request = p.ciba_start(CLAIRE, "t-cancel").await.expect("start");
        let cancel = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&cancel);
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(700)).await;
            flag.store(true, Ordering::SeqCst);
        });
        let started = Instant::now();
        let result = oidc::ciba_wait(&p, request, &cancel, &mut |_| {}).await;
        assert_eq!(result.err(), Some(OidcError::Cancelled));
        eprintln!("CIBA cancel noticed after {:?}", started.elapsed());

        assert_eq!(
            p.ciba_start("000000000000", "t-unknown").await.err(),
            Some(OidcError::UnknownUser)
        );
        let mut wrong = psc_config(&issuer);
        wrong.client_auth = ClientAuth::SecretBasic {
            secret: Zeroizing::new("wrong".into()),
        };
        let wrong = Provider::discover(wrong).await.expect("discovery");
        assert!(matches!(
            wrong.ciba_start(CLAIRE, "t-wrong").await,
            Err(OidcError::Client(_))
        ));
    });
}

#[test]
fn private_key_jwt_client_with_signed_userinfo() {
    let Some(issuer) = peer() else { return };
    support::runtime().block_on(async {
        let key = Arc::new(RsaSigningKey::generate("chevet-pkj").expect("key"));
        let registration = serde_json::json!({
            "application_type": "native",
            "redirect_uris": ["http://127.0.0.1/callback"],
            "response_types": ["code"],
            "grant_types": ["authorization_code", "refresh_token", "urn:openid:params:grant-type:ciba"],
            "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": "RS256",
            "backchannel_token_delivery_mode": "poll",
            "userinfo_signed_response_alg": "RS256",
            "jwks": {"keys": [key.public_jwk()]},
        });
        let answer = browser()
            .post(format!("{issuer}/reg"))
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(registration.to_string())
            .send()
            .await
            .expect("registration");
        assert_eq!(answer.status().as_u16(), 201);
        let client: serde_json::Value =
            serde_json::from_slice(&answer.bytes().await.expect("body")).expect("json");
        let client_id = client["client_id"].as_str().expect("client_id");

        let mut config = psc_config(&issuer);
        config.client_id = client_id.to_owned();
        config.client_auth = ClientAuth::PrivateKeyJwt { key };
        let p = Provider::discover(config).await.expect("discovery");
        let request = p.ciba_start(PAUL, "t-pkjwt").await.expect("start");
        answer_ciba(&issuer, "t-pkjwt", true).await;
        let tokens = match p.ciba_poll(&request).await.expect("poll") {
            CibaPoll::Done(tokens) => tokens,
            other => panic!("expected tokens, got {other:?}"),
        };
        assert_eq!(tokens.claims.extra["aud"], client_id);
        // Signed userinfo (application/jwt): verified like an ID token.
        let claims = p.userinfo_for(&tokens).await.expect("signed userinfo");
        assert_eq!(claims["aud"], client_id);
        assert_eq!(oidc::psc_identity(&claims).expect("identity").national_id, PAUL);
        let refreshed = p.refresh(&tokens).await.expect("refresh with private_key_jwt");
        p.logout(&refreshed).await.expect("logout");
    });
}
