//! The local directory, measured on a generated bulk extract in the real format
//! (`sandbox::annuaire::generate`, 1,000,000 rows by default):
//!
//! 1. `import`: the extract written, then imported into a fresh encrypted store by a child
//!    process (this binary again) → seconds and the child's peak resident memory (VmHWM);
//! 2. `search`: search as you type on that store — for 300 names taken from the extract, the
//!    queries of their first 1 to 5 letters; then postal addresses (street words and postal
//!    code, typed word by word) → p50/p99 per keystroke;
//! 3. `frames`: the whole app (egui_kittest, no GPU) on the Annuaire screen, searching, while
//!    a second import of the extract runs on its own connection → the UI's frame time.
//!
//! Run: `cargo bench --bench annuaire [-- phases…]` or `scripts/bench-annuaire.sh`
//! (docs/benchmarks.md). `CHEVET_BENCH_ANNUAIRE_ROWS` changes the size.

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use chevet::domain::directory::{DirectoryEntry, DirectoryQuery};
use chevet::sandbox::annuaire::generate;
use chevet::store::{DbKey, Store};
use common::report::{millis, percentile};

const CHILD_ENV: &str = "CHEVET_BENCH_ANNUAIRE_IMPORT";
const SEED: u64 = 1_600_016;
const PAUSE: Duration = Duration::from_millis(2);

