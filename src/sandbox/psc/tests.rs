//! End-to-end tests of the sandbox provider over HTTP: discovery, the browser flow with PKCE,
//! ID token verification with the published keys, userinfo, refresh rotation, logout and
//! revocation, CIBA (pending, slow_down, approval, refusal, expiry, automatic approval), the
//! hospital flavour, and hostile requests.

use std::time::Duration;

use base64::Engine as _;
use serde_json::Value;

use super::*;
use crate::auth::oidc::jose::{CompactJws, JwkSet, RsaSigningKey};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const REDIRECT: &str = "http://127.0.0.1:53682/callback";
const CLAIRE: &str = "810101234567";

fn run<F: Future<Output = ()>>(test: F) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(test);
}

struct Env {
    running: RunningPsc,
    http: reqwest::Client,
    e: Endpoints,
}

async fn env(options: PscOptions) -> Env {
    let running = start(options).await.expect("start");
    let e = running.endpoints();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .build()
        .expect("client");
    Env { running, http, e }
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

fn query_of(location: &str) -> std::collections::HashMap<String, String> {
    url::Url::parse(location)
        .expect("location")
        .query_pairs()
        .into_owned()
        .collect()
}

impl Env {
    fn basic(&self) -> String {
        let h = &self.running.handle;
        let raw = format!("{}:{}", h.client_id(), h.client_secret());
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(raw)
        )
    }

    async fn get(&self, url: &str) -> (u16, String, Option<String>) {
        let r = self.http.get(url).send().await.expect("get");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, r.text().await.expect("text"), location)
    }

    async fn get_json(&self, url: &str) -> Value {
        let (status, body, _) = self.get(url).await;
        assert_eq!(status, 200, "{url}");
        serde_json::from_str(&body).expect("json")
    }

    /// POSTs a form, with the client's Basic credentials when `auth`.
    async fn post(
        &self,
        url: &str,
        pairs: &[(&str, &str)],
        auth: bool,
    ) -> (u16, String, Option<String>) {
        let mut rb = self
            .http
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form(pairs));
        if auth {
            rb = rb.header("authorization", self.basic());
        }
        let r = rb.send().await.expect("post");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        (status, r.text().await.expect("text"), location)
    }

    async fn post_json(&self, url: &str, pairs: &[(&str, &str)]) -> (u16, Value) {
        let (status, body, _) = self.post(url, pairs, true).await;
        (status, serde_json::from_str(&body).unwrap_or(Value::Null))
    }

    fn authorize_url(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs = vec![
            ("client_id", self.running.handle.client_id()),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", "openid scope_all"),
            ("state", "st-1"),
            ("nonce", "no-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("acr_values", "eidas1"),
        ];
        for (k, v) in extra {
            pairs.retain(|(pk, _)| pk != k);
            if !v.is_empty() {
                pairs.push((k, v));
            }
        }
        format!("{}?{}", self.e.authorize, form(&pairs))
    }

    /// Shows the login page and picks `choice`; returns the redirect's query.
    async fn login(&self, choice: &str) -> std::collections::HashMap<String, String> {
        let (status, page, _) = self.get(&self.authorize_url(&[])).await;
        assert_eq!(status, 200, "{page}");
        let marker = "name=\"interaction\" value=\"";
        let start = page.find(marker).expect("interaction") + marker.len();
        let interaction = &page[start..start + page[start..].find('"').expect("end")];
        let (status, _, location) = self
            .post(
                &self.e.authorize,
                &[("interaction", interaction), ("choice", choice)],
                false,
            )
            .await;
        assert_eq!(status, 302);
        let location = location.expect("location");
        assert!(location.starts_with(REDIRECT), "{location}");
        query_of(&location)
    }

    async fn exchange(&self, code: &str, verifier: &str) -> (u16, Value) {
        self.post_json(
            &self.e.token,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("code_verifier", verifier),
            ],
        )
        .await
    }

    async fn userinfo(&self, access: &str) -> (u16, Value) {
        let r = self
            .http
            .get(&self.e.userinfo)
            .bearer_auth(access)
            .send()
            .await
            .expect("userinfo");
        let status = r.status().as_u16();
        (status, r.json_value().await)
    }

    /// The ID token's claims, after checking its signature with the published key set.
    async fn verified_claims(&self, id_token: &str) -> Value {
        let jwks: JwkSet =
            serde_json::from_value(self.get_json(&self.e.certs).await).expect("jwks");
        let jws = CompactJws::parse(id_token).expect("jws");
        assert_eq!(jws.header.alg, "RS256");
        jws.verify(&jwks).expect("signature");
        jws.claims().expect("claims")
    }

    async fn ciba(&self, hint: &str, binding: &str) -> (u16, Value) {
        self.post_json(
            &self.e.ciba,
            &[
                ("scope", "openid scope_all"),
                ("acr_values", "eidas1"),
                ("login_hint", hint),
                ("binding_message", binding),
            ],
        )
        .await
    }

    async fn poll(&self, auth_req_id: &str) -> (u16, Value) {
        self.post_json(
            &self.e.token,
            &[
                ("grant_type", "urn:openid:params:grant-type:ciba"),
                ("auth_req_id", auth_req_id),
            ],
        )
        .await
    }
}

