//! Schema migrations, one SQL file per step and per dialect (`sqlite/`, `postgres/`), applied in
//! order inside one transaction each; steps are never edited once shipped. SQLite records the
//! last step in `PRAGMA user_version`, PostgreSQL in `schema_version` (one row per step, written
//! under an advisory lock so that two processes starting together do not both migrate).

use super::db::{Backend, params};
use super::{Store, StoreError};

/// One migration step, in both dialects.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Migration {
    fn sql(&self, backend: Backend) -> &'static str {
        match backend {
            Backend::Sqlite => self.sqlite,
            Backend::Postgres => self.postgres,
        }
    }
}

/// Every step, in order. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "identities",
        sqlite: include_str!("sqlite/0001_identities.sql"),
        postgres: include_str!("postgres/0001_identities.sql"),
    },
    Migration {
        version: 2,
        name: "documents",
        sqlite: include_str!("sqlite/0002_documents.sql"),
        postgres: include_str!("postgres/0002_documents.sql"),
    },
    Migration {
        version: 3,
        name: "accounts_audit",
        sqlite: include_str!("sqlite/0003_accounts_audit.sql"),
        postgres: include_str!("postgres/0003_accounts_audit.sql"),
    },
    Migration {
        version: 4,
        name: "account_professional",
        sqlite: include_str!("sqlite/0004_account_professional.sql"),
        postgres: include_str!("postgres/0004_account_professional.sql"),
    },
    Migration {
        version: 5,
        name: "identity_links",
        sqlite: include_str!("sqlite/0005_identity_links.sql"),
        postgres: include_str!("postgres/0005_identity_links.sql"),
    },
    Migration {
        version: 6,
        name: "dmp_consent",
        sqlite: include_str!("sqlite/0006_dmp_consent.sql"),
        postgres: include_str!("postgres/0006_dmp_consent.sql"),
    },
    Migration {
        version: 7,
        name: "document_integration",
        sqlite: include_str!("sqlite/0007_document_integration.sql"),
        postgres: include_str!("postgres/0007_document_integration.sql"),
    },
    Migration {
        version: 8,
        name: "dmp_list_seen",
        sqlite: include_str!("sqlite/0008_dmp_list_seen.sql"),
        postgres: include_str!("postgres/0008_dmp_list_seen.sql"),
    },
    Migration {
        version: 9,
        name: "record_notify",
        sqlite: include_str!("sqlite/0009_record_notify.sql"),
        postgres: include_str!("postgres/0009_record_notify.sql"),
    },
    Migration {
        version: 10,
        name: "degraded_mode",
        sqlite: include_str!("sqlite/0010_degraded_mode.sql"),
        postgres: include_str!("postgres/0010_degraded_mode.sql"),
    },
    Migration {
        version: 11,
        name: "dmp_last_status",
        sqlite: include_str!("sqlite/0011_dmp_last_status.sql"),
        postgres: include_str!("postgres/0011_dmp_last_status.sql"),
    },
    Migration {
        version: 12,
        name: "search_indexes",
        sqlite: include_str!("sqlite/0012_search_indexes.sql"),
        postgres: include_str!("postgres/0012_search_indexes.sql"),
    },
    Migration {
        version: 13,
        name: "audit_append",
        sqlite: include_str!("sqlite/0013_audit_append.sql"),
        postgres: include_str!("postgres/0013_audit_append.sql"),
    },
    Migration {
        version: 14,
        name: "hl7_journal",
        sqlite: include_str!("sqlite/0014_hl7_journal.sql"),
        postgres: include_str!("postgres/0014_hl7_journal.sql"),
    },
    Migration {
        version: 15,
        name: "hl7_intake",
        sqlite: include_str!("sqlite/0015_hl7_intake.sql"),
        postgres: include_str!("postgres/0015_hl7_intake.sql"),
    },
    Migration {
        version: 16,
        name: "outbox",
        sqlite: include_str!("sqlite/0016_outbox.sql"),
        postgres: include_str!("postgres/0016_outbox.sql"),
    },
    Migration {
        version: 17,
        name: "directory",
        sqlite: include_str!("sqlite/0017_directory.sql"),
        postgres: include_str!("postgres/0017_directory.sql"),
    },
    Migration {
        version: 18,
        name: "mss_sending",
        sqlite: include_str!("sqlite/0018_mss_sending.sql"),
        postgres: include_str!("postgres/0018_mss_sending.sql"),
    },
    Migration {
        version: 19,
        name: "account_security",
        sqlite: include_str!("sqlite/0019_account_security.sql"),
        postgres: include_str!("postgres/0019_account_security.sql"),
    },
    Migration {
        version: 20,
        name: "identity_vigilance",
        sqlite: include_str!("sqlite/0020_identity_vigilance.sql"),
        postgres: include_str!("postgres/0020_identity_vigilance.sql"),
    },
    Migration {
        version: 21,
        name: "indicators",
        sqlite: include_str!("sqlite/0021_indicators.sql"),
        postgres: include_str!("postgres/0021_indicators.sql"),
    },
    Migration {
        version: 22,
        name: "typed_settings",
        sqlite: include_str!("sqlite/0022_typed_settings.sql"),
        postgres: include_str!("postgres/0022_typed_settings.sql"),
    },
    Migration {
        version: 23,
        name: "usage_counters",
        sqlite: include_str!("sqlite/0023_usage_counters.sql"),
        postgres: include_str!("postgres/0023_usage_counters.sql"),
    },
];

