//! The `[card]` section of the configuration: which CPS cards are trusted — the IGC-Santé
//! roots and intermediate authorities as PEM or DER files (configured, never built in) — and
//! how revocation is checked (list addresses, cache, refresh, grace period, what to do when no
//! list can be had). See `docs/card.md`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use super::revocation::{CardTrust, RevocationPolicy, WhenUnreachable};
use super::trust::{TrustAnchors, TrustError};

/// `[card]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardSettings {
    /// Trusted roots (PEM or DER files), e.g. `AC RACINE IGC-SANTE FORTE`. Empty: every card
    /// is refused.
    #[serde(default)]
    pub trust_roots: Vec<PathBuf>,
    /// Intermediate authorities (PEM or DER files), e.g. `AC IGC-SANTE FORTE PERSONNES`.
    #[serde(default)]
    pub intermediates: Vec<PathBuf>,
    /// Revocation list addresses used instead of those the certificates name (a mirror).
    #[serde(default)]
    pub crl_urls: Vec<String>,
    /// Where lists are kept (default: `crl/` in the data directory).
    pub crl_cache_dir: Option<PathBuf>,
    /// Hours a cached list is used before asking its server again (default 24).
    pub crl_refresh_hours: Option<u64>,
    /// Hours past its `nextUpdate` a cached list still serves when its server is unreachable
    /// (default 24).
    pub crl_grace_hours: Option<u64>,
    /// `refuse` (default) or `allow` a card when no list can be had.
    pub crl_unreachable: Option<WhenUnreachable>,
    /// Seconds allowed to fetch a list (default 10).
    pub crl_timeout_secs: Option<u64>,
    /// Largest list accepted, in MiB (default 32).
    pub crl_max_mib: Option<usize>,
    /// PEM file of the authority of an HTTPS mirror of the lists.
    pub crl_tls_ca_file: Option<PathBuf>,
}

impl CardSettings {
    /// The revocation policy these settings describe.
    pub fn policy(&self) -> RevocationPolicy {
        let default = RevocationPolicy::default();
        let hours = |h: Option<u64>, d: Duration| {
            h.map_or(d, |h| Duration::from_secs(h.saturating_mul(3600)))
        };
        RevocationPolicy {
            crl_urls: self.crl_urls.clone(),
            refresh_after: hours(self.crl_refresh_hours, default.refresh_after),
            grace: hours(self.crl_grace_hours, default.grace),
            when_unreachable: self.crl_unreachable.unwrap_or(default.when_unreachable),
            timeout: self
                .crl_timeout_secs
                .map_or(default.timeout, |s| Duration::from_secs(s.clamp(1, 120))),
            max_bytes: self
                .crl_max_mib
                .map_or(default.max_bytes, |m| m.clamp(1, 512) * 1024 * 1024),
        }
    }

    /// The trust to check cards with, lists cached under `data_dir` unless configured
    /// elsewhere. No root, or a file that cannot be read: the error (every card is then
    /// refused; the caller logs it).
    pub fn card_trust(&self, data_dir: &Path) -> Result<CardTrust, TrustError> {
        if self.trust_roots.is_empty() {
            return Err(TrustError::NotConfigured);
        }
        let anchors = TrustAnchors::from_files(&self.trust_roots, &self.intermediates)?;
        let extra_roots = match &self.crl_tls_ca_file {
            Some(path) => {
                let pem = std::fs::read(path).map_err(|e| {
                    TrustError::Anchors(format!("{}: {}", path.display(), e.kind()))
                })?;
                reqwest::Certificate::from_pem_bundle(&pem).map_err(|_| {
                    TrustError::Anchors(format!("{}: not a PEM certificate", path.display()))
                })?
            }
            None => Vec::new(),
        };
        let cache = self
            .crl_cache_dir
            .clone()
            .unwrap_or_else(|| data_dir.join("crl"));
        Ok(CardTrust::new(anchors, self.policy(), cache, extra_roots))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_refuse_when_unreachable_with_a_day_of_grace() {
        let settings: CardSettings = toml::from_str("").expect("empty");
        let policy = settings.policy();
        assert_eq!(policy.when_unreachable, WhenUnreachable::Refuse);
        assert_eq!(policy.grace, Duration::from_secs(24 * 3600));
        assert_eq!(policy.refresh_after, Duration::from_secs(24 * 3600));
        assert!(matches!(
            settings.card_trust(Path::new("/tmp")),
            Err(TrustError::NotConfigured)
        ));
    }

    #[test]
    fn every_option_is_read() {
        let settings: CardSettings = toml::from_str(
            "trust_roots = [\"/nowhere/acr-fo.pem\"]\nintermediates = [\"/x/aci.pem\"]\n\
             crl_urls = [\"http://mirror/ACI-FO-PP.crl\"]\ncrl_grace_hours = 0\n\
             crl_refresh_hours = 6\ncrl_unreachable = \"allow\"\ncrl_timeout_secs = 3\n\
             crl_max_mib = 8\n",
        )
        .expect("settings");
        let policy = settings.policy();
        assert_eq!(policy.when_unreachable, WhenUnreachable::Allow);
        assert_eq!(policy.grace, Duration::ZERO);
        assert_eq!(policy.refresh_after, Duration::from_secs(6 * 3600));
        assert_eq!(policy.timeout, Duration::from_secs(3));
        assert_eq!(policy.max_bytes, 8 * 1024 * 1024);
        assert_eq!(policy.crl_urls, vec!["http://mirror/ACI-FO-PP.crl"]);
        // A root file that cannot be read refuses every card rather than trusting any.
        assert!(matches!(
            settings.card_trust(Path::new("/tmp")),
            Err(TrustError::Anchors(_))
        ));
        assert!(toml::from_str::<CardSettings>("crl_unreachable = \"maybe\"").is_err());
        assert!(toml::from_str::<CardSettings>("roots = []").is_err());
    }
}
