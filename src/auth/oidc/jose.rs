//! JSON Web Signature in compact form (RFC 7515) and JSON Web Keys (RFC 7517), the small part
//! of JOSE an OpenID client and the sandbox provider need: read a signed token, check its
//! signature with a provider's key set (RS256/384/512, PS256, ES256), and sign tokens with an
//! RSA key (RS256: the sandbox provider's ID tokens, `private_key_jwt` client assertions).
//!
//! `none` and the HMAC algorithms are refused: a provider's tokens must be signed with a key
//! it publishes. Claims (iss, aud, exp, nonce…) are checked by the caller.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED, KeyPair as _, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_2048_8192_SHA384,
    RSA_PKCS1_2048_8192_SHA512, RSA_PKCS1_SHA256, RSA_PSS_2048_8192_SHA256, RsaKeyPair,
    RsaParameters, RsaPublicKeyComponents, UnparsedPublicKey,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Largest token accepted, in bytes (an ID token is a few kilobytes).
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// Why a token or a key could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoseError {
    #[error("not a compact JWS: {0}")]
    Malformed(&'static str),
    #[error("signature algorithm not accepted: {0}")]
    Algorithm(String),
    #[error("no key of the provider matches the token (kid {0:?})")]
    NoKey(Option<String>),
    #[error("unusable key: {0}")]
    Key(&'static str),
    #[error("the signature does not verify")]
    BadSignature,
    #[error("signing failed")]
    Sign,
}

impl JoseError {
    /// A key set may have been rotated: fetching it again may help when no key matched.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::NoKey(_))
    }
}

/// URL-safe base64 without padding.
pub fn b64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes URL-safe base64, padded or not.
pub fn b64url_decode(text: &str) -> Result<Vec<u8>, JoseError> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .map_err(|_| JoseError::Malformed("bad base64url"))
}

/// One public key of a key set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Jwk {
    pub kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

/// A provider's published keys (`jwks_uri`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct JwkSet {
    pub keys: Vec<Jwk>,
}

/// The protected header fields Chevet reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JwsHeader {
    pub alg: String,
    #[serde(default)]
    pub kid: Option<String>,
    #[serde(default)]
    pub typ: Option<String>,
    /// Content type: `JWT` for a nested (signed then encrypted) token.
    #[serde(default)]
    pub cty: Option<String>,
}

/// A compact JWS split into its parts; the signature is not checked yet.
#[derive(Debug, Clone)]
pub struct CompactJws {
    pub header: JwsHeader,
    pub payload: Vec<u8>,
    signing_input: String,
    signature: Vec<u8>,
}

