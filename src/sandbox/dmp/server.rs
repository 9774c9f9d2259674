//! The sandbox DMP's HTTPS front: TLS 1.2/1.3 on 127.0.0.1 requiring a client certificate
//! issued by the test CA, one POST per SOAP exchange (plain or MTOM), routed by service path
//! and SOAP action to the HL7v3 side or the XDS side. Before any transaction the VIHF must
//! carry a signature that verifies against the test CA and every required attribute; otherwise
//! the answer is the WS-Security SOAP Fault a real DMP gives. Injected faults apply here.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use tokio::net::TcpListener;

use super::faults::{Fault, FaultPlan, Transaction};
use super::hl7v3_side;
use super::pki::TestPki;
use super::state::DmpState;
use super::xds_side::{self, CallerContext, XdsReply};
use crate::dmp::client::{Service, actions};
use crate::dmp::hl7v3::actions as hl7_actions;
use crate::dmp::vihf::{self, VerifiedVihf};
use crate::dmp::xds::IdGen;
use crate::dmp::{mtom, soap};
use crate::sandbox::mtls;
use crate::sandbox::registry::{ServeFuture, SimulatedService};
use crate::xml::{Limits, XmlWriter};

/// Path of the services under the server's root, as on the real DMP.
pub const BASE_PATH: &str = "/si-dmp-server/v2/services";
/// Largest request accepted (a fed document with its signature).
const MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxDmpError {
    #[error("{0}")]
    Pki(#[from] super::pki::PkiError),
    #[error("configuration TLS du DMP simulé refusée : {0}")]
    Tls(String),
    #[error("le DMP simulé ne peut pas écouter : {0}")]
    Listen(#[from] std::io::Error),
}

impl SandboxDmpError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

struct Shared {
    state: Mutex<DmpState>,
    faults: Arc<FaultPlan>,
    pki: TestPki,
    tls: Arc<rustls::ServerConfig>,
}

/// The simulator, ready to be registered.
#[derive(Clone)]
pub struct SandboxDmp {
    shared: Arc<Shared>,
}

impl SandboxDmp {
    pub fn new(
        pki: TestPki,
        state: DmpState,
        faults: Arc<FaultPlan>,
    ) -> Result<Self, SandboxDmpError> {
        let tls = mtls::server_config(&pki.ca_der, &pki.server.cert_der, &pki.server.key_pem)
            .map_err(SandboxDmpError::Tls)?;
        Ok(Self {
            shared: Arc::new(Shared {
                state: Mutex::new(state),
                faults,
                pki,
                tls: Arc::new(tls),
            }),
        })
    }

    pub fn pki(&self) -> &TestPki {
        &self.shared.pki
    }

    pub fn faults(&self) -> Arc<FaultPlan> {
        self.shared.faults.clone()
    }

    /// Runs `f` on the state (tests, seeding checks).
    pub fn with_state<T>(&self, f: impl FnOnce(&mut DmpState) -> T) -> Option<T> {
        self.shared.state.lock().ok().map(|mut s| f(&mut s))
    }
}

impl SimulatedService for SandboxDmp {
    fn name(&self) -> &'static str {
        "dmp"
    }

    fn scheme(&self) -> &'static str {
        "https"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        let tls = self.shared.tls.clone();
        let shared = self.shared;
        Box::pin(mtls::serve(listener, tls, "sandbox DMP", move |_| {
            let shared = shared.clone();
            service_fn(move |request| {
                let shared = shared.clone();
                async move { handle(&shared, request).await }
            })
        }))
    }
}

type Answer = Response<Full<Bytes>>;

/// A dropped connection (injected reset).
#[derive(Debug, thiserror::Error)]
#[error("connection reset by fault injection")]
struct InjectedReset;

