//! The card layer against a real PC/SC stack: pcscd with the vsmartcard vpcd driver, and the
//! sandbox card behind it (`serve_vpcd` on 127.0.0.1:35963, reader "Virtual PCD 00 00"). The
//! monitor sees the card arrive, the CPS operations run over `PcscChannel`, and stopping the
//! emulator is reported as a removal. Without pcscd or the vpcd reader the test is skipped,
//! unless CHEVET_REQUIRE_PCSC=1 (the test script) makes that a failure. `issue17`: forged,
//! revoked and expired cards refused before the PIN, and an unreachable revocation list.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, sync_channel};
use std::time::{Duration, Instant};

use chevet::card::{
    CPS3, CardError, CardEvent, PcscChannel, certificate, list_readers, monitor, pin_attempts_left,
    prove_possession, read_holder, sign_sha256, verify_pin,
};
use chevet::sandbox::card::{ATR, VPCD_PORT, VirtualCps, serve_vpcd};
use zeroize::Zeroizing;

mod issue17;

/// vpcd's reader for port 35963.
const READER: &str = "Virtual PCD 00 00";
/// A PIN nothing else in the logs could contain by chance.
const PIN: &str = "86420975";

fn required() -> bool {
    std::env::var("CHEVET_REQUIRE_PCSC").is_ok_and(|v| v == "1")
}

/// `Err(reason)` when there is no pcscd with vpcd here.
fn vpcd_reader() -> Result<(), String> {
    let readers = list_readers().map_err(|e| format!("PC/SC unavailable ({e})"))?;
    if readers.iter().any(|r| r == READER) {
        Ok(())
    } else {
        Err(format!("no \"{READER}\" reader (readers: {readers:?})"))
    }
}

/// Waits for the first event matching `wanted`, skipping others.
fn wait_for(
    events: &Receiver<CardEvent>,
    within: Duration,
    wanted: impl Fn(&CardEvent) -> bool,
) -> Option<CardEvent> {
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        match events.recv_timeout(left) {
            Ok(event) if wanted(&event) => return Some(event),
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

fn pin(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.to_owned())
}

/// Both tests plug a card into the same vpcd port: one at a time.
pub(crate) static VPCD_PORT_IN_USE: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn cps_card_over_pcscd_and_vpcd() {
    let _port = VPCD_PORT_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let logs = crate::support::logs();
    if let Err(reason) = vpcd_reader() {
        assert!(!required(), "PC/SC with vpcd required: {reason}");
        eprintln!("card_peer skipped: {reason}; start `pcscd` with vsmartcard-vpcd installed");
        return;
    }

    // The monitor, on its own thread, reporting into a bounded channel.
    let (tx, events) = sync_channel::<CardEvent>(256);
    let monitor_stop = Arc::new(AtomicBool::new(false));
    let stop_flag = Arc::clone(&monitor_stop);
    let (ended, stopped) = sync_channel::<()>(1);
    let watcher = std::thread::Builder::new()
        .name("card-monitor".into())
        .spawn(move || {
            monitor(&stop_flag, &mut |event| {
                // A full channel only loses events the test no longer waits for.
                let _ = tx.try_send(event);
            });
            let _ = ended.send(());
        })
        .expect("monitor thread");
    let readers = wait_for(&events, Duration::from_secs(5), |e| {
        matches!(e, CardEvent::Readers(_))
    })
    .expect("the monitor lists the readers first");
    assert!(matches!(&readers, CardEvent::Readers(r) if r.iter().any(|n| n == READER)));
    // Nothing else may already sit on vpcd's port.
    assert!(
        wait_for(&events, Duration::from_millis(500), |e| {
            matches!(e, CardEvent::Inserted { reader, .. } if reader == READER)
        })
        .is_none(),
        "a card is already in {READER}: is another emulator connected to port {VPCD_PORT}?"
    );

    // The card arrives.
    let card = VirtualCps::demo("810101234567", "Claire", "LAMBERT", "10", "SM04")
        .expect("card")
        .with_pin(PIN)
        .expect("pin");
    let emulator_stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&emulator_stop);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, VPCD_PORT));
    let emulator = std::thread::Builder::new()
        .name("vpcd-card".into())
        .spawn(move || serve_vpcd(addr, card, flag))
        .expect("emulator thread");
    let inserted = wait_for(
        &events,
        Duration::from_secs(10),
        |e| matches!(e, CardEvent::Inserted { reader, .. } if reader == READER),
    )
    .expect("insertion reported");
    assert_eq!(
        inserted,
        CardEvent::Inserted {
            reader: READER.into(),
            atr: ATR.to_vec()
        }
    );

    // Identity, PIN and proof over real PC/SC.
    let mut ch = PcscChannel::connect(READER).expect("connect");
    assert_eq!(ch.atr().expect("atr"), ATR.to_vec());
    let holder = read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(holder.national_id, "810101234567");
    assert_eq!(
        (holder.given_name.as_str(), holder.family_name.as_str()),
        ("Claire", "LAMBERT")
    );
    assert_eq!(holder.profession_code.as_deref(), Some("10"));
    assert_eq!(holder.specialty_code.as_deref(), Some("SM04"));
    assert!(holder.certificate_der.len() > 255, "read in several chunks");
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(3));

    let wrong = verify_pin(&mut ch, &CPS3, &pin("1111"));
    eprintln!("wrong PIN over PC/SC: {wrong:?}");
    assert_eq!(wrong, Err(CardError::WrongPin { attempts_left: 2 }));
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(2));
    assert_eq!(
        sign_sha256(&mut ch, &CPS3, b"before the PIN"),
        Err(CardError::PinRequired)
    );
    verify_pin(&mut ch, &CPS3, &pin(PIN)).expect("right PIN");
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(3));
    prove_possession(&mut ch, &CPS3, &holder).expect("the card holds the certificate's key");
    let signature = sign_sha256(&mut ch, &CPS3, b"payload").expect("signature");
    certificate::verify_sha256(&holder.certificate_der, b"payload", &signature).expect("valid");

    // Three wrong PINs block it.
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("1111")),
        Err(CardError::WrongPin { attempts_left: 2 })
    );
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("2222")),
        Err(CardError::WrongPin { attempts_left: 1 })
    );
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("3333")),
        Err(CardError::PinBlocked)
    );
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(0));
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin(PIN)),
        Err(CardError::PinBlocked)
    );

    // Pulling the card: the emulator closes its socket, vpcd reports the card gone.
    let pulled = Instant::now();
    emulator_stop.store(true, Ordering::Relaxed);
    let removed = wait_for(
        &events,
        Duration::from_secs(10),
        |e| matches!(e, CardEvent::Removed { reader } if reader == READER),
    );
    let delay = pulled.elapsed();
    eprintln!("card removal reported by the monitor after {delay:?}");
    assert!(removed.is_some(), "removal reported");
    assert!(emulator.join().expect("emulator").is_ok());
    assert!(
        read_holder(&mut ch, &CPS3).is_err(),
        "the old connection is dead"
    );

    monitor_stop.store(true, Ordering::Relaxed);
    let stopping = Instant::now();
    // Joined only once it said it ended: a monitor that missed the flag fails, never hangs.
    stopped
        .recv_timeout(crate::support::LONG)
        .expect("the monitor saw the stop flag");
    watcher.join().expect("monitor thread");
    eprintln!("monitor stopped {:?} after its flag", stopping.elapsed());

    assert!(!logs.text().contains(PIN), "the PIN reached the logs");
}

