//! The password policy of local accounts (DSR SC.SSI/IAM.92, ANSSI's recommendations on
//! authentication and passwords, CNIL deliberation 2022-100): at least 12 characters, 16 for
//! administrators (privileged accounts); below 20 characters, three of the four kinds
//! (lower case, upper case, digit, other) — a longer passphrase needs none; never the login
//! inside; none of the last five passwords again; five failures in a row lock the account
//! (`auth::local`); a password chosen by someone else (creation or reset by an administrator)
//! must be changed at its first use. No periodic expiry (ANSSI: it pushes users to weaker
//! passwords). Temporary passwords are generated here.

use argon2::password_hash::{PasswordHash, PasswordVerifier};
use zeroize::Zeroizing;

use super::local::AuthError;
use crate::domain::Role;

/// Shortest password of an ordinary account.
pub const MIN_CHARS: usize = 12;
/// Shortest password of an administrator's account.
pub const MIN_CHARS_ADMIN: usize = 16;
/// From this length on, a passphrase needs no particular kinds of characters.
pub const PASSPHRASE_CHARS: usize = 20;
/// Kinds of characters (of four) a shorter password mixes.
pub const MIN_KINDS: usize = 3;
/// Passwords remembered: a new one may be none of the last this many (the current included).
pub const HISTORY: usize = 5;
/// Length of a generated temporary password.
pub const TEMPORARY_CHARS: usize = 16;

/// The shortest password `role` may have.
pub fn min_chars(role: Role) -> usize {
    if role == Role::Administrateur {
        MIN_CHARS_ADMIN
    } else {
        MIN_CHARS
    }
}

/// Checks a new password for an account of `role` named `login`.
pub fn check(password: &str, role: Role, login: &str) -> Result<(), AuthError> {
    let chars = password.chars().count();
    if chars < min_chars(role) {
        return Err(if role == Role::Administrateur {
            AuthError::PasswordTooShortAdmin
        } else {
            AuthError::PasswordTooShort
        });
    }
    if chars < PASSPHRASE_CHARS && kinds(password) < MIN_KINDS {
        return Err(AuthError::PasswordTooSimple);
    }
    let login = login.trim().to_lowercase();
    if login.chars().count() >= 3 && password.to_lowercase().contains(&login) {
        return Err(AuthError::PasswordContainsLogin);
    }
    let mut distinct: Vec<char> = password.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 5 {
        return Err(AuthError::PasswordTooSimple);
    }
    Ok(())
}

/// How many of the four kinds (lower case, upper case, digit, other) `password` mixes.
pub fn kinds(password: &str) -> usize {
    let has = |f: fn(&char) -> bool| password.chars().any(|c| f(&c));
    [
        has(|c| c.is_lowercase()),
        has(|c| c.is_uppercase()),
        has(char::is_ascii_digit),
        has(|c| !c.is_alphanumeric()),
    ]
    .into_iter()
    .filter(|k| *k)
    .count()
}

/// Whether `password` is one of the remembered hashes (argon2id PHC strings).
pub fn reused(password: &str, remembered: &[String]) -> bool {
    remembered.iter().any(|phc| {
        PasswordHash::new(phc).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
}

/// A temporary password that meets the policy of every role: 16 characters, every kind, no
/// look-alike characters (read aloud or copied from a screen).
pub fn temporary_password() -> Zeroizing<String> {
    const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
    const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    const DIGIT: &[u8] = b"23456789";
    const OTHER: &[u8] = b"-+=!?#";
    let pick = |set: &[u8]| char::from(set[rand::random_range(0..set.len())]);
    loop {
        let all: Vec<u8> = [LOWER, UPPER, DIGIT, OTHER].concat();
        let mut password = Zeroizing::new(String::with_capacity(TEMPORARY_CHARS));
        for _ in 0..TEMPORARY_CHARS {
            password.push(pick(&all));
        }
        if kinds(&password) == 4 && check(&password, Role::Administrateur, "").is_ok() {
            return password;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::local::hash_password;

    #[test]
    fn length_depends_on_the_role() {
        assert!(matches!(
            check("Court-1!abc", Role::Medecin, "m"),
            Err(AuthError::PasswordTooShort)
        ));
        assert!(check("Assez-long-1", Role::Medecin, "m").is_ok());
        assert!(matches!(
            check("Assez-long-1", Role::Administrateur, "a"),
            Err(AuthError::PasswordTooShortAdmin)
        ));
        assert!(check("Assez-long-pour-1", Role::Administrateur, "a").is_ok());
        // Characters, not bytes.
        assert!(check("Éléphant-été1", Role::Medecin, "m").is_ok());
    }

    #[test]
    fn short_passwords_mix_three_kinds_passphrases_need_none() {
        assert_eq!(kinds("abc"), 1);
        assert_eq!(kinds("aB3!"), 4);
        assert!(matches!(
            check("toutenminuscule", Role::Medecin, "m"),
            Err(AuthError::PasswordTooSimple)
        ));
        assert!(check("Toutenminuscule9", Role::Medecin, "m").is_ok());
        assert!(check("une phrase de passe assez longue", Role::Medecin, "m").is_ok());
        assert!(matches!(
            check("Aaaaaaaaaaaa1!", Role::Medecin, "m"),
            Err(AuthError::PasswordTooSimple)
        ));
    }

    #[test]
    fn the_login_may_not_be_inside() {
        assert!(matches!(
            check("Xx-Medecin-2026", Role::Medecin, "medecin"),
            Err(AuthError::PasswordContainsLogin)
        ));
    }

    #[test]
    fn remembered_passwords_are_recognised() {
        let old = [
            hash_password("Premier-mot-1").expect("hash"),
            hash_password("Second-mot-22").expect("hash"),
        ];
        assert!(reused("Second-mot-22", &old));
        assert!(!reused("Troisieme-mot-3", &old));
        assert!(!reused("x", &[]));
    }

    #[test]
    fn temporary_passwords_meet_every_policy_and_differ() {
        let a = temporary_password();
        let b = temporary_password();
        assert_eq!(a.chars().count(), TEMPORARY_CHARS);
        assert!(check(&a, Role::Administrateur, "admin").is_ok());
        assert_ne!(a, b);
    }
}