async fn handle(shared: &Shared, request: Request<Incoming>) -> Result<Answer, InjectedReset> {
    if request.method() != hyper::Method::POST {
        return Ok(plain(StatusCode::METHOD_NOT_ALLOWED, "POST only"));
    }
    let service = request
        .uri()
        .path()
        .strip_prefix(BASE_PATH)
        .map(|p| p.trim_matches('/').to_owned())
        .unwrap_or_default();
    let content_type = header(&request, "content-type");
    let soap_action = header(&request, "soapaction");
    let body = match Limited::new(request.into_body(), MAX_REQUEST_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(plain(StatusCode::PAYLOAD_TOO_LARGE, "request too large")),
    };
    let (envelope_bytes, attachments) = if content_type.to_ascii_lowercase().contains("multipart") {
        match mtom::read(&content_type, &body) {
            Ok(parts) => (parts.root.body, parts.attachments),
            Err(_) => return Ok(fault("soap:Sender", None, "Message MTOM illisible.")),
        }
    } else {
        (body.to_vec(), Vec::new())
    };
    let envelope = soap::decode_text(&envelope_bytes);
    let read = soap::parse(&envelope, &Limits::XDS).and_then(|doc| {
        let answer = soap::read_answer(&doc)?;
        Ok((
            answer.action.map(str::to_owned),
            answer.message_id.map(str::to_owned),
        ))
    });
    let Ok((action, message_id)) = read else {
        return Ok(fault("soap:Sender", None, "Enveloppe SOAP illisible."));
    };
    let action = action.unwrap_or_else(|| soap_action.trim_matches('"').to_owned());
    let Some(transaction) = route(&service, &action) else {
        return Ok(fault(
            "soap:Sender",
            Some("wsa:ActionNotSupported"),
            "Action SOAP inconnue pour ce service.",
        ));
    };
    let injected = shared.faults.take(transaction);
    match injected {
        Some(Fault::Slow { delay_ms }) => tokio::time::sleep(Duration::from_millis(delay_ms)).await,
        Some(Fault::SoapFault) => {
            return Ok(fault(
                "soap:Receiver",
                Some("dmp:ServiceIndisponible"),
                "Erreur interne du DMP (panne simulée).",
            ));
        }
        Some(Fault::Http { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
            return Ok(plain(
                status,
                "<html><body>Service indisponible</body></html>",
            ));
        }
        Some(Fault::Reset) => return Err(InjectedReset),
        Some(Fault::Timeout) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            return Err(InjectedReset);
        }
        Some(Fault::ResetAfter | Fault::HttpAfter { .. } | Fault::Random { .. }) | None => {}
    }
    let vihf = match check_vihf(&envelope, &shared.pki) {
        Ok(v) => v,
        Err(answer) => return Ok(*answer),
    };
    let caller = match caller_of(&vihf) {
        Ok(c) => c,
        Err(answer) => return Ok(*answer),
    };
    tracing::debug!(transaction = transaction.name(), "sandbox DMP request");
    let reply = {
        let Ok(mut state) = shared.state.lock() else {
            return Ok(fault(
                "soap:Receiver",
                None,
                "État du DMP simulé indisponible.",
            ));
        };
        dispatch(&mut state, &caller, transaction, &envelope, &attachments)
    };
    match injected {
        Some(Fault::ResetAfter) => return Err(InjectedReset),
        Some(Fault::HttpAfter { status }) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
            return Ok(plain(status, "<html><body>Bad gateway</body></html>"));
        }
        _ => {}
    }
    Ok(respond(transaction, message_id.as_deref(), reply))
}

