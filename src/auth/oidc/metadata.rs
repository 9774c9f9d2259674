//! The provider's discovery document (OpenID Connect Discovery 1.0, RFC 8414, CIBA and RFC 8705
//! additions): the fields Chevet reads, checked (URL rule, sizes) before use.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::error::OidcError;
use super::http::check_url;

/// Longest URL or string accepted in the document.
const MAX_FIELD: usize = 2048;
/// Longest list accepted in the document.
const MAX_LIST: usize = 200;

/// The endpoints that may have mTLS aliases (RFC 8705 §5).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MtlsAliases {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_endpoint: Option<String>,
    /// Aliases Chevet does not use (introspection, PAR…), kept for completeness.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

/// What Chevet reads from the discovery document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderMetadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    pub jwks_uri: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_session_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtls_endpoint_aliases: Option<MtlsAliases>,
    #[serde(default)]
    pub acr_values_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    #[serde(default)]
    pub backchannel_token_delivery_modes_supported: Vec<String>,
}

impl ProviderMetadata {
    /// Parses and checks a discovery document.
    pub fn from_json(body: &[u8]) -> Result<Self, OidcError> {
        let metadata: Self = serde_json::from_slice(body)
            .map_err(|_| OidcError::Malformed("discovery document is not the expected JSON"))?;
        metadata.validate()?;
        Ok(metadata)
    }

    /// URL rule and size limits on every field read.
    pub fn validate(&self) -> Result<(), OidcError> {
        let bad = || OidcError::Malformed("discovery document has an unusable endpoint");
        if self.issuer.is_empty() || self.issuer.len() > MAX_FIELD {
            return Err(OidcError::Malformed(
                "discovery document has no usable issuer",
            ));
        }
        let mut urls: Vec<&str> = vec![
            &self.authorization_endpoint,
            &self.token_endpoint,
            &self.jwks_uri,
        ];
        urls.extend(
            [
                &self.userinfo_endpoint,
                &self.end_session_endpoint,
                &self.revocation_endpoint,
                &self.backchannel_authentication_endpoint,
            ]
            .into_iter()
            .flatten()
            .map(String::as_str),
        );
        if let Some(aliases) = &self.mtls_endpoint_aliases {
            urls.extend(
                [
                    &aliases.token_endpoint,
                    &aliases.userinfo_endpoint,
                    &aliases.revocation_endpoint,
                    &aliases.backchannel_authentication_endpoint,
                ]
                .into_iter()
                .flatten()
                .map(String::as_str),
            );
            if aliases.other.len() > MAX_LIST {
                return Err(bad());
            }
        }
        for url in urls {
            if url.len() > MAX_FIELD {
                return Err(bad());
            }
            check_url(url).map_err(|_| bad())?;
        }
        for list in [
            &self.acr_values_supported,
            &self.code_challenge_methods_supported,
            &self.backchannel_token_delivery_modes_supported,
        ] {
            if list.len() > MAX_LIST || list.iter().any(|v| v.len() > MAX_FIELD) {
                return Err(OidcError::Malformed("discovery document list too large"));
            }
        }
        Ok(())
    }

    /// Whether the provider accepts PKCE S256 (assumed when it says nothing).
    pub fn supports_s256(&self) -> bool {
        self.code_challenge_methods_supported.is_empty()
            || self
                .code_challenge_methods_supported
                .iter()
                .any(|m| m == "S256")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> serde_json::Value {
        serde_json::json!({
            "issuer": "https://auth.example/realms/esante-wallet",
            "authorization_endpoint": "https://wallet.example/auth",
            "token_endpoint": "https://auth.example/realms/esante-wallet/protocol/openid-connect/token",
            "jwks_uri": "https://auth.example/realms/esante-wallet/protocol/openid-connect/certs",
            "userinfo_endpoint": "https://auth.example/realms/esante-wallet/protocol/openid-connect/userinfo",
            "backchannel_authentication_endpoint": "https://auth.example/realms/esante-wallet/protocol/openid-connect/ext/ciba/auth",
            "mtls_endpoint_aliases": {
                "token_endpoint": "https://mtls.example/token",
                "introspection_endpoint": "https://mtls.example/introspect"
            },
            "acr_values_supported": ["eidas1"],
            "code_challenge_methods_supported": ["plain", "S256"],
            "grant_types_supported": ["authorization_code"]
        })
    }

    #[test]
    fn a_psc_like_document_parses() {
        let m = ProviderMetadata::from_json(doc().to_string().as_bytes()).expect("parses");
        assert_eq!(
            m.mtls_endpoint_aliases
                .and_then(|a| a.token_endpoint)
                .as_deref(),
            Some("https://mtls.example/token")
        );
        assert_eq!(m.acr_values_supported, vec!["eidas1"]);
    }

    #[test]
    fn insecure_or_missing_endpoints_are_refused() {
        let mut d = doc();
        d["token_endpoint"] = "http://auth.example/token".into();
        assert!(ProviderMetadata::from_json(d.to_string().as_bytes()).is_err());
        let mut d = doc();
        d["mtls_endpoint_aliases"]["token_endpoint"] = "ftp://x/".into();
        assert!(ProviderMetadata::from_json(d.to_string().as_bytes()).is_err());
        let mut d = doc();
        d.as_object_mut().expect("object").remove("jwks_uri");
        assert!(ProviderMetadata::from_json(d.to_string().as_bytes()).is_err());
        assert!(ProviderMetadata::from_json(b"[]").is_err());
    }
}
