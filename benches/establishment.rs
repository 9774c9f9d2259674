//! Establishment mode (issue 13): the shared PostgreSQL record under many workstations, beside
//! a workstation's own SQLite (SQLCipher) file with one user, on the same data.
//!
//! 1. Data: 100,000 generated patients (the sandbox's bulk generator: varied names, birth
//!    dates, valid test INS; 1–3 episodes each) and 10 document rows each (1,000,000, a ~2 KiB
//!    CDA-like `raw` each, a patient's documents spread over the table), loaded into a fresh
//!    schema of the cluster given by `CHEVET_TEST_PG_URL` and into a SQLite file.
//! 2. Folder open, as the app's `open_folder` handler does it on the store: `patients::get`,
//!    `episodes::for_patient`, `documents::for_patient` (the list, no bytes) and one audit entry
//!    (`AuditAction::OpenFolder`). PostgreSQL: 50 threads, each its own connection (a
//!    simulated workstation), 200 random folders each, back to back; then 1 workstation;
//!    SQLite: one user; the same 10,000 folders in each run. Then 50 workstations again, 40
//!    folders each with a think time of 0–1 s before each.
//! 3. Patient search (`patients::search`, limit 100) with what people type: a surname prefix,
//!    "surname firstname", an IPP, a birth date dd/mm/yyyy, an INS prefix; same runs, and
//!    SQLite again with a 128 MiB page cache. Then, on PostgreSQL, again with the indexes
//!    docs/benchmarks.md proposes (pg_trgm GIN on `search_key`, btree on `birth_date`),
//!    created by this bench in its own schema (50 workstations, then 1).
//! 4. A write on workstation A → workstation B has heard it (`store::notify::Listener`) and
//!    read the folder's documents again: 100 document inserts, 100 consent records, then 100
//!    document inserts while 50 workstations open folders; then the full path, a document
//!    inserted on A → its title on B's screen (a `ChevetApp` in establishment mode driven by
//!    egui_kittest, stepping frames).
//!
//! Run: `scripts/pg-test-cluster.sh run -- cargo bench --bench establishment` (see
//! docs/benchmarks.md). Smaller runs while developing: `CHEVET_BENCH_PATIENTS=2000`,
//! `CHEVET_BENCH_WORKSTATIONS`, `CHEVET_BENCH_OPENS` (per workstation), `CHEVET_BENCH_SEARCHES`
//! (per workstation), `CHEVET_BENCH_WRITES`, `CHEVET_BENCH_UI=0` (skip the app).

#![allow(clippy::print_stdout, clippy::expect_used)] // a benchmark reports on stdout

use std::path::Path;
use std::sync::Barrier;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chevet::domain::consent::ConsentChange;
use chevet::domain::patient::search_key;
use chevet::domain::{
    BodyKind, DocumentMeta, EpisodeId, PatientId, PatientIdentity, Provenance, Visibility,
};
use chevet::sandbox::demo::DemoPatient;
use chevet::store::audit::{self, AuditAction, AuditObject};
use chevet::store::db::Backend;
use chevet::store::documents::{self, NewDocument};
use chevet::store::notify::{ChangeKind, Listener};
use chevet::store::testing::{in_schema, pg_schema, pg_store_in};
use chevet::store::{DbKey, PgTarget, Store, StoreError, consent, episodes, patients};

/// Seed of the generated patients: same seed, same data.
const SEED: u64 = 0x4348_4556_4554_0013;
/// Rows per INSERT statement when loading patients and episodes.
const ROWS_PER_INSERT: usize = 1000;
/// The search box's limit in the app.
const SEARCH_LIMIT: usize = 100;
/// Folders each workstation opens in the paced run (a think time of 0–1 s before each).
const PACED_OPENS: usize = 40;
/// Longest wait for anything in this bench.
const TIMEOUT: Duration = Duration::from_secs(120);

// ───────────────────────────── sizes ─────────────────────────────

/// How much to load and measure (environment overrides for quick runs).
struct Scale {
    patients: usize,
    documents_per_patient: usize,
    workstations: usize,
    opens_per_workstation: usize,
    searches_per_workstation: usize,
    writes: usize,
    ui: bool,
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .map(|v| v.parse().expect("a number in the CHEVET_BENCH_* variable"))
        .unwrap_or(default)
}

impl Scale {
    fn from_env() -> Self {
        Self {
            patients: env_usize("CHEVET_BENCH_PATIENTS", 100_000),
            documents_per_patient: 10,
            workstations: env_usize("CHEVET_BENCH_WORKSTATIONS", 50),
            opens_per_workstation: env_usize("CHEVET_BENCH_OPENS", 200),
            searches_per_workstation: env_usize("CHEVET_BENCH_SEARCHES", 25),
            writes: env_usize("CHEVET_BENCH_WRITES", 100),
            ui: env_usize("CHEVET_BENCH_UI", 1) != 0,
        }
    }
}

// ───────────────────────────── figures ─────────────────────────────

/// SplitMix64: the same random folders and queries on every backend and every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) % n as u64) as usize
    }
}

/// Percentiles of a set of latencies.
struct Summary {
    count: usize,
    p50: Duration,
    p99: Duration,
    max: Duration,
}

