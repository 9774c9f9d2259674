//! The one error type of a DMP exchange, [`DmpError`]: transport (connection, TLS, timeout,
//! HTTP status), SOAP Faults, XDS `RegistryError` lists, HL7v3 acknowledgement errors, DMP service
//! status codes, the business refusals mapped from those codes, and malformed responses.
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

use std::fmt;

use crate::dmp::hl7v3::{AckCode, AckDetail, Acknowledgement};
use crate::dmp::signer::SignError;

/// Free text written by the DMP: a fault reason, an acknowledgement text, a service `context`,
/// an XDS `codeContext`. It may quote the patient's name or INS, so `Debug` shows only its
/// length and there is no `Display`: show it to the user on purpose ([`ServerText::as_str`]),
/// never log it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ServerText(String);

impl ServerText {
    pub fn new(text: impl Into<String>) -> Self {
        Self(text.into().trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for ServerText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ServerText({} chars)", self.0.chars().count())
    }
}

/// A code sent by the DMP (status, acknowledgement detail, fault subcode, XDS errorCode, HTTP
/// reason…), safe to log: characters outside `A-Z a-z 0-9 _ - . : /` become `?`, runs of six
/// digits or more (an INS, an RPPS…) become `#`, and it is cut at 100 characters.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct WireCode(String);

impl WireCode {
    const MAX: usize = 100;

    pub fn new(raw: &str) -> Self {
        let raw = raw.trim();
        let mut out = String::with_capacity(raw.len().min(Self::MAX));
        let mut digits = String::new();
        let flush = |out: &mut String, digits: &mut String| {
            if digits.len() >= 6 {
                out.push('#');
            } else {
                out.push_str(digits);
            }
            digits.clear();
        };
        for c in raw.chars().take(Self::MAX) {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            flush(&mut out, &mut digits);
            let keep = c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/');
            out.push(if keep { c } else { '?' });
        }
        flush(&mut out, &mut digits);
        Self(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the last `:` (a QName's local part, the end of a URN).
    pub fn local(&self) -> &str {
        self.0.rsplit(':').next().unwrap_or_default()
    }
}

impl fmt::Display for WireCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for WireCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

/// Which certificate the TLS layer refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateSide {
    /// The DMP's certificate is not trusted by us (wrong chain, expired, wrong host).
    Server,
    /// The DMP refused our certificate (CPS card or establishment certificate).
    Client,
}

impl fmt::Display for CertificateSide {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Server => "du serveur DMP",
            Self::Client => "de l'établissement ou de la carte",
        })
    }
}

/// SOAP version of a fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    Soap11,
    Soap12,
}

/// The top-level code of a SOAP Fault (SOAP 1.1 `Client`/`Server` are read as `Sender`/`Receiver`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultCode {
    /// The request was wrong: sending it again will fail again.
    Sender,
    /// The DMP failed to process a correct request: a later try may succeed.
    Receiver,
    VersionMismatch,
    MustUnderstand,
    DataEncodingUnknown,
    Other(WireCode),
}

impl FaultCode {
    /// From a fault code value (`soap:Sender`, `SOAP-ENV:Client.Authentication`…).
    pub fn parse(value: &str) -> Self {
        let local = value.trim().rsplit(':').next().unwrap_or_default();
        let head = local.split('.').next().unwrap_or_default();
        match head {
            "Sender" | "Client" => Self::Sender,
            "Receiver" | "Server" => Self::Receiver,
            "VersionMismatch" => Self::VersionMismatch,
            "MustUnderstand" => Self::MustUnderstand,
            "DataEncodingUnknown" => Self::DataEncodingUnknown,
            _ => Self::Other(WireCode::new(value)),
        }
    }
}

impl fmt::Display for FaultCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sender => f.write_str("Sender"),
            Self::Receiver => f.write_str("Receiver"),
            Self::VersionMismatch => f.write_str("VersionMismatch"),
            Self::MustUnderstand => f.write_str("MustUnderstand"),
            Self::DataEncodingUnknown => f.write_str("DataEncodingUnknown"),
            Self::Other(code) => code.fmt(f),
        }
    }
}

/// A SOAP 1.2 (or 1.1) Fault as the DMP sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SoapFault {
    pub version: SoapVersion,
    pub code: FaultCode,
    /// `Subcode/Value` chain, outermost first (SOAP 1.2 only), e.g. `wsse:InvalidSecurity`.
    pub subcodes: Vec<WireCode>,
    /// `Reason/Text` (French preferred) or SOAP 1.1 `faultstring`.
    pub reason: ServerText,
}

