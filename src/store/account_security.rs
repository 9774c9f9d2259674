//! A local account's security as stored (migration 19): the password replaced with its
//! history (the previous hashes, none of which may come back), the change required at first
//! use, the second factor (the sealed TOTP secret, the last time step used — taken by one
//! conditional UPDATE so that two workstations cannot both accept the same code) and the
//! recovery codes' digests, each used once. Hashes, digests and sealed bytes only: what makes
//! them is `auth`.

use super::accounts::AccountId;
use super::db::params;
use super::{Store, StoreError, now_text};

/// The sealed TOTP secret and the last time step accepted.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredSecondFactor {
    pub sealed: Vec<u8>,
    pub last_step: Option<i64>,
}

impl std::fmt::Debug for StoredSecondFactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoredSecondFactor")
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

/// Replaces the password's hash; the previous one goes to the history, of which the `keep`
/// most recent are kept. `must_change`: the new password was chosen by someone else.
pub fn replace_password(
    store: &Store,
    id: AccountId,
    new_hash: &str,
    must_change: bool,
    keep: usize,
) -> Result<(), StoreError> {
    store.require_record()?;
    let now = now_text();
    store.execute(
        "INSERT INTO account_password_history (account_id, password_hash, replaced_at)
         SELECT id, password_hash, ?2 FROM account WHERE id = ?1",
        params![id.0, now],
    )?;
    store.execute(
        "DELETE FROM account_password_history WHERE account_id = ?1 AND id NOT IN
           (SELECT id FROM account_password_history WHERE account_id = ?1
            ORDER BY id DESC LIMIT ?2)",
        params![id.0, keep],
    )?;
    store.execute(
        "UPDATE account SET password_hash = ?2, must_change_password = ?3,
            password_changed_at = ?4 WHERE id = ?1",
        params![id.0, new_hash, must_change, now],
    )?;
    Ok(())
}

/// The previous passwords' hashes, most recent first.
pub fn password_history(store: &Store, id: AccountId) -> Result<Vec<String>, StoreError> {
    store
        .query(
            "SELECT password_hash FROM account_password_history WHERE account_id = ?1
             ORDER BY id DESC",
            params![id.0],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The enrolled second factor, if any.
pub fn second_factor(
    store: &Store,
    id: AccountId,
) -> Result<Option<StoredSecondFactor>, StoreError> {
    let Some(r) = store.query_opt(
        "SELECT totp_sealed, totp_last_step FROM account
         WHERE id = ?1 AND totp_sealed IS NOT NULL",
        params![id.0],
    )?
    else {
        return Ok(None);
    };
    Ok(Some(StoredSecondFactor {
        sealed: r.get(0)?,
        last_step: r.get(1)?,
    }))
}

/// Enrols a second factor: its sealed secret, the step its confirmation code used, and new
/// recovery codes (the old ones go).
pub fn enrol(
    store: &Store,
    id: AccountId,
    sealed: &[u8],
    step: i64,
    recovery_digests: &[[u8; 32]],
) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET totp_sealed = ?2, totp_last_step = ?3, totp_enrolled_at = ?4
         WHERE id = ?1",
        params![id.0, sealed, step, now_text()],
    )?;
    store.execute(
        "DELETE FROM account_recovery_code WHERE account_id = ?1",
        params![id.0],
    )?;
    for digest in recovery_digests {
        store.execute(
            "INSERT INTO account_recovery_code (account_id, digest) VALUES (?1, ?2)",
            params![id.0, digest],
        )?;
    }
    Ok(())
}

/// Seals the secret again (the password changed); the step and the codes stay.
pub fn reseal(store: &Store, id: AccountId, sealed: &[u8]) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET totp_sealed = ?2 WHERE id = ?1 AND totp_sealed IS NOT NULL",
        params![id.0, sealed],
    )?;
    Ok(())
}

/// Removes the second factor and its recovery codes.
pub fn remove_second_factor(store: &Store, id: AccountId) -> Result<(), StoreError> {
    store.require_record()?;
    store.execute(
        "UPDATE account SET totp_sealed = NULL, totp_last_step = NULL, totp_enrolled_at = NULL
         WHERE id = ?1",
        params![id.0],
    )?;
    store.execute(
        "DELETE FROM account_recovery_code WHERE account_id = ?1",
        params![id.0],
    )?;
    Ok(())
}