/// Nearest-rank percentiles (p99 of 100 samples is the 99th smallest).
fn summarize(mut samples: Vec<Duration>) -> Summary {
    assert!(!samples.is_empty(), "no samples");
    samples.sort();
    let rank = |p: usize| samples[(samples.len() * p).div_ceil(100).max(1) - 1];
    Summary {
        count: samples.len(),
        p50: rank(50),
        p99: rank(99),
        max: rank(100),
    }
}

fn ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn row(what: &str, s: &Summary, extra: &str) {
    println!(
        "| {what} | {} | {} | {} | {} | {extra} |",
        s.count,
        ms(s.p50),
        ms(s.p99),
        ms(s.max)
    );
}

fn table_header(first: &str, extra: &str) {
    println!("| {first} | n | p50 | p99 | max | {extra} |");
    println!("|---|---:|---:|---:|---:|---:|");
}

// ───────────────────────────── data ─────────────────────────────

/// SQL text literal (both dialects: quotes doubled, backslashes literal).
fn text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn opt_text(s: Option<&str>) -> String {
    s.map_or_else(|| "NULL".to_owned(), text)
}

/// What `store::patients` puts in `search_key`: " WORD WORD " of every name.
fn names_key(p: &PatientIdentity) -> String {
    let mut names = format!("{} {}", p.traits.birth_name, p.traits.birth_first_names);
    for extra in [&p.used_name, &p.used_first_name].into_iter().flatten() {
        names.push(' ');
        names.push_str(extra);
    }
    format!(" {} ", search_key(&names))
}

fn datetime(dt: &chrono::NaiveDateTime) -> String {
    dt.format("%Y-%m-%dT%H:%M:%S").to_string()
}

fn patient_values(id: usize, p: &PatientIdentity, now: &str) -> String {
    format!(
        "({id}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {now}, {now})",
        text(&p.ipp),
        opt_text(p.ins.as_ref().map(|i| i.matricule.as_str())),
        opt_text(p.ins.as_ref().map(|i| i.oid.as_str())),
        text(&p.traits.birth_name),
        text(&p.traits.birth_first_names),
        text(&p.traits.birth_date.format("%Y-%m-%d").to_string()),
        text(p.traits.sex.code()),
        opt_text(p.traits.birthplace_insee.as_deref()),
        opt_text(p.used_name.as_deref()),
        opt_text(p.used_first_name.as_deref()),
        text(p.status.code()),
        text(&names_key(p)),
    )
}

/// Multi-row INSERTs of the patients (ids 1..=n) and their episodes.
fn identity_statements(people: &[DemoPatient]) -> Vec<String> {
    let now = text("2026-11-23T08:00:00Z");
    let mut statements = Vec::new();
    for (chunk_index, chunk) in people.chunks(ROWS_PER_INSERT).enumerate() {
        let values: Vec<String> = chunk
            .iter()
            .enumerate()
            .map(|(i, p)| patient_values(chunk_index * ROWS_PER_INSERT + i + 1, &p.identity, &now))
            .collect();
        statements.push(format!(
            "INSERT INTO patient (id, ipp, ins_matricule, ins_oid, birth_name, birth_first_names,
                birth_date, sex, birthplace_insee, used_name, used_first_name, identity_status,
                search_key, created_at, updated_at) VALUES {}",
            values.join(",\n")
        ));
    }
    let mut episodes = Vec::new();
    for (i, p) in people.iter().enumerate() {
        for e in &p.episodes {
            episodes.push(format!(
                "({}, {}, {}, {}, {}, {}, {})",
                episodes.len() + 1,
                i + 1,
                text(e.kind.code()),
                text(&datetime(&e.start)),
                opt_text(e.end.as_ref().map(datetime).as_deref()),
                text(&e.unit),
                text(&e.finess_geo),
            ));
        }
    }
    for chunk in episodes.chunks(ROWS_PER_INSERT) {
        statements.push(format!(
            "INSERT INTO episode (id, patient_id, kind, start_at, end_at, unit, finess_geo)
             VALUES {}",
            chunk.join(",\n")
        ));
    }
    statements
}

/// A CDA-like body of about 2 KiB; `@ID@` becomes the document's row id.
fn raw_template() -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ClinicalDocument xmlns=\"urn:hl7-org:v3\">\
         <typeId root=\"2.16.840.1.113883.1.3\" extension=\"POCD_HD000040\"/>\
         <id root=\"1.2.250.1.999.1\" extension=\"@ID@\"/><code code=\"11488-4\" \
         codeSystem=\"2.16.840.1.113883.6.1\"/><title>Compte rendu</title><component>\
         <structuredBody>",
    );
    let sections = [
        "Motif : douleur thoracique atypique survenue au repos, sans irradiation.",
        "Examen : pression artérielle 132/81 mmHg, fréquence cardiaque 72/min, auscultation normale.",
        "Conclusion : pas d'argument pour un syndrome coronarien aigu ; contrôle dans trois mois.",
    ];
    let mut n = 0;
    while xml.len() < 1950 {
        xml.push_str("<component><section><text>");
        xml.push_str(&sections[n % sections.len()].replace('\'', "&apos;"));
        xml.push_str("</text></section></component>");
        n += 1;
    }
    xml.push_str("</structuredBody></component></ClinicalDocument>");
    xml
}

