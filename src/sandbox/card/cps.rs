//! `VirtualCps`: the card's answers to the profile's APDUs (SELECT, READ BINARY, GET RESPONSE,
//! VERIFY, MSE SET and the profile's signing command), with the PIN counter (3 tries, blocked at
//! 0, reset by a right PIN) and the RSA key. Anything else gets the ISO status word a card
//! would give; nothing here panics on a hostile command.

use std::sync::Arc;

use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use zeroize::Zeroizing;

use crate::card::apdu::sw;
use crate::card::cps::SHA256_DIGEST_INFO_PREFIX;
use crate::card::identity::IdentityRecord;
use crate::card::profile::{CardProfile, SignMethod};

use super::{DEFAULT_PIN, VirtualCardError};

/// A simulated CPS card.
#[derive(Clone)]
pub struct VirtualCps {
    profile: CardProfile,
    identity_file: Vec<u8>,
    certificate_der: Vec<u8>,
    ca_der: Vec<u8>,
    key: Arc<RsaKeyPair>,
    pin_block: Zeroizing<Vec<u8>>,
    attempts_left: u8,
    /// Answers through `61xx` + GET RESPONSE, as a T=0 card does.
    t0_style: bool,
    // Volatile state, cleared by `reset`.
    application_selected: bool,
    current_ef: Option<u16>,
    security_env: Option<u8>,
    pin_verified: bool,
    pending: Zeroizing<Vec<u8>>,
}

impl std::fmt::Debug for VirtualCps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualCps")
            .field("profile", &self.profile.name)
            .field("attempts_left", &self.attempts_left)
            .field("pin_verified", &self.pin_verified)
            .finish_non_exhaustive()
    }
}

/// A parsed short C-APDU.
struct Apdu<'a> {
    header: [u8; 4],
    data: &'a [u8],
    le: Option<usize>,
}

fn parse(capdu: &[u8]) -> Option<Apdu<'_>> {
    let (&header, body) = capdu.split_first_chunk::<4>()?;
    let short_le = |b: u8| if b == 0 { 256 } else { usize::from(b) };
    match body {
        [] => Some(Apdu {
            header,
            data: &[],
            le: None,
        }),
        [le] => Some(Apdu {
            header,
            data: &[],
            le: Some(short_le(*le)),
        }),
        [0, ..] => None, // extended length: not supported
        [lc, rest @ ..] => {
            let lc = usize::from(*lc);
            match rest.len().checked_sub(lc)? {
                0 => Some(Apdu {
                    header,
                    data: rest,
                    le: None,
                }),
                1 => Some(Apdu {
                    header,
                    data: rest.get(..lc)?,
                    le: rest.get(lc).map(|b| short_le(*b)),
                }),
                _ => None,
            }
        }
    }
}

fn status(sw: u16) -> Vec<u8> {
    sw.to_be_bytes().to_vec()
}

impl VirtualCps {
    /// A card following `profile`, holding `identity`, the RSA key (PKCS#8 DER) and its
    /// certificate; PIN `1234`, all tries left.
    pub fn new(
        profile: CardProfile,
        identity: &IdentityRecord,
        key_pkcs8: &[u8],
        certificate_der: Vec<u8>,
        ca_der: Vec<u8>,
    ) -> Result<Self, VirtualCardError> {
        let key = RsaKeyPair::from_pkcs8(key_pkcs8).map_err(|_| VirtualCardError::Key)?;
        let card = Self {
            profile,
            identity_file: identity.encode(),
            certificate_der,
            ca_der,
            key: Arc::new(key),
            pin_block: Zeroizing::new(Vec::new()),
            attempts_left: profile.pin_max_attempts,
            t0_style: false,
            application_selected: false,
            current_ef: None,
            security_env: None,
            pin_verified: false,
            pending: Zeroizing::new(Vec::new()),
        };
        card.with_pin(DEFAULT_PIN)
    }

    /// Changes the PIN (4 to 8 digits, per the profile).
    pub fn with_pin(mut self, pin: &str) -> Result<Self, VirtualCardError> {
        let p = &self.profile;
        if !pin.bytes().all(|b| b.is_ascii_digit())
            || pin.len() < usize::from(p.pin_min_len)
            || pin.len() > usize::from(p.pin_max_len)
        {
            return Err(VirtualCardError::PinFormat);
        }
        let mut block = Zeroizing::new(pin.as_bytes().to_vec());
        block.resize(pin.len().max(usize::from(p.pin_padded_len)), p.pin_pad_byte);
        self.pin_block = block;
        Ok(self)
    }

    /// Answers every command with data through `61xx` and GET RESPONSE, as T=0 cards do.
    pub fn with_get_response(mut self, on: bool) -> Self {
        self.t0_style = on;
        self
    }

