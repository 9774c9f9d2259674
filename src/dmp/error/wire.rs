//! The wire values an error carries, made safe to log: [`ServerText`] (free text written by
//! the DMP, never printed), [`WireCode`] (codes, masked), SOAP faults and XDS registry errors.

use std::fmt;

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

    pub(crate) fn is_error(&self) -> bool {
        !matches!(self.severity, RegistrySeverity::Warning)
    }
}
