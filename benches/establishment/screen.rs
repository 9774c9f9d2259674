//! The whole path as the user sees it: a document inserted on workstation A → its title drawn
//! on workstation B's screen. B is a `ChevetApp` in establishment mode on the shared record,
//! driven by egui_kittest (no GPU), its folder open, stepping frames 1 ms apart; A writes
//! through its own connection.

use std::time::{Duration, Instant};

use chevet::domain::{EpisodeId, PatientId};
use chevet::sandbox::demo::DemoPatient;
use chevet::store::{PgTarget, Store, episodes};
use chevet::worker::WorkerConfig;
use egui_kittest::kittest::Queryable;

use crate::Scale;
use crate::common::app::{
    H, harness, log_in, open_from_list, runtime, sandbox_dmp, until, worker_config,
};
use crate::common::report::{row, summarize, table_header};
use crate::live_updates::{Write, write_on};

/// Time between two of B's frames while it waits.
const PAUSE: Duration = Duration::from_millis(1);

/// The demo account `medecin` in the shared record (the record has no accounts yet).
fn add_account(admin: &mut Store) {
    let account = &chevet::sandbox::seed::DEMO_ACCOUNTS[0];
    let id = chevet::auth::local::create_account(
        admin,
        "system",
        account.login,
        account.display_name,
        account.role,
        &zeroize::Zeroizing::new(account.password.to_owned()),
    )
    .expect("account");
    if let Some(p) = &account.professional {
        chevet::store::accounts::set_professional(admin, id, &p.info()).expect("identity");
    }
}

/// `writes` documents inserted on A, each until its title is on B's screen; the times and the
/// frames B stepped per write (median).
fn document_to_screen(
    admin: &mut Store,
    record: &PgTarget,
    patient: (PatientId, EpisodeId, &str, &str),
    writes: usize,
) -> (Vec<Duration>, usize) {
    let (id, episode, ipp, name) = patient;
    add_account(admin);
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (dmp, endpoint) = sandbox_dmp(&rt);
    let config = WorkerConfig {
        shared_record: Some(record.clone()),
        ..worker_config(dir.path(), endpoint)
    };
    let mut b: H = harness(&rt, config, 1_000_000);
    log_in(&mut b, PAUSE, "medecin", "chevet-demo");
    open_from_list(&mut b, PAUSE, ipp, name);
    until(&mut b, PAUSE, "folder", |h| {
        h.query_by_label("Venues").is_some()
    });
    let mut a = Store::connect_unmigrated(record).expect("A's connection");
    let mut times = Vec::with_capacity(writes);
    let mut frames = Vec::with_capacity(writes);
    for n in 0..writes {
        let title = format!("Mesure en direct n° {n}");
        let start = Instant::now();
        write_on(&mut a, Write::Document, id, episode, &title);
        let mut stepped = 0;
        until(&mut b, PAUSE, "the new document on B's screen", |h| {
            stepped += 1;
            h.query_by_label(&title).is_some()
        });
        times.push(start.elapsed());
        frames.push(stepped);
        // A few idle frames, as a screen would draw, before the next write.
        for _ in 0..5 {
            b.step();
            std::thread::sleep(Duration::from_millis(2));
        }
    }
    frames.sort_unstable();
    drop(b);
    drop(dmp);
    rt.shutdown_timeout(Duration::from_secs(5));
    (times, frames[frames.len() / 2])
}

/// The whole-path table, on the third patient from the end.
pub fn measure(admin: &mut Store, record: &PgTarget, people: &[DemoPatient], scale: &Scale) {
    // Another patient than those of the store-level measure.
    let index = people.len() - 3;
    let id = PatientId(index as i64 + 1);
    let episode = episodes::for_patient(admin, id).expect("episodes")[0].id;
    let p = &people[index].identity;
    let (times, frames) = document_to_screen(
        admin,
        record,
        (id, episode, &p.ipp, &p.traits.birth_name),
        scale.writes,
    );
    println!();
    println!(
        "The whole path: a document inserted on A → its title on B's screen (B: ChevetApp, \
         establishment mode, folder open, frames stepped 1 ms apart; median {frames} frames \
         per write):"
    );
    table_header("write", "");
    row("document insert → title drawn on B", &summarize(times), "");
}