/// `YYYY-MM-DDTHH:MM:SS`, `hours` (an SQL integer expression) after 2012-01-01 08:00.
fn datetime_sql(backend: Backend, hours: &str) -> String {
    match backend {
        Backend::Postgres => format!(
            "to_char(TIMESTAMP '2012-01-01 08:00:00' + ({hours}) * INTERVAL '1 hour', \
             'YYYY-MM-DD\"T\"HH24:MI:SS')"
        ),
        Backend::Sqlite => format!(
            "strftime('%Y-%m-%dT%H:%M:%S', '2012-01-01 08:00:00', '+' || ({hours}) || ' hours')"
        ),
    }
}

/// The k-th document of every patient, in one INSERT … SELECT: row ids k·n + patient, so
/// that a patient's documents lie apart in the table, as documents that arrived over years.
fn document_slice_sql(backend: Backend, k: usize, patients: usize, template: &str) -> String {
    let id = format!("({k} * {patients} + p.id)");
    let hours = format!("((p.id * 7919 + {k} * 104729) % 122000)");
    let raw_text = format!("replace({}, '@ID@', CAST({id} AS TEXT))", text(template));
    let raw = match backend {
        Backend::Postgres => format!("convert_to({raw_text}, 'UTF8')"),
        Backend::Sqlite => format!("CAST({raw_text} AS BLOB)"),
    };
    let kind = format!("((p.id + {k}) % 5)");
    let label = format!(
        "CASE {kind} WHEN 0 THEN 'Lettre de liaison à la sortie' \
         WHEN 1 THEN 'Compte rendu de consultation' WHEN 2 THEN 'Compte rendu opératoire' \
         WHEN 3 THEN 'Compte rendu d''examens biologiques' \
         ELSE 'Compte rendu d''imagerie médicale' END"
    );
    format!(
        "INSERT INTO document (id, patient_id, episode_id, cda_id, set_id, version_number,
            type_code, type_system, type_label, class_code, title, act_date, created_date,
            author, organisation, confidentiality, body_kind, has_pdf, replaces, provenance,
            dmp_share, mss_share, invisible_patient, invisible_legal_reps, masked_ps,
            integrated_at, raw, integrated_by, integrated_unit)
         SELECT {id}, p.id, CASE WHEN {k} % 5 = 4 THEN NULL ELSE f.episode_id END,
            '1.2.250.1.999.1.' || CAST({id} AS TEXT), '1.2.250.1.999.2.' || CAST({id} AS TEXT),
            1,
            CASE {kind} WHEN 0 THEN '11490-0' WHEN 1 THEN '11488-4' WHEN 2 THEN '34874-8'
                WHEN 3 THEN '11502-2' ELSE '18748-4' END,
            '2.16.840.1.113883.6.1', {label}, '10', {label} || ' n° ' || CAST({k} + 1 AS TEXT),
            {act}, {created},
            CASE p.id % 4 WHEN 0 THEN 'Dr Claire LAMBERT' WHEN 1 THEN 'Dr Hugo MARCHAND'
                WHEN 2 THEN 'Dr Anne PERRIN' ELSE 'Dr Paul ROUSSEAU' END,
            'Hôpital Chevet — site Bellevue (Paris)', 'N',
            CASE WHEN {id} % 3 = 0 THEN 'pdf' ELSE 'n3' END,
            CASE WHEN {id} % 3 = 0 OR {id} % 2 = 0 THEN 1 ELSE 0 END, NULL,
            CASE WHEN {id} % 4 = 3 THEN 'dmp' ELSE 'local' END,
            CASE WHEN {id} % 4 = 0 THEN 'sent' ELSE 'none' END, 'none', 0, 0,
            CASE WHEN {id} % 50 = 0 THEN 1 ELSE 0 END,
            {integrated}, {raw},
            CASE WHEN {id} % 4 = 3 THEN 'medecin' END,
            CASE WHEN {id} % 4 = 3 THEN 'Cardiologie' END
         FROM patient p LEFT JOIN bench_first_episode f ON f.patient_id = p.id",
        act = datetime_sql(backend, &hours),
        created = datetime_sql(backend, &format!("{hours} + 2")),
        integrated = datetime_sql(backend, &format!("{hours} + 26")),
    )
}

