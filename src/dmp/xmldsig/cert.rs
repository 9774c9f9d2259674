//! X.509 for the XML signature: the subject DN in RFC 2253 form (the VIHF `Issuer`), RSA
//! PKCS#1 v1.5 verification with a certificate's key, and the optional trust check (the very
//! trusted certificate, or one it issued).
//!
//! Parsing uses `x509-parser`, which reads BER leniently: the agency's CPS test certificate
//! has a multi-valued RDN whose SET is not in DER order, and a strict DER parser rejects it.
//!
//! RFC 2253 form: RDNs last-to-first joined by `,`, multi-valued RDNs by `+`, in the order
//! they are encoded; the RFC's short names (CN, L, ST, O, OU, C, STREET, DC, UID) plus `SN`
//! and `GN`, which the agency kit writes for surname and given name (it maps .NET's `G=` to
//! `GN=` and `S=` to `ST=`); any other type as `OID=#hex` of its DER value. TeletexString is
//! read as ISO-8859-1 (what CPS certificates hold in practice).

use aws_lc_rs::signature::{
    RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY, RSA_PKCS1_2048_8192_SHA256, RsaParameters,
    UnparsedPublicKey,
};
use chrono::{DateTime, Utc};
use x509_parser::asn1_rs::{Any, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use super::XmlDsigError;
use super::verify::{SignatureAlgorithm, Trust};

/// What the signature code needs from a certificate.
pub(crate) struct CertInfo {
    /// SubjectPublicKeyInfo, DER.
    pub spki: Vec<u8>,
    /// The RSAPublicKey inside it (PKCS#1), to compare with a private key's public half.
    pub rsa_public_key: Vec<u8>,
    pub subject_dn: String,
    pub not_before: DateTime<Utc>,
    pub not_after: DateTime<Utc>,
}

fn parse(der: &[u8]) -> Result<X509Certificate<'_>, XmlDsigError> {
    x509_parser::parse_x509_certificate(der)
        .map(|(_, cert)| cert)
        .map_err(|_| XmlDsigError::Certificate("not a readable X.509 certificate"))
}

pub(crate) fn read(der: &[u8]) -> Result<CertInfo, XmlDsigError> {
    let cert = parse(der)?;
    let validity = cert.validity();
    let time = |t: i64| {
        DateTime::from_timestamp(t, 0).ok_or(XmlDsigError::Certificate("validity out of range"))
    };
    Ok(CertInfo {
        spki: cert.public_key().raw.to_vec(),
        rsa_public_key: cert.public_key().subject_public_key.data.to_vec(),
        subject_dn: format_name(cert.subject()),
        not_before: time(validity.not_before.timestamp())?,
        not_after: time(validity.not_after.timestamp())?,
    })
}

/// The certificate's subject DN in RFC 2253 form, as the VIHF `Issuer` carries it.
pub fn subject_dn_rfc2253(cert_der: &[u8]) -> Result<String, XmlDsigError> {
    Ok(format_name(parse(cert_der)?.subject()))
}

/// Checks an RSA PKCS#1 v1.5 signature with the key of a SubjectPublicKeyInfo.
pub(crate) fn verify_rsa(
    spki: &[u8],
    algorithm: SignatureAlgorithm,
    message: &[u8],
    signature: &[u8],
) -> Result<(), XmlDsigError> {
    let parameters: &'static RsaParameters = match algorithm {
        SignatureAlgorithm::RsaSha256 => &RSA_PKCS1_2048_8192_SHA256,
        SignatureAlgorithm::RsaSha1 => &RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
    };
    UnparsedPublicKey::new(parameters, spki)
        .verify(message, signature)
        .map_err(|_| XmlDsigError::BadSignatureValue)
}

/// Is `cert_der` the trusted certificate itself, or a certificate it issued and signed?
pub(crate) fn check_trust(cert_der: &[u8], trusted_der: &[u8]) -> Result<Trust, XmlDsigError> {
    if cert_der == trusted_der {
        return Ok(Trust::SameCertificate);
    }
    let cert = parse(cert_der)?;
    let trusted = parse(trusted_der)?;
    if cert.issuer().as_raw() != trusted.subject().as_raw() {
        return Err(XmlDsigError::Untrusted);
    }
    cert.verify_signature(Some(trusted.public_key()))
        .map_err(|_| XmlDsigError::Untrusted)?;
    Ok(Trust::IssuedByTrusted)
}

