//! Just enough X.509 (DER) for XAdES `SigningCertificate/Cert/IssuerSerial`: the issuer name
//! as an RFC 2253 string and the serial number in decimal. No validation of the certificate
//! (the signing module owns that).

use crate::dmp::error::DmpError;

const BAD: DmpError = DmpError::Request {
    what: "a signing certificate in valid DER",
};

/// A DER element: tag and content.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
}

/// Reads one TLV at the start of `input`; returns it and the rest.
fn tlv(input: &[u8]) -> Result<(Tlv<'_>, &[u8]), DmpError> {
    let (&tag, rest) = input.split_first().ok_or(BAD)?;
    let (&first, mut rest) = rest.split_first().ok_or(BAD)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(BAD);
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err(BAD);
    }
    let (content, rest) = rest.split_at(len);
    Ok((Tlv { tag, content }, rest))
}

fn expect(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), DmpError> {
    let (t, rest) = tlv(input)?;
    if t.tag != tag {
        return Err(BAD);
    }
    Ok((t.content, rest))
}

/// What XAdES needs from the signing certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertIds {
    /// Issuer distinguished name, RFC 2253 (most specific RDN first).
    pub issuer: String,
    /// Serial number, decimal.
    pub serial: String,
}

pub(crate) fn cert_ids(der: &[u8]) -> Result<CertIds, DmpError> {
    const SEQUENCE: u8 = 0x30;
    let (cert, _) = expect(der, SEQUENCE)?;
    let (tbs, _) = expect(cert, SEQUENCE)?;
    let mut rest = tbs;
    let (first, after) = tlv(rest)?;
    if first.tag == 0xA0 {
        rest = after;
    }
    let (serial, rest) = expect(rest, 0x02)?;
    let (_signature_algorithm, rest) = expect(rest, SEQUENCE)?;
    let (issuer, _) = expect(rest, SEQUENCE)?;
    Ok(CertIds {
        issuer: rfc2253(issuer)?,
        serial: decimal(serial),
    })
}

/// Big-endian unsigned integer bytes in decimal.
fn decimal(bytes: &[u8]) -> String {
    let mut n: Vec<u8> = bytes.iter().copied().skip_while(|b| *b == 0).collect();
    let mut digits = Vec::new();
    while !n.is_empty() {
        let mut remainder = 0u32;
        for b in &mut n {
            let acc = (remainder << 8) | u32::from(*b);
            *b = u8::try_from(acc / 10).unwrap_or(0);
            remainder = acc % 10;
        }
        digits.push(char::from(b'0' + u8::try_from(remainder).unwrap_or(0)));
        let zeros = n.iter().take_while(|b| **b == 0).count();
        n.drain(..zeros);
    }
    if digits.is_empty() {
        return "0".to_owned();
    }
    digits.iter().rev().collect()
}

fn oid(bytes: &[u8]) -> String {
    let mut arcs: Vec<u64> = Vec::new();
    let mut value: u64 = 0;
    for (i, b) in bytes.iter().enumerate() {
        value = (value << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if arcs.is_empty() && i < 8 {
                let first = (value / 40).min(2);
                arcs.push(first);
                arcs.push(value - first * 40);
            } else {
                arcs.push(value);
            }
            value = 0;
        }
    }
    arcs.iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(".")
}

/// Attribute type keywords of RFC 2253 (others are written as dotted OIDs with `#hex`).
fn keyword(oid: &str) -> Option<&'static str> {
    Some(match oid {
        "2.5.4.3" => "CN",
        "2.5.4.6" => "C",
        "2.5.4.7" => "L",
        "2.5.4.8" => "ST",
        "2.5.4.9" => "STREET",
        "2.5.4.10" => "O",
        "2.5.4.11" => "OU",
        "0.9.2342.19200300.100.1.25" => "DC",
        "0.9.2342.19200300.100.1.1" => "UID",
        _ => return None,
    })
}

fn string_value(tag: u8, content: &[u8]) -> Option<String> {
    match tag {
        0x0C | 0x13 | 0x16 => String::from_utf8(content.to_vec()).ok(),
        0x14 => Some(content.iter().map(|b| char::from(*b)).collect()),
        0x1E => {
            let units: Vec<u16> = content
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// RFC 4514 escaping of a distinguished-name attribute value (XAdES `X509IssuerName`): not XML
/// escaping, which the writer applies afterwards to the whole name.
fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let edge_space = c == ' ' && (i == 0 || i == last);
        if matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';')
            || edge_space
            || (i == 0 && c == '#')
        {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// An X.501 Name (content of its SEQUENCE) as RFC 2253.
fn rfc2253(mut name: &[u8]) -> Result<String, DmpError> {
    let mut rdns = Vec::new();
    while !name.is_empty() {
        let (set, rest) = expect(name, 0x31)?;
        name = rest;
        let mut members = Vec::new();
        let mut set = set;
        while !set.is_empty() {
            let (atv, rest) = expect(set, 0x30)?;
            set = rest;
            let (oid_bytes, value_der) = expect(atv, 0x06)?;
            let (value, _) = tlv(value_der)?;
            let dotted = oid(oid_bytes);
            let text = match (keyword(&dotted), string_value(value.tag, value.content)) {
                (Some(k), Some(v)) => format!("{k}={}", escape_value(&v)),
                _ => format!("{dotted}=#{}", hex::encode(value_der)),
            };
            members.push(text);
        }
        rdns.push(members.join("+"));
    }
    rdns.reverse();
    Ok(rdns.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_serials_in_decimal() {
        assert_eq!(decimal(&[]), "0");
        assert_eq!(decimal(&[0x00, 0x01, 0x00]), "256");
        assert_eq!(
            decimal(&[0xff; 16]),
            "340282366920938463463374607431768211455"
        );
        assert_eq!(oid(&[0x55, 0x04, 0x03]), "2.5.4.3");
        assert_eq!(oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d]), "1.2.840.113549");
    }

    #[test]
    fn escapes_and_unknown_types() {
        assert_eq!(escape_value("a,b+c"), "a\\,b\\+c");
        assert_eq!(escape_value(" #x "), "\\ #x\\ ");
        assert_eq!(escape_value("#x"), "\\#x");
        // SEQUENCE{SET{SEQ{OID 2.5.4.4, PrintableString "TRAL"}}}
        let name = [
            0x31, 0x0d, 0x30, 0x0b, 0x06, 0x03, 0x55, 0x04, 0x04, 0x13, 0x04, b'T', b'R', b'A',
            b'L',
        ];
        assert_eq!(rfc2253(&name).expect("name"), "2.5.4.4=#13045452414c");
        assert!(cert_ids(&[0x30, 0x05, 0x01]).is_err());
    }
}
