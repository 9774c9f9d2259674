//! The database key: 32 random bytes made on first start and kept in the OS keyring, or, where
//! no usable keyring exists, in an owner-only key file beside the database (said in the UI and
//! the log, never silently). See `docs/security.md` for the rules below.
//!
//! - `auto` uses a keyring that survives a reboot (Windows Credential Manager, macOS Keychain,
//!   the Secret Service of a Linux desktop); the Linux kernel keyring (keyutils) forgets keys at
//!   reboot, so `auto` does not trust it with the only copy of the key.
//! - `keyring` uses the first keyring reachable, keyutils included (kiosk sessions that load the
//!   key at login; tests under `keyctl session -`), and fails rather than fall back.
//! - `file` uses the key file.
//!
//! A database that exists is never given a new key: if its key cannot be found, opening fails.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use keyring_core::api::CredentialPersistence;
use keyring_core::{CredentialStore, Entry};
use rand::RngCore;
use zeroize::Zeroizing;

use super::StoreError;

/// Keyring service name under which Chevet keeps its secrets.
pub const KEYRING_SERVICE: &str = "fr.chevet.dpi";
const KEY_FILE_NAME: &str = "chevet.key";

/// The SQLCipher key. Zeroed on drop; never printed.
pub struct DbKey(Zeroizing<[u8; 32]>);

impl DbKey {
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    /// The same key again, for another connection to the same file (zeroed on drop too).
    pub fn duplicate(&self) -> Self {
        Self(Zeroizing::new(*self.0))
    }

    /// A key from raw bytes (key import, tests).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(Zeroizing::new(bytes))
    }

    fn from_hex(hex_text: &str) -> Result<Self, StoreError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(hex_text.trim(), bytes.as_mut())
            .map_err(|_| StoreError::KeyCorrupt)?;
        Ok(Self(bytes))
    }

    fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    /// The value for `PRAGMA key`: a raw 256-bit key, no passphrase derivation.
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", self.to_hex().as_str()))
    }
}

impl fmt::Debug for DbKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DbKey(…)")
    }
}

/// Where the key may be kept (configuration `store.key_storage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyStorage {
    #[default]
    Auto,
    Keyring,
    File,
}

/// Where the key was found or put; shown in the settings and, for `File`, as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyOrigin {
    Keyring { store: String },
    File { path: PathBuf, reason: FileReason },
}

/// Why the key lives in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileReason {
    /// The configuration asks for it.
    Configured,
    /// No keyring that survives a reboot is reachable.
    NoKeyring,
    /// An earlier start had to use the file; it stays the key's home.
    EarlierFallback,
}

impl KeyOrigin {
    pub fn is_fallback(&self) -> bool {
        matches!(
            self,
            Self::File {
                reason: FileReason::NoKeyring | FileReason::EarlierFallback,
                ..
            }
        )
    }
}

/// A keyring back end with its persistence.
pub struct Keyring {
    pub name: &'static str,
    pub store: Arc<CredentialStore>,
}

impl Keyring {
    fn survives_reboot(&self) -> bool {
        matches!(self.store.persistence(), CredentialPersistence::UntilDelete)
    }
}

/// The keyrings of this platform, most durable first. Empty when none can be created.
pub fn platform_keyrings() -> Vec<Keyring> {
    let mut out = Vec::new();
    #[cfg(target_os = "linux")]
    {
        if let Ok(store) = zbus_secret_service_keyring_store::Store::new() {
            out.push(Keyring {
                name: "Secret Service",
                store,
            });
        }
        if let Ok(store) = linux_keyutils_keyring_store::Store::new() {
            out.push(Keyring {
                name: "keyutils",
                store,
            });
        }
    }
    #[cfg(target_os = "windows")]
    if let Ok(store) = windows_native_keyring_store::Store::new() {
        out.push(Keyring {
            name: "Windows Credential Manager",
            store,
        });
    }
    #[cfg(target_os = "macos")]
    if let Ok(store) = apple_native_keyring_store::keychain::Store::new() {
        out.push(Keyring {
            name: "macOS Keychain",
            store,
        });
    }
    out
}

/// The keyring account name for a data directory, so two data directories never share a key.
fn account_for(data_dir: &Path) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(data_dir.to_string_lossy().as_bytes());
    format!("db-key-{}", hex::encode(&digest[..8]))
}

