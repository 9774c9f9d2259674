//! A write on workstation A → workstation B heard it (`store::notify::Listener`, on its own
//! connection) and read the folder's documents again, as the app does before painting: document
//! inserts and consent records one at a time, idle, then document inserts while many
//! workstations open folders. The whole app's path is `screen`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chevet::domain::consent::ConsentChange;
use chevet::domain::{BodyKind, DocumentMeta, EpisodeId, PatientId, Provenance, Visibility};
use chevet::store::documents::{self, NewDocument};
use chevet::store::notify::{ChangeKind, Listener};
use chevet::store::testing::{in_schema, pg_store_in};
use chevet::store::{PgTarget, Store, consent, episodes};

use crate::common::report::{ms, row, summarize, table_header};
use crate::folder_open::folder_plan;
use crate::load::raw_template;
use crate::workstations::under_load;
use crate::{Scale, TIMEOUT};

/// What workstation A writes.
#[derive(Clone, Copy)]
pub enum Write {
    Document,
    Consent,
}

/// A document as A integrates it: newest act first in B's list, its title unique.
fn new_document_meta(n: usize, title: &str) -> DocumentMeta {
    let now = chrono::Utc::now().naive_utc();
    DocumentMeta {
        cda_id: format!("1.2.250.1.999.9.{}.{n}", std::process::id()),
        set_id: format!("1.2.250.1.999.8.{}.{n}", std::process::id()),
        version_number: 1,
        type_code: "11488-4".into(),
        type_system: "2.16.840.1.113883.6.1".into(),
        type_label: "Compte rendu de consultation".into(),
        class_code: Some("10".into()),
        title: title.to_owned(),
        act_date: Some(now),
        created: Some(now),
        author: "Dr Claire LAMBERT".into(),
        organisation: "Hôpital Chevet — site Bellevue (Paris)".into(),
        confidentiality: "N".into(),
        body: BodyKind::Structured,
        has_pdf: false,
        replaces: None,
    }
}

static WRITTEN: AtomicUsize = AtomicUsize::new(0);

pub fn write_on(
    store: &mut Store,
    what: Write,
    patient: PatientId,
    episode: EpisodeId,
    title: &str,
) {
    match what {
        Write::Document => {
            let n = WRITTEN.fetch_add(1, Ordering::Relaxed);
            let meta = new_document_meta(n, title);
            let raw = raw_template().into_bytes();
            documents::insert(
                store,
                &NewDocument {
                    patient_id: patient,
                    episode_id: None,
                    meta: &meta,
                    provenance: Provenance::Local,
                    visibility: Visibility::default(),
                    raw: &raw,
                },
            )
            .expect("document on A");
        }
        Write::Consent => {
            let n = WRITTEN.fetch_add(1, Ordering::Relaxed);
            let change = if n.is_multiple_of(2) {
                ConsentChange::informed_not_opposed()
            } else {
                ConsentChange::not_informed()
            };
            consent::record(store, episode, &change, "medecin").expect("consent on A");
        }
    }
}

/// One write on A, as B saw it: A's call returned, B's listener delivered the change, B had
/// read the folder's documents again; all from the start of A's call.
struct Heard {
    written: Duration,
    heard: Duration,
    read: Duration,
}

/// B: waits for `count` changes of `patient`'s folder, reads its documents after each and
/// sends when it heard and when it had read.
fn workstation_b(
    record: &PgTarget,
    patient: PatientId,
    count: usize,
    ready: &std::sync::mpsc::SyncSender<()>,
    heard: &std::sync::mpsc::SyncSender<(Instant, Instant, usize)>,
) {
    let mut listener = Listener::connect(record).expect("B listens");
    let store = Store::connect_unmigrated(record).expect("B's connection");
    ready.send(()).expect("ready");
    let mut done = 0;
    while done < count {
        let changes = listener.wait(TIMEOUT).expect("B's listener");
        assert!(!changes.is_empty(), "B heard nothing");
        let at = Instant::now();
        let ours = changes
            .iter()
            .filter(|c| c.patient == patient && c.kind != ChangeKind::Episode)
            .count();
        if ours == 0 {
            continue;
        }
        let docs = documents::for_patient(&store, patient).expect("B reads the documents");
        heard
            .send((at, Instant::now(), docs.len()))
            .expect("report");
        done += ours;
    }
}

