//! How Chevet knows one OpenID provider: its kind (Pro Santé Connect or a generic provider
//! such as the establishment's), issuer, client identity and authentication, scopes and
//! required `acr`, extra trust anchor, logout redirect.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::jose::RsaSigningKey;

/// PSC serves its discovery document at a non-standard path.
pub const PSC_DISCOVERY_PATH: &str = "/.well-known/wallet-openid-configuration";
/// RFC 8414 / OpenID Discovery path.
pub const STANDARD_DISCOVERY_PATH: &str = "/.well-known/openid-configuration";

/// Which family of provider this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// Pro Santé Connect: wallet discovery path, `SubjectNameID` / `SubjectRefPro` claims.
    Psc,
    /// Any standard OpenID provider (the establishment's own).
    Generic,
}

/// How the client proves itself at the token, backchannel and revocation endpoints.
#[derive(Clone)]
pub enum ClientAuth {
    /// Public client: `client_id` in the form only.
    None,
    /// `client_secret_basic`.
    SecretBasic { secret: Zeroizing<String> },
    /// `private_key_jwt` with an RS256 assertion.
    PrivateKeyJwt { key: Arc<RsaSigningKey> },
    /// RFC 8705 `tls_client_auth`: a client certificate on the TLS connection.
    TlsClient {
        cert_pem: String,
        key_pem: Zeroizing<String>,
    },
}

impl std::fmt::Debug for ClientAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::None => "None",
            Self::SecretBasic { .. } => "SecretBasic(…)",
            Self::PrivateKeyJwt { .. } => "PrivateKeyJwt(…)",
            Self::TlsClient { .. } => "TlsClient(…)",
        })
    }
}

impl ClientAuth {
    /// The `token_endpoint_auth_method` name.
    pub fn method_name(&self) -> &'static str {
        match self {
            Self::None => "none",
            Self::SecretBasic { .. } => "client_secret_basic",
            Self::PrivateKeyJwt { .. } => "private_key_jwt",
            Self::TlsClient { .. } => "tls_client_auth",
        }
    }
}

/// One configured provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// Stable id used by the configuration and the audit trail.
    pub id: String,
    /// Shown on the login screen.
    pub label: String,
    pub kind: ProviderKind,
    /// Issuer identifier; the discovery document must name exactly this issuer.
    pub issuer: String,
    /// Overrides the discovery URL derived from the issuer and the kind.
    pub discovery_url: Option<String>,
    pub client_id: String,
    pub client_auth: ClientAuth,
    /// Space-separated scopes; PSC: `openid scope_all`.
    pub scopes: String,
    /// Requested `acr_values`; the ID token's `acr` must then be one of them. PSC: `eidas1`.
    pub acr_values: Option<String>,
    /// Extra trust anchor (PEM), for test or private CAs.
    pub extra_ca_pem: Option<String>,
    /// Registered redirect after a browser logout.
    pub post_logout_redirect_uri: Option<String>,
}

impl ProviderConfig {
    /// A Pro Santé Connect configuration with the PSC defaults (scope, acr).
    pub fn psc(
        id: &str,
        label: &str,
        issuer: &str,
        client_id: &str,
        client_auth: ClientAuth,
    ) -> Self {
        Self {
            id: id.to_owned(),
            label: label.to_owned(),
            kind: ProviderKind::Psc,
            issuer: issuer.to_owned(),
            discovery_url: None,
            client_id: client_id.to_owned(),
            client_auth,
            scopes: "openid scope_all".to_owned(),
            acr_values: Some("eidas1".to_owned()),
            extra_ca_pem: None,
            post_logout_redirect_uri: None,
        }
    }

    /// Where the discovery document is.
    pub fn discovery_url(&self) -> String {
        if let Some(url) = &self.discovery_url {
            return url.clone();
        }
        let path = match self.kind {
            ProviderKind::Psc => PSC_DISCOVERY_PATH,
            ProviderKind::Generic => STANDARD_DISCOVERY_PATH,
        };
        format!("{}{path}", self.issuer.trim_end_matches('/'))
    }

    /// The accepted `acr` values (space-separated `acr_values`), empty when none is required.
    pub fn required_acr(&self) -> Vec<&str> {
        self.acr_values
            .as_deref()
            .map(|v| v.split_whitespace().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_path_depends_on_the_kind() {
        let mut c = ProviderConfig::psc(
            "psc",
            "PSC",
            "https://a.example/realm/",
            "c",
            ClientAuth::None,
        );
        assert_eq!(
            c.discovery_url(),
            "https://a.example/realm/.well-known/wallet-openid-configuration"
        );
        c.kind = ProviderKind::Generic;
        assert_eq!(
            c.discovery_url(),
            "https://a.example/realm/.well-known/openid-configuration"
        );
        c.discovery_url = Some("https://b.example/d".into());
        assert_eq!(c.discovery_url(), "https://b.example/d");
    }

    #[test]
    fn debug_hides_secrets() {
        let c = ClientAuth::SecretBasic {
            secret: Zeroizing::new("s3cr3t".into()),
        };
        assert!(!format!("{c:?}").contains("s3cr3t"));
    }
}
