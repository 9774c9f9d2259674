//! HTTP plumbing of the sandbox provider: the request as the endpoints see it (already read,
//! body capped), form and query parameters (a repeated parameter is an error, as OAuth
//! wants), HTTP Basic client credentials, and the answers (JSON, OAuth errors, HTML pages,
//! redirects) with their no-store and page-hardening headers.

use std::collections::HashMap;

use base64::Engine as _;
use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Method, Response, StatusCode};

/// Largest request body read.
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

pub(crate) type Answer = Response<Full<Bytes>>;

/// A request, read.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: Method,
    pub path: String,
    pub query: String,
    /// The `Authorization` header.
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

impl Req {
    /// Parameters of the query string (GET) or of the form body (POST).
    pub fn params(&self) -> Result<Params, String> {
        if self.method == Method::POST {
            Params::parse(&self.body)
        } else {
            Params::parse(self.query.as_bytes())
        }
    }

    /// The bearer token of the `Authorization` header.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.authorization.as_deref()?.trim();
        let (scheme, token) = value.split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim())
            .filter(|t| !t.is_empty())
    }

    /// Client id and secret of HTTP Basic (RFC 6749 §2.3.1: each form-urlencoded).
    pub fn basic_credentials(&self) -> Option<(String, String)> {
        let value = self.authorization.as_deref()?.trim();
        let (scheme, encoded) = value.split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return None;
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()?;
        let text = String::from_utf8(decoded).ok()?;
        let (id, secret) = text.split_once(':')?;
        Some((form_decode(id), form_decode(secret)))
    }
}

