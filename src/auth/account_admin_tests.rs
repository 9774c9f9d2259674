//! Tests of `auth::account_admin`: each change and its audit row, the last administrator
//! kept, the password reset (temporary password, second factor removed), and the CSV export.

use super::*;
use crate::auth::credentials;
use crate::auth::totp::TotpSecret;
use crate::store::audit::with_action;
use crate::store::testing::each_backend;

fn secret(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.to_owned())
}

#[test]
fn issue17_every_change_is_applied_and_traced() {
    each_backend(|mut store| {
        let admin = local::create_account(
            &mut store,
            "system",
            "admin",
            "Admin",
            Role::Administrateur,
            &secret("Administrateur-2026!"),
        )
        .expect("admin");
        let (id, temporary) =
            create(&mut store, "admin", "interne", "Interne", Role::Interne).expect("created");
        assert!(matches!(
            create(&mut store, "admin", "INTERNE", "Autre", Role::Interne),
            Err(AuthError::LoginTaken)
        ));
        assert!(password_policy::check(&temporary, Role::Administrateur, "interne").is_ok());
        let change_to = |store: &mut Store, c: AccountChange| change(store, "admin", id, &c);
        change_to(&mut store, AccountChange::DisplayName("Dr Interne".into())).expect("name");
        change_to(&mut store, AccountChange::Role(Role::Medecin)).expect("role");
        change_to(&mut store, AccountChange::Active(false)).expect("disabled");
        assert!(matches!(
            local::login(&mut store, "interne", &temporary),
            Err(AuthError::Disabled)
        ));
        change_to(&mut store, AccountChange::Active(true)).expect("enabled");
        for _ in 0..local::MAX_FAILED_ATTEMPTS {
            let _ = local::login(&mut store, "interne", &secret("mauvais"));
        }
        assert!(matches!(
            local::login(&mut store, "interne", &temporary),
            Err(AuthError::Locked)
        ));
        change_to(&mut store, AccountChange::Unlock).expect("unlocked");
        let session = credentials::change_expired_password(
            &mut store,
            "interne",
            &temporary,
            &secret("Docteur-a-moi-1"),
        )
        .expect("first use");
        let totp = TotpSecret::generate();
        let t = 1_234_567_890;
        credentials::confirm_enrolment(
            &mut store,
            session.account_id,
            &secret("Docteur-a-moi-1"),
            &totp,
            &totp.code_at(t),
            t,
        )
        .expect("enrolled");
        change_to(&mut store, AccountChange::ResetSecondFactor).expect("factor reset");
        assert!(
            !accounts::by_id(&store, id)
                .expect("read")
                .expect("row")
                .second_factor
        );
        credentials::confirm_enrolment(
            &mut store,
            id,
            &secret("Docteur-a-moi-1"),
            &totp,
            &totp.code_at(t + 30),
            t + 30,
        )
        .expect("enrolled again");
        let reset = change_to(&mut store, AccountChange::ResetPassword)
            .expect("reset")
            .expect("a temporary password");
        let account = accounts::by_id(&store, id).expect("read").expect("row");
        assert!(account.must_change_password && !account.second_factor);
        assert_eq!(
            (account.display_name.as_str(), account.role),
            ("Dr Interne", Role::Medecin)
        );
        assert!(matches!(
            local::login(&mut store, "interne", &reset),
            Err(AuthError::PasswordChangeRequired)
        ));
        for (action, count) in [
            (AuditAction::AccountCreated, 2),
            (AuditAction::AccountUpdated, 1),
            (AuditAction::AccountRoleChanged, 1),
            (AuditAction::AccountDisabled, 1),
            (AuditAction::AccountEnabled, 1),
            (AuditAction::AccountUnlocked, 1),
            (AuditAction::PasswordChanged, 1),
            (AuditAction::SecondFactorEnrolled, 2),
            (AuditAction::SecondFactorReset, 1),
            (AuditAction::PasswordReset, 1),
        ] {
            let rows = with_action(&store, action).expect("rows");
            assert_eq!(rows.len(), count, "{action:?}");
        }
        let role = with_action(&store, AuditAction::AccountRoleChanged).expect("rows");
        assert_eq!(
            (
                role[0].actor.as_str(),
                role[0].object_id.as_str(),
                role[0].detail.as_str()
            ),
            (
                "admin",
                id.0.to_string().as_str(),
                "from=interne;to=medecin"
            )
        );
        let reset_row = with_action(&store, AuditAction::PasswordReset).expect("rows");
        assert_eq!(reset_row[0].detail, "second-factor-removed=true");
        assert!(audit::verify(&store).expect("verify").is_intact());
        let _ = admin;
    });
}

#[test]
fn issue17_the_last_administrator_keeps_the_role_and_nobody_disables_themself() {
    each_backend(|mut store| {
        let admin = local::create_account(
            &mut store,
            "system",
            "admin",
            "Admin",
            Role::Administrateur,
            &secret("Administrateur-2026!"),
        )
        .expect("admin");
        assert!(matches!(
            change(
                &mut store,
                "admin",
                admin,
                &AccountChange::Role(Role::Medecin)
            ),
            Err(AuthError::LastAdministrator)
        ));
        assert!(matches!(
            change(&mut store, "admin", admin, &AccountChange::Active(false)),
            Err(AuthError::LastAdministrator)
        ));
        let (second, _) = create(
            &mut store,
            "admin",
            "admin2",
            "Admin 2",
            Role::Administrateur,
        )
        .expect("second");
        change(
            &mut store,
            "admin",
            second,
            &AccountChange::Role(Role::Medecin),
        )
        .expect("not the last");
        assert!(matches!(
            change(&mut store, "admin", AccountId(9999), &AccountChange::Unlock),
            Err(AuthError::UnknownAccount)
        ));
    });
}

#[test]
fn issue17_the_export_is_a_french_spreadsheet_csv_with_formulas_neutralised() {
    let mut store = Store::open_in_memory(&crate::store::DbKey::generate()).expect("store");
    create(
        &mut store,
        "admin",
        "=cmd|' /C calc'!A0",
        "Dr; \"Quote\"",
        Role::Medecin,
    )
    .expect("a");
    create(&mut store, "admin", "zoe", "-2+3", Role::Secretaire).expect("b");
    let csv = export_csv(&accounts::list(&store).expect("list"), chrono::Utc::now());
    assert!(csv.starts_with('\u{feff}'));
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
    assert_eq!(lines.len(), 5, "stamp, header, two rows, and the last CRLF");
    assert!(
        lines[0].starts_with("Chevet "),
        "the producer and version first"
    );
    let lines = &lines[1..];
    assert!(lines[0].starts_with("Identifiant;Nom affiché;Rôle;Actif;"));
    assert!(lines[1].starts_with("'=cmd|' /C calc'!A0;\"Dr; \"\"Quote\"\"\";medecin;oui;"));
    assert!(lines[2].starts_with("zoe;'-2+3;secretaire;oui;"));
    assert!(
        lines[1].contains(";non;oui;"),
        "no second factor, password to change"
    );
    assert_eq!(lines[3], "");
    assert!(!csv.contains('\n') || csv.matches('\n').count() == csv.matches("\r\n").count());
}