/// A step's part in Rust, run after its SQL in the same transaction: what SQL cannot do.
fn after_step(store: &Store, version: u32) -> Result<(), StoreError> {
    if version == 23 {
        // The usage counters filled from the rows already there, the DMP traces of the audit
        // trail included (their CSV records are parsed): the indicators' recount.
        let written = crate::indicators::rebuild_in(store)?;
        tracing::info!(counters = written, "usage counters filled");
    }
    Ok(())
}

/// The workstations' privileges on the shared database, granted again after each migration.
const POSTGRES_GRANTS: &str = include_str!("postgres/grants.sql");

/// Grants the workstations' privileges again (after a table was replaced by a copy).
pub(crate) fn grant_workstations(store: &Store) -> Result<(), StoreError> {
    store.execute_batch(POSTGRES_GRANTS)
}

/// Key of the advisory lock held while the shared database migrates.
const MIGRATION_LOCK: i64 = 0x4348_4556_4554_0001;

/// The schema version this build expects.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// The version the database is at (0 when empty).
pub fn current_version(store: &Store) -> Result<u32, StoreError> {
    match store.backend() {
        Backend::Sqlite => store.query_value("PRAGMA user_version", &[]),
        Backend::Postgres => {
            let exists: bool = store.query_value(
                "SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_name = 'schema_version'",
                &[],
            )?;
            if !exists {
                return Ok(0);
            }
            store.query_value("SELECT coalesce(max(version), 0) FROM schema_version", &[])
        }
    }
}

/// Refuses a database written by a newer Chevet, or (for a role that may not migrate) one not
/// yet at this build's version.
pub fn check(store: &Store) -> Result<u32, StoreError> {
    let current = current_version(store)?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: latest_version(),
        });
    }
    if current < latest_version() {
        return Err(StoreError::SchemaTooOld {
            found: current,
            expected: latest_version(),
        });
    }
    Ok(current)
}

/// Applies the missing steps. Refuses a database written by a newer Chevet.
pub fn migrate(store: &mut Store) -> Result<u32, StoreError> {
    if store.backend() == Backend::Postgres {
        store.execute("SELECT pg_advisory_lock(?1)", params![MIGRATION_LOCK])?;
        let result = migrate_locked(store);
        let unlocked = store.execute("SELECT pg_advisory_unlock(?1)", params![MIGRATION_LOCK]);
        let version = result?;
        unlocked?;
        return Ok(version);
    }
    migrate_locked(store)
}