trait JsonValue {
    async fn json_value(self) -> Value;
}

impl JsonValue for reqwest::Response {
    async fn json_value(self) -> Value {
        let text = self.text().await.unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

#[test]
fn discovery_is_at_the_wallet_path_and_lists_every_endpoint() {
    run(async {
        let env = env(PscOptions::default()).await;
        assert!(env.running.issuer.ends_with("/auth/realms/esante-wallet"));
        assert!(env.running.base_url.starts_with("http://127.0.0.1:"));
        assert_eq!(
            env.running.ecps_url,
            format!("{}/ecps", env.running.base_url)
        );
        let d = env.get_json(&env.e.discovery).await;
        assert_eq!(d["issuer"], env.running.issuer.as_str());
        assert_eq!(
            d["authorization_endpoint"],
            format!("{}/wallet/auth", env.running.base_url)
        );
        for (key, path) in [
            ("token_endpoint", "token"),
            ("userinfo_endpoint", "userinfo"),
            ("end_session_endpoint", "logout"),
            ("jwks_uri", "certs"),
            ("revocation_endpoint", "revoke"),
            ("backchannel_authentication_endpoint", "ext/ciba/auth"),
        ] {
            assert_eq!(
                d[key],
                format!("{}/protocol/openid-connect/{path}", env.running.issuer)
            );
        }
        let grants = d["grant_types_supported"].to_string();
        assert!(grants.contains("urn:openid:params:grant-type:ciba"));
        assert_eq!(
            d["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
        assert_eq!(
            d["backchannel_token_delivery_modes_supported"],
            serde_json::json!(["poll"])
        );
        assert_eq!(d["acr_values_supported"], serde_json::json!(["eidas1"]));
        assert_eq!(
            d["id_token_signing_alg_values_supported"],
            serde_json::json!(["RS256"])
        );
        assert_eq!(
            d["token_endpoint_auth_methods_supported"],
            serde_json::json!(["client_secret_basic", "private_key_jwt"])
        );
        let standard = format!("{}/.well-known/openid-configuration", env.running.issuer);
        assert_eq!(env.get(&standard).await.0, 404);
    });
}

#[test]
fn browser_flow_pkce_id_token_userinfo_refresh_and_logout() {
    run(async {
        let env = env(PscOptions::default()).await;
        let (_, page, _) = env.get(&env.authorize_url(&[])).await;
        assert!(page.contains("Pro Santé Connect — bac à sable"));
        for pro in demo_professionals() {
            assert!(page.contains(pro.national_id));
        }

        // Wrong verifier: refused, and the code is spent.
        let q = env.login(CLAIRE).await;
        assert_eq!(q["state"], "st-1");
        assert_eq!(q["iss"], env.running.issuer);
        let (status, err) = env
            .exchange(&q["code"], "wrong-verifier-wrong-verifier-wrong-verifier-x")
            .await;
        assert_eq!((status, s(&err["error"])), (400, "invalid_grant"));
        let (status, _) = env.exchange(&q["code"], VERIFIER).await;
        assert_eq!(status, 400);

        let q = env.login(CLAIRE).await;
        let (status, tokens) = env.exchange(&q["code"], VERIFIER).await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["expires_in"], 120);
        assert_eq!(tokens["refresh_expires_in"], 1800);
        let (status, _) = env.exchange(&q["code"], VERIFIER).await;
        assert_eq!(status, 400, "a code is single-use");

        let claims = env.verified_claims(s(&tokens["id_token"])).await;
        assert_eq!(claims["iss"], env.running.issuer.as_str());
        assert_eq!(claims["aud"], env.running.handle.client_id());
        assert_eq!(claims["azp"], env.running.handle.client_id());
        assert_eq!(claims["nonce"], "no-1");
        assert_eq!(claims["acr"], "eidas1");
        assert_eq!(claims["SubjectNameID"], CLAIRE);
        assert_eq!(claims["preferred_username"], CLAIRE);
        let sub = s(&claims["sub"]);
        assert!(
            sub.starts_with("f:") && sub.ends_with(":810101234567"),
            "{sub}"
        );
        let exp = claims["exp"].as_i64().expect("exp");
        let iat = claims["iat"].as_i64().expect("iat");
        assert_eq!(exp - iat, 120);
        assert!(claims["auth_time"].is_i64());

        let access = s(&tokens["access_token"]).to_owned();
        let (status, info) = env.userinfo(&access).await;
        assert_eq!(status, 200);
        assert_eq!(info["SubjectNameID"], CLAIRE);
        assert_eq!(info["sub"], claims["sub"]);
        assert_eq!(info["family_name"], "LAMBERT");
        let exercice = &info["SubjectRefPro"]["exercices"][0];
        assert_eq!(exercice["codeProfession"], "10");
        assert_eq!(exercice["codeSavoirFaire"], "SM04");
        let activities = exercice["activities"].as_array().expect("activities");
        assert_eq!(activities.len(), 2);
        assert!(
            activities
                .iter()
                .all(|a| a["numeroFinessetablissementJuridique"] == "750999005")
        );
        assert_ne!(
            activities[0]["numeroFinessSite"],
            activities[1]["numeroFinessSite"]
        );
        assert_eq!(info["otherIds"][0]["origine"], "RPPS");
        assert_eq!(env.userinfo("nope").await.0, 401);

        // Refresh rotates: the old refresh token is spent.
        let old = s(&tokens["refresh_token"]).to_owned();
        let refresh = [
            ("grant_type", "refresh_token"),
            ("refresh_token", old.as_str()),
        ];
        let (status, rotated) = env.post_json(&env.e.token, &refresh).await;
        assert_eq!(status, 200, "{rotated}");
        assert_ne!(rotated["refresh_token"], old.as_str());
        assert_ne!(rotated["access_token"], access.as_str());
        let again = env.verified_claims(s(&rotated["id_token"])).await;
        assert_eq!(again["nonce"], "no-1");
        let (status, err) = env.post_json(&env.e.token, &refresh).await;
        assert_eq!((status, s(&err["error"])), (400, "invalid_grant"));

        // Back-channel logout with the ID token ends the session and its tokens.
        let (status, _, _) = env
            .post(
                &env.e.logout,
                &[("id_token_hint", s(&tokens["id_token"]))],
                false,
            )
            .await;
        assert_eq!(status, 204);
        let new_refresh = s(&rotated["refresh_token"]).to_owned();
        let (status, err) = env
            .post_json(
                &env.e.token,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &new_refresh),
                ],
            )
            .await;
        assert_eq!((status, s(&err["error"])), (400, "invalid_grant"));
        assert_eq!(env.userinfo(s(&rotated["access_token"])).await.0, 401);
    });
}

#[test]
fn refusal_and_bad_authorize_requests() {
    run(async {
        let env = env(PscOptions::default()).await;
        let q = env.login("deny").await;
        assert_eq!(q["error"], "access_denied");
        assert_eq!(q["state"], "st-1");
        assert!(!q.contains_key("code"));

        let (status, page, _) = env.get(&env.authorize_url(&[("client_id", "other")])).await;
        assert_eq!(status, 400);
        assert!(page.contains("inconnue"));
        let evil = env.authorize_url(&[("redirect_uri", "https://evil.example/cb")]);
        let (status, _, location) = env.get(&evil).await;
        assert_eq!((status, location), (400, None));
        for (name, error) in [
            ("code_challenge_method", "invalid_request"),
            ("code_challenge", "invalid_request"),
            ("nonce", "invalid_request"),
            ("state", "invalid_request"),
        ] {
            let (status, _, location) = env.get(&env.authorize_url(&[(name, "")])).await;
            assert_eq!(status, 302, "{name}");
            let q = query_of(&location.expect("location"));
            assert_eq!(q["error"], error, "{name}");
        }
        let (_, _, location) = env.get(&env.authorize_url(&[("scope", "profile")])).await;
        assert_eq!(
            query_of(&location.expect("location"))["error"],
            "invalid_scope"
        );
        let (_, _, location) = env
            .get(&env.authorize_url(&[("response_type", "token")]))
            .await;
        assert_eq!(
            query_of(&location.expect("location"))["error"],
            "unsupported_response_type"
        );
        // Replaying a login page's interaction fails.
        let (status, _, _) = env
            .post(
                &env.e.authorize,
                &[("interaction", "forged"), ("choice", CLAIRE)],
                false,
            )
            .await;
        assert_eq!(status, 400);
    });
}

#[test]
fn client_authentication_is_required_and_checked() {
    run(async {
        let env = env(PscOptions::default()).await;
        let q = env.login(CLAIRE).await;
        let pairs = [
            ("grant_type", "authorization_code"),
            ("code", q["code"].as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ];
        let (status, body, _) = env.post(&env.e.token, &pairs, false).await;
        assert_eq!(status, 401, "{body}");
        let r = env
            .http
            .post(&env.e.token)
            .header("authorization", "Basic Y2hldmV0LWJhYy1hLXNhYmxlOndyb25n")
            .body(form(&pairs))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 401);
        assert!(r.headers().contains_key("www-authenticate"));
        let mut with_post = pairs.to_vec();
        with_post.push(("client_secret", env.running.handle.client_secret()));
        with_post.push(("client_id", env.running.handle.client_id()));
        let (status, body, _) = env.post(&env.e.token, &with_post, false).await;
        assert_eq!(status, 401);
        assert!(body.contains("client_secret_basic"));
        let (status, err) = env
            .post_json(&env.e.token, &[("grant_type", "password")])
            .await;
        assert_eq!((status, s(&err["error"])), (400, "unsupported_grant_type"));
    });
}

#[test]
fn private_key_jwt_works_once_a_key_is_registered() {
    run(async {
        let env = env(PscOptions::default()).await;
        let key = RsaSigningKey::generate("client-1").expect("key");
        let now = chrono::Utc::now().timestamp();
        let client = env.running.handle.client_id().to_owned();
        let assertion = key
            .sign_json(
                "JWT",
                &serde_json::json!({"iss": client, "sub": client, "aud": env.e.token,
                    "jti": "j1", "iat": now, "exp": now + 60}),
            )
            .expect("sign");
        let q = env.login(CLAIRE).await;
        let pairs = [
            ("grant_type", "authorization_code"),
            ("code", q["code"].as_str()),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion.as_str()),
        ];
        let (status, body, _) = env.post(&env.e.token, &pairs, false).await;
        assert_eq!(status, 401);
        assert!(body.contains("private_key_jwt"));
        env.running.handle.register_client_key(key.public_jwk());
        let (status, body, _) = env.post(&env.e.token, &pairs, false).await;
        assert_eq!(status, 200, "{body}");
    });
}

