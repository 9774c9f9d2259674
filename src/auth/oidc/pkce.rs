//! Random values of the flows: state, nonce, PKCE S256 verifier and challenge (RFC 7636),
//! CIBA binding message, assertion ids.

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::jose::b64url;

/// 32 random bytes (ThreadRng: a CSPRNG seeded by the OS), base64url: 43 characters.
pub fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    b64url(&bytes)
}

/// A PKCE pair.
pub struct Pkce {
    pub verifier: Zeroizing<String>,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = Zeroizing::new(random_token());
        let challenge = challenge_s256(&verifier);
        Self {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// `BASE64URL(SHA256(verifier))`.
pub fn challenge_s256(verifier: &str) -> String {
    b64url(&Sha256::digest(verifier.as_bytes()))
}

/// Two random digits, "00" to "99", shown to the user and on the phone during CIBA.
pub fn binding_message() -> String {
    format!("{:02}", rand::random_range(0..100u8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(
            challenge_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_long_and_distinct() {
        let a = Pkce::new();
        let b = Pkce::new();
        assert_eq!(a.verifier.len(), 43);
        assert_ne!(*a.verifier, *b.verifier);
        assert_eq!(a.challenge, challenge_s256(&a.verifier));
    }

    #[test]
    fn binding_messages_are_two_digits() {
        for _ in 0..200 {
            let m = binding_message();
            assert_eq!(m.len(), 2);
            assert!(m.bytes().all(|b| b.is_ascii_digit()));
        }
    }
}
