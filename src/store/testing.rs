//! Store tests on both backends: [`each_backend`] runs a test body on a fresh SQLite database
//! and on a fresh schema of the test PostgreSQL cluster (`CHEVET_TEST_PG_URL`, started by
//! `scripts/test.sh`). Without that cluster the PostgreSQL half is skipped with a warning,
//! unless `CHEVET_REQUIRE_PG=1`, which makes it a failure.

use super::{DbKey, PgTarget, Store, migrations};

/// The test cluster, when one is configured.
pub fn pg_target() -> Option<PgTarget> {
    let target = PgTarget::from_test_env();
    if target.is_none() {
        assert!(
            std::env::var("CHEVET_REQUIRE_PG").as_deref() != Ok("1"),
            "CHEVET_REQUIRE_PG=1 but CHEVET_TEST_PG_URL / CHEVET_TEST_PG_CA are not set"
        );
        tracing::warn!("PostgreSQL half skipped: no test cluster (scripts/pg-test-cluster.sh)");
    }
    target
}

/// A fresh, empty schema of the test cluster, selected on a new connection; its name.
pub fn pg_empty_store(target: &PgTarget) -> (Store, String) {
    let schema = format!("t_{}", hex::encode(rand::random::<[u8; 8]>()));
    let store = Store::connect_unmigrated(target).expect("connect to the test cluster");
    store
        .execute_batch(&format!(
            "CREATE SCHEMA {schema}; SET search_path TO {schema}"
        ))
        .expect("test schema");
    (store, schema)
}

/// A fresh, migrated store in a new schema of the test cluster.
pub fn pg_store(target: &PgTarget) -> Store {
    let (mut store, _) = pg_empty_store(target);
    migrations::migrate(&mut store).expect("migrate the test schema");
    store
}

/// Runs `body` on a migrated SQLite store, then on a migrated PostgreSQL store.
pub fn each_backend(mut body: impl FnMut(Store)) {
    body(Store::open_in_memory(&DbKey::generate()).expect("sqlite store"));
    if let Some(target) = pg_target() {
        body(pg_store(&target));
    }
}

/// Runs `body` on an empty (unmigrated) store of each backend.
pub fn each_empty_backend(mut body: impl FnMut(Store)) {
    let sqlite = rusqlite::Connection::open_in_memory().expect("sqlite");
    body(Store::from_sqlite_unmigrated(sqlite));
    if let Some(target) = pg_target() {
        body(pg_empty_store(&target).0);
    }
}

/// Another connection to an existing schema of the test cluster (concurrent writers).
pub fn pg_store_in(target: &PgTarget, schema: &str) -> Store {
    Store::connect_unmigrated(&in_schema(target, schema)).expect("connect to the test cluster")
}

/// The same target, on one schema.
pub fn in_schema(target: &PgTarget, schema: &str) -> PgTarget {
    PgTarget {
        schema: Some(schema.to_owned()),
        ..target.clone()
    }
}

/// A fresh, migrated schema of the test cluster: a store on it and its name.
pub fn pg_schema(target: &PgTarget) -> (Store, String) {
    let (mut store, schema) = pg_empty_store(target);
    migrations::migrate(&mut store).expect("migrate the test schema");
    (store, schema)
}
