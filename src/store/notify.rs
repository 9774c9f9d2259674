//! Live updates of the shared record: the changes other workstations make to folders arrive
//! as PostgreSQL notifications (`chevet_record`, sent by the triggers of migration 9 at
//! commit). A [`Listener`] holds its own connection, waits for them with a timeout and reads
//! each payload: the schema, the table and the patient's local id — never an identity.

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator as _;

use super::postgres::PgConn;
use super::{PgTarget, StoreError};
use crate::domain::PatientId;

/// The channel the triggers notify.
const CHANNEL: &str = "chevet_record";

/// What changed in a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    Patient,
    Episode,
    Document,
    /// The DMP information / opposition of one of its episodes.
    Consent,
}

/// One change to one folder, and the server process that made it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordChange {
    pub patient: PatientId,
    pub kind: ChangeKind,
    /// The writer's server process: a workstation ignores its own.
    pub by_backend: i32,
}

/// Reads a notification's payload, when it is about this record's schema.
fn parse(payload: &str, schema: &str, by_backend: i32) -> Option<RecordChange> {
    #[derive(serde::Deserialize)]
    struct Payload<'a> {
        schema: &'a str,
        table: &'a str,
        patient: Option<i64>,
    }
    let p: Payload<'_> = serde_json::from_str(payload).ok()?;
    if p.schema != schema {
        return None;
    }
    let kind = match p.table {
        "patient" => ChangeKind::Patient,
        "episode" => ChangeKind::Episode,
        "document" | "received_document" | "outbox_item" => ChangeKind::Document,
        "dmp_consent" => ChangeKind::Consent,
        _ => return None,
    };
    Some(RecordChange {
        patient: PatientId(p.patient?),
        kind,
        by_backend,
    })
}

/// A connection listening to the record's changes.
pub struct Listener {
    conn: PgConn,
    schema: String,
}

impl Listener {
    /// Connects (as the workstation does, TLS verified) and starts listening.
    pub fn connect(target: &PgTarget) -> Result<Self, StoreError> {
        let mut conn = PgConn::connect(target)?;
        let rows = conn.query("SELECT current_schema()", &[])?;
        let schema: String = rows
            .first()
            .ok_or_else(|| StoreError::Corrupt("no current schema".into()))?
            .get(0)?;
        conn.batch(&format!("LISTEN {CHANNEL}"))?;
        Ok(Self { conn, schema })
    }

    /// Checks that the server still answers within `timeout` (a dead network gives no error by
    /// itself until TCP gives up, minutes later).
    pub fn is_valid(&mut self, timeout: Duration) -> Result<(), StoreError> {
        Ok(self.conn.client()?.is_valid(timeout)?)
    }

    /// Waits up to `timeout` for changes; every change already arrived is returned with the
    /// first. An empty list: nothing happened. An error: the connection is gone.
    pub fn wait(&mut self, timeout: Duration) -> Result<Vec<RecordChange>, StoreError> {
        let schema = self.schema.clone();
        let mut changes = Vec::new();
        {
            let mut notifications = self.conn.client()?.notifications();
            let first = notifications.timeout_iter(timeout).next()?;
            if let Some(first) = first {
                changes.extend(parse(first.payload(), &schema, first.process_id()));
                let mut pending = notifications.iter();
                while let Some(note) = pending.next()? {
                    changes.extend(parse(note.payload(), &schema, note.process_id()));
                }
                return Ok(changes);
            }
        }
        if self.conn.is_closed() {
            return Err(StoreError::Connect("the record's connection closed".into()));
        }
        Ok(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_of_this_record_are_read_and_others_ignored() {
        let change = parse(
            r#"{"schema":"s","table":"dmp_consent","patient":42}"#,
            "s",
            7,
        );
        assert_eq!(
            change,
            Some(RecordChange {
                patient: PatientId(42),
                kind: ChangeKind::Consent,
                by_backend: 7
            })
        );
        for other in [
            r#"{"schema":"t","table":"document","patient":42}"#,
            r#"{"schema":"s","table":"audit","patient":42}"#,
            r#"{"schema":"s","table":"document","patient":null}"#,
            "not json",
        ] {
            assert_eq!(parse(other, "s", 7), None, "{other}");
        }
    }

    #[test]
    fn committed_writes_of_other_connections_are_heard_rolled_back_ones_not() {
        use crate::store::consent::tests::each_store_with_patient;
        use crate::store::testing::{in_schema, pg_target};
        use crate::store::{Store, db::Backend, episodes};
        let Some(target) = pg_target() else { return };
        each_store_with_patient(|mut store: Store, patient| {
            if store.backend() != Backend::Postgres {
                return;
            }
            let schema: String = store
                .query_value("SELECT current_schema()", &[])
                .expect("schema");
            let mut listener = Listener::connect(&in_schema(&target, &schema)).expect("listen");
            let writer = store.backend_pid().expect("pid");
            let _: Result<(), StoreError> = store.in_transaction(|s| {
                episodes::insert(s, &episode(patient))?;
                Err(StoreError::Duplicate)
            });
            let episode = episodes::insert(&store, &episode(patient)).expect("episode");
            crate::store::consent::record(
                &mut store,
                episode,
                &crate::domain::consent::ConsentChange::informed_not_opposed(),
                "medecin",
            )
            .expect("consent");
            let mut heard = Vec::new();
            while heard.len() < 2 {
                let batch = listener.wait(Duration::from_secs(10)).expect("wait");
                assert!(!batch.is_empty(), "notifications expected, heard {heard:?}");
                heard.extend(batch);
            }
            let expected = |kind| RecordChange {
                patient,
                kind,
                by_backend: writer,
            };
            assert_eq!(
                heard,
                [expected(ChangeKind::Episode), expected(ChangeKind::Consent)]
            );
        });
    }

    fn episode(patient: PatientId) -> crate::store::episodes::NewEpisode {
        crate::store::episodes::NewEpisode {
            patient_id: patient,
            kind: crate::domain::EpisodeKind::Consultation,
            start: chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .expect("date"),
            end: None,
            unit: "Cardiologie".into(),
            finess_geo: "750000010".into(),
        }
    }
}
