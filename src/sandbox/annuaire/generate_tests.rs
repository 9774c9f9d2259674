//! Tests of the directory generator: the fixed entries, determinism, the real shape of the
//! rows (proportions, identifiers, mailboxes, addresses), and the written extract read back
//! by `annuaire::extract` (text and ZIP). The 1,000,000-row timing is an ignored test.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use super::*;
use crate::annuaire::extract::{ExtractReader, InputFormat, ReadLimits};

#[test]
fn fixed_entries_come_first_and_match_their_constants() {
    let fixed = fixed_entries();
    let first: Vec<DirectoryEntry> = entries(1, 10).collect();
    assert_eq!(first[..4], fixed[..]);
    assert_eq!(fixed[0].rpps(), Some(DURAND_RPPS));
    assert_eq!(fixed[0].mailbox, DURAND_MAILBOX);
    assert_eq!(fixed[0].specialty_code, "SM54");
    assert_eq!(fixed[0].display_name(), "Marie DURAND");
    assert_eq!(fixed[0].address.one_line(), "12 R DE LA PAIX, 44000 NANTES");
    assert_eq!(fixed[1].rpps(), Some(MARTIN_RPPS));
    assert_eq!(fixed[1].mailbox, MARTIN_MAILBOX);
    assert_eq!(fixed[1].specialty_code, "SM04");
    assert_eq!(fixed[1].organisation, "CHU de Nantes");
    assert_eq!(fixed[1].address.routing_line, "44093 NANTES CEDEX 1");
    assert_eq!(fixed[2].rpps(), Some(LEFEVRE_RPPS));
    assert_eq!(fixed[2].family_name, "LEFÈVRE");
    assert_eq!(fixed[2].given_name, "Hélène");
    assert_eq!(fixed[2].specialty_code, "SM41");
    assert_eq!(fixed[2].address.one_line(), "8 AV VICTOR HUGO, 75016 PARIS");
    assert_eq!(fixed[3].kind, MailboxKind::Organisation);
    assert_eq!(fixed[3].mailbox, CARDIOLOGY_SECRETARIAT_MAILBOX);
    assert_eq!(fixed[3].structure_id, CHU_NANTES_STRUCTURE_ID);
    assert!(fixed[3].person_id.is_empty());
    assert_eq!(entries(1, 2).count(), 2);
}

#[test]
fn the_same_seed_gives_the_same_rows() {
    let a: Vec<DirectoryEntry> = entries(42, 3000).collect();
    let b: Vec<DirectoryEntry> = entries(42, 3000).collect();
    let c: Vec<DirectoryEntry> = entries(43, 3000).collect();
    assert_eq!(a, b);
    assert_eq!(a.len(), 3000);
    assert_ne!(a[4..], c[4..]);
}

fn is_digits(s: &str, n: usize) -> bool {
    s.len() == n && s.bytes().all(|b| b.is_ascii_digit())
}

#[test]
fn rows_have_the_real_shape() {
    let rows: Vec<DirectoryEntry> = entries(SANDBOX_SEED, 30_000).collect();
    let per = rows
        .iter()
        .filter(|e| e.kind == MailboxKind::Personal)
        .count();
    let org = rows
        .iter()
        .filter(|e| e.kind == MailboxKind::Organisation)
        .count();
    assert_eq!(per + org, rows.len());
    let share = per * 100 / rows.len();
    assert!((82..=90).contains(&share), "{share} % PER");

    let mut rows_by_rpps: HashMap<&str, Vec<&DirectoryEntry>> = HashMap::new();
    let mut mailbox_rows: HashMap<&str, Vec<&DirectoryEntry>> = HashMap::new();
    let mut professions = HashSet::new();
    let mut specialties = HashSet::new();
    let mut cities = HashSet::new();
    let mut accents = 0;
    let mut organisations = HashSet::new();
    for e in &rows {
        assert_eq!(e.source, DirectorySource::Extract);
        assert!(!e.unlisted);
        let (local, domain) = e.mailbox.split_once('@').expect("an address");
        assert!(
            !local.is_empty() && domain.ends_with(".mssante.fr"),
            "{}",
            e.mailbox
        );
        assert!(
            e.mailbox
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"@.-".contains(&b)),
            "{}",
            e.mailbox
        );
        mailbox_rows.entry(&e.mailbox).or_default().push(e);
        let a = &e.address;
        assert!(is_digits(&a.postal_code, 5), "{}", a.postal_code);
        assert!(
            a.routing_line.starts_with(&a.postal_code),
            "{}",
            a.routing_line
        );
        let dept_ok = if a.department.len() == 3 {
            a.postal_code.starts_with(&a.department)
        } else if a.department.starts_with('2') && !is_digits(&a.department, 2) {
            a.postal_code.starts_with("20")
        } else {
            a.postal_code.starts_with(&a.department)
        };
        assert!(dept_ok, "{} / {}", a.postal_code, a.department);
        assert!(!a.street_line().is_empty());
        assert!(a.country.is_empty() || a.country == "FRANCE");
        cities.insert(a.city().trim_end_matches(" CEDEX").to_owned());
        assert_eq!(e.structure_id_type.len(), 1);
        assert!(e.structure_id.starts_with(&e.structure_id_type));
        if e.structure_id_type == "1" {
            assert_eq!(e.structure_id.len(), 10, "{}", e.structure_id);
        }
        organisations.insert(e.organisation.as_str());
        match e.kind {
            MailboxKind::Personal => {
                let rpps = e.rpps().expect("an RPPS");
                assert!(rpps.starts_with("10"));
                assert_eq!(e.national_id, format!("8{rpps}"));
                assert!(["M", "MME", "DR", "PR"].contains(&e.civility.as_str()));
                assert!(!e.family_name.is_empty() && !e.given_name.is_empty());
                if !e.family_name.is_ascii() || !e.given_name.is_ascii() {
                    accents += 1;
                }
                assert!(!e.profession_label.is_empty());
                professions.insert(e.profession_code.as_str());
                if e.profession_code == "10" {
                    assert!(e.specialty_code.starts_with("SM"));
                    specialties.insert(e.specialty_code.as_str());
                }
                rows_by_rpps.entry(rpps).or_default().push(e);
            }
            _ => {
                assert!(e.person_id.is_empty() && e.family_name.is_empty());
                assert_eq!(e.structure_id_type, "1");
                assert!(!e.organisation.is_empty());
            }
        }
    }
    // RPPS unique per person; a person has one or two rows.
    assert!(rows_by_rpps.values().all(|r| r.len() <= 2));
    let twice = rows_by_rpps.values().filter(|r| r.len() == 2).count();
    assert!(twice > 100, "{twice}");
    // A mailbox on two rows only for the same person at two structures.
    for (mailbox, r) in &mailbox_rows {
        if r.len() > 1 {
            assert_eq!(r.len(), 2, "{mailbox}");
            assert_eq!(r[0].person_id, r[1].person_id, "{mailbox}");
            assert!(!r[0].person_id.is_empty());
            assert_ne!(r[0].structure_id, r[1].structure_id, "{mailbox}");
        }
    }
    assert!(mailbox_rows.keys().any(|m| m.starts_with("secretariat.")));
    assert!(
        mailbox_rows
            .keys()
            .any(|m| m.ends_with("@medecin.mssante.fr") && m.chars().any(|c| c.is_ascii_digit()))
    );
    assert!(accents > 1000, "{accents}");
    for code in ["10", "21", "40", "50", "60", "70"] {
        assert!(professions.contains(code), "{code}");
    }
    assert!(specialties.len() >= 20, "{}", specialties.len());
    assert!(cities.len() >= 60, "{}", cities.len());
    for kind in [
        "CHU de ",
        "Centre hospitalier de ",
        "Clinique ",
        "Laboratoire ",
    ] {
        assert!(organisations.iter().any(|o| o.starts_with(kind)), "{kind}");
    }
    assert!(
        organisations
            .iter()
            .any(|o| o.starts_with("Maison de santé pluriprofessionnelle"))
    );
}

