//! Where revocation lists come from: fetched over HTTP(S) with the shared `http` wrapper (a
//! timeout, a size limit, redirects followed; plain HTTP allowed since a list is signed), and
//! kept in the data directory (`crl/`, one file per address, written whole then renamed; the
//! file's time is when it was fetched). A list is checked each time it is used, never trusted
//! because it is on disk.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Why a list could not be fetched. No text from the server or the URL is kept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("revocation list server unreachable: {0}")]
    Transport(crate::http::Failure),
    #[error("revocation list server answered HTTP {0}")]
    Status(u16),
    #[error("revocation list fetching is not configured")]
    NoClient,
}

impl FetchError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Self::NoClient)
    }

    pub fn message_id(&self) -> &'static str {
        "error-card-crl-unavailable"
    }
}

/// Cached lists take files older than this away when a new list is written.
const FORGET_AFTER: Duration = Duration::from_secs(60 * 24 * 3600);

/// The lists on disk.
#[derive(Debug, Clone)]
pub struct CrlCache {
    dir: PathBuf,
}

impl CrlCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn file(&self, url: &str) -> PathBuf {
        let digest = super::trust::certificate_sha256(url.as_bytes());
        self.dir.join(format!("{}.crl", &digest[..32]))
    }

    /// The list last fetched from `url` and when (Unix seconds), if any.
    pub fn load(&self, url: &str) -> Option<(Vec<u8>, i64)> {
        let path = self.file(url);
        let fetched = std::fs::metadata(&path).ok()?.modified().ok()?;
        let der = std::fs::read(&path).ok()?;
        Some((der, unix(fetched)))
    }

    /// Keeps the list fetched from `url` (written whole, then renamed over the old one), and
    /// forgets lists nobody fetched for 60 days.
    pub fn save(&self, url: &str, der: &[u8]) -> std::io::Result<()> {
        std::fs::create_dir_all(&self.dir)?;
        let path = self.file(url);
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, der)?;
        std::fs::rename(&tmp, &path)?;
        self.forget_old();
        Ok(())
    }

    fn forget_old(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let old = entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| now.duration_since(t).ok())
                .is_some_and(|age| age > FORGET_AFTER);
            if old && entry.path().extension().is_some_and(|e| e == "crl") {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Unix seconds of a file time (0 before 1970).
pub fn unix(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Fetches revocation lists.
pub struct CrlFetcher {
    client: Option<reqwest::Client>,
    max_bytes: usize,
}

impl std::fmt::Debug for CrlFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CrlFetcher(max {} bytes)", self.max_bytes)
    }
}

impl CrlFetcher {
    /// A fetcher with this total timeout and answer size limit; `extra_roots` are added to the
    /// platform's for an HTTPS mirror under a private authority.
    pub fn new(
        timeout: Duration,
        max_bytes: usize,
        extra_roots: Vec<reqwest::Certificate>,
    ) -> Self {
        let settings = crate::http::Settings {
            connect_timeout: timeout.min(Duration::from_secs(5)),
            total_timeout: timeout,
            https_only: false,
            follow_redirects: true,
        };
        let client = crate::http::client(
            &settings,
            crate::http::Tls::Platform {
                extra_roots,
                identity: None,
            },
        )
        .inspect_err(|e| tracing::error!("revocation list client not built: {e}"))
        .ok();
        Self { client, max_bytes }
    }

    /// The list at `url`, whole.
    pub async fn fetch(&self, url: &str) -> Result<Vec<u8>, FetchError> {
        let client = self.client.as_ref().ok_or(FetchError::NoClient)?;
        let reply = crate::http::send(client.get(url), self.max_bytes)
            .await
            .map_err(FetchError::Transport)?;
        if !reply.is_success() {
            return Err(FetchError::Status(reply.status));
        }
        Ok(reply.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_kept_per_address_with_their_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = CrlCache::new(dir.path().join("crl"));
        assert!(cache.load("http://a/x.crl").is_none());
        cache.save("http://a/x.crl", b"one").expect("save");
        cache.save("http://b/x.crl", b"two").expect("save");
        let (der, fetched) = cache.load("http://a/x.crl").expect("cached");
        assert_eq!(der, b"one");
        assert!((unix(SystemTime::now()) - fetched).abs() < 60);
        cache.save("http://a/x.crl", b"three").expect("replace");
        assert_eq!(cache.load("http://a/x.crl").expect("cached").0, b"three");
        assert_eq!(cache.load("http://b/x.crl").expect("cached").0, b"two");
        let files = std::fs::read_dir(cache.dir()).expect("dir").count();
        assert_eq!(files, 2, "no temporary file left");
    }
}
