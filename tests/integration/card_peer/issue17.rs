//! Issue 17, card trust over real PC/SC (pcscd + vpcd): the window refuses, with the reason
//! and without asking the PIN, a forged card carrying a real doctor's national id (self-signed,
//! or from another authority named like the test IGC-Santé's), a revoked card, an expired one,
//! and a genuine one while its revocation list cannot be had and nothing is cached; a genuine
//! card still gets its PIN asked. Each refusal is in the audit trail with the certificate's
//! fingerprint and no name or national id.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use chevet::app::ChevetApp;
use chevet::card::certificate_sha256;
use chevet::sandbox::card::{CardKind, SandboxPki, VPCD_PORT, VirtualCps, serve_vpcd};
use chevet::worker::CardConfig;
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

use super::{PIN, VPCD_PORT_IN_USE, required, vpcd_reader};
use crate::support::{LONG, on_shared_record, runtime, step_until};

const NATIONAL_ID: &str = "810101234567";

/// A card plugged into vpcd until `pull`.
struct Plugged {
    stop: Arc<AtomicBool>,
    thread: std::thread::JoinHandle<std::io::Result<()>>,
}

fn plug(card: VirtualCps) -> Plugged {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, VPCD_PORT));
    let thread = std::thread::Builder::new()
        .name("vpcd-card".into())
        .spawn(move || serve_vpcd(addr, card.with_pin(PIN).expect("pin"), flag))
        .expect("emulator thread");
    Plugged { stop, thread }
}

impl Plugged {
    /// Pulls the card and waits for the window to say the reader is empty.
    fn pull(self, h: &mut Harness<'_, ChevetApp>) {
        self.stop.store(true, Ordering::Relaxed);
        assert!(self.thread.join().expect("emulator").is_ok());
        empty_reader(h);
    }
}

fn empty_reader(h: &mut Harness<'_, ChevetApp>) {
    step_until(h, "an empty vpcd reader", LONG, |h| {
        h.query_by_label("Insérez votre carte CPS.").is_some()
    });
}

fn pin_field(h: &Harness<'_, ChevetApp>) -> bool {
    h.query_by_role_and_label(Role::PasswordInput, "Code PIN")
        .is_some()
}

/// Waits for the refusal whose message contains `text`; no PIN field meanwhile.
#[track_caller]
fn refused(h: &mut Harness<'_, ChevetApp>, what: &str, text: &str) {
    step_until(h, what, LONG, |h| {
        assert!(!pin_field(h), "{what}: the PIN must not be asked");
        h.query_by_label_contains(text).is_some()
    });
    // A few more frames: nothing turns it into a PIN prompt.
    h.run_steps(5);
    assert!(!pin_field(h), "{what}: the PIN must not be asked");
}

/// The card refusals of the audit trail (single workstation: the record is the file).
fn card_refusals(data_dir: &std::path::Path) -> Vec<String> {
    let (store, _) = crate::support::open_app_store(data_dir);
    chevet::store::audit::recent(&store, 500)
        .expect("trail")
        .into_iter()
        .filter(|row| row.detail.starts_with("cps-card:") && row.detail.contains("certificate"))
        .map(|row| format!("{} {}", row.action, row.detail))
        .collect()
}

/// Why these tests cannot run here (no pcscd with vpcd), failing when they must.
fn missing_vpcd() -> Option<String> {
    let reason = vpcd_reader().err()?;
    assert!(!required(), "PC/SC with vpcd required: {reason}");
    Some(reason)
}

fn card_tab(h: &mut Harness<'_, ChevetApp>) {
    h.get_by_label("Carte CPS").click();
    h.run_steps(2);
    empty_reader(h);
}

