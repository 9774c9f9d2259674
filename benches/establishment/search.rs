//! Patient search as the search box runs it (`patients::search`, limit 100) with what people
//! type: a surname prefix, "surname firstname", an IPP, a birth date, an INS prefix. The same
//! queries on PostgreSQL with many workstations and one, on SQLite with one user and with a
//! bigger page cache, and at the end on PostgreSQL without the migrations' search indexes;
//! the plans of the count query.

use std::time::{Duration, Instant};

use chevet::domain::PatientIdentity;
use chevet::sandbox::demo::DemoPatient;
use chevet::store::{PgTarget, Store, patients};

use crate::common::report::{row, summarize, table_header};
use crate::workstations::on_workstations;
use crate::{Rng, SEED, Scale};

/// The search box's limit in the app.
const SEARCH_LIMIT: usize = 100;

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

/// The search table, with the migrations' indexes: PostgreSQL with all the workstations, then
/// one; SQLite with one user, then with a 128 MiB page cache.
pub fn measure(
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
        "Patient search (`patients::search`, limit {SEARCH_LIMIT}) with the search indexes of \
         the migrations, same queries in each run:"
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

/// The same searches on PostgreSQL without the search indexes of the migrations (pg_trgm GIN
/// on `search_key`, btree on `birth_date`, `text_pattern_ops` on `ins_matricule`), dropped in
/// this bench's schema only, and their plans: what the indexes bring. The last phase: the
/// schema is no longer the app's.
pub fn measure_without_indexes(
    admin: &Store,
    record: &PgTarget,
    schema: &str,
    people: &[DemoPatient],
    scale: &Scale,
) {
    admin
        .execute_batch("DROP INDEX patient_search_trgm, patient_birth_date, patient_ins_prefix")
        .expect("drop the search indexes");
    println!();
    println!(
        "Search indexes of the migrations dropped (pg_trgm GIN on search_key, btree on \
         birth_date, text_pattern_ops on ins_matricule); the same searches again:"
    );
    let plan = search_plan(people, scale);
    table_header("backend, query", "throughput");
    let (results, wall) = on_workstations(record, schema, &plan, |s, q| search_all(s, q));
    let samples: Vec<_> = results.into_iter().flatten().collect();
    report_searches(
        &format!(
            "PostgreSQL without the search indexes, {} workstations",
            plan.len()
        ),
        &samples,
        wall,
    );
    let all: Vec<(Typed, String)> = plan.iter().flatten().cloned().collect();
    let (results, wall) = on_workstations(record, schema, std::slice::from_ref(&all), |s, q| {
        search_all(s, q)
    });
    let samples: Vec<_> = results.into_iter().flatten().collect();
    report_searches(
        "PostgreSQL without the search indexes, 1 workstation",
        &samples,
        wall,
    );
    explain(admin, people, "PostgreSQL plans without the search indexes");
}

/// How each kind of query is run (the count query `patients::search` runs first; the page
/// query scans the same way, then sorts).
pub fn explain(store: &Store, people: &[DemoPatient], title: &str) {
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
        let lines = patients::search_plan(store, &q).expect("plan");
        println!("  {}:", typed.label());
        for line in lines
            .iter()
            .filter(|l| !l.trim_start().starts_with("Planning"))
        {
            println!("      {line}");
        }
    }
}