/// Loads the patients, episodes and documents into an empty migrated store, in one
/// transaction. PostgreSQL: as the schema's owner, with triggers (live updates, foreign keys)
/// off for the load only, then the identity sequences moved past the ids given and VACUUM
/// ANALYZE (what autovacuum would do soon after). SQLite: nothing after (the app never runs
/// ANALYZE on its file).
fn load(store: &mut Store, people: &[DemoPatient], scale: &Scale) -> Result<(), StoreError> {
    let backend = store.backend();
    let name = match backend {
        Backend::Postgres => "PostgreSQL",
        Backend::Sqlite => "SQLite",
    };
    let template = raw_template();
    let start = Instant::now();
    if backend == Backend::Postgres {
        store.execute_batch("SET session_replication_role = replica")?;
    }
    let statements = identity_statements(people);
    let identities = store.in_transaction(|store| {
        for statement in &statements {
            store.execute_batch(statement)?;
        }
        let identities = start.elapsed();
        store.execute_batch(
            "CREATE TEMP TABLE bench_first_episode AS
             SELECT patient_id, min(id) AS episode_id FROM episode GROUP BY patient_id",
        )?;
        for k in 0..scale.documents_per_patient {
            store.execute_batch(&document_slice_sql(backend, k, people.len(), &template))?;
        }
        store.execute_batch("DROP TABLE bench_first_episode")?;
        Ok::<_, StoreError>(identities)
    })?;
    let loaded = start.elapsed();
    if backend == Backend::Postgres {
        store.execute_batch("RESET session_replication_role")?;
        for table in ["patient", "episode", "document"] {
            store.query(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                        (SELECT max(id) FROM {table}))"
                ),
                &[],
            )?;
        }
        store.execute_batch("VACUUM ANALYZE")?;
    }
    println!(
        "{name}: {} patients, episodes and {} documents loaded in {:.1} s (identities {:.1} s, \
         documents {:.1} s{})",
        people.len(),
        people.len() * scale.documents_per_patient,
        start.elapsed().as_secs_f64(),
        identities.as_secs_f64(),
        (loaded - identities).as_secs_f64(),
        if backend == Backend::Postgres {
            format!(
                ", VACUUM ANALYZE {:.1} s",
                (start.elapsed() - loaded).as_secs_f64()
            )
        } else {
            String::new()
        }
    );
    if backend == Backend::Postgres {
        let size: String = store.query_value(
            "SELECT 'patient ' || pg_size_pretty(pg_total_relation_size('patient'))
                 || ', episode ' || pg_size_pretty(pg_total_relation_size('episode'))
                 || ', document ' || pg_size_pretty(pg_total_relation_size('document'))
                 || ' (heap ' || pg_size_pretty(pg_relation_size('document')) || ')'",
            &[],
        )?;
        println!("PostgreSQL sizes with indexes: {size}");
    }
    Ok(())
}

/// A fresh SQLite file loaded with the data (fast settings for the load only), then reopened
/// as the app opens it (WAL, synchronous NORMAL, SQLCipher's default cache).
fn sqlite_store(dir: &Path, people: &[DemoPatient], scale: &Scale) -> Store {
    let path = dir.join(chevet::store::DB_FILE_NAME);
    let key = DbKey::generate();
    {
        let mut store = Store::open(&path, &key).expect("SQLite store");
        store
            .query("PRAGMA journal_mode = DELETE", &[])
            .expect("journal mode for the load");
        store
            .execute_batch("PRAGMA synchronous = OFF; PRAGMA cache_size = -262144")
            .expect("load settings");
        load(&mut store, people, scale).expect("load SQLite");
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("SQLite file: {:.0} MiB", size as f64 / 1048576.0);
    Store::open(&path, &key).expect("reopen the SQLite store")
}

// ───────────────────────────── folder open ─────────────────────────────

/// What the app's `open_folder` does on the store; the time of the whole and of its audit
/// entry.
fn open_folder(store: &mut Store, patient: PatientId) -> (Duration, Duration) {
    let start = Instant::now();
    let p = patients::get(store, patient).expect("patient");
    let eps = episodes::for_patient(store, patient).expect("episodes");
    let docs = documents::for_patient(store, patient).expect("documents");
    std::hint::black_box((p, eps, docs));
    let audit_start = Instant::now();
    audit::record(
        store,
        "medecin",
        AuditAction::OpenFolder,
        AuditObject::Patient(patient.0),
        "",
    )
    .expect("audit");
    (start.elapsed(), audit_start.elapsed())
}

/// For each workstation, the folders it opens.
fn folder_plan(scale: &Scale) -> Vec<Vec<PatientId>> {
    let mut rng = Rng(SEED);
    (0..scale.workstations)
        .map(|_| {
            (0..scale.opens_per_workstation)
                .map(|_| PatientId(rng.below(scale.patients) as i64 + 1))
                .collect()
        })
        .collect()
}

/// Runs `work` on `plan.len()` workstations at once, each on its own connection to `record`
/// (all connected before the clock starts); their results and the wall time.
fn on_workstations<T: Sync, R: Send>(
    record: &PgTarget,
    schema: &str,
    plan: &[T],
    work: impl Fn(&mut Store, &T) -> R + Sync,
) -> (Vec<R>, Duration) {
    let barrier = Barrier::new(plan.len() + 1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = plan
            .iter()
            .enumerate()
            .map(|(n, part)| {
                let (barrier, work) = (&barrier, &work);
                std::thread::Builder::new()
                    .name(format!("workstation-{n}"))
                    .spawn_scoped(scope, move || {
                        let mut store = pg_store_in(record, schema);
                        barrier.wait();
                        work(&mut store, part)
                    })
                    .expect("thread")
            })
            .collect();
        barrier.wait();
        let start = Instant::now();
        let results = handles
            .into_iter()
            .map(|h| h.join().expect("a workstation failed"))
            .collect();
        (results, start.elapsed())
    })
}

fn open_all(store: &mut Store, folders: &[PatientId]) -> Vec<(Duration, Duration)> {
    folders.iter().map(|p| open_folder(store, *p)).collect()
}

