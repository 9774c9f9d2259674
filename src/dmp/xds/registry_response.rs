//! Registry and repository answers: `RegistryResponse` (ITI-41, ITI-57, inside ITI-43) with
//! its status (Success / PartialSuccess / Failure) and `RegistryErrorList`, read into typed
//! [`XdsError`]s that say whether trying again may help.

use super::consts::*;
use crate::dmp::error::{DmpError, RegistryErrorInfo, TRANSIENT_XDS_CODES};
use crate::dmp::soap;
use crate::xml::{Element, Limits};

/// Status of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ResponseStatus {
    Success,
    PartialSuccess,
    Failure,
    Other(String),
}

impl ResponseStatus {
    pub fn from_urn(urn: &str) -> Self {
        match urn.trim() {
            STATUS_SUCCESS => Self::Success,
            STATUS_PARTIAL_SUCCESS => Self::PartialSuccess,
            STATUS_FAILURE => Self::Failure,
            other => Self::Other(other.to_owned()),
        }
    }

    pub fn urn(&self) -> &str {
        match self {
            Self::Success => STATUS_SUCCESS,
            Self::PartialSuccess => STATUS_PARTIAL_SUCCESS,
            Self::Failure => STATUS_FAILURE,
            Self::Other(urn) => urn,
        }
    }
}

/// Severity of a registry error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Severity {
    Error,
    Warning,
}

/// The error codes of IHE ITI TF-3 Table 4.2.4.1-2 and ITI-57 that this client may meet;
/// anything else is kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    RegistryNotAvailable,
    RegistryError,
    RepositoryError,
    RegistryBusy,
    RepositoryBusy,
    RegistryOutOfResources,
    RepositoryOutOfResources,
    UnavailableCommunity,
    RegistryMetadataError,
    RepositoryMetadataError,
    MissingDocument,
    MissingDocumentMetadata,
    DuplicateUniqueIdInRegistry,
    RegistryDuplicateUniqueIdInMessage,
    RepositoryDuplicateUniqueIdInMessage,
    NonIdenticalHash,
    NonIdenticalSize,
    TooManyResults,
    UnknownPatientId,
    PatientIdDoesNotMatch,
    UnknownStoredQuery,
    StoredQueryParamNumber,
    StoredQueryMissingParam,
    DocumentUniqueIdError,
    UnknownRepositoryId,
    ResultNotSinglePatient,
    MetadataUpdateError,
    MetadataVersionError,
    MetadataUpdateOperationError,
    PatientIdReconciliationError,
    Other(String),
}

impl ErrorCode {
    const KNOWN: [(&str, Self); 30] = [
        ("XDSRegistryNotAvailable", Self::RegistryNotAvailable),
        ("XDSRegistryError", Self::RegistryError),
        ("XDSRepositoryError", Self::RepositoryError),
        ("XDSRegistryBusy", Self::RegistryBusy),
        ("XDSRepositoryBusy", Self::RepositoryBusy),
        ("XDSRegistryOutOfResources", Self::RegistryOutOfResources),
        (
            "XDSRepositoryOutOfResources",
            Self::RepositoryOutOfResources,
        ),
        ("XDSUnavailableCommunity", Self::UnavailableCommunity),
        ("XDSRegistryMetadataError", Self::RegistryMetadataError),
        ("XDSRepositoryMetadataError", Self::RepositoryMetadataError),
        ("XDSMissingDocument", Self::MissingDocument),
        ("XDSMissingDocumentMetadata", Self::MissingDocumentMetadata),
        (
            "XDSDuplicateUniqueIdInRegistry",
            Self::DuplicateUniqueIdInRegistry,
        ),
        (
            "XDSRegistryDuplicateUniqueIdInMessage",
            Self::RegistryDuplicateUniqueIdInMessage,
        ),
        (
            "XDSRepositoryDuplicateUniqueIdInMessage",
            Self::RepositoryDuplicateUniqueIdInMessage,
        ),
        ("XDSNonIdenticalHash", Self::NonIdenticalHash),
        ("XDSNonIdenticalSize", Self::NonIdenticalSize),
        ("XDSTooManyResults", Self::TooManyResults),
        ("XDSUnknownPatientId", Self::UnknownPatientId),
        ("XDSPatientIdDoesNotMatch", Self::PatientIdDoesNotMatch),
        ("XDSUnknownStoredQuery", Self::UnknownStoredQuery),
        ("XDSStoredQueryParamNumber", Self::StoredQueryParamNumber),
        ("XDSStoredQueryMissingParam", Self::StoredQueryMissingParam),
        ("XDSDocumentUniqueIdError", Self::DocumentUniqueIdError),
        ("XDSUnknownRepositoryId", Self::UnknownRepositoryId),
        ("XDSResultNotSinglePatient", Self::ResultNotSinglePatient),
        ("XDSMetadataUpdateError", Self::MetadataUpdateError),
        ("XDSMetadataVersionError", Self::MetadataVersionError),
        (
            "XDSMetadataUpdateOperationError",
            Self::MetadataUpdateOperationError,
        ),
        (
            "XDSPatientIDReconciliationError",
            Self::PatientIdReconciliationError,
        ),
    ];

    pub fn parse(code: &str) -> Self {
        let code = code.trim();
        Self::KNOWN
            .iter()
            .find(|(name, _)| *name == code)
            .map_or_else(|| Self::Other(code.to_owned()), |(_, c)| c.clone())
    }

    /// The wire form (`XDSRegistryBusy`…).
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(code) => code,
            known => Self::KNOWN
                .iter()
                .find(|(_, c)| c == known)
                .map_or("", |(name, _)| name),
        }
    }
}

