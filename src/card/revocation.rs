//! `CardTrust`: the whole decision on a card's certificate — the chain to a configured root
//! (`card::trust`), then revocation: each certificate of the chain below the root is looked up
//! in its authority's list (`card::crl`), from the cache while it is fresh, else fetched
//! (`card::crl_store`). When no list can be had, `RevocationPolicy` decides: a cached list up
//! to `grace` past its `nextUpdate`, then refuse (the default) or let the card in, logged.
//!
//! The card's own certificate must be covered by a list; an intermediate authority is checked
//! when a list is named for it (its distribution points, or the configured addresses).

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::crl::{self, CheckedCrl, CrlError};
use super::crl_store::{CrlCache, CrlFetcher, unix};
use super::trust::{self, TrustAnchors, TrustError, VerifiedChain};

/// What to do when no usable revocation list can be had.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WhenUnreachable {
    /// Refuse the card (fail closed), with a message saying the list could not be checked.
    #[default]
    Refuse,
    /// Let the card in, with a warning in the log and the audit trail (fail open).
    Allow,
}

/// How revocation is checked.
#[derive(Debug, Clone)]
pub struct RevocationPolicy {
    /// Addresses used instead of the certificates' distribution points (an internal mirror).
    pub crl_urls: Vec<String>,
    /// A cached list younger than this is used without asking its server.
    pub refresh_after: Duration,
    /// How long past its `nextUpdate` a cached list still serves when its server cannot be
    /// reached.
    pub grace: Duration,
    pub when_unreachable: WhenUnreachable,
    /// Whole exchange with a list's server.
    pub timeout: Duration,
    /// Largest list accepted.
    pub max_bytes: usize,
}

impl Default for RevocationPolicy {
    fn default() -> Self {
        Self {
            crl_urls: Vec::new(),
            refresh_after: Duration::from_secs(24 * 3600),
            grace: Duration::from_secs(24 * 3600),
            when_unreachable: WhenUnreachable::Refuse,
            timeout: Duration::from_secs(10),
            max_bytes: 32 * 1024 * 1024,
        }
    }
}

/// How sure the revocation answer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RevocationStatus {
    /// Every list used was current.
    Checked,
    /// A list past its `nextUpdate`, within the grace period, was used.
    StaleList,
    /// No list could be had and the policy lets cards in.
    Unchecked,
}

/// A certificate found trustworthy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustReport {
    /// SHA-256 of the card's certificate: what the session is bound to.
    pub certificate_sha256: String,
    pub revocation: RevocationStatus,
}

/// What the lists say about one certificate.
enum Found {
    Current(CheckedCrl),
    Grace(CheckedCrl),
    /// Every source answered, none for this authority.
    NotCovered,
    /// No list from any source, nothing usable cached.
    Unreachable,
}

/// The configured trust: anchors, revocation policy, cache, fetcher.
#[derive(Debug)]
pub struct CardTrust {
    anchors: TrustAnchors,
    policy: RevocationPolicy,
    cache: CrlCache,
    fetcher: CrlFetcher,
}

impl CardTrust {
    /// `cache_dir`: where lists are kept (the data directory's `crl/`); `extra_tls_roots`:
    /// authorities of an HTTPS mirror of the lists.
    pub fn new(
        anchors: TrustAnchors,
        policy: RevocationPolicy,
        cache_dir: PathBuf,
        extra_tls_roots: Vec<reqwest::Certificate>,
    ) -> Self {
        let fetcher = CrlFetcher::new(policy.timeout, policy.max_bytes, extra_tls_roots);
        Self {
            anchors,
            policy,
            cache: CrlCache::new(cache_dir),
            fetcher,
        }
    }

    pub fn anchors(&self) -> &TrustAnchors {
        &self.anchors
    }

    pub fn policy(&self) -> &RevocationPolicy {
        &self.policy
    }

    /// Checks the card's certificate now.
    pub async fn check(
        &self,
        certificate: &[u8],
        card_cas: &[Vec<u8>],
    ) -> Result<TrustReport, TrustError> {
        self.check_at(certificate, card_cas, unix(SystemTime::now()))
            .await
    }

    /// Checks the card's certificate at `now` (Unix seconds): chain, dates, revocation.
    pub async fn check_at(
        &self,
        certificate: &[u8],
        card_cas: &[Vec<u8>],
        now: i64,
    ) -> Result<TrustReport, TrustError> {
        let chain = trust::verify_chain(&self.anchors, certificate, card_cas, now)?;
        let revocation = self.revocation(&chain, now).await?;
        Ok(TrustReport {
            certificate_sha256: trust::certificate_sha256(certificate),
            revocation,
        })
    }

