//! What can go wrong while queueing a job (sending has its own outcome: see `drain`).

use crate::dmp::error::DmpError;
use crate::outbox::pfi_message::PfiMessageError;
use crate::store::StoreError;

/// The outbox's one error.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Dmp(#[from] DmpError),
    #[error("message pour la passerelle impossible à construire : {0}")]
    Message(#[from] PfiMessageError),
    #[error("le document n'a pas pu être relu")]
    Cda(#[from] crate::cda::CdaError),
    /// The DMP route without a DMP configured, or the gateway route without its address.
    #[error("l'alimentation du DMP n'est pas configurée sur ce poste")]
    NotConfigured,
    /// The document lacks what the DMP needs (`what` names it, never its value).
    #[error("le document n'a pas de {0} utilisable pour le DMP")]
    Document(&'static str),
    #[error(transparent)]
    Mss(#[from] crate::outbox::mss::MssError),
}

impl OutboxError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Dmp(e) => e.is_retryable(),
            Self::Message(_)
            | Self::Cda(_)
            | Self::NotConfigured
            | Self::Document(_)
            | Self::Mss(_) => false,
        }
    }
}
