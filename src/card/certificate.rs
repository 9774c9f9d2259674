//! What the client takes from the card's authentication certificate: the holder as named in
//! the subject (fallback when the identity file is missing), the serial number, and the check
//! of an RSA PKCS#1 v1.5 SHA-256 signature with its public key, and the authorities' file cut
//! into certificates. The chain to the IGC-Santé authority is `card::trust`.

use x509_parser::oid_registry::{
    OID_PKCS1_RSAENCRYPTION, OID_X509_COMMON_NAME, OID_X509_GIVEN_NAME, OID_X509_SERIALNUMBER,
    OID_X509_SURNAME,
};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::error::CardError;

/// The holder as the certificate subject names them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubjectHolder {
    /// From `serialNumber`, else the first word of the CN when it looks like an id.
    pub national_id: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The certificate serial number, upper-case hex.
    pub certificate_serial: String,
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, CardError> {
    match X509Certificate::from_der(der) {
        Ok(([], cert)) => Ok(cert),
        _ => Err(CardError::Malformed(
            "authentication certificate is not X.509 DER",
        )),
    }
}

/// Reads the holder's names from the certificate subject.
pub fn subject_holder(der: &[u8]) -> Result<SubjectHolder, CardError> {
    let cert = parse(der)?;
    let subject = cert.subject();
    let (cn_oid, serial_oid, given_oid, surname_oid) = (
        OID_X509_COMMON_NAME,
        OID_X509_SERIALNUMBER,
        OID_X509_GIVEN_NAME,
        OID_X509_SURNAME,
    );
    let first = |oid: &x509_parser::der_parser::oid::Oid<'_>| {
        subject
            .iter_by_oid(oid)
            .find_map(|attr| attr.as_str().ok())
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let from_cn = first(&cn_oid).and_then(|cn| {
        let word = cn.split([' ', '+', '/']).next()?.to_owned();
        let looks_like_id = (8..=20).contains(&word.len())
            && word.chars().all(|c| c.is_ascii_alphanumeric())
            && word.chars().any(|c| c.is_ascii_digit());
        looks_like_id.then_some(word)
    });
    Ok(SubjectHolder {
        national_id: first(&serial_oid).or(from_cn),
        given_name: first(&given_oid),
        family_name: first(&surname_oid),
        certificate_serial: cert.raw_serial_as_string().replace(':', "").to_uppercase(),
    })
}

/// Checks an RSA PKCS#1 v1.5 SHA-256 `signature` of `data` with the certificate's key.
pub fn verify_sha256(der: &[u8], data: &[u8], signature: &[u8]) -> Result<(), CardError> {
    let cert = parse(der)?;
    let spki = cert.public_key();
    if spki.algorithm.algorithm != OID_PKCS1_RSAENCRYPTION {
        return Err(CardError::Malformed("authentication key is not RSA"));
    }
    let key = aws_lc_rs::signature::UnparsedPublicKey::new(
        &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
        spki.subject_public_key.data.as_ref(),
    );
    key.verify(data, signature)
        .map_err(|_| CardError::BadSignature)
}

/// The certificates of a file holding DER certificates one after the other; stops at the first
/// bytes that are not one (the file's `00`/`FF` filler), at most 8.
pub fn split_certificates(mut bytes: &[u8]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    while found.len() < 8 {
        let Ok((rest, _)) = X509Certificate::from_der(bytes) else {
            break;
        };
        found.push(bytes[..bytes.len() - rest.len()].to_vec());
        bytes = rest;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed() {
        assert!(subject_holder(&[]).is_err());
        assert!(subject_holder(&[0x30, 0x03, 0x02, 0x01, 0x01]).is_err());
        assert!(verify_sha256(&[0x30], b"x", b"y").is_err());
    }
}
