//! What a sandbox provider imitates and how long its grants live: the two flavours (Pro Santé
//! Connect, the establishment's own provider), their options, and the URL layout of each.

use std::time::Duration;

/// Which provider is imitated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavour {
    /// Pro Santé Connect: Keycloak realm `esante-wallet`, non-standard discovery path,
    /// authorize on the separate "wallet" host, acr `eidas1`, PSC claims, CIBA.
    Psc,
    /// The establishment's own provider: standard discovery, standard claims only, no CIBA.
    Hospital,
}

impl Flavour {
    /// Name under which the registry runs it.
    pub fn service_name(self) -> &'static str {
        match self {
            Self::Psc => "psc",
            Self::Hospital => "idp-hopital",
        }
    }

    /// Path of the issuer under the server's root.
    pub fn issuer_path(self) -> &'static str {
        match self {
            Self::Psc => "/auth/realms/esante-wallet",
            Self::Hospital => "/realms/hopital",
        }
    }

    /// Last segment of the discovery document under `{issuer}/.well-known/`.
    pub fn discovery_name(self) -> &'static str {
        match self {
            Self::Psc => "wallet-openid-configuration",
            Self::Hospital => "openid-configuration",
        }
    }

    /// The client the sandbox registers.
    pub fn client_id(self) -> &'static str {
        match self {
            Self::Psc => "chevet-bac-a-sable",
            Self::Hospital => "chevet-hopital",
        }
    }

    pub fn has_ciba(self) -> bool {
        self == Self::Psc
    }

    /// Path of the authorization endpoint under the server's root.
    pub fn authorize_path(self) -> String {
        match self {
            Self::Psc => "/wallet/auth".to_owned(),
            Self::Hospital => format!("{}{OIDC}/auth", self.issuer_path()),
        }
    }
}

/// Path of the Keycloak OpenID Connect endpoints under the issuer.
pub(crate) const OIDC: &str = "/protocol/openid-connect";

/// Path of the e-CPS stand-in page (PSC flavour).
pub(crate) const ECPS_PATH: &str = "/ecps";

/// How the provider behaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PscOptions {
    pub flavour: Flavour,
    /// Access (and ID) token lifetime; PSC: 120 s.
    pub access_token_ttl_s: u64,
    /// Refresh token lifetime, renewed at each rotation; PSC: 1800 s.
    pub refresh_token_ttl_s: u64,
    /// Lifetime of a CIBA request (`expires_in`).
    pub ciba_ttl_s: u64,
    /// Minimum polling interval announced for CIBA (`interval`); faster polls get `slow_down`.
    pub ciba_interval_s: u64,
    /// Demo: a pending CIBA request counts as approved this long after it was made.
    pub auto_approve_ciba_after: Option<Duration>,
}

impl Default for PscOptions {
    fn default() -> Self {
        Self {
            flavour: Flavour::Psc,
            access_token_ttl_s: 120,
            refresh_token_ttl_s: 1800,
            ciba_ttl_s: 120,
            ciba_interval_s: 5,
            auto_approve_ciba_after: None,
        }
    }
}

/// Longest lifetime accepted for any option (30 days), so that no deadline overflows.
const MAX_TTL_S: u64 = 30 * 24 * 3600;

impl PscOptions {
    /// The establishment's provider with the default lifetimes.
    pub fn hospital() -> Self {
        Self {
            flavour: Flavour::Hospital,
            ..Self::default()
        }
    }

    /// Why these options cannot be used, if they cannot.
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let ttls = [
            self.access_token_ttl_s,
            self.refresh_token_ttl_s,
            self.ciba_ttl_s,
        ];
        if ttls.iter().any(|t| *t == 0 || *t > MAX_TTL_S) {
            return Err("une durée de vie doit être comprise entre 1 s et 30 jours");
        }
        if self.ciba_interval_s > 600 {
            return Err("l'intervalle CIBA dépasse 600 s");
        }
        if self
            .auto_approve_ciba_after
            .is_some_and(|d| d.as_secs() > MAX_TTL_S)
        {
            return Err("le délai d'approbation automatique dépasse 30 jours");
        }
        Ok(())
    }
}

/// Every URL of a running provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    pub issuer: String,
    pub discovery: String,
    pub authorize: String,
    pub token: String,
    pub userinfo: String,
    pub logout: String,
    pub certs: String,
    pub revoke: String,
    pub introspect: String,
    /// Empty for the hospital flavour.
    pub ciba: String,
    /// The e-CPS stand-in page; empty for the hospital flavour.
    pub ecps: String,
}

impl Endpoints {
    pub fn new(flavour: Flavour, base_url: &str) -> Self {
        let base_url = base_url.trim_end_matches('/').to_owned();
        let issuer = format!("{base_url}{}", flavour.issuer_path());
        let oidc = format!("{issuer}{OIDC}");
        let (ciba, ecps) = if flavour.has_ciba() {
            (
                format!("{oidc}/ext/ciba/auth"),
                format!("{base_url}{ECPS_PATH}"),
            )
        } else {
            (String::new(), String::new())
        };
        Self {
            discovery: format!("{issuer}/.well-known/{}", flavour.discovery_name()),
            authorize: format!("{base_url}{}", flavour.authorize_path()),
            token: format!("{oidc}/token"),
            userinfo: format!("{oidc}/userinfo"),
            logout: format!("{oidc}/logout"),
            certs: format!("{oidc}/certs"),
            revoke: format!("{oidc}/revoke"),
            introspect: format!("{oidc}/token/introspect"),
            ciba,
            ecps,
            issuer,
            base_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn psc_layout_imitates_the_wallet_realm() {
        let e = Endpoints::new(Flavour::Psc, "http://127.0.0.1:4000/");
        assert_eq!(e.issuer, "http://127.0.0.1:4000/auth/realms/esante-wallet");
        assert_eq!(
            e.discovery,
            "http://127.0.0.1:4000/auth/realms/esante-wallet/.well-known/wallet-openid-configuration"
        );
        assert_eq!(e.authorize, "http://127.0.0.1:4000/wallet/auth");
        assert!(e.ciba.ends_with("/protocol/openid-connect/ext/ciba/auth"));
        let h = Endpoints::new(Flavour::Hospital, "http://127.0.0.1:4000");
        assert_eq!(
            h.discovery,
            "http://127.0.0.1:4000/realms/hopital/.well-known/openid-configuration"
        );
        assert!(h.ciba.is_empty() && h.ecps.is_empty());
    }

    #[test]
    fn absurd_lifetimes_are_refused() {
        assert!(PscOptions::default().check().is_ok());
        let zero = PscOptions {
            access_token_ttl_s: 0,
            ..PscOptions::default()
        };
        assert!(zero.check().is_err());
        let huge = PscOptions {
            refresh_token_ttl_s: u64::MAX,
            ..PscOptions::default()
        };
        assert!(huge.check().is_err());
    }
}