/// Folders opened one at a time with a think time between them (uniform 0–1 s).
fn open_paced(store: &mut Store, folders: &[PatientId]) -> Vec<(Duration, Duration)> {
    let mut rng = Rng(SEED ^ folders.first().map_or(0, |p| p.0 as u64));
    folders
        .iter()
        .map(|p| {
            std::thread::sleep(Duration::from_millis(rng.below(1000) as u64));
            open_folder(store, *p)
        })
        .collect()
}

fn report_opens(what: &str, samples: Vec<(Duration, Duration)>, wall: Duration) {
    let rate = samples.len() as f64 / wall.as_secs_f64();
    let (total, audit): (Vec<_>, Vec<_>) = samples.into_iter().unzip();
    let audit = summarize(audit);
    row(
        what,
        &summarize(total),
        &format!(
            "{rate:.0} /s (audit entry: p50 {}, p99 {})",
            ms(audit.p50),
            ms(audit.p99)
        ),
    );
}

fn measure_folder_opens(record: &PgTarget, schema: &str, sqlite: &mut Store, scale: &Scale) {
    let plan = folder_plan(scale);
    let all: Vec<PatientId> = plan.iter().flatten().copied().collect();
    println!();
    println!(
        "Folder open (patient + episodes + document list + audit entry), random folders of {} \
         patients / {} documents:",
        scale.patients,
        scale.patients * scale.documents_per_patient
    );
    table_header("backend, workstations", "throughput");
    let (results, wall) = on_workstations(record, schema, &plan, |s, part| open_all(s, part));
    report_opens(
        &format!("PostgreSQL, {} workstations", plan.len()),
        results.into_iter().flatten().collect(),
        wall,
    );
    let (results, wall) = on_workstations(record, schema, std::slice::from_ref(&all), |s, part| {
        open_all(s, part)
    });
    report_opens(
        "PostgreSQL, 1 workstation",
        results.into_iter().flatten().collect(),
        wall,
    );
    let start = Instant::now();
    let samples = open_all(sqlite, &all);
    report_opens("SQLite, 1 user", samples, start.elapsed());
    let paced: Vec<Vec<PatientId>> = plan
        .iter()
        .map(|folders| folders.iter().take(PACED_OPENS).copied().collect())
        .collect();
    let (results, wall) = on_workstations(record, schema, &paced, |s, part| open_paced(s, part));
    report_opens(
        &format!(
            "PostgreSQL, {} workstations, each opening a folder every 0.5 s on average",
            paced.len()
        ),
        results.into_iter().flatten().collect(),
        wall,
    );
}

// ───────────────────────────── search ─────────────────────────────

/// What was typed in the search box.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Typed {
    SurnamePrefix,
    SurnameFirstName,
    Ipp,
    BirthDate,
    InsPrefix,
}

const TYPED: [Typed; 5] = [
    Typed::SurnamePrefix,
    Typed::SurnameFirstName,
    Typed::Ipp,
    Typed::BirthDate,
    Typed::InsPrefix,
];

impl Typed {
    fn label(self) -> &'static str {
        match self {
            Self::SurnamePrefix => "surname prefix (« dur »)",
            Self::SurnameFirstName => "surname first name (« durand marie »)",
            Self::Ipp => "IPP (8 digits)",
            Self::BirthDate => "birth date dd/mm/yyyy",
            Self::InsPrefix => "INS prefix (7 digits)",
        }
    }

    /// What someone looking for `p` types, in lower case as typed.
    fn text_for(self, p: &PatientIdentity, rng: &mut Rng) -> String {
        let surname = p.traits.birth_name.to_lowercase();
        match self {
            Self::SurnamePrefix => {
                let len = 3 + rng.below(2);
                surname.chars().take(len).collect()
            }
            Self::SurnameFirstName => {
                format!("{surname} {}", p.traits.first_first_name().to_lowercase())
            }
            Self::Ipp => p.ipp.clone(),
            Self::BirthDate => p.traits.birth_date.format("%d/%m/%Y").to_string(),
            Self::InsPrefix => p
                .ins
                .as_ref()
                .map_or_else(|| p.ipp.clone(), |i| i.matricule.as_str()[..7].to_owned()),
        }
    }
}

/// For each workstation, its queries: every kind in turn, patients at random (an INS prefix
/// only of patients who have an INS).
fn search_plan(people: &[DemoPatient], scale: &Scale) -> Vec<Vec<(Typed, String)>> {
    let mut rng = Rng(SEED ^ 0x5EA2C4);
    (0..scale.workstations)
        .map(|_| {
            (0..scale.searches_per_workstation)
                .map(|n| {
                    let typed = TYPED[n % TYPED.len()];
                    let mut p = &people[rng.below(people.len())].identity;
                    while typed == Typed::InsPrefix && p.ins.is_none() {
                        p = &people[rng.below(people.len())].identity;
                    }
                    (typed, typed.text_for(p, &mut rng))
                })
                .collect()
        })
        .collect()
}

/// Runs the queries; each one's kind, latency and whether it found anything.
fn search_all(store: &mut Store, queries: &[(Typed, String)]) -> Vec<(Typed, Duration, bool)> {
    queries
        .iter()
        .map(|(typed, q)| {
            let start = Instant::now();
            let found = patients::search(store, q, SEARCH_LIMIT).expect("search");
            let elapsed = start.elapsed();
            (*typed, elapsed, found.total > 0)
        })
        .collect()
}