impl fmt::Display for SoapFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code)?;
        for sub in &self.subcodes {
            write!(f, " / {sub}")?;
        }
        Ok(())
    }
}

/// Severity of an XDS `RegistryError`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrySeverity {
    Error,
    Warning,
    Other(WireCode),
}

impl RegistrySeverity {
    /// From `urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error` (or just `Error`).
    pub fn parse(value: &str) -> Self {
        match value.trim().rsplit(':').next().unwrap_or_default() {
            "Error" => Self::Error,
            "Warning" => Self::Warning,
            _ => Self::Other(WireCode::new(value)),
        }
    }
}

/// One `RegistryError` of an XDS `RegistryErrorList`, filled by the XDS layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryErrorInfo {
    /// `errorCode`, e.g. `XDSDocumentUniqueIdError`.
    pub error_code: WireCode,
    /// `codeContext`: the DMP's explanation (free text).
    pub code_context: ServerText,
    pub severity: RegistrySeverity,
    /// `location`, when given (free text).
    pub location: ServerText,
}

impl RegistryErrorInfo {
    pub fn new(error_code: &str, code_context: &str, severity: &str, location: &str) -> Self {
        Self {
            error_code: WireCode::new(error_code),
            code_context: ServerText::new(code_context),
            severity: RegistrySeverity::parse(severity),
            location: ServerText::new(location),
        }
    }

    fn is_error(&self) -> bool {
        !matches!(self.severity, RegistrySeverity::Warning)
    }
}

/// XDS error codes that say "busy / unavailable now" (IHE ITI TF-3 4.2.4.1).
pub(crate) const TRANSIENT_XDS_CODES: &[&str] = &[
    "XDSRegistryBusy",
    "XDSRepositoryBusy",
    "XDSRegistryOutOfResources",
    "XDSRepositoryOutOfResources",
    "XDSRegistryNotAvailable",
];

/// A refusal by the DMP that the user can understand and act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// The patient has no DMP.
    NoDmp,
    /// The patient's DMP is closed.
    DmpClosed,
    /// The user has no authorization on this DMP (the patient must consent first).
    AuthorizationMissing,
    /// The user's authorization on this DMP has expired.
    AuthorizationExpired,
    /// The patient has blocked this professional (`INTERDIT`).
    BlockedByPatient,
    /// The patient opposed emergency access (bris de glace).
    OppositionBrisDeGlace,
    /// The patient opposed access by the regulating physician of a centre 15.
    OppositionCentre15,
    DocumentNotFound,
    /// The INS does not identify a patient known to the DMP.
    UnknownPatient,
    /// The VIHF assertion (identity token) was refused.
    VihfRejected,
    /// The search matches more results than the DMP returns.
    TooManyResults,
}

impl Refusal {
    /// Recognises a DMP, XDS or WS-Security code. Confirmed codes are matched exactly; other DMP
    /// codes by the words they contain (the DMP's catalogue was not available, see the module
    /// documentation). `None` when the code says nothing the user can act on.
    pub fn from_code(code: &str) -> Option<Self> {
        let local = code.trim().rsplit(':').next().unwrap_or_default();
        let exact = match local {
            "DMPClosed" => Some(Self::DmpClosed),
            "XDSDocumentUniqueIdError" | "XDSMissingDocument" => Some(Self::DocumentNotFound),
            "XDSTooManyResults" => Some(Self::TooManyResults),
            "XDSUnknownPatientId" => Some(Self::UnknownPatient),
            "InvalidSecurity"
            | "InvalidSecurityToken"
            | "FailedAuthentication"
            | "FailedCheck"
            | "SecurityTokenUnavailable"
            | "MessageExpired"
            | "UnsupportedSecurityToken" => Some(Self::VihfRejected),
            _ => None,
        };
        if exact.is_some() {
            return exact;
        }
        let words: String = local
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        KEYWORDS
            .iter()
            .find(|(needles, _)| needles.iter().any(|n| words.contains(n)))
            .map(|(_, refusal)| *refusal)
    }
}