/// Issue 5, the bedside flow over real PC/SC: the card is plugged into vpcd, the window asks
/// its PIN, opens the session, and pulling the card (the emulator hangs up) hides the folder
/// behind the lock screen.
#[test]
fn issue5_pulling_the_card_from_a_pcsc_reader_locks_the_window() {
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;

    use crate::support::{LONG, pcsc_app_on_login, runtime, step_until};

    let _port = VPCD_PORT_IN_USE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Err(reason) = vpcd_reader() {
        assert!(!required(), "PC/SC with vpcd required: {reason}");
        eprintln!("card_peer skipped: {reason}; start `pcscd` with vsmartcard-vpcd installed");
        return;
    }
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut h = pcsc_app_on_login(&rt, dir.path());
    h.get_by_label("Carte CPS").click();
    h.run_steps(2);
    // The reader is empty before this test plugs its card: a card left by another process on
    // vpcd's one port would be "put back" as soon as ours is pulled, and no lock would come.
    step_until(&mut h, "an empty vpcd reader", LONG, |h| {
        h.query_by_label("Insérez votre carte CPS.").is_some()
    });

    let card = VirtualCps::demo("810101234567", "Claire", "LAMBERT", "10", "SM04")
        .expect("card")
        .with_pin(PIN)
        .expect("pin");
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, VPCD_PORT));
    let emulator = std::thread::Builder::new()
        .name("vpcd-card".into())
        .spawn(move || serve_vpcd(addr, card, flag))
        .expect("emulator thread");

    step_until(&mut h, "PIN field for the inserted card", LONG, |h| {
        h.query_by_role_and_label(Role::PasswordInput, "Code PIN")
            .is_some()
    });
    assert!(
        h.query_by_label_contains("CARTE VIRTUELLE").is_none(),
        "a PC/SC card"
    );
    h.get_by_role_and_label(Role::PasswordInput, "Code PIN")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::PasswordInput, "Code PIN")
        .type_text(PIN);
    h.run_steps(2);
    h.get_by_label("Valider").click();
    step_until(&mut h, "first-login link", LONG, |h| {
        h.query_by_label_contains("Première connexion").is_some()
    });
    h.get_by_role_and_label(Role::PasswordInput, "Mot de passe")
        .focus();
    h.run_steps(1);
    h.get_by_role_and_label(Role::PasswordInput, "Mot de passe")
        .type_text("chevet-demo");
    h.run_steps(2);
    h.get_by_label("Relier avec le mot de passe").click();
    step_until(&mut h, "patient list", LONG, |h| {
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_some()
    });

    let pulled = Instant::now();
    stop.store(true, Ordering::Relaxed);
    step_until(&mut h, "lock screen after the card left", LONG, |h| {
        h.query_by_label("Session verrouillée").is_some()
    });
    eprintln!(
        "card pulled → lock screen drawn after {:?}",
        pulled.elapsed()
    );
    assert!(
        h.query_by_role_and_label(Role::TextInput, "Rechercher")
            .is_none(),
        "nothing of the patient list while locked"
    );
    assert!(emulator.join().expect("emulator").is_ok());
    drop(h);
}
