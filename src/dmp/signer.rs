//! Who signs what the DMP layer sends: the VIHF assertion and the XAdES signature of fed
//! documents are signed RSA PKCS#1 v1.5 with SHA-256 by a certificate's private key — the
//! establishment's signing certificate (indirect mode) or, with the card issue, the CPS card
//! (direct mode). Code that signs only knows this trait.

/// Why a signature could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the signing key is unusable: {0}")]
    Key(String),
    #[error("the signing device refused or is absent: {0}")]
    Device(String),
}

impl SignError {
    /// A card may be inserted again; a broken key stays broken.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Device(_))
    }
}

/// A private key with its X.509 certificate.
pub trait Signer: Send + Sync {
    /// DER encoding of the signer's certificate.
    fn certificate_der(&self) -> &[u8];
    /// RSA PKCS#1 v1.5 signature of SHA-256(`data`).
    fn sign_rsa_sha256(&self, data: &[u8]) -> Result<Vec<u8>, SignError>;
}