/// `writes` writes on A, one at a time, each followed by B's refresh.
fn live_updates(
    record: &PgTarget,
    what: Write,
    patient: PatientId,
    episode: EpisodeId,
    writes: usize,
) -> Vec<Heard> {
    let (ready_tx, ready_rx) = std::sync::mpsc::sync_channel(1);
    let (heard_tx, heard_rx) = std::sync::mpsc::sync_channel(writes);
    let mut a = Store::connect_unmigrated(record).expect("A's connection");
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("workstation-b".into())
            .spawn_scoped(scope, || {
                workstation_b(record, patient, writes, &ready_tx, &heard_tx);
            })
            .expect("thread");
        ready_rx.recv_timeout(TIMEOUT).expect("B ready");
        let mut samples = Vec::with_capacity(writes);
        let mut before = documents::for_patient(&a, patient)
            .expect("documents")
            .len();
        for _ in 0..writes {
            let start = Instant::now();
            write_on(&mut a, what, patient, episode, "Mesure");
            let written = start.elapsed();
            let (heard, read, docs) = heard_rx.recv_timeout(TIMEOUT).expect("B heard");
            if matches!(what, Write::Document) {
                before += 1;
                assert_eq!(docs, before, "B read the folder before the new document");
            }
            samples.push(Heard {
                written,
                heard: heard - start,
                read: read - start,
            });
            std::thread::sleep(Duration::from_millis(10));
        }
        samples
    })
}

fn report_live(what: &str, samples: Vec<Heard>) {
    let written = summarize(samples.iter().map(|h| h.written).collect());
    let heard = summarize(samples.iter().map(|h| h.heard).collect());
    row(
        what,
        &summarize(samples.into_iter().map(|h| h.read).collect()),
        &format!(
            "A's write {} / {}; B heard {} / {}",
            ms(written.p50),
            ms(written.p99),
            ms(heard.p50),
            ms(heard.p99)
        ),
    );
}

/// The A → B table: document inserts and consent records, idle, then document inserts while
/// the workstations open folders.
pub fn measure(record: &PgTarget, schema: &str, scale: &Scale) {
    let admin = pg_store_in(record, schema);
    // The last patients: nobody else writes to their folders in this bench.
    let last = scale.patients as i64;
    let targets: Vec<(PatientId, EpisodeId)> = [last, last - 1]
        .into_iter()
        .map(|id| {
            let patient = PatientId(id);
            let episode = episodes::for_patient(&admin, patient).expect("episodes")[0].id;
            (patient, episode)
        })
        .collect();
    let record = in_schema(record, schema);
    println!();
    println!(
        "A write on workstation A → B heard it (LISTEN/NOTIFY) and read the folder's documents \
         again, from the start of A's call; one write at a time, {} each:",
        scale.writes
    );
    table_header("write", "A's write p50 / p99; B heard p50 / p99");
    let (patient, episode) = targets[0];
    report_live(
        "document insert (`documents::insert`), idle",
        live_updates(&record, Write::Document, patient, episode, scale.writes),
    );
    let (patient, episode) = targets[1];
    report_live(
        "consent record (`consent::record`, + audit entry), idle",
        live_updates(&record, Write::Consent, patient, episode, scale.writes),
    );
    let (patient, episode) = targets[0];
    let plan = folder_plan(scale);
    let (samples, opened) = under_load(&record, schema, &plan, || {
        live_updates(&record, Write::Document, patient, episode, scale.writes)
    });
    report_live(
        &format!(
            "document insert, {} workstations opening folders ({opened} opened meanwhile)",
            plan.len()
        ),
        samples,
    );
}
