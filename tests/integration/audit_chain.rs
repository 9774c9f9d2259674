//! The audit chain on a real encrypted file: it verifies after real activity, and a row
//! changed behind the application's back (triggers dropped with the key in hand) is detected.

use chevet::store::audit::{self, AuditAction, AuditEntry, AuditObject};
use chevet::store::{DB_FILE_NAME, DbKey, Store};

#[test]
fn audit_chain_verifies_and_detects_a_tampered_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE_NAME);
    let key_bytes: [u8; 32] = rand_bytes();
    {
        let mut store = Store::open(&path, &DbKey::from_bytes(key_bytes)).expect("open");
        for n in 0..20 {
            audit::append(
                &mut store,
                &AuditEntry::new("medecin", AuditAction::OpenFolder, AuditObject::Patient(n)),
            )
            .expect("append");
        }
        let v = audit::verify(&store).expect("verify");
        assert_eq!(v.rows, 20);
        assert!(v.is_intact());
    }

    // An attacker with the key and SQL access edits row 7.
    {
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.pragma_update(None, "key", format!("x'{}'", hex(&key_bytes)))
            .expect("key");
        conn.execute_batch(
            "DROP TRIGGER audit_no_update; UPDATE audit SET object_id = '999' WHERE seq = 7;",
        )
        .expect("tamper");
    }
    let store = Store::open(&path, &DbKey::from_bytes(key_bytes)).expect("reopen");
    let v = audit::verify(&store).expect("verify");
    assert_eq!(v.first_broken, Some(7));
    assert!(!v.is_intact());
}

#[test]
fn deleting_a_row_breaks_the_chain_at_the_gap() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE_NAME);
    let key_bytes: [u8; 32] = rand_bytes();
    {
        let mut store = Store::open(&path, &DbKey::from_bytes(key_bytes)).expect("open");
        for n in 0..5 {
            audit::append(
                &mut store,
                &AuditEntry::new(
                    "system",
                    AuditAction::SettingChanged,
                    AuditObject::Setting(n.to_string()),
                ),
            )
            .expect("append");
        }
    }
    {
        let conn = rusqlite::Connection::open(&path).expect("raw open");
        conn.pragma_update(None, "key", format!("x'{}'", hex(&key_bytes)))
            .expect("key");
        conn.execute_batch("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;")
            .expect("tamper");
    }
    let store = Store::open(&path, &DbKey::from_bytes(key_bytes)).expect("reopen");
    assert_eq!(audit::verify(&store).expect("verify").first_broken, Some(4));
}

fn rand_bytes() -> [u8; 32] {
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = (i as u8).wrapping_mul(37).wrapping_add(11);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