    /// Replaces the identity file contents (tests of unreadable files).
    pub fn with_identity_file(mut self, bytes: Vec<u8>) -> Self {
        self.identity_file = bytes;
        self
    }

    /// The card's authentication certificate (DER).
    pub fn certificate_der(&self) -> &[u8] {
        &self.certificate_der
    }

    /// The certificate of the test CA that issued the card certificate (DER; empty for a
    /// self-signed one). The card serves it in its authorities' file.
    pub fn ca_certificate_der(&self) -> &[u8] {
        &self.ca_der
    }

    /// PIN tries left (0: blocked).
    pub fn attempts_left(&self) -> u8 {
        self.attempts_left
    }

    /// Power cycle / reset: selection, security environment and PIN status are lost; the PIN
    /// counter is kept.
    pub fn reset(&mut self) {
        self.application_selected = false;
        self.current_ef = None;
        self.security_env = None;
        self.pin_verified = false;
        self.pending = Zeroizing::new(Vec::new());
    }

    /// Answers one C-APDU with an R-APDU (data then SW1 SW2).
    pub fn process(&mut self, capdu: &[u8]) -> Vec<u8> {
        let Some(apdu) = parse(capdu) else {
            self.pending = Zeroizing::new(Vec::new());
            return status(sw::WRONG_LENGTH);
        };
        let [cla, ins, _, _] = apdu.header;
        if cla != 0x00 {
            return status(sw::CLA_NOT_SUPPORTED);
        }
        if ins == 0xC0 {
            return self.get_response(&apdu);
        }
        self.pending = Zeroizing::new(Vec::new());
        let (data, sw) = match ins {
            0xA4 => (Vec::new(), self.select(&apdu)),
            0xB0 => self.read_binary(&apdu),
            0x20 => (Vec::new(), self.verify(&apdu)),
            0x22 => (Vec::new(), self.mse_set(&apdu)),
            0x88 if self.profile.sign_method == SignMethod::InternalAuthenticate => {
                self.sign(&apdu, [0x00, 0x00])
            }
            0x2A if self.profile.sign_method == SignMethod::PsoComputeDigitalSignature => {
                self.sign(&apdu, [0x9E, 0x9A])
            }
            _ => (Vec::new(), sw::INS_NOT_SUPPORTED),
        };
        if self.t0_style && sw == sw::OK && !data.is_empty() {
            let available = data.len();
            self.pending = Zeroizing::new(data);
            return vec![0x61, u8::try_from(available).unwrap_or(0)];
        }
        let mut out = data;
        out.extend_from_slice(&sw.to_be_bytes());
        out
    }

    fn get_response(&mut self, apdu: &Apdu<'_>) -> Vec<u8> {
        if self.pending.is_empty() {
            return status(0x6985);
        }
        let take = apdu.le.unwrap_or(256).min(self.pending.len());
        let mut out: Vec<u8> = self.pending.drain(..take).collect();
        match self.pending.len() {
            0 => out.extend_from_slice(&sw::OK.to_be_bytes()),
            left => out.extend_from_slice(&[0x61, u8::try_from(left).unwrap_or(0)]),
        }
        out
    }

    fn select(&mut self, apdu: &Apdu<'_>) -> u16 {
        let [_, _, p1, _] = apdu.header;
        match p1 {
            0x04 if apdu.data == self.profile.application_aid => {
                self.application_selected = true;
                self.current_ef = None;
                sw::OK
            }
            0x04 => sw::FILE_NOT_FOUND,
            0x00 | 0x02 => {
                let Ok(fid) = <[u8; 2]>::try_from(apdu.data).map(u16::from_be_bytes) else {
                    return sw::WRONG_DATA;
                };
                let authorities =
                    self.profile.authority_certificates_ef == Some(fid) && !self.ca_der.is_empty();
                if self.application_selected
                    && (fid == self.profile.identity_ef
                        || fid == self.profile.auth_certificate_ef
                        || authorities)
                {
                    self.current_ef = Some(fid);
                    sw::OK
                } else {
                    sw::FILE_NOT_FOUND
                }
            }
            _ => sw::WRONG_P1P2,
        }
    }

    fn read_binary(&self, apdu: &Apdu<'_>) -> (Vec<u8>, u16) {
        let [_, _, p1, p2] = apdu.header;
        if p1 & 0x80 != 0 {
            return (Vec::new(), sw::WRONG_P1P2);
        }
        let file = match self.current_ef {
            Some(fid) if fid == self.profile.identity_ef => &self.identity_file,
            Some(fid) if Some(fid) == self.profile.authority_certificates_ef => &self.ca_der,
            Some(_) => &self.certificate_der,
            None => return (Vec::new(), sw::COMMAND_NOT_ALLOWED_NO_EF),
        };
        let offset = usize::from(u16::from_be_bytes([p1, p2]));
        if offset >= file.len() {
            return (Vec::new(), sw::WRONG_OFFSET);
        }
        let wanted = apdu.le.unwrap_or(256);
        let end = file.len().min(offset + wanted);
        let data = file[offset..end].to_vec();
        let sw = if data.len() < wanted {
            sw::END_OF_FILE
        } else {
            sw::OK
        };
        (data, sw)
    }

