//! Schema migrations, one SQL file per step, applied in order inside one transaction each.
//! `PRAGMA user_version` records the last step applied; steps are never edited once shipped.

use rusqlite::Connection;

use super::StoreError;

/// One migration step.
pub struct Migration {
    pub version: u32,
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every step, in order. Append only.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "identities",
        sql: include_str!("0001_identities.sql"),
    },
    Migration {
        version: 2,
        name: "documents",
        sql: include_str!("0002_documents.sql"),
    },
    Migration {
        version: 3,
        name: "accounts_audit",
        sql: include_str!("0003_accounts_audit.sql"),
    },
    Migration {
        version: 4,
        name: "account_professional",
        sql: include_str!("0004_account_professional.sql"),
    },
    Migration {
        version: 5,
        name: "identity_links",
        sql: include_str!("0005_identity_links.sql"),
    },
    Migration {
        version: 6,
        name: "dmp_consent",
        sql: include_str!("0006_dmp_consent.sql"),
    },
    Migration {
        version: 7,
        name: "document_integration",
        sql: include_str!("0007_document_integration.sql"),
    },
    Migration {
        version: 8,
        name: "dmp_list_seen",
        sql: include_str!("0008_dmp_list_seen.sql"),
    },
];

/// The schema version this build expects.
pub fn latest_version() -> u32 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

/// Applies the missing steps. Refuses a database written by a newer Chevet.
pub fn migrate(conn: &mut Connection) -> Result<u32, StoreError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest_version() {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: latest_version(),
        });
    }
    for step in MIGRATIONS.iter().filter(|m| m.version > current) {
        let tx = conn.transaction()?;
        tx.execute_batch(step.sql)
            .map_err(|source| StoreError::Migration {
                version: step.version,
                source,
            })?;
        tx.pragma_update(None, "user_version", step.version)?;
        tx.commit()?;
        tracing::info!(
            version = step.version,
            name = step.name,
            "migration applied"
        );
    }
    Ok(latest_version())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_consecutive_from_one() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version as usize, i + 1, "{}", m.name);
        }
    }

    #[test]
    fn migrates_up_from_empty_and_is_idempotent() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        assert_eq!(migrate(&mut conn).expect("first"), latest_version());
        assert_eq!(migrate(&mut conn).expect("second"), latest_version());
        let tables: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .and_then(|mut s| {
                s.query_map([], |r| r.get(0))?
                    .collect::<Result<Vec<String>, _>>()
            })
            .expect("tables");
        for t in [
            "account", "audit", "document", "episode", "patient", "setting",
        ] {
            assert!(tables.iter().any(|x| x == t), "missing {t}");
        }
    }

    #[test]
    fn each_intermediate_version_upgrades() {
        for stop in 1..latest_version() {
            let mut conn = Connection::open_in_memory().expect("memory db");
            for m in MIGRATIONS.iter().filter(|m| m.version <= stop) {
                conn.execute_batch(m.sql).expect("partial");
            }
            conn.pragma_update(None, "user_version", stop)
                .expect("version");
            assert_eq!(migrate(&mut conn).expect("upgrade"), latest_version());
        }
    }

    #[test]
    fn refuses_a_newer_schema() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.pragma_update(None, "user_version", latest_version() + 1)
            .expect("version");
        assert!(matches!(
            migrate(&mut conn),
            Err(StoreError::SchemaTooNew { .. })
        ));
    }
}