    /// Looks every certificate below the root up in its authority's list.
    async fn revocation(
        &self,
        chain: &VerifiedChain,
        now: i64,
    ) -> Result<RevocationStatus, TrustError> {
        let mut status = RevocationStatus::Checked;
        let certs = &chain.certificates;
        for (index, pair) in certs.windows(2).enumerate() {
            let (cert, authority) = (&pair[0], &pair[1]);
            let is_card = index == 0;
            let sources = if self.policy.crl_urls.is_empty() {
                crl::distribution_points(cert)
            } else {
                self.policy.crl_urls.clone()
            };
            let found = if sources.is_empty() {
                Found::NotCovered
            } else {
                self.find(&sources, authority, !is_card, now).await
            };
            let list = match found {
                Found::Current(list) => list,
                Found::Grace(list) => {
                    tracing::warn!("card check: a revocation list past its date was used");
                    status = status.max(RevocationStatus::StaleList);
                    list
                }
                Found::NotCovered if !is_card => continue,
                Found::NotCovered | Found::Unreachable => match self.policy.when_unreachable {
                    WhenUnreachable::Refuse => return Err(TrustError::RevocationUnavailable),
                    WhenUnreachable::Allow => {
                        tracing::warn!("card check: revocation not checked (policy: allow)");
                        status = RevocationStatus::Unchecked;
                        continue;
                    }
                },
            };
            let serial = crl::serial_of(cert).ok_or(TrustError::Malformed)?;
            if list.revokes(&serial) {
                return Err(TrustError::Revoked);
            }
        }
        Ok(status)
    }

    /// The best list for `authority` among `sources`: a fresh cached one, else a fetched one,
    /// else a cached one still current or within the grace period.
    async fn find(
        &self,
        sources: &[String],
        authority: &[u8],
        of_authority: bool,
        now: i64,
    ) -> Found {
        let refresh = secs(self.policy.refresh_after);
        let grace = secs(self.policy.grace);
        let mut fallback: Option<CheckedCrl> = None;
        let mut all_answered = true;
        for url in sources {
            let cached = self.cache.load(url);
            let checked_cache = cached
                .as_ref()
                .map(|(der, fetched)| (crl::check(der, authority, of_authority, now), *fetched));
            match &checked_cache {
                Some((Ok(list), fetched)) if list.is_current(now) && now - fetched < refresh => {
                    return Found::Current(list.clone());
                }
                // A fresh list of another authority: this address is not for this one.
                Some((Err(CrlError::WrongIssuer), fetched)) if now - fetched < refresh => {
                    continue;
                }
                _ => {}
            }
            match self.fetcher.fetch(url).await {
                Ok(der) => match crl::check(&der, authority, of_authority, now) {
                    Ok(list) => {
                        if let Err(e) = self.cache.save(url, &der) {
                            tracing::warn!("revocation list not cached: {}", e.kind());
                        }
                        if list.is_current(now) {
                            return Found::Current(list);
                        }
                        fallback = better(fallback, list);
                        continue;
                    }
                    Err(CrlError::WrongIssuer) => {
                        // Cached all the same, so that the next check skips it while fresh.
                        let _ = self.cache.save(url, &der);
                        continue;
                    }
                    Err(e) => {
                        all_answered = false;
                        tracing::warn!("card check: revocation list refused: {e}");
                    }
                },
                Err(e) => {
                    all_answered = false;
                    tracing::warn!("card check: {e}");
                }
            }
            if let Some((Ok(list), _)) = checked_cache {
                if list.is_current(now) {
                    return Found::Current(list);
                }
                fallback = better(fallback, list);
            }
        }
        match fallback {
            Some(list) if list.next_update.is_some_and(|next| now <= next + grace) => {
                Found::Grace(list)
            }
            Some(_) => Found::Unreachable,
            None if all_answered => Found::NotCovered,
            None => Found::Unreachable,
        }
    }
}

/// The more recent of two lists.
fn better(current: Option<CheckedCrl>, other: CheckedCrl) -> Option<CheckedCrl> {
    match current {
        Some(c) if c.this_update >= other.this_update => Some(c),
        _ => Some(other),
    }
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}
