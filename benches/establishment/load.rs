//! The data of the establishment bench, loaded into PostgreSQL and SQLite: the generated
//! patients and their episodes as multi-row INSERTs, the documents as one INSERT … SELECT per
//! rank (a patient's documents spread over the table, a ~2 KiB CDA-like `raw` each), both
//! dialects; then the SQLite file reopened as the app opens it.

use std::path::Path;
use std::time::Instant;

use chevet::domain::PatientIdentity;
use chevet::domain::patient::search_key;
use chevet::sandbox::demo::DemoPatient;
use chevet::store::db::Backend;
use chevet::store::{DbKey, Store, StoreError};

use crate::Scale;

/// Rows per INSERT statement when loading patients and episodes.
const ROWS_PER_INSERT: usize = 1000;

/// SQL text literal (both dialects: quotes doubled, backslashes literal).
pub fn text(s: &str) -> String {
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
pub fn raw_template() -> String {
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
pub fn load(store: &mut Store, people: &[DemoPatient], scale: &Scale) -> Result<(), StoreError> {
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
pub fn sqlite_store(dir: &Path, people: &[DemoPatient], scale: &Scale) -> Store {
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
