//! Backup and restore against real SQLCipher files: the escrow (wrong passphrase, policy, no
//! key in clear anywhere in a backup folder), a copy made while another connection writes,
//! and a restore into a second data directory read back row for row under a new key.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::*;
use crate::store::key::{KeyStorage, obtain_key};
use crate::store::{DB_FILE_NAME, DbKey, Store};

const PASSPHRASE: &str = "Sauvegarde du poste 2026 !";

fn new_store(dir: &Path) -> (Store, DbKey) {
    let (key, _) = obtain_key(dir, false, KeyStorage::File, &[]).expect("key");
    let store = Store::open(&dir.join(DB_FILE_NAME), &key).expect("store");
    (store, key)
}

fn fill(store: &mut Store, n: usize) {
    store
        .execute_batch("CREATE TABLE IF NOT EXISTS note (n INTEGER PRIMARY KEY, body TEXT)")
        .expect("table");
    for i in 0..n {
        store
            .execute(
                "INSERT INTO note (n, body) VALUES (?1, ?2)",
                crate::store::db::params![i as i64, format!("note {i} é ✓")],
            )
            .expect("note");
        crate::store::audit::record(
            store,
            "admin",
            crate::store::audit::AuditAction::SettingChanged,
            crate::store::audit::AuditObject::Setting(format!("test.{i}")),
            "",
        )
        .expect("audit");
    }
}

fn rows(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT key || '=' || value FROM setting WHERE key <> 'backup.escrow' ORDER BY key",
        "SELECT n || ':' || body FROM note ORDER BY n",
        "SELECT seq || ':' || action || ':' || object_id || ':' || hex(hash) FROM audit ORDER BY seq",
    ] {
        for r in store.query(sql, &[]).expect("query") {
            out.push(r.get::<String>(0).expect("text"));
        }
    }
    out
}

fn key_hex(key: &DbKey) -> String {
    let pragma = key.pragma_value();
    pragma[2..pragma.len() - 1].to_owned()
}

fn backup_now(store_dir: &Path, key: &DbKey, escrow: &EscrowRecord, to: &Path) -> BackupEntry {
    create(
        &store_dir.join(DB_FILE_NAME),
        key,
        escrow,
        to,
        &BackupOptions {
            pages_per_step: 4,
            pause_ms: 0,
            ..BackupOptions::default()
        },
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .expect("backup")
}

#[test]
fn issue18_escrow_opens_with_its_passphrase_only() {
    let key = DbKey::generate();
    let record = escrow::wrap(&key, PASSPHRASE).expect("wrap");
    let back = escrow::unwrap(&record, PASSPHRASE).expect("unwrap");
    assert_eq!(key_hex(&back), key_hex(&key));
    assert!(matches!(
        escrow::unwrap(&record, "Une autre phrase de passe 2026 !"),
        Err(BackupError::WrongPassphrase)
    ));
    // Any bound field changed: refused too.
    let mut tampered = record.clone();
    tampered.key_id = "00".repeat(16);
    assert!(escrow::unwrap(&tampered, PASSPHRASE).is_err());
    assert_eq!(record.kdf.m_cost_kib, escrow::KDF_M_COST_KIB);
    assert_eq!(record.producer, crate::export::stamp::producer());
}

#[test]
fn issue18_weak_passphrases_are_refused() {
    assert!(matches!(
        check_passphrase("Court1!", "Court1!"),
        Err(BackupError::PassphraseTooShort)
    ));
    assert!(matches!(
        check_passphrase("aaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaa"),
        Err(BackupError::PassphraseTooSimple)
    ));
    assert!(matches!(
        check_passphrase(PASSPHRASE, "autre chose"),
        Err(BackupError::PassphraseMismatch)
    ));
    check_passphrase(PASSPHRASE, PASSPHRASE).expect("strong");
    assert_eq!(
        BackupError::WrongPassphrase.message_id(),
        "backup-error-wrong-passphrase"
    );
}

#[test]
fn issue18_a_backup_folder_holds_no_key_in_clear() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    std::fs::create_dir(&data).expect("dir");
    let (mut store, key) = new_store(&data);
    fill(&mut store, 20);
    assert!(matches!(load_escrow(&store), Ok(None)));
    let record = set_passphrase(&store, &key, PASSPHRASE, PASSPHRASE).expect("escrow");
    assert_eq!(load_escrow(&store).expect("load"), Some(record.clone()));
    let backups = backups_dir(&data);
    let entry = backup_now(&data, &key, &record, &backups);
    assert_eq!(entry.verified, Some(true));

    let hex_lower = key_hex(&key);
    let raw = hex::decode(&hex_lower).expect("hex");
    let needles: Vec<Vec<u8>> = vec![
        raw,
        hex_lower.clone().into_bytes(),
        hex_lower.to_uppercase().into_bytes(),
        PASSPHRASE.as_bytes().to_vec(),
    ];
    let mut files = 0;
    for item in std::fs::read_dir(&entry.folder).expect("read") {
        let bytes = std::fs::read(item.expect("item").path()).expect("bytes");
        files += 1;
        for needle in &needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "a secret in clear in the backup folder"
            );
        }
        assert!(!bytes.starts_with(b"SQLite format 3"));
    }
    assert_eq!(files, 2, "the copy and its manifest only");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&entry.folder), 0o700);
        assert_eq!(mode(&entry.folder.join(DB_FILE_NAME)), 0o600);
        assert_eq!(mode(&entry.folder.join(MANIFEST_FILE_NAME)), 0o600);
    }
}

