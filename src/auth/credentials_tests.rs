//! Tests of `auth::credentials`: the second factor at sign-in (TOTP, replay, recovery codes,
//! failures counted), the password changed (policy, history, the secret sealed again), and
//! the change at first use; on both backends where the store matters.

use super::*;
use crate::domain::Role;
use crate::store::audit::with_action;
use crate::store::testing::each_backend;

fn secret(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.to_owned())
}

const PASSWORD: &str = "Bon-mot-de-passe-1";
/// 2009-02-13T23:31:30Z, a step boundary.
const T: u64 = 1_234_567_890;

fn medecin(store: &mut Store) -> AccountId {
    local::create_account(
        store,
        "system",
        "medecin",
        "Dr M",
        Role::Medecin,
        &secret(PASSWORD),
    )
    .expect("account")
}

fn enrolled(store: &mut Store) -> (AccountId, TotpSecret, Vec<Zeroizing<String>>) {
    let id = medecin(store);
    let totp = TotpSecret::generate();
    let codes = confirm_enrolment(store, id, &secret(PASSWORD), &totp, &totp.code_at(T), T)
        .expect("enrolled");
    (id, totp, codes)
}

#[test]
fn issue17_a_second_factor_account_signs_in_with_its_code_once() {
    each_backend(|mut store| {
        let (id, totp, codes) = enrolled(&mut store);
        assert_eq!(codes.len(), 10);
        assert!(matches!(
            local::login(&mut store, "medecin", &secret(PASSWORD)),
            Err(AuthError::SecondFactorRequired)
        ));
        // The enrolment's code is used already.
        assert!(matches!(
            login(
                &mut store,
                "medecin",
                &secret(PASSWORD),
                &totp.code_at(T),
                T
            ),
            Err(AuthError::SecondFactorInvalid)
        ));
        let later = T + 60;
        let session = login(
            &mut store,
            "medecin",
            &secret(PASSWORD),
            &totp.code_at(later),
            later,
        )
        .expect("signed in");
        assert_eq!(session.method, LoginMethod::PasswordSecondFactor);
        assert!(session.method.is_strong() && !LoginMethod::Password.is_strong());
        assert!(matches!(
            login(
                &mut store,
                "medecin",
                &secret(PASSWORD),
                &totp.code_at(later),
                later
            ),
            Err(AuthError::SecondFactorInvalid)
        ));
        // A wrong password never reaches the second factor.
        assert!(matches!(
            login(
                &mut store,
                "medecin",
                &secret("Autre-mot-de-passe-1"),
                &totp.code_at(later + 30),
                later + 30
            ),
            Err(AuthError::BadCredentials)
        ));
        // A recovery code, once.
        let recovery = codes[3].to_lowercase().replace('-', " ");
        login(
            &mut store,
            "medecin",
            &secret(PASSWORD),
            &recovery,
            later + 90,
        )
        .expect("recovery");
        assert!(matches!(
            login(
                &mut store,
                "medecin",
                &secret(PASSWORD),
                &codes[3],
                later + 120
            ),
            Err(AuthError::SecondFactorInvalid)
        ));
        let used = with_action(&store, AuditAction::RecoveryCodeUsed).expect("rows");
        assert_eq!((used.len(), used[0].detail.as_str()), (1, "left=9"));
        assert_eq!(
            with_action(&store, AuditAction::SecondFactorEnrolled)
                .expect("rows")
                .len(),
            1
        );
        assert!(
            !with_action(&store, AuditAction::LoginSecondFactorFailed)
                .expect("rows")
                .is_empty()
        );
        assert_eq!(
            account_security::recovery_codes_left(&store, id).expect("left"),
            9
        );
        assert!(audit::verify(&store).expect("verify").is_intact());
    });
}

