//! The establishment's shared record on a real PostgreSQL server (the throwaway cluster of
//! `scripts/pg-test-cluster.sh`): the hash-chained audit trail stays valid with concurrent
//! writers on both backends, a workstation's role may not rewrite the audit trail nor the
//! consent history, and a server whose certificate the establishment's CA did not sign is
//! refused.

use std::thread;

use chevet::store::audit::{self, AuditAction, AuditEntry, AuditObject};
use chevet::store::testing::{in_schema, pg_schema, pg_store_in, pg_target};

use crate::support::workstation_login;
use chevet::store::{DB_FILE_NAME, DbKey, PgTarget, Store, StoreError};

const WRITERS: usize = 4;
const ENTRIES_EACH: usize = 500;

fn append_many(mut store: Store, writer: usize) {
    for n in 0..ENTRIES_EACH {
        audit::append(
            &mut store,
            &AuditEntry::new(
                "medecin",
                AuditAction::OpenFolder,
                AuditObject::Patient(i64::try_from(writer * ENTRIES_EACH + n).expect("id")),
            ),
        )
        .expect("append");
    }
}

fn assert_full_chain(store: &Store) {
    let v = audit::verify(store).expect("verify");
    assert_eq!(v.rows, WRITERS * ENTRIES_EACH);
    assert!(v.is_intact(), "chain broken at {:?}", v.first_broken);
}

#[test]
fn issue13_four_concurrent_writers_keep_the_audit_chain_valid_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(DB_FILE_NAME);
    let key = [7_u8; 32];
    drop(Store::open(&path, &DbKey::from_bytes(key)).expect("create"));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let path = path.clone();
            thread::Builder::new()
                .name(format!("audit-writer-{w}"))
                .spawn(move || {
                    append_many(
                        Store::open(&path, &DbKey::from_bytes(key)).expect("open"),
                        w,
                    );
                })
                .expect("spawn")
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    assert_full_chain(&Store::open(&path, &DbKey::from_bytes(key)).expect("reopen"));
}

#[test]
fn issue13_four_concurrent_writers_keep_the_audit_chain_valid_on_postgres() {
    let Some(target) = pg_target() else { return };
    let (store, schema) = pg_schema(&target);
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (target, schema) = (target.clone(), schema.clone());
            thread::Builder::new()
                .name(format!("audit-writer-{w}"))
                .spawn(move || append_many(pg_store_in(&target, &schema), w))
                .expect("spawn")
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    assert_full_chain(&store);
}

#[test]
fn issue13_a_workstation_cannot_rewrite_the_audit_trail_nor_the_consent_history() {
    let Some(target) = pg_target() else { return };
    let (mut admin, schema) = pg_schema(&target);
    audit::record(
        &mut admin,
        "medecin",
        AuditAction::OpenFolder,
        AuditObject::Patient(1),
        "",
    )
    .expect("first entry");
    let ws_target = in_schema(&workstation_login(&admin, &target), &schema);
    let mut ws = Store::connect_workstation(&ws_target).expect("workstation connects");
    // It writes the record and appends to the trail…
    audit::record(
        &mut ws,
        "medecin",
        AuditAction::OpenFolder,
        AuditObject::Patient(2),
        "",
    )
    .expect("a workstation appends to the trail");
    chevet::store::settings::set(&ws, "ui.language", "fr").expect("a workstation writes");
    // …but may not rewrite it, nor the consent history, nor the schema.
    for sql in [
        "UPDATE audit SET detail = 'x'",
        "DELETE FROM audit",
        "TRUNCATE audit",
        "UPDATE dmp_consent SET actor = 'x'",
        "DELETE FROM dmp_consent",
        "TRUNCATE dmp_consent",
        "DELETE FROM schema_version",
        "CREATE TABLE intruder (id BIGINT)",
        "DROP TABLE audit",
    ] {
        let refused = ws.execute(sql, &[]).expect_err(sql);
        assert!(refused.is_permission_denied(), "{sql}: {refused}");
    }
    assert!(audit::verify(&admin).expect("verify").is_intact());
    assert_eq!(audit::verify(&admin).expect("verify").rows, 2);
}

#[test]
fn issue13_a_server_certificate_from_another_ca_is_refused() {
    let Some(target) = pg_target() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let other_ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).expect("ca");
    let ca_file = dir.path().join("other-ca.pem");
    std::fs::write(&ca_file, other_ca.cert.pem()).expect("write");
    let refused = Store::connect(&PgTarget { ca_file, ..target })
        .err()
        .expect("refused");
    let text = refused.to_string();
    assert!(matches!(refused, StoreError::Connect(_)), "{text}");
    assert!(text.to_lowercase().contains("certificate"), "{text}");
    assert!(!text.contains("chevet_admin"), "{text}");
}