#[test]
fn issue17_a_forged_card_is_refused_over_pcsc() {
    let _port = VPCD_PORT_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let logs = crate::support::logs();
    if let Some(reason) = missing_vpcd() {
        eprintln!("card_peer skipped: {reason}; start `pcscd` with vsmartcard-vpcd installed");
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = crate::support::pcsc_app_on_login(&rt, dir.path());
    card_tab(&mut h);
    let pki = chevet::sandbox::card::pki::shared().expect("sandbox PKI");
    let logged_before = logs.text().len();

    // A self-signed certificate carrying Dr Lambert's national id.
    let forged = pki
        .demo_physician(CardKind::ForgedSelfSigned)
        .expect("forged");
    let forged_fp = certificate_sha256(forged.certificate_der());
    let plugged = plug(forged);
    refused(&mut h, "self-signed forgery", "autorité de confiance");
    assert!(
        h.query_by_label_contains("LAMBERT").is_none(),
        "the forged holder's name is not shown"
    );
    plugged.pull(&mut h);

    // Another authority with the test intermediate's very name; the card offers it.
    let other = pki
        .demo_physician(CardKind::ForgedOtherAuthority)
        .expect("forged");
    let other_fp = certificate_sha256(other.certificate_der());
    let plugged = plug(other);
    refused(
        &mut h,
        "forgery from another authority",
        "autorité de confiance",
    );
    plugged.pull(&mut h);
    let logged = logs.text()[logged_before..].to_owned();
    assert!(
        !logged.contains(NATIONAL_ID) && !logged.contains("LAMBERT"),
        "the forged identity reached the logs"
    );

    // The sandbox's genuine card still gets its PIN asked, and the PIN opens the way.
    let plugged = plug(pki.demo_physician(CardKind::Genuine).expect("card"));
    step_until(&mut h, "PIN field for the genuine card", LONG, pin_field);
    crate::support::type_into(&mut h, Role::PasswordInput, "Code PIN", PIN);
    h.get_by_label("Valider").click();
    step_until(&mut h, "first-login link", LONG, |h| {
        h.query_by_label_contains("Première connexion").is_some()
    });
    plugged.stop.store(true, Ordering::Relaxed);
    assert!(plugged.thread.join().expect("emulator").is_ok());

    if !on_shared_record() {
        let refusals = card_refusals(dir.path());
        eprintln!("audit: {refusals:?}");
        assert!(
            refusals
                .iter()
                .any(|r| r.contains("unknown-issuer") && r.contains(&forged_fp)),
            "{refusals:?}"
        );
        // The authority the forged card offers chains to no configured root.
        assert!(
            refusals
                .iter()
                .any(|r| r.contains("unknown-issuer") && r.contains(&other_fp)),
            "{refusals:?}"
        );
        assert!(
            refusals
                .iter()
                .all(|r| !r.contains(NATIONAL_ID) && !r.contains("LAMBERT"))
        );
    }
    drop(h);
}

/// Revoked and expired cards, and a list that cannot be had, with a test IGC-Santé of the
/// test's own (its list server is made to fail, then stopped).
#[test]
fn issue17_revoked_and_expired_cards_and_an_unreachable_list_over_pcsc() {
    let _port = VPCD_PORT_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(reason) = missing_vpcd() {
        eprintln!("card_peer skipped: {reason}; start `pcscd` with vsmartcard-vpcd installed");
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut pki = SandboxPki::start().expect("test PKI");
    // Every card before any list is fetched: the revocation is on the first list served.
    let genuine = pki.demo_physician(CardKind::Genuine).expect("card");
    let revoked = pki.demo_physician(CardKind::Revoked).expect("card");
    let expired = pki.demo_physician(CardKind::Expired).expect("card");
    let trust = pki.trust(&dir.path().join("crl")).expect("trust");
    let app = crate::support::sandbox_app_with_card(
        &rt,
        dir.path(),
        CardConfig {
            pcsc: true,
            virtual_card: None,
            trust: Some(Arc::new(trust)),
        },
    );
    let mut h = crate::support::harness(app);
    step_until(&mut h, "login tabs", LONG, |h| {
        h.query_by_label("Carte CPS").is_some()
    });
    card_tab(&mut h);

    // The list server fails and nothing is cached: refused (fail closed), saying why.
    pki.server().set_failing(true);
    let plugged = plug(genuine.clone());
    refused(&mut h, "no revocation list", "liste de révocation");
    plugged.pull(&mut h);

    // The server is back: the same card gets its PIN asked.
    pki.server().set_failing(false);
    let plugged = plug(genuine.clone());
    step_until(&mut h, "PIN field, list checked", LONG, pin_field);
    plugged.pull(&mut h);

    let plugged = plug(revoked);
    refused(&mut h, "revoked card", "révoquée");
    plugged.pull(&mut h);

    let plugged = plug(expired);
    refused(&mut h, "expired card", "a expiré");
    plugged.pull(&mut h);

    // The server gone for good: the cached list, still current, serves.
    let served = pki.server().served();
    pki.server_mut().stop();
    let plugged = plug(genuine);
    step_until(&mut h, "PIN field from the cached list", LONG, pin_field);
    plugged.stop.store(true, Ordering::Relaxed);
    assert!(plugged.thread.join().expect("emulator").is_ok());
    assert_eq!(served, 2, "the card's list and the root's, fetched once");

    if !on_shared_record() {
        let refusals = card_refusals(dir.path());
        eprintln!("audit: {refusals:?}");
        for reason in ["crl-unavailable", "revoked", "expired"] {
            assert!(
                refusals
                    .iter()
                    .any(|r| r.contains(&format!("cps-card:{reason} "))),
                "{reason}: {refusals:?}"
            );
        }
    }
    drop(h);
}

/// The session is bound to the certificate: after the card that opened it is pulled, another
/// genuine card of the same doctor (same national id, same account, another certificate) and
/// its PIN do not unlock it — the locked session ends and a new one opens.
#[test]
fn issue17_another_card_of_the_same_doctor_does_not_unlock_the_session_over_pcsc() {
    let _port = VPCD_PORT_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(reason) = missing_vpcd() {
        eprintln!("card_peer skipped: {reason}; start `pcscd` with vsmartcard-vpcd installed");
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = crate::support::pcsc_app_on_login(&rt, dir.path());
    card_tab(&mut h);
    let pki = chevet::sandbox::card::pki::shared().expect("sandbox PKI");

    let first = plug(pki.demo_physician(CardKind::Genuine).expect("card"));
    step_until(&mut h, "PIN field", LONG, pin_field);
    crate::support::type_into(&mut h, Role::PasswordInput, "Code PIN", PIN);
    h.get_by_label("Valider").click();
    step_until(&mut h, "first-login link", LONG, |h| {
        h.query_by_label_contains("Première connexion").is_some()
    });
    crate::support::type_into(&mut h, Role::PasswordInput, "Mot de passe", "chevet-demo");
    h.get_by_label("Relier avec le mot de passe").click();
    let in_session = |h: &Harness<'_, ChevetApp>| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    };
    step_until(&mut h, "patient list", LONG, in_session);
    first.stop.store(true, Ordering::Relaxed);
    assert!(first.thread.join().expect("emulator").is_ok());
    step_until(&mut h, "lock screen", LONG, |h| {
        h.query_by_label("Session verrouillée").is_some()
    });

    let second = plug(pki.demo_physician(CardKind::Genuine).expect("card"));
    step_until(&mut h, "PIN field on the lock screen", LONG, pin_field);
    crate::support::type_into(&mut h, Role::PasswordInput, "Code PIN", PIN);
    h.get_by_label("Valider").click();
    step_until(&mut h, "a session again", LONG, in_session);
    second.stop.store(true, Ordering::Relaxed);
    assert!(second.thread.join().expect("emulator").is_ok());

    if !on_shared_record() {
        let (store, _) = crate::support::open_app_store(dir.path());
        let actions: Vec<String> = chevet::store::audit::recent(&store, 500)
            .expect("trail")
            .into_iter()
            .rev()
            .map(|row| row.action)
            .collect();
        eprintln!("audit actions: {actions:?}");
        assert!(
            !actions.iter().any(|a| a == "session.unlocked"),
            "another certificate unlocked the session"
        );
        let locked = actions
            .iter()
            .position(|a| a == "session.locked")
            .expect("locked");
        assert!(
            actions[locked..].iter().any(|a| a == "logout"),
            "the locked session ended: {actions:?}"
        );
    }
    drop(h);
}
