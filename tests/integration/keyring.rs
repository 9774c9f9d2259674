//! The database key in the OS keyring (Linux keyutils here). The keyutils session keyring is
//! reachable only inside `keyctl session -`, which the test script uses; when the script sets
//! CHEVET_REQUIRE_KEYRING=1 an unreachable keyring fails the test instead of skipping it.

use chevet::store::key::{KeyOrigin, KeyStorage, obtain_key, platform_keyrings};
use chevet::store::{DB_FILE_NAME, Store};

fn required() -> bool {
    std::env::var("CHEVET_REQUIRE_KEYRING").is_ok_and(|v| v == "1")
}

#[test]
fn database_key_lives_in_the_keyring_and_reopens_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keyrings: Vec<_> = platform_keyrings()
        .into_iter()
        .filter(|k| k.name == "keyutils")
        .collect();
    let first = obtain_key(dir.path(), false, KeyStorage::Keyring, &keyrings);
    let (key, origin) = match first {
        Ok(found) => found,
        Err(e) if !required() => {
            eprintln!("keyring not reachable here ({e}); run under `keyctl session -`");
            return;
        }
        Err(e) => panic!("keyring required but unusable: {e}"),
    };
    assert!(matches!(origin, KeyOrigin::Keyring { .. }));
    assert!(
        !dir.path().join("chevet.key").exists(),
        "no key file when the keyring works"
    );
    let path = dir.path().join(DB_FILE_NAME);
    drop(Store::open(&path, &key).expect("create"));

    let (again, _) = obtain_key(dir.path(), true, KeyStorage::Keyring, &keyrings).expect("again");
    Store::open(&path, &again).expect("the keyring's key reopens the database");

    // Auto mode never trusts keyutils (lost at reboot) with a new database's only key.
    let other = tempfile::tempdir().expect("tempdir");
    let (_, auto_origin) =
        obtain_key(other.path(), false, KeyStorage::Auto, &keyrings).expect("auto");
    assert!(auto_origin.is_fallback());
}