#[test]
fn browser_logout_redirects_with_state_and_revocation_ends_the_session() {
    run(async {
        let env = env(PscOptions::default()).await;
        let q = env.login(CLAIRE).await;
        let (_, tokens) = env.exchange(&q["code"], VERIFIER).await;
        let logout = format!(
            "{}?{}",
            env.e.logout,
            form(&[
                ("id_token_hint", s(&tokens["id_token"])),
                ("post_logout_redirect_uri", "http://127.0.0.1:53682/logout"),
                ("state", "bye"),
            ])
        );
        let (status, _, location) = env.get(&logout).await;
        assert_eq!(status, 302);
        assert_eq!(query_of(&location.expect("location"))["state"], "bye");
        assert_eq!(env.userinfo(s(&tokens["access_token"])).await.0, 401);
        let (status, _, _) = env
            .get(&format!("{}?id_token_hint=forged", env.e.logout))
            .await;
        assert_eq!(status, 400);

        let q = env.login(CLAIRE).await;
        let (_, tokens) = env.exchange(&q["code"], VERIFIER).await;
        let refresh = s(&tokens["refresh_token"]);
        let (status, _) = env.post_json(&env.e.revoke, &[("token", refresh)]).await;
        assert_eq!(status, 200);
        let (status, _) = env.post_json(&env.e.revoke, &[("token", "unknown")]).await;
        assert_eq!(status, 200);
        let (_, err) = env
            .post_json(
                &env.e.token,
                &[("grant_type", "refresh_token"), ("refresh_token", refresh)],
            )
            .await;
        assert_eq!(err["error"], "invalid_grant");
        assert_eq!(env.userinfo(s(&tokens["access_token"])).await.0, 401);
    });
}