fn format_name(name: &X509Name<'_>) -> String {
    let rdns: Vec<String> = name
        .iter_rdn()
        .map(|rdn| rdn.iter().map(format_ava).collect::<Vec<_>>().join("+"))
        .collect();
    rdns.into_iter().rev().collect::<Vec<_>>().join(",")
}

fn short_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "2.5.4.6" => "C",
        "2.5.4.9" => "STREET",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        "2.5.4.4" => "SN",
        "2.5.4.42" => "GN",
        _ => return None,
    })
}

fn format_ava(ava: &AttributeTypeAndValue<'_>) -> String {
    let oid = ava.attr_type().to_id_string();
    match (short_name(&oid), decode_string(ava.attr_value())) {
        (Some(name), Some(value)) => format!("{name}={}", escape_dn_value(&value)),
        _ => format!("{oid}=#{}", hex::encode(der_of(ava.attr_value()))),
    }
}

/// The text of a directory string, when the value is one.
fn decode_string(value: &Any<'_>) -> Option<String> {
    let data = value.data;
    match value.header.tag() {
        Tag::Utf8String | Tag::PrintableString | Tag::Ia5String | Tag::NumericString => {
            std::str::from_utf8(data).ok().map(str::to_owned)
        }
        Tag::TeletexString => Some(data.iter().map(|&b| char::from(b)).collect()),
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        Tag::UniversalString => {
            if !data.len().is_multiple_of(4) {
                return None;
            }
            data.chunks_exact(4)
                .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])))
                .collect()
        }
        _ => None,
    }
}

/// DER of a value (tag, definite length, content), for the `#hex` form.
fn der_of(value: &Any<'_>) -> Vec<u8> {
    let header = &value.header;
    let tag = header.tag().0;
    let mut out = Vec::with_capacity(value.data.len() + 6);
    let class = (header.class() as u8) << 6;
    let constructed = if header.is_constructed() { 0x20 } else { 0 };
    if tag < 31 {
        out.push(class | constructed | u8::try_from(tag).unwrap_or(0));
    } else {
        out.push(class | constructed | 0x1F);
        let mut groups = Vec::new();
        let mut rest = tag;
        loop {
            groups.push(u8::try_from(rest & 0x7F).unwrap_or(0));
            rest >>= 7;
            if rest == 0 {
                break;
            }
        }
        for (i, group) in groups.iter().enumerate().rev() {
            out.push(if i == 0 { *group } else { group | 0x80 });
        }
    }
    let length = value.data.len();
    if length < 0x80 {
        out.push(u8::try_from(length).unwrap_or(0));
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | u8::try_from(bytes.len()).unwrap_or(0));
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(value.data);
    out
}

/// RFC 2253 §2.4 escaping of an attribute value of a distinguished name (not XML escaping:
/// the XML writer escapes the whole name when it is written into a message).
fn escape_dn_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || (i == 0 && (c == '#' || c == ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dn_values_are_escaped_per_rfc_2253() {
        assert_eq!(escape_dn_value("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape_dn_value("#x "), "\\#x\\ ");
        assert_eq!(escape_dn_value(" Rhône (69)"), "\\ Rhône (69)");
    }

    #[test]
    fn agency_direct_certificate_dn_is_read_despite_its_set_order() {
        // The CPS test certificate of the agency's DIRECTE sample: multi-valued RDN
        // CN+SN+GN (TeletexString values), OU "Médecin" in ISO-8859-1.
        let der = super::super::test_support::agency_certificate("VIHF_direct_signed.xml");
        assert_eq!(
            subject_dn_rfc2253(&der).unwrap(),
            "CN=899900038839+SN=TRAL+GN=ADEMIS,OU=Médecin,O=TEST,C=FR"
        );
        let der = super::super::test_support::agency_certificate("VIHF_indirect_signed.xml");
        assert_eq!(
            subject_dn_rfc2253(&der).unwrap(),
            "CN=serviceps.sesam-vitale.fr,OU=339172288100052,O=GIE SESAM VITALE,ST=Sarthe (72),C=FR"
        );
    }
}