impl CompactJws {
    pub fn parse(token: &str) -> Result<Self, JoseError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(JoseError::Malformed("token too large"));
        }
        let token = token.trim();
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(JoseError::Malformed("expected three dot-separated parts"));
        };
        let header: JwsHeader = serde_json::from_slice(&b64url_decode(h)?)
            .map_err(|_| JoseError::Malformed("header is not the expected JSON"))?;
        Ok(Self {
            header,
            payload: b64url_decode(p)?,
            signing_input: format!("{h}.{p}"),
            signature: b64url_decode(s)?,
        })
    }

    /// Checks the signature with the key set: the key named by `kid`, else every key whose
    /// type fits the algorithm.
    pub fn verify(&self, keys: &JwkSet) -> Result<(), JoseError> {
        let alg = Algorithm::from_name(&self.header.alg)?;
        let candidates: Vec<&Jwk> = keys
            .keys
            .iter()
            .filter(|k| k.kty == alg.key_type())
            .filter(|k| k.use_.as_deref().is_none_or(|u| u == "sig"))
            .filter(|k| match &self.header.kid {
                Some(kid) => k.kid.as_deref() == Some(kid.as_str()),
                None => true,
            })
            .collect();
        if candidates.is_empty() {
            return Err(JoseError::NoKey(self.header.kid.clone()));
        }
        let mut last = JoseError::BadSignature;
        for key in candidates {
            match alg.verify(key, self.signing_input.as_bytes(), &self.signature) {
                Ok(()) => return Ok(()),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// The payload as JSON.
    pub fn claims<T: serde::de::DeserializeOwned>(&self) -> Result<T, JoseError> {
        serde_json::from_slice(&self.payload)
            .map_err(|_| JoseError::Malformed("payload is not the expected JSON"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Rsa(&'static RsaParameters),
    Es256,
}

impl Algorithm {
    fn from_name(name: &str) -> Result<Self, JoseError> {
        Ok(match name {
            "RS256" => Self::Rsa(&RSA_PKCS1_2048_8192_SHA256),
            "RS384" => Self::Rsa(&RSA_PKCS1_2048_8192_SHA384),
            "RS512" => Self::Rsa(&RSA_PKCS1_2048_8192_SHA512),
            "PS256" => Self::Rsa(&RSA_PSS_2048_8192_SHA256),
            "ES256" => Self::Es256,
            other => return Err(JoseError::Algorithm(other.chars().take(16).collect())),
        })
    }

    fn key_type(self) -> &'static str {
        match self {
            Self::Rsa(_) => "RSA",
            Self::Es256 => "EC",
        }
    }

    fn verify(self, key: &Jwk, message: &[u8], signature: &[u8]) -> Result<(), JoseError> {
        match self {
            Self::Rsa(params) => {
                let n = b64url_decode(
                    key.n
                        .as_deref()
                        .ok_or(JoseError::Key("RSA key without n"))?,
                )?;
                let e = b64url_decode(
                    key.e
                        .as_deref()
                        .ok_or(JoseError::Key("RSA key without e"))?,
                )?;
                let strip = |v: Vec<u8>| -> Vec<u8> {
                    let first = v.iter().position(|b| *b != 0).unwrap_or(v.len());
                    v[first..].to_vec()
                };
                RsaPublicKeyComponents {
                    n: strip(n),
                    e: strip(e),
                }
                .verify(params, message, signature)
                .map_err(|_| JoseError::BadSignature)
            }
            Self::Es256 => {
                if key.crv.as_deref() != Some("P-256") {
                    return Err(JoseError::Key("EC key is not on P-256"));
                }
                let x = b64url_decode(key.x.as_deref().ok_or(JoseError::Key("EC key without x"))?)?;
                let y = b64url_decode(key.y.as_deref().ok_or(JoseError::Key("EC key without y"))?)?;
                if x.len() != 32 || y.len() != 32 {
                    return Err(JoseError::Key("EC coordinates are not 32 bytes"));
                }
                let mut point = Vec::with_capacity(65);
                point.push(0x04);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
                    .verify(message, signature)
                    .map_err(|_| JoseError::BadSignature)
            }
        }
    }
}

/// An RSA private key that signs tokens with RS256.
pub struct RsaSigningKey {
    key: RsaKeyPair,
    kid: String,
}

impl std::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaSigningKey(kid {})", self.kid)
    }
}

impl RsaSigningKey {
    /// A fresh 2048-bit key (the sandbox provider makes one at each start).
    pub fn generate(kid: &str) -> Result<Self, JoseError> {
        let key = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048)
            .map_err(|_| JoseError::Key("RSA key generation failed"))?;
        Ok(Self {
            key,
            kid: kid.to_owned(),
        })
    }

    /// From a PKCS#8 (else PKCS#1) DER private key.
    pub fn from_der(der: &[u8], kid: &str) -> Result<Self, JoseError> {
        let key = RsaKeyPair::from_pkcs8(der)
            .or_else(|_| RsaKeyPair::from_der(der))
            .map_err(|_| JoseError::Key("not an RSA private key (PKCS#8 or PKCS#1)"))?;
        Ok(Self {
            key,
            kid: kid.to_owned(),
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public half, as published in a key set.
    pub fn public_jwk(&self) -> Jwk {
        let components = RsaPublicKeyComponents::<Vec<u8>>::from(self.key.public_key());
        Jwk {
            kty: "RSA".into(),
            kid: Some(self.kid.clone()),
            alg: Some("RS256".into()),
            use_: Some("sig".into()),
            n: Some(b64url(&components.n)),
            e: Some(b64url(&components.e)),
            ..Jwk::default()
        }
    }

    /// Signs `claims` as a compact JWS with header `{alg: RS256, kid, typ}`.
    pub fn sign_json(&self, typ: &str, claims: &serde_json::Value) -> Result<String, JoseError> {
        let header = serde_json::json!({"alg": "RS256", "kid": self.kid, "typ": typ});
        self.sign_parts(&header.to_string(), &claims.to_string())
    }

    /// Signs raw header and payload JSON texts (tests use it to forge odd tokens).
    pub fn sign_parts(&self, header_json: &str, payload_json: &str) -> Result<String, JoseError> {
        let input = format!(
            "{}.{}",
            b64url(header_json.as_bytes()),
            b64url(payload_json.as_bytes())
        );
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| JoseError::Sign)?;
        Ok(format!("{input}.{}", b64url(&signature)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> RsaSigningKey {
        RsaSigningKey::generate("k1").expect("key")
    }

    #[test]
    fn a_signed_token_verifies_with_the_published_key() {
        let k = key();
        let token = k
            .sign_json("JWT", &serde_json::json!({"sub": "x", "n": 1}))
            .expect("sign");
        let jws = CompactJws::parse(&token).expect("parse");
        assert_eq!(jws.header.alg, "RS256");
        assert_eq!(jws.header.kid.as_deref(), Some("k1"));
        let set = JwkSet {
            keys: vec![k.public_jwk()],
        };
        jws.verify(&set).expect("verifies");
        let claims: serde_json::Value = jws.claims().expect("claims");
        assert_eq!(claims["sub"], "x");
    }

    #[test]
    fn tampered_payload_or_other_key_fails() {
        let k = key();
        let token = k
            .sign_json("JWT", &serde_json::json!({"sub": "x"}))
            .expect("sign");
        let mut parts: Vec<&str> = token.split('.').collect();
        let forged = b64url(br#"{"sub":"y"}"#);
        parts[1] = &forged;
        let set = JwkSet {
            keys: vec![k.public_jwk()],
        };
        let tampered = CompactJws::parse(&parts.join(".")).expect("parse");
        assert_eq!(tampered.verify(&set), Err(JoseError::BadSignature));

        let other = RsaSigningKey::generate("k1").expect("key");
        let other_set = JwkSet {
            keys: vec![other.public_jwk()],
        };
        let jws = CompactJws::parse(&token).expect("parse");
        assert_eq!(jws.verify(&other_set), Err(JoseError::BadSignature));
    }

    #[test]
    fn unknown_kid_none_and_hmac_are_refused() {
        let k = key();
        let set = JwkSet {
            keys: vec![k.public_jwk()],
        };
        let token = k
            .sign_parts(r#"{"alg":"RS256","kid":"zz"}"#, r#"{"a":1}"#)
            .expect("sign");
        assert_eq!(
            CompactJws::parse(&token).expect("parse").verify(&set),
            Err(JoseError::NoKey(Some("zz".into())))
        );
        for alg in ["none", "HS256"] {
            let token = format!(
                "{}.{}.",
                b64url(format!(r#"{{"alg":"{alg}"}}"#).as_bytes()),
                b64url(b"{}")
            );
            let jws = CompactJws::parse(&token).expect("parse");
            assert!(matches!(jws.verify(&set), Err(JoseError::Algorithm(_))));
        }
    }

    #[test]
    fn malformed_tokens_are_errors() {
        for bad in ["", "a.b", "a.b.c.d", "!!.e30.", "e30.e30.e30"] {
            let parsed = CompactJws::parse(bad);
            assert!(parsed.is_err() || parsed.is_ok_and(|j| j.verify(&JwkSet::default()).is_err()));
        }
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(CompactJws::parse(&huge).is_err());
    }

    #[test]
    fn es256_signatures_verify() {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
        let rng = SystemRandom::new();
        let pair = EcdsaKeyPair::generate(&ECDSA_P256_SHA256_FIXED_SIGNING).expect("ec key");
        let public = pair.public_key().as_ref().to_vec();
        let jwk = Jwk {
            kty: "EC".into(),
            crv: Some("P-256".into()),
            x: Some(b64url(&public[1..33])),
            y: Some(b64url(&public[33..65])),
            ..Jwk::default()
        };
        let input = format!("{}.{}", b64url(br#"{"alg":"ES256"}"#), b64url(b"{}"));
        let sig = pair.sign(&rng, input.as_bytes()).expect("sign");
        let token = format!("{input}.{}", b64url(sig.as_ref()));
        let set = JwkSet { keys: vec![jwk] };
        CompactJws::parse(&token)
            .expect("parse")
            .verify(&set)
            .expect("verifies");
    }
}
