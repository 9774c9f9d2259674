//! Links between an external identity (trust domain + national id) and a local account:
//! made at once after the account's password was given, or requested and left pending until
//! an administrator approves it.

use super::accounts::AccountId;
use super::db::{Row, params};
use super::{Store, StoreError, now_text};

/// State of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Linked,
    Pending,
}

impl LinkStatus {
    fn code(self) -> &'static str {
        match self {
            Self::Linked => "linked",
            Self::Pending => "pending",
        }
    }
}

/// One link row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityLink {
    pub id: i64,
    pub trust_domain: String,
    pub national_id: String,
    pub account_id: AccountId,
    pub status: LinkStatus,
    pub created_at: String,
}

/// The link of an external identity, whatever its status.
pub fn find(
    store: &Store,
    trust_domain: &str,
    national_id: &str,
) -> Result<Option<IdentityLink>, StoreError> {
    store
        .query_opt(
            "SELECT id, trust_domain, national_id, account_id, status, created_at
             FROM identity_link WHERE trust_domain = ?1 AND national_id = ?2",
            params![trust_domain, national_id],
        )?
        .as_ref()
        .map(row)
        .transpose()
}

/// Links (or re-links) an identity to an account, replacing any pending request.
pub fn link(
    store: &Store,
    trust_domain: &str,
    national_id: &str,
    account: AccountId,
    decided_by: &str,
) -> Result<(), StoreError> {
    upsert(
        store,
        trust_domain,
        national_id,
        account,
        LinkStatus::Linked,
        Some(decided_by),
    )
}

/// Records a request to link, waiting for an administrator.
pub fn request(
    store: &Store,
    trust_domain: &str,
    national_id: &str,
    account: AccountId,
) -> Result<(), StoreError> {
    upsert(
        store,
        trust_domain,
        national_id,
        account,
        LinkStatus::Pending,
        None,
    )
}

fn upsert(
    store: &Store,
    trust_domain: &str,
    national_id: &str,
    account: AccountId,
    status: LinkStatus,
    decided_by: Option<&str>,
) -> Result<(), StoreError> {
    store.require_record()?;
    let now = now_text();
    store.execute(
        "INSERT INTO identity_link
            (trust_domain, national_id, account_id, status, created_at, decided_by, decided_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN CAST(?6 AS TEXT) IS NULL THEN NULL ELSE ?5 END)
         ON CONFLICT (trust_domain, national_id) DO UPDATE SET
            account_id = excluded.account_id, status = excluded.status,
            created_at = excluded.created_at, decided_by = excluded.decided_by,
            decided_at = excluded.decided_at",
        params![
            trust_domain,
            national_id,
            account.0,
            status.code(),
            now,
            decided_by
        ],
    )?;
    Ok(())
}

/// Requests waiting for an administrator, oldest first.
pub fn pending(store: &Store) -> Result<Vec<IdentityLink>, StoreError> {
    store.require_record()?;
    store
        .query(
            "SELECT id, trust_domain, national_id, account_id, status, created_at
             FROM identity_link WHERE status = 'pending' ORDER BY created_at, id",
            &[],
        )?
        .iter()
        .map(row)
        .collect()
}

/// Approves a pending request; false when there was none with that id.
pub fn approve(store: &Store, id: i64, admin: &str) -> Result<bool, StoreError> {
    store.require_record()?;
    let changed = store.execute(
        "UPDATE identity_link SET status = 'linked', decided_by = ?2, decided_at = ?3
         WHERE id = ?1 AND status = 'pending'",
        params![id, admin, now_text()],
    )?;
    Ok(changed == 1)
}

/// Refuses a pending request (the row is removed).
pub fn refuse(store: &Store, id: i64) -> Result<bool, StoreError> {
    store.require_record()?;
    let changed = store.execute(
        "DELETE FROM identity_link WHERE id = ?1 AND status = 'pending'",
        params![id],
    )?;
    Ok(changed == 1)
}

fn row(r: &Row) -> Result<IdentityLink, StoreError> {
    let status: String = r.get(4)?;
    Ok(IdentityLink {
        id: r.get(0)?,
        trust_domain: r.get(1)?,
        national_id: r.get(2)?,
        account_id: AccountId(r.get(3)?),
        status: if status == "linked" {
            LinkStatus::Linked
        } else {
            LinkStatus::Pending
        },
        created_at: r.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::accounts;
    use crate::store::testing::each_backend;

    #[test]
    fn request_then_approve_then_relink() {
        each_backend(|store| {
            let a = accounts::insert(&store, "a", "A", Role::Medecin, "x", None).expect("a");
            let b = accounts::insert(&store, "b", "B", Role::Medecin, "x", None).expect("b");
            assert_eq!(find(&store, "ans", "810101234567").expect("find"), None);
            request(&store, "ans", "810101234567", a).expect("request");
            let pending_rows = pending(&store).expect("pending");
            assert_eq!(pending_rows.len(), 1);
            assert_eq!(pending_rows[0].status, LinkStatus::Pending);
            assert!(approve(&store, pending_rows[0].id, "admin").expect("approve"));
            assert!(!approve(&store, pending_rows[0].id, "admin").expect("twice"));
            let found = find(&store, "ans", "810101234567")
                .expect("find")
                .expect("row");
            assert_eq!((found.account_id, found.status), (a, LinkStatus::Linked));
            link(&store, "ans", "810101234567", b, "b").expect("relink");
            let found = find(&store, "ans", "810101234567")
                .expect("find")
                .expect("row");
            assert_eq!(found.account_id, b);
            assert!(pending(&store).expect("pending").is_empty());
            // Another trust domain is another identity.
            assert_eq!(
                find(&store, "idp-hopital", "810101234567").expect("f"),
                None
            );
        });
    }

    #[test]
    fn refuse_removes_only_pending_rows() {
        each_backend(|store| {
            let a = accounts::insert(&store, "a", "A", Role::Medecin, "x", None).expect("a");
            request(&store, "ans", "1", a).expect("request");
            let id = pending(&store).expect("pending")[0].id;
            assert!(refuse(&store, id).expect("refuse"));
            link(&store, "ans", "2", a, "a").expect("link");
            let linked = find(&store, "ans", "2").expect("find").expect("row").id;
            assert!(!refuse(&store, linked).expect("not pending"));
        });
    }
}
