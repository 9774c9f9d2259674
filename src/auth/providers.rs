//! The `[auth]` section of the configuration: the OpenID providers offered at login, the card
//! readers, the inactivity lock. A provider's client credential (secret, private key or TLS
//! client key) is provisioned by the establishment into the OS keyring with
//! `chevet auth set-credential ID` and read from there at start; it never sits in the
//! configuration file, the repository or the database.

use std::path::PathBuf;
use std::sync::Arc;

use keyring_core::Entry;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::oidc::jose::RsaSigningKey;
use super::oidc::{ClientAuth, ProviderConfig, ProviderKind};
use crate::store::key::Keyring;

/// Keyring service under which provider credentials live (account = provider id).
pub const CREDENTIAL_SERVICE: &str = "chevet-oidc-client";

/// `[auth]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    #[serde(default)]
    pub providers: Vec<ProviderEntry>,
    /// Watch the PC/SC card readers (default: yes).
    pub pcsc: Option<bool>,
    /// Minutes without input before the session locks (default 10; 0 = never).
    pub inactivity_minutes: Option<u64>,
}

/// `[[auth.providers]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderEntry {
    pub id: String,
    pub label: String,
    pub kind: ProviderKindName,
    pub issuer: String,
    pub discovery_url: Option<String>,
    pub client_id: String,
    pub client_auth: ClientAuthName,
    /// Default: `openid scope_all` for PSC, `openid profile` otherwise.
    pub scopes: Option<String>,
    /// Default: `eidas1` for PSC.
    pub acr_values: Option<String>,
    /// `kid` of the client's key (`private_key_jwt`).
    pub key_id: Option<String>,
    /// PEM certificate of the client (`tls_client_auth`); its key is in the keyring.
    pub tls_certificate: Option<PathBuf>,
    /// Extra trust anchor (PEM) for a private CA.
    pub ca_file: Option<PathBuf>,
    pub post_logout_redirect_uri: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKindName {
    Psc,
    Generic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuthName {
    None,
    ClientSecretBasic,
    PrivateKeyJwt,
    TlsClientAuth,
}

/// Why a provider could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ProviderSetupError {
    #[error(
        "no credential for provider {0:?} in the OS keyring: run `chevet auth set-credential {0}`"
    )]
    MissingCredential(String),
    #[error("OS keyring: {0}")]
    Keyring(String),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("provider {0:?}: {1}")]
    Invalid(String, &'static str),
}

impl ProviderSetupError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Keyring(_))
    }
}

fn entry(ring: &Keyring, provider_id: &str) -> Result<Entry, ProviderSetupError> {
    ring.store
        .build(CREDENTIAL_SERVICE, provider_id, None)
        .map_err(|e| ProviderSetupError::Keyring(e.to_string()))
}

/// Reads a credential (a provider's, or `shared-record`) from the first keyring that has it.
pub fn credential(
    keyrings: &[Keyring],
    provider_id: &str,
) -> Result<Zeroizing<String>, ProviderSetupError> {
    for ring in keyrings {
        match entry(ring, provider_id)?.get_password() {
            Ok(secret) => return Ok(Zeroizing::new(secret)),
            Err(keyring_core::Error::NoEntry) => {}
            Err(e) => tracing::warn!(keyring = ring.name, "keyring unusable: {e}"),
        }
    }
    Err(ProviderSetupError::MissingCredential(
        provider_id.to_owned(),
    ))
}

/// Stores a provider's credential in the first keyring that accepts it.
pub fn store_credential(
    keyrings: &[Keyring],
    provider_id: &str,
    secret: &Zeroizing<String>,
) -> Result<&'static str, ProviderSetupError> {
    let mut last = ProviderSetupError::Keyring("no keyring available".into());
    for ring in keyrings {
        match entry(ring, provider_id)?.set_password(secret) {
            Ok(()) => return Ok(ring.name),
            Err(e) => last = ProviderSetupError::Keyring(e.to_string()),
        }
    }
    Err(last)
}

fn read(path: &PathBuf) -> Result<String, ProviderSetupError> {
    std::fs::read_to_string(path).map_err(|source| ProviderSetupError::Read {
        path: path.clone(),
        source,
    })
}

