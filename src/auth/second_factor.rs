//! The second factor's secrets at rest. The TOTP secret is sealed with AES-256-GCM under a key
//! derived from the account's password by Argon2id (its own random salt), the account's id
//! bound as associated data: a copy of the database — the SQLCipher file, the shared
//! PostgreSQL record, a backup — yields no usable secret without the password. Recovery codes
//! (ten, single use, 80 random bits each) are kept only as SHA-256 digests bound to the
//! account.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::local::AuthError;
use super::totp::TotpSecret;
use crate::store::accounts::AccountId;

/// Recovery codes given at enrolment.
pub const RECOVERY_CODES: usize = 10;
/// Characters of a recovery code (dashes aside): 16 × 5 bits.
const RECOVERY_CHARS: usize = 16;
/// No I, O (read as 1, 0), 32 symbols: 5 bits each.
const RECOVERY_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Format tag of a sealed secret.
const SEAL_VERSION: u8 = 1;
const SALT_BYTES: usize = 16;

/// Why a sealed secret could not be opened: another password, or damaged bytes.
fn unsealable() -> AuthError {
    AuthError::SecondFactorUnreadable
}

fn derive_key(password: &str, salt: &[u8]) -> Result<Zeroizing<[u8; 32]>, AuthError> {
    let mut key = Zeroizing::new([0u8; 32]);
    argon2::Argon2::default()
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|e| AuthError::Hash(e.to_string()))?;
    Ok(key)
}

fn aad(account: AccountId) -> Vec<u8> {
    let mut aad = b"chevet-totp-v1:".to_vec();
    aad.extend_from_slice(&account.0.to_be_bytes());
    aad
}

fn cipher(key: &[u8; 32]) -> Result<LessSafeKey, AuthError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| AuthError::Hash("aead key".into()))
}

/// Seals `secret` for `account` under `password`: version, salt, nonce, ciphertext and tag.
pub fn seal(secret: &TotpSecret, password: &str, account: AccountId) -> Result<Vec<u8>, AuthError> {
    let salt: [u8; SALT_BYTES] = rand::random();
    let nonce: [u8; NONCE_LEN] = rand::random();
    let key = derive_key(password, &salt)?;
    let mut sealed_part = secret.as_bytes().to_vec();
    cipher(&key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(account)),
            &mut sealed_part,
        )
        .map_err(|_| AuthError::Hash("aead seal".into()))?;
    let mut out = Vec::with_capacity(1 + SALT_BYTES + NONCE_LEN + sealed_part.len());
    out.push(SEAL_VERSION);
    out.extend_from_slice(&salt);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed_part);
    Ok(out)
}

/// Opens what [`seal`] made, with the same password and account.
pub fn open(sealed: &[u8], password: &str, account: AccountId) -> Result<TotpSecret, AuthError> {
    let header = 1 + SALT_BYTES + NONCE_LEN;
    if sealed.len() <= header || sealed[0] != SEAL_VERSION {
        return Err(unsealable());
    }
    let salt = &sealed[1..=SALT_BYTES];
    let nonce: [u8; NONCE_LEN] = sealed[1 + SALT_BYTES..header]
        .try_into()
        .map_err(|_| unsealable())?;
    let key = derive_key(password, salt)?;
    let mut buffer = Zeroizing::new(sealed[header..].to_vec());
    let plain = cipher(&key)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(account)),
            buffer.as_mut_slice(),
        )
        .map_err(|_| unsealable())?;
    Ok(TotpSecret::from_bytes(plain))
}

/// Ten new recovery codes, `XXXX-XXXX-XXXX-XXXX`, shown once.
pub fn new_recovery_codes() -> Vec<Zeroizing<String>> {
    (0..RECOVERY_CODES)
        .map(|_| {
            let raw: [u8; RECOVERY_CHARS] = rand::random();
            let mut code = Zeroizing::new(String::with_capacity(RECOVERY_CHARS + 3));
            for (i, b) in raw.iter().enumerate() {
                if i > 0 && i % 4 == 0 {
                    code.push('-');
                }
                code.push(char::from(RECOVERY_ALPHABET[usize::from(b & 31)]));
            }
            code
        })
        .collect()
}

/// The digest a recovery code is kept as (dashes, spaces and case ignored), bound to the
/// account. 80 random bits need no slow hash: nobody enumerates 2^80 digests.
pub fn recovery_digest(account: AccountId, code: &str) -> [u8; 32] {
    let normal: Zeroizing<String> = Zeroizing::new(
        code.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect(),
    );
    let mut h = Sha256::new();
    h.update(b"chevet-recovery-v1:");
    h.update(account.0.to_be_bytes());
    h.update(normal.as_bytes());
    h.finalize().into()
}

/// Whether a typed second factor looks like a recovery code rather than a TOTP code.
pub fn looks_like_recovery_code(typed: &str) -> bool {
    typed.chars().filter(char::is_ascii_alphanumeric).count() == RECOVERY_CHARS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_with_its_password_and_account_only() {
        let secret = TotpSecret::generate();
        let sealed = seal(&secret, "le bon mot de passe", AccountId(7)).expect("seal");
        assert!(
            !sealed
                .windows(secret.as_bytes().len())
                .any(|w| w == secret.as_bytes())
        );
        let opened = open(&sealed, "le bon mot de passe", AccountId(7)).expect("open");
        assert_eq!(opened, secret);
        assert!(matches!(
            open(&sealed, "un autre", AccountId(7)),
            Err(AuthError::SecondFactorUnreadable)
        ));
        assert!(open(&sealed, "le bon mot de passe", AccountId(8)).is_err());
        let mut damaged = sealed.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 1;
        assert!(open(&damaged, "le bon mot de passe", AccountId(7)).is_err());
        assert!(open(&sealed[..10], "le bon mot de passe", AccountId(7)).is_err());
        // Two seals of the same secret differ (salt, nonce).
        assert_ne!(
            seal(&secret, "le bon mot de passe", AccountId(7)).expect("again"),
            sealed
        );
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_their_digests_ignore_the_typing() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let code = codes[0].as_str();
        assert_eq!(code.len(), 19);
        assert!(looks_like_recovery_code(code) && !looks_like_recovery_code("123456"));
        let typed = code.replace('-', " ").to_lowercase();
        assert_eq!(
            recovery_digest(AccountId(1), code),
            recovery_digest(AccountId(1), &typed)
        );
        assert_ne!(
            recovery_digest(AccountId(1), code),
            recovery_digest(AccountId(2), code)
        );
    }
}