fn migrate_locked(store: &mut Store) -> Result<u32, StoreError> {
    let backend = store.backend();
    if backend == Backend::Postgres {
        store.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_version (
                version     BIGINT PRIMARY KEY,
                name        TEXT NOT NULL,
                applied_at  TEXT NOT NULL
            )",
        )?;
    }
    let current = current_version(store)?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: latest_version(),
        });
    }
    for step in MIGRATIONS.iter().filter(|m| m.version > current) {
        store
            .in_transaction(|store| {
                store.execute_batch(step.sql(backend))?;
                after_step(store, step.version)?;
                match backend {
                    Backend::Sqlite => {
                        store.execute_batch(&format!("PRAGMA user_version = {}", step.version))
                    }
                    Backend::Postgres => store
                        .execute(
                            "INSERT INTO schema_version (version, name, applied_at)
                             VALUES (?1, ?2, ?3)",
                            params![step.version, step.name, super::now_text()],
                        )
                        .map(|_| ()),
                }
            })
            .map_err(|source| StoreError::Migration {
                version: step.version,
                source: Box::new(source),
            })?;
        tracing::info!(
            version = step.version,
            name = step.name,
            "migration applied"
        );
    }
    if backend == Backend::Postgres {
        store.execute_batch(POSTGRES_GRANTS)?;
    }
    Ok(latest_version())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::each_backend;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }

    #[test]
    fn migrates_up_from_empty_and_is_idempotent() {
        each_backend(|mut store| {
            assert_eq!(current_version(&store).expect("version"), latest_version());
            assert_eq!(migrate(&mut store).expect("again"), latest_version());
            assert_eq!(check(&store).expect("check"), latest_version());
            for t in [
                "account", "audit", "document", "episode", "patient", "setting",
            ] {
                let n: i64 = store
                    .query_value(&format!("SELECT count(*) FROM {t}"), &[])
                    .unwrap_or_else(|e| panic!("missing {t}: {e}"));
                assert!(n >= 0);
            }
        });
    }

    #[test]
    fn each_intermediate_version_upgrades() {
        for stop in 1..latest_version() {
            crate::store::testing::each_empty_backend(|mut store| {
                let backend = store.backend();
                for m in MIGRATIONS.iter().filter(|m| m.version <= stop) {
                    store.execute_batch(m.sql(backend)).expect("partial");
                }
                match backend {
                    Backend::Sqlite => store
                        .execute_batch(&format!("PRAGMA user_version = {stop}"))
                        .expect("version"),
                    Backend::Postgres => store
                        .execute_batch(&format!(
                            "CREATE TABLE schema_version (version BIGINT PRIMARY KEY,
                             name TEXT NOT NULL, applied_at TEXT NOT NULL);
                             INSERT INTO schema_version VALUES ({stop}, 'partial', '')"
                        ))
                        .expect("version"),
                }
                assert!(matches!(
                    check(&store),
                    Err(StoreError::SchemaTooOld { .. })
                ));
                assert_eq!(migrate(&mut store).expect("upgrade"), latest_version());
            });
        }
    }

    #[test]
    fn refuses_a_newer_schema() {
        each_backend(|mut store| {
            match store.backend() {
                Backend::Sqlite => store
                    .execute_batch(&format!("PRAGMA user_version = {}", latest_version() + 1))
                    .expect("version"),
                Backend::Postgres => store
                    .execute(
                        "INSERT INTO schema_version VALUES (?1, 'future', '')",
                        params![latest_version() + 1],
                    )
                    .map(|_| ())
                    .expect("version"),
            }
            assert!(matches!(
                migrate(&mut store),
                Err(StoreError::SchemaTooNew { .. })
            ));
        });
    }
}