/// Finds the key of the database in `data_dir`, or makes one when the database is new.
pub fn obtain_key(
    data_dir: &Path,
    database_exists: bool,
    storage: KeyStorage,
    keyrings: &[Keyring],
) -> Result<(DbKey, KeyOrigin), StoreError> {
    let key_file = data_dir.join(KEY_FILE_NAME);
    let account = account_for(data_dir);
    match storage {
        KeyStorage::File => file_key(&key_file, database_exists)
            .map(|k| (k, file_origin(&key_file, FileReason::Configured))),
        KeyStorage::Keyring => {
            let mut last = StoreError::NoKeyring;
            for ring in keyrings {
                match keyring_key(ring, &account, database_exists) {
                    Ok(found) => return Ok(found),
                    Err(e @ StoreError::KeyMissing) => return Err(e),
                    Err(e) => last = e,
                }
            }
            Err(last)
        }
        KeyStorage::Auto => {
            if key_file.exists() {
                return file_key(&key_file, true)
                    .map(|k| (k, file_origin(&key_file, FileReason::EarlierFallback)));
            }
            for ring in keyrings.iter().filter(|r| r.survives_reboot()) {
                match keyring_key(ring, &account, database_exists) {
                    Ok(found) => return Ok(found),
                    Err(e @ StoreError::KeyMissing) => return Err(e),
                    Err(e) => tracing::warn!(keyring = ring.name, "keyring unusable: {e:#}"),
                }
            }
            if database_exists {
                return Err(StoreError::KeyMissing);
            }
            tracing::warn!(
                "no keyring that survives a reboot is reachable: the database key goes to an owner-only key file"
            );
            file_key(&key_file, false).map(|k| (k, file_origin(&key_file, FileReason::NoKeyring)))
        }
    }
}

fn file_origin(path: &Path, reason: FileReason) -> KeyOrigin {
    KeyOrigin::File {
        path: path.to_path_buf(),
        reason,
    }
}

fn keyring_key(
    ring: &Keyring,
    account: &str,
    database_exists: bool,
) -> Result<(DbKey, KeyOrigin), StoreError> {
    let origin = KeyOrigin::Keyring {
        store: ring.name.to_owned(),
    };
    let entry: Entry = ring
        .store
        .build(KEYRING_SERVICE, account, None)
        .map_err(keyring_error)?;
    match entry.get_password() {
        Ok(text) => Ok((DbKey::from_hex(&Zeroizing::new(text))?, origin)),
        Err(keyring_core::Error::NoEntry) if database_exists => Err(StoreError::KeyMissing),
        Err(keyring_core::Error::NoEntry) => {
            let key = DbKey::generate();
            entry
                .set_password(key.to_hex().as_str())
                .map_err(keyring_error)?;
            // Read it back: a keyring that accepts writes but forgets them must not be trusted.
            let back = Zeroizing::new(entry.get_password().map_err(keyring_error)?);
            if back.as_str() != key.to_hex().as_str() {
                return Err(StoreError::KeyringUnusable(
                    "the keyring did not return the key just stored".into(),
                ));
            }
            Ok((key, origin))
        }
        Err(e) => Err(keyring_error(e)),
    }
}

fn keyring_error(e: keyring_core::Error) -> StoreError {
    StoreError::KeyringUnusable(format!("{e}"))
}

fn file_key(path: &Path, database_exists: bool) -> Result<DbKey, StoreError> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_owner_only(path)?;
            DbKey::from_hex(&Zeroizing::new(text))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if database_exists {
                return Err(StoreError::KeyMissing);
            }
            let key = DbKey::generate();
            write_owner_only(path, key.to_hex().as_bytes())?;
            Ok(key)
        }
        Err(e) => Err(StoreError::Io(e)),
    }
}

#[cfg(unix)]
pub(crate) fn write_owner_only(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    Ok(())
}

#[cfg(not(unix))]
pub(crate) fn write_owner_only(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    // On Windows the file inherits the ACL of the per-user data directory (%APPDATA%).
    std::fs::write(path, bytes)?;
    Ok(())
}

#[cfg(unix)]
fn check_owner_only(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)?.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(StoreError::KeyFilePermissions);
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_only(_path: &Path) -> Result<(), StoreError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_without_keyring_falls_back_to_an_owner_only_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (key, origin) = obtain_key(dir.path(), false, KeyStorage::Auto, &[]).expect("key");
        assert!(origin.is_fallback());
        let (again, origin2) = obtain_key(dir.path(), true, KeyStorage::Auto, &[]).expect("again");
        assert_eq!(key.to_hex().as_str(), again.to_hex().as_str());
        assert!(matches!(
            origin2,
            KeyOrigin::File {
                reason: FileReason::EarlierFallback,
                ..
            }
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE_NAME))
                .expect("meta")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn an_existing_database_is_never_given_a_new_key() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(matches!(
            obtain_key(dir.path(), true, KeyStorage::Auto, &[]),
            Err(StoreError::KeyMissing)
        ));
        assert!(matches!(
            obtain_key(dir.path(), true, KeyStorage::File, &[]),
            Err(StoreError::KeyMissing)
        ));
    }

    #[test]
    fn keyring_mode_without_keyring_fails_instead_of_falling_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        assert!(obtain_key(dir.path(), false, KeyStorage::Keyring, &[]).is_err());
        assert!(!dir.path().join(KEY_FILE_NAME).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_readable_by_others_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        obtain_key(dir.path(), false, KeyStorage::File, &[]).expect("key");
        let path = dir.path().join(KEY_FILE_NAME);
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        assert!(matches!(
            obtain_key(dir.path(), true, KeyStorage::File, &[]),
            Err(StoreError::KeyFilePermissions)
        ));
    }

    #[test]
    fn accounts_differ_by_data_dir_and_debug_is_redacted() {
        assert_ne!(account_for(Path::new("/a")), account_for(Path::new("/b")));
        assert_eq!(format!("{:?}", DbKey::generate()), "DbKey(…)");
    }
}
