//! A [`Signer`] backed by a private key held in memory (aws-lc-rs RSA): loaded from a PEM
//! key (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`) and a PEM certificate, or from a
//! PKCS#12 file (the establishment's "ORG SIGN" certificate in indirect mode). The key must
//! match the certificate. Decoded key bytes are wiped after loading; nothing about the key is
//! ever formatted (Debug shows no field).

use std::fmt;
use std::path::Path;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
use x509_parser::pem::Pem;
use zeroize::Zeroize as _;

use super::XmlDsigError;
use super::cert;
use crate::dmp::signer::{SignError, Signer};

pub struct SoftwareSigner {
    key: RsaKeyPair,
    certificate_der: Vec<u8>,
}

impl fmt::Debug for SoftwareSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SoftwareSigner(…)")
    }
}

impl SoftwareSigner {
    /// From a PEM private key (PKCS#8 or PKCS#1, unencrypted) and a PEM certificate (the
    /// first `CERTIFICATE` block is the signer's).
    pub fn from_pem(key_pem: &str, certificate_pem: &str) -> Result<Self, XmlDsigError> {
        let certificate_der = first_pem(certificate_pem, &["CERTIFICATE"])
            .map(|pem| pem.contents)
            .ok_or(XmlDsigError::Certificate("no PEM CERTIFICATE block"))?;
        let mut key = first_pem(key_pem, &["PRIVATE KEY", "RSA PRIVATE KEY"]).ok_or(
            if key_pem.contains("ENCRYPTED PRIVATE KEY") {
                XmlDsigError::Key("encrypted PEM keys are not read: use PKCS#12")
            } else {
                XmlDsigError::Key("no PEM PRIVATE KEY or RSA PRIVATE KEY block")
            },
        )?;
        let loaded = Self::from_der(&key.contents, certificate_der);
        key.contents.zeroize();
        loaded
    }

    /// From a DER private key (PKCS#8, else PKCS#1) and a DER certificate.
    pub fn from_der(key_der: &[u8], certificate_der: Vec<u8>) -> Result<Self, XmlDsigError> {
        let key = RsaKeyPair::from_pkcs8(key_der)
            .or_else(|_| RsaKeyPair::from_der(key_der))
            .map_err(|_| XmlDsigError::Key("not an RSA private key (PKCS#8 or PKCS#1)"))?;
        Self::matched(key, certificate_der)
    }

    /// From a PKCS#12 file's bytes: the first RSA private key whose certificate is in the
    /// file (matched by public key, not by bag attributes).
    pub fn from_pkcs12(data: &[u8], password: &str) -> Result<Self, XmlDsigError> {
        let archive = p12_keystore::Pkcs12Archive::from_pkcs12(data, password)
            .map_err(|_| XmlDsigError::Key("unreadable PKCS#12 file or wrong password"))?;
        for bag in &archive.keys {
            let Ok(key) = RsaKeyPair::from_pkcs8(bag.key.as_der()) else {
                continue;
            };
            let public = key.public_key().as_ref().to_vec();
            let certificate = archive.certs.iter().find(|c| {
                cert::read(c.cert.as_der()).is_ok_and(|info| info.rsa_public_key == public)
            });
            if let Some(certificate) = certificate {
                return Self::matched(key, certificate.cert.as_der().to_vec());
            }
        }
        Err(XmlDsigError::Key(
            "no RSA private key with its certificate in the PKCS#12 file",
        ))
    }

    /// [`Self::from_pkcs12`] on a file.
    pub fn from_pkcs12_file(path: &Path, password: &str) -> Result<Self, XmlDsigError> {
        let mut data = std::fs::read(path)
            .map_err(|_| XmlDsigError::Key("the PKCS#12 file cannot be read"))?;
        let loaded = Self::from_pkcs12(&data, password);
        data.zeroize();
        loaded
    }

    fn matched(key: RsaKeyPair, certificate_der: Vec<u8>) -> Result<Self, XmlDsigError> {
        let info = cert::read(&certificate_der)?;
        if info.rsa_public_key != key.public_key().as_ref() {
            return Err(XmlDsigError::Key(
                "the private key does not match the certificate",
            ));
        }
        Ok(Self {
            key,
            certificate_der,
        })
    }
}

fn first_pem(text: &str, labels: &[&str]) -> Option<Pem> {
    Pem::iter_from_buffer(text.as_bytes())
        .filter_map(Result::ok)
        .find(|pem| labels.contains(&pem.label.as_str()))
}

impl Signer for SoftwareSigner {
    fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    fn sign_rsa_sha256(&self, data: &[u8]) -> Result<Vec<u8>, SignError> {
        let mut signature = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                data,
                &mut signature,
            )
            .map_err(|_| SignError::Key("RSA signing failed".to_owned()))?;
        Ok(signature)
    }
}