fn ciba_options() -> PscOptions {
    PscOptions {
        ciba_interval_s: 1,
        ..PscOptions::default()
    }
}

#[test]
fn ciba_pending_slow_down_approve_and_deny() {
    run(async {
        let env = env(ciba_options()).await;
        let (status, err) = env.ciba("899999999999", "42").await;
        assert_eq!((status, s(&err["error"])), (400, "unknown_user_id"));
        let (status, err) = env.ciba(CLAIRE, "4 2").await;
        assert_eq!((status, s(&err["error"])), (400, "invalid_binding_message"));

        let (status, ack) = env.ciba(CLAIRE, "42").await;
        assert_eq!(status, 200, "{ack}");
        assert_eq!(ack["expires_in"], 120);
        assert_eq!(ack["interval"], 1);
        let id = s(&ack["auth_req_id"]).to_owned();
        let (status, err) = env.poll(&id).await;
        assert_eq!((status, s(&err["error"])), (400, "authorization_pending"));
        let (status, err) = env.poll(&id).await;
        assert_eq!((status, s(&err["error"])), (400, "slow_down"));

        let pending = env.running.handle.pending_ciba();
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].national_id, CLAIRE);
        assert_eq!(pending[0].binding_message, "42");
        let (status, page, _) = env.get(&env.running.ecps_url).await;
        assert_eq!(status, 200);
        assert!(page.contains("42") && page.contains("LAMBERT") && page.contains("Approuver"));
        assert!(!page.contains(&id), "the auth_req_id stays off the page");

        // Approve through the e-CPS page, as a user would.
        let (status, _, _) = env
            .post(
                &env.running.ecps_url,
                &[("id", pending[0].id.as_str()), ("decision", "approve")],
                false,
            )
            .await;
        assert_eq!(status, 303);
        assert!(env.running.handle.pending_ciba().is_empty());
        let (status, tokens) = env.poll(&id).await;
        assert_eq!(status, 200, "{tokens}");
        let claims = env.verified_claims(s(&tokens["id_token"])).await;
        assert_eq!(claims["acr"], "eidas1");
        assert_eq!(claims["SubjectNameID"], CLAIRE);
        assert!(claims.get("nonce").is_none());
        assert_eq!(env.userinfo(s(&tokens["access_token"])).await.0, 200);
        let (_, err) = env.poll(&id).await;
        assert_eq!(err["error"], "invalid_grant");

        let (_, ack) = env.ciba("810109876543", "07").await;
        let id = s(&ack["auth_req_id"]).to_owned();
        let pending = env.running.handle.pending_ciba();
        assert!(env.running.handle.deny(&pending[0].id));
        assert!(!env.running.handle.approve(&pending[0].id));
        let (status, err) = env.poll(&id).await;
        assert_eq!((status, s(&err["error"])), (400, "access_denied"));
    });
}

