//! The holder identity file: Chevet's own BER-TLV layout, since the real CPS identity files are
//! not public. The file is a flat list of primitive TLVs with one-byte context tags:
//!
//! | tag | field | |
//! | --- | --- | --- |
//! | `80` | national id (idNat_PS), UTF-8 | required |
//! | `81` | family name, UTF-8 | required |
//! | `82` | given name, UTF-8 | required |
//! | `83` | profession code (e.g. `10`, physician) | optional |
//! | `84` | specialty code (e.g. `SM04`) | optional |
//! | `85` | card serial number | optional (else the certificate's serial) |
//!
//! Lengths are BER: one byte below 0x80, else `81 xx` or `82 xx xx`. Unknown tags are skipped;
//! `00` or `FF` filler after the last TLV is ignored; a repeated known tag is malformed.

use super::error::CardError;

pub const TAG_NATIONAL_ID: u8 = 0x80;
pub const TAG_FAMILY_NAME: u8 = 0x81;
pub const TAG_GIVEN_NAME: u8 = 0x82;
pub const TAG_PROFESSION: u8 = 0x83;
pub const TAG_SPECIALTY: u8 = 0x84;
pub const TAG_SERIAL: u8 = 0x85;

/// What the identity file says about the holder.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdentityRecord {
    pub national_id: String,
    pub given_name: String,
    pub family_name: String,
    pub profession_code: Option<String>,
    pub specialty_code: Option<String>,
    pub card_serial: Option<String>,
}

impl IdentityRecord {
    /// The file contents (used by the sandbox card).
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut put = |tag: u8, value: &str| {
            let bytes = value.as_bytes();
            out.push(tag);
            push_length(&mut out, bytes.len());
            out.extend_from_slice(bytes);
        };
        put(TAG_NATIONAL_ID, &self.national_id);
        put(TAG_FAMILY_NAME, &self.family_name);
        put(TAG_GIVEN_NAME, &self.given_name);
        if let Some(v) = &self.profession_code {
            put(TAG_PROFESSION, v);
        }
        if let Some(v) = &self.specialty_code {
            put(TAG_SPECIALTY, v);
        }
        if let Some(v) = &self.card_serial {
            put(TAG_SERIAL, v);
        }
        out
    }

    /// Parses the file; any inconsistency is `Malformed`, never a panic.
    pub fn decode(bytes: &[u8]) -> Result<Self, CardError> {
        let mut fields: [Option<String>; 6] = Default::default();
        for item in tlvs(bytes) {
            let (tag, value) = item?;
            let Some(slot) = tag
                .checked_sub(TAG_NATIONAL_ID)
                .and_then(|i| fields.get_mut(usize::from(i)))
            else {
                continue;
            };
            if slot.is_some() {
                return Err(CardError::Malformed("identity field repeated"));
            }
            let text = std::str::from_utf8(value)
                .map_err(|_| CardError::Malformed("identity field is not UTF-8"))?
                .trim();
            if text.chars().any(char::is_control) {
                return Err(CardError::Malformed("control character in identity"));
            }
            *slot = Some(text.to_owned());
        }
        let [
            national_id,
            family_name,
            given_name,
            profession,
            specialty,
            serial,
        ] = fields;
        let required = |v: Option<String>, what| {
            v.filter(|s| !s.is_empty())
                .ok_or(CardError::Malformed(what))
        };
        Ok(Self {
            national_id: required(national_id, "identity without national id")?,
            family_name: required(family_name, "identity without family name")?,
            given_name: required(given_name, "identity without given name")?,
            profession_code: profession.filter(|s| !s.is_empty()),
            specialty_code: specialty.filter(|s| !s.is_empty()),
            card_serial: serial.filter(|s| !s.is_empty()),
        })
    }
}

