//! CPS operations over any `CardChannel` (PC/SC reader or the in-process sandbox card): read the
//! holder, PIN status and verification, signature with the authentication key, and the proof
//! that the card holds the key of its certificate.
//!
//! Call order on a fresh card: `read_holder` (selects the application), then `verify_pin`, then
//! `sign_sha256` / `prove_possession`. Signing does not select the application again, since
//! re-selecting may reset the PIN status of an IAS-ECC local PIN.

use zeroize::Zeroizing;

use super::apdu::{self, sw};
use super::certificate;
use super::error::CardError;
use super::identity::IdentityRecord;
use super::profile::{CardProfile, SignMethod};

/// Sends one C-APDU and returns the R-APDU (data followed by SW1 SW2).
pub trait CardChannel: Send {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError>;
}

/// The card holder, as read from the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardHolder {
    pub national_id: String,
    pub given_name: String,
    pub family_name: String,
    pub profession_code: Option<String>,
    pub specialty_code: Option<String>,
    pub card_serial: String,
    pub certificate_der: Vec<u8>,
    /// Authorities' certificates the card carries (may be empty), for the chain check.
    pub authority_certificates: Vec<Vec<u8>>,
}

/// DER prefix of a SHA-256 DigestInfo (RFC 8017, section 9.2 note 1).
pub const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

fn select_application(ch: &mut dyn CardChannel, profile: &CardProfile) -> Result<(), CardError> {
    let response = apdu::exchange(ch, &apdu::select_aid(profile.application_aid)?)?;
    match response.sw {
        sw::OK => Ok(()),
        sw::FILE_NOT_FOUND | sw::WRONG_P1P2 | sw::INS_NOT_SUPPORTED | sw::CLA_NOT_SUPPORTED => {
            Err(CardError::NotACps)
        }
        other => Err(CardError::Status(other)),
    }
}

/// Selects `file_id` in the application and reads it whole; `Ok(None)` when it does not exist.
fn read_file(
    ch: &mut dyn CardChannel,
    profile: &CardProfile,
    file_id: u16,
) -> Result<Option<Vec<u8>>, CardError> {
    let response = apdu::exchange(ch, &apdu::select_file(file_id)?)?;
    match response.sw {
        sw::OK => {}
        sw::FILE_NOT_FOUND => return Ok(None),
        other => return Err(CardError::Status(other)),
    }
    apdu::read_current_file(ch, profile.read_chunk, profile.max_file_size).map(Some)
}

/// Reads the holder: identity file and authentication certificate. Without an identity file
/// (or with one Chevet cannot read), the national id and names come from the certificate
/// subject; when both exist they must name the same national id.
pub fn read_holder(
    ch: &mut dyn CardChannel,
    profile: &CardProfile,
) -> Result<CardHolder, CardError> {
    select_application(ch, profile)?;
    let certificate_der =
        read_file(ch, profile, profile.auth_certificate_ef)?.ok_or(CardError::NotACps)?;
    let subject = certificate::subject_holder(&certificate_der)?;
    let authority_certificates = match profile.authority_certificates_ef {
        Some(ef) => match read_file(ch, profile, ef) {
            Ok(Some(bytes)) => certificate::split_certificates(&bytes),
            Ok(None) => Vec::new(),
            Err(e) if e.is_retryable() => return Err(e),
            Err(_) => Vec::new(),
        },
        None => Vec::new(),
    };
    let record = match read_file(ch, profile, profile.identity_ef)? {
        Some(bytes) => match IdentityRecord::decode(&bytes) {
            Ok(record) => Some(record),
            Err(e) => {
                tracing::warn!(error = %e, "card identity file unreadable, using the certificate");
                None
            }
        },
        None => None,
    };
    let holder = match record {
        Some(record) => {
            if subject
                .national_id
                .as_ref()
                .is_some_and(|id| *id != record.national_id)
            {
                return Err(CardError::Malformed(
                    "identity file and certificate name different holders",
                ));
            }
            CardHolder {
                national_id: record.national_id,
                given_name: record.given_name,
                family_name: record.family_name,
                profession_code: record.profession_code,
                specialty_code: record.specialty_code,
                card_serial: record.card_serial.unwrap_or(subject.certificate_serial),
                certificate_der,
                authority_certificates,
            }
        }
        None => CardHolder {
            national_id: subject
                .national_id
                .ok_or(CardError::Malformed("no national id on the card"))?,
            given_name: subject.given_name.unwrap_or_default(),
            family_name: subject.family_name.unwrap_or_default(),
            profession_code: None,
            specialty_code: None,
            card_serial: subject.certificate_serial,
            certificate_der,
            authority_certificates,
        },
    };
    tracing::debug!(profile = profile.name, "card holder read");
    Ok(holder)
}

