//! The sandbox portal's context side: HTTPS on 127.0.0.1 requiring a client certificate of
//! the test CA (the establishment's ORG AUTH_CLI), one SOAP POST per context. The VIHF must
//! verify against the test CA and carry every required attribute and the patient
//! (`resource-id`); the body names the page. The answer is the browser address with a fresh
//! token, or the WS-Security SOAP Fault the DMP would give. Nothing is logged but the outcome.

use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

use super::{CONTEXT_PATH, CONTEXT_SERVICE, Grant, PORTAL_PATH, Shared};
use crate::dmp::consult::portal::{
    CONTEXT_ACTION, CONTEXT_RESPONSE_ACTION, answer_body, read_request,
};
use crate::dmp::soap;
use crate::dmp::vihf;
use crate::sandbox::mtls;
use crate::sandbox::registry::{ServeFuture, SimulatedService};
use crate::xml::{Limits, XmlWriter};

/// Largest context request read (a signed VIHF and a page code).
const MAX_REQUEST_BYTES: usize = 256 * 1024;
const WSA: &str = "http://www.w3.org/2005/08/addressing";

type Answer = Response<Full<Bytes>>;

/// The context side, to register.
pub(super) struct ContextSide(pub(super) Arc<Shared>);

impl SimulatedService for ContextSide {
    fn name(&self) -> &'static str {
        CONTEXT_SERVICE
    }

    fn scheme(&self) -> &'static str {
        "https"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        let tls = self.0.tls.clone();
        let shared = self.0;
        Box::pin(mtls::serve(listener, tls, "sandbox portal", move |_| {
            let shared = shared.clone();
            service_fn(move |request| {
                let shared = shared.clone();
                async move { Ok::<_, std::convert::Infallible>(handle(&shared, request).await) }
            })
        }))
    }
}

async fn handle(shared: &Shared, request: Request<Incoming>) -> Answer {
    if request.method() != hyper::Method::POST || request.uri().path() != CONTEXT_PATH {
        return plain(StatusCode::NOT_FOUND, "POST /portail/contexte only");
    }
    let Ok(body) = Limited::new(request.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    else {
        return plain(StatusCode::PAYLOAD_TOO_LARGE, "request too large");
    };
    let body = body.to_bytes();
    let envelope = soap::decode_text(&body);
    match grant_for(shared, &envelope) {
        Ok((grant, message_id)) => {
            let Some(browser) = shared.browser_url.get() else {
                return fault("soap:Receiver", None, "Portail simulé pas encore prêt.");
            };
            let token = shared.issue(grant);
            tracing::debug!("sandbox portal: context token issued");
            let address = format!("{browser}{PORTAL_PATH}?ctx={token}");
            let payload = answer_body(&address, shared.ttl.as_secs());
            let xml = envelope_of(CONTEXT_RESPONSE_ACTION, message_id.as_deref(), &payload);
            bytes_answer(StatusCode::OK, xml)
        }
        Err(answer) => *answer,
    }
}

/// What the request asks for, once its VIHF and body are checked; its message id.
fn grant_for(shared: &Shared, envelope: &str) -> Result<(Grant, Option<String>), Box<Answer>> {
    let sender =
        |subcode: Option<&str>, reason: &str| Box::new(fault("soap:Sender", subcode, reason));
    let doc = soap::parse(envelope, &Limits::HL7V3)
        .map_err(|_| sender(None, "Enveloppe SOAP illisible."))?;
    let answer = soap::read_answer(&doc).map_err(|_| sender(None, "Enveloppe SOAP illisible."))?;
    if answer.action != Some(CONTEXT_ACTION) {
        return Err(sender(
            Some("wsa:ActionNotSupported"),
            "Action SOAP inconnue pour ce service.",
        ));
    }
    let page = read_request(answer.payload)
        .ok_or_else(|| sender(None, "Demande de contexte illisible (page attendue)."))?;
    let verified = vihf::verify_and_parse(envelope, Some(&shared.ca_der)).map_err(|e| {
        tracing::debug!("sandbox portal: VIHF refused: {e}");
        sender(
            Some("wsse:InvalidSecurity"),
            "Jeton VIHF absent, non signé ou dont la signature est invalide.",
        )
    })?;
    let missing = verified.vihf.missing_required();
    if !missing.is_empty() {
        return Err(sender(
            Some("wsse:FailedCheck"),
            &format!(
                "Attributs obligatoires absents du VIHF : {}.",
                missing.join(", ")
            ),
        ));
    }
    let request = verified
        .vihf
        .to_request()
        .map_err(|_| sender(Some("wsse:FailedCheck"), "VIHF invalide."))?;
    let Ok(Some(ins)) = verified.vihf.resource_ins() else {
        return Err(sender(
            Some("wsse:FailedCheck"),
            "VIHF invalide : resource-id doit être l'INS du patient.",
        ));
    };
    let grant = Grant {
        matricule: ins.matricule.as_str().to_owned(),
        ins_oid: ins.oid.as_str().to_owned(),
        professional: verified.vihf.name_id.clone(),
        purpose: request.purpose,
        page,
    };
    Ok((grant, answer.message_id.map(str::to_owned)))
}

fn envelope_of(action: &str, relates_to: Option<&str>, payload: &str) -> String {
    let message_id = soap::new_message_id();
    let mut w = XmlWriter::new();
    w.open("soap:Envelope", &[("xmlns:soap", soap::SOAP12)])
        .open("soap:Header", &[]);
    for (name, value) in [
        ("Action", Some(action)),
        ("MessageID", Some(message_id.as_str())),
        ("RelatesTo", relates_to),
    ] {
        if let Some(value) = value {
            w.leaf(name, &[("xmlns", WSA)], value);
        }
    }
    w.close().open("soap:Body", &[]).raw(payload);
    w.finish()
}

/// A SOAP 1.2 Fault: HTTP 400 for the sender's faults, 500 otherwise.
fn fault(code: &str, subcode: Option<&str>, reason: &str) -> Answer {
    let mut w = XmlWriter::new();
    w.open(
        "soap:Fault",
        &[
            ("xmlns:soap", soap::SOAP12),
            ("xmlns:wsse", soap::WSSE),
            ("xmlns:wsa", WSA),
        ],
    )
    .open("soap:Code", &[])
    .leaf("soap:Value", &[], code);
    if let Some(sub) = subcode {
        w.open("soap:Subcode", &[])
            .leaf("soap:Value", &[], sub)
            .close();
    }
    w.close()
        .open("soap:Reason", &[])
        .leaf("soap:Text", &[("xml:lang", "fr")], reason);
    let xml = envelope_of(
        "http://www.w3.org/2005/08/addressing/soap/fault",
        None,
        &w.finish(),
    );
    let status = if code == "soap:Sender" {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::INTERNAL_SERVER_ERROR
    };
    bytes_answer(status, xml)
}

fn bytes_answer(status: StatusCode, xml: String) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(xml)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/soap+xml; charset=UTF-8"),
    );
    response
}

fn plain(status: StatusCode, text: &'static str) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}
