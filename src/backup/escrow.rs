//! Key escrow: the database key wrapped under the administrator's backup passphrase, so that a
//! backup can be opened on another machine while neither the key nor the passphrase is ever
//! written in clear. Argon2id (64 MiB, 3 passes, its own random salt) derives a 256-bit key
//! from the passphrase; AES-256-GCM seals the database key with it, the record's parameters,
//! salt and key identifier bound as associated data. The record is kept in the store's
//! settings (`backup.escrow`), set once; every backup copies it into its manifest.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::{BackupError, key_bytes};
use crate::export::stamp::{Producer, producer};
use crate::store::{DbKey, Store, settings};

/// The setting that holds the escrow record (JSON).
pub const ESCROW_SETTING: &str = "backup.escrow";
/// Format tag of an escrow record.
pub const ESCROW_FORMAT: &str = "chevet-escrow/1";
/// Argon2id memory (KiB), passes and lanes for a new record: RFC 9106's second recommended
/// option's memory and passes, one lane (workstations have few cores).
pub const KDF_M_COST_KIB: u32 = 64 * 1024;
pub const KDF_T_COST: u32 = 3;
pub const KDF_P_COST: u32 = 1;
/// Shortest backup passphrase (the administrators' password length).
pub const MIN_PASSPHRASE_CHARS: usize = crate::auth::password_policy::MIN_CHARS_ADMIN;
const SALT_BYTES: usize = 16;
/// Bounds on a record's parameters read from a manifest (a tampered one must not make the
/// restore allocate gigabytes or run for hours).
const MAX_M_COST_KIB: u32 = 1024 * 1024;
const MAX_T_COST: u32 = 64;
const MAX_P_COST: u32 = 16;

/// The key-derivation parameters of a record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    pub algorithm: String,
    pub version: u32,
    pub m_cost_kib: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

/// The database key wrapped under a passphrase: what a backup needs to be opened elsewhere,
/// useless without the passphrase. Hex for the binary fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscrowRecord {
    pub format: String,
    pub kdf: KdfParams,
    pub salt: String,
    pub cipher: String,
    pub nonce: String,
    /// The sealed key and its tag.
    pub wrapped_key: String,
    /// Identifies the wrapped key (a digest, not the key): tells a stale record from the
    /// store's current key without the passphrase.
    pub key_id: String,
    pub producer: Producer,
    pub created_at: String,
}

/// The identifier of a database key: the first 16 bytes of SHA-256 over a domain tag and it.
pub fn key_id(key: &DbKey) -> Result<String, BackupError> {
    let bytes = key_bytes(key)?;
    let mut h = sha2::Sha256::new();
    h.update(b"chevet-db-key-id/1:");
    h.update(bytes.as_ref());
    Ok(hex::encode(&h.finalize()[..16]))
}

/// Checks a new passphrase against the policy — at least 16 characters; below 20, three kinds
/// of characters of four; at least five distinct characters —, then that it was typed twice
/// the same.
pub fn check_passphrase(passphrase: &str, confirmation: &str) -> Result<(), BackupError> {
    let chars = passphrase.chars().count();
    if chars < MIN_PASSPHRASE_CHARS {
        return Err(BackupError::PassphraseTooShort);
    }
    let mut distinct: Vec<char> = passphrase.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    if (chars < crate::auth::password_policy::PASSPHRASE_CHARS
        && crate::auth::password_policy::kinds(passphrase)
            < crate::auth::password_policy::MIN_KINDS)
        || distinct.len() < 5
    {
        return Err(BackupError::PassphraseTooSimple);
    }
    if passphrase != confirmation {
        return Err(BackupError::PassphraseMismatch);
    }
    Ok(())
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    kdf: &KdfParams,
) -> Result<Zeroizing<[u8; 32]>, BackupError> {
    if kdf.algorithm != "argon2id"
        || kdf.version != 0x13
        || kdf.m_cost_kib > MAX_M_COST_KIB
        || kdf.t_cost > MAX_T_COST
        || kdf.p_cost > MAX_P_COST
    {
        return Err(BackupError::Manifest("key-derivation parameters".into()));
    }
    let params = argon2::Params::new(kdf.m_cost_kib, kdf.t_cost, kdf.p_cost, Some(32))
        .map_err(|e| BackupError::Kdf(e.to_string()))?;
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut out = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| BackupError::Kdf(e.to_string()))?;
    Ok(out)
}

