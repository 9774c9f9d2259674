//! The one error type of the DMP service, [`DmpError`]: transport (connection, TLS, timeout,
//! HTTP status), SOAP Faults, XDS `RegistryError` lists, HL7v3 acknowledgement errors, DMP service
//! status codes, the business refusals mapped from those codes, malformed responses (XML, SOAP,
//! MTOM, HL7v3, XDS: the layers below return this type, with no error type of their own),
//! requests that cannot be prepared, and signing failures. Wire values live in `wire`, the
//! refusals in `refusal`.
//!
//! Each error says whether trying again may help ([`DmpError::is_retryable`]) and which Fluent
//! message explains it to the user ([`DmpError::message_id`], texts in
//! `src/dmp/error_messages.ftl.txt`). `Display` (French, for the log) and `Debug` never carry the
//! patient's identity, an INS or document content: free text written by the DMP is kept in a
//! [`ServerText`], which neither prints, and wire codes go through [`WireCode`], which masks
//! anything that does not look like a code.
//!
//! The DMP's full catalogue of error codes is in the DMPi guide, which was not available: only
//! `DMPOk`, `DMPFound`, `DMPClosed`, `DMPPatientAccessAlreadyExists` and
//! `DMPPatientAccessOTPAlreadyExists` are confirmed, plus the standard IHE XDS and WS-Security
//! codes. Other DMP codes are recognised by the words they contain ([`Refusal::from_code`]); an
//! unrecognised code stays a [`DmpError::ServiceStatus`] / [`DmpError::Hl7Ack`] with its code.

mod refusal;
mod wire;

pub use refusal::Refusal;
pub use wire::{
    CertificateSide, FaultCode, RegistryErrorInfo, RegistrySeverity, ServerText, SoapFault,
    SoapVersion, WireCode,
};

use crate::dmp::hl7v3::{AckCode, AckDetail, Acknowledgement};
use crate::dmp::signer::SignError;

/// XDS error codes that say "busy / unavailable now" (IHE ITI TF-3 4.2.4.1).
pub(crate) const TRANSIENT_XDS_CODES: &[&str] = &[
    "XDSRegistryBusy",
    "XDSRepositoryBusy",
    "XDSRegistryOutOfResources",
    "XDSRepositoryOutOfResources",
    "XDSRegistryNotAvailable",
];