/// One form-urlencoded component, decoded.
fn form_decode(component: &str) -> String {
    url::form_urlencoded::parse(component.as_bytes())
        .map(|(k, v)| {
            if v.is_empty() {
                k.into_owned()
            } else {
                format!("{k}={v}")
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Decoded parameters; empty values count as absent.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let mut map = HashMap::new();
        for (k, v) in url::form_urlencoded::parse(bytes) {
            if map.insert(k.to_string(), v.into_owned()).is_some() {
                return Err(format!(
                    "paramètre répété : {}",
                    k.chars().take(40).collect::<String>()
                ));
            }
        }
        Ok(Self(map))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

fn with_body(status: StatusCode, content_type: &str, body: Vec<u8>) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    set(&mut response, "content-type", content_type);
    response
}

fn set(response: &mut Answer, name: &'static str, value: &str) {
    if let Ok(value) = hyper::header::HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

/// JSON, not to be cached.
pub(crate) fn json(status: StatusCode, value: &serde_json::Value) -> Answer {
    let mut response = with_body(
        status,
        "application/json; charset=UTF-8",
        value.to_string().into_bytes(),
    );
    set(&mut response, "cache-control", "no-store");
    set(&mut response, "pragma", "no-cache");
    response
}

/// An RFC 6749 §5.2 error; `invalid_client` comes with 401 and a Basic challenge.
pub(crate) fn oauth_error(code: &str, description: &str) -> Answer {
    let status = match code {
        "invalid_client" => StatusCode::UNAUTHORIZED,
        "temporarily_unavailable" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::BAD_REQUEST,
    };
    let mut response = json(
        status,
        &serde_json::json!({"error": code, "error_description": description}),
    );
    if status == StatusCode::UNAUTHORIZED {
        set(
            &mut response,
            "www-authenticate",
            "Basic realm=\"sandbox\", charset=\"UTF-8\"",
        );
    }
    response
}

/// 401 for a bad bearer token (RFC 6750 §3).
pub(crate) fn invalid_token(description: &str) -> Answer {
    let mut response = json(
        StatusCode::UNAUTHORIZED,
        &serde_json::json!({"error": "invalid_token", "error_description": description}),
    );
    set(
        &mut response,
        "www-authenticate",
        "Bearer realm=\"sandbox\", error=\"invalid_token\"",
    );
    response
}

/// An HTML page that cannot be framed and only posts to itself or a loopback client.
pub(crate) fn html(status: StatusCode, page: String) -> Answer {
    let mut response = with_body(status, "text/html; charset=UTF-8", page.into_bytes());
    set(
        &mut response,
        "content-security-policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://[::1]:*; frame-ancestors 'none'",
    );
    set(&mut response, "x-frame-options", "DENY");
    set(&mut response, "referrer-policy", "no-referrer");
    set(&mut response, "cache-control", "no-store");
    response
}

/// 302 to `location`.
pub(crate) fn redirect(location: &str) -> Answer {
    let mut response = with_body(StatusCode::FOUND, "text/plain; charset=UTF-8", Vec::new());
    set(&mut response, "location", location);
    set(&mut response, "cache-control", "no-store");
    set(&mut response, "referrer-policy", "no-referrer");
    response
}

pub(crate) fn no_content() -> Answer {
    with_body(
        StatusCode::NO_CONTENT,
        "text/plain; charset=UTF-8",
        Vec::new(),
    )
}

pub(crate) fn not_found() -> Answer {
    with_body(
        StatusCode::NOT_FOUND,
        "text/plain; charset=UTF-8",
        b"not found".to_vec(),
    )
}

pub(crate) fn method_not_allowed() -> Answer {
    with_body(
        StatusCode::METHOD_NOT_ALLOWED,
        "text/plain; charset=UTF-8",
        b"method not allowed".to_vec(),
    )
}

/// Whether `uri` is a native app's loopback redirect (RFC 8252 §7.3): `http`, host
/// `127.0.0.1` or `[::1]`, any port, no fragment, no credentials.
pub(crate) fn is_loopback_redirect(uri: &str) -> bool {
    let Ok(url) = url::Url::parse(uri) else {
        return false;
    };
    let loopback_host = matches!(
        url.host(),
        Some(url::Host::Ipv4(ip)) if ip.is_loopback()
    ) || matches!(url.host(), Some(url::Host::Ipv6(ip)) if ip.is_loopback());
    url.scheme() == "http"
        && loopback_host
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none()
}

/// `base` with the parameters appended to its query.
pub(crate) fn with_query(base: &str, pairs: &[(&str, &str)]) -> Option<String> {
    let mut url = url::Url::parse(base).ok()?;
    {
        let mut query = url.query_pairs_mut();
        for (k, v) in pairs {
            query.append_pair(k, v);
        }
    }
    Some(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(authorization: &str) -> Req {
        Req {
            method: Method::POST,
            path: "/".into(),
            query: String::new(),
            authorization: Some(authorization.into()),
            body: Vec::new(),
        }
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let encoded = base64::engine::general_purpose::STANDARD.encode("a%3Ab:s%2Bc+d");
        let r = req(&format!("Basic {encoded}"));
        assert_eq!(
            r.basic_credentials(),
            Some(("a:b".to_owned(), "s+c d".to_owned()))
        );
        assert_eq!(req("Basic !!!").basic_credentials(), None);
        assert_eq!(req("Bearer x").basic_credentials(), None);
        assert_eq!(req("Bearer  tok ").bearer(), Some("tok"));
    }

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let p = Params::parse(b"a=1&b=&c=%C3%A9").expect("params");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.get("c"), Some("é"));
    }

    #[test]
    fn only_loopback_redirects_pass() {
        for ok in [
            "http://127.0.0.1:51234/callback",
            "http://127.0.0.1/cb?x=1",
            "http://[::1]:8080/cb",
        ] {
            assert!(is_loopback_redirect(ok), "{ok}");
        }
        for bad in [
            "https://127.0.0.1/cb",
            "http://localhost:1/cb",
            "http://evil.example/cb",
            "http://127.0.0.1:1/cb#frag",
            "http://u:p@127.0.0.1/cb",
            "not a url",
        ] {
            assert!(!is_loopback_redirect(bad), "{bad}");
        }
        assert_eq!(
            with_query("http://127.0.0.1:9/cb?x=1", &[("code", "a b")]).as_deref(),
            Some("http://127.0.0.1:9/cb?x=1&code=a+b")
        );
    }
}