/// One `RegistryError`. `code_context` is the server's free text: it may name the patient or
/// the document, so it is shown to the user but never logged.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", code.as_str())]
pub struct XdsError {
    pub code: ErrorCode,
    pub code_context: String,
    pub location: Option<String>,
    pub severity: Severity,
}

impl std::fmt::Debug for XdsError {
    /// Without the server's free text (`code_context`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XdsError")
            .field("code", &self.code)
            .field("severity", &self.severity)
            .finish_non_exhaustive()
    }
}

impl XdsError {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Transient conditions of the registry or repository (busy, out of resources, not
    /// available): the same request may succeed later. The rule of
    /// [`DmpError::is_retryable`], which these errors become.
    pub fn is_retryable(&self) -> bool {
        TRANSIENT_XDS_CODES.contains(&self.code.as_str())
    }

    /// The error as the DMP error layer keeps it.
    pub fn info(&self) -> RegistryErrorInfo {
        RegistryErrorInfo::new(
            self.code.as_str(),
            &self.code_context,
            match self.severity {
                Severity::Error => "Error",
                Severity::Warning => "Warning",
            },
            self.location.as_deref().unwrap_or_default(),
        )
    }
}

/// The error of a registry or repository that answered Failure: a refusal the user can act
/// on when a code says one, else the registry's error list.
pub(crate) fn registry_failure(errors: &[XdsError]) -> DmpError {
    DmpError::from_registry_errors(errors.iter().map(XdsError::info).collect())
        .unwrap_or(DmpError::malformed("registry errors"))
}

/// A `RegistryResponse`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryResponse {
    pub status: ResponseStatus,
    pub errors: Vec<XdsError>,
}

impl RegistryResponse {
    /// `Ok` for Success and PartialSuccess (warnings and partial errors stay readable in the
    /// value), `Err(Registry)` for Failure or an unknown status.
    pub fn into_result(self) -> Result<Self, DmpError> {
        match self.status {
            ResponseStatus::Success | ResponseStatus::PartialSuccess => Ok(self),
            ResponseStatus::Failure | ResponseStatus::Other(_) => {
                Err(registry_failure(&self.errors))
            }
        }
    }
}

/// The `RegistryError`s under `e` (its `RegistryErrorList`).
pub(crate) fn read_errors(e: Element<'_>) -> Vec<XdsError> {
    e.find_all(ns::RS, "RegistryError")
        .into_iter()
        .map(|err| XdsError {
            code: ErrorCode::parse(err.attr("errorCode").unwrap_or_default()),
            code_context: err
                .attr("codeContext")
                .map(str::to_owned)
                .filter(|c| !c.is_empty())
                .unwrap_or_else(|| err.text().trim().to_owned()),
            location: err
                .attr("location")
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned),
            severity: match err.attr("severity").map(str::trim) {
                Some(SEVERITY_WARNING) => Severity::Warning,
                _ => Severity::Error,
            },
        })
        .collect()
}

pub(crate) fn read_registry_response(e: Element<'_>) -> Result<RegistryResponse, DmpError> {
    let status = e
        .attr("status")
        .ok_or(DmpError::malformed("RegistryResponse/@status"))?;
    Ok(RegistryResponse {
        status: ResponseStatus::from_urn(status),
        errors: read_errors(e),
    })
}

/// Reads the first `rs:RegistryResponse` of a message (bare or in a SOAP envelope).
pub fn parse_registry_response(xml: &[u8]) -> Result<RegistryResponse, DmpError> {
    let text = soap::decode_text(xml);
    read_first_registry_response(soap::parse(&text, &Limits::XDS)?.root())
}

/// [`parse_registry_response`] of a message already parsed.
pub fn read_first_registry_response(root: Element<'_>) -> Result<RegistryResponse, DmpError> {
    let e = root
        .find(ns::RS, "RegistryResponse")
        .ok_or(DmpError::malformed("RegistryResponse"))?;
    read_registry_response(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for (name, code) in ErrorCode::KNOWN {
            assert_eq!(ErrorCode::parse(name), code);
            assert_eq!(code.as_str(), name);
        }
        assert_eq!(
            ErrorCode::parse("DMPSomething"),
            ErrorCode::Other("DMPSomething".into())
        );
    }

    #[test]
    fn failure_with_errors() {
        let xml = r#"<rs:RegistryResponse xmlns:rs="urn:oasis:names:tc:ebxml-regrep:xsd:rs:3.0" status="urn:oasis:names:tc:ebxml-regrep:ResponseStatusType:Failure"><rs:RegistryErrorList highestSeverity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"><rs:RegistryError errorCode="XDSRegistryBusy" codeContext="busy" location="here" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error"/><rs:RegistryError errorCode="XDSDocumentUniqueIdError" severity="urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning">text form</rs:RegistryError></rs:RegistryErrorList></rs:RegistryResponse>"#;
        let r = parse_registry_response(xml.as_bytes()).expect("parse");
        assert_eq!(r.status, ResponseStatus::Failure);
        assert_eq!(r.errors.len(), 2);
        assert_eq!(r.errors[0].code, ErrorCode::RegistryBusy);
        assert!(r.errors[0].is_retryable());
        assert_eq!(r.errors[0].location.as_deref(), Some("here"));
        assert_eq!(r.errors[1].severity, Severity::Warning);
        assert_eq!(r.errors[1].code_context, "text form");
        assert!(!r.errors[1].is_retryable());
        assert!(!format!("{:?}", r.errors[0]).contains("busy"));
        let err = r.into_result().expect_err("failure");
        assert!(err.is_retryable());
    }
}