fn rows() -> usize {
    std::env::var("CHEVET_BENCH_ANNUAIRE_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(generate::BENCH_COUNT)
}

fn main() {
    if let Ok(args) = std::env::var(CHILD_ENV) {
        child_import(&args);
        return;
    }
    let phases: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let wants = |p: &str| phases.is_empty() || phases.iter().any(|x| x == p);
    let dir = tempfile::tempdir().expect("tempdir");
    let extract = dir.path().join("Extraction_Correspondance_MSSante.txt");
    let rows = rows();
    let start = Instant::now();
    let bytes = generate::write_extract(&extract, SEED, rows, false).expect("extract");
    println!(
        "extract: {rows} rows, {:.0} MB, written in {:.1} s",
        bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    let db = dir.path().join("chevet.db");
    let key = [7u8; 32];
    if wants("import") || wants("search") || wants("frames") {
        import_in_child(&db, key, &extract);
    }
    if wants("search") {
        search(&db, key, rows);
    }
    if wants("frames") {
        frames(&extract);
    }
}

/// The import in a child process, whose peak memory is then its own.
fn import_in_child(db: &Path, key: [u8; 32], extract: &Path) {
    let output = std::process::Command::new(std::env::current_exe().expect("this binary"))
        .env(
            CHILD_ENV,
            format!(
                "{}|{}|{}",
                db.display(),
                hex::encode(key),
                extract.display()
            ),
        )
        .output()
        .expect("the importing process");
    assert!(output.status.success(), "import failed: {output:?}");
    print!("{}", String::from_utf8_lossy(&output.stdout));
}

fn child_import(args: &str) {
    let mut parts = args.split('|');
    let db = PathBuf::from(parts.next().expect("db"));
    let key: [u8; 32] = hex::decode(parts.next().expect("key"))
        .expect("hex")
        .try_into()
        .expect("32 bytes");
    let extract = PathBuf::from(parts.next().expect("extract"));
    let mut store = Store::open(&db, &DbKey::from_bytes(key)).expect("store");
    let start = Instant::now();
    let info = chevet::annuaire::import::run(&mut store, &extract, &AtomicBool::new(false), |_| {})
        .expect("import");
    let secs = start.elapsed().as_secs_f64();
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!(
        "import: {} entries ({} skipped) into the encrypted store in {secs:.1} s \
         ({:.0} entries/s), peak memory {} MB, database {:.0} MB",
        info.entries,
        info.skipped,
        info.entries as f64 / secs,
        peak_memory_kib() / 1024,
        size as f64 / 1e6
    );
}

/// VmHWM of this process, in KiB.
fn peak_memory_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Names and addresses to type, taken across the extract.
fn samples(rows: usize) -> Vec<DirectoryEntry> {
    let step = (rows / 300).max(1);
    generate::entries(SEED, rows)
        .step_by(step)
        .filter(|e| !e.family_name.is_empty())
        .take(300)
        .collect()
}

fn search(db: &Path, key: [u8; 32], rows: usize) {
    let store = Store::open(db, &DbKey::from_bytes(key)).expect("store");
    let people = samples(rows);
    let mut by_length: Vec<Vec<Duration>> = vec![Vec::new(); 5];
    let mut found = 0usize;
    for e in &people {
        let name = chevet::annuaire::normalize::fold(&e.family_name);
        for n in 1..=5.min(name.len()) {
            let query = DirectoryQuery {
                text: name[..n].to_owned(),
                ..DirectoryQuery::default()
            };
            let t = Instant::now();
            let hits = chevet::store::directory::search(&store, &query).expect("search");
            by_length[n - 1].push(t.elapsed());
            found += usize::from(!hits.is_empty());
        }
    }
    for (i, times) in by_length.iter_mut().enumerate() {
        times.sort();
        println!(
            "search: name prefix of {} letter(s), {} queries on {rows} entries: p50 {:.2} ms, \
             p99 {:.2} ms, max {:.2} ms",
            i + 1,
            times.len(),
            millis(percentile(times, 50)),
            millis(percentile(times, 99)),
            millis(percentile(times, 100)),
        );
    }
    // A postal address, typed word by word: "12 rue de la paix 75016".
    let mut address_times = Vec::new();
    let mut address_found = 0usize;
    for e in people.iter().filter(|e| !e.address.street_label.is_empty()) {
        let a = &e.address;
        let full = format!(
            "{} {} {} {}",
            a.street_number,
            chevet::annuaire::normalize::street_type_label(&a.street_type),
            a.street_label,
            a.postal_code
        );
        let words: Vec<&str> = full.split_whitespace().collect();
        for n in 1..=words.len() {
            let query = DirectoryQuery {
                text: words[..n].join(" "),
                ..DirectoryQuery::default()
            };
            let t = Instant::now();
            let hits = chevet::store::directory::search(&store, &query).expect("search");
            address_times.push(t.elapsed());
            if n == words.len() {
                // Found, or the page is full of entries at that address (a hospital's).
                let full_page = hits.len() == 50;
                address_found +=
                    usize::from(full_page || hits.iter().any(|h| h.entry.mailbox == e.mailbox));
            }
        }
    }
    address_times.sort();
    println!(
        "search: postal address typed word by word ({} queries): p50 {:.2} ms, p99 {:.2} ms, \
         max {:.2} ms; the entry found on the full address (or a full page at that address) {address_found} times out of {}",
        address_times.len(),
        millis(percentile(&address_times, 50)),
        millis(percentile(&address_times, 99)),
        millis(percentile(&address_times, 100)),
        people
            .iter()
            .filter(|e| !e.address.street_label.is_empty())
            .count(),
    );
    println!("search: {found} of the name-prefix queries found entries");
}

/// The app's frames on the Annuaire screen while an import runs beside it.
fn frames(extract: &Path) {
    use common::app::{
        app_key, frames_while, harness, log_in, runtime, sandbox_dmp, type_into, worker_config,
    };
    use egui::accesskit::Role;
    use egui_kittest::kittest::Queryable;
    let rt = runtime();
    let dir = tempfile::tempdir().expect("tempdir");
    let (_dmp, endpoint) = sandbox_dmp(&rt);
    let config = chevet::worker::WorkerConfig {
        demo: Some(std::sync::Arc::new(chevet::sandbox::demo_data::SandboxDemo)),
        ..worker_config(dir.path(), endpoint)
    };
    let mut h = harness(&rt, config, 1_000_000);
    log_in(&mut h, PAUSE, "medecin", "chevet-demo");
    let key = app_key(dir.path());
    let path = dir.path().join(chevet::store::DB_FILE_NAME);
    let importer = {
        let extract = extract.to_path_buf();
        std::thread::Builder::new()
            .name("bench-import".into())
            .spawn(move || {
                let mut store = Store::open(&path, &key).expect("store");
                chevet::annuaire::import::run(&mut store, &extract, &AtomicBool::new(false), |_| {})
                    .expect("import")
            })
            .expect("thread")
    };
    // The import holds the directory's lock before the screen opens (the sandbox would
    // otherwise start importing its own demo directory).
    std::thread::sleep(Duration::from_secs(2));
    h.get_by_label("Annuaire").click();
    h.run_steps(3);
    type_into(
        &mut h,
        Role::TextInput,
        "Rechercher un correspondant",
        "dur",
    );
    let start = Instant::now();
    let times = frames_while(h, || !importer.is_finished());
    let info = importer.join().expect("import thread");
    println!(
        "frames: the Annuaire screen while {} entries are imported beside it ({:.1} s), {} \
         frames: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        info.entries,
        start.elapsed().as_secs_f64(),
        times.len(),
        millis(percentile(&times, 50)),
        millis(percentile(&times, 95)),
        millis(percentile(&times, 99)),
        millis(percentile(&times, 100)),
    );
}