/// What the seal is bound to: everything in the record but the sealed bytes.
fn aad(record: &EscrowRecord) -> Vec<u8> {
    let k = &record.kdf;
    format!(
        "{}|{}|{}|{}|{}|{}|{}|{}|{}",
        record.format,
        k.algorithm,
        k.version,
        k.m_cost_kib,
        k.t_cost,
        k.p_cost,
        record.salt,
        record.cipher,
        record.key_id
    )
    .into_bytes()
}

fn cipher(key: &[u8; 32]) -> Result<LessSafeKey, BackupError> {
    UnboundKey::new(&AES_256_GCM, key)
        .map(LessSafeKey::new)
        .map_err(|_| BackupError::Kdf("aead key".into()))
}

/// Wraps `key` under `passphrase` (already checked against the policy).
pub fn wrap(key: &DbKey, passphrase: &str) -> Result<EscrowRecord, BackupError> {
    let salt: [u8; SALT_BYTES] = rand::random();
    let nonce: [u8; NONCE_LEN] = rand::random();
    let mut record = EscrowRecord {
        format: ESCROW_FORMAT.to_owned(),
        kdf: KdfParams {
            algorithm: "argon2id".to_owned(),
            version: 0x13,
            m_cost_kib: KDF_M_COST_KIB,
            t_cost: KDF_T_COST,
            p_cost: KDF_P_COST,
        },
        salt: hex::encode(salt),
        cipher: "aes-256-gcm".to_owned(),
        nonce: hex::encode(nonce),
        wrapped_key: String::new(),
        key_id: key_id(key)?,
        producer: producer(),
        created_at: crate::store::now_utc_text(),
    };
    let wrapping = derive(passphrase, &salt, &record.kdf)?;
    let mut sealed = key_bytes(key)?.to_vec();
    cipher(&wrapping)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(&record)),
            &mut sealed,
        )
        .map_err(|_| BackupError::Kdf("aead seal".into()))?;
    record.wrapped_key = hex::encode(&sealed);
    Ok(record)
}

/// Opens a record with its passphrase: the database key, or [`BackupError::WrongPassphrase`].
pub fn unwrap(record: &EscrowRecord, passphrase: &str) -> Result<DbKey, BackupError> {
    if record.format != ESCROW_FORMAT || record.cipher != "aes-256-gcm" {
        return Err(BackupError::Manifest("escrow format".into()));
    }
    let bad = |_| BackupError::Manifest("escrow record".into());
    let salt = hex::decode(&record.salt).map_err(bad)?;
    let nonce: [u8; NONCE_LEN] = hex::decode(&record.nonce)
        .map_err(bad)?
        .try_into()
        .map_err(|_| BackupError::Manifest("escrow nonce".into()))?;
    let mut buffer = Zeroizing::new(hex::decode(&record.wrapped_key).map_err(bad)?);
    let wrapping = derive(passphrase, &salt, &record.kdf)?;
    let plain = cipher(&wrapping)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(record)),
            buffer.as_mut_slice(),
        )
        .map_err(|_| BackupError::WrongPassphrase)?;
    let bytes: [u8; 32] = plain.try_into().map_err(|_| BackupError::WrongPassphrase)?;
    let key = DbKey::from_bytes(bytes);
    if key_id(&key)? != record.key_id {
        return Err(BackupError::WrongPassphrase);
    }
    Ok(key)
}

/// The escrow record kept in the store, if an administrator set a passphrase.
pub fn load_escrow(store: &Store) -> Result<Option<EscrowRecord>, BackupError> {
    settings::get(store, ESCROW_SETTING)?
        .map(|text| serde_json::from_str(&text).map_err(|e| BackupError::Manifest(e.to_string())))
        .transpose()
}

/// Sets (or replaces) the backup passphrase: the store's `key` wrapped under it and kept in
/// the settings. The passphrase itself is kept nowhere. Backups made before keep their own
/// record (their old passphrase).
pub fn set_passphrase(
    store: &Store,
    key: &DbKey,
    passphrase: &str,
    confirmation: &str,
) -> Result<EscrowRecord, BackupError> {
    check_passphrase(passphrase, confirmation)?;
    let record = wrap(key, passphrase)?;
    save_escrow(store, &record)?;
    Ok(record)
}

/// Keeps `record` as the store's escrow record: a row of the key/value table that the typed
/// settings leave alone (service state, not a setting: never exported with them).
pub fn save_escrow(store: &Store, record: &EscrowRecord) -> Result<(), BackupError> {
    let text = serde_json::to_string(record).map_err(|e| BackupError::Manifest(e.to_string()))?;
    settings::set(store, ESCROW_SETTING, &text)?;
    Ok(())
}