#[test]
fn issue18_a_backup_taken_while_another_connection_writes_is_consistent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, key) = new_store(dir.path());
    store
        .execute_batch("CREATE TABLE pair (n INTEGER NOT NULL, side TEXT NOT NULL, pad BLOB)")
        .expect("table");
    for n in 0..2_000 {
        insert_pair(&mut store, n);
    }
    let record = escrow::wrap(&key, PASSPHRASE).expect("wrap");
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = std::sync::Arc::clone(&stop);
        let path = dir.path().join(DB_FILE_NAME);
        let key = key.duplicate();
        std::thread::Builder::new()
            .name("issue18-writer".into())
            .spawn(move || {
                let mut store = Store::open(&path, &key).expect("writer store");
                let mut n = 1_000_000;
                while !stop.load(std::sync::atomic::Ordering::Acquire) {
                    insert_pair(&mut store, n);
                    n += 1;
                }
                n - 1_000_000
            })
            .expect("thread")
    };
    let mut steps = 0;
    let entry = create(
        &dir.path().join(DB_FILE_NAME),
        &key,
        &record,
        &dir.path().join("backups"),
        &BackupOptions {
            pages_per_step: 8,
            pause_ms: 1,
            ..BackupOptions::default()
        },
        &AtomicBool::new(false),
        &mut |_| steps += 1,
    )
    .expect("backup while writing");
    stop.store(true, std::sync::atomic::Ordering::Release);
    let written = writer.join().expect("writer");
    assert!(written > 0, "the writer made progress during the copy");
    assert!(steps > 10, "the copy went in steps ({steps})");

    let copy = Store::open(&entry.folder.join(DB_FILE_NAME), &key).expect("copy opens");
    let check: String = copy
        .query_value("PRAGMA integrity_check", &[])
        .expect("check");
    assert_eq!(check, "ok");
    let unpaired: i64 = copy
        .query_value(
            "SELECT count(*) FROM (SELECT n FROM pair GROUP BY n HAVING count(*) <> 2)",
            &[],
        )
        .expect("pairs");
    assert_eq!(unpaired, 0, "every transaction whole or absent");
    let originals: i64 = copy
        .query_value("SELECT count(*) FROM pair WHERE n < 2000", &[])
        .expect("count");
    assert_eq!(originals, 4_000);
}

fn insert_pair(store: &mut Store, n: i64) {
    store
        .in_transaction(|s| {
            for side in ["a", "b"] {
                s.execute(
                    "INSERT INTO pair (n, side, pad) VALUES (?1, ?2, zeroblob(512))",
                    crate::store::db::params![n, side],
                )?;
            }
            Ok::<_, crate::store::StoreError>(())
        })
        .expect("pair");
}