fn header(request: &Request<Incoming>, name: &str) -> String {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Which transaction a (service, action) pair is.
fn route(service: &str, action: &str) -> Option<Transaction> {
    let service = [
        Service::Patients,
        Service::Habilitations,
        Service::PatientsSpecific,
        Service::Registry,
        Service::Repository,
    ]
    .into_iter()
    .find(|s| s.path() == service)?;
    Some(match (service, action) {
        (Service::Patients, hl7_actions::GET_DEMOGRAPHICS) => Transaction::Exists,
        (Service::Habilitations, hl7_actions::SET_AUTHORIZATION) => Transaction::Authorize,
        (Service::PatientsSpecific, hl7_actions::PATIENT_LIST) => Transaction::PatientList,
        (Service::Registry, actions::ITI18) => Transaction::Find,
        (Service::Registry, actions::ITI57) => Transaction::Update,
        (Service::Repository, actions::ITI43) => Transaction::Retrieve,
        (Service::Repository, actions::ITI41) => Transaction::Feed,
        _ => return None,
    })
}

/// The VIHF must verify against the test CA and carry every required attribute.
fn check_vihf(envelope: &str, pki: &TestPki) -> Result<VerifiedVihf, Box<Answer>> {
    let verified = vihf::verify_and_parse(envelope, Some(&pki.ca_der)).map_err(|e| {
        tracing::debug!("sandbox DMP: VIHF refused: {e}");
        Box::new(fault(
            "soap:Sender",
            Some("wsse:InvalidSecurity"),
            "Jeton VIHF absent, non signé ou dont la signature est invalide.",
        ))
    })?;
    let missing = verified.vihf.missing_required();
    if !missing.is_empty() {
        return Err(Box::new(fault(
            "soap:Sender",
            Some("wsse:FailedCheck"),
            &format!(
                "Attributs obligatoires absents du VIHF : {}.",
                missing.join(", ")
            ),
        )));
    }
    Ok(verified)
}

fn caller_of(verified: &VerifiedVihf) -> Result<CallerContext, Box<Answer>> {
    let refused = |what: String| {
        Box::new(fault(
            "soap:Sender",
            Some("wsse:FailedCheck"),
            &format!("VIHF invalide : {what}."),
        ))
    };
    let request = verified
        .vihf
        .to_request()
        .map_err(|e| refused(e.to_string()))?;
    let patient = verified
        .vihf
        .resource_ins()
        .map_err(|_| refused("resource-id n'est pas un INS".to_owned()))?;
    Ok(CallerContext {
        national_id: verified.vihf.name_id.clone(),
        purpose: request.purpose,
        patient,
    })
}

fn dispatch(
    state: &mut DmpState,
    caller: &CallerContext,
    transaction: Transaction,
    envelope: &str,
    attachments: &[mtom::Part],
) -> XdsReply {
    let hl7_caller = hl7v3_side::Caller {
        national_id: &caller.national_id,
    };
    let matricule = caller.patient.as_ref().map(|i| i.matricule.as_str());
    let payload = match transaction {
        Transaction::Exists => hl7v3_side::existence(state, &hl7_caller, envelope),
        Transaction::Authorize => {
            hl7v3_side::set_authorization(state, &hl7_caller, matricule, envelope)
        }
        Transaction::PatientList => hl7v3_side::patient_list(state, &hl7_caller, envelope),
        Transaction::Find | Transaction::Retrieve | Transaction::Update | Transaction::Feed => {
            let action = match transaction {
                Transaction::Find => actions::ITI18,
                Transaction::Retrieve => actions::ITI43,
                Transaction::Update => actions::ITI57,
                _ => actions::ITI41,
            };
            return xds_side::handle(
                state,
                caller,
                action,
                envelope.as_bytes(),
                attachments,
                &mut IdGen::new(),
            );
        }
    };
    XdsReply::Soap { payload }
}

fn response_action(transaction: Transaction) -> &'static str {
    match transaction {
        Transaction::Exists => "urn:hl7-org:v3:PRPA_IN201308UV02",
        Transaction::Authorize => {
            "urn:si-dmp-habilitations:HabilitationsEndPoint:setAuthorizationResponse"
        }
        Transaction::PatientList => {
            "urn:si-dmp-patients:PatientSpecificEndPoint:patientListResponse"
        }
        Transaction::Find => "urn:ihe:iti:2007:RegistryStoredQueryResponse",
        Transaction::Retrieve => "urn:ihe:iti:2007:RetrieveDocumentSetResponse",
        Transaction::Update => "urn:ihe:iti:2010:UpdateDocumentSetResponse",
        Transaction::Feed => "urn:ihe:iti:2007:ProvideAndRegisterDocumentSet-bResponse",
    }
}

fn respond(transaction: Transaction, relates_to: Option<&str>, reply: XdsReply) -> Answer {
    let action = response_action(transaction);
    match reply {
        XdsReply::Soap { payload } => {
            let xml = response_envelope(action, relates_to, &payload);
            bytes_answer(
                StatusCode::OK,
                &format!("application/soap+xml; charset=UTF-8; action=\"{action}\""),
                xml.into_bytes(),
            )
        }
        XdsReply::Mtom {
            payload,
            attachments,
        } => {
            let xml = response_envelope(action, relates_to, &payload);
            let boundary = mtom::new_boundary();
            let body = mtom::write(&boundary, action, &xml, &attachments);
            bytes_answer(StatusCode::OK, &mtom::content_type(&boundary, action), body)
        }
    }
}

const WSA: &str = "http://www.w3.org/2005/08/addressing";