fn report_searches(what: &str, samples: &[(Typed, Duration, bool)], wall: Duration) {
    let empty = samples.iter().filter(|(_, _, found)| !found).count();
    let all = summarize(samples.iter().map(|(_, d, _)| *d).collect());
    row(
        &format!("**{what}, all**"),
        &all,
        &format!(
            "{:.0} /s{}",
            samples.len() as f64 / wall.as_secs_f64(),
            if empty > 0 {
                format!(", {empty} found nothing")
            } else {
                String::new()
            }
        ),
    );
    for typed in TYPED {
        let of_kind: Vec<Duration> = samples
            .iter()
            .filter(|(t, _, _)| *t == typed)
            .map(|(_, d, _)| *d)
            .collect();
        if !of_kind.is_empty() {
            row(&format!("  {}", typed.label()), &summarize(of_kind), "");
        }
    }
}

fn measure_searches(
    record: &PgTarget,
    schema: &str,
    sqlite: &mut Store,
    people: &[DemoPatient],
    scale: &Scale,
) {
    let plan = search_plan(people, scale);
    let all: Vec<(Typed, String)> = plan.iter().flatten().cloned().collect();
    println!();
    println!(
        "Patient search (`patients::search`, limit {SEARCH_LIMIT}), same queries in each run:"
    );
    table_header("backend, query", "throughput");
    let (results, wall) = on_workstations(record, schema, &plan, |s, q| search_all(s, q));
    let pg_many: Vec<_> = results.into_iter().flatten().collect();
    report_searches(
        &format!("PostgreSQL, {} workstations", plan.len()),
        &pg_many,
        wall,
    );
    let (results, wall) = on_workstations(record, schema, std::slice::from_ref(&all), |s, q| {
        search_all(s, q)
    });
    let pg_one: Vec<_> = results.into_iter().flatten().collect();
    report_searches("PostgreSQL, 1 workstation", &pg_one, wall);
    let start = Instant::now();
    let samples = search_all(sqlite, &all);
    report_searches("SQLite, 1 user", &samples, start.elapsed());
    // Where SQLite's time goes: every page a scan reads is decrypted again once it has left
    // SQLCipher's small page cache. The same searches with a cache that holds the table.
    let cache: i64 = sqlite
        .query_value("PRAGMA cache_size", &[])
        .expect("cache size");
    sqlite
        .execute_batch("PRAGMA cache_size = -131072")
        .expect("bigger cache");
    let start = Instant::now();
    let samples = search_all(sqlite, &all);
    report_searches(
        &format!("SQLite, 1 user, cache_size 128 MiB (app: {cache})"),
        &samples,
        start.elapsed(),
    );
    sqlite
        .execute_batch(&format!("PRAGMA cache_size = {cache}"))
        .expect("cache size as the app leaves it");
}

/// The same searches on PostgreSQL once the proposed indexes exist (this bench's schema only).
fn measure_searches_with_indexes(
    admin: &Store,
    record: &PgTarget,
    schema: &str,
    people: &[DemoPatient],
    scale: &Scale,
) {
    let start = Instant::now();
    admin
        .execute_batch(
            "CREATE EXTENSION IF NOT EXISTS pg_trgm;
             CREATE INDEX patient_search_trgm ON patient USING gin (search_key gin_trgm_ops);
             CREATE INDEX patient_birth_date ON patient (birth_date);
             ANALYZE patient",
        )
        .expect("the proposed indexes");
    println!();
    println!(
        "Proposed indexes (pg_trgm GIN on search_key, btree on birth_date) built in {:.1} s; \
         the same searches again:",
        start.elapsed().as_secs_f64()
    );
    let plan = search_plan(people, scale);
    table_header("backend, query", "throughput");
    let (results, wall) = on_workstations(record, schema, &plan, |s, q| search_all(s, q));
    let samples: Vec<_> = results.into_iter().flatten().collect();
    report_searches(
        &format!("PostgreSQL + indexes, {} workstations", plan.len()),
        &samples,
        wall,
    );
    let all: Vec<(Typed, String)> = plan.iter().flatten().cloned().collect();
    let (results, wall) = on_workstations(record, schema, std::slice::from_ref(&all), |s, q| {
        search_all(s, q)
    });
    let samples: Vec<_> = results.into_iter().flatten().collect();
    report_searches("PostgreSQL + indexes, 1 workstation", &samples, wall);
    explain_searches(admin, people, "PostgreSQL plans with the proposed indexes");
}

/// The WHERE clause `patients::search` builds for a query, values inlined (a custom plan).
fn search_filter(typed: Typed, q: &str) -> String {
    match typed {
        Typed::SurnamePrefix | Typed::SurnameFirstName => search_key(q)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| format!("search_key LIKE {} ESCAPE '\\'", text(&format!("% {w}%"))))
            .collect::<Vec<_>>()
            .join(" AND "),
        Typed::Ipp | Typed::InsPrefix => {
            format!(
                "(ipp = {} OR ins_matricule LIKE {} ESCAPE '\\')",
                text(q),
                text(&format!("{q}%"))
            )
        }
        Typed::BirthDate => {
            let d = chrono::NaiveDate::parse_from_str(q, "%d/%m/%Y").expect("date typed");
            format!("birth_date = {}", text(&d.format("%Y-%m-%d").to_string()))
        }
    }
}