/// Words of unconfirmed DMP codes, most specific first.
const KEYWORDS: &[(&[&str], Refusal)] = &[
    (&["toomany", "tropde"], Refusal::TooManyResults),
    (&["vihf", "saml", "assertion"], Refusal::VihfRejected),
    (
        &["brisdeglace", "breakglass", "bdg"],
        Refusal::OppositionBrisDeGlace,
    ),
    (
        &["urgence", "centre15", "regulation"],
        Refusal::OppositionCentre15,
    ),
    (&["closed", "ferme"], Refusal::DmpClosed),
    (&["expire"], Refusal::AuthorizationExpired),
    (
        &["interdit", "excluded", "blocked", "bloque"],
        Refusal::BlockedByPatient,
    ),
    (
        &["documentnotfound", "docnotfound", "documentinconnu"],
        Refusal::DocumentNotFound,
    ),
    (
        &[
            "patientnotfound",
            "unknownpatient",
            "insnotfound",
            "nirnotfound",
            "patientinconnu",
        ],
        Refusal::UnknownPatient,
    ),
    (&["dmpnotfound", "dmpinexistant", "nodmp"], Refusal::NoDmp),
    (
        &[
            "authorization",
            "autorisation",
            "accessdenied",
            "notauthorized",
            "unauthorized",
        ],
        Refusal::AuthorizationMissing,
    ),
];

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoDmp => "le patient n'a pas de DMP",
            Self::DmpClosed => "le DMP du patient est fermé",
            Self::AuthorizationMissing => "aucune autorisation d'accès à ce DMP",
            Self::AuthorizationExpired => "l'autorisation d'accès à ce DMP a expiré",
            Self::BlockedByPatient => "le patient a bloqué l'accès de ce professionnel",
            Self::OppositionBrisDeGlace => "le patient s'est opposé à l'accès en bris de glace",
            Self::OppositionCentre15 => "le patient s'est opposé à l'accès par le centre 15",
            Self::DocumentNotFound => "document introuvable dans le DMP",
            Self::UnknownPatient => "l'INS n'identifie aucun patient connu du DMP",
            Self::VihfRejected => "le jeton d'identification (VIHF) a été refusé",
            Self::TooManyResults => "la recherche renvoie trop de résultats",
        })
    }
}

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
mod tests {
    use super::*;
    use crate::dmp::hl7v3::AckDetail;

    fn fault(code: FaultCode) -> DmpError {
        DmpError::SoapFault(SoapFault {
            version: SoapVersion::Soap12,
            code,
            subcodes: Vec::new(),
            reason: ServerText::new("raison"),
        })
    }

    fn registry(codes: &[(&str, &str)]) -> DmpError {
        DmpError::Registry {
            errors: codes
                .iter()
                .map(|(code, severity)| RegistryErrorInfo::new(code, "", severity, ""))
                .collect(),
        }
    }

    /// One of each kind of error, with whether it is retryable.
    fn table() -> Vec<(DmpError, bool)> {
        let mut rows = vec![
            (DmpError::Connect, true),
            (DmpError::TlsRefused, false),
            (
                DmpError::CertificateRefused {
                    side: CertificateSide::Server,
                },
                false,
            ),
            (
                DmpError::CertificateRefused {
                    side: CertificateSide::Client,
                },
                false,
            ),
            (DmpError::Timeout { secs: 60 }, true),
            (DmpError::ConnectionReset, true),
            (DmpError::HttpStatus { status: 500 }, true),
            (DmpError::HttpStatus { status: 503 }, true),
            (DmpError::HttpStatus { status: 400 }, false),
            (DmpError::HttpStatus { status: 403 }, false),
            (DmpError::HttpStatus { status: 404 }, false),
            (DmpError::HttpStatus { status: 302 }, false),
            (fault(FaultCode::Receiver), true),
            (fault(FaultCode::Sender), false),
            (fault(FaultCode::VersionMismatch), false),
            (fault(FaultCode::MustUnderstand), false),
            (fault(FaultCode::Other(WireCode::new("x:Autre"))), false),
            (registry(&[("XDSRegistryBusy", "Error")]), true),
            (
                registry(&[
                    ("XDSRepositoryBusy", "Error"),
                    ("XDSRegistryError", "Error"),
                ]),
                false,
            ),
            (registry(&[("XDSRegistryError", "Error")]), false),
            (registry(&[("XDSRegistryBusy", "Warning")]), false),
            (
                DmpError::Hl7Ack {
                    ack_code: AckCode::AE,
                    query_code: None,
                    details: Vec::new(),
                },
                false,
            ),
            (
                DmpError::ServiceStatus {
                    status: WireCode::new("DMPErreur"),
                    context: ServerText::default(),
                },
                false,
            ),
            (DmpError::malformed("output/status"), false),
            (DmpError::request("patientId"), false),
            (DmpError::Signing(SignError::Device("absente".into())), true),
            (DmpError::Signing(SignError::Key("illisible".into())), false),
        ];
        for kind in ALL_REFUSALS {
            rows.push((DmpError::refused(kind), false));
        }
        rows
    }