fn response_envelope(action: &str, relates_to: Option<&str>, payload: &str) -> String {
    let message_id = soap::new_message_id();
    let mut w = XmlWriter::new();
    w.open("soap:Envelope", &[("xmlns:soap", soap::SOAP12)])
        .open("soap:Header", &[]);
    for (name, value) in [
        ("Action", Some(action)),
        ("MessageID", Some(message_id.as_str())),
        ("To", Some("http://www.w3.org/2005/08/addressing/anonymous")),
        ("RelatesTo", relates_to),
    ] {
        if let Some(value) = value {
            w.leaf(name, &[("xmlns", WSA)], value);
        }
    }
    w.close().open("soap:Body", &[]).raw(payload);
    w.finish()
}

/// A SOAP 1.2 Fault with HTTP 500.
fn fault(code: &str, subcode: Option<&str>, reason: &str) -> Answer {
    let mut w = XmlWriter::new();
    w.open(
        "soap:Fault",
        &[
            ("xmlns:soap", soap::SOAP12),
            ("xmlns:wsse", soap::WSSE),
            ("xmlns:wsa", WSA),
            ("xmlns:dmp", "urn:dmp:sandbox"),
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
    let envelope = response_envelope(
        "http://www.w3.org/2005/08/addressing/soap/fault",
        None,
        &w.finish(),
    );
    bytes_answer(
        StatusCode::INTERNAL_SERVER_ERROR,
        "application/soap+xml; charset=UTF-8",
        envelope.into_bytes(),
    )
}

fn plain(status: StatusCode, text: &str) -> Answer {
    bytes_answer(status, "text/html; charset=UTF-8", text.as_bytes().to_vec())
}

fn bytes_answer(status: StatusCode, content_type: &str, body: Vec<u8>) -> Answer {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = hyper::header::HeaderValue::from_str(content_type) {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::error::Refusal;

    fn body_text(answer: Answer) -> String {
        let bytes = futures_lite_collect(answer);
        String::from_utf8(bytes).unwrap_or_default()
    }

    fn futures_lite_collect(answer: Answer) -> Vec<u8> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        rt.block_on(async {
            answer
                .into_body()
                .collect()
                .await
                .map(|c| c.to_bytes().to_vec())
                .unwrap_or_default()
        })
    }

    #[test]
    fn faults_read_back_as_the_client_types_them() {
        let answer = fault(
            "soap:Sender",
            Some("wsse:InvalidSecurity"),
            "Jeton VIHF invalide.",
        );
        assert_eq!(answer.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let text = body_text(answer);
        let doc = soap::parse(&text, &Limits::XDS).expect("envelope");
        let parsed = soap::read_answer(&doc).expect("envelope");
        assert!(parsed.is_fault());
        let error = crate::dmp::hl7v3::fault_error(&parsed.payload);
        assert_eq!(error.refusal(), Some(Refusal::VihfRejected));
    }

    #[test]
    fn a_vihf_signed_by_the_test_structure_passes_and_a_tampered_one_fails() {
        let pki = super::super::pki::generate("1750999005", "810101234567").expect("pki");
        let signer = crate::dmp::xmldsig::SoftwareSigner::from_pem(
            &pki.structure_sign.key_pem,
            &pki.structure_sign.cert_pem,
        )
        .expect("signer");
        let mut request = vihf::VihfRequest::new(
            vihf::AuthMode::IndirecteRenforcee,
            "810101234567",
            "1750999005",
            "SA01",
            crate::dmp::setup::chevet_lps("SANDBOX"),
        );
        request.subject_id = Some("Claire LAMBERT".into());
        request.roles = vec![
            vihf::Coded::profession("10", ""),
            vihf::Coded::savoir_faire("SM04", "Cardiologie"),
        ];
        let signed = vihf::build_signed(&request, &signer).expect("sign");
        let assertion = match signed.find("?>") {
            Some(i) => signed[i + 2..].trim_start().to_owned(),
            None => signed,
        };
        let envelope = soap::envelope(
            &soap::Headers {
                action: hl7_actions::GET_DEMOGRAPHICS,
                to: "https://127.0.0.1/si-dmp-server/v2/services/patients",
                message_id: soap::new_message_id(),
                vihf: Some(&assertion),
            },
            "<x xmlns=\"urn:hl7-org:v3\"/>",
        );
        let verified = check_vihf(&envelope, &pki).map_err(|a| body_text(*a));
        let verified = verified.expect("accepted");
        let caller = caller_of(&verified)
            .map_err(|a| body_text(*a))
            .expect("caller");
        assert_eq!(caller.national_id, "810101234567");
        let tampered = envelope.replace("810101234567", "810101234568");
        assert!(check_vihf(&tampered, &pki).is_err());
    }
}