#[test]
fn ciba_expires_and_auto_approves() {
    run(async {
        let env = env(PscOptions {
            ciba_ttl_s: 1,
            ..ciba_options()
        })
        .await;
        let (_, ack) = env.ciba(CLAIRE, "11").await;
        let id = s(&ack["auth_req_id"]).to_owned();
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let (status, err) = env.poll(&id).await;
        assert_eq!((status, s(&err["error"])), (400, "expired_token"));
        assert!(env.running.handle.pending_ciba().is_empty());

        let env = env_auto().await;
        let (_, ack) = env.ciba(CLAIRE, "12").await;
        let id = s(&ack["auth_req_id"]).to_owned();
        let (_, err) = env.poll(&id).await;
        assert_eq!(err["error"], "authorization_pending");
        tokio::time::sleep(Duration::from_millis(300)).await;
        let (status, tokens) = env.poll(&id).await;
        assert_eq!(status, 200, "{tokens}");
    });
}

async fn env_auto() -> Env {
    env(PscOptions {
        auto_approve_ciba_after: Some(Duration::from_millis(200)),
        ..ciba_options()
    })
    .await
}

#[test]
fn hospital_flavour_is_standard_and_has_no_ciba() {
    run(async {
        let env = env(PscOptions::hospital()).await;
        assert!(env.running.issuer.ends_with("/realms/hopital"));
        assert!(env.running.ecps_url.is_empty());
        assert_eq!(env.running.registry.services()[0].name, "idp-hopital");
        let d = env.get_json(&env.e.discovery).await;
        assert!(
            env.e
                .discovery
                .ends_with("/.well-known/openid-configuration")
        );
        assert!(d.get("backchannel_authentication_endpoint").is_none());
        assert!(!d["grant_types_supported"].to_string().contains("ciba"));
        let (_, page, _) = env.get(&env.authorize_url(&[])).await;
        assert!(page.contains("établissement"));
        let q = env.login("810109876543").await;
        let (status, tokens) = env.exchange(&q["code"], VERIFIER).await;
        assert_eq!(status, 200, "{tokens}");
        let claims = env.verified_claims(s(&tokens["id_token"])).await;
        assert!(claims.get("acr").is_none() && claims.get("SubjectNameID").is_none());
        assert_eq!(claims["preferred_username"], "810109876543");
        assert_eq!(claims["nonce"], "no-1");
        let (_, info) = env.userinfo(s(&tokens["access_token"])).await;
        assert_eq!(info["given_name"], "Hugo");
        assert!(info.get("SubjectRefPro").is_none());
        let ciba = format!(
            "{}/protocol/openid-connect/ext/ciba/auth",
            env.running.issuer
        );
        assert_eq!(
            env.post(&ciba, &[("login_hint", CLAIRE)], true).await.0,
            404
        );
        let (_, err) = env.poll("x").await;
        assert_eq!(err["error"], "unsupported_grant_type");
    });
}

#[test]
fn hostile_requests_get_errors_not_panics() {
    run(async {
        let env = env(PscOptions::default()).await;
        let big = "a=".to_owned() + &"x".repeat(70 * 1024);
        let r = env
            .http
            .post(&env.e.token)
            .header("authorization", env.basic())
            .body(big)
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 413);
        let (status, err) = env
            .post_json(
                &env.e.token,
                &[("grant_type", "refresh_token"), ("grant_type", "x")],
            )
            .await;
        assert_eq!((status, s(&err["error"])), (400, "invalid_request"));
        for header in ["Basic", "Basic ====", "Bearer", "Basic Og==", "\u{1}"] {
            let _ = env
                .http
                .post(&env.e.token)
                .header("authorization", header)
                .body("grant_type=refresh_token")
                .send()
                .await;
        }
        let (status, _, _) = env.get(&format!("{}?%ff%fe=%00", env.e.authorize)).await;
        assert_eq!(status, 400);
        assert_eq!(
            env.get(&format!("{}/nothing", env.running.base_url))
                .await
                .0,
            404
        );
        assert_eq!(env.get(&env.e.token).await.0, 405);
        // Still serving.
        env.get_json(&env.e.discovery).await;
    });
}
