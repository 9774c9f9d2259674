//! HTTP plumbing shared by every call to a provider: the URL rule (https, or http on a loopback
//! host only), the provider's client through the shared wrapper (`crate::http`: timeouts, no
//! redirects, the platform's roots plus an extra trust anchor, TLS client identity),
//! size-capped answers, form bodies, and the mapping of transport failures.
//!
//! reqwest's error texts include the URL, which may carry a token: they are never kept.

use std::time::Duration;

use url::{Host, Url};
use zeroize::Zeroizing;

use super::config::{ClientAuth, ProviderConfig};
use super::error::OidcError;
use crate::http;

/// Largest answer read from a provider.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;
/// Connection set-up limit.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Whole-exchange limit.
pub const TOTAL_TIMEOUT: Duration = Duration::from_secs(30);

/// Whether the URL's host is 127.0.0.1, ::1 or localhost.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// Parses a provider URL: https, or http on a loopback host; no credentials, no fragment.
pub fn check_url(text: &str) -> Result<Url, OidcError> {
    let url = Url::parse(text).map_err(|_| OidcError::Config("not a URL"))?;
    if url.host().is_none() {
        return Err(OidcError::Config("URL without a host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(OidcError::Config("URL with credentials"));
    }
    if url.fragment().is_some() {
        return Err(OidcError::Config("URL with a fragment"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        _ => Err(OidcError::Config("only https URLs are accepted")),
    }
}

/// The HTTP client for one provider.
pub fn build_client(config: &ProviderConfig) -> Result<reqwest::Client, OidcError> {
    let mut extra_roots = Vec::new();
    if let Some(pem) = &config.extra_ca_pem {
        extra_roots = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
            .map_err(|_| OidcError::Config("extra CA is not PEM"))?;
        if extra_roots.is_empty() {
            return Err(OidcError::Config("extra CA is not PEM"));
        }
    }
    let mut identity = None;
    if let ClientAuth::TlsClient { cert_pem, key_pem } = &config.client_auth {
        let mut both = Zeroizing::new(Vec::with_capacity(cert_pem.len() + key_pem.len() + 1));
        both.extend_from_slice(cert_pem.as_bytes());
        both.push(b'\n');
        both.extend_from_slice(key_pem.as_bytes());
        identity = Some(
            reqwest::Identity::from_pem(&both)
                .map_err(|_| OidcError::Config("client certificate or key is not usable PEM"))?,
        );
    }
    let settings = http::Settings {
        connect_timeout: CONNECT_TIMEOUT,
        total_timeout: TOTAL_TIMEOUT,
        // Loopback providers (tests, the sandbox) speak plain http; `check_url` decides.
        https_only: false,
        follow_redirects: false,
    };
    http::client(
        &settings,
        http::Tls::Platform {
            extra_roots,
            identity,
        },
    )
    .map_err(|_| OidcError::Config("HTTP client could not be built"))
}

/// An answer read whole (within the cap).
pub use crate::http::HttpReply as Reply;

/// The body as JSON.
pub fn json<T: serde::de::DeserializeOwned>(reply: &Reply) -> Result<T, OidcError> {
    serde_json::from_slice(&reply.body).map_err(|_| OidcError::Malformed("not the expected JSON"))
}

/// Sends and reads the answer; 502–504 become [`OidcError::Unavailable`].
pub async fn send(request: reqwest::RequestBuilder) -> Result<Reply, OidcError> {
    let reply = http::send(request, MAX_RESPONSE_BYTES)
        .await
        .map_err(transport)?;
    if (502..=504).contains(&reply.status) {
        return Err(OidcError::Unavailable(reply.status));
    }
    Ok(reply)
}

fn transport(e: http::Failure) -> OidcError {
    match e {
        http::Failure::Timeout => OidcError::Unreachable("timeout"),
        http::Failure::Connect { .. } => OidcError::Unreachable("connection failed"),
        http::Failure::Request => OidcError::Config("request could not be built"),
        http::Failure::Transfer => OidcError::Unreachable("transfer failed"),
        http::Failure::TooLarge { .. } => OidcError::Malformed("answer too large"),
    }
}

/// `application/x-www-form-urlencoded` body.
pub fn form_body(pairs: &[(&str, &str)]) -> Zeroizing<String> {
    let mut serializer = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        serializer.append_pair(k, v);
    }
    Zeroizing::new(serializer.finish())
}

/// Percent-encodes a value for `application/x-www-form-urlencoded` (HTTP Basic credentials
/// are encoded so before base64, RFC 6749 §2.3.1).
pub fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        assert!(check_url("https://auth.example/realm").is_ok());
        assert!(check_url("http://127.0.0.1:8080/x").is_ok());
        assert!(check_url("http://[::1]:8080/x").is_ok());
        assert!(check_url("http://localhost/x").is_ok());
        assert!(check_url("http://auth.example/").is_err());
        assert!(check_url("http://127.0.0.1.example/").is_err());
        assert!(check_url("ftp://auth.example/").is_err());
        assert!(check_url("https://u:p@auth.example/").is_err());
        assert!(check_url("https://auth.example/#f").is_err());
        assert!(check_url("nonsense").is_err());
    }

    #[test]
    fn form_encoding() {
        assert_eq!(
            form_body(&[("a", "b c"), ("d", "é&=")]).as_str(),
            "a=b+c&d=%C3%A9%26%3D"
        );
        assert_eq!(form_encode("a:b c"), "a%3Ab+c");
    }
}