    fn verify(&mut self, apdu: &Apdu<'_>) -> u16 {
        let [_, _, p1, p2] = apdu.header;
        if p1 != 0x00 {
            return sw::WRONG_P1P2;
        }
        if p2 != self.profile.pin_reference || !self.application_selected {
            return sw::REFERENCE_NOT_FOUND;
        }
        if self.attempts_left == 0 {
            return sw::AUTH_METHOD_BLOCKED;
        }
        if apdu.data.is_empty() {
            return if self.pin_verified {
                sw::OK
            } else {
                0x63C0 | u16::from(self.attempts_left)
            };
        }
        let same = apdu.data.len() == self.pin_block.len()
            && apdu
                .data
                .iter()
                .zip(self.pin_block.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            self.attempts_left = self.profile.pin_max_attempts;
            self.pin_verified = true;
            sw::OK
        } else {
            self.attempts_left -= 1;
            self.pin_verified = false;
            0x63C0 | u16::from(self.attempts_left)
        }
    }

    fn mse_set(&mut self, apdu: &Apdu<'_>) -> u16 {
        let [_, _, p1, p2] = apdu.header;
        if p1 != 0x41 || p2 != self.profile.sign_method.mse_template() {
            return sw::WRONG_P1P2;
        }
        let (mut key, mut algorithm) = (None, None);
        let mut rest = apdu.data;
        while let [tag, len, tail @ ..] = rest {
            let Some((value, next)) = tail.split_at_checked(usize::from(*len)) else {
                return sw::WRONG_DATA;
            };
            match (tag, value) {
                (0x84, [k]) => key = Some(*k),
                (0x80, [a]) => algorithm = Some(*a),
                _ => return sw::WRONG_DATA,
            }
            rest = next;
        }
        if !rest.is_empty() {
            return sw::WRONG_DATA;
        }
        if key != Some(self.profile.auth_key_reference) {
            return sw::REFERENCE_NOT_FOUND;
        }
        if algorithm != Some(self.profile.auth_algorithm_reference) {
            return sw::WRONG_DATA;
        }
        self.security_env = Some(p2);
        sw::OK
    }

    fn sign(&mut self, apdu: &Apdu<'_>, p1p2: [u8; 2]) -> (Vec<u8>, u16) {
        let [_, _, p1, p2] = apdu.header;
        if [p1, p2] != p1p2 {
            return (Vec::new(), sw::WRONG_P1P2);
        }
        if self.security_env != Some(self.profile.sign_method.mse_template()) {
            return (Vec::new(), 0x6985);
        }
        if !self.pin_verified {
            return (Vec::new(), sw::SECURITY_NOT_SATISFIED);
        }
        let Some(hash) = apdu.data.strip_prefix(&SHA256_DIGEST_INFO_PREFIX[..]) else {
            return (Vec::new(), sw::WRONG_DATA);
        };
        let Ok(digest) =
            aws_lc_rs::digest::Digest::import_less_safe(hash, &aws_lc_rs::digest::SHA256)
        else {
            return (Vec::new(), sw::WRONG_DATA);
        };
        let mut signature = vec![0u8; self.key.public_modulus_len()];
        match self
            .key
            .sign_digest(&RSA_PKCS1_SHA256, &digest, &mut signature)
        {
            Ok(()) => (signature, sw::OK),
            Err(_) => (Vec::new(), 0x6F00),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_four_cases_and_refuses_the_rest() {
        assert!(parse(&[0, 0xA4, 4, 0]).is_some_and(|a| a.data.is_empty() && a.le.is_none()));
        assert!(parse(&[0, 0xB0, 0, 0, 0]).is_some_and(|a| a.le == Some(256)));
        assert!(parse(&[0, 0xA4, 2, 0x0C, 2, 0xC0, 0]).is_some_and(|a| a.data == [0xC0, 0]));
        assert!(parse(&[0, 0x88, 0, 0, 1, 7, 0x10]).is_some_and(|a| a.le == Some(16)));
        for bad in [
            &[][..],
            &[0, 1, 2],
            &[0, 0xA4, 4, 0, 3, 1],
            &[0, 0xA4, 4, 0, 1, 1, 2, 3],
            &[0, 0xB0, 0, 0, 0, 1, 0],
        ] {
            assert!(parse(bad).is_none(), "{bad:02X?}");
        }
    }
}
