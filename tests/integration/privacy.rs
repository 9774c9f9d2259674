//! Privacy of what Chevet writes: the database file (and its WAL) holds no readable patient
//! name, INS or document text, and seeding logs no identity.

use chevet::store::{DB_FILE_NAME, DbKey, Store};

/// Words that appear in the demo data and must never be readable on disk or in logs.
const SECRETS: &[&str] = &[
    "PAT-TROIS",
    "DOMINIQUE",
    "279035121518989",
    "DECOURCY",
    "ClinicalDocument",
    "%PDF-",
];

#[test]
fn database_file_contains_no_readable_patient_data_and_logs_no_identity() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE_NAME);
    let capture = crate::support::logs();
    {
        let mut store = Store::open(&path, &DbKey::generate()).expect("open");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        let report =
            chevet::sandbox::seed::seed_demo(&mut store, today, &mut |_, _| {}).expect("seed");
        assert!(report.patients >= 50);
        assert!(report.documents >= 10);
        // Sanity: the data really is there, readable through the key.
        let found = chevet::store::patients::search(&store, "PAT-TROIS", 5).expect("search");
        assert_eq!(found.total, 1);
    }

    let mut files = 0;
    for entry in std::fs::read_dir(dir.path()).expect("dir").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !name.starts_with(DB_FILE_NAME) {
            continue;
        }
        files += 1;
        let bytes = std::fs::read(entry.path()).expect("read");
        for secret in SECRETS {
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "{name} contains readable {secret:?}"
            );
        }
        assert!(
            !bytes.starts_with(b"SQLite format 3"),
            "{name} is plaintext SQLite"
        );
    }
    assert!(files >= 1);

    // The capture holds the logs of every test of this binary that ran so far, UI flows
    // with their workers included.
    let logs = capture.text();
    assert!(
        logs.contains("migration applied"),
        "the store's logs were captured"
    );
    for secret in SECRETS {
        assert!(!logs.contains(secret), "log contains {secret:?}");
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}
