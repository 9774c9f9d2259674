//! `chevet backup` through the real binary: a store with data, the backup passphrase set from a
//! file, a backup made and listed (age, size, verified), a wrong passphrase refused, the restore
//! into a second data directory under a new key, the restored store opened (by the library, and
//! by the binary making its own backup at once with the re-made escrow).

use std::path::Path;
use std::process::{Command, Output};

use chevet::store::db::Param;
use chevet::store::{DB_FILE_NAME, KeyStorage, Store};

const PASSPHRASE: &str = "Poste de garde, sauvegarde 2026 !";

fn chevet(config: &Path, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chevet"))
        .arg("backup")
        .arg("--config")
        .arg(config)
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("CHEVET_LOG", "warn")
        .output()
        .expect("chevet backup")
}

/// `chevet backup <args> --passphrase-file <passphrase>`.
fn with_passphrase(config: &Path, data: &Path, args: &[&str], passphrase: &Path) -> Output {
    let file = passphrase.to_str().expect("path");
    chevet(config, data, &[args, &["--passphrase-file", file]].concat())
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{:?}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    })
}

fn rows(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT n || ':' || body FROM note ORDER BY n",
        "SELECT seq || ':' || action || ':' || hex(hash) FROM audit ORDER BY seq",
    ] {
        for r in store.query(sql, &[]).expect("query") {
            out.push(r.get::<String>(0).expect("text"));
        }
    }
    out
}

#[test]
fn issue18_backup_then_restore_on_a_second_data_dir_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("chevet.toml");
    std::fs::write(&config, "[store]\nkey_storage = \"file\"\n").expect("config");
    let first = dir.path().join("poste-a");
    std::fs::create_dir(&first).expect("dir");
    let (key, _) =
        chevet::store::key::obtain_key(&first, false, KeyStorage::File, &[]).expect("key");
    let expected = {
        let store = Store::open(&first.join(DB_FILE_NAME), &key).expect("store");
        store
            .execute_batch("CREATE TABLE note (n INTEGER PRIMARY KEY, body TEXT)")
            .expect("table");
        for i in 0..200_i64 {
            let body = format!("compte rendu {i} — éàç");
            store
                .execute(
                    "INSERT INTO note (n, body) VALUES (?1, ?2)",
                    &[Param::Int(i), Param::Text(&body)],
                )
                .expect("note");
        }
        rows(&store)
    };

    // No passphrase yet: a backup is refused, in French.
    let refused = chevet(&config, &first, &["create"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("phrase de passe"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );

    let secret = dir.path().join("phrase.txt");
    std::fs::write(&secret, format!("{PASSPHRASE}\n")).expect("passphrase file");
    let weak = dir.path().join("faible.txt");
    std::fs::write(&weak, "court\n").expect("weak file");
    let weak_out = with_passphrase(&config, &first, &["set-passphrase"], &weak);
    assert_eq!(weak_out.status.code(), Some(2));
    let set = json(&with_passphrase(
        &config,
        &first,
        &["set-passphrase"],
        &secret,
    ));
    assert_eq!(set["escrow"], "set");

    let created = json(&chevet(&config, &first, &["create"]));
    let folder = std::path::PathBuf::from(created["backup"].as_str().expect("folder"));
    assert!(folder.starts_with(first.join("backups")));
    assert!(created["size_bytes"].as_u64().expect("size") > 0);

    let listed = json(&chevet(&config, &first, &["list"]));
    let backups = listed["backups"].as_array().expect("backups");
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0]["verified"], true);
    assert_eq!(backups[0]["age_days"], 0);
    assert_eq!(backups[0]["size_bytes"], created["size_bytes"]);

    // The key file's text appears in no file of the backup.
    let key_text = std::fs::read(first.join("chevet.key")).expect("key file");
    let key_hex = String::from_utf8(key_text).expect("hex").trim().to_owned();
    for item in std::fs::read_dir(&folder).expect("folder") {
        let bytes = std::fs::read(item.expect("item").path()).expect("read");
        let needle = key_hex.as_bytes();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
    }

    // Restore on a second data directory: a wrong passphrase first, then the right one.
    let second = dir.path().join("poste-b");
    let wrong = dir.path().join("mauvaise.txt");
    std::fs::write(&wrong, "Une autre phrase de passe, 2026 !\n").expect("wrong file");
    let folder_s = folder.to_str().expect("path");
    let refused = with_passphrase(&config, &second, &["restore", folder_s], &wrong);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("incorrecte"));
    assert!(!second.join(DB_FILE_NAME).exists());

    let restored = json(&with_passphrase(
        &config,
        &second,
        &["restore", folder_s],
        &secret,
    ));
    assert_eq!(restored["audit_intact"], true);
    assert_eq!(
        restored["schema_now"],
        chevet::store::migrations::latest_version()
    );

    // The second store has its own key, opens with it only, and reads back identical.
    assert_ne!(
        std::fs::read(second.join("chevet.key")).expect("new key file"),
        std::fs::read(first.join("chevet.key")).expect("old key file")
    );
    assert!(Store::open(&second.join(DB_FILE_NAME), &key).is_err());
    {
        let (store, _) = crate::support::open_app_store(&second);
        let got = rows(&store);
        assert_eq!(&got[..expected.len()], &expected[..]);
        // The set-passphrase entry of the audit trail came along.
        assert!(got.len() > expected.len());
    }
    // The binary opens the restored store and backs it up at once (the escrow was re-made).
    let again = json(&chevet(&config, &second, &["create"]));
    assert!(again["size_bytes"].as_u64().expect("size") > 0);

    // Restoring again onto the now non-empty directory is refused.
    let twice = with_passphrase(&config, &second, &["restore", folder_s], &secret);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("n'est pas vide"));
}