/// Takes the time step `step` for the account: `false` when it (or a later one) was taken
/// already, here or by another workstation (the code is a replay).
pub fn take_step(store: &Store, id: AccountId, step: i64) -> Result<bool, StoreError> {
    let changed = store.execute(
        "UPDATE account SET totp_last_step = ?2
         WHERE id = ?1 AND totp_sealed IS NOT NULL
           AND (totp_last_step IS NULL OR totp_last_step < ?2)",
        params![id.0, step],
    )?;
    Ok(changed == 1)
}

/// Uses a recovery code by its digest: `false` when it is not one of the account's unused ones.
pub fn use_recovery_code(
    store: &Store,
    id: AccountId,
    digest: &[u8; 32],
) -> Result<bool, StoreError> {
    let changed = store.execute(
        "UPDATE account_recovery_code SET used_at = ?3
         WHERE account_id = ?1 AND digest = ?2 AND used_at IS NULL",
        params![id.0, digest, now_text()],
    )?;
    Ok(changed == 1)
}

/// How many recovery codes the account has left.
pub fn recovery_codes_left(store: &Store, id: AccountId) -> Result<usize, StoreError> {
    store.query_value(
        "SELECT count(*) FROM account_recovery_code WHERE account_id = ?1 AND used_at IS NULL",
        params![id.0],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::accounts;
    use crate::store::testing::each_backend;

    #[test]
    fn passwords_replaced_keep_a_bounded_history_and_the_first_use_flag() {
        each_backend(|store| {
            let id = accounts::insert(&store, "a", "A", Role::Medecin, "h0", None).expect("a");
            let other = accounts::insert(&store, "b", "B", Role::Medecin, "b0", None).expect("b");
            for n in 1..=7 {
                replace_password(&store, id, &format!("h{n}"), n == 7, 4).expect("replace");
            }
            replace_password(&store, other, "b1", false, 4).expect("other");
            assert_eq!(
                password_history(&store, id).expect("history"),
                ["h6", "h5", "h4", "h3"]
            );
            assert_eq!(password_history(&store, other).expect("history"), ["b0"]);
            let account = accounts::by_id(&store, id).expect("read").expect("row");
            assert_eq!(account.password_hash, "h7");
            assert!(account.must_change_password);
            replace_password(&store, id, "h8", false, 4).expect("changed by the user");
            let account = accounts::by_id(&store, id).expect("read").expect("row");
            assert!(!account.must_change_password);
        });
    }

    #[test]
    fn a_second_factor_takes_each_step_once_and_each_recovery_code_once() {
        each_backend(|store| {
            let id = accounts::insert(&store, "a", "A", Role::Medecin, "h", None).expect("a");
            assert_eq!(second_factor(&store, id).expect("none"), None);
            assert!(!take_step(&store, id, 5).expect("no factor, no step"));
            enrol(&store, id, b"sealed", 10, &[[1; 32], [2; 32]]).expect("enrol");
            let stored = second_factor(&store, id).expect("read").expect("enrolled");
            assert_eq!(
                (stored.sealed.as_slice(), stored.last_step),
                (&b"sealed"[..], Some(10))
            );
            assert!(
                format!("{stored:?}").contains("last_step")
                    && !format!("{stored:?}").contains("115")
            );
            assert!(
                accounts::by_id(&store, id)
                    .expect("read")
                    .expect("row")
                    .second_factor
            );
            assert!(!take_step(&store, id, 10).expect("replay"));
            assert!(!take_step(&store, id, 9).expect("older"));
            assert!(take_step(&store, id, 11).expect("next"));
            assert_eq!(recovery_codes_left(&store, id).expect("left"), 2);
            assert!(use_recovery_code(&store, id, &[1; 32]).expect("first use"));
            assert!(!use_recovery_code(&store, id, &[1; 32]).expect("second use"));
            assert!(!use_recovery_code(&store, id, &[3; 32]).expect("unknown"));
            assert_eq!(recovery_codes_left(&store, id).expect("left"), 1);
            reseal(&store, id, b"resealed").expect("reseal");
            let stored = second_factor(&store, id).expect("read").expect("enrolled");
            assert_eq!(
                (stored.sealed.as_slice(), stored.last_step),
                (&b"resealed"[..], Some(11))
            );
            remove_second_factor(&store, id).expect("remove");
            assert_eq!(second_factor(&store, id).expect("gone"), None);
            assert_eq!(recovery_codes_left(&store, id).expect("left"), 0);
            assert!(
                !accounts::by_id(&store, id)
                    .expect("read")
                    .expect("row")
                    .second_factor
            );
        });
    }
}
