//! Why the sandbox provider could not start.

use crate::auth::oidc::jose::JoseError;

#[derive(Debug, thiserror::Error)]
pub enum PscError {
    #[error("options du fournisseur d'identité simulé invalides : {0}")]
    Options(&'static str),
    #[error("clé de signature du fournisseur d'identité simulé : {0}")]
    Key(#[from] JoseError),
    #[error("le fournisseur d'identité simulé ne peut pas écouter : {0}")]
    Listen(#[from] std::io::Error),
}

impl PscError {
    /// Only a listening failure may go away by itself (port exhaustion, interruption).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Listen(e) => matches!(
                e.kind(),
                std::io::ErrorKind::AddrInUse
                    | std::io::ErrorKind::Interrupted
                    | std::io::ErrorKind::WouldBlock
            ),
            Self::Options(_) | Self::Key(_) => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_listen_errors_are_retryable() {
        assert!(PscError::Listen(std::io::ErrorKind::AddrInUse.into()).is_retryable());
        assert!(!PscError::Listen(std::io::ErrorKind::PermissionDenied.into()).is_retryable());
        assert!(!PscError::Options("x").is_retryable());
        assert!(!PscError::Key(JoseError::Sign).is_retryable());
    }
}