    const ALL_REFUSALS: [Refusal; 11] = [
        Refusal::NoDmp,
        Refusal::DmpClosed,
        Refusal::AuthorizationMissing,
        Refusal::AuthorizationExpired,
        Refusal::BlockedByPatient,
        Refusal::OppositionBrisDeGlace,
        Refusal::OppositionCentre15,
        Refusal::DocumentNotFound,
        Refusal::UnknownPatient,
        Refusal::VihfRejected,
        Refusal::TooManyResults,
    ];

    #[test]
    fn retryability_table() {
        for (err, retryable) in table() {
            assert_eq!(err.is_retryable(), retryable, "{err:?}");
        }
    }

    #[test]
    fn message_ids_are_dmp_errors_and_differ_per_refusal() {
        for (err, _) in table() {
            let id = err.message_id();
            assert!(id.starts_with("error-dmp-"), "{id}");
        }
        let ids: std::collections::HashSet<_> = ALL_REFUSALS
            .iter()
            .map(|r| DmpError::refused(*r).message_id())
            .collect();
        assert_eq!(ids.len(), ALL_REFUSALS.len());
        assert_eq!(
            registry(&[("XDSRegistryBusy", "Error")]).message_id(),
            "error-dmp-registry-busy"
        );
    }

    /// Every id has a French and an English text in `error_messages.ftl.txt` (once pasted into
    /// the locales, the i18n test of the crate checks them instead).
    #[test]
    fn every_message_id_has_french_and_english_texts() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src/dmp/error_messages.ftl.txt"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            return;
        };
        let (fr, en) = text.split_once("# ---- en ----").expect("an English block");
        let defines = |block: &str, id: &str| {
            block.lines().any(|l| {
                l.split_once(" = ")
                    .is_some_and(|(k, v)| k == id && !v.trim().is_empty())
            })
        };
        for (err, _) in table() {
            let id = err.message_id();
            assert!(defines(fr, id), "fr: {id}");
            assert!(defines(en, id), "en: {id}");
        }
        let count = |block: &str| {
            block
                .lines()
                .filter(|l| l.starts_with("error-dmp-"))
                .count()
        };
        assert_eq!(count(fr), count(en));
    }

    #[test]
    fn wire_codes_keep_codes_and_mask_the_rest() {
        assert_eq!(WireCode::new(" DMPOk ").as_str(), "DMPOk");
        assert_eq!(
            WireCode::new("urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error").local(),
            "Error"
        );
        assert_eq!(WireCode::new("G15_10/SM26").as_str(), "G15_10/SM26");
        assert_eq!(WireCode::new("DUPONT Jean").as_str(), "DUPONT?Jean");
        assert_eq!(WireCode::new("INS207058575627097x").as_str(), "INS#x");
        assert_eq!(WireCode::new("12345").as_str(), "12345");
        assert_eq!(WireCode::new(&"A".repeat(500)).as_str().len(), 100);
        assert_eq!(WireCode::new("é<>").as_str(), "???");
    }

    #[test]
    fn server_text_never_prints() {
        let text = ServerText::new("  Patient DUPONT 207058575627097  ");
        assert_eq!(text.as_str(), "Patient DUPONT 207058575627097");
        assert_eq!(format!("{text:?}"), "ServerText(30 chars)");
    }

    #[test]
    fn codes_map_to_refusals() {
        let cases = [
            ("DMPClosed", Some(Refusal::DmpClosed)),
            ("DMPFound", None),
            ("DMPOk", None),
            ("DMPPatientAccessAlreadyExists", None),
            ("DMPPatientAccessOTPAlreadyExists", None),
            ("XDSDocumentUniqueIdError", Some(Refusal::DocumentNotFound)),
            ("XDSTooManyResults", Some(Refusal::TooManyResults)),
            ("XDSUnknownPatientId", Some(Refusal::UnknownPatient)),
            ("XDSRegistryError", None),
            ("wsse:InvalidSecurity", Some(Refusal::VihfRejected)),
            ("wsse:FailedAuthentication", Some(Refusal::VihfRejected)),
            ("DMPTooManyResult", Some(Refusal::TooManyResults)),
            ("DMPVihfInvalide", Some(Refusal::VihfRejected)),
            (
                "DMPAccessDeniedByExcludedPS",
                Some(Refusal::BlockedByPatient),
            ),
            ("DMPAccessDenied", Some(Refusal::AuthorizationMissing)),
            (
                "DMPAuthorizationExpired",
                Some(Refusal::AuthorizationExpired),
            ),
            (
                "DMPAuthorizationNotFound",
                Some(Refusal::AuthorizationMissing),
            ),
            (
                "DMPOppositionBrisDeGlace",
                Some(Refusal::OppositionBrisDeGlace),
            ),
            (
                "DMPOppositionAccesUrgence",
                Some(Refusal::OppositionCentre15),
            ),
            ("DMPNotFound", Some(Refusal::NoDmp)),
            ("DMPPatientNotFound", Some(Refusal::UnknownPatient)),
            ("DMPDocumentNotFound", Some(Refusal::DocumentNotFound)),
            ("DMPInvalidData", None),
            ("", None),
        ];
        for (code, expected) in cases {
            assert_eq!(Refusal::from_code(code), expected, "{code}");
        }
    }

    #[test]
    fn dmp_status_conversion() {
        assert_eq!(
            DmpError::from_dmp_status("DMPOk", "Autorisation déjà présente"),
            None
        );
        assert_eq!(DmpError::from_dmp_status("dmpok", ""), None);
        assert_eq!(
            DmpError::from_dmp_status("", ""),
            Some(DmpError::malformed("output/status"))
        );
        assert_eq!(
            DmpError::from_dmp_status("DMPClosed", "fermé"),
            Some(DmpError::Refused {
                kind: Refusal::DmpClosed,
                code: Some(WireCode::new("DMPClosed")),
            })
        );
        let Some(DmpError::ServiceStatus { status, context }) =
            DmpError::from_dmp_status("DMPPatientAccessAlreadyExists", "Accès patient existant")
        else {
            panic!("service status");
        };
        assert_eq!(status.as_str(), "DMPPatientAccessAlreadyExists");
        assert_eq!(context.as_str(), "Accès patient existant");
    }

    #[test]
    fn registry_errors_conversion() {
        assert_eq!(DmpError::from_registry_errors(Vec::new()), None);
        let warning = RegistryErrorInfo::new(
            "XDSExtraMetadataNotSaved",
            "slot ignoré",
            "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning",
            "",
        );
        assert_eq!(DmpError::from_registry_errors(vec![warning.clone()]), None);
        let not_found = RegistryErrorInfo::new(
            "XDSDocumentUniqueIdError",
            "Document 1.2.3 introuvable",
            "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error",
            "repository",
        );
        assert_eq!(not_found.severity, RegistrySeverity::Error);
        assert_eq!(
            DmpError::from_registry_errors(vec![warning.clone(), not_found])
                .and_then(|e| e.refusal()),
            Some(Refusal::DocumentNotFound)
        );
        let other = RegistryErrorInfo::new("XDSRegistryError", "", "Error", "");
        let Some(err) = DmpError::from_registry_errors(vec![warning, other]) else {
            panic!("an error");
        };
        assert_eq!(err.message_id(), "error-dmp-registry");
        assert_eq!(
            err.to_string(),
            "le registre XDS du DMP a renvoyé des erreurs (XDSExtraMetadataNotSaved, XDSRegistryError)"
        );
    }

    #[test]
    fn http_status_conversion() {
        assert_eq!(DmpError::from_http_status(200), None);
        assert_eq!(DmpError::from_http_status(204), None);
        assert_eq!(
            DmpError::from_http_status(502),
            Some(DmpError::HttpStatus { status: 502 })
        );
    }

    #[test]
    fn display_and_debug_never_carry_identity() {
        let secret = "DUPONT Jean 207058575627097";
        let errors = [
            DmpError::ServiceStatus {
                status: WireCode::new("DMPErreur"),
                context: ServerText::new(secret),
            },
            DmpError::Hl7Ack {
                ack_code: AckCode::AE,
                query_code: None,
                details: vec![AckDetail {
                    type_code: None,
                    code: Some(WireCode::new(secret)),
                    code_system: None,
                    text: ServerText::new(secret),
                }],
            },
            DmpError::Registry {
                errors: vec![RegistryErrorInfo::new(secret, secret, "Error", secret)],
            },
            DmpError::Refused {
                kind: Refusal::UnknownPatient,
                code: Some(WireCode::new(secret)),
            },
        ];
        for err in errors {
            let shown = format!("{err} | {err:?}");
            assert!(!shown.contains("207058575627097"), "{shown}");
            assert!(!shown.contains("DUPONT Jean"), "{shown}");
        }
    }

    #[test]
    fn display_is_french_and_names_the_code() {
        let err = DmpError::Refused {
            kind: Refusal::DmpClosed,
            code: Some(WireCode::new("DMPClosed")),
        };
        assert_eq!(
            err.to_string(),
            "le DMP du patient est fermé (code DMPClosed)"
        );
        assert_eq!(
            DmpError::malformed("output/status").to_string(),
            "réponse du DMP inexploitable (attendu : output/status)"
        );
        assert_eq!(
            FaultCode::parse("SOAP-ENV:Client.Authentication"),
            FaultCode::Sender
        );
    }
}
