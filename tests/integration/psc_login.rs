//! Issue 5 through the workers, against the sandbox Pro Santé Connect and hospital provider:
//! the test plays the system browser (fetches the authorization URL the workers opened,
//! submits the login page, follows the redirect to Chevet's loopback listener). Covers the
//! activity choice, the first-login link proven by the local password, a linked second login,
//! CIBA approved on the e-CPS stand-in and cancelled by the user, and the hospital provider
//! whose identities are linked separately.

use std::sync::Arc;
use std::time::Duration;

use chevet::auth::LoginMethod;
use chevet::sandbox::identity::SandboxIdentity;
use chevet::worker::{self, CardConfig, Event, LinkChoice, Request, TaskId};
use tokio::sync::mpsc::Receiver;
use zeroize::Zeroizing;

use crate::support::runtime;

const WAIT: Duration = Duration::from_secs(60);

struct World {
    rt: crate::support::TestRuntime,
    sandbox: SandboxIdentity,
    worker: worker::WorkerHandle,
    events: Receiver<Event>,
    http: reqwest::Client,
    _dir: tempfile::TempDir,
}

fn world() -> World {
    crate::support::logs();
    let rt = runtime();
    let sandbox = rt
        .block_on(SandboxIdentity::start(None))
        .expect("sandbox providers");
    let dir = tempfile::tempdir().expect("tempdir");
    let config =
        crate::support::worker_config(dir.path(), None, sandbox.providers(), CardConfig::default());
    let (worker, events) = worker::start(rt.handle(), config, Arc::new(|| {}));
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let mut w = World {
        rt,
        sandbox,
        worker,
        events,
        http,
        _dir: dir,
    };
    w.worker.send(Request::OpenStore).expect("send");
    w.expect("store ready", |e| {
        matches!(e, Event::StoreReady(_)).then_some(())
    });
    w
}

impl World {
    /// Waits for the first event `pick` accepts; other events are skipped, failures fail.
    fn expect<T>(&mut self, what: &str, mut pick: impl FnMut(Event) -> Option<T>) -> T
    where
        T: Sized,
    {
        self.rt.block_on(async {
            loop {
                let event = tokio::time::timeout(WAIT, self.events.recv())
                    .await
                    .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                    .expect("workers alive");
                if let Event::Failed { operation, message } = &event {
                    panic!("{what}: {operation:?} failed with {}", message.id);
                }
                if let Some(found) = pick(event) {
                    return found;
                }
            }
        })
    }

    fn send(&self, request: Request) {
        self.worker.send(request).expect("send");
    }

    /// Plays the browser: opens the login page, picks `national_id`, follows the redirect to
    /// the loopback listener.
    fn browser_login(&self, url: &str, national_id: &str) {
        self.rt.block_on(async {
            let page = self
                .http
                .get(url)
                .send()
                .await
                .expect("login page")
                .text()
                .await
                .expect("page text");
            let action = between(&page, "action=\"", "\"").replace("&amp;", "&");
            let interaction = between(&page, "name=\"interaction\" value=\"", "\"");
            let base = url::Url::parse(url).expect("url");
            let post_to = base.join(&action).expect("action url");
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("interaction", &interaction)
                .append_pair("choice", national_id)
                .finish();
            let answer = self
                .http
                .post(post_to)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .expect("choice");
            assert_eq!(answer.status().as_u16(), 302, "redirect to Chevet");
            let location = answer
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .expect("location")
                .to_owned();
            assert!(location.starts_with("http://127.0.0.1:"));
            let landing = self.http.get(&location).send().await.expect("loopback");
            assert!(landing.status().is_success());
        });
    }
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).expect("start marker") + start.len();
    let to = text[from..].find(end).expect("end marker") + from;
    text[from..to].to_owned()
}

fn opened_url(w: &mut World) -> String {
    w.expect("authorization URL", |e| match e {
        Event::OpenInBrowser { url } => Some(url),
        _ => None,
    })
}