fn push_length(out: &mut Vec<u8>, len: usize) {
    match u8::try_from(len) {
        Ok(short) if short < 0x80 => out.push(short),
        Ok(byte) => out.extend_from_slice(&[0x81, byte]),
        Err(_) => {
            let [hi, lo] = u16::try_from(len).unwrap_or(u16::MAX).to_be_bytes();
            out.extend_from_slice(&[0x82, hi, lo]);
        }
    }
}

/// Iterates over `(tag, value)` of a flat list of one-byte-tag TLVs, stopping at filler.
fn tlvs(bytes: &[u8]) -> impl Iterator<Item = Result<(u8, &[u8]), CardError>> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        let (&tag, after_tag) = rest.split_first()?;
        if tag == 0x00 || tag == 0xFF {
            // Filler up to the end of the file.
            if after_tag.iter().all(|b| *b == tag) {
                rest = &[];
                return None;
            }
            rest = &[];
            return Some(Err(CardError::Malformed("data after identity filler")));
        }
        if tag & 0x1F == 0x1F {
            rest = &[];
            return Some(Err(CardError::Malformed("multi-byte tag in identity")));
        }
        let parsed = read_length(after_tag).and_then(|(len, body)| {
            if body.len() < len {
                Err(CardError::Malformed("identity field runs past the file"))
            } else {
                Ok(body.split_at(len))
            }
        });
        match parsed {
            Ok((value, next)) => {
                rest = next;
                Some(Ok((tag, value)))
            }
            Err(e) => {
                rest = &[];
                Some(Err(e))
            }
        }
    })
}

fn read_length(bytes: &[u8]) -> Result<(usize, &[u8]), CardError> {
    let truncated = CardError::Malformed("identity length truncated");
    match bytes {
        [n, rest @ ..] if *n < 0x80 => Ok((usize::from(*n), rest)),
        [0x81, n, rest @ ..] => Ok((usize::from(*n), rest)),
        [0x82, hi, lo, rest @ ..] => Ok((usize::from(u16::from_be_bytes([*hi, *lo])), rest)),
        [0x81] | [0x82] | [0x82, _] | [] => Err(truncated),
        _ => Err(CardError::Malformed("identity length form not supported")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claire() -> IdentityRecord {
        IdentityRecord {
            national_id: "810101234567".into(),
            given_name: "Claire".into(),
            family_name: "LAMBERT".into(),
            profession_code: Some("10".into()),
            specialty_code: Some("SM04".into()),
            card_serial: Some("SBX810101234567".into()),
        }
    }

    #[test]
    fn round_trip_with_filler_and_unknown_tags() {
        let mut bytes = claire().encode();
        // A multi-byte tag (9F 02) is outside the layout.
        bytes.extend_from_slice(&[0x9F, 0x02, 0x01, 0x00]);
        assert!(IdentityRecord::decode(&bytes).is_err());
        let mut bytes = claire().encode();
        bytes.extend_from_slice(&[0x90, 0x02, 1, 2, 0xFF, 0xFF, 0xFF]);
        assert_eq!(IdentityRecord::decode(&bytes), Ok(claire()));
        let long = IdentityRecord {
            family_name: "É".repeat(200),
            ..claire()
        };
        assert_eq!(IdentityRecord::decode(&long.encode()), Ok(long));
    }

    #[test]
    fn hostile_files_are_errors() {
        for bad in [
            &[][..],
            &[0x80],
            &[0x80, 0x05, b'1'],
            &[0x80, 0x82, 0x01],
            &[0x80, 0x84, 0, 0, 0, 1],
            &[0x80, 0x01, 0xC3],
            &[0x80, 0x01, b'1', 0x80, 0x01, b'2'],
            &[0x80, 0x01, b'1', 0xFF, 0x01],
            &[0x80, 0x01, b'\n'],
        ] {
            assert!(IdentityRecord::decode(bad).is_err(), "{bad:02X?}");
        }
        // Missing required names.
        let only_id = [0x80, 0x01, b'8'];
        assert_eq!(
            IdentityRecord::decode(&only_id),
            Err(CardError::Malformed("identity without family name"))
        );
    }
}
