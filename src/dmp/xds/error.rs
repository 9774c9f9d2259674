//! The one error type of the XDS metadata layer ([`XdsMessageError`]): unreadable or incomplete
//! messages, values that cannot be written, signing failures, and a registry that answered
//! `Failure`. Messages never carry a value read from a message (no INS, name or identifier),
//! only what kind of thing was wrong and where.

use super::registry_response::XdsError;
use crate::dmp::signer::SignError;

/// Why an XDS message could not be read or built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XdsMessageError {
    #[error("XDS message too large: {size} bytes (at most {max})")]
    TooLarge { size: usize, max: usize },
    #[error("XDS message is not UTF-8")]
    NotUtf8,
    #[error("XDS message is not well-formed XML near byte {position}")]
    Malformed { position: u64 },
    #[error("XDS message nests elements deeper than {max}")]
    TooDeep { max: usize },
    #[error("XDS message declares a DOCTYPE (refused)")]
    Doctype,
    #[error("XDS message uses an undefined entity near byte {position}")]
    UnknownEntity { position: u64 },
    #[error("XDS message has no {0} element")]
    MissingElement(&'static str),
    #[error("{element} without its {attribute} attribute")]
    MissingAttribute {
        element: &'static str,
        attribute: &'static str,
    },
    #[error("invalid value for {0}")]
    InvalidValue(&'static str),
    #[error("cannot build the metadata: {0} is missing")]
    MissingField(&'static str),
    #[error("availability status cannot go from {from} to {to}")]
    InvalidTransition { from: String, to: String },
    #[error("the signing certificate cannot be read: {0}")]
    Certificate(&'static str),
    #[error("canonicalisation failed: {0}")]
    Canonicalization(String),
    #[error(transparent)]
    Sign(#[from] SignError),
    #[error("the registry refused the request ({} error(s))", .0.len())]
    Registry(Vec<XdsError>),
}

impl XdsMessageError {
    /// True when sending the same request again later may succeed: a signing device that may
    /// come back, or a registry that only reported transient conditions (busy, unavailable).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Sign(e) => e.is_retryable(),
            Self::Registry(errors) => {
                let mut failing = errors.iter().filter(|e| e.is_error()).peekable();
                failing.peek().is_some() && failing.all(XdsError::is_retryable)
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::xds::registry_response::{ErrorCode, Severity};

    fn registry_error(code: ErrorCode, severity: Severity) -> XdsError {
        XdsError {
            code,
            code_context: String::new(),
            location: None,
            severity,
        }
    }

    #[test]
    fn retryable_only_for_transient_causes() {
        assert!(XdsMessageError::Sign(SignError::Device("absent".into())).is_retryable());
        assert!(!XdsMessageError::Sign(SignError::Key("broken".into())).is_retryable());
        assert!(!XdsMessageError::Doctype.is_retryable());
        let busy = registry_error(ErrorCode::RegistryBusy, Severity::Error);
        let warn = registry_error(ErrorCode::UnknownPatientId, Severity::Warning);
        let bad = registry_error(ErrorCode::UnknownPatientId, Severity::Error);
        assert!(XdsMessageError::Registry(vec![busy.clone(), warn]).is_retryable());
        assert!(!XdsMessageError::Registry(vec![busy, bad]).is_retryable());
        assert!(!XdsMessageError::Registry(Vec::new()).is_retryable());
    }
}