/// Everything that can go wrong in one exchange with the DMP.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DmpError {
    /// The DMP could not be reached (DNS, connection refused, network down).
    #[error("connexion au DMP impossible")]
    Connect,
    /// The TLS handshake failed or a certificate was refused, side unknown.
    #[error("la connexion sécurisée avec le DMP a été refusée (TLS ou certificat)")]
    TlsRefused,
    /// A certificate was refused and the side is known.
    #[error("certificat {side} refusé")]
    CertificateRefused { side: CertificateSide },
    #[error("le DMP n'a pas répondu en {secs} s")]
    Timeout { secs: u64 },
    #[error("la connexion avec le DMP a été coupée")]
    ConnectionReset,
    /// An HTTP status without a SOAP Fault body.
    #[error("le DMP a répondu par le statut HTTP {status}")]
    HttpStatus { status: u16 },
    #[error("le DMP a renvoyé une erreur SOAP ({0})")]
    SoapFault(SoapFault),
    /// An XDS `RegistryErrorList` that maps to no [`Refusal`].
    #[error(
        "le registre XDS du DMP a renvoyé des erreurs ({})",
        registry_codes(errors)
    )]
    Registry { errors: Vec<RegistryErrorInfo> },
    /// An HL7v3 acknowledgement `AE`/`AR` (or a query answer other than OK/NF) that maps to no
    /// [`Refusal`].
    #[error(
        "le DMP a refusé le message HL7v3 (acquittement {ack_code}{})",
        query_suffix(query_code)
    )]
    Hl7Ack {
        ack_code: AckCode,
        query_code: Option<WireCode>,
        details: Vec<AckDetail>,
    },
    /// A DMP service `output/status` other than `DMPOk` that maps to no [`Refusal`].
    #[error("le service DMP a répondu {status}")]
    ServiceStatus {
        status: WireCode,
        context: ServerText,
    },
    /// A refusal the user can act on; `code` is the wire code it was read from, when any.
    #[error("{kind}{}", code_suffix(code))]
    Refused {
        kind: Refusal,
        code: Option<WireCode>,
    },
    /// The response is not what the exchange expects; `what` names what was expected (never
    /// the content).
    #[error("réponse du DMP inexploitable (attendu : {what})")]
    Malformed { what: &'static str },
    /// A request Chevet could not prepare (a required field missing, a change the registry
    /// does not allow, an unreadable signing certificate); `what` names it. Nothing was sent.
    #[error("demande au DMP impossible à préparer ({what})")]
    Request { what: &'static str },
    /// The signing key or device failed (VIHF assertion, XAdES signature). Nothing was sent.
    #[error("signature de la demande au DMP impossible")]
    Signing(#[from] SignError),
}

fn registry_codes(errors: &[RegistryErrorInfo]) -> String {
    let codes: Vec<&str> = errors.iter().map(|e| e.error_code.as_str()).collect();
    codes.join(", ")
}

fn query_suffix(code: &Option<WireCode>) -> String {
    code.as_ref()
        .map(|c| format!(", réponse {c}"))
        .unwrap_or_default()
}

fn code_suffix(code: &Option<WireCode>) -> String {
    code.as_ref()
        .map(|c| format!(" (code {c})"))
        .unwrap_or_default()
}

impl DmpError {
    /// A malformed-response error naming what was expected.
    pub fn malformed(what: &'static str) -> Self {
        Self::Malformed { what }
    }

    /// A request that could not be prepared, naming what was missing or invalid.
    pub fn request(what: &'static str) -> Self {
        Self::Request { what }
    }

    /// A refusal without a wire code (read from a flag or a status, not from an error code).
    pub fn refused(kind: Refusal) -> Self {
        Self::Refused { kind, code: None }
    }

    /// The error of a Fault in a SOAP 1.2 or 1.1 body (or whole envelope); `None` when `body`
    /// holds no Fault. A Fault whose subcode is a known refusal becomes [`DmpError::Refused`].
    pub fn from_soap_fault(body: &str) -> Option<Self> {
        crate::dmp::hl7v3::find_fault(body)
    }

    /// The error of a fault already read.
    pub fn from_fault(fault: SoapFault) -> Self {
        let known = fault
            .subcodes
            .iter()
            .find_map(|s| Refusal::from_code(s.as_str()).map(|kind| (kind, s.clone())));
        match known {
            Some((kind, code)) => Self::Refused {
                kind,
                code: Some(code),
            },
            None => Self::SoapFault(fault),
        }
    }

    /// The error of an HL7v3 acknowledgement; `None` for `AA`/`CA`.
    pub fn from_hl7_ack(ack: &Acknowledgement) -> Option<Self> {
        if ack.code.is_accept() {
            return None;
        }
        Some(Self::from_ack_details(ack.code.clone(), None, &ack.details))
    }

    /// An acknowledgement error from its parts; `query_code` is a `queryResponseCode` other
    /// than OK/NF, when that is what failed.
    pub(crate) fn from_ack_details(
        ack_code: AckCode,
        query_code: Option<WireCode>,
        details: &[AckDetail],
    ) -> Self {
        let known = details.iter().find_map(|d| {
            let code = d.code.as_ref()?;
            Refusal::from_code(code.as_str()).map(|kind| (kind, code.clone()))
        });
        match known {
            Some((kind, code)) => Self::Refused {
                kind,
                code: Some(code),
            },
            None => Self::Hl7Ack {
                ack_code,
                query_code,
                details: details.to_vec(),
            },
        }
    }

    /// The error of a DMP service `output/status` (+ `output/context`); `None` for `DMPOk`
    /// (any case).
    pub fn from_dmp_status(status: &str, context: &str) -> Option<Self> {
        let status = status.trim();
        if status.eq_ignore_ascii_case("DMPOk") {
            return None;
        }
        if status.is_empty() {
            return Some(Self::malformed("output/status"));
        }
        Some(match Refusal::from_code(status) {
            Some(kind) => Self::Refused {
                kind,
                code: Some(WireCode::new(status)),
            },
            None => Self::ServiceStatus {
                status: WireCode::new(status),
                context: ServerText::new(context),
            },
        })
    }

    /// The error of an XDS `RegistryErrorList`; `None` when it holds only warnings.
    pub fn from_registry_errors(errors: Vec<RegistryErrorInfo>) -> Option<Self> {
        if !errors.iter().any(RegistryErrorInfo::is_error) {
            return None;
        }
        let known = errors.iter().filter(|e| e.is_error()).find_map(|e| {
            Refusal::from_code(e.error_code.as_str()).map(|kind| (kind, e.error_code.clone()))
        });
        Some(match known {
            Some((kind, code)) => Self::Refused {
                kind,
                code: Some(code),
            },
            None => Self::Registry { errors },
        })
    }

    /// The error of an HTTP status whose body carried no SOAP Fault; `None` for 2xx.
    pub fn from_http_status(status: u16) -> Option<Self> {
        (!(200..300).contains(&status)).then_some(Self::HttpStatus { status })
    }

    /// The refusal this error stands for, if any.
    pub fn refusal(&self) -> Option<Refusal> {
        match self {
            Self::Refused { kind, .. } => Some(*kind),
            _ => None,
        }
    }

    /// True when sending the same request again later may succeed: network failures, timeouts,
    /// resets, HTTP 5xx, SOAP `Receiver` faults, XDS "busy" errors, a signing device that may
    /// come back (card). Never for 4xx, `Sender` faults, refusals, malformed responses or
    /// requests that cannot be prepared.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect | Self::Timeout { .. } | Self::ConnectionReset => true,
            Self::Signing(e) => e.is_retryable(),
            Self::HttpStatus { status } => (500..600).contains(status),
            Self::SoapFault(fault) => fault.code == FaultCode::Receiver,
            Self::Registry { errors } => {
                let mut real = errors.iter().filter(|e| e.is_error()).peekable();
                real.peek().is_some()
                    && real.all(|e| TRANSIENT_XDS_CODES.contains(&e.error_code.as_str()))
            }
            Self::TlsRefused
            | Self::CertificateRefused { .. }
            | Self::Hl7Ack { .. }
            | Self::ServiceStatus { .. }
            | Self::Refused { .. }
            | Self::Malformed { .. }
            | Self::Request { .. } => false,
        }
    }

    /// Fluent id of the message shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Connect => "error-dmp-connect",
            Self::TlsRefused => "error-dmp-tls",
            Self::CertificateRefused {
                side: CertificateSide::Server,
            } => "error-dmp-certificate-server",
            Self::CertificateRefused {
                side: CertificateSide::Client,
            } => "error-dmp-certificate-client",
            Self::Timeout { .. } => "error-dmp-timeout",
            Self::ConnectionReset => "error-dmp-connection-reset",
            Self::HttpStatus { status } if (500..600).contains(status) => "error-dmp-http-server",
            Self::HttpStatus { .. } => "error-dmp-http-client",
            Self::SoapFault(fault) => match fault.code {
                FaultCode::Receiver => "error-dmp-fault-receiver",
                FaultCode::Sender => "error-dmp-fault-sender",
                _ => "error-dmp-fault-protocol",
            },
            Self::Registry { .. } if self.is_retryable() => "error-dmp-registry-busy",
            Self::Registry { .. } => "error-dmp-registry",
            Self::Hl7Ack { .. } => "error-dmp-hl7-refused",
            Self::ServiceStatus { .. } => "error-dmp-service-status",
            Self::Refused { kind, .. } => refusal_message_id(*kind),
            // As before these had their own variants: the user is told Chevet could not
            // complete the exchange, and the log says why.
            Self::Malformed { .. } | Self::Request { .. } | Self::Signing(_) => {
                "error-dmp-malformed"
            }
        }
    }
}

fn refusal_message_id(kind: Refusal) -> &'static str {
    match kind {
        Refusal::NoDmp => "error-dmp-no-dmp",
        Refusal::DmpClosed => "error-dmp-closed",
        Refusal::AuthorizationMissing => "error-dmp-authorization-missing",
        Refusal::AuthorizationExpired => "error-dmp-authorization-expired",
        Refusal::BlockedByPatient => "error-dmp-blocked-by-patient",
        Refusal::OppositionBrisDeGlace => "error-dmp-opposition-bris-de-glace",
        Refusal::OppositionCentre15 => "error-dmp-opposition-centre-15",
        Refusal::DocumentNotFound => "error-dmp-document-not-found",
        Refusal::UnknownPatient => "error-dmp-unknown-patient",
        Refusal::VihfRejected => "error-dmp-vihf-rejected",
        Refusal::TooManyResults => "error-dmp-too-many-results",
    }
}

#[cfg(test)]
mod tests;