#[test]
fn rpps_keys_are_luhn_valid() {
    assert_eq!(luhn_key("7992739871"), 3);
    for e in entries(7, 2000).skip(4) {
        if let Some(rpps) = e.rpps() {
            let (body, key) = rpps.split_at(10);
            assert_eq!(key, luhn_key(body).to_string(), "{rpps}");
        }
    }
}

fn read_back(path: &Path) -> (Vec<DirectoryEntry>, ExtractReader) {
    let mut r = ExtractReader::open(path, ReadLimits::default()).expect("open");
    let rows: Vec<DirectoryEntry> = r.by_ref().map(|e| e.expect("entry")).collect();
    (rows, r)
}

#[test]
fn written_extracts_read_back_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let expected: Vec<DirectoryEntry> = entries(5, 5000).collect();

    let txt = dir.path().join("Extraction_Correspondance_MSSante.txt");
    let size = write_extract(&txt, 5, 5000, false).expect("txt");
    assert_eq!(std::fs::metadata(&txt).expect("meta").len(), size);
    let (rows, r) = read_back(&txt);
    assert_eq!(r.format(), InputFormat::Text);
    assert_eq!(r.rows_skipped(), 0);
    assert_eq!(r.stats().latin1_lines, 0);
    assert_eq!(rows, expected);

    let zip = dir.path().join("Extraction_Correspondance_MSSante.zip");
    let text_size = write_extract(&zip, 5, 5000, true).expect("zip");
    assert_eq!(text_size, size);
    assert!(std::fs::metadata(&zip).expect("meta").len() < size / 2);
    let (rows, r) = read_back(&zip);
    assert_eq!(r.format(), InputFormat::Zip);
    assert_eq!(r.total_bytes(), size);
    assert_eq!(r.bytes_read(), size);
    assert_eq!(rows, expected);
}

/// `cargo test --release --lib sandbox::annuaire::generate -- --ignored --nocapture`
#[test]
#[ignore = "timing of 1,000,000 rows; run in release"]
fn one_million_rows_timing() {
    let dir = tempfile::tempdir().expect("tempdir");
    for zip in [false, true] {
        let path = dir.path().join(if zip { "bench.zip" } else { "bench.txt" });
        let start = Instant::now();
        let bytes = write_extract(&path, SANDBOX_SEED, BENCH_COUNT, zip).expect("write");
        let written = start.elapsed();
        let on_disk = std::fs::metadata(&path).expect("meta").len();
        let start = Instant::now();
        let (rows, r) = {
            let mut r = ExtractReader::open(&path, ReadLimits::default()).expect("open");
            let n = r.by_ref().filter(Result::is_ok).count();
            (n, r)
        };
        let read = start.elapsed();
        assert_eq!(rows, BENCH_COUNT);
        assert_eq!(r.rows_skipped(), 0);
        println!(
            "{} rows, zip={zip}: written in {written:?} ({} MB text, {} MB on disk), read in {read:?}",
            BENCH_COUNT,
            bytes / 1_000_000,
            on_disk / 1_000_000,
        );
    }
}