#[test]
fn issue18_restore_into_a_second_data_dir_reads_back_identical_under_a_new_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("poste-a");
    std::fs::create_dir(&first).expect("dir");
    let (mut store, key) = new_store(&first);
    fill(&mut store, 30);
    let record = set_passphrase(&store, &key, PASSPHRASE, PASSPHRASE).expect("escrow");
    let expected = rows(&store);
    let backups = dir.path().join("sauvegardes");
    let entry = backup_now(&first, &key, &record, &backups);
    drop(store);

    // The list: one backup, today, verified.
    let listed = list(&backups, true).expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].verified, Some(true));
    assert_eq!(listed[0].age_days(chrono::Utc::now()), Some(0));

    let second = dir.path().join("poste-b");
    assert!(matches!(
        restore(
            &entry.folder,
            "Mauvaise phrase de passe 2026",
            &second,
            KeyStorage::File,
            &[]
        ),
        Err(BackupError::WrongPassphrase)
    ));
    assert!(!second.join(DB_FILE_NAME).exists());
    let report =
        restore(&entry.folder, PASSPHRASE, &second, KeyStorage::File, &[]).expect("restore");
    assert!(report.audit_intact);
    assert_eq!(report.audit_rows, 30);
    assert_eq!(
        report.schema_now,
        crate::store::migrations::latest_version()
    );

    let (new_key, _) = obtain_key(&second, true, KeyStorage::File, &[]).expect("new key");
    assert_ne!(key_hex(&new_key), key_hex(&key), "a fresh key");
    assert!(matches!(
        Store::open(&second.join(DB_FILE_NAME), &key),
        Err(crate::store::StoreError::WrongKey)
    ));
    let restored = Store::open(&second.join(DB_FILE_NAME), &new_key).expect("reopen");
    assert_eq!(rows(&restored), expected);
    assert_eq!(rows(&restored).len(), 60);
    // The escrow was made again for the new key: this machine's backups run at once.
    let again = load_escrow(&restored).expect("escrow").expect("set");
    assert_eq!(again.key_id, escrow::key_id(&new_key).expect("id"));
    let entry2 = backup_now(&second, &new_key, &again, &second.join("backups"));
    assert_eq!(entry2.verified, Some(true));
    crate::store::settings::set(&restored, "x", "y").expect("writable");

    // A second restore onto the same, now non-empty, directory is refused.
    assert!(matches!(
        restore(&entry.folder, PASSPHRASE, &second, KeyStorage::File, &[]),
        Err(BackupError::TargetNotEmpty)
    ));
}

#[test]
fn issue18_a_damaged_copy_is_refused_and_listed_as_unverified() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, key) = new_store(dir.path());
    fill(&mut store, 5);
    let record = escrow::wrap(&key, PASSPHRASE).expect("wrap");
    let backups = dir.path().join("backups");
    let entry = backup_now(dir.path(), &key, &record, &backups);
    let copy = entry.folder.join(DB_FILE_NAME);
    let mut bytes = std::fs::read(&copy).expect("read");
    let last = bytes.len() - 100;
    bytes[last] ^= 0xff;
    std::fs::write(&copy, &bytes).expect("write");
    assert_eq!(list(&backups, true).expect("list")[0].verified, Some(false));
    let target = dir.path().join("ailleurs");
    assert!(matches!(
        restore(&entry.folder, PASSPHRASE, &target, KeyStorage::File, &[]),
        Err(BackupError::Corrupt)
    ));
    assert!(
        std::fs::read_dir(&target).expect("target").next().is_none(),
        "the target is left empty"
    );
    // A store re-keyed since its escrow: the backup refuses to copy what it could not open.
    let other = escrow::wrap(&DbKey::generate(), PASSPHRASE).expect("other");
    assert!(matches!(
        create(
            &dir.path().join(DB_FILE_NAME),
            &key,
            &other,
            &backups,
            &BackupOptions::default(),
            &AtomicBool::new(false),
            &mut |_| {},
        ),
        Err(BackupError::EscrowStale)
    ));
}

#[test]
fn issue18_a_cancelled_backup_leaves_nothing_and_prune_keeps_the_newest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut store, key) = new_store(dir.path());
    fill(&mut store, 50);
    let record = escrow::wrap(&key, PASSPHRASE).expect("wrap");
    let backups = dir.path().join("backups");
    let cancelled = create(
        &dir.path().join(DB_FILE_NAME),
        &key,
        &record,
        &backups,
        &BackupOptions {
            pages_per_step: 1,
            pause_ms: 0,
            ..BackupOptions::default()
        },
        &AtomicBool::new(true),
        &mut |_| {},
    );
    assert!(matches!(cancelled, Err(BackupError::Cancelled)));
    assert_eq!(std::fs::read_dir(&backups).expect("dir").count(), 0);
    let by_hand = backup_now(dir.path(), &key, &record, &backups);
    let auto = BackupOptions {
        name_prefix: "chevet-auto",
        ..BackupOptions::default()
    };
    for _ in 0..3 {
        create(
            &dir.path().join(DB_FILE_NAME),
            &key,
            &record,
            &backups,
            &auto,
            &AtomicBool::new(false),
            &mut |_| {},
        )
        .expect("automatic backup");
    }
    assert_eq!(list(&backups, false).expect("list").len(), 4);
    let removed = manifest::prune(&backups, "chevet-auto", 2).expect("prune");
    assert_eq!(removed.len(), 1);
    let left = list(&backups, false).expect("list");
    assert_eq!(left.len(), 3);
    assert!(
        left.iter().any(|e| e.name == by_hand.name),
        "a backup made by hand is never pruned"
    );
}