/// How each kind of query is run (the count query `patients::search` runs first; the page
/// query scans the same way, then sorts).
fn explain_searches(store: &Store, people: &[DemoPatient], title: &str) {
    println!();
    println!("{title} (count query of `patients::search`):");
    let mut rng = Rng(SEED ^ 0xE7);
    let p = people
        .iter()
        .find(|p| p.identity.ins.is_some())
        .map(|p| &p.identity)
        .expect("a patient with an INS");
    for typed in TYPED {
        let q = typed.text_for(p, &mut rng);
        let filter = search_filter(typed, &q);
        let lines: Vec<String> = match store.backend() {
            Backend::Postgres => store
                .query(
                    &format!(
                        "EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM patient WHERE {filter}"
                    ),
                    &[],
                )
                .expect("explain")
                .iter()
                .map(|r| r.get::<String>(0).expect("plan line"))
                .collect(),
            Backend::Sqlite => store
                .query(
                    &format!("EXPLAIN QUERY PLAN SELECT count(*) FROM patient WHERE {filter}"),
                    &[],
                )
                .expect("explain")
                .iter()
                .map(|r| r.get::<String>(3).expect("plan detail"))
                .collect(),
        };
        println!("  {}:", typed.label());
        for line in lines
            .iter()
            .filter(|l| !l.trim_start().starts_with("Planning"))
        {
            println!("      {line}");
        }
    }
}

// ───────────────────────────── live updates ─────────────────────────────

