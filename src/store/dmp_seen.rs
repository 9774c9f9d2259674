//! When each folder's DMP list was last shown (migration 8): a reference event for the count
//! of new DMP documents.

use super::db::params;
use super::{Store, StoreError, datetime_text, parse_datetime};
use crate::domain::PatientId;
use chrono::NaiveDateTime;

/// Records that the folder's DMP list was shown at `at` (UTC).
pub fn mark(store: &Store, patient: PatientId, at: NaiveDateTime) -> Result<(), StoreError> {
    store.execute(
        "INSERT INTO dmp_list_seen (patient_id, seen_at) VALUES (?1, ?2)
         ON CONFLICT (patient_id) DO UPDATE SET seen_at = excluded.seen_at",
        params![patient.0, datetime_text(&at)],
    )?;
    Ok(())
}

/// When the folder's DMP list was last shown (UTC), if ever.
pub fn last(store: &Store, patient: PatientId) -> Result<Option<NaiveDateTime>, StoreError> {
    let text: Option<String> = store
        .query_opt(
            "SELECT seen_at FROM dmp_list_seen WHERE patient_id = ?1",
            params![patient.0],
        )?
        .map(|r| r.get(0))
        .transpose()?;
    text.as_deref().map(parse_datetime).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::consent::tests::each_store_with_patient;

    #[test]
    fn the_last_showing_is_kept() {
        each_store_with_patient(|store, patient| {
            assert_eq!(last(&store, patient).expect("none"), None);
            let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").expect("time");
            mark(&store, patient, at("2026-11-20 10:00")).expect("mark");
            mark(&store, patient, at("2026-11-23 09:30")).expect("again");
            assert_eq!(
                last(&store, patient).expect("seen"),
                Some(at("2026-11-23 09:30"))
            );
        });
    }
}