#[test]
fn issue17_wrong_codes_count_as_failures_and_lock_the_account() {
    let mut store = Store::open_in_memory(&crate::store::DbKey::generate()).expect("store");
    let (_, totp, _) = enrolled(&mut store);
    for n in 0..local::MAX_FAILED_ATTEMPTS {
        let result = login(&mut store, "medecin", &secret(PASSWORD), "000000", T + 300);
        if n + 1 < local::MAX_FAILED_ATTEMPTS {
            assert!(matches!(result, Err(AuthError::SecondFactorInvalid)), "{n}");
        } else {
            assert!(matches!(result, Err(AuthError::Locked)), "{n}");
        }
    }
    assert!(matches!(
        login(
            &mut store,
            "medecin",
            &secret(PASSWORD),
            &totp.code_at(T + 600),
            T + 600
        ),
        Err(AuthError::Locked)
    ));
}

#[test]
fn issue17_a_changed_password_follows_the_policy_and_the_history_and_keeps_the_factor() {
    each_backend(|mut store| {
        let (id, totp, _) = enrolled(&mut store);
        let change = |store: &mut Store, current: &str, new: &str| {
            change_password(store, id, &secret(current), &secret(new))
        };
        assert!(matches!(
            change(&mut store, PASSWORD, "court"),
            Err(AuthError::PasswordTooShort)
        ));
        assert!(matches!(
            change(&mut store, PASSWORD, PASSWORD),
            Err(AuthError::PasswordReused)
        ));
        assert!(matches!(
            change(&mut store, "Pas-le-bon-mot-1", "Nouveau-mot-de-passe-2"),
            Err(AuthError::BadCredentials)
        ));
        let mut current = PASSWORD.to_owned();
        for n in 2..=6 {
            let next = format!("Nouveau-mot-de-passe-{n}");
            change(&mut store, &current, &next).expect("changed");
            current = next;
        }
        // The last five (the current one included) may not come back; the sixth may.
        assert!(matches!(
            change(&mut store, &current, "Nouveau-mot-de-passe-2"),
            Err(AuthError::PasswordReused)
        ));
        change(&mut store, &current, PASSWORD).expect("old enough");
        // The second factor follows the password.
        let session = login(
            &mut store,
            "medecin",
            &secret(PASSWORD),
            &totp.code_at(T + 90),
            T + 90,
        )
        .expect("second factor opened with the new password");
        assert_eq!(session.account_id, id);
        assert_eq!(
            with_action(&store, AuditAction::PasswordChanged)
                .expect("rows")
                .len(),
            6
        );
        let refused = with_action(&store, AuditAction::PasswordChangeRefused).expect("rows");
        assert_eq!(refused.len(), 3);
        assert_eq!(refused[0].detail, "error-password-policy-length");
    });
}

#[test]
fn issue17_a_temporary_password_is_changed_at_first_use() {
    each_backend(|mut store| {
        let (id, temporary) = crate::auth::account_admin::create(
            &mut store,
            "admin",
            "interne",
            "Interne",
            Role::Interne,
        )
        .expect("created");
        assert!(matches!(
            local::login(&mut store, "interne", &temporary),
            Err(AuthError::PasswordChangeRequired)
        ));
        assert!(matches!(
            change_expired_password(&mut store, "interne", &temporary, &temporary),
            Err(AuthError::PasswordReused)
        ));
        let session = change_expired_password(
            &mut store,
            "interne",
            &temporary,
            &secret("Mon-propre-mot-1"),
        )
        .expect("changed and signed in");
        assert_eq!(
            (session.account_id, session.method),
            (id, LoginMethod::Password)
        );
        local::login(&mut store, "interne", &secret("Mon-propre-mot-1")).expect("plain sign-in");
        // Not due any more.
        assert!(matches!(
            change_expired_password(
                &mut store,
                "interne",
                &secret("Mon-propre-mot-1"),
                &secret("Encore-un-mot-2")
            ),
            Err(AuthError::ChangeNotDue)
        ));
    });
}