/// What workstation A writes.
#[derive(Clone, Copy)]
enum Write {
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

fn write_on(store: &mut Store, what: Write, patient: PatientId, episode: EpisodeId, title: &str) {
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

/// Runs `f` while `plan.len()` workstations open folders in a loop; `f`'s result and the
/// number of folders opened meanwhile.
fn under_load<R>(
    record: &PgTarget,
    schema: &str,
    plan: &[Vec<PatientId>],
    f: impl FnOnce() -> R,
) -> (R, usize) {
    let stop = AtomicBool::new(false);
    let opened = AtomicUsize::new(0);
    let barrier = Barrier::new(plan.len() + 1);
    std::thread::scope(|scope| {
        for (n, folders) in plan.iter().enumerate() {
            let (stop, opened, barrier) = (&stop, &opened, &barrier);
            std::thread::Builder::new()
                .name(format!("workstation-{n}"))
                .spawn_scoped(scope, move || {
                    let mut store = pg_store_in(record, schema);
                    barrier.wait();
                    for p in folders.iter().cycle() {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        open_folder(&mut store, *p);
                        opened.fetch_add(1, Ordering::Relaxed);
                    }
                })
                .expect("thread");
        }
        barrier.wait();
        std::thread::sleep(Duration::from_millis(500));
        let result = f();
        stop.store(true, Ordering::Relaxed);
        (result, opened.load(Ordering::Relaxed))
    })
}

fn measure_live_updates(record: &PgTarget, schema: &str, scale: &Scale) {
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

// ───────────────────────────── the whole app ─────────────────────────────

mod screen {
    //! Workstation B as the user sees it: a `ChevetApp` in establishment mode on the shared
    //! record, driven by egui_kittest (no GPU), its folder open; A writes through its own
    //! connection.

    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use chevet::app::{AppOptions, ChevetApp};
    use chevet::domain::{EpisodeId, PatientId};
    use chevet::i18n::Language;
    use chevet::store::{KeyStorage, PgTarget, Store};
    use chevet::worker::{self, WorkerConfig};
    use egui::accesskit::Role;
    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable;

    use super::{TIMEOUT, Write, write_on};

    type H = Harness<'static, ChevetApp>;

    fn app(
        rt: &tokio::runtime::Runtime,
        dir: &std::path::Path,
        record: PgTarget,
        dmp: chevet::dmp::setup::DmpEndpoint,
    ) -> ChevetApp {
        let config = WorkerConfig {
            data_dir: dir.to_path_buf(),
            key_storage: KeyStorage::File,
            keyrings: Vec::new(),
            demo: None,
            establishment: Some(chevet::sandbox::establishment()),
            cda_limits: chevet::cda::Limits::default(),
            dmp: Some(dmp),
            providers: Vec::new(),
            card: worker::CardConfig::default(),
            shared_record: Some(record),
            cache_days: 30,
        };
        let (handle, events) = worker::start(rt.handle(), config, Arc::new(|| {}));
        ChevetApp::new(
            handle,
            events,
            AppOptions {
                sandbox: true,
                data_dir: dir.to_path_buf(),
                language: Language::Fr,
                log_dir: None,
                inactivity: None,
                sandbox_ecps_url: None,
                demo_accounts: chevet::sandbox::demo_data::demo_logins(),
            },
        )
    }

    /// Steps frames until `done`, 1 ms apart (the workers' answers arrive between frames).
    fn until(h: &mut H, what: &str, mut done: impl FnMut(&H) -> bool) {
        let start = Instant::now();
        while !done(h) {
            h.step();
            assert!(start.elapsed() < TIMEOUT, "timed out: {what}");
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn type_into(h: &mut H, role: Role, label: &str, text: &str) {
        h.get_by_role_and_label(role, label).focus();
        h.run_steps(1);
        h.get_by_role_and_label(role, label).type_text(text);
        h.run_steps(2);
    }

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

    fn log_in_and_open(h: &mut H, ipp: &str, name: &str) {
        until(h, "login form", |h| {
            h.query_by_role_and_label(Role::TextInput, "Identifiant")
                .is_some()
        });
        type_into(h, Role::TextInput, "Identifiant", "medecin");
        type_into(h, Role::PasswordInput, "Mot de passe", "chevet-demo");
        h.get_by_label("Se connecter").click();
        until(h, "patient list", |h| {
            h.query_by_role_and_label(Role::Button, "Patients")
                .is_some()
        });
        h.get_by_role_and_label(Role::Button, "Patients").click();
        until(h, "search box", |h| {
            h.query_by_role_and_label(Role::TextInput, "Rechercher")
                .is_some()
        });
        type_into(h, Role::TextInput, "Rechercher", ipp);
        until(h, "the patient listed alone", |h| {
            h.query_by_label("1 patient").is_some() && h.query_by_label_contains(name).is_some()
        });
        h.get_by_label_contains(name).click();
        until(h, "folder", |h| h.query_by_label("Venues").is_some());
    }

    /// `writes` documents inserted on A, each until its title is on B's screen; the times
    /// and the frames B stepped per write (median).
    pub fn document_to_screen(
        admin: &mut Store,
        record: &PgTarget,
        patient: (PatientId, EpisodeId, &str, &str),
        writes: usize,
    ) -> (Vec<Duration>, usize) {
        let (id, episode, ipp, name) = patient;
        add_account(admin);
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chevet-worker")
            .enable_all()
            .build()
            .expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let today = chrono::Local::now().date_naive();
        let dmp = rt
            .block_on(chevet::sandbox::dmp::start(today, Default::default()))
            .expect("sandbox DMP");
        let endpoint = dmp.endpoint(Default::default()).expect("DMP endpoint");
        let mut b: H = Harness::builder()
            .with_size(egui::vec2(1280.0, 800.0))
            .with_max_steps(1_000_000)
            .build_ui_state(
                |ui, app: &mut ChevetApp| app.frame_ui(ui),
                app(&rt, dir.path(), record.clone(), endpoint),
            );
        log_in_and_open(&mut b, ipp, name);
        let mut a = Store::connect_unmigrated(record).expect("A's connection");
        let mut times = Vec::with_capacity(writes);
        let mut frames = Vec::with_capacity(writes);
        for n in 0..writes {
            let title = format!("Mesure en direct n° {n}");
            let start = Instant::now();
            write_on(&mut a, Write::Document, id, episode, &title);
            let mut stepped = 0;
            until(&mut b, "the new document on B's screen", |h| {
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
}

fn measure_screen(admin: &mut Store, record: &PgTarget, people: &[DemoPatient], scale: &Scale) {
    // Another patient than those of the store-level measure.
    let index = people.len() - 3;
    let id = PatientId(index as i64 + 1);
    let episode = episodes::for_patient(admin, id).expect("episodes")[0].id;
    let p = &people[index].identity;
    let (times, frames) = screen::document_to_screen(
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

// ───────────────────────────── main ─────────────────────────────

fn server_facts(admin: &Store) {
    let version: String = admin.query_value("SELECT version()", &[]).expect("version");
    let settings: Vec<String> = [
        "fsync",
        "synchronous_commit",
        "full_page_writes",
        "shared_buffers",
        "work_mem",
        "max_connections",
        "max_parallel_workers_per_gather",
    ]
    .into_iter()
    .map(|name| {
        let value: String = admin
            .query_value(&format!("SELECT current_setting('{name}')"), &[])
            .expect("setting");
        format!("{name}={value}")
    })
    .collect();
    println!("{version}");
    println!("settings: {}", settings.join(", "));
}

fn main() {
    let scale = Scale::from_env();
    let target = PgTarget::from_test_env().expect(
        "CHEVET_TEST_PG_URL / CHEVET_TEST_PG_CA not set: run under \
         `scripts/pg-test-cluster.sh run -- cargo bench --bench establishment`",
    );
    let (mut admin, schema) = pg_schema(&target);
    server_facts(&admin);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
    let start = Instant::now();
    let people: Vec<DemoPatient> =
        chevet::sandbox::demo::bulk_patients(scale.patients, SEED, today).collect();
    println!(
        "{} patients generated in {:.1} s",
        people.len(),
        start.elapsed().as_secs_f64()
    );
    load(&mut admin, &people, &scale).expect("load PostgreSQL");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut sqlite = sqlite_store(dir.path(), &people, &scale);

    measure_folder_opens(&target, &schema, &mut sqlite, &scale);
    measure_searches(&target, &schema, &mut sqlite, &people, &scale);
    explain_searches(&admin, &people, "PostgreSQL plans");
    explain_searches(&sqlite, &people, "SQLite plans");
    measure_live_updates(&target, &schema, &scale);
    if scale.ui {
        measure_screen(&mut admin, &in_schema(&target, &schema), &people, &scale);
    }
    measure_searches_with_indexes(&admin, &target, &schema, &people, &scale);

    drop(sqlite);
    admin
        .execute_batch(&format!("DROP SCHEMA {schema} CASCADE"))
        .expect("drop the bench's schema");
}