/// Maps the status word of a VERIFY.
fn pin_status(sw: u16) -> Result<Option<u8>, CardError> {
    match sw {
        sw::OK => Ok(None),
        sw::AUTH_METHOD_BLOCKED => Ok(Some(0)),
        s if s & 0xFFF0 == 0x63C0 => Ok(Some((s & 0x000F) as u8)),
        other => Err(CardError::Status(other)),
    }
}

/// How many PIN tries are left (0: blocked). A PIN already verified counts as all tries left.
pub fn pin_attempts_left(ch: &mut dyn CardChannel, profile: &CardProfile) -> Result<u8, CardError> {
    select_application(ch, profile)?;
    let response = apdu::exchange(ch, &apdu::verify_status(profile.pin_reference)?)?;
    Ok(pin_status(response.sw)?.unwrap_or(profile.pin_max_attempts))
}

/// The PIN block: the digits, padded as the profile says. Refuses anything but 4 to 8 digits
/// (per the profile) before sending anything, so a typo costs no try.
fn pin_block(profile: &CardProfile, pin: &str) -> Result<Zeroizing<Vec<u8>>, CardError> {
    let len = pin.len();
    if !pin.bytes().all(|b| b.is_ascii_digit())
        || len < usize::from(profile.pin_min_len)
        || len > usize::from(profile.pin_max_len)
    {
        return Err(CardError::PinFormat);
    }
    let mut block = Zeroizing::new(Vec::with_capacity(usize::from(profile.pin_padded_len)));
    block.extend_from_slice(pin.as_bytes());
    block.resize(
        len.max(usize::from(profile.pin_padded_len)),
        profile.pin_pad_byte,
    );
    Ok(block)
}

/// Presents the PIN. Wrong: `WrongPin { attempts_left }`; last try used or already blocked:
/// `PinBlocked`.
pub fn verify_pin(
    ch: &mut dyn CardChannel,
    profile: &CardProfile,
    pin: &Zeroizing<String>,
) -> Result<(), CardError> {
    let block = pin_block(profile, pin)?;
    select_application(ch, profile)?;
    let response = apdu::exchange(ch, &apdu::verify(profile.pin_reference, &block)?)?;
    match pin_status(response.sw)? {
        None => Ok(()),
        Some(0) => Err(CardError::PinBlocked),
        Some(attempts_left) => Err(CardError::WrongPin { attempts_left }),
    }
}

/// RSA PKCS#1 v1.5 signature of SHA-256(data) by the authentication key (after PIN).
pub fn sign_sha256(
    ch: &mut dyn CardChannel,
    profile: &CardProfile,
    data: &[u8],
) -> Result<Vec<u8>, CardError> {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, data);
    let mut digest_info = SHA256_DIGEST_INFO_PREFIX.to_vec();
    digest_info.extend_from_slice(digest.as_ref());
    let mse = apdu::mse_set(
        profile.sign_method.mse_template(),
        profile.auth_key_reference,
        profile.auth_algorithm_reference,
    )?;
    apdu::exchange(ch, &mse)?.ok()?;
    let command = match profile.sign_method {
        SignMethod::InternalAuthenticate => apdu::internal_authenticate(&digest_info)?,
        SignMethod::PsoComputeDigitalSignature => apdu::pso_compute_signature(&digest_info)?,
    };
    let response = apdu::exchange(ch, &command)?;
    match response.sw {
        sw::OK if response.data.is_empty() => Err(CardError::Malformed("empty signature")),
        sw::OK => Ok(response.data.to_vec()),
        sw::SECURITY_NOT_SATISFIED => Err(CardError::PinRequired),
        other => Err(CardError::Status(other)),
    }
}

/// Random 32-byte challenge signed on the card and verified with the certificate's public key.
/// Whether that certificate is to be trusted is `card::revocation::CardTrust`'s call.
pub fn prove_possession(
    ch: &mut dyn CardChannel,
    profile: &CardProfile,
    holder: &CardHolder,
) -> Result<(), CardError> {
    let challenge: [u8; 32] = rand::random();
    let signature = sign_sha256(ch, profile, &challenge)?;
    certificate::verify_sha256(&holder.certificate_der, &challenge, &signature)
}

#[cfg(test)]
mod tests {
    use super::super::profile::CPS3;
    use super::*;

    #[test]
    fn pin_blocks_are_checked_and_padded() {
        assert_eq!(
            pin_block(&CPS3, "1234").expect("pin").as_slice(),
            b"1234\xFF\xFF\xFF\xFF"
        );
        for bad in ["123", "123456789", "12a4", "", "１２３４"] {
            assert_eq!(pin_block(&CPS3, bad), Err(CardError::PinFormat), "{bad}");
        }
    }

    #[test]
    fn verify_status_words() {
        assert_eq!(pin_status(0x9000), Ok(None));
        assert_eq!(pin_status(0x63C2), Ok(Some(2)));
        assert_eq!(pin_status(0x6983), Ok(Some(0)));
        assert_eq!(pin_status(0x6A88), Err(CardError::Status(0x6A88)));
    }
}