#[test]
fn issue5_psc_browser_flow_links_once_then_signs_in_directly() {
    let mut w = world();
    w.send(Request::ProviderLogin {
        task: TaskId::next(),
        provider: "psc".into(),
    });
    let url = opened_url(&mut w);
    assert!(url.contains("code_challenge_method=S256"));
    assert!(url.contains("acr_values=eidas1"));
    w.browser_login(&url, "810101234567");

    // Dr Lambert works at two sites: she picks one.
    let activities = w.expect("activity choice", |e| match e {
        Event::ChooseActivity { activities } => Some(activities),
        _ => None,
    });
    assert_eq!(activities.len(), 2);
    w.send(Request::ChooseActivity { index: 1 });
    let suggested = w.expect("first-login link", |e| match e {
        Event::NeedsLink {
            suggested_login, ..
        } => Some(suggested_login),
        _ => None,
    });
    assert_eq!(suggested.as_deref(), Some("medecin"));
    w.send(Request::CompleteLink(LinkChoice::Password {
        login: "medecin".into(),
        password: Zeroizing::new("chevet-demo".into()),
    }));
    let session = w.expect("session", |e| match e {
        Event::LoggedIn(s) => Some(s),
        _ => None,
    });
    assert_eq!(session.login, "medecin");
    assert_eq!(session.method, LoginMethod::Provider { id: "psc".into() });
    assert_eq!(session.activity.as_ref(), Some(&activities[1]));
    let professional = session.professional.expect("professional");
    assert_eq!(professional.national_id, "810101234567");

    w.send(Request::Logout);
    w.expect("logged out", |e| {
        matches!(e, Event::LoggedOut).then_some(())
    });

    // Second time: linked, straight in after the activity choice.
    w.send(Request::ProviderLogin {
        task: TaskId::next(),
        provider: "psc".into(),
    });
    let url = opened_url(&mut w);
    w.browser_login(&url, "810101234567");
    w.expect("activity choice", |e| {
        matches!(e, Event::ChooseActivity { .. }).then_some(())
    });
    w.send(Request::ChooseActivity { index: 0 });
    let again = w.expect("session", |e| match e {
        Event::LoggedIn(s) => Some(s),
        _ => None,
    });
    assert_eq!(again.login, "medecin");
}

#[test]
fn issue5_ciba_approved_on_the_ecps_and_cancelled_by_the_user() {
    let mut w = world();
    // An unknown physician (no local account) approves; an account is created for her.
    let task = TaskId::next();
    w.send(Request::CibaLogin {
        task,
        provider: "psc".into(),
        national_id: "899700366240".into(),
    });
    let binding = w.expect("binding message", |e| match e {
        Event::CibaStarted {
            binding_message, ..
        } => Some(binding_message),
        _ => None,
    });
    assert_eq!(binding.len(), 2);
    assert!(binding.bytes().all(|b| b.is_ascii_digit()));
    let pending = w.sandbox.psc.handle.pending_ciba();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].binding_message, binding);
    assert!(w.sandbox.psc.handle.approve(&pending[0].id));
    let can_create = w.expect("first-login link", |e| match e {
        Event::NeedsLink {
            can_create,
            suggested_login,
            ..
        } => {
            assert_eq!(suggested_login, None);
            Some(can_create)
        }
        _ => None,
    });
    assert!(can_create);
    w.send(Request::CompleteLink(LinkChoice::CreateAccount));
    let session = w.expect("session", |e| match e {
        Event::LoggedIn(s) => Some(s),
        _ => None,
    });
    assert_eq!(session.login, "899700366240");
    assert_eq!(session.role, chevet::domain::Role::Medecin);

    // A second request, cancelled while it waits: the task ends as cancelled, no error.
    let task = TaskId::next();
    w.send(Request::CibaLogin {
        task,
        provider: "psc".into(),
        national_id: "810101234567".into(),
    });
    w.expect("binding message", |e| {
        matches!(e, Event::CibaStarted { .. }).then_some(())
    });
    w.send(Request::Cancel { task });
    let cancelled = w.expect("task end", |e| match e {
        Event::TaskFinished { task: t, cancelled } if t == task => Some(cancelled),
        _ => None,
    });
    assert!(cancelled);
}

#[test]
fn issue5_the_hospital_provider_is_its_own_trust_domain() {
    let mut w = world();
    w.send(Request::ProviderLogin {
        task: TaskId::next(),
        provider: "idp-hopital".into(),
    });
    let url = opened_url(&mut w);
    assert!(!url.contains("acr_values"));
    w.browser_login(&url, "810109876543");
    let (suggested, can_create) = w.expect("first-login link", |e| match e {
        Event::NeedsLink {
            suggested_login,
            can_create,
            ..
        } => Some((suggested_login, can_create)),
        _ => None,
    });
    assert_eq!(suggested.as_deref(), Some("interne"));
    assert!(
        !can_create,
        "no profession from this provider: no automatic account"
    );
    w.send(Request::CompleteLink(LinkChoice::Password {
        login: "interne".into(),
        password: Zeroizing::new("chevet-demo".into()),
    }));
    let session = w.expect("session", |e| match e {
        Event::LoggedIn(s) => Some(s),
        _ => None,
    });
    assert_eq!(
        session.method,
        LoginMethod::Provider {
            id: "idp-hopital".into()
        }
    );
}