/// The client configuration of one provider, its credential read from the keyring.
pub fn provider_config(
    entry: &ProviderEntry,
    keyrings: &[Keyring],
) -> Result<ProviderConfig, ProviderSetupError> {
    let psc = entry.kind == ProviderKindName::Psc;
    let client_auth = match entry.client_auth {
        ClientAuthName::None => ClientAuth::None,
        ClientAuthName::ClientSecretBasic => ClientAuth::SecretBasic {
            secret: credential(keyrings, &entry.id)?,
        },
        ClientAuthName::PrivateKeyJwt => {
            let pem = credential(keyrings, &entry.id)?;
            let der = pem_body(&pem).ok_or_else(|| {
                ProviderSetupError::Invalid(entry.id.clone(), "the key is not a PEM private key")
            })?;
            let kid = entry.key_id.clone().unwrap_or_else(|| entry.id.clone());
            let key = RsaSigningKey::from_der(&der, &kid).map_err(|_| {
                ProviderSetupError::Invalid(entry.id.clone(), "the key is not an RSA private key")
            })?;
            ClientAuth::PrivateKeyJwt { key: Arc::new(key) }
        }
        ClientAuthName::TlsClientAuth => {
            let path = entry.tls_certificate.as_ref().ok_or_else(|| {
                ProviderSetupError::Invalid(entry.id.clone(), "tls_certificate is required")
            })?;
            ClientAuth::TlsClient {
                cert_pem: read(path)?,
                key_pem: credential(keyrings, &entry.id)?,
            }
        }
    };
    Ok(ProviderConfig {
        id: entry.id.clone(),
        label: entry.label.clone(),
        kind: if psc {
            ProviderKind::Psc
        } else {
            ProviderKind::Generic
        },
        issuer: entry.issuer.clone(),
        discovery_url: entry.discovery_url.clone(),
        client_id: entry.client_id.clone(),
        client_auth,
        scopes: entry.scopes.clone().unwrap_or_else(|| {
            if psc {
                "openid scope_all".into()
            } else {
                "openid profile".into()
            }
        }),
        acr_values: entry
            .acr_values
            .clone()
            .or_else(|| psc.then(|| "eidas1".to_owned())),
        extra_ca_pem: entry.ca_file.as_ref().map(read).transpose()?,
        post_logout_redirect_uri: entry.post_logout_redirect_uri.clone(),
    })
}

/// The DER bytes of the first PEM block.
fn pem_body(pem: &str) -> Option<Zeroizing<Vec<u8>>> {
    use base64::Engine as _;
    let body: String = pem
        .lines()
        .skip_while(|l| !l.starts_with("-----BEGIN"))
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    base64::engine::general_purpose::STANDARD
        .decode(body.trim())
        .ok()
        .map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> AuthConfig {
        toml::from_str(text).expect("auth config")
    }

    #[test]
    fn psc_defaults_and_missing_credentials_are_explained() {
        let auth = parse(
            r#"
            inactivity_minutes = 5
            [[providers]]
            id = "psc"
            label = "Pro Santé Connect"
            kind = "psc"
            issuer = "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet"
            client_id = "chevet-chu"
            client_auth = "none"
            [[providers]]
            id = "idp"
            label = "Annuaire du CHU"
            kind = "generic"
            issuer = "https://idp.chu.example"
            client_id = "chevet"
            client_auth = "client_secret_basic"
            "#,
        );
        assert_eq!(auth.inactivity_minutes, Some(5));
        let psc = provider_config(&auth.providers[0], &[]).expect("psc");
        assert_eq!(psc.scopes, "openid scope_all");
        assert_eq!(psc.acr_values.as_deref(), Some("eidas1"));
        assert!(
            psc.discovery_url()
                .ends_with("/.well-known/wallet-openid-configuration")
        );
        let err = provider_config(&auth.providers[1], &[]).expect_err("no keyring");
        assert!(err.to_string().contains("chevet auth set-credential idp"));
    }

    #[test]
    fn unknown_fields_are_refused() {
        let parsed: Result<AuthConfig, _> = toml::from_str("[[providers]]\nsecret = \"x\"\n");
        assert!(parsed.is_err());
    }
}
