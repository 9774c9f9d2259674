//! [`InsiClient`]: one SOAP call to INSi per [`InsiClient::query`], over HTTPS with mutual TLS
//! (the establishment's INSI-AUTO / INSI-MANU certificate; the configured trust anchors only,
//! never the system's web roots), through the shared HTTP wrapper (`crate::http`): timeouts,
//! the answer read whole within [`MAX_ANSWER_BYTES`], transport failures classified. Logs say
//! how a call went (code, duration), never what it carried.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::answer::parse_answer;
use super::error::InsiError;
use super::settings::{InsiSettings, MAX_ANSWER_BYTES};
use super::soap::{content_type, write_request};
use super::types::{InsiAnswer, InsiQuery, RequestContext};
use crate::http::{self, HttpReply};

/// A client bound to one endpoint and one client identity; cheap to clone.
#[derive(Clone)]
pub struct InsiClient {
    client: reqwest::Client,
    settings: Arc<InsiSettings>,
}

impl std::fmt::Debug for InsiClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InsiClient({})", self.settings.endpoint)
    }
}

/// The rustls side: TLS 1.2/1.3, these roots only, this client certificate.
fn tls_config(settings: &InsiSettings) -> Result<rustls::ClientConfig, InsiError> {
    let refused =
        |_| InsiError::Settings("certificat client ou autorités de confiance inutilisables");
    let mut store = rustls::RootCertStore::empty();
    for root in &settings.roots {
        store.add(root.clone()).map_err(refused)?;
    }
    if store.is_empty() {
        return Err(InsiError::Settings("aucune autorité de confiance"));
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS12, &rustls::version::TLS13])
        .map_err(refused)?
        .with_root_certificates(store)
        .with_client_auth_cert(
            settings.identity.certificate_chain.clone(),
            settings.identity.key.clone_key(),
        )
        .map_err(refused)
}

impl InsiClient {
    pub fn new(settings: &InsiSettings) -> Result<Self, InsiError> {
        let url = url::Url::parse(&settings.endpoint)
            .map_err(|_| InsiError::Settings("adresse du service illisible"))?;
        if url.scheme() != "https" {
            return Err(InsiError::Settings(
                "l'adresse du service doit être en https",
            ));
        }
        if settings.idam.trim().is_empty() {
            return Err(InsiError::Settings("numéro d'autorisation (idam) absent"));
        }
        let http_settings = http::Settings {
            connect_timeout: Duration::from_millis(settings.connect_timeout_ms.max(1)),
            total_timeout: Duration::from_millis(settings.timeout_ms.max(1)),
            https_only: true,
            follow_redirects: false,
        };
        let client = http::client(
            &http_settings,
            http::Tls::Rustls(Box::new(tls_config(settings)?)),
        )
        .map_err(|_| InsiError::Settings("client HTTPS impossible à construire"))?;
        Ok(Self {
            client,
            settings: Arc::new(settings.clone()),
        })
    }

    /// The settings it was built with.
    pub fn settings(&self) -> &InsiSettings {
        &self.settings
    }

    /// One SOAP call.
    pub async fn query(&self, q: &InsiQuery) -> Result<InsiAnswer, InsiError> {
        let xml = write_request(&self.settings, q, &RequestContext::fresh())?;
        let request = self
            .client
            .post(&self.settings.endpoint)
            .header(reqwest::header::CONTENT_TYPE, content_type(q.action()))
            .body(xml);
        let start = Instant::now();
        let result = match http::send(request, MAX_ANSWER_BYTES).await {
            Ok(reply) => interpret(&reply),
            Err(e) => Err(self.transport_error(e)),
        };
        let ms = start.elapsed().as_millis();
        match &result {
            Ok(answer) => tracing::info!(code = answer.code(), ms, "INSi call"),
            Err(e) => tracing::warn!(id = e.message_id(), ms, "INSi call failed"),
        }
        result
    }

    fn transport_error(&self, e: http::Failure) -> InsiError {
        match e {
            http::Failure::Timeout => InsiError::Timeout {
                ms: self.settings.timeout_ms,
            },
            http::Failure::Connect { tls: true } => InsiError::Tls,
            http::Failure::Connect { tls: false } => InsiError::Unreachable,
            http::Failure::Transfer => InsiError::Interrupted,
            http::Failure::TooLarge { .. } => InsiError::Malformed {
                what: "une réponse de taille raisonnable",
            },
            http::Failure::Request => InsiError::Settings("requête impossible à construire"),
        }
    }
}

/// An HTTP answer's meaning: an XML answer is read (a fault comes with HTTP 500); anything
/// else is a gateway's page.
fn interpret(reply: &HttpReply) -> Result<InsiAnswer, InsiError> {
    let media = reply.media_type();
    let xml = media.ends_with("+xml") || media.ends_with("/xml");
    if !xml {
        return Err(if matches!(reply.status, 500 | 502 | 503 | 504) {
            InsiError::Unavailable {
                status: reply.status,
            }
        } else {
            InsiError::NotSoap {
                status: reply.status,
            }
        });
    }
    let answer = parse_answer(&reply.body)?;
    if reply.is_success() {
        Ok(answer)
    } else {
        Err(InsiError::Unavailable {
            status: reply.status,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, content_type: &str, body: &str) -> HttpReply {
        HttpReply {
            status,
            content_type: content_type.into(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn html_pages_and_statuses_are_told_apart() {
        let page = "<html><body>Bad gateway</body></html>";
        assert_eq!(
            interpret(&reply(502, "text/html", page)),
            Err(InsiError::Unavailable { status: 502 })
        );
        assert_eq!(
            interpret(&reply(200, "text/html; charset=utf-8", page)),
            Err(InsiError::NotSoap { status: 200 })
        );
        assert!(matches!(
            interpret(&reply(200, "application/soap+xml", "<soap:Envelope")),
            Err(InsiError::Xml(_))
        ));
    }
}
