//! The last DMP status a workstation saw for a folder (migration 11): the badge and the count of
//! new documents, per professional, with when. Workstation-local data: the single
//! workstation's record, or an establishment workstation's cache.

use chrono::NaiveDate;

use super::db::params;
use super::{Store, StoreError, now_text};
use crate::domain::PatientId;
use crate::domain::dmp::DmpBadge;

/// What was last seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastStatus {
    pub badge: DmpBadge,
    /// New documents and those invisible to the patient, when counted.
    pub new_documents: Option<(usize, usize)>,
    pub count_since: Option<NaiveDate>,
    /// ISO 8601 UTC.
    pub seen_at: String,
}

/// The last status `professional` saw for `patient`.
pub fn last(
    store: &Store,
    patient: PatientId,
    professional: &str,
) -> Result<Option<LastStatus>, StoreError> {
    let Some(row) = store.query_opt(
        "SELECT badge, new_count, new_invisible, count_since, seen_at FROM dmp_last_status
         WHERE patient_id = ?1 AND professional = ?2",
        params![patient.0, professional],
    )?
    else {
        return Ok(None);
    };
    let badge: String = row.get(0)?;
    let count: Option<usize> = row.get(1)?;
    let invisible: Option<usize> = row.get(2)?;
    let since: Option<String> = row.get(3)?;
    Ok(Some(LastStatus {
        badge: DmpBadge::from_code(&badge).ok_or_else(|| StoreError::Corrupt("badge".into()))?,
        new_documents: count.map(|c| (c, invisible.unwrap_or(0))),
        count_since: since.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok()),
        seen_at: row.get(4)?,
    }))
}

/// Records the badge just received (the count is kept until a new one comes).
pub fn set_badge(
    store: &Store,
    patient: PatientId,
    professional: &str,
    badge: DmpBadge,
) -> Result<(), StoreError> {
    store.execute(
        "INSERT INTO dmp_last_status (patient_id, professional, badge, seen_at)
         VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (patient_id, professional) DO UPDATE SET
            badge = excluded.badge, seen_at = excluded.seen_at,
            new_count = CASE WHEN excluded.badge = 'authorized' THEN new_count END,
            new_invisible = CASE WHEN excluded.badge = 'authorized' THEN new_invisible END",
        params![patient.0, professional, badge.code(), now_text()],
    )?;
    Ok(())
}

/// Records the count of new documents just received.
pub fn set_count(
    store: &Store,
    patient: PatientId,
    professional: &str,
    count: usize,
    invisible: usize,
    since: Option<NaiveDate>,
) -> Result<(), StoreError> {
    let since = since.map(|d| d.format("%Y-%m-%d").to_string());
    store.execute(
        "UPDATE dmp_last_status SET new_count = ?3, new_invisible = ?4, count_since = ?5
         WHERE patient_id = ?1 AND professional = ?2",
        params![patient.0, professional, count, invisible, since],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::consent::tests::each_store_with_patient;
    use crate::store::db::Backend;

    #[test]
    fn the_last_badge_and_count_are_kept_per_professional() {
        each_store_with_patient(|store, patient| {
            if store.backend() == Backend::Postgres {
                return; // workstation-local: not in the shared record
            }
            assert_eq!(last(&store, patient, "8001").expect("none"), None);
            set_badge(&store, patient, "8001", DmpBadge::Authorized).expect("badge");
            let day = NaiveDate::from_ymd_opt(2026, 11, 30);
            set_count(&store, patient, "8001", 3, 1, day).expect("count");
            let seen = last(&store, patient, "8001").expect("read").expect("seen");
            assert_eq!(
                (seen.badge, seen.new_documents, seen.count_since),
                (DmpBadge::Authorized, Some((3, 1)), day)
            );
            assert_eq!(last(&store, patient, "8002").expect("other"), None);
            set_badge(&store, patient, "8001", DmpBadge::NotAuthorized).expect("badge");
            let seen = last(&store, patient, "8001").expect("read").expect("seen");
            assert_eq!(
                seen.new_documents, None,
                "a count without authorization is stale"
            );
        });
    }
}
